//! The task state word: lifecycle flags and the reference count in one atomic.
//!
//! Every change of a task's state is one of the `transition_*` methods below; nothing
//! else in the crate touches the word. Each method returns a `#[must_use]` result (or a
//! [`Snapshot`]) that tells the caller which obligations it now holds.
//!
//! # Bits
//!
//! | bit | name | meaning | excludes |
//! |---|---|---|---|
//! | 0 | `RUNNING` | one thread holds the right to touch the future (poll, cancel or drop it) | — |
//! | 1 | `COMPLETE` | the future is gone and the output (or the error) is stored; never unset | `RUNNING` |
//! | 2 | `NOTIFIED` | a `Notified` reference sits in a run queue, or the runner must requeue | — |
//! | 3 | `JOIN_INTEREST` | a `JoinHandle` exists and will take the output | — |
//! | 4 | `JOIN_WAKER` | the trailer's waker is set; before `COMPLETE` only the completer may read it, with the bit clear only the `JoinHandle` may write it | — |
//! | 5 | `CANCELLED` | abort was requested; the next runner drops the future instead of polling | — |
//! | 6 | `CALLBACKS` | done callbacks were registered before completion; the completer drains them | — |
//! | 7 | `OUT_PANIC` | outcome: the future panicked (only together with `COMPLETE`) | `OUT_CANCEL` |
//! | 8 | `OUT_CANCEL` | outcome: the task was cancelled (only together with `COMPLETE`) | `OUT_PANIC` |
//! | 16.. | refcount | number of live references ([`REF_ONE`] each) | — |
//!
//! # References
//!
//! A new task starts with three references: the `JoinHandle`, the registry of live tasks
//! (`OwnedTasks`), and the first `Notified` handed to the scheduler. Wakers hold one each.
//! The last `ref_dec` that reaches zero deallocates.
use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};
use std::fmt;

const RUNNING: usize = 1 << 0;
const COMPLETE: usize = 1 << 1;
const LIFECYCLE: usize = RUNNING | COMPLETE;
const NOTIFIED: usize = 1 << 2;
const JOIN_INTEREST: usize = 1 << 3;
const JOIN_WAKER: usize = 1 << 4;
const CANCELLED: usize = 1 << 5;
const CALLBACKS: usize = 1 << 6;
const OUT_PANIC: usize = 1 << 7;
const OUT_CANCEL: usize = 1 << 8;

const REF_SHIFT: u32 = 16;
/// One reference in the state word.
const REF_ONE: usize = 1 << REF_SHIFT;
const REF_MASK: usize = !(REF_ONE - 1);

/// JoinHandle + registry + first Notified, join interest, and queued.
const INITIAL: usize = (REF_ONE * 3) | JOIN_INTEREST | NOTIFIED;

/// How a task ended; stored in the state word by [`State::transition_to_complete`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OutcomeKind {
    /// The future returned `Ready`.
    Completed,
    /// The future was dropped before it finished (abort or shutdown).
    Cancelled,
    /// Polling the future panicked.
    Panicked,
}

/// The atomic state word of one task.
pub(crate) struct State {
    val: AtomicUsize,
}

/// A copy of the state word at one moment.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Snapshot(usize);

/// Result of [`State::transition_to_running`].
#[must_use = "the caller must act on the transition: poll, cancel, or drop its reference"]
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TransitionToRunning {
    /// The caller holds `RUNNING`: poll the future.
    Success,
    /// The caller holds `RUNNING` and abort was requested: cancel the future.
    Cancelled,
    /// Someone else runs it or it is complete; the caller's reference was dropped.
    Failed,
    /// As `Failed`, and that was the last reference: deallocate.
    Dealloc,
}

/// Result of [`State::transition_to_idle`].
#[must_use = "the caller must act on the transition: requeue, deallocate or cancel"]
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TransitionToIdle {
    /// Idle; the runner's reference was dropped and others remain.
    Ok,
    /// Idle but woken during the poll: the runner's reference becomes a new `Notified`.
    OkNotified,
    /// Idle and the runner's reference was the last one: deallocate.
    OkDealloc,
    /// Abort was requested during the poll: still `RUNNING`, cancel the future now.
    Cancelled,
}

