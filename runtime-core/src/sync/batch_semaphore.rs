//! The semaphore core that [`Semaphore`](super::Semaphore), [`Mutex`](super::Mutex) and
//! [`RwLock`](super::RwLock) sit on (tokio calls its twin `batch_semaphore`): a count of
//! permits, acquired and released in batches, with FIFO waiters on a [`WaitList`].
//!
//! # State
//!
//! One atomic word, `state = permits << 2 | WAITERS | CLOSED`, plus the waiters behind a
//! lock (`Waiters`: the list and `assigned`, the permits handed to waiters that have not
//! consumed or returned them yet).
//!
//! 1. **`WAITERS` mirrors the list.** `WAITERS` is set exactly while the list is
//!    non-empty; it is set and cleared only under the waiters' lock, in the same critical
//!    section that makes the list non-empty or empty.
//! 2. **Waiters own every free permit.** While `WAITERS` is set the permit field is 0:
//!    an enqueuing waiter takes what is free (partially) in the same CAS that sets
//!    `WAITERS`, and a release with waiters hands its permits to the front waiters under
//!    the lock; leftovers go back to the word only in the CAS that clears `WAITERS`.
//! 3. **Fast paths only without waiters.** An acquire CASes permits off the word, and a
//!    release CASes them on, only when the value they CAS against has `WAITERS` clear;
//!    otherwise they take the lock. As the word is one location, a release either lands
//!    before an enqueuer's CAS (which then sees the permits) or sees `WAITERS` and takes
//!    the lock, which it gets after the enqueuer queued its node: no release misses a
//!    waiter (`loom_semaphore_release_vs_enqueue`). A newcomer never barges past a
//!    queued waiter, which gives tokio's fairness: a large request at the front blocks
//!    later small ones.
//! 4. **Assigned permits come back.** A waiter dropped (or woken by `close`) with
//!    permits assigned returns them through the locked release path, to the next
//!    waiters first (`loom_semaphore_drop_partial_vs_release`).
//! 5. **Close wins.** `CLOSED` is set under the lock and every waiter drained in the same
//!    critical section; an acquire that sees `CLOSED` (fast or under the lock) fails, so
//!    no waiter can queue after the drain (`loom_semaphore_close_vs_acquire`).
use crate::error;
use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};
use crate::loom::sync::{Mutex, MutexGuard};
use crate::sync::wait_list::{Node, WaitList, WakeList};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

const CLOSED: usize = 1;
const WAITERS: usize = 2;
const SHIFT: u32 = 2;

/// The most permits a semaphore holds (tokio's value, so code moving between the two
/// keeps its limits).
pub(crate) const MAX_PERMITS: usize = usize::MAX >> 3;

/// Why an acquire did not succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TryAcquire {
    Closed,
    NoPermits,
}

pub(crate) struct BatchSemaphore {
    state: AtomicUsize,
    waiters: Mutex<Waiters>,
    /// The most permits `add_permits` may bring the count to (asyncio's
    /// BoundedSemaphore); `usize::MAX` when unchecked.
    bound: usize,
}

struct Waiters {
    /// Each node holds how many permits it still needs.
    list: WaitList<usize>,
    /// Permits handed to waiters and not yet consumed or returned (for the bound check).
    assigned: usize,
}

/// The state word of a semaphore starting with `permits` (`new` and `const_new`: the
/// struct itself is built twice because loom's locks cannot be built in a `const fn`).
#[track_caller]
const fn initial_state(permits: usize) -> usize {
    assert!(
        permits <= MAX_PERMITS,
        "{}",
        error::SEMAPHORE_TOO_MANY_PERMITS
    );
    permits << SHIFT
}

impl BatchSemaphore {
    #[track_caller]
    pub(crate) fn new(permits: usize) -> BatchSemaphore {
        BatchSemaphore {
            state: AtomicUsize::new(initial_state(permits)),
            waiters: Mutex::new(Waiters {
                list: WaitList::new(),
                assigned: 0,
            }),
            bound: usize::MAX,
        }
    }

    /// `new`, usable in `const` and `static` items (not under loom, whose locks are not
    /// `const`).
    #[cfg(not(runtime_loom))]
    #[track_caller]
    pub(crate) const fn const_new(permits: usize) -> BatchSemaphore {
        BatchSemaphore {
            state: AtomicUsize::new(initial_state(permits)),
            waiters: Mutex::new(Waiters {
                list: WaitList::new(),
                assigned: 0,
            }),
            bound: usize::MAX,
        }
    }

