//! The oneshot state word: its bits and every transition (the rules are in the module
//! docs of `oneshot`).
use crate::loom::sync::atomic::{AtomicUsize, Ordering};

pub(super) const RX_TASK_SET: usize = 1;
pub(super) const TX_TASK_SET: usize = 2;
pub(super) const COMPLETE: usize = 4;
pub(super) const CLOSED: usize = 8;
pub(super) const TX_DROPPED: usize = 16;
pub(super) const RX_DROPPED: usize = 32;

/// The state word; every transition is one of its methods (see the module's rules).
pub(super) struct State(AtomicUsize);

/// What a handle's final transition asks of it.
#[must_use]
pub(super) enum Last {
    /// Done; the other handle frees the allocation.
    Leave,
    /// The other handle is gone: free the allocation (rule 1).
    Free,
    /// Wake the other side's waker, then call [`State::set_dropped`] (rule 5).
    WakeThenDrop,
}

/// The outcome of [`State::complete`].
#[must_use]
pub(super) enum Complete {
    /// The value is the receiver's now.
    Sent(Last),
    /// The receiver closed first: the value is still the sender's.
    Closed,
}

impl State {
    /// A fresh channel's state: nothing set.
    pub(super) fn new() -> State {
        State(AtomicUsize::new(0))
    }

    pub(super) fn load(&self) -> usize {
        self.0.load(Ordering::Acquire)
    }

    /// The sender's final transition: sets `COMPLETE` (and `TX_DROPPED` unless it must
    /// wake the receiver first). With `refuse_if_closed` (a send), a closed receiver stops
    /// it before anything is set.
    pub(super) fn complete(&self, refuse_if_closed: bool) -> Complete {
        let mut cur = self.load();
        loop {
            if cur & RX_DROPPED != 0 && !refuse_if_closed {
                return Complete::Sent(Last::Free);
            }
            if cur & CLOSED != 0 && refuse_if_closed {
                return Complete::Closed;
            }
            let wake = cur & (RX_TASK_SET | CLOSED) == RX_TASK_SET;
            let new = cur | COMPLETE | if wake { 0 } else { TX_DROPPED };
            match self
                .0
                .compare_exchange(cur, new, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) if wake => return Complete::Sent(Last::WakeThenDrop),
                Ok(_) => return Complete::Sent(Last::Leave),
                Err(actual) => cur = actual,
            }
        }
    }

    /// The receiver's close: sets `CLOSED`, and with `drop` also `RX_DROPPED` unless it
    /// must wake the sender first. Without `drop`, `WakeThenDrop` means only "wake".
    pub(super) fn close(&self, drop: bool) -> Last {
        let mut cur = self.load();
        loop {
            if cur & TX_DROPPED != 0 && drop {
                return Last::Free;
            }
            let wake = cur & (TX_TASK_SET | COMPLETE | CLOSED) == TX_TASK_SET;
            let new = cur | CLOSED | if wake || !drop { 0 } else { RX_DROPPED };
            if new == cur {
                return Last::Leave;
            }
            match self
                .0
                .compare_exchange(cur, new, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) if wake => return Last::WakeThenDrop,
                Ok(_) => return Last::Leave,
                Err(actual) => cur = actual,
            }
        }
    }

    /// A handle's last step after waking the other side (rule 5): sets its dropped bit;
    /// `true` when the other's was set already, so the caller frees.
    pub(super) fn set_dropped(&self, bit: usize) -> bool {
        let other = if bit == TX_DROPPED {
            RX_DROPPED
        } else {
            TX_DROPPED
        };
        self.0.fetch_or(bit, Ordering::AcqRel) & other != 0
    }

    /// Clears a `*_TASK_SET` bit before its owner rewrites the cell; returns the state
    /// before.
    pub(super) fn unset_task(&self, bit: usize) -> usize {
        self.0.fetch_and(!bit, Ordering::AcqRel)
    }

    /// Publishes a freshly written waker cell; returns the state before.
    pub(super) fn set_task(&self, bit: usize) -> usize {
        self.0.fetch_or(bit, Ordering::AcqRel)
    }
}