/// Result of the `transition_to_notified_*` family.
#[must_use = "a Submit result carries a reference that must be scheduled"]
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TransitionToNotified {
    /// Nothing to do.
    DoNothing,
    /// The caller holds a new `Notified` reference and must schedule it.
    Submit,
    /// The caller's reference was the last one: deallocate.
    Dealloc,
}

/// Result of [`State::transition_to_join_handle_dropped`].
#[must_use = "the JoinHandle must drop what the transition hands it"]
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct JoinHandleDropped {
    /// The task is complete: the JoinHandle owns the output and must drop it.
    pub(crate) drop_output: bool,
    /// The JoinHandle owns the join waker slot and must clear it.
    pub(crate) drop_waker: bool,
}

/// Result of [`State::transition_to_callbacks_registered`].
#[must_use = "when the task already completed, the caller must drain the callbacks itself"]
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum CallbacksRegistered {
    /// The completer will see `CALLBACKS` and drain.
    Registered,
    /// The task completed first; the caller drains.
    AlreadyComplete,
}

impl State {
    /// A new task: three references, join interest, and already queued.
    pub(crate) fn new() -> State {
        State {
            val: AtomicUsize::new(INITIAL),
        }
    }

    /// Loads the word.
    pub(crate) fn load(&self) -> Snapshot {
        Snapshot(self.val.load(Acquire))
    }

    /// Runs `f` in a compare-exchange loop; `f` returns `None` to leave the word alone.
    fn fetch_update<T>(&self, mut f: impl FnMut(Snapshot) -> (T, Option<Snapshot>)) -> T {
        let mut curr = self.load();
        loop {
            let (out, next) = f(curr);
            let Some(next) = next else { return out };
            match self.val.compare_exchange(curr.0, next.0, AcqRel, Acquire) {
                Ok(_) => return out,
                Err(actual) => curr = Snapshot(actual),
            }
        }
    }

    /// A `Notified` reference is about to run the task.
    pub(crate) fn transition_to_running(&self) -> TransitionToRunning {
        self.fetch_update(|curr| {
            debug_assert!(curr.is_notified(), "running a task that was not notified");
            let mut next = curr;
            if !curr.is_idle() {
                // Running elsewhere or complete: this Notified's reference goes away.
                next.ref_dec();
                let action = if next.ref_count() == 0 {
                    TransitionToRunning::Dealloc
                } else {
                    TransitionToRunning::Failed
                };
                return (action, Some(next));
            }
            next.0 |= RUNNING;
            next.0 &= !NOTIFIED;
            let action = if next.is_cancelled() {
                TransitionToRunning::Cancelled
            } else {
                TransitionToRunning::Success
            };
            (action, Some(next))
        })
    }

    /// The future returned `Pending`. The runner's reference is either dropped or, when a
    /// wake arrived during the poll, turned into a new `Notified`.
    pub(crate) fn transition_to_idle(&self) -> TransitionToIdle {
        self.fetch_update(|curr| {
            debug_assert!(curr.is_running());
            if curr.is_cancelled() {
                return (TransitionToIdle::Cancelled, None);
            }
            let mut next = curr;
            next.0 &= !RUNNING;
            let action = if next.is_notified() {
                TransitionToIdle::OkNotified
            } else {
                next.ref_dec();
                if next.ref_count() == 0 {
                    TransitionToIdle::OkDealloc
                } else {
                    TransitionToIdle::Ok
                }
            };
            (action, Some(next))
        })
    }

    /// The future is gone and the output stored: `RUNNING` -> `COMPLETE` with `outcome`.
    ///
    /// Returns the snapshot *after* the transition.
    pub(crate) fn transition_to_complete(&self, outcome: OutcomeKind) -> Snapshot {
        let out = match outcome {
            OutcomeKind::Completed => 0,
            OutcomeKind::Cancelled => OUT_CANCEL,
            OutcomeKind::Panicked => OUT_PANIC,
        };
        let prev = Snapshot(self.val.fetch_xor(RUNNING | COMPLETE | out, AcqRel));
        debug_assert!(prev.is_running() && !prev.is_complete());
        debug_assert!(prev.0 & (OUT_CANCEL | OUT_PANIC) == 0);
        Snapshot(prev.0 ^ (RUNNING | COMPLETE | out))
    }