    /// A semaphore whose `add_permits` may never bring the count above `permits`.
    #[track_caller]
    pub(crate) fn bounded(permits: usize) -> BatchSemaphore {
        BatchSemaphore {
            bound: permits,
            ..BatchSemaphore::new(permits)
        }
    }

    pub(crate) fn available_permits(&self) -> usize {
        self.state.load(Acquire) >> SHIFT
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.state.load(Acquire) & CLOSED != 0
    }

    /// Takes `n` permits now if they are free and nobody waits.
    pub(crate) fn try_acquire(&self, n: usize) -> Result<(), TryAcquire> {
        assert!(n <= MAX_PERMITS, "{}", error::SEMAPHORE_TOO_MANY_PERMITS);
        let mut s = self.state.load(Acquire);
        loop {
            if s & CLOSED != 0 {
                return Err(TryAcquire::Closed);
            }
            if s & WAITERS != 0 || s >> SHIFT < n {
                return Err(TryAcquire::NoPermits);
            }
            match self
                .state
                .compare_exchange(s, s - (n << SHIFT), AcqRel, Acquire)
            {
                Ok(_) => return Ok(()),
                Err(actual) => s = actual,
            }
        }
    }

    /// Waits for `n` permits; see the module docs for the order.
    #[track_caller]
    pub(crate) fn acquire(&self, n: usize) -> Acquire<'_> {
        assert!(n <= MAX_PERMITS, "{}", error::SEMAPHORE_TOO_MANY_PERMITS);
        Acquire {
            sem: self,
            node: Node::new(n),
            num: n,
            done: false,
        }
    }

    /// Gives back `n` permits: to the front waiters first, the rest to the count.
    pub(crate) fn release(&self, n: usize) {
        let mut s = self.state.load(Relaxed);
        while s & WAITERS == 0 {
            if (s >> SHIFT) + n > MAX_PERMITS {
                panic!("{}", error::SEMAPHORE_TOO_MANY_PERMITS);
            }
            match self
                .state
                .compare_exchange(s, s + (n << SHIFT), AcqRel, Relaxed)
            {
                Ok(_) => return,
                Err(actual) => s = actual,
            }
        }
        self.release_locked(n, self.waiters.lock());
    }

    /// `release` for permits added from outside (`add_permits`): checks the bound of a
    /// bounded semaphore first.
    #[track_caller]
    pub(crate) fn add_permits(&self, n: usize) {
        if self.bound == usize::MAX {
            return self.release(n);
        }
        let w = self.waiters.lock();
        let held_back = self.available_permits() + w.assigned;
        if held_back + n > self.bound {
            drop(w);
            panic!("{}", error::SEMAPHORE_RELEASED_MORE);
        }
        self.release_locked(n, w);
    }

    /// Hands `n` permits to the front waiters and the rest to the count, clearing
    /// `WAITERS` when the list ends empty (rules 1-2); wakes outside the lock.
    fn release_locked(&self, mut n: usize, mut w: MutexGuard<'_, Waiters>) {
        let mut wakers = WakeList::new();
        while n > 0 {
            let Some(needed) = w.list.front_mut() else {
                break;
            };
            let give = n.min(*needed);
            *needed -= give;
            n -= give;
            let done = *needed == 0;
            w.assigned += give;
            if done {
                if let Some(Some(waker)) = w.list.pop_front_with(|_| {}) {
                    wakers.push(waker);
                }
            }
        }
        let mut overflow = false;
        if w.list.is_empty() {
            let mut s = self.state.load(Relaxed);
            loop {
                overflow = (s >> SHIFT) + n > MAX_PERMITS;
                let add = if overflow { 0 } else { n << SHIFT };
                match self
                    .state
                    .compare_exchange(s, (s & !WAITERS) + add, AcqRel, Relaxed)
                {
                    Ok(_) => break,
                    Err(actual) => s = actual,
                }
            }
        }
        drop(w);
        wakers.wake_all();
        if overflow {
            panic!("{}", error::SEMAPHORE_TOO_MANY_PERMITS);
        }
    }

    /// Removes up to `n` free permits for good; returns how many.
    pub(crate) fn forget_permits(&self, n: usize) -> usize {
        let mut s = self.state.load(Acquire);
        loop {
            let take = n.min(s >> SHIFT);
            match self
                .state
                .compare_exchange(s, s - (take << SHIFT), AcqRel, Acquire)
            {
                Ok(_) => return take,
                Err(actual) => s = actual,
            }
        }
    }

    /// Fails every waiting and future acquire (rule 5).
    pub(crate) fn close(&self) {
        let mut wakers = WakeList::new();
        {
            let mut w = self.waiters.lock();
            self.state.fetch_or(CLOSED, AcqRel);
            w.list.drain_with(|_| {}, &mut wakers);
            self.state.fetch_and(!WAITERS, AcqRel);
        }
        wakers.wake_all();
    }
}

