//! Every panic and error text of this crate: one sentence each, what happened and what
//! to do.

/// `spawn` (and friends) called on a thread with no runtime.
pub(crate) const NO_RUNTIME: &str = "no runtime is running: call this from a task, inside `Runtime::block_on`, or under `Handle::enter()` (or use `Runtime::spawn`/`Handle::spawn` from outside)";

/// `block_on` or `runtime::run` inside a runtime.
pub(crate) const NESTED_BLOCK_ON: &str =
    "cannot start a runtime from inside a runtime: `.await` the future or `spawn` it instead";

/// `worker_threads(0)`.
pub(crate) const ZERO_WORKERS: &str = "worker_threads must be at least 1: pass a positive number, or leave it unset to use one worker per CPU";

/// `global_queue_interval(0)` or `event_interval(0)`.
pub(crate) const ZERO_INTERVAL: &str =
    "scheduler intervals must be at least 1: pass a positive number of polls";

/// `max_blocking_threads(0)`.
pub(crate) const ZERO_BLOCKING_THREADS: &str = "max_blocking_threads must be at least 1: pass a positive number, or leave it unset for the default of 512";

/// A blocking task polled again after its closure ran (an internal invariant).
pub(crate) const BLOCKING_TASK_POLLED_TWICE: &str =
    "blocking task polled after its closure ran; please report this bug";

/// `runtime::run` left blocking jobs running after its wait.
pub(crate) const BLOCKING_JOBS_LEFT_RUNNING: &str = "blocking jobs were still running when the runtime shut down; they finish in the background (use `Runtime::shutdown_timeout` to wait longer)";

/// `start_paused(true)` on the multi-thread runtime.
pub(crate) const PAUSED_MULTI_THREAD: &str = "paused time is exact only on the current-thread runtime: build it with `Builder::new_current_thread()` (or use `#[runtime::test]`, which is current-thread), or remove `start_paused(true)`";

/// `JoinError::into_panic` on a cancellation.
pub(crate) const INTO_PANIC_ON_CANCELLED: &str = "`JoinError::into_panic` called on a cancelled task: check `is_panic()` first, or use `try_into_panic()`";

/// A JoinHandle polled again after it returned `Ready`.
pub(crate) const JOIN_HANDLE_POLLED_AFTER_COMPLETION: &str =
    "`JoinHandle` polled after it returned `Ready`: await a JoinHandle only once";

/// `TaskGroup::join` polled after completion.
pub(crate) const GROUP_JOIN_POLLED_AFTER_COMPLETION: &str =
    "`TaskGroup::join` polled after it returned `Ready`: await it only once";
