//! Every panic and error text of this crate: one sentence each, what happened and what
//! to do.

/// `spawn` (and friends) called on a thread with no runtime.
/// `runtime::hyper::Executor::new()` asked by hyper to spawn on a thread with no runtime.
#[cfg(all(feature = "hyper", not(runtime_loom)))]
pub(crate) const HYPER_EXECUTOR_NO_RUNTIME: &str = "runtime::hyper::Executor::new() spawns on the runtime of the calling thread, and hyper called it outside any runtime: build the client or server connection inside a task or `block_on`, or use `Executor::with_handle(handle)` to spawn on a given runtime from anywhere";
pub(crate) const NO_RUNTIME: &str = "no runtime is running: call this from a task, inside `Runtime::block_on`, or under `Handle::enter()` (or use `Runtime::spawn`/`Handle::spawn` from outside)";

/// `block_on` or `runtime::run` inside a runtime.
pub(crate) const NESTED_BLOCK_ON: &str =
    "cannot start a runtime from inside a runtime: `.await` the future or `spawn` it instead";

/// A `blocking_*` call of `sync` on a runtime thread; follows the call's name.
pub(crate) const BLOCKING_IN_RUNTIME: &str = " cannot block a runtime thread: `.await` the async version instead, or call it from `spawn_blocking` or a plain thread";

/// `worker_threads(0)`.
pub(crate) const ZERO_WORKERS: &str = "worker_threads must be at least 1: pass a positive number, or leave it unset to use one worker per CPU";

/// `global_queue_interval(0)` or `event_interval(0)`.
pub(crate) const ZERO_INTERVAL: &str =
    "global_queue_interval, event_interval and max_io_events_per_tick must be at least 1: pass a positive number";

/// `max_blocking_threads(0)`.
pub(crate) const ZERO_BLOCKING_THREADS: &str = "max_blocking_threads must be at least 1: pass a positive number, or leave it unset for the default of 512";

/// A blocking task polled again after its closure ran (an internal invariant).
pub(crate) const BLOCKING_TASK_POLLED_TWICE: &str =
    "blocking task polled after its closure ran; please report this bug";

/// Which call shut a runtime down, for [`shutdown_warning`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ShutdownCaller {
    /// `Runtime::shutdown_timeout(timeout)`.
    ShutdownTimeout(std::time::Duration),
    /// `runtime::run`, after its future returned, with its fixed bound.
    Run(std::time::Duration),
}

/// What a shutdown that waited with a deadline left running: `None` when nothing was
/// left, else the warning for stderr, naming the call, what was left (singular or
/// plural) and the advice that fits the call.
pub(crate) fn shutdown_warning(
    caller: ShutdownCaller,
    blocking_jobs: usize,
    workers: usize,
) -> Option<String> {
    fn count(n: usize, one: &str, many: &str) -> String {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    }
    let mut left = Vec::new();
    if blocking_jobs > 0 {
        left.push(count(
            blocking_jobs,
            "blocking job was still running",
            "blocking jobs were still running",
        ));
    }
    if workers > 0 {
        left.push(count(
            workers,
            "worker thread was still inside a task's poll",
            "worker threads were still inside a task's poll",
        ));
    }
    if left.is_empty() {
        return None;
    }
    let left = left.join(" and ");
    let (they, them) = if blocking_jobs + workers == 1 {
        ("it goes", "it")
    } else {
        ("they go", "them")
    };
    let mut text = match caller {
        ShutdownCaller::ShutdownTimeout(t) => format!(
            "runtime: `Runtime::shutdown_timeout({t:?})` gave up at its deadline: {left}; \
             {they} on in the background. Pass a longer timeout to wait for {them}, or make \
             {them} return sooner."
        ),
        ShutdownCaller::Run(t) => format!(
            "runtime: `runtime::run` gave up {t:?} after its future returned: {left}; {they} \
             on in the background until the process exits. Make {them} return sooner, or \
             build a `Runtime` and end it with `Runtime::shutdown_timeout` to choose the wait."
        ),
    };
    if workers > 0 {
        text.push_str(" Work that blocks a worker inside a poll belongs in `spawn_blocking`.");
    }
    Some(text)
}

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

