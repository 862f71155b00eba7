//! `Runtime` and the free functions `run` and `spawn`.
use super::{Builder, EnterGuard, Handle};
use crate::error::{self, ShutdownCaller};
use crate::scheduler::{self, context, current_thread, multi_thread, Wait};
use crate::task::JoinHandle;
use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant};

/// How long [`run`] waits, after its future returns, for work still running on the
/// runtime's other threads.
const RUN_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);

/// An async runtime: a scheduler that runs tasks.
///
/// # Shutdown
///
/// Dropping it (or calling [`shutdown_timeout`](Runtime::shutdown_timeout) or
/// [`shutdown_background`](Runtime::shutdown_background)) cancels every task still alive:
/// each future is dropped exactly once, on this thread for the current-thread flavor, on
/// a worker for the multi-thread flavor. Blocking jobs that never started are cancelled.
/// Then:
///
/// - **Drop** waits for the workers to exit and for the running blocking jobs to finish,
///   as long as that takes. Except on a runtime thread: dropped from inside a task (on a
///   worker or a `block_on` thread, of this or any other runtime) or from a blocking job
///   of this runtime, the drop waits for nothing and returns at once, like
///   `shutdown_background`: blocking there would stall a worker (or deadlock on itself),
///   and the last reference to a runtime is often dropped by a task that is being
///   cancelled or unwinding, where a panic would abort the process. The workers cancel
///   the tasks as they exit, and running blocking jobs finish in the background.
/// - [`shutdown_timeout(t)`](Runtime::shutdown_timeout) waits up to `t` in total, for the
///   workers and the blocking jobs together; what is left at the deadline goes on in the
///   background, with a warning on stderr. [`run`] does the same with a 10 s bound.
/// - [`shutdown_background`](Runtime::shutdown_background) waits for nothing.
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

    /// Runs the blocking closure `f` on this runtime's blocking pool (from any thread),
    /// like [`Handle::spawn_blocking`]: asyncio's `loop.run_in_executor(None, f)`.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let h = rt.spawn_blocking(|| std::fs::metadata(".").is_ok());
    /// assert!(rt.block_on(h).unwrap());
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.handle.spawn_blocking(f)
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

    /// Shuts down: cancels every task, then waits up to `timeout` in total for work
    /// running on the runtime's other threads to stop (workers inside a poll, blocking
    /// jobs): one deadline for all of it. What is still running at the deadline goes on
    /// in the background, and a warning on stderr says what and why.
    ///
    /// Called from a worker of this runtime it cannot wait for that worker (its own
    /// thread): the workers then finish in the background, as with
    /// [`shutdown_background`](Runtime::shutdown_background); blocking jobs are still
    /// waited for up to `timeout`, except the calling job itself.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// let h = rt.spawn(std::future::pending::<()>());
    /// let t = Instant::now();
    /// rt.shutdown_timeout(Duration::from_secs(1));
    /// assert!(h.is_finished()); // cancelled by the shutdown
    /// assert!(t.elapsed() < Duration::from_secs(1)); // nothing left to wait for
    /// ```
    pub fn shutdown_timeout(mut self, timeout: Duration) {
        self.shutdown(Shutdown::Timeout(ShutdownCaller::ShutdownTimeout(timeout)));
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
        self.shutdown(Shutdown::Background);
    }

    fn shutdown(&mut self, how: Shutdown) {
        if self.shut_down {
            return;
        }
        self.shut_down = true;
        let pool = self.handle.inner.blocking();
        let own_job = crate::blocking::is_inside_job_of(pool);
        let wait = match how {
            Shutdown::Background => Wait::No,
            // Never block a runtime thread in `Drop` (see the type's docs): a worker or a
            // `block_on` thread (of this or any runtime), or a job of this runtime's pool.
            Shutdown::Drop if context::in_runtime() || own_job => Wait::No,
            Shutdown::Drop => Wait::Forever,
            Shutdown::Timeout(caller) => Wait::timeout(match caller {
                ShutdownCaller::ShutdownTimeout(t) | ShutdownCaller::Run(t) => t,
            }),
        };
        let _current = context::set_current(&self.handle.inner);
        let workers_left = match &self.handle.inner {
            scheduler::Handle::CurrentThread(h) => {
                current_thread::Handle::shutdown(h);
                0
            }
            scheduler::Handle::MultiThread(h) => multi_thread::Handle::shutdown(h, wait),
        };
        // Then the blocking pool: queued jobs are dropped (their tasks cancelled), running
        // ones are waited for until the same deadline. A job dropping its own runtime
        // cannot wait for itself.
        let blocking_left = match wait {
            _ if own_job => {
                pool.shutdown();
                0
            }
            Wait::No => {
                pool.shutdown();
                0
            }
            Wait::Forever => pool.shutdown_timeout(Duration::MAX).running(),
            Wait::Until(deadline) => pool
                .shutdown_timeout(deadline.saturating_duration_since(Instant::now()))
                .running(),
        };
        if let Shutdown::Timeout(caller) = how {
            if let Some(warning) = error::shutdown_warning(caller, blocking_left, workers_left) {
                eprintln!("{warning}");
            }
        }
    }
}

/// How a [`Runtime`] is being shut down.
#[derive(Clone, Copy, Debug)]
enum Shutdown {
    /// `Drop`: waits as long as it takes, except on a runtime thread (then as
    /// `Background`).
    Drop,
    /// `shutdown_timeout` or `run`: one deadline for everything.
    Timeout(ShutdownCaller),
    /// `shutdown_background`: no wait.
    Background,
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.shutdown(Shutdown::Drop);
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
    let mut rt = Builder::new_multi_thread()
        .build()
        .unwrap_or_else(|e| panic!("runtime::run could not build the default runtime: {e}"));
    let out = rt.block_on(future);
    rt.shutdown(Shutdown::Timeout(ShutdownCaller::Run(RUN_SHUTDOWN_TIMEOUT)));
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
