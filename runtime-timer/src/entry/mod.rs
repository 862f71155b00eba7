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
//!   `FIRED`) or the shard has closed; see [`state`]. So at most one copy of the entry is in a
//!   wheel, and it carries the current epoch.
//! - **E3.** A driver fires a copy only through `PENDING@e -> FIRED@e`
//!   (`SHUTDOWN@e` at shutdown) for the copy's own epoch `e`, and only then wakes
//!   the waker. A copy from an older epoch finds its CAS stale and does nothing;
//!   the worst a late driver does is one spurious wake, which futures tolerate.
//! - **E4.** A `FIRED` or `SHUTDOWN` status of the current epoch means the wheel
//!   no longer holds the entry (it was popped or drained before the transition),
//!   so the owner may skip the shard lock when it drops or resets such a timer.
//! - **W1.** The waker slot follows the `AtomicWaker` protocol; see [`waker`].
//!
//! The owner's side (`poll_elapsed`, `is_elapsed`) takes no lock at all: one
//! load of the state word, a waker registration, and a second load.

pub(crate) mod state;
pub(crate) mod waker;

use crate::error;
use state::{State, Status, Transition};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::task::{Context, Poll};
use waker::AtomicWaker;

/// The shared half of a timer: its state word and its waker slot.
#[derive(Debug)]
pub(crate) struct Shared {
    state: State,
    waker: AtomicWaker,
}

impl Shared {
    /// A timer at epoch 0 with `status` (`Pending`, or `Shutdown` when its
    /// shard has closed).
    pub(crate) fn new(status: Status) -> Self {
        Self {
            state: State::new(status),
            waker: AtomicWaker::new(),
        }
    }

    pub(crate) fn state(&self) -> &State {
        &self.state
    }

    /// Driver: fires the copy of `epoch` (E3). Returns `true` if this call fired it.
    pub(crate) fn fire(&self, epoch: u64) -> bool {
        self.finish(self.state.transition_to_fired(epoch))
    }

    /// Shutdown: ends the copy of `epoch` with `SHUTDOWN` (E3).
    pub(crate) fn shut_down(&self, epoch: u64) -> bool {
        self.finish(self.state.transition_to_shutdown(epoch))
    }

    fn finish(&self, transition: Transition) -> bool {
        if transition == Transition::Stale {
            return false;
        }
        if let Some(waker) = self.waker.take() {
            // A waker is foreign code: a panic in it must not stop the driver
            // from firing the other timers of its batch (DESIGN.md, Panics).
            if catch_unwind(AssertUnwindSafe(|| waker.wake())).is_err() {
                eprintln!("{}", error::WAKER_PANICKED);
            }
        }
        true
    }

    /// Owner: the status of the current epoch, registering `cx`'s waker while it
    /// is pending. Lock-free.
    pub(crate) fn poll(&self, cx: &mut Context<'_>) -> Poll<Status> {
        let status = self.state.load().status();
        if status != Status::Pending {
            return Poll::Ready(status);
        }
        self.waker.register(cx.waker());
        // Re-check: a fire between the load and the registration may have
        // found the slot empty (W1 makes the pair register/re-check race-free).
        match self.state.load().status() {
            Status::Pending => Poll::Pending,
            status => Poll::Ready(status),
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
