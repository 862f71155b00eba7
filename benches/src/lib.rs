//! Shared pieces of the benchmarks in `benches/`: one adapter per runtime, the workloads'
//! names and sizes, and the synchronisation the workloads use.
//!
//! Every workload is written once, generic over [`Rt`], and run on each runtime through
//! an adapter that is as thin as the runtime's API allows, in two flavors:
//!
//! | flavor | runtime | tokio | smol |
//! |---|---|---|---|
//! | multi-thread, [`WORKERS`] workers | [`Ours::multi_thread`] | [`Tokio::multi_thread`] | [`SmolMulti`] |
//! | current-thread | [`Ours::current_thread`] | [`Tokio::current_thread`] | [`SmolLocal`] |
//!
//! [`SmolMulti`] is an `async_executor::Executor` run by [`WORKERS`] threads, each in
//! `futures_lite::future::block_on(ex.run(shutdown))`; [`SmolLocal`] is an
//! `async_executor::LocalExecutor` run under `futures_lite::future::block_on`. The
//! workloads signal each other with [`oneshot`] and [`Latch`], written here on
//! `atomic-waker` so that every runtime moves exactly the same bytes through exactly the
//! same channel; none of them touches a runtime's own sync types. The timer workloads
//! ([`timers`]) add [`timers::TimerRt`], each runtime's own sleep, reset and timeout; both
//! tokio flavors are built with `enable_time()`, as ours always runs its timers. The
//! blocking-pool workload ([`blocking`]) adds [`blocking::BlockingRt`], each runtime's own
//! `spawn_blocking` (smol's is `blocking::unblock`). The TCP workloads ([`net`]) add
//! [`net::NetRt`], each runtime's own listener and stream, and a runtime-less mio floor.
//!
//! ```
//! use runtime_benches::{Latch, Ours, Rt};
//!
//! let rt = Ours::multi_thread(2);
//! let latch = Latch::new(2);
//! rt.block_on(async {
//!     for _ in 0..2 {
//!         let l = latch.clone();
//!         Ours::detach(Ours::spawn(async move { l.count_down() }));
//!     }
//!     latch.wait().await;
//! });
//! ```
pub mod blocking;
pub mod http;
pub mod net;
pub mod timers;
pub mod workloads;

use atomic_waker::AtomicWaker;
use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::thread;

/// Criterion group prefix of the multi-thread flavor: ids read `scheduler/<case>/<runtime>`.
pub const GROUP_MULTI_THREAD: &str = "scheduler";
/// Criterion group prefix of the single-threaded flavor: ids read
/// `scheduler_current_thread/<case>/<runtime>`.
pub const GROUP_CURRENT_THREAD: &str = "scheduler_current_thread";

/// Worker threads of every multi-thread runtime in the benchmarks.
pub const WORKERS: usize = 2;

/// Function id of this workspace's runtime inside a group.
pub const ID_RUNTIME: &str = "runtime";
/// Function id of tokio inside a group.
pub const ID_TOKIO: &str = "tokio";
/// Function id of smol (async-executor) inside a group.
pub const ID_SMOL: &str = "smol";

