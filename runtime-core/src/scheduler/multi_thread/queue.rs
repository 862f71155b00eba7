//! The work-stealing queues, behind one module boundary.
//!
//! Normal builds use crossbeam-deque's Chase-Lev `Worker`/`Stealer` (Chase & Lev, "Dynamic
//! Circular Work-Stealing Deque", SPAA 2005) and its lock-free `Injector`. crossbeam is
//! not loom-aware, so under `runtime_loom` the same interface is backed by a loom
//! `Mutex<VecDeque>`. The stand-in also answers `Steal::Retry` when the lock is contended
//! and `Steal::Empty` from a stale length while the queue is non-empty, so the models
//! reach the retry and empty-but-not-really edges real stealers see.
//!
//! [`Inject`] adds a `closed` flag on top of the injector so that a task pushed while the
//! runtime shuts down is dropped, never stranded (`loom_inject_push_vs_close`).
use crate::loom::sync::atomic::{fence, AtomicBool, Ordering::SeqCst};

#[cfg(not(runtime_loom))]
pub(crate) use crossbeam_deque::{Injector, Steal, Stealer, Worker};

#[cfg(runtime_loom)]
pub(crate) use stand_in::{Injector, Steal, Stealer, Worker};

/// The queue of tasks scheduled from outside the workers, with shutdown.
pub(crate) struct Inject<T> {
    queue: Injector<T>,
    closed: AtomicBool,
}

impl<T> Inject<T> {
    pub(crate) fn new() -> Inject<T> {
        Inject {
            queue: Injector::new(),
            closed: AtomicBool::new(false),
        }
    }

    /// Queues `task`. After [`close`](Inject::close) the task is dropped instead: if the
    /// close raced this push, whichever of the two sees the other drains the queue.
    pub(crate) fn push(&self, task: T) -> bool {
        if self.closed.load(SeqCst) {
            drop(task);
            return false;
        }
        self.queue.push(task);
        // Pairs with the fence in `close`: either we see `closed`, or the closer's drain
        // sees our task. (Fences, not just SeqCst accesses, so loom can check it too.)
        fence(SeqCst);
        if self.closed.load(SeqCst) {
            // Closed while we pushed: the closer may have drained before our push landed.
            self.drain();
            return false;
        }
        true
    }

    /// Refuses further pushes and drops everything queued.
    pub(crate) fn close(&self) {
        self.closed.store(true, SeqCst);
        fence(SeqCst);
        self.drain();
    }

    fn drain(&self) {
        loop {
            match self.queue.steal() {
                Steal::Success(t) => drop(t),
                Steal::Retry => crate::loom::spin_hint(),
                Steal::Empty => return,
            }
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.queue.len()
    }

    /// Takes one task (workers take batches; the loom models take one at a time).
    #[cfg(all(test, runtime_loom))]
    pub(crate) fn pop(&self) -> Option<T> {
        loop {
            match self.queue.steal() {
                Steal::Success(t) => return Some(t),
                Steal::Retry => crate::loom::spin_hint(),
                Steal::Empty => return None,
            }
        }
    }

    /// Moves a batch into `dest` and returns one of them.
    pub(crate) fn pop_batch_into(&self, dest: &Worker<T>) -> Option<T> {
        loop {
            match self.queue.steal_batch_and_pop(dest) {
                Steal::Success(t) => return Some(t),
                Steal::Retry => crate::loom::spin_hint(),
                Steal::Empty => return None,
            }
        }
    }
}

#[cfg(runtime_loom)]
mod stand_in {
    //! A loom-visible twin of crossbeam-deque's interface.
    // SeqCst like crossbeam's injector, whose push is a SeqCst CAS and whose steal
    // checks emptiness after a SeqCst fence.
    use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use crate::loom::sync::{Arc, Mutex};
    use std::collections::VecDeque;

    /// Outcome of a steal, as in crossbeam.
    #[derive(Debug)]
    pub(crate) enum Steal<T> {
        Empty,
        Success(T),
        Retry,
    }

