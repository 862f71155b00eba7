//! The state a timer shares between its owner and the drivers that fire it.
//!
//! # Who holds what
//!
//! A timer is one `Arc<Shared>`: its [`Registration`](crate::Registration) (the
//! owner: `Sleep` and friends) holds one reference, and while the timer sits in
//! a wheel, the wheel holds another inside its `Fire` value (the epoch it was
//! inserted with, next to the `Arc`). A driver pops that value under the shard
//! lock and fires it *after* releasing the lock, so waking a task never happens
//! under a lock, and a task that drops its timer never waits for a wake.
//!
//! # Rules
//!
//! - **E1.** The wheel, its keys and the shard's `closed` flag are touched only
//!   under the shard lock.
//! - **E2.** Only the owner starts an epoch, under the shard lock, and only
//!   after the wheel no longer holds the entry (`Wheel::reset` failed, or the
//!   owner removed it for a deadline the wheel already passed, starting the epoch
//!   `FIRED`) or the shard has closed; see [`state`]. So at most one copy of the
//!   entry is in a wheel, and it carries the current epoch.
//! - **E3.** A driver fires the wheel's copy under the shard lock, through
//!   `PENDING@e -> FIRING@e -> FIRED@e` (L1 says when it goes back to
//!   `PENDING@e` instead), pops it, and wakes the waker only after releasing
//!   the lock. Shutdown drains the wheel under the lock and ends each drained
//!   copy after it, by CAS `PENDING@e -> SHUTDOWN@e`: a copy whose owner moved
//!   on to a new epoch meanwhile finds its CAS stale and does nothing. The
//!   worst a late wake does is one spurious wake, which futures tolerate.
//! - **E4.** A `FIRED` or `SHUTDOWN` status of the current epoch means the wheel
//!   no longer holds the entry (it was popped or drained before the transition),
//!   so the owner may skip the shard lock when it drops or resets such a timer.
//!   `FIRING` does not: the driver may be filing it again.
//! - **L1.** The lazy reset (after tokio's `cached_when`/`true_when`). The
//!   entry's `deadline` word is the owner's deadline, the *true* one; the wheel
//!   files the entry at a deadline no later than it. The owner moves its
//!   deadline *later* without the lock: it stores the new deadline, then moves
//!   the state word `PENDING@e -> PENDING@e` by CAS. A driver that finds the
//!   copy due moves the word `PENDING@e -> FIRING@e` by CAS and only then reads
//!   the deadline. Both are read-modify-writes of one word, so one reads from
//!   the other: if the owner's comes first, the driver's CAS acquires it and
//!   reads the new deadline; if the driver's comes first, the owner's CAS
//!   fails on `FIRING` (or on `FIRED`, which follows under the same lock) and
//!   the owner resets under the lock instead, which waits for the driver. A
//!   driver that reads a deadline later than its wheel's now files the entry
//!   again there (`FIRING -> PENDING`, same key, same epoch) instead of firing
//!   it. So a timer never fires before its latest deadline, and never after it
//!   because of the laziness: the filed deadline stays at or before the true
//!   one (lazy moves only go later; locked ones set both). The price: the
//!   driver wakes at the old deadline to file it again, and one CAS per reset,
//!   where the lock cost two.
//! - **W1.** The waker slot follows the `AtomicWaker` protocol; see [`waker`].
//!
//! The owner's side (`poll_elapsed`, `is_elapsed`) takes no lock at all: one
//! load of the state word, a waker registration, and a second load.

pub(crate) mod state;
pub(crate) mod waker;

use crate::error;
use crate::loom::sync::atomic::{AtomicU64, Ordering};
use state::{State, Status, Transition};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::task::{Context, Poll};
use waker::AtomicWaker;

/// The shared half of a timer: its state word, its true deadline and its
/// waker slot.
#[derive(Debug)]
pub(crate) struct Shared {
    state: State,
    /// The owner's deadline, in ns since its shard's start (L1). Written by the
    /// owner (under the shard lock, or lock-free to a later value), read by the
    /// driver under the lock.
    deadline: AtomicU64,
    waker: AtomicWaker,
}

