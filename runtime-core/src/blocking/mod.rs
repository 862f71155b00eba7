//! Blocking work: [`spawn_blocking`] on the runtime's pool, [`run_in_executor`] on a
//! pool of your own, both awaited through the same [`JoinHandle`] as tasks.
//!
//! | asyncio | runtime |
//! |---|---|
//! | `await loop.run_in_executor(None, f)` | [`spawn_blocking`]`(f).await` |
//! | `await loop.run_in_executor(pool, f)` | [`run_in_executor`]`(&pool, f).await`, `pool` a [`ThreadPool`] |
//! | `ProcessPoolExecutor` for CPU-bound work | [`ThreadPool::cpu`]: Rust has no GIL, so threads, one per core |
//!
//! # How a closure becomes a task
//!
//! The closure is wrapped in a one-poll future (`BlockingTask`) and allocated as an
//! ordinary task, but *unowned*: no runtime registry holds it, only its `JoinHandle` and
//! the one `Notified` reference that the job handed to the pool carries. The pool runs
//! the job on one of its threads, which polls the task once: the closure runs, its
//! return value (or panic) is stored, the `JoinHandle` is woken, done callbacks run.
//!
//! Rules:
//!
//! 1. **Nothing vanishes.** A job that is dropped without running (the pool shut down
//!    before a thread took it, or refused it) cancels its task as it drops, so the
//!    `JoinHandle` resolves to a cancelled [`JoinError`](crate::JoinError) (`Job::drop`).
//! 2. **Abort before start.** A queued task's state already says `NOTIFIED`, so `abort`
//!    only marks it `CANCELLED`; the job, when a thread takes it, drops the closure
//!    without calling it. Once the closure runs, abort has no effect (like tokio).
//! 3. **Context.** Jobs of a runtime's pool, and jobs submitted from inside a runtime,
//!    run with that runtime current, so `Handle::current()` and `runtime::spawn` work
//!    inside them.
//! 4. **Paused time.** From submission until the job is done, it holds the runtime's
//!    paused clock still (an inhibit guard), so a `timeout` around blocking work cannot
//!    elapse in virtual time while the work runs.
use crate::error;
use crate::scheduler::{self, context};
use crate::task::callbacks::CallSoon;
use crate::task::raw::RawTask;
use crate::task::{Id, JoinHandle, Notified, Schedule, Task};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use runtime_blocking::{Builder as ThreadPoolBuilder, ShutdownReport, ThreadPool};

/// Runs the blocking closure `f` on the current runtime's blocking pool (asyncio's
/// `loop.run_in_executor(None, f)`) and returns a handle to await its result.
///
/// Use it for work that would stall a worker thread: file I/O, a blocking client
/// library, a long computation. The pool starts threads on demand, up to
/// `Builder::max_blocking_threads` (512 by default), and lets idle ones go after
/// `Builder::thread_keep_alive` (10 s). A panic in `f` comes back as a panicked
/// `JoinError`; `abort` before the closure starts cancels it.
///
/// # Panics
/// Outside a runtime: call it from a task, inside `block_on`, or under
/// `Handle::enter`; or use [`Handle::spawn_blocking`](crate::Handle::spawn_blocking).
///
/// ```
/// runtime::run(async {
///     let bytes = runtime::spawn_blocking(|| std::fs::read("Cargo.toml").map(|b| b.len()))
///         .await
///         .expect("the job did not panic")
///         .expect("Cargo.toml is readable");
///     assert!(bytes > 0);
/// });
/// ```
#[track_caller]
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    match context::current() {
        Some(handle) => spawn_blocking_on(&handle, f),
        None => panic!("{}", error::NO_RUNTIME),
    }
}

/// Runs the blocking closure `f` on `pool` (asyncio's `loop.run_in_executor(pool, f)`)
/// and returns a handle to await its result.
///
/// Works from any task on any worker, and from outside a runtime too. Inside a
/// runtime, the job runs with that runtime current. If `pool` has shut down, the
/// handle resolves at once to a cancelled `JoinError`.
///
/// ```
/// runtime::run(async {
///     // CPU-bound work: Rust has no GIL, so a pool with a thread per core is
///     // asyncio's process pool.
///     let pool = runtime::ThreadPool::cpu()?;
///     let sum = runtime::run_in_executor(&pool, || (0..1_000u64).map(|i| i * i).sum::<u64>());
///     assert_eq!(sum.await.unwrap(), 332_833_500);
///     Ok::<_, std::io::Error>(())
/// })
/// .unwrap();
/// ```
pub fn run_in_executor<F, R>(pool: &ThreadPool, f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    submit(pool, context::current(), f)
}