    struct Shared<T> {
        queue: Mutex<VecDeque<T>>,
        /// A length mirror read without the lock; may be stale, like a real stealer's view.
        len: AtomicUsize,
    }

    impl<T> Shared<T> {
        fn new() -> Arc<Shared<T>> {
            Arc::new(Shared {
                queue: Mutex::new(VecDeque::new()),
                len: AtomicUsize::new(0),
            })
        }

        fn steal_one(&self, back: bool) -> Steal<T> {
            if self.len.load(SeqCst) == 0 {
                return Steal::Empty;
            }
            let Some(mut q) = self.queue.try_lock() else {
                return Steal::Retry;
            };
            let t = if back { q.pop_back() } else { q.pop_front() };
            self.len.store(q.len(), SeqCst);
            match t {
                Some(t) => Steal::Success(t),
                None => Steal::Empty,
            }
        }

        fn steal_batch_and_pop(&self, dest: &Worker<T>) -> Steal<T> {
            if self.len.load(SeqCst) == 0 {
                return Steal::Empty;
            }
            let Some(mut q) = self.queue.try_lock() else {
                return Steal::Retry;
            };
            let Some(first) = q.pop_front() else {
                self.len.store(0, SeqCst);
                return Steal::Empty;
            };
            // Move up to half of the rest, like crossbeam.
            let extra = q.len() / 2;
            let moved: Vec<T> = q.drain(..extra).collect();
            self.len.store(q.len(), SeqCst);
            drop(q);
            for t in moved {
                dest.push(t);
            }
            Steal::Success(first)
        }
    }

    /// The owner's end of a FIFO deque.
    pub(crate) struct Worker<T>(Arc<Shared<T>>);

    impl<T> Worker<T> {
        pub(crate) fn new_fifo() -> Worker<T> {
            Worker(Shared::new())
        }
        pub(crate) fn push(&self, t: T) {
            let mut q = self.0.queue.lock();
            q.push_back(t);
            self.0.len.store(q.len(), SeqCst);
        }
        pub(crate) fn pop(&self) -> Option<T> {
            let mut q = self.0.queue.lock();
            let t = q.pop_front();
            self.0.len.store(q.len(), SeqCst);
            t
        }
        pub(crate) fn is_empty(&self) -> bool {
            self.len() == 0
        }
        pub(crate) fn len(&self) -> usize {
            self.0.queue.lock().len()
        }
        pub(crate) fn stealer(&self) -> Stealer<T> {
            Stealer(self.0.clone())
        }
    }

    /// A thief's end of a [`Worker`].
    pub(crate) struct Stealer<T>(Arc<Shared<T>>);

    impl<T> Stealer<T> {
        pub(crate) fn steal_batch_and_pop(&self, dest: &Worker<T>) -> Steal<T> {
            self.0.steal_batch_and_pop(dest)
        }
        pub(crate) fn is_empty(&self) -> bool {
            self.0.len.load(SeqCst) == 0
        }
    }

    /// The shared injector.
    pub(crate) struct Injector<T>(Arc<Shared<T>>);

    impl<T> Injector<T> {
        pub(crate) fn new() -> Injector<T> {
            Injector(Shared::new())
        }
        pub(crate) fn push(&self, t: T) {
            let mut q = self.0.queue.lock();
            q.push_back(t);
            self.0.len.store(q.len(), SeqCst);
        }
        pub(crate) fn steal(&self) -> Steal<T> {
            self.0.steal_one(false)
        }
        pub(crate) fn steal_batch_and_pop(&self, dest: &Worker<T>) -> Steal<T> {
            self.0.steal_batch_and_pop(dest)
        }
        pub(crate) fn is_empty(&self) -> bool {
            self.0.len.load(SeqCst) == 0
        }
        pub(crate) fn len(&self) -> usize {
            self.0.len.load(SeqCst)
        }
    }
}
