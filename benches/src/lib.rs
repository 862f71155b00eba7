//! Shared pieces of the benchmarks in `benches/`: one adapter per runtime, the workloads'
//! names and sizes, and the synchronisation the workloads use.
//!
//! Every workload is written once, generic over [`Rt`], and run on each runtime through
//! an adapter that is as thin as the runtime's API allows: [`Ours`] (this workspace's
//! `runtime`), [`Tokio`] and [`SmolLocal`] (`async_executor::LocalExecutor` run under
//! `futures_lite::future::block_on`). The workloads signal each other with [`oneshot`] and
//! [`Latch`], written here on `atomic-waker` so that every runtime moves exactly the same
//! bytes through exactly the same channel; none of them touches a runtime's own sync types.
//!
//! Adding the multi-thread flavor later means adding constructors
//! (`Ours::multi_thread(2)`, `Tokio::multi_thread(2)`) and a `SmolMulti` adapter over a
//! static `async_executor::Executor` driven by worker threads; the workloads do not change.
//!
//! ```
//! use runtime_benches::{Latch, Ours, Rt};
//!
//! let rt = Ours::current_thread();
//! let latch = Latch::new(2);
//! rt.block_on(async {
//!     for _ in 0..2 {
//!         let l = latch.clone();
//!         Ours::detach(Ours::spawn(async move { l.count_down() }));
//!     }
//!     latch.wait().await;
//! });
//! ```
pub mod workloads;

use atomic_waker::AtomicWaker;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

/// Criterion group prefix of the single-threaded flavor: ids read `scheduler/<case>/<runtime>`.
pub const GROUP_CURRENT_THREAD: &str = "scheduler";

/// Function id of this workspace's runtime inside a group.
pub const ID_RUNTIME: &str = "runtime";
/// Function id of tokio inside a group.
pub const ID_TOKIO: &str = "tokio";
/// Function id of smol (async-executor) inside a group.
pub const ID_SMOL: &str = "smol";

/// Case: spawn [`NUM_SPAWN`] tasks from inside a task; each counts a latch down.
pub const CASE_SPAWN_MANY_LOCAL: &str = "spawn_many_local";
/// Case: spawn [`NUM_SPAWN`] tasks from outside `block_on`, then await every handle.
pub const CASE_SPAWN_MANY_REMOTE: &str = "spawn_many_remote";
/// Case: [`YIELD_TASKS`] tasks each yield [`NUM_YIELD`] times.
pub const CASE_YIELD_MANY: &str = "yield_many";
/// Case: [`NUM_PINGS`] pairs of tasks bounce one message there and back over [`oneshot`].
pub const CASE_PING_PONG: &str = "ping_pong";
/// Case: a task spawns the next, [`CHAIN_DEPTH`] deep; the last one signals completion.
pub const CASE_CHAINED_SPAWN: &str = "chained_spawn";

/// Tasks spawned per iteration by the spawn cases.
pub const NUM_SPAWN: usize = 10_000;
/// Tasks of the yield case.
pub const YIELD_TASKS: usize = 200;
/// Yields per task in the yield case.
pub const NUM_YIELD: usize = 200;
/// Round trips per iteration of the ping-pong case.
pub const NUM_PINGS: usize = 1_000;
/// Length of the spawn chain.
pub const CHAIN_DEPTH: usize = 1_000;

/// The operations a workload needs from a runtime.
///
/// `spawn` is the in-task spawn (tokio's `tokio::spawn`, our `runtime::spawn`, smol's
/// executor found through a thread-local); `spawn_remote` spawns from outside the
/// runtime (`Runtime::spawn` / `Handle::spawn`). The join handle's output is the task's
/// output: a `JoinError` is a bug in a benchmark, so adapters unwrap it.
pub trait Rt {
    /// A task's join handle: awaiting it yields the task's output.
    type Join<T: Send + 'static>: Future<Output = T> + Send + Unpin + 'static;

    /// Runs `future` to completion on the calling thread, running tasks meanwhile.
    fn block_on<F: Future>(&self, future: F) -> F::Output;

    /// Spawns from outside the runtime (the calling thread is not in `block_on`).
    fn spawn_remote<F>(&self, future: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;

    /// Spawns onto the runtime the calling task runs on.
    fn spawn<F>(future: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;

    /// Lets the task run on without anyone awaiting it (smol cancels a dropped task).
    fn detach<T: Send + 'static>(join: Self::Join<T>);

    /// The runtime's own `yield_now`.
    fn yield_now() -> impl Future<Output = ()> + Send;
}

/// A join handle whose `Result` output is unwrapped: the same handle, one branch more.
#[derive(Debug)]
pub struct Unwrapped<H>(H);

impl<H, T, E> Future for Unwrapped<H>
where
    H: Future<Output = Result<T, E>> + Unpin,
    E: fmt::Debug,
{
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        Pin::new(&mut self.0)
            .poll(cx)
            .map(|r| r.expect("benchmark task failed"))
    }
}

/// This workspace's runtime.
#[derive(Debug)]
pub struct Ours(pub runtime::Runtime);

impl Ours {
    /// The current-thread flavor.
    pub fn current_thread() -> Ours {
        Ours(
            runtime::Builder::new_current_thread()
                .build()
                .expect("build runtime"),
        )
    }
}

impl Rt for Ours {
    type Join<T: Send + 'static> = Unwrapped<runtime::JoinHandle<T>>;

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.0.block_on(future)
    }