/// `GroupClosed`'s message (a spawn through a `GroupHandle` after the group finished).
pub(crate) const GROUP_CLOSED: &str = "the task group is finished (its `join` returned, or it was dropped): spawn members before `join` returns, or start a new `TaskGroup`";

/// `GroupError`'s message when `abort_all` was called.
pub(crate) const GROUP_ABORTED: &str =
    "the task group was aborted with `abort_all`: its members were cancelled";

// sync::queue

/// `QueueFull`'s message (`put_nowait` on a full queue).
pub(crate) const QUEUE_FULL: &str =
    "the queue is full: await `put` to wait for room, or create the queue with a larger maxsize";

/// `QueueEmpty`'s message (`get_nowait` on an empty queue).
pub(crate) const QUEUE_EMPTY: &str = "the queue is empty: await `get` to wait for an item";

/// `QueueShutDown`'s message.
pub(crate) const QUEUE_SHUT_DOWN: &str = "the queue was shut down: `put` fails from then on and `get` fails once the items left are taken, so stop producing and consuming";

/// `task_done` called more times than items were put (asyncio's `ValueError`).
pub(crate) const QUEUE_TASK_DONE_TOO_MANY: &str = "`task_done` called more times than items were put in the queue: call it once for each item taken with `get`, after processing it";

/// A queue's `put` future polled after it completed.
pub(crate) const QUEUE_PUT_POLLED_AFTER_COMPLETION: &str =
    "a queue's `put` future was polled after it returned `Ready`: await it only once";

/// A queue's `get` future polled after it completed.
pub(crate) const QUEUE_GET_POLLED_AFTER_COMPLETION: &str =
    "a queue's `get` future was polled after it returned `Ready`: await it only once, and call `get()` again for the next item";
// sync::mpsc
/// `mpsc::channel(0)`.
pub(crate) const MPSC_ZERO_CAPACITY: &str = "mpsc::channel capacity must be at least 1: pass a positive bound, or use `mpsc::unbounded_channel()` for no bound";
// sync::locks (Semaphore, Mutex, RwLock, Condition)

/// More than `Semaphore::MAX_PERMITS` permits requested or held.
pub(crate) const SEMAPHORE_TOO_MANY_PERMITS: &str =
    "a semaphore cannot hold more than `Semaphore::MAX_PERMITS` permits: ask for fewer";

/// `add_permits` on a bounded semaphore beyond its initial count (asyncio's ValueError).
pub(crate) const SEMAPHORE_RELEASED_MORE: &str = "released more than acquired: a bounded semaphore cannot hold more permits than it was created with; release only permits you acquired (or use `Semaphore::new` for an unbounded count)";

/// `RwLock::with_max_readers` with 0 or too many readers.
pub(crate) const RWLOCK_MAX_READERS: &str =
    "an RwLock's max_readers must be between 1 and `u32::MAX >> 3`: pass a number in that range";

/// `Condition::wait` with the guard of another mutex.
pub(crate) const CONDITION_FOREIGN_GUARD: &str = "`Condition::wait` was given the guard of another mutex: pass the guard this condition's `lock()` returned";

/// `merge` of permits from two different semaphores.
pub(crate) const SEMAPHORE_MERGE_FOREIGN: &str =
    "merging permits of different semaphores: merge only permits of one semaphore";

/// An I/O future or registration whose runtime has shut down.
pub(crate) const IO_DRIVER_SHUTDOWN: &str = "the runtime was shut down: I/O resources cannot be used after their runtime is gone; keep the runtime alive while its sockets are in use";

/// An address argument that resolved to no address at all.
pub(crate) const NO_SOCKET_ADDRESSES: &str =
    "the address resolved to no socket addresses: pass a \"host:port\" string or a SocketAddr";

// signal (left out of loom builds, like the I/O driver it sits on)

/// `signal(kind)` for SIGKILL or SIGSTOP; follows the signal's name.
#[cfg(not(runtime_loom))]
pub(crate) const SIGNAL_UNCATCHABLE: &str = " cannot be caught: the operating system never lets a process handle SIGKILL or SIGSTOP; listen for a signal that can be caught, such as `SignalKind::terminate()`";

