//! The ready set: which children of a combinator were woken since it last looked.
//!
//! Each child gets its own waker, a [`ChildWaker`] (an `Arc` implementing
//! [`std::task::Wake`]) that knows the child's index. Waking it queues the index in the
//! set shared with the parent and wakes the parent's waker, so the parent polls exactly
//! the children that were woken (rules 2 and 3 in the module docs).
//!
//! The shared part is one loom-shim mutex over the queue and the parent's waker, plus one
//! `queued` flag per child that keeps an index from being queued twice. The flag's
//! protocol is checked by the `loom_ready_*` models in `task/tests/loom_ready.rs`.
use crate::loom::sync::atomic::{AtomicBool, Ordering::AcqRel};
use crate::loom::sync::Mutex;
use std::collections::VecDeque;
use std::fmt;
// `std::task::Wake` is implemented for std's `Arc` only, so the child wakers use it
// directly (the loom shim's `Arc` is loom's under `runtime_loom`); what they share is
// still loom-visible: the flag and the mutex.
use std::sync::Arc;
use std::task::{Wake, Waker};

/// What the children's wakers and the parent share.
struct Shared {
    inner: Mutex<Inner>,
}

struct Inner {
    /// Indices woken since the parent last drained the queue.
    queue: VecDeque<usize>,
    /// The parent's waker: taken by the first child wake after the parent registered it,
    /// so one parent poll is followed by at most one parent wake (rule 3).
    parent: Option<Waker>,
}

/// One child's waker.
pub(crate) struct ChildWaker {
    shared: Arc<Shared>,
    index: usize,
    /// Set while `index` sits in the shared queue (or in the parent's batch), cleared by
    /// the parent just before it polls the child (rule 2).
    queued: AtomicBool,
}

impl ChildWaker {
    /// The queue's side of a wake: queues the index unless it is queued already, and hands
    /// back the parent's waker if this wake is the first since the parent registered it.
    fn enqueue(&self) -> Option<Waker> {
        // AcqRel: pairs with the parent's `swap(false)` in `Batch::begin_poll`, so a poll
        // that follows a wake we folded into an earlier one sees what the waker published.
        if self.queued.swap(true, AcqRel) {
            return None;
        }
        let mut inner = self.shared.inner.lock();
        inner.queue.push_back(self.index);
        inner.parent.take()
    }
}

impl Wake for ChildWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // The parent's waker runs outside our lock (DESIGN.md: wakers outside every lock).
        if let Some(parent) = self.enqueue() {
            parent.wake();
        }
    }
}

/// A child's waker as the parent keeps it: the `Arc` (to recycle it) and the `Waker`
/// built from it once (so polling the child costs no reference-count traffic).
pub(crate) struct Child {
    arc: Arc<ChildWaker>,
    waker: Waker,
}

impl Child {
    /// The waker to poll the child with.
    pub(crate) fn waker(&self) -> &Waker {
        &self.waker
    }
}

/// What [`ReadySet::refill`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refill {
    /// Nothing was queued: the parent's waker is registered.
    Registered,
    /// The queued indices moved into the batch.
    Drained,
    /// Indices are queued but the parent may not drain again in this poll: it must wake
    /// itself and return.
    Busy,
}

/// The parent's side of the ready set.
pub(crate) struct ReadySet {
    shared: Arc<Shared>,
    /// Indices drained from the shared queue and not yet handled (handled in order; left
    /// over when the parent stopped early: budget spent, or one item handed out).
    /// Drained only when empty.
    batch: VecDeque<usize>,
    /// A child waker nobody else references any more, ready to serve the next child
    /// polled for the first time: children that finish on their first poll then cost no
    /// allocation (rule 4).
    spare: Option<Arc<ChildWaker>>,
}

impl ReadySet {
    pub(crate) fn new() -> ReadySet {
        ReadySet {
            shared: Arc::new(Shared {
                inner: Mutex::new(Inner {
                    queue: VecDeque::new(),
                    parent: None,
                }),
            }),
            batch: VecDeque::new(),
            spare: None,
        }
    }

    /// Called by the parent once its batch is empty: takes the indices woken since it last
    /// looked, if any (and if `may_drain`), else registers `parent`, so the first child
    /// wake from now on wakes it (rule 3).
    pub(crate) fn refill(&mut self, parent: &Waker, may_drain: bool) -> Refill {
        debug_assert!(self.batch.is_empty());
        let mut inner = self.shared.inner.lock();
        if inner.queue.is_empty() {
            match &inner.parent {
                Some(w) if w.will_wake(parent) => {}
                _ => inner.parent = Some(parent.clone()),
            }
            return Refill::Registered;
        }
        // The parent is busy (or about to wake itself): child wakes only queue their index
        // until it registers again. Its old waker is dropped outside the lock.
        let stale = inner.parent.take();
        let refill = if may_drain {
            std::mem::swap(&mut self.batch, &mut inner.queue);
            Refill::Drained
        } else {
            Refill::Busy
        };
        drop(inner);
        drop(stale);
        refill
    }

    /// The next woken index, if any.
    pub(crate) fn pop(&mut self) -> Option<usize> {
        self.batch.pop_front()
    }