/// `spawn_blocking` on the runtime behind `handle`.
pub(crate) fn spawn_blocking_on<F, R>(handle: &scheduler::Handle, f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    submit(handle.blocking(), Some(handle.clone()), f)
}

fn submit<F, R>(pool: &ThreadPool, rt: Option<scheduler::Handle>, f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let (join, job) = new_job(pool as *const ThreadPool as usize, rt, f);
    // Refused (the pool shut down): the job drops here and cancels its task (rule 1).
    let _ = pool.execute(move || job.run());
    join
}

/// The task for `f` and the job that runs it on the pool at address `pool`.
fn new_job<F, R>(pool: usize, rt: Option<scheduler::Handle>, f: F) -> (JoinHandle<R>, Job)
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let inhibit = rt.as_ref().map(|h| h.time().inhibit_auto_advance());
    let scheduler = BlockingSchedule { rt: rt.clone() };
    let raw = RawTask::new(BlockingTask(Some(f)), scheduler, Id::next());
    let join = JoinHandle::new(raw);
    // Unowned: no registry holds a reference (module docs), so release the one a
    // registry would have held. The JoinHandle's and the Notified's remain.
    // SAFETY: the registry's initial reference is ours and no registry takes it; the
    // JoinHandle's keeps the task alive (rule 1 of `task/mod.rs`).
    unsafe { raw.drop_reference() };
    // SAFETY: the Notified's initial reference, still ours, goes to the job.
    let task = unsafe { Task::from_raw(raw) };
    let job = Job {
        task: Some(Notified(task)),
        pool,
        rt,
        _inhibit: inhibit,
    };
    (join, job)
}

/// The closure as a future that completes on its first poll.
struct BlockingTask<F>(Option<F>);

// The closure is moved out, never pinned.
impl<F> Unpin for BlockingTask<F> {}

impl<F, R> Future for BlockingTask<F>
where
    F: FnOnce() -> R,
{
    type Output = R;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<R> {
        let f = self.0.take().expect(error::BLOCKING_TASK_POLLED_TWICE);
        Poll::Ready(f())
    }
}

/// What the pool runs: the task's one `Notified` reference.
struct Job {
    task: Option<Notified<BlockingSchedule>>,
    /// The address of the pool that runs it (see [`is_inside_job_of`]).
    pool: usize,
    rt: Option<scheduler::Handle>,
    /// Holds paused time still until the job is done (rule 4).
    _inhibit: Option<runtime_timer::InhibitGuard>,
}

impl Job {
    fn run(mut self) {
        let _current = self.rt.as_ref().map(context::set_current);
        let previous = IN_JOB_OF.with(|c| c.replace(self.pool));
        if let Some(task) = self.task.take() {
            task.run();
        }
        IN_JOB_OF.with(|c| c.set(previous));
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            // Never ran (rule 1): cancel the task with this reference.
            let raw = task.0.raw();
            std::mem::forget(task);
            // SAFETY: the forgotten Notified of an unowned task that never ran (rule 1),
            // handed over to cancel it.
            unsafe { raw.shutdown() };
        }
    }
}

crate::loom::thread_local! {
    /// The pool whose job this thread is running (its address), or 0.
    static IN_JOB_OF: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Whether this thread is running a job of `pool` (shutting the pool down from there
/// must not wait for itself).
pub(crate) fn is_inside_job_of(pool: &ThreadPool) -> bool {
    IN_JOB_OF
        .try_with(|c| c.get() == pool as *const ThreadPool as usize)
        .unwrap_or(false)
}

/// The scheduler of a blocking task: there is nothing to schedule (its one poll is the
/// job), only done callbacks to hand to the runtime it came from.
#[derive(Clone)]
struct BlockingSchedule {
    rt: Option<scheduler::Handle>,
}

impl Schedule for BlockingSchedule {
    fn release(&self, _task: &Task<Self>) -> Option<Task<Self>> {
        None
    }

    fn schedule(&self, task: Notified<Self>) {
        // Only `abort` of an idle task schedules, and a blocking task is never idle: it
        // is `NOTIFIED` until its job polls it and complete after (rule 2). Should it
        // happen, the task is `CANCELLED`, so this poll only cancels it.
        task.run();
    }

    fn call_soon(&self, f: CallSoon) -> Result<(), CallSoon> {
        match &self.rt {
            // A closed runtime cancels the callback task at once, which runs `f`.
            Some(rt) => {
                drop(rt.spawn(f.into_task(), None, |_| {}));
                Ok(())
            }
            None => Err(f),
        }
    }
}

#[cfg(all(test, runtime_loom))]
mod tests;

#[cfg(not(runtime_loom))]
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<ThreadPool>();
    assert_send_sync::<BlockingSchedule>();
};