    fn spawn_remote<F>(&self, future: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Unwrapped(self.0.spawn(future))
    }

    fn spawn<F>(future: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Unwrapped(runtime::spawn(future))
    }

    fn detach<T: Send + 'static>(join: Self::Join<T>) {
        drop(join);
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        runtime::yield_now()
    }
}

/// tokio.
#[derive(Debug)]
pub struct Tokio(pub tokio::runtime::Runtime);

impl Tokio {
    /// tokio's current-thread flavor.
    pub fn current_thread() -> Tokio {
        Tokio(
            tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("build tokio runtime"),
        )
    }
}

impl Rt for Tokio {
    type Join<T: Send + 'static> = Unwrapped<tokio::task::JoinHandle<T>>;

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.0.block_on(future)
    }

    fn spawn_remote<F>(&self, future: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Unwrapped(self.0.spawn(future))
    }

    fn spawn<F>(future: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Unwrapped(tokio::spawn(future))
    }

    fn detach<T: Send + 'static>(join: Self::Join<T>) {
        drop(join);
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        tokio::task::yield_now()
    }
}

thread_local! {
    /// The thread's smol executor. A thread-local stands in for the "current runtime"
    /// that tokio and ours find the same way, so in-task spawns cost one TLS look-up on
    /// every runtime.
    static SMOL_LOCAL: async_executor::LocalExecutor<'static> =
        const { async_executor::LocalExecutor::new() };
}

/// smol's single-threaded executor, `async_executor::LocalExecutor`, driven by
/// `futures_lite::future::block_on(ex.run(..))`. Each thread has one.
#[derive(Debug, Default)]
pub struct SmolLocal(());

impl SmolLocal {
    /// The calling thread's executor.
    pub fn new() -> SmolLocal {
        SmolLocal(())
    }
}

impl Rt for SmolLocal {
    type Join<T: Send + 'static> = async_executor::Task<T>;

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        SMOL_LOCAL.with(|ex| futures_lite::future::block_on(ex.run(future)))
    }

    fn spawn_remote<F>(&self, future: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        SMOL_LOCAL.with(|ex| ex.spawn(future))
    }

    fn spawn<F>(future: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        SMOL_LOCAL.with(|ex| ex.spawn(future))
    }

    fn detach<T: Send + 'static>(join: Self::Join<T>) {
        join.detach();
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        futures_lite::future::yield_now()
    }
}

/// A one-time flag a task can wait on: set once, wakes the one waiter.
#[derive(Debug, Default)]
struct Flag {
    set: AtomicBool,
    waker: AtomicWaker,
}

impl Flag {
    fn set(&self) {
        self.set.store(true, Ordering::Release);
        self.waker.wake();
    }

    fn poll_set(&self, cx: &mut Context<'_>) -> Poll<()> {
        if self.set.load(Ordering::Acquire) {
            return Poll::Ready(());
        }
        self.waker.register(cx.waker());
        if self.set.load(Ordering::Acquire) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// A single-use channel carrying a unit message, the same for every runtime: one `Arc`
/// allocation, one atomic store and an `AtomicWaker` wake per message.
pub mod oneshot {
    use super::Flag;
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Arc;
    use std::task::{Context, Poll};

    /// Creates a channel.
    pub fn channel() -> (Sender, Receiver) {
        let flag = Arc::new(Flag::default());
        (Sender(flag.clone()), Receiver(flag))
    }

    /// The sending half.
    #[derive(Debug)]
    pub struct Sender(Arc<Flag>);

    impl Sender {
        /// Sends the message, waking the receiver.
        pub fn send(self) {
            self.0.set();
        }
    }

    /// The receiving half: a future that completes once the message was sent. A sender
    /// dropped without sending leaves it pending forever (fine for benchmarks).
    #[derive(Debug)]
    pub struct Receiver(Arc<Flag>);

    impl Future for Receiver {
        type Output = ();

        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            self.0.poll_set(cx)
        }
    }
}

/// A countdown: `count_down` by many tasks, `wait` by one. Cloning shares it.
#[derive(Debug, Clone)]
pub struct Latch(Arc<LatchInner>);

#[derive(Debug)]
struct LatchInner {
    remaining: AtomicUsize,
    done: Flag,
}

impl Latch {
    /// A latch that opens after `n` calls to [`count_down`](Latch::count_down).
    pub fn new(n: usize) -> Latch {
        Latch(Arc::new(LatchInner {
            remaining: AtomicUsize::new(n),
            done: Flag::default(),
        }))
    }

    /// Counts down; the call that reaches zero wakes the waiter.
    pub fn count_down(&self) {
        if self.0.remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.done.set();
        }
    }

    /// Waits until the count reaches zero.
    pub fn wait(&self) -> impl Future<Output = ()> + Send + '_ {
        std::future::poll_fn(|cx| self.0.done.poll_set(cx))
    }
}

/// Asserts the adapters stay usable from other threads (needed by the multi-thread flavor).
const _: () = {
    const fn assert_send<T: Send>() {}
    assert_send::<Latch>();
    assert_send::<oneshot::Sender>();
    assert_send::<oneshot::Receiver>();
};
