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