    /// After completion, drops `count` references (the runner's, and the registry's when
    /// it was released). Returns `true` when the caller must deallocate.
    #[must_use = "true means the caller must deallocate the task"]
    pub(crate) fn transition_to_terminal(&self, count: usize) -> bool {
        let prev = Snapshot(self.val.fetch_sub(count * REF_ONE, AcqRel));
        assert!(
            prev.ref_count() >= count,
            "task reference count underflow: {} < {}",
            prev.ref_count(),
            count
        );
        prev.ref_count() == count
    }

    /// A waker consumed by `wake()`: its reference either becomes the `Notified` or is
    /// dropped.
    pub(crate) fn transition_to_notified_by_val(&self) -> TransitionToNotified {
        self.fetch_update(|curr| {
            let mut next = curr;
            let action = if curr.is_running() {
                // The runner will requeue at `transition_to_idle`; it still holds its own
                // reference, so ours can go and the count stays positive.
                next.0 |= NOTIFIED;
                next.ref_dec();
                debug_assert!(next.ref_count() > 0);
                TransitionToNotified::DoNothing
            } else if curr.is_complete() || curr.is_notified() {
                next.ref_dec();
                if next.ref_count() == 0 {
                    TransitionToNotified::Dealloc
                } else {
                    TransitionToNotified::DoNothing
                }
            } else {
                // Idle: our reference becomes the Notified.
                next.0 |= NOTIFIED;
                TransitionToNotified::Submit
            };
            (action, Some(next))
        })
    }

    /// `wake_by_ref()`: a new reference is created when the task must be submitted.
    pub(crate) fn transition_to_notified_by_ref(&self) -> TransitionToNotified {
        self.fetch_update(|curr| {
            let mut next = curr;
            if curr.is_complete() || curr.is_notified() {
                (TransitionToNotified::DoNothing, None)
            } else if curr.is_running() {
                next.0 |= NOTIFIED;
                (TransitionToNotified::DoNothing, Some(next))
            } else {
                next.0 |= NOTIFIED;
                next.ref_inc();
                (TransitionToNotified::Submit, Some(next))
            }
        })
    }

    /// Abort: mark `CANCELLED` and, if the task is idle and not queued, create a
    /// `Notified` so a runtime thread cancels it. Returns `true` when the caller must
    /// schedule that new reference.
    #[must_use = "true means the caller holds a Notified reference it must schedule"]
    pub(crate) fn transition_to_notified_and_cancel(&self) -> bool {
        self.fetch_update(|curr| {
            let mut next = curr;
            if curr.is_cancelled() || curr.is_complete() {
                (false, None)
            } else if curr.is_running() || curr.is_notified() {
                // The runner (or the queued Notified) will observe CANCELLED.
                next.0 |= CANCELLED | NOTIFIED;
                (false, Some(next))
            } else {
                next.0 |= CANCELLED | NOTIFIED;
                next.ref_inc();
                (true, Some(next))
            }
        })
    }

    /// Shutdown: mark `CANCELLED`, and take `RUNNING` if the task is idle. Returns `true`
    /// when the caller now owns the future and must cancel it.
    #[must_use = "true means the caller holds RUNNING and must cancel the task"]
    pub(crate) fn transition_to_shutdown(&self) -> bool {
        self.fetch_update(|curr| {
            let mut next = curr;
            next.0 |= CANCELLED;
            let acquired = curr.is_idle();
            if acquired {
                next.0 |= RUNNING;
            }
            (acquired, Some(next))
        })
    }

    /// The `JoinHandle` goes away. Clears `JOIN_INTEREST` and, before completion, also
    /// `JOIN_WAKER` (the handle then owns the slot).
    pub(crate) fn transition_to_join_handle_dropped(&self) -> JoinHandleDropped {
        self.fetch_update(|curr| {
            debug_assert!(curr.is_join_interested());
            let mut next = curr;
            next.0 &= !JOIN_INTEREST;
            if !curr.is_complete() {
                next.0 &= !JOIN_WAKER;
            }
            let out = JoinHandleDropped {
                drop_output: curr.is_complete(),
                drop_waker: !next.is_join_waker_set(),
            };
            (out, Some(next))
        })
    }

