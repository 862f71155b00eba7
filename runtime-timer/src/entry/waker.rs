//! [`AtomicWaker`]: the waker slot of a timer entry, written by the owner and
//! taken by the firing side without either ever waiting for the other.
//!
//! The protocol is `futures`' `AtomicWaker` (itself after tokio's): two bits of
//! a word say who may touch the slot.
//!
//! - `REGISTERING`: the owner is storing a waker. A wake that arrives sets
//!   `WAKING` and leaves at once; the owner sees it when it tries to clear
//!   `REGISTERING`, takes the waker back out and wakes it itself.
//! - `WAKING`: a waker is taking the waker out. An owner that arrives wakes its
//!   new waker directly (`wake_by_ref`) instead of storing it, so a wake that
//!   races with a replacement wakes the newest waker or the owner sees the
//!   status change on its re-check (`Registration::poll_elapsed`).
//!
//! A third bit, `FULL`, says the slot holds a waker. The owner remembers the
//! identity (data and vtable pointers, what `Waker::will_wake` compares) of the
//! waker it stored last, so that a poll by the same task finds `FULL` with one
//! load and registers nothing: whatever happens next, the stored waker (that
//! task's) is woken by the next wake. The comparison is sound because a stored
//! waker keeps its task alive: while `FULL` is set, no other live task can have
//! the same data pointer.
//!
//! Rule W1: the slot is touched only by the side that moved the word away from
//! `WAITING`/`FULL` (the owner in `REGISTERING`, the waker in `WAKING`), or by
//! the owner in `REGISTERING | WAKING`, when the waker has already left. So at
//! most one thread touches it at a time, and the `Mutex` around it is only a
//! safe `UnsafeCell`: `try_lock` always succeeds. Debug builds (the loom models
//! included) assert that; release builds would fall back to `lock()`, which is
//! correct either way. This keeps the crate free of `unsafe`.

use crate::error;
use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::loom::sync::{Mutex, MutexGuard};
use std::fmt;
use std::task::Waker;

const WAITING: usize = 0;
const REGISTERING: usize = 0b001;
const WAKING: usize = 0b010;
/// The slot holds a waker (set with `WAITING` only).
const FULL: usize = 0b100;

/// A waker slot with one writer (the owner) and any number of wakers.
pub(crate) struct AtomicWaker {
    state: AtomicUsize,
    waker: Mutex<Option<Waker>>,
    /// The identity of the waker the owner stored last (`data`, `vtable`),
    /// read and written by the owner only.
    data: AtomicUsize,
    vtable: AtomicUsize,
}

/// What `Waker::will_wake` compares, as integers.
fn identity(waker: &Waker) -> (usize, usize) {
    (
        waker.data().addr(),
        std::ptr::from_ref(waker.vtable()).addr(),
    )
}

impl AtomicWaker {
    pub(crate) fn new() -> Self {
        Self {
            state: AtomicUsize::new(WAITING),
            waker: Mutex::new(None),
            data: AtomicUsize::new(0),
            vtable: AtomicUsize::new(0),
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

    /// Owner: whether the slot's waker (when `FULL`) is `waker`'s task's.
    fn holds(&self, waker: &Waker) -> bool {
        let (data, vtable) = identity(waker);
        self.data.load(Ordering::Relaxed) == data && self.vtable.load(Ordering::Relaxed) == vtable
    }

    /// Stores `waker` to be woken by the next [`wake`](Self::wake), replacing
    /// the previous one (kept if it `will_wake` the same task: then this is one
    /// load). Only the owner calls this (`&mut Registration`), never two
    /// threads at once.
    pub(crate) fn register(&self, waker: &Waker) {
        let mut current = self.state.load(Ordering::Acquire);
        loop {
            if current == FULL && self.holds(waker) {
                return;
            }
            if current & WAKING != 0 {
                // A wake is taking the old waker out right now; this one would
                // miss it, so wake it here. The caller re-checks its status too.
                waker.wake_by_ref();
                return;
            }
            if current & REGISTERING != 0 {
                if cfg!(debug_assertions) {
                    panic!("{} (state {current})", error::CONCURRENT_REGISTER);
                }
                return;
            }
            match self.state.compare_exchange(
                current,
                current | REGISTERING,
                Ordering::Acquire,
                Ordering::Acquire,
            ) {
                Ok(_) => return self.store(waker, current | REGISTERING),
                // A wake set `WAKING`, or finished and emptied the slot.
                Err(actual) => current = actual,
            }
        }
    }

    /// The owner, in `REGISTERING` (the word is `registering`): stores the
    /// waker and leaves `REGISTERING` for `FULL`.
    fn store(&self, waker: &Waker, registering: usize) {
        let old = {
            let mut slot = self.slot();
            match &*slot {
                Some(old) if old.will_wake(waker) => None,
                _ => slot.replace(waker.clone()),
            }
        };
        let (data, vtable) = identity(waker);
        self.data.store(data, Ordering::Relaxed);
        self.vtable.store(vtable, Ordering::Relaxed);
        // Dropped outside the slot: a waker's drop is foreign code.
        drop(old);
        if let Err(actual) =
            self.state
                .compare_exchange(registering, FULL, Ordering::AcqRel, Ordering::Acquire)
        {
            // A wake came while we stored: it left the waker to us.
            debug_assert_eq!(actual, registering | WAKING);
            let waker = self.slot().take();
            self.state.swap(WAITING, Ordering::AcqRel);
            if let Some(waker) = waker {
                waker.wake();
            }
        }
    }

    /// Takes the stored waker out so the caller can wake it, unless the owner is
    /// registering one right now (it then wakes it itself, see the module docs)
    /// or another wake holds the slot.
    pub(crate) fn take(&self) -> Option<Waker> {
        let current = self.state.fetch_or(WAKING, Ordering::AcqRel);
        if current & (REGISTERING | WAKING) != 0 {
            return None;
        }
        let waker = if current & FULL != 0 {
            self.slot().take()
        } else {
            None
        };
        // A plain store: while `WAKING` is set nobody else changes the word
        // (the owner backs off, other wakes only set `WAKING` again).
        self.state.store(WAITING, Ordering::Release);
        waker
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