    /// Puts back an index taken with [`pop`](Self::pop) but not handled.
    pub(crate) fn unpop(&mut self, index: usize) {
        self.batch.push_front(index);
    }

    /// A waker for the child at `index`, polled for the first time.
    pub(crate) fn child(&mut self, index: usize) -> Child {
        let arc = match self.spare.take() {
            Some(mut arc) => {
                // `spare` is unique (see `recycle`); nobody else can see these fields.
                let w = Arc::get_mut(&mut arc).expect("a spare child waker is unique");
                w.index = index;
                // A stale index of its previous child may still sit in the queue: that
                // child is finished, and the parent skips finished children (rule 4).
                w.queued = AtomicBool::new(false);
                arc
            }
            None => Arc::new(ChildWaker {
                shared: self.shared.clone(),
                index,
                queued: AtomicBool::new(false),
            }),
        };
        let waker = Waker::from(arc.clone());
        Child { arc, waker }
    }

    /// Takes back the waker of a child that finished and whose future is gone: if nothing
    /// kept a clone, it serves the next new child.
    pub(crate) fn recycle(&mut self, child: Child) {
        let Child { mut arc, waker } = child;
        drop(waker);
        if self.spare.is_none() && Arc::get_mut(&mut arc).is_some() {
            self.spare = Some(arc);
        }
    }

    /// Called just before polling a child whose index came out of the batch: from here
    /// on, a wake queues it again (rule 2).
    pub(crate) fn begin_poll(child: &Child) {
        child.arc.queued.swap(false, AcqRel);
    }

    /// Drops the spare waker: every child has had its first poll.
    pub(crate) fn drop_spare(&mut self) {
        self.spare = None;
    }
}

impl Drop for ReadySet {
    fn drop(&mut self) {
        // Wakers of children that outlive the combinator (handles returned by `wait`) must
        // not wake, nor keep alive, the parent task any more.
        let parent = {
            let mut inner = self.shared.inner.lock();
            inner.queue = VecDeque::new();
            inner.parent.take()
        };
        drop(parent);
    }
}

impl fmt::Debug for ReadySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadySet")
            .field("batch", &self.batch.len())
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, not(runtime_loom)))]
mod tests {
    use super::*;
    use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};

    fn counting() -> (Waker, Arc<Count>) {
        let c = Arc::new(Count(AtomicUsize::new(0)));
        (Waker::from(c.clone()), c)
    }

    struct Count(AtomicUsize);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, SeqCst);
        }
    }
    impl Count {
        fn get(&self) -> usize {
            self.0.load(SeqCst)
        }
    }

    #[test]
    fn a_wake_queues_once_and_wakes_the_parent_once() {
        let mut set = ReadySet::new();
        let (parent, count) = counting();
        let a = set.child(0);
        let b = set.child(1);
        assert_eq!(set.refill(&parent, true), Refill::Registered);
        a.waker().wake_by_ref();
        a.waker().wake_by_ref();
        b.waker().wake_by_ref();
        assert_eq!(count.get(), 1, "one parent wake per registration");
        assert_eq!(set.refill(&parent, true), Refill::Drained);
        assert_eq!(set.pop(), Some(0));
        assert_eq!(set.pop(), Some(1));
        assert_eq!(set.pop(), None);
        // Still marked queued until the parent polls it: no second entry.
        a.waker().wake_by_ref();
        assert_eq!(set.refill(&parent, true), Refill::Registered);
        ReadySet::begin_poll(&a);
        a.waker().wake_by_ref();
        assert_eq!(count.get(), 2);
        // A parent that drained once in this poll must not drain again.
        assert_eq!(set.refill(&parent, false), Refill::Busy);
        b.waker().wake_by_ref(); // b was never polled again: still queued, no entry
        ReadySet::begin_poll(&b);
        b.waker().wake_by_ref();
        assert_eq!(count.get(), 2, "busy: wakes only queue");
        assert_eq!(set.refill(&parent, true), Refill::Drained);
        assert_eq!(set.pop(), Some(0));
        assert_eq!(set.pop(), Some(1));
        assert_eq!(set.pop(), None);
    }

    #[test]
    fn an_unshared_waker_is_recycled_with_a_fresh_flag() {
        let mut set = ReadySet::new();
        let (parent, _count) = counting();
        assert_eq!(set.refill(&parent, true), Refill::Registered);
        let a = set.child(0);
        a.waker().wake_by_ref();
        let first = Arc::as_ptr(&a.arc);
        set.recycle(a);
        let b = set.child(7);
        assert_eq!(Arc::as_ptr(&b.arc), first, "the spare was reused");
        b.waker().wake_by_ref();
        assert_eq!(set.refill(&parent, true), Refill::Drained);
        assert_eq!(set.pop(), Some(0), "the stale entry of the finished child");
        assert_eq!(set.pop(), Some(7), "the new child was queued");
    }

    #[test]
    fn a_cloned_waker_is_not_recycled() {
        let mut set = ReadySet::new();
        let a = set.child(0);
        let kept = a.waker().clone();
        let first = Arc::as_ptr(&a.arc);
        set.recycle(a);
        let b = set.child(1);
        assert_ne!(Arc::as_ptr(&b.arc), first);
        drop(kept);
    }
}