    /// The `JoinHandle` stored a waker in the trailer and publishes it. Fails (returning
    /// the snapshot) when the task completed first; the handle then still owns the slot.
    pub(crate) fn set_join_waker(&self) -> Result<Snapshot, Snapshot> {
        self.fetch_update(|curr| {
            if curr.is_complete() {
                return (Err(curr), None);
            }
            debug_assert!(curr.is_join_interested() && !curr.is_join_waker_set());
            let next = Snapshot(curr.0 | JOIN_WAKER);
            (Ok(next), Some(next))
        })
    }

    /// The `JoinHandle` takes the slot back to replace its waker. Fails when the task
    /// completed first (the completer may be reading the waker).
    pub(crate) fn unset_waker(&self) -> Result<Snapshot, Snapshot> {
        self.fetch_update(|curr| {
            if curr.is_complete() {
                // The completer may already have cleared JOIN_WAKER after waking.
                return (Err(curr), None);
            }
            debug_assert!(curr.is_join_interested() && curr.is_join_waker_set());
            let next = Snapshot(curr.0 & !JOIN_WAKER);
            (Ok(next), Some(next))
        })
    }

    /// The completer has woken the join waker and gives up the slot. Returns the snapshot
    /// after the change: without `JOIN_INTEREST` the completer must clear the slot.
    pub(crate) fn unset_waker_after_complete(&self) -> Snapshot {
        let prev = Snapshot(self.val.fetch_and(!JOIN_WAKER, AcqRel));
        debug_assert!(prev.is_complete() && prev.is_join_waker_set());
        Snapshot(prev.0 & !JOIN_WAKER)
    }

    /// A done callback was pushed; make sure the completer will drain it.
    pub(crate) fn transition_to_callbacks_registered(&self) -> CallbacksRegistered {
        self.fetch_update(|curr| {
            if curr.0 & CALLBACKS != 0 {
                // Set before COMPLETE (or COMPLETE is still ahead): the completer's
                // snapshot carries the bit and it drains under the list lock.
                (CallbacksRegistered::Registered, None)
            } else if curr.is_complete() {
                (CallbacksRegistered::AlreadyComplete, None)
            } else {
                (
                    CallbacksRegistered::Registered,
                    Some(Snapshot(curr.0 | CALLBACKS)),
                )
            }
        })
    }

    /// Adds a reference (a waker clone, a registry entry).
    pub(crate) fn ref_inc(&self) {
        let prev = self.val.fetch_add(REF_ONE, Relaxed);
        // A count this large means references leak in a loop; continuing would overflow
        // into the flag bits.
        if prev > isize::MAX as usize {
            crate::util::abort::abort_on_broken_invariant("task reference count overflow");
        }
    }

    /// Drops a reference. Returns `true` when it was the last one.
    #[must_use = "true means the caller must deallocate the task"]
    pub(crate) fn ref_dec(&self) -> bool {
        let prev = Snapshot(self.val.fetch_sub(REF_ONE, AcqRel));
        assert!(prev.ref_count() >= 1, "task reference count underflow");
        prev.ref_count() == 1
    }
}

impl Snapshot {
    pub(crate) fn is_idle(self) -> bool {
        self.0 & LIFECYCLE == 0
    }
    pub(crate) fn is_running(self) -> bool {
        self.0 & RUNNING != 0
    }
    pub(crate) fn is_complete(self) -> bool {
        self.0 & COMPLETE != 0
    }
    pub(crate) fn is_notified(self) -> bool {
        self.0 & NOTIFIED != 0
    }
    pub(crate) fn is_cancelled(self) -> bool {
        self.0 & CANCELLED != 0
    }
    pub(crate) fn is_join_interested(self) -> bool {
        self.0 & JOIN_INTEREST != 0
    }
    pub(crate) fn is_join_waker_set(self) -> bool {
        self.0 & JOIN_WAKER != 0
    }
    pub(crate) fn has_callbacks(self) -> bool {
        self.0 & CALLBACKS != 0
    }
    /// How the task ended; `None` while it has not completed.
    pub(crate) fn outcome(self) -> Option<OutcomeKind> {
        if !self.is_complete() {
            None
        } else if self.0 & OUT_PANIC != 0 {
            Some(OutcomeKind::Panicked)
        } else if self.0 & OUT_CANCEL != 0 {
            Some(OutcomeKind::Cancelled)
        } else {
            Some(OutcomeKind::Completed)
        }
    }
    pub(crate) fn ref_count(self) -> usize {
        (self.0 & REF_MASK) >> REF_SHIFT
    }
    fn ref_inc(&mut self) {
        self.0 += REF_ONE;
    }
    fn ref_dec(&mut self) {
        debug_assert!(self.ref_count() > 0);
        self.0 -= REF_ONE;
    }
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.load().fmt(f)
    }
}

