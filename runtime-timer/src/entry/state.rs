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
//!   - `PENDING`: in a wheel, or drained from it by a shutdown that has not
//!     ended it yet. Excludes the other three.
//!   - `FIRING`: a driver holding the shard lock found the entry due at the
//!     deadline it is filed at and is reading its true deadline (the lazy
//!     reset, see [`super`]): it leaves `FIRING` for `FIRED` or back to
//!     `PENDING` before it releases the lock. The owner treats it as pending.
//!   - `FIRED`: the deadline passed and a driver fired this epoch. Terminal for
//!     the epoch; only a new epoch leaves it.
//!   - `SHUTDOWN`: the shard shut down before this epoch fired. Terminal for
//!     the entry: a closed shard never starts a `PENDING` epoch again.
//!
//! Transitions (each one method below, named `transition_to_*`):
//!
//! | from | to | by | how |
//! |---|---|---|---|
//! | `PENDING@e` | `PENDING@e` | owner's lazy reset, no lock | CAS (rule L1 in [`super`]) |
//! | `PENDING@e` | `FIRING@e` | driver, under the shard lock | CAS (rule L1) |
//! | `FIRING@e` | `FIRED@e` or `PENDING@e` | the same driver, same lock | store |
//! | `PENDING@e` | `SHUTDOWN@e` | shutdown, after draining the wheel | CAS, fails if the epoch moved on |
//! | any `@e` | `PENDING@e+1`, `FIRED@e+1` or `SHUTDOWN@e+1` | owner, under the shard lock | swap |
//!
//! So while a driver holds the lock and an entry of its wheel is `FIRING`, it
//! is the only one writing the entry's word: owners write it under the lock,
//! or by their lazy reset's CAS, which fails on `FIRING`; and shutdown ends only
//! entries it drained.

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
    /// A driver is deciding, under the shard lock, whether it is due.
    Firing = 3,
}

impl Status {
    /// `FIRED` or `SHUTDOWN`: what the owner's poll reports as ready. `PENDING`
    /// and `FIRING` both wait.
    pub(crate) fn is_done(self) -> bool {
        matches!(self, Self::Fired | Self::Shutdown)
    }
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
            2 => Status::Shutdown,
            _ => Status::Firing,
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

    /// Owner, without the lock, after storing a later deadline (the lazy
    /// reset, rule L1): `PENDING@epoch` to itself, as a read-modify-write
    /// (`Release`), so that the driver's next `PENDING -> FIRING`, which reads
    /// from it, sees the new deadline. `Stale` when the epoch is not pending
    /// (firing, fired or shut down): reset under the lock instead.
    pub(crate) fn transition_to_pending_later(&self, epoch: u64) -> Transition {
        self.cas_from_pending(epoch, Status::Pending, Ordering::AcqRel)
    }

    /// Driver, under the shard lock: `PENDING@epoch` to `FIRING@epoch`. The
    /// driver reads the entry's deadline after this (`Acquire`: it sees the
    /// deadline of every lazy reset this CAS reads from, rule L1).
    pub(crate) fn transition_to_firing(&self, epoch: u64) -> Transition {
        self.cas_from_pending(epoch, Status::Firing, Ordering::AcqRel)
    }

    /// The driver that made `FIRING@epoch`, still under the lock: to `FIRED@epoch`.
    pub(crate) fn transition_to_fired(&self, epoch: u64) {
        self.leave_firing(epoch, Status::Fired);
    }

    /// The driver that made `FIRING@epoch`, still under the lock: back to
    /// `PENDING@epoch`, as it files the entry again at its later deadline.
    pub(crate) fn transition_to_pending(&self, epoch: u64) {
        self.leave_firing(epoch, Status::Pending);
    }

    /// Shutdown: `PENDING@epoch` to `SHUTDOWN@epoch`.
    pub(crate) fn transition_to_shutdown(&self, epoch: u64) -> Transition {
        self.cas_from_pending(epoch, Status::Shutdown, Ordering::AcqRel)
    }

    fn cas_from_pending(&self, epoch: u64, to: Status, success: Ordering) -> Transition {
        let pending = Snapshot::new(epoch, Status::Pending);
        match self.0.compare_exchange(
            pending.0,
            Snapshot::new(epoch, to).0,
            success,
            Ordering::Acquire,
        ) {
            Ok(_) => Transition::Done,
            Err(_) => Transition::Stale,
        }
    }

    /// A plain store: while the driver holds the lock, nobody else writes the
    /// word of an entry in its wheel (see the module docs).
    fn leave_firing(&self, epoch: u64, to: Status) {
        debug_assert_eq!(
            self.load(),
            Snapshot::new(epoch, Status::Firing),
            "only the driver that made FIRING leaves it"
        );
        self.0.store(Snapshot::new(epoch, to).0, Ordering::Release);
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
        assert_eq!(state.transition_to_firing(1), Transition::Stale);
        assert_eq!(state.transition_to_firing(0), Transition::Done);
        assert!(!state.load().status().is_done(), "firing still waits");
        assert_eq!(
            state.transition_to_firing(0),
            Transition::Stale,
            "one driver at a time"
        );
        state.transition_to_pending(0); // filed again, later
        assert_eq!(state.load().status(), Status::Pending);
        assert_eq!(state.transition_to_firing(0), Transition::Done);
        state.transition_to_fired(0);
        assert_eq!(state.transition_to_firing(0), Transition::Stale, "once");
        assert_eq!(state.transition_to_shutdown(0), Transition::Stale);
        assert_eq!(state.load().status(), Status::Fired);
        assert!(state.load().status().is_done());

        let epoch = state.transition_to_next_epoch(0, Status::Pending);
        assert_eq!(epoch, 1);
        assert_eq!(state.transition_to_firing(0), Transition::Stale, "old copy");
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
