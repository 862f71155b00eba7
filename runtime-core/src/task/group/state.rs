//! The group's shared state: one atomic word that a member touches twice (once when it is
//! spawned, once when its future is gone), and one lock for everything else.
//!
//! The word holds the live-member count and two flags; the lock holds the members'
//! handles, the failures and `join`'s waker. The member that spawns takes the lock once, to
//! register its handle; nobody else takes it while the group runs without trouble, so its
//! cache line stays with the spawning thread. A finishing member takes it only if it failed
//! or is the last one (to wake `join`). A member holds no `Arc` of its own: its [`Live`]
//! token points at the state, which the members keep alive together with one reference
//! (rule 6), so the `Arc`'s count is not a third cache line moving with every member. The
//! rules are numbered in the module header (`group/mod.rs`); each transition here says
//! which one it keeps.
//!
//! The state is generic over the member handle ([`MemberTask`], an `AbortHandle` in the
//! runtime) so that the `loom_group_*` models run it with handles of their own.
use super::report::{GroupClosed, GroupError, GroupFailure};
use crate::loom::sync::atomic::AtomicUsize;
use crate::loom::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed};
use crate::loom::sync::{Arc, Mutex};
use crate::task::{AbortHandle, Id};
use std::task::{Context, Poll, Waker};

/// Set once spawns are refused: by `join` when it saw no live member (rule 2), or by the
/// group's drop. Never cleared.
const CLOSED: usize = 0b01;
/// Set when a member failed or the group was cancelled (rule 3). Set only under the lock;
/// never cleared.
const CANCELLING: usize = 0b10;
/// One live member: the count sits above the flags.
const LIVE: usize = 0b100;

fn live(word: usize) -> usize {
    word / LIVE
}

/// What the group needs from a member's task.
pub(super) trait MemberTask: Clone {
    /// Cancels the task (nothing if it has finished).
    fn abort(&self);
    /// Whether the task has published its completion.
    fn is_finished(&self) -> bool;
    /// The task's id.
    fn id(&self) -> Id;
    /// Wakes `waker` once the task has published its completion (at once if it has).
    fn wake_when_finished(&self, waker: Waker);
}

impl MemberTask for AbortHandle {
    fn abort(&self) {
        AbortHandle::abort(self);
    }
    fn is_finished(&self) -> bool {
        AbortHandle::is_finished(self)
    }
    fn id(&self) -> Id {
        AbortHandle::id(self)
    }
    fn wake_when_finished(&self, waker: Waker) {
        self.add_done_callback(Box::new(move |_| waker.wake()));
    }
}

/// The state shared by a group, its handles and its members' guards.
pub(super) struct GroupState<H> {
    /// `CLOSED | CANCELLING | live * LIVE`. On a cache line of its own, away from the
    /// `Arc`'s counts and the lock: it moves between the threads as members come and go.
    word: Padded<AtomicUsize>,
    /// On a cache line of its own: it stays with the spawner.
    locked: Padded<Mutex<Locked<H>>>,
}

#[repr(align(128))]
struct Padded<T>(T);

struct Locked<H> {
    /// `CANCELLING` or the drop's `CLOSED` is set in the word: both are set under this
    /// lock (rule 3), so `register` reads this copy instead of the word's moving line.
    stop: bool,
    /// Every member's handle, registered before its task can run (rule 5); finished ones
    /// are pruned by a spawn when the list has doubled since the last pruning, and by
    /// `join`. So a group that has stopped spawning keeps its finished members' task
    /// allocations (their futures and unclaimed outputs are already dropped) until `join`:
    /// the price of a member that ends without taking the lock.
    members: Vec<H>,
    /// `members`' length after its last pruning.
    pruned: usize,
    failures: Vec<GroupFailure>,
    /// `abort_all` was called: `join` reports it.
    aborted: bool,
    join_waker: Option<Waker>,
    /// The member whose completion `join` waits for (rule 5), and the waker it was given,
    /// so that another poll does not ask it again.
    awaited: Option<(Id, Waker)>,
}

/// `members` is pruned once it reaches twice its pruned length, and never below this.
const PRUNE_MIN: usize = 32;

