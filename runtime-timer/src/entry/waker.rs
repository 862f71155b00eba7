//! [`AtomicWaker`]: the waker slot of a timer entry, written by the owner and
//! taken by the firing side without either ever waiting for the other.
//!
//! The protocol is `futures`' `AtomicWaker` (itself after tokio's): a two-bit
//! word says who may touch the slot.
//!
//! - `REGISTERING`: the owner is storing a waker. A wake that arrives sets
//!   `WAKING` and leaves at once; the owner sees it when it tries to clear
//!   `REGISTERING`, takes the waker back out and wakes it itself.
//! - `WAKING`: a waker is taking the waker out. An owner that arrives wakes its
//!   new waker directly (`wake_by_ref`) instead of storing it, so a wake that
//!   races with a replacement wakes the newest waker or the owner sees the
//!   status change on its re-check (`Registration::poll_elapsed`).
//!
//! Rule W1: the slot is touched only by the side that moved the word away from
//! `WAITING` (the owner in `REGISTERING`, the waker in `WAKING`), or by the owner
//! in `REGISTERING | WAKING`, when the waker has already left. So at most one
//! thread touches it at a time, and the `Mutex` around it is only a safe
//! `UnsafeCell`: `try_lock` always succeeds. Debug builds (the loom models
//! included) assert that; release builds would fall back to `lock()`, which is
//! correct either way. This keeps the crate free of `unsafe`.

use crate::error;
use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::loom::sync::{Mutex, MutexGuard};
use std::fmt;
use std::task::Waker;

const WAITING: usize = 0;
const REGISTERING: usize = 0b01;
const WAKING: usize = 0b10;

/// A waker slot with one writer (the owner) and any number of wakers.
pub(crate) struct AtomicWaker {
    state: AtomicUsize,
    waker: Mutex<Option<Waker>>,
}

impl AtomicWaker {
    pub(crate) fn new() -> Self {
        Self {
            state: AtomicUsize::new(WAITING),
            waker: Mutex::new(None),
        }
    }

    /// The slot, for the side rule W1 gives it to.
    fn slot(&self) -> MutexGuard<'_, Option<Waker>> {
        match self.waker.try_lock() {
            Some(guard) => guard,
            None => {
                if cfg!(debug_assertions) {
                    panic!("{}", error::WAKER_SLOT_CONTENDED);
                }
                self.waker.lock()
            }
        }
    }

    /// Stores `waker` to be woken by the next [`wake`](Self::wake), replacing
    /// the previous one (kept if it `will_wake` the same task). Only the owner
    /// calls this (`&mut Registration`), never two threads at once.
    pub(crate) fn register(&self, waker: &Waker) {
        match self
            .state
            .compare_exchange(WAITING, REGISTERING, Ordering::Acquire, Ordering::Acquire)
            .unwrap_or_else(|actual| actual)
        {
            WAITING => {
                let old = {
                    let mut slot = self.slot();
                    match &*slot {
                        Some(old) if old.will_wake(waker) => None,
                        _ => slot.replace(waker.clone()),
                    }
                };
                // Dropped outside the slot: a waker's drop is foreign code.
                drop(old);
                if let Err(actual) = self.state.compare_exchange(
                    REGISTERING,
                    WAITING,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                ) {
                    // A wake came while we stored: it left the waker to us.
                    debug_assert_eq!(actual, REGISTERING | WAKING);
                    let waker = self.slot().take();
                    self.state.swap(WAITING, Ordering::AcqRel);
                    if let Some(waker) = waker {
                        waker.wake();
                    }
                }
            }
            WAKING => {
                // A wake is taking the old waker out right now; this one would
                // miss it, so wake it here. The caller re-checks its status too.
                waker.wake_by_ref();
            }
            state => {
                if cfg!(debug_assertions) {
                    panic!("{} (state {state})", error::CONCURRENT_REGISTER);
                }
            }
        }
    }

    /// Takes the stored waker out so the caller can wake it, unless the owner is
    /// registering one right now (it then wakes it itself, see the module docs)
    /// or another wake holds the slot.
    pub(crate) fn take(&self) -> Option<Waker> {
        match self.state.fetch_or(WAKING, Ordering::AcqRel) {
            WAITING => {
                let waker = self.slot().take();
                self.state.fetch_and(!WAKING, Ordering::Release);
                waker
            }
            _ => None,
        }
    }
}

impl fmt::Debug for AtomicWaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AtomicWaker")
            .field("state", &self.state.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, not(runtime_loom)))]
mod tests {
    use super::*;
    use crate::entry::tests::CountingWaker;

    #[test]
    fn take_returns_the_latest_waker() {
        let slot = AtomicWaker::new();
        assert!(slot.take().is_none());
        let (a, a_count) = CountingWaker::new();
        let (b, b_count) = CountingWaker::new();
        slot.register(&a);
        slot.register(&b);
        slot.take().expect("registered").wake();
        assert_eq!(a_count.get(), 0);
        assert_eq!(b_count.get(), 1);
        assert!(slot.take().is_none(), "taken once");
    }

    #[test]
    fn same_task_keeps_the_stored_waker() {
        let slot = AtomicWaker::new();
        let (a, count) = CountingWaker::new();
        slot.register(&a);
        slot.register(&a.clone());
        slot.take().expect("registered").wake();
        assert_eq!(count.get(), 1);
    }
}
