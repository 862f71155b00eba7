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
