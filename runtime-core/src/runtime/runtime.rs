//! `Runtime` and the free functions `run` and `spawn`.
use super::{Builder, EnterGuard, Handle};
use crate::error;
use crate::scheduler::{self, context, current_thread, multi_thread};
use crate::task::JoinHandle;
use std::fmt;
use std::future::Future;
use std::time::Duration;

/// An async runtime: a scheduler that runs tasks.
///
/// Dropping it (or calling [`shutdown_timeout`](Runtime::shutdown_timeout)) cancels every
/// task still alive: each future is dropped exactly once, on this thread for the
/// current-thread flavor.
///
/// ```
/// let rt = runtime::Builder::new_current_thread().build().unwrap();
/// let out = rt.block_on(async {
///     let h = runtime::spawn(async { 40 });
///     h.await.unwrap() + 2
/// });
/// assert_eq!(out, 42);
/// ```
pub struct Runtime {
    handle: Handle,
    shut_down: bool,
}

impl Runtime {
    pub(crate) fn from_handle(handle: Handle) -> Runtime {
        Runtime {
            handle,
            shut_down: false,
        }
    }

    /// A multi-thread runtime with default settings (one worker per CPU).
    ///
    /// # Errors
    /// When the runtime cannot start its threads or its driver.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
    /// ```
    pub fn new() -> std::io::Result<Runtime> {
        Builder::new_multi_thread().build()
    }

    /// Runs `future` to completion on this thread, running spawned tasks meanwhile.
    ///
    /// # Panics
    /// When called from inside a runtime (a task, or another `block_on`): `.await` the
    /// future or spawn it instead.
    ///
    /// Like asyncio's `loop.run_until_complete`:
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let out = rt.block_on(async {
    ///     let h = runtime::spawn(async { 20 });
    ///     h.await.unwrap() + 1
    /// });
    /// assert_eq!(out, 21);
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let Some(_in_rt) = context::enter_runtime() else {
            panic!("{}", error::NESTED_BLOCK_ON);
        };
        let _current = context::set_current(&self.handle.inner);
        match &self.handle.inner {
            scheduler::Handle::CurrentThread(h) => current_thread::Handle::block_on(h, future),
            scheduler::Handle::MultiThread(h) => multi_thread::Handle::block_on(h, future),
        }
    }

    /// Spawns `future` onto this runtime (from any thread).
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// let h = rt.spawn(async { "spawned from outside" });
    /// assert_eq!(rt.block_on(h).unwrap(), "spawned from outside");
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// The runtime's handle.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let handle = rt.handle().clone(); // cheap; Send + Sync
    /// let h = std::thread::spawn(move || handle.spawn(async { 5 })).join().unwrap();
    /// assert_eq!(rt.block_on(h).unwrap(), 5);
    /// ```
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Makes this runtime current on this thread; see [`Handle::enter`].
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let _guard = rt.enter();
    /// let h = runtime::spawn(async { 9 }); // finds the runtime through the guard
    /// assert_eq!(rt.block_on(h).unwrap(), 9);
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        self.handle.enter()
    }

    /// Shuts down: cancels every task, then waits up to `timeout` for work running on
    /// other threads of the runtime to stop.
    ///
    /// ```
    /// use std::time::Duration;
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// let h = rt.spawn(std::future::pending::<()>());
    /// rt.shutdown_timeout(Duration::from_secs(1));
    /// assert!(h.is_finished()); // cancelled by the shutdown
    /// ```
    pub fn shutdown_timeout(mut self, timeout: Duration) {
        self.shutdown(Some(timeout));
    }

    /// Shuts down without waiting for work running on other threads.
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// let h = rt.spawn(std::future::pending::<()>());
    /// rt.shutdown_background(); // returns at once; the workers cancel `h` as they exit
    /// drop(h);
    /// ```
    pub fn shutdown_background(mut self) {
        self.shutdown(Some(Duration::ZERO));
    }

    fn shutdown(&mut self, timeout: Option<Duration>) {
        if self.shut_down {
            return;
        }
        self.shut_down = true;
        let _current = context::set_current(&self.handle.inner);
        match &self.handle.inner {
            scheduler::Handle::CurrentThread(h) => current_thread::Handle::shutdown(h),
            scheduler::Handle::MultiThread(h) => multi_thread::Handle::shutdown(h, timeout),
        }
        // Then the blocking pool: queued jobs are dropped (their tasks cancelled), running
        // ones are waited for up to the timeout. A job dropping its own runtime cannot
        // wait for itself.
        let pool = self.handle.inner.blocking();
        let wait = if crate::blocking::is_inside_job_of(pool) {
            Duration::ZERO
        } else {
            timeout.unwrap_or(Duration::MAX)
        };
        let report = pool.shutdown_timeout(wait);
        if report.timed_out() && report.running() > 0 && !wait.is_zero() {
            eprintln!(
                "runtime: {} {}",
                report.running(),
                error::BLOCKING_JOBS_LEFT_RUNNING
            );
        }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.shutdown(None);
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("handle", &self.handle)
            .finish()
    }
}

/// Runs `future` on a new runtime and returns its output (asyncio's `asyncio.run`).
///
/// Tasks still alive when `future` finishes are cancelled and their futures dropped
/// before `run` returns.
///
/// # Panics
/// Inside a runtime: `.await` the future or `spawn` it instead.
///
/// ```
/// let answer = runtime::run(async {
///     let h = runtime::spawn(async { 21 });
///     h.await.unwrap() * 2
/// });
/// assert_eq!(answer, 42);
/// ```
#[track_caller]
pub fn run<F: Future>(future: F) -> F::Output {
    if context::in_runtime() {
        panic!("{}", error::NESTED_BLOCK_ON);
    }
    let rt = Builder::new_multi_thread()
        .build()
        .unwrap_or_else(|e| panic!("runtime::run could not build the default runtime: {e}"));
    let out = rt.block_on(future);
    rt.shutdown_timeout(Duration::from_secs(10));
    out
}

/// Spawns `future` onto the current runtime (asyncio's `create_task`).
///
/// The task starts running without being awaited; the returned [`JoinHandle`] awaits its
/// output, aborts it, or registers done callbacks.
///
/// # Panics
/// Outside a runtime: call it from a task, inside `block_on`, or under
/// [`Handle::enter`]; or use [`Handle::spawn`].
///
/// ```
/// runtime::run(async {
///     let h = runtime::spawn(async { "hello" });
///     assert_eq!(h.await.unwrap(), "hello");
/// });
/// ```
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    match context::current() {
        Some(h) => h.spawn(future, None, |_| {}),
        None => panic!("{}", error::NO_RUNTIME),
    }
}