/// `signal(kind)` for SIGILL, SIGFPE or SIGSEGV; follows the signal's name.
#[cfg(not(runtime_loom))]
pub(crate) const SIGNAL_FAULT: &str = " cannot be awaited: it reports a fault in the instruction that raised it, and a handler that returns runs that instruction again, so the process must die on it; listen for a signal that is sent to the process, such as `SignalKind::terminate()`";

/// `signal(kind)` for a number that names no signal; follows the number.
#[cfg(not(runtime_loom))]
pub(crate) const SIGNAL_INVALID: &str = " is not a signal number this platform accepts: use a `SignalKind` constructor such as `SignalKind::terminate()`, or a number from `man 7 signal`";
/// `recv_from` (or `peek_from`) on a datagram socket shut down for reading, with nothing
/// left queued: there is no sender to report.
#[cfg_attr(runtime_loom, allow(dead_code))] // loom builds leave the socket types out
pub(crate) const DATAGRAM_READ_SHUT_DOWN: &str = "the socket was shut down for reading and no datagram is left: there is nothing more to receive; use `recv` to read 0 at end of stream, or stop receiving";
/// `reunite` given the halves of two different streams.
#[cfg(not(runtime_loom))] // the socket types are not loom-built
pub(crate) const REUNITE_MISMATCH: &str = "tried to reunite halves of different streams: pass the two halves that one stream's `into_split` returned";

/// A socket address that is not an IP address where one was expected.
#[cfg(not(runtime_loom))]
pub(crate) const NOT_AN_IP_ADDRESS: &str =
    "the socket's address is not an IPv4 or IPv6 address: use a TCP socket made by `TcpSocket::new_v4` or `new_v6`";
// task::combinators

/// A combinator future (`gather`, `try_gather`, `wait`, `wait_for`) polled after it
/// returned `Ready`.
pub(crate) const COMBINATOR_POLLED_AFTER_COMPLETION: &str =
    "a `gather`, `try_gather`, `wait` or `wait_for` future was polled after it returned `Ready`: await it only once";

#[cfg(test)]
mod tests {
    use super::{shutdown_warning, ShutdownCaller::*};
    use std::time::Duration;

    #[test]
    fn nothing_left_means_no_warning() {
        assert_eq!(shutdown_warning(Run(Duration::from_secs(10)), 0, 0), None);
    }

    #[test]
    fn shutdown_timeout_warning_names_its_call_and_counts_in_the_singular() {
        let w = shutdown_warning(ShutdownTimeout(Duration::from_millis(100)), 1, 0).unwrap();
        assert_eq!(
            w,
            "runtime: `Runtime::shutdown_timeout(100ms)` gave up at its deadline: 1 blocking \
             job was still running; it goes on in the background. Pass a longer timeout to \
             wait for it, or make it return sooner."
        );
    }

    #[test]
    fn run_warning_counts_in_the_plural_and_points_to_shutdown_timeout() {
        let w = shutdown_warning(Run(Duration::from_secs(10)), 2, 0).unwrap();
        assert!(
            w.starts_with("runtime: `runtime::run` gave up 10s after"),
            "{w}"
        );
        assert!(
            w.contains(": 2 blocking jobs were still running; they go on"),
            "{w}"
        );
        assert!(w.contains("Make them return sooner"), "{w}");
        assert!(w.contains("end it with `Runtime::shutdown_timeout`"), "{w}");
        assert!(!w.contains("1 blocking jobs"), "{w}");
    }

    #[test]
    fn stuck_workers_are_named_with_their_advice() {
        let w = shutdown_warning(ShutdownTimeout(Duration::from_millis(5)), 0, 1).unwrap();
        assert!(w.contains(": 1 worker thread was still inside a task's poll; it goes on"));
        assert!(w.ends_with("belongs in `spawn_blocking`."), "{w}");
        let w = shutdown_warning(ShutdownTimeout(Duration::from_millis(5)), 1, 2).unwrap();
        assert!(
            w.contains(
                "1 blocking job was still running and 2 worker threads were still inside a \
                 task's poll; they go on"
            ),
            "{w}"
        );
        assert!(w.contains("wait for them"), "{w}");
    }
}