/// Case: spawn [`NUM_SPAWN`] tasks from inside a task; each counts a latch down.
pub const CASE_SPAWN_MANY_LOCAL: &str = "spawn_many_local";
/// Case (current-thread): spawn [`NUM_SPAWN`] tasks from outside `block_on`, then await
/// every handle.
pub const CASE_SPAWN_MANY_REMOTE: &str = "spawn_many_remote";
/// Case (multi-thread): spawn [`NUM_SPAWN`] tasks from outside the runtime while its
/// workers are idle, then await every handle.
pub const CASE_SPAWN_MANY_REMOTE_IDLE: &str = "spawn_many_remote_idle";
/// Case (multi-thread): as [`CASE_SPAWN_MANY_REMOTE_IDLE`], while [`BUSY_TASKS`] tasks keep
/// the workers busy (each loops: yield, then spin [`BUSY_STALL`]).
pub const CASE_SPAWN_MANY_REMOTE_BUSY: &str = "spawn_many_remote_busy";
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
/// Background tasks of the busy case: two per worker, as in tokio's `rt_multi_threaded`.
pub const BUSY_TASKS: usize = 2 * WORKERS;
/// CPU time a busy task burns between two yields.
pub const BUSY_STALL: std::time::Duration = std::time::Duration::from_micros(10);

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

    /// The multi-thread flavor with `workers` worker threads.
    pub fn multi_thread(workers: usize) -> Ours {
        Ours(
            runtime::Builder::new_multi_thread()
                .worker_threads(workers)
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
    /// tokio's current-thread flavor, timers enabled.
    pub fn current_thread() -> Tokio {
        Tokio(
            tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .expect("build tokio runtime"),
        )
    }

    /// tokio's multi-thread flavor with `workers` worker threads, timers enabled.
    pub fn multi_thread(workers: usize) -> Tokio {
        Tokio(
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(workers)
                .enable_time()
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

thread_local! {
    /// The [`SmolMulti`] executor this thread runs on or blocks on, if any: set on its
    /// worker threads and for the length of [`SmolMulti::block_on`], the way tokio and ours
    /// set their current runtime, so an in-task spawn costs one TLS look-up everywhere.
    static SMOL_MULTI: RefCell<Option<Arc<async_executor::Executor<'static>>>> =
        const { RefCell::new(None) };
}

/// Makes `ex` the thread's [`SmolMulti`] executor until dropped, then restores the
/// previous one.
struct EnterSmol(Option<Arc<async_executor::Executor<'static>>>);

impl EnterSmol {
    fn new(ex: &Arc<async_executor::Executor<'static>>) -> EnterSmol {
        EnterSmol(SMOL_MULTI.replace(Some(ex.clone())))
    }
}

impl Drop for EnterSmol {
    fn drop(&mut self) {
        SMOL_MULTI.set(self.0.take());
    }
}

/// smol's multi-threaded executor: one `async_executor::Executor` run by worker threads,
/// each in `futures_lite::future::block_on(ex.run(shutdown))`. `block_on` blocks the
/// calling thread on the future without running tasks, as tokio's multi-thread
/// `block_on` does. Dropping it stops and joins the workers, then drops the executor
/// and every task still in it.
#[derive(Debug)]
pub struct SmolMulti {
    ex: Arc<async_executor::Executor<'static>>,
    shutdown: Vec<oneshot::Sender>,
    threads: Vec<thread::JoinHandle<()>>,
}

impl SmolMulti {
    /// An executor run by `workers` threads.
    pub fn new(workers: usize) -> SmolMulti {
        let ex = Arc::new(async_executor::Executor::new());
        let mut shutdown = Vec::with_capacity(workers);
        let mut threads = Vec::with_capacity(workers);
        for i in 0..workers {
            let (tx, rx) = oneshot::channel();
            let ex = ex.clone();
            let thread = thread::Builder::new()
                .name(format!("smol-worker-{i}"))
                .spawn(move || {
                    let _enter = EnterSmol::new(&ex);
                    futures_lite::future::block_on(ex.run(rx));
                })
                .expect("spawn smol worker");
            shutdown.push(tx);
            threads.push(thread);
        }
        SmolMulti {
            ex,
            shutdown,
            threads,
        }
    }
}

impl Drop for SmolMulti {
    fn drop(&mut self) {
        for tx in self.shutdown.drain(..) {
            tx.send();
        }
        for thread in self.threads.drain(..) {
            thread.join().expect("smol worker panicked");
        }
    }
}

impl Rt for SmolMulti {
    type Join<T: Send + 'static> = async_executor::Task<T>;

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _enter = EnterSmol::new(&self.ex);
        futures_lite::future::block_on(future)
    }

    fn spawn_remote<F>(&self, future: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.ex.spawn(future)
    }

    fn spawn<F>(future: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        SMOL_MULTI.with_borrow(|ex| {
            ex.as_ref()
                .expect("SmolMulti::spawn outside its workers and block_on")
                .spawn(future)
        })
    }

    fn detach<T: Send + 'static>(join: Self::Join<T>) {
        join.detach();
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        futures_lite::future::yield_now()
    }
}

/// Tasks that keep a runtime's workers busy until dropped: [`BUSY_TASKS`] of them, each
/// looping over the runtime's `yield_now` and [`BUSY_STALL`] of spinning, as in tokio's
/// `spawn_many_remote_busy1`. Dropping it stops them and waits until every one has ended.
#[derive(Debug)]
pub struct Busy<'a, R: Rt> {
    rt: &'a R,
    stop: Arc<AtomicBool>,
    tasks: Vec<R::Join<()>>,
}

impl<'a, R: Rt> Busy<'a, R> {
    /// Spawns the busy tasks onto `rt` from outside it.
    pub fn start(rt: &'a R) -> Busy<'a, R> {
        let stop = Arc::new(AtomicBool::new(false));
        let tasks = (0..BUSY_TASKS)
            .map(|_| {
                let stop = stop.clone();
                rt.spawn_remote(async move {
                    while !stop.load(Ordering::Relaxed) {
                        R::yield_now().await;
                        stall();
                    }
                })
            })
            .collect();
        Busy { rt, stop, tasks }
    }
}

impl<R: Rt> Drop for Busy<'_, R> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let tasks = std::mem::take(&mut self.tasks);
        self.rt.block_on(async {
            for task in tasks {
                task.await;
            }
        });
    }
}

/// Burns [`BUSY_STALL`] of CPU time, letting other threads run meanwhile (tokio's `stall`).
fn stall() {
    let start = std::time::Instant::now();
    while start.elapsed() < BUSY_STALL {
        thread::yield_now();
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

/// Asserts the workloads' synchronisation is usable from other threads (the multi-thread
/// flavor needs it).
const _: () = {
    const fn assert_send<T: Send>() {}
    assert_send::<Latch>();
    assert_send::<oneshot::Sender>();
    assert_send::<oneshot::Receiver>();
};