impl<H: MemberTask> GroupState<H> {
    pub(super) fn new() -> Self {
        GroupState {
            word: Padded(AtomicUsize::new(0)),
            locked: Padded(Mutex::new(Locked {
                stop: false,
                members: Vec::new(),
                pruned: 0,
                failures: Vec::new(),
                aborted: false,
                join_waker: None,
                awaited: None,
            })),
        }
    }

    /// Counts a member about to be spawned (rule 1), unless the group is closed (rule 2).
    /// The token counts the member as gone when dropped.
    ///
    /// # Errors
    /// [`GroupClosed`]: nothing is counted, the caller must not spawn.
    pub(super) fn begin_spawn(this: &Arc<Self>) -> Result<Live<H>, GroupClosed> {
        // Rule 2: this RMW and `join`'s closing compare-exchange are ordered on the word:
        // either `join` sees this member, or this sees `CLOSED`.
        let prev = this.word.0.fetch_add(LIVE, Relaxed);
        if live(prev) == 0 {
            // Rule 6: the first live member takes the members' reference, before anyone
            // can lower the count again (only this token's drop can bring it back to zero).
            let _members = Arc::into_raw(this.clone());
        }
        // `as_ptr`, not a reference: the token gives the members' reference back with
        // `Arc::from_raw`, which needs a pointer to the whole `Arc` allocation.
        let token = Live {
            state: Arc::as_ptr(this),
        };
        if prev & CLOSED != 0 {
            drop(token);
            return Err(GroupClosed(()));
        }
        Ok(token)
    }

    /// Registers a counted member's handle, before its task can run (rule 5); aborts it at
    /// once if the group is cancelling or was dropped (rule 3).
    pub(super) fn register(&self, member: H) {
        let mut locked = self.locked.0.lock();
        // Rule 3: both flags that stop a member are set under this lock.
        let abort_now = locked.stop.then(|| member.clone());
        locked.members.push(member);
        if locked.members.len() >= 2 * locked.pruned.max(PRUNE_MIN) {
            locked.members.retain(|m| !m.is_finished());
            locked.pruned = locked.members.len();
        }
        drop(locked);
        if let Some(member) = abort_now {
            member.abort();
        }
    }

    /// Records a member's failure; the first failure aborts every other member (rule 3).
    pub(super) fn fail(&self, failure: GroupFailure) {
        let to_abort: Vec<H> = {
            let mut locked = self.locked.0.lock();
            let id = failure.id;
            locked.failures.push(failure);
            locked.stop = true;
            let prev = self.word.0.fetch_or(CANCELLING, Relaxed);
            if prev & CANCELLING != 0 {
                Vec::new()
            } else {
                let others = locked.members.iter().filter(|m| m.id() != id);
                others.cloned().collect()
            }
        };
        for member in to_abort {
            member.abort();
        }
    }

    /// Cancels the group (and marks it aborted, for `abort_all`): every registered member
    /// is aborted, later ones abort themselves at registration (rule 3). Nothing once the
    /// group is closed.
    pub(super) fn cancel(&self, aborted: bool) {
        let to_abort: Vec<H> = {
            let mut locked = self.locked.0.lock();
            // A compare-exchange, not `fetch_or`: ordered against `join`'s closing one, so
            // a group that `join` closed never turns cancelling.
            let mut word = self.word.0.load(Relaxed);
            loop {
                if word & CLOSED != 0 {
                    return;
                }
                match self
                    .word
                    .0
                    .compare_exchange(word, word | CANCELLING, Relaxed, Relaxed)
                {
                    Ok(_) => break,
                    Err(actual) => word = actual,
                }
            }
            locked.stop = true;
            locked.aborted |= aborted;
            locked.members.clone()
        };
        for member in to_abort {
            member.abort();
        }
    }

    /// The group was dropped: refuse spawns and abort every member (rules 2 and 3).
    pub(super) fn close_and_abort(&self) {
        let members = {
            let mut locked = self.locked.0.lock();
            locked.stop = true;
            self.word.0.fetch_or(CLOSED, Relaxed);
            std::mem::take(&mut locked.members)
        };
        for member in &members {
            member.abort();
        }
    }