impl fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Snapshot")
            .field("running", &self.is_running())
            .field("complete", &self.is_complete())
            .field("notified", &self.is_notified())
            .field("cancelled", &self.is_cancelled())
            .field("join_interest", &self.is_join_interested())
            .field("join_waker", &self.is_join_waker_set())
            .field("callbacks", &self.has_callbacks())
            .field("outcome", &self.outcome())
            .field("refs", &self.ref_count())
            .finish()
    }
}

#[cfg(all(test, not(runtime_loom)))]
mod tests {
    use super::*;

    #[test]
    fn initial_state() {
        let s = State::new().load();
        assert_eq!(s.ref_count(), 3);
        assert!(s.is_notified() && s.is_join_interested() && s.is_idle());
    }

    #[test]
    fn run_idle_wake_cycle() {
        let s = State::new();
        assert_eq!(s.transition_to_running(), TransitionToRunning::Success);
        // A wake by ref while running requeues at idle.
        assert_eq!(
            s.transition_to_notified_by_ref(),
            TransitionToNotified::DoNothing
        );
        assert_eq!(s.transition_to_idle(), TransitionToIdle::OkNotified);
        assert_eq!(s.load().ref_count(), 3);
        assert_eq!(s.transition_to_running(), TransitionToRunning::Success);
        assert_eq!(s.transition_to_idle(), TransitionToIdle::Ok);
        assert_eq!(s.load().ref_count(), 2);
        assert_eq!(
            s.transition_to_notified_by_ref(),
            TransitionToNotified::Submit
        );
        assert_eq!(s.load().ref_count(), 3);
    }

    #[test]
    fn complete_records_outcome() {
        let s = State::new();
        assert_eq!(s.transition_to_running(), TransitionToRunning::Success);
        let snap = s.transition_to_complete(OutcomeKind::Panicked);
        assert_eq!(snap.outcome(), Some(OutcomeKind::Panicked));
        assert!(!snap.is_running());
        assert!(!s.transition_to_terminal(1));
        assert_eq!(s.load().ref_count(), 2);
    }

    #[test]
    fn abort_idle_creates_reference() {
        let s = State::new();
        assert_eq!(s.transition_to_running(), TransitionToRunning::Success);
        assert_eq!(s.transition_to_idle(), TransitionToIdle::Ok);
        assert!(s.transition_to_notified_and_cancel());
        assert!(
            !s.transition_to_notified_and_cancel(),
            "second abort is a no-op"
        );
        assert_eq!(s.transition_to_running(), TransitionToRunning::Cancelled);
    }

    #[test]
    fn callbacks_after_complete_are_refused() {
        let s = State::new();
        assert_eq!(
            s.transition_to_callbacks_registered(),
            CallbacksRegistered::Registered
        );
        assert!(s.load().has_callbacks());
        assert_eq!(s.transition_to_running(), TransitionToRunning::Success);
        let snap = s.transition_to_complete(OutcomeKind::Completed);
        assert!(snap.has_callbacks());
        // The bit was set before completion, so the completer drains.
        assert_eq!(
            s.transition_to_callbacks_registered(),
            CallbacksRegistered::Registered
        );
        let s2 = State::new();
        assert_eq!(s2.transition_to_running(), TransitionToRunning::Success);
        let _ = s2.transition_to_complete(OutcomeKind::Completed);
        assert_eq!(
            s2.transition_to_callbacks_registered(),
            CallbacksRegistered::AlreadyComplete
        );
    }
}
