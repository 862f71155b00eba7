//! Every message this crate shows a user: one sentence, what happened and what to
//! do instead (STYLE.md, "Names and messages").

/// `Instant + Duration` past the platform's largest instant.
pub(crate) const INSTANT_ADD_OVERFLOW: &str =
    "overflow when adding a duration to an instant: use `Instant::checked_add` to handle it";

/// `Instant - Duration` before the platform's earliest instant.
pub(crate) const INSTANT_SUB_OVERFLOW: &str =
    "overflow when subtracting a duration from an instant: use `Instant::checked_sub` to handle it";

/// `Clock::advance` past the platform's largest instant.
pub(crate) const CLOCK_ADVANCE_OVERFLOW: &str =
    "advancing the clock overflows `Instant`: advance it by a smaller duration";

/// A wheel asked to hold more timers than its 32-bit indices can name.
pub(crate) const TOO_MANY_TIMERS: &str =
    "more than 4 billion timers are registered at once: cancel timers you no longer need";

/// A panic that escaped a waker the timer driver called.
pub(crate) const WAKER_PANICKED: &str =
    "a waker panicked while the timer driver woke it; the other timers still fire";

/// Broken internal invariant: a live timer lost its entry (only its drop
/// gives it away).
pub(crate) const REGISTRATION_WITHOUT_ENTRY: &str =
    "timer invariant broken: a registration has no entry; please report this bug";

/// Broken internal invariant: a node on a list has no value.
pub(crate) const NODE_WITHOUT_VALUE: &str =
    "timer wheel invariant broken: a stored entry has no value; please report this bug";

/// Broken internal invariant: two threads touched a waker slot at once.
pub(crate) const WAKER_SLOT_CONTENDED: &str =
    "timer waker invariant broken: two threads touched one waker slot; please report this bug";

/// Broken internal invariant: two threads registered wakers on one entry at once.
pub(crate) const CONCURRENT_REGISTER: &str =
    "timer waker invariant broken: two registrations ran at once; please report this bug";

/// `Registration::poll_elapsed` after the shard shut down.
pub(crate) const SHUTDOWN: &str =
    "the runtime that owns this timer has shut down: create timers inside a running runtime";

/// A `Sleep` (or a `Timeout`/`Interval` around one) polled on a thread with no
/// runtime, having been created on such a thread too.
pub(crate) const SLEEP_OUTSIDE_RUNTIME: &str =
    "`Sleep` was polled outside a runtime: create and await it inside a task or `Runtime::block_on`";

/// `Elapsed`'s `Display`: the words tokio uses, so logs read the same.
pub(crate) const ELAPSED: &str = "deadline has elapsed";

/// `interval(Duration::ZERO)` or `interval_at(_, Duration::ZERO)`.
pub(crate) const INTERVAL_ZERO_PERIOD: &str =
    "`interval` needs a period greater than zero: a zero period would tick forever without yielding";

/// `time::pause()` on a thread with no runtime.
pub(crate) const PAUSE_NO_RUNTIME: &str =
    "`time::pause` needs a runtime: call it inside a task or `Runtime::block_on` of a current-thread runtime";

/// `time::resume()` on a thread with no runtime.
pub(crate) const RESUME_NO_RUNTIME: &str =
    "`time::resume` needs a runtime: call it inside a task or `Runtime::block_on` of a current-thread runtime";

/// `time::advance()` on a thread with no runtime.
pub(crate) const ADVANCE_NO_RUNTIME: &str =
    "`time::advance` needs a runtime: call it inside a task or `Runtime::block_on` of a current-thread runtime";

/// `pause`/`resume`/`advance` on a runtime whose time cannot be paused exactly.
pub(crate) const NOT_PAUSABLE: &str =
    "paused time is exact only on the current-thread runtime: build it with `Builder::new_current_thread()` (or use `#[runtime::test]`, which is current-thread)";

/// `time::resume()` while the clock runs.
pub(crate) const RESUME_NOT_PAUSED: &str =
    "`time::resume` needs paused time, but the clock is already running: call `time::pause()` before `time::resume()`";

/// `time::advance()` while the clock runs.
pub(crate) const ADVANCE_NOT_PAUSED: &str =
    "`time::advance` needs paused time: call `time::pause()` first or build the runtime with `start_paused(true)`";

/// `Clock::pause`/`advance` on a clock made by `Clock::real`.
pub(crate) const CLOCK_NOT_PAUSABLE: &str =
    "this clock reads real time and cannot be paused or advanced: make it with `Clock::new`";