impl Shared {
    /// A timer at epoch 0 with `status` (`Pending`, or `Shutdown` when its
    /// shard has closed) and `deadline`.
    pub(crate) fn new(status: Status, deadline: u64) -> Self {
        Self {
            state: State::new(status),
            deadline: AtomicU64::new(deadline),
            waker: AtomicWaker::new(),
        }
    }

    pub(crate) fn state(&self) -> &State {
        &self.state
    }

    /// Driver, after `FIRING` (L1): the deadline to fire at. `Relaxed`: the
    /// `FIRING` CAS acquired it.
    pub(crate) fn deadline(&self) -> u64 {
        self.deadline.load(Ordering::Relaxed)
    }

    /// Owner, under the shard lock: sets the deadline it files the entry at.
    /// `Relaxed`: drivers read it under the same lock.
    pub(crate) fn set_deadline(&self, deadline: u64) {
        self.deadline.store(deadline, Ordering::Relaxed);
    }

    /// Owner, without the lock: moves the deadline to a later one (L1). `true`
    /// if that is all it takes: the wheel holds the copy of `epoch` at an
    /// earlier deadline, and the driver that finds it due will see this one.
    /// `false`: a driver is firing it, or it fired or shut down; the owner must
    /// reset under the lock.
    pub(crate) fn extend_deadline(&self, deadline: u64, epoch: u64) -> bool {
        // `Relaxed`: published by the CAS's `Release`.
        self.deadline.store(deadline, Ordering::Relaxed);
        self.state.transition_to_pending_later(epoch) == Transition::Done
    }

    /// Driver, after releasing the lock: wakes the owner of a copy it fired.
    pub(crate) fn wake(&self) {
        if let Some(waker) = self.waker.take() {
            // A waker is foreign code: a panic in it must not stop the driver
            // from firing the other timers of its batch (DESIGN.md, Panics).
            if catch_unwind(AssertUnwindSafe(|| waker.wake())).is_err() {
                eprintln!("{}", error::WAKER_PANICKED);
            }
        }
    }

    /// Shutdown: ends the drained copy of `epoch` with `SHUTDOWN` (E3) and wakes
    /// the owner. `true` if this call ended it.
    pub(crate) fn shut_down(&self, epoch: u64) -> bool {
        if self.state.transition_to_shutdown(epoch) == Transition::Stale {
            return false;
        }
        self.wake();
        true
    }

    /// Owner: the status of the current epoch once it is done, registering
    /// `cx`'s waker while it is not. Lock-free.
    pub(crate) fn poll(&self, cx: &mut Context<'_>) -> Poll<Status> {
        let status = self.state.load().status();
        if status.is_done() {
            return Poll::Ready(status);
        }
        self.waker.register(cx.waker());
        // Re-check: a fire between the load and the registration may have
        // found the slot empty (W1 makes the pair register/re-check race-free).
        match self.state.load().status() {
            status if status.is_done() => Poll::Ready(status),
            _ => Poll::Pending,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    //! Test helpers shared by the unit tests and the loom models.

    use crate::loom::sync::atomic::{AtomicUsize, Ordering};
    use std::task::{Wake, Waker};

    /// A waker that counts its wakes.
    #[derive(Debug, Default)]
    pub(crate) struct CountingWaker(AtomicUsize);

    /// Reads a [`CountingWaker`]'s count.
    #[derive(Debug, Clone)]
    pub(crate) struct Count(std::sync::Arc<CountingWaker>);

    impl Count {
        pub(crate) fn get(&self) -> usize {
            self.0 .0.load(Ordering::Acquire)
        }
    }

    impl CountingWaker {
        #[allow(clippy::new_ret_no_self)]
        pub(crate) fn new() -> (Waker, Count) {
            let inner = std::sync::Arc::new(Self(AtomicUsize::new(0)));
            (Waker::from(inner.clone()), Count(inner))
        }
    }

    impl Wake for CountingWaker {
        fn wake(self: std::sync::Arc<Self>) {
            self.wake_by_ref();
        }

        fn wake_by_ref(self: &std::sync::Arc<Self>) {
            self.0.fetch_add(1, Ordering::AcqRel);
        }
    }
}