    /// `join`'s poll: waits for no live member and closes the group (rules 2 and 4), then
    /// for every member's task to publish its completion (rule 5), then reports.
    pub(super) fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<(), GroupError>> {
        let mut word = self.word.0.load(Acquire);
        while word & CLOSED == 0 {
            if live(word) > 0 {
                let mut locked = self.locked.0.lock();
                match &locked.join_waker {
                    Some(w) if w.will_wake(cx.waker()) => {}
                    _ => locked.join_waker = Some(cx.waker().clone()),
                }
                // Rule 4: the last member lowers the count before it takes the lock.
                word = self.word.0.load(Acquire);
                if live(word) > 0 {
                    return Poll::Pending;
                }
                continue;
            }
            match self
                .word
                .0
                .compare_exchange(word, word | CLOSED, Acquire, Acquire)
            {
                Ok(_) => break,
                Err(actual) => word = actual,
            }
        }
        let mut locked = self.locked.0.lock();
        // Rule 5: the last tasks are between dropping their future and publishing their
        // completion, which takes moments (longer if the OS preempts the worker in
        // between): wait for them one at a time, woken by a done callback, without
        // spinning.
        locked.members.retain(|m| !m.is_finished());
        if let Some(first) = locked.members.first() {
            let asked = match &locked.awaited {
                Some((id, w)) => *id == first.id() && w.will_wake(cx.waker()),
                None => false,
            };
            if !asked {
                let first = first.clone();
                locked.awaited = Some((first.id(), cx.waker().clone()));
                drop(locked);
                first.wake_when_finished(cx.waker().clone());
            }
            return Poll::Pending;
        }
        locked.join_waker = None;
        locked.awaited = None;
        let failures = std::mem::take(&mut locked.failures);
        let aborted = locked.aborted;
        if failures.is_empty() && !aborted {
            Poll::Ready(Ok(()))
        } else {
            Poll::Ready(Err(GroupError { failures, aborted }))
        }
    }

    /// Members whose future is not gone yet.
    pub(super) fn len(&self) -> usize {
        live(self.word.0.load(Acquire))
    }

    pub(super) fn is_cancelling(&self) -> bool {
        self.word.0.load(Acquire) & CANCELLING != 0
    }

    pub(super) fn is_closed(&self) -> bool {
        self.word.0.load(Acquire) & CLOSED != 0
    }

    /// Failures recorded so far, and whether `abort_all` was called (for `Debug`).
    pub(super) fn failures_and_aborted(&self) -> (usize, bool) {
        let locked = self.locked.0.lock();
        (locked.failures.len(), locked.aborted)
    }
}

/// One live member, counted in the word (rule 1): dropping it counts the member as gone and
/// wakes `join` if it was the last (rule 4). Points at the state without an `Arc` of its
/// own: the members' reference keeps the state alive while any token exists (rule 6).
pub(super) struct Live<H> {
    state: *const GroupState<H>,
}

// SAFETY: a `Live` is used as a `&GroupState<H>` (kept valid by rule 6), and a shared
// reference may cross threads when its target is `Sync`.
unsafe impl<H> Send for Live<H> where GroupState<H>: Sync {}
// SAFETY: as for `Send`: `&Live` only gives out `&GroupState<H>`.
unsafe impl<H> Sync for Live<H> where GroupState<H>: Sync {}

// A member's future must be `Send`, and its guard holds a token.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Live<AbortHandle>>();
};

impl<H: MemberTask> Live<H> {
    /// The state this member counts in.
    pub(super) fn state(&self) -> &GroupState<H> {
        // SAFETY: this token is counted in the word, so the count is above zero and the
        // members' reference keeps the state allocated (rule 6).
        unsafe { &*self.state }
    }
}

impl<H> Drop for Live<H> {
    fn drop(&mut self) {
        let ptr = self.state;
        let last = {
            // SAFETY: rule 6, as in `Live::state`; this reference ends before the members'
            // reference can be given up below.
            let state = unsafe { &*ptr };
            // Release: `join` reads the word with Acquire before it reports, after every
            // member's future is gone.
            let prev = state.word.0.fetch_sub(LIVE, AcqRel);
            if live(prev) == 1 {
                // Rule 4: the last member wakes `join`.
                let waker = state.locked.0.lock().join_waker.take();
                if let Some(waker) = waker {
                    waker.wake();
                }
            }
            live(prev) == 1
        };
        if last {
            // SAFETY: rule 6: this token brought the count to zero, so the members'
            // reference (taken with `Arc::into_raw` by the spawn that raised it from zero)
            // is this token's to give up, and nothing touches the state after it.
            drop(unsafe { Arc::from_raw(ptr) });
        }
    }
}