impl fmt::Debug for BatchSemaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.state.load(Relaxed);
        f.debug_struct("Semaphore")
            .field("permits", &(s >> SHIFT))
            .field("closed", &(s & CLOSED != 0))
            .field("waiters", &(s & WAITERS != 0))
            .finish()
    }
}

pin_project_lite::pin_project! {
    /// The future of [`BatchSemaphore::acquire`]: `Ok` with the permits taken, or `Err`
    /// once the semaphore is closed.
    pub(crate) struct Acquire<'a> {
        sem: &'a BatchSemaphore,
        #[pin]
        node: Node<usize>,
        num: usize,
        // The permits were taken by the caller: `Drop` gives nothing back.
        done: bool,
    }

    impl PinnedDrop for Acquire<'_> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if *this.done || !this.node.was_enqueued() {
                return;
            }
            let mut node = this.node;
            let mut w = this.sem.waiters.lock();
            w.list.remove(node.as_mut());
            let needed = *w.list.data(node);
            // Rule 4: what was assigned goes on, and a now-empty list clears `WAITERS`.
            let assigned = *this.num - needed;
            w.assigned -= assigned;
            this.sem.release_locked(assigned, w);
        }
    }
}

/// The acquire was refused: the semaphore is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Closed;

impl Future for Acquire<'_> {
    type Output = Result<(), Closed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = ready!(crate::task::coop::poll_proceed(cx));
        let this = self.project();
        let sem = *this.sem;
        let num = *this.num;
        let mut node = this.node;
        assert!(!*this.done, "`Acquire` polled after completion");
        if num == 0 {
            *this.done = true;
            if sem.is_closed() {
                return Poll::Ready(Err(Closed));
            }
            coop.made_progress();
            return Poll::Ready(Ok(()));
        }
        if !node.was_enqueued() {
            // First poll: the fast path, then check-and-enqueue under the lock.
            match sem.try_acquire(num) {
                Ok(()) => {
                    *this.done = true;
                    coop.made_progress();
                    return Poll::Ready(Ok(()));
                }
                Err(TryAcquire::Closed) => {
                    *this.done = true;
                    return Poll::Ready(Err(Closed));
                }
                Err(TryAcquire::NoPermits) => {}
            }
            let mut w = sem.waiters.lock();
            let mut s = sem.state.load(Acquire);
            let take = loop {
                if s & CLOSED != 0 {
                    *this.done = true;
                    return Poll::Ready(Err(Closed));
                }
                let free = s >> SHIFT;
                if s & WAITERS == 0 && free >= num {
                    match sem
                        .state
                        .compare_exchange(s, s - (num << SHIFT), AcqRel, Acquire)
                    {
                        Ok(_) => {
                            drop(w);
                            *this.done = true;
                            coop.made_progress();
                            return Poll::Ready(Ok(()));
                        }
                        Err(actual) => s = actual,
                    }
                    continue;
                }
                // Rule 2: take what is free, and set `WAITERS` in the same CAS.
                let take = free.min(num);
                let next = (s - (take << SHIFT)) | WAITERS;
                match sem.state.compare_exchange(s, next, AcqRel, Acquire) {
                    Ok(_) => break take,
                    Err(actual) => s = actual,
                }
            };
            w.assigned += take;
            *w.list.data(node.as_mut()) = num - take;
            w.list.enqueue(node, cx.waker());
            return Poll::Pending;
        }
        let mut w = sem.waiters.lock();
        if w.list.is_queued(node.as_mut()) {
            w.list.enqueue(node, cx.waker());
            return Poll::Pending;
        }
        let needed = *w.list.data(node.as_mut());
        if needed == 0 {
            w.assigned -= num;
            drop(w);
            *this.done = true;
            coop.made_progress();
            return Poll::Ready(Ok(()));
        }
        // Drained by `close`: give back what was assigned (rule 4).
        let assigned = num - needed;
        w.assigned -= assigned;
        *this.done = true;
        sem.release_locked(assigned, w);
        Poll::Ready(Err(Closed))
    }
}

impl fmt::Debug for Acquire<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acquire").field("num", &self.num).finish()
    }
}
