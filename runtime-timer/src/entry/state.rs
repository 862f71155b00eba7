//! The state word of a timer entry: an epoch and a status in one `AtomicU64`.
//!
//! ```text
//!  63                                   2 1 0
//! +--------------------------------------+---+
//! |                epoch                 | s |
//! +--------------------------------------+---+
//! ```
//!
//! - **epoch** counts registrations of the entry. Only the owner (the
//!   [`Registration`](crate::Registration), which is not `Clone` and mutates
//!   through `&mut self`) starts a new epoch, under its shard's lock, when it
//!   puts the entry back into a wheel after the entry left it (rule E2 in
//!   [`super`]). The wheel's copy of the entry carries the epoch it was inserted
//!   with, so a driver that fires a copy popped before the re-registration
//!   finds a newer epoch and does nothing.
//! - **s**, the status of the current epoch:
//!   - `PENDING`: in a wheel, or popped by a driver that has not fired it yet.
//!     Excludes the other two.
//!   - `FIRED`: the deadline passed and a driver fired this epoch. Terminal for
//!     the epoch; only a new epoch leaves it.
//!   - `SHUTDOWN`: the shard shut down before this epoch fired. Terminal for
//!     the entry: a closed shard never starts a `PENDING` epoch again.
//!
//! Transitions (each one method below, named `transition_to_*`):
//!
//! | from | to | by | how |
//! |---|---|---|---|
//! | `PENDING@e` | `FIRED@e` | driver | CAS, fails if the epoch moved on |
//! | `PENDING@e` | `SHUTDOWN@e` | shutdown | CAS, fails if the epoch moved on |
//! | any `@e` | `PENDING@e+1`, `FIRED@e+1` or `SHUTDOWN@e+1` | owner | swap, under the shard lock |

use crate::loom::sync::atomic::{AtomicU64, Ordering};

const STATUS_MASK: u64 = 0b11;
const EPOCH_SHIFT: u32 = 2;

/// The status bits of a snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    /// Waiting for its deadline.
    Pending = 0,
    /// Its deadline passed.
    Fired = 1,
    /// Its shard shut down first.
    Shutdown = 2,
}

/// One reading of the state word.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Snapshot(u64);

impl Snapshot {
    const fn new(epoch: u64, status: Status) -> Self {
        Self(epoch << EPOCH_SHIFT | status as u64)
    }

    pub(crate) const fn epoch(self) -> u64 {
        self.0 >> EPOCH_SHIFT
    }

    pub(crate) fn status(self) -> Status {
        match self.0 & STATUS_MASK {
            0 => Status::Pending,
            1 => Status::Fired,
            _ => Status::Shutdown,
        }
    }
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("epoch", &self.epoch())
            .field("status", &self.status())
            .finish()
    }
}

/// What a driver-side transition did.
#[must_use = "only the side that made the transition may wake the owner"]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Transition {
    /// This call made it: wake the owner.
    Done,
    /// The epoch moved on, or it already left `PENDING`: do nothing.
    Stale,
}

/// The state word.
#[derive(Debug)]
pub(crate) struct State(AtomicU64);

impl State {
    /// Epoch 0 with `status`.
    pub(crate) fn new(status: Status) -> Self {
        Self(AtomicU64::new(Snapshot::new(0, status).0))
    }

    /// Reads the word. `Acquire`: a `FIRED` or `SHUTDOWN` seen here happens after
    /// everything the driver did before the transition.
    pub(crate) fn load(&self) -> Snapshot {
        Snapshot(self.0.load(Ordering::Acquire))
    }

    /// Driver: `PENDING@epoch` to `FIRED@epoch`.
    pub(crate) fn transition_to_fired(&self, epoch: u64) -> Transition {
        self.finish(epoch, Status::Fired)
    }

    /// Shutdown: `PENDING@epoch` to `SHUTDOWN@epoch`.
    pub(crate) fn transition_to_shutdown(&self, epoch: u64) -> Transition {
        self.finish(epoch, Status::Shutdown)
    }

    fn finish(&self, epoch: u64, to: Status) -> Transition {
        let pending = Snapshot::new(epoch, Status::Pending);
        match self.0.compare_exchange(
            pending.0,
            Snapshot::new(epoch, to).0,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => Transition::Done,
            Err(_) => Transition::Stale,
        }
    }

    /// Owner, under the shard lock: starts epoch `current + 1` with `status`
    /// (`Pending` to re-register, `Fired` for a deadline the wheel has already
    /// passed, so it is never inserted, `Shutdown` when the shard has closed) and
    /// returns it. A driver still holding a copy of epoch `current` will find its
    /// CAS stale.
    pub(crate) fn transition_to_next_epoch(&self, current: u64, status: Status) -> u64 {
        let next = current + 1;
        let previous = Snapshot(self.0.swap(Snapshot::new(next, status).0, Ordering::AcqRel));
        debug_assert_eq!(previous.epoch(), current, "only the owner starts epochs");
        next
    }
}

#[cfg(all(test, not(runtime_loom)))]
mod tests {
    use super::*;

    #[test]
    fn fire_only_the_current_pending_epoch() {
        let state = State::new(Status::Pending);
        assert_eq!(state.transition_to_fired(1), Transition::Stale);
        assert_eq!(state.transition_to_fired(0), Transition::Done);
        assert_eq!(
            state.transition_to_fired(0),
            Transition::Stale,
            "fires once"
        );
        assert_eq!(state.transition_to_shutdown(0), Transition::Stale);
        assert_eq!(state.load().status(), Status::Fired);

        let epoch = state.transition_to_next_epoch(0, Status::Pending);
        assert_eq!(epoch, 1);
        assert_eq!(state.transition_to_fired(0), Transition::Stale, "old copy");
        assert_eq!(state.load().status(), Status::Pending);
        assert_eq!(state.transition_to_shutdown(1), Transition::Done);
        assert_eq!(state.load().status(), Status::Shutdown);
        assert_eq!(state.load().epoch(), 1);
    }

    #[test]
    fn snapshot_debug_names_fields() {
        let text = format!("{:?}", State::new(Status::Shutdown).load());
        assert_eq!(text, "Snapshot { epoch: 0, status: Shutdown }");
    }
}
