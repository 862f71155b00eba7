//! [`Timers`]: a runtime's timers, one [`Wheel`] per worker; [`Registration`]:
//! one timer, as `Sleep` holds it.
//!
//! # Sharding, and why no lock serializes the hot path
//!
//! Each worker registers its timers in its own shard: a [`Wheel`] behind a
//! mutex, plus the shard's next deadline in an atomic. The lock is taken by
//!
//! - the owner, to insert, reset or cancel (drop) a timer: on the worker that
//!   registered it, that is its own shard, which no other worker registers in;
//! - a driver processing the shard, only when the shard's next deadline has
//!   come (a lock-free check of the atomic first), once per batch of 32 fired
//!   timers, and never while it wakes them;
//! - a timer dropped or reset on another worker than the one that registered it
//!   (its task was stolen): it locks the shard it lives in, a lock that is at
//!   worst briefly contended, at the price of any cross-core wake.
//!
//! So creating and cancelling timers on `n` workers takes `n` different locks,
//! each nearly always uncontended (one CAS to lock, one to unlock), and
//! the drivers meet the owners only at due shards. A timer that already fired
//! is dropped without any lock (rule E4 in `entry`). Firing itself is
//! lock-free with respect to the owner: the driver pops due entries under the
//! lock, releases it, and only then moves each entry's state word to `FIRED` and
//! wakes its waker, so a task that polls or drops its timer never waits for a
//! wake, and a wake never runs under a lock.
//!
//! # Unparking the driver
//!
//! A worker that parks sleeps until [`Timers::next_deadline`]. When a
//! registration or reset makes a shard's next deadline earlier, the timers call
//! the `unpark` hook given to [`Timers::new`] with the new deadline (after
//! releasing the shard lock); the runtime wakes its parked driver there if the
//! driver sleeps past it. Shard deadlines are stored and read `SeqCst`, so a
//! driver that publishes "parked until t" and then reads them, against a worker
//! that stores a deadline and then reads "parked until", cannot both miss.

use crate::entry::state::Status;
use crate::entry::Shared;
use crate::error;
use crate::instant::Instant;
use crate::loom::sync::atomic::{AtomicU64, Ordering};
use crate::loom::sync::{Arc, Mutex};
use crate::wheel::{Key, Wheel, NEVER};
use std::fmt;
use std::task::{Context, Poll};
use std::time::Duration;

/// Timers fired per lock acquisition: wakes happen between batches, unlocked.
const BATCH: usize = 32;

/// The hook [`Timers::new`] takes.
type Unpark = std::sync::Arc<dyn Fn(Instant) + Send + Sync>;

/// A runtime's timers: one timing wheel per worker (a shard), registered into
/// by that worker, processed by whichever thread drives time.
///
/// Times are [`Instant`]s; the wheels count nanoseconds from `start`, so
/// deadlines more than about 584 years after it never fire (`sleep(Duration::MAX)`
/// neither panics nor fires).
///
/// ```
/// use runtime_timer::{Instant, Timers};
/// use std::sync::Arc;
/// use std::task::{Context, Poll, Wake, Waker};
/// use std::time::Duration;
///
/// struct Noop;
/// impl Wake for Noop {
///     fn wake(self: Arc<Self>) {}
/// }
/// let waker = Waker::from(Arc::new(Noop));
/// let mut cx = Context::from_waker(&waker);
///
/// let start = Instant::now();
/// let timers = Timers::new(start, 2, |_earlier| { /* unpark the driver */ });
/// let mut sleep = timers.register(0, start + Duration::from_millis(10));
///
/// assert_eq!(timers.next_deadline(), Some(start + Duration::from_millis(10)));
/// assert!(sleep.poll_elapsed(&mut cx).is_pending());
/// assert_eq!(timers.process(start + Duration::from_millis(9)), 0);
/// assert_eq!(timers.process(start + Duration::from_millis(10)), 1);
/// assert_eq!(sleep.poll_elapsed(&mut cx), Poll::Ready(Ok(())));
///
/// sleep.reset(start + Duration::from_secs(3600)); // fires again, later
/// assert!(!sleep.is_elapsed());
/// timers.shutdown();
/// assert!(matches!(sleep.poll_elapsed(&mut cx), Poll::Ready(Err(_))));
/// ```
pub struct Timers {
    shards: Box<[Arc<Shard>]>,
}

/// One worker's wheel.
struct Shard {
    /// The instant the wheel's nanoseconds count from.
    start: Instant,
    inner: Mutex<Inner>,
    /// A lower bound on the wheel's earliest deadline (ns; [`NEVER`]: none),
    /// stored under the lock, read without it.
    next: AtomicU64,
    unpark: Unpark,
}

struct Inner {
    wheel: Wheel<Fire>,
    /// Set once by shutdown: the wheel is empty and stays so.
    closed: bool,
}

/// The wheel's copy of a timer: the entry and the epoch it was inserted with.
struct Fire {
    entry: Arc<Shared>,
    epoch: u64,
}

impl Shard {
    fn ns(&self, instant: Instant) -> u64 {
        let since = instant.saturating_duration_since(self.start).as_nanos();
        u64::try_from(since).unwrap_or(NEVER)
    }

    fn instant(&self, ns: u64) -> Option<Instant> {
        (ns != NEVER)
            .then(|| self.start.checked_add(Duration::from_nanos(ns)))
            .flatten()
    }

    /// Stores the wheel's next deadline; returns it if it is earlier than before.
    fn publish_next(&self, wheel: &Wheel<Fire>) -> Option<u64> {
        let next = wheel.next_deadline().unwrap_or(NEVER);
        let previous = self.next.swap(next, Ordering::SeqCst);
        (next < previous).then_some(next)
    }

    /// Calls the unpark hook for a deadline [`publish_next`](Self::publish_next)
    /// found earlier. Never under the lock.
    fn notify(&self, earlier: Option<u64>) {
        if let Some(deadline) = earlier.and_then(|ns| self.instant(ns)) {
            (self.unpark)(deadline);
        }
    }
}

impl Timers {
    /// Timers with `shards` wheels (at least one; give one per worker) counting
    /// from `start`. `unpark(deadline)` is called whenever a registration makes
    /// a shard's next deadline earlier (see the module docs).
    pub fn new(
        start: Instant,
        shards: usize,
        unpark: impl Fn(Instant) + Send + Sync + 'static,
    ) -> Self {
        let unpark: Unpark = std::sync::Arc::new(unpark);
        let shards = (0..shards.max(1))
            .map(|_| {
                Arc::new(Shard {
                    start,
                    inner: Mutex::new(Inner {
                        wheel: Wheel::new(),
                        closed: false,
                    }),
                    next: AtomicU64::new(NEVER),
                    unpark: unpark.clone(),
                })
            })
            .collect();
        Self { shards }
    }

    /// The number of shards.
    #[must_use]
    pub fn shards(&self) -> usize {
        self.shards.len()
    }

    /// Registers a timer for `deadline` in shard `shard % shards()`: the
    /// calling worker's index, so that workers do not share locks. A deadline
    /// that has passed fires at the next [`process`](Self::process). After
    /// [`shutdown`](Self::shutdown) the timer is shut down at once.
    pub fn register(&self, shard: usize, deadline: Instant) -> Registration {
        let shard = self.shards[shard % self.shards.len()].clone();
        let ns = shard.ns(deadline);
        let mut inner = shard.inner.lock();
        if ns <= inner.wheel.now() && !inner.closed {
            // The wheel went past it already: fired, without a trip through the wheel.
            drop(inner);
            return Registration {
                entry: Arc::new(Shared::new(Status::Fired)),
                shard,
                key: None,
                epoch: 0,
                deadline,
            };
        }
        let entry = Arc::new(Shared::new(Status::Pending));
        if inner.closed {
            drop(inner);
            return Registration {
                entry: Arc::new(Shared::new(Status::Shutdown)),
                shard,
                key: None,
                epoch: 0,
                deadline,
            };
        }
        let key = inner.wheel.insert(
            ns,
            Fire {
                entry: entry.clone(),
                epoch: 0,
            },
        );
        let earlier = shard.publish_next(&inner.wheel);
        drop(inner);
        shard.notify(earlier);
        Registration {
            shard,
            entry,
            key: Some(key),
            epoch: 0,
            deadline,
        }
    }

    /// `now + after`, or, when that is not representable (`Duration::MAX`), an
    /// instant so far ahead that the timers treat it as never (about 584 years
    /// after `start`): `sleep(Duration::MAX)` neither panics nor fires.
    ///
    /// ```
    /// use runtime_timer::{Instant, Timers};
    /// use std::time::Duration;
    ///
    /// let start = Instant::now();
    /// let timers = Timers::new(start, 1, |_| {});
    /// let forever = timers.register(0, timers.deadline_after(start, Duration::MAX));
    /// assert_eq!(timers.next_deadline(), None, "nothing to wake up for");
    /// assert_eq!(timers.process(start + Duration::from_secs(100 * 365 * 86_400)), 0);
    /// assert!(!forever.is_elapsed());
    /// ```
    #[must_use]
    pub fn deadline_after(&self, now: Instant, after: Duration) -> Instant {
        const CENTURY: Duration = Duration::from_secs(100 * 365 * 86_400);
        let start = self.shards[0].start;
        now.checked_add(after)
            .or_else(|| start.checked_add(Duration::from_nanos(NEVER)))
            .or_else(|| now.checked_add(CENTURY)) // an `Instant` of smaller range
            .map_or(now, |deadline| deadline.max(now))
    }

    /// The earliest deadline over all shards: how long a parking driver may
    /// sleep. Never later than the earliest timer's exact deadline, so a driver
    /// that wakes then is punctual; after a cancel it may be earlier (one
    /// spurious wake). Lock-free: one atomic load per shard.
    #[must_use]
    pub fn next_deadline(&self) -> Option<Instant> {
        let shard = &self.shards[0];
        let earliest = self
            .shards
            .iter()
            .map(|shard| shard.next.load(Ordering::SeqCst))
            .min()
            .unwrap_or(NEVER);
        shard.instant(earliest)
    }

    /// Fires every timer of every shard whose deadline is at or before `now`;
    /// returns how many fired. Shards with nothing due are skipped without
    /// taking their lock.
    pub fn process(&self, now: Instant) -> usize {
        (0..self.shards.len())
            .map(|shard| self.process_shard(shard, now))
            .sum()
    }

    /// Fires the due timers of one shard (`shard % shards()`), e.g. a busy
    /// worker's own between tasks; returns how many fired.
    pub fn process_shard(&self, shard: usize, now: Instant) -> usize {
        let shard = &self.shards[shard % self.shards.len()];
        let now = shard.ns(now);
        if shard.next.load(Ordering::SeqCst) > now {
            return 0;
        }
        let mut fired = 0;
        let mut advanced = false;
        loop {
            let mut batch: [Option<Fire>; BATCH] = [const { None }; BATCH];
            let mut taken = 0;
            {
                let mut inner = shard.inner.lock();
                if inner.closed {
                    return fired;
                }
                if !advanced {
                    inner.wheel.advance(now);
                    advanced = true;
                }
                while taken < BATCH {
                    let Some(fire) = inner.wheel.pop() else { break };
                    batch[taken] = Some(fire);
                    taken += 1;
                }
                // Only later than before: nobody needs unparking.
                let _ = shard.publish_next(&inner.wheel);
            }
            for fire in batch.iter_mut().take(taken).filter_map(Option::take) {
                fired += usize::from(fire.entry.fire(fire.epoch));
            }
            if taken < BATCH {
                return fired;
            }
        }
    }

    /// Closes every shard: each pending timer completes with a
    /// [`ShutdownError`], and timers registered afterwards complete so at once.
    /// Idempotent; dropping the `Timers` does it too.
    pub fn shutdown(&self) {
        for shard in self.shards.iter() {
            let drained = {
                let mut inner = shard.inner.lock();
                if inner.closed {
                    continue;
                }
                inner.closed = true;
                shard.next.store(NEVER, Ordering::SeqCst);
                inner.wheel.drain()
            };
            for fire in drained {
                fire.entry.shut_down(fire.epoch);
            }
        }
    }
}

impl Drop for Timers {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl fmt::Debug for Timers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timers")
            .field("shards", &self.shards.len())
            .field("next_deadline", &self.next_deadline())
            .finish()
    }
}

/// One timer in a [`Timers`] shard, owned by the future that waits for it.
///
/// Polling it takes no lock; resetting it moves it in its wheel (O(1));
/// dropping it cancels it (one lock of its shard, none once it fired). It may
/// be polled, reset and dropped on any thread, not only the worker that
/// registered it; it stays in the shard it was registered in.
///
/// ```
/// use runtime_timer::{Instant, Timers};
/// use std::time::Duration;
///
/// let start = Instant::now();
/// let timers = Timers::new(start, 4, |_| {});
/// let mut timeout = timers.register(2, start + Duration::from_secs(30));
/// timeout.reset(start + Duration::from_secs(60)); // pushed back, same key
/// assert_eq!(timeout.deadline(), start + Duration::from_secs(60));
/// assert_eq!(timers.process(start + Duration::from_secs(30)), 0);
/// drop(timeout); // the guarded work finished first: cancelled
/// assert_eq!(timers.next_deadline(), None);
/// ```
#[must_use = "dropping a Registration cancels the timer"]
pub struct Registration {
    shard: Arc<Shard>,
    entry: Arc<Shared>,
    /// The wheel key of the current epoch's copy; `None` once shut down.
    key: Option<Key>,
    epoch: u64,
    deadline: Instant,
}

impl Registration {
    /// The instant the timer fires at.
    #[must_use]
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// `true` once the timer fired (for its current deadline).
    #[must_use]
    pub fn is_elapsed(&self) -> bool {
        self.entry.state().load().status() == Status::Fired
    }

    /// `true` once [`poll_elapsed`](Self::poll_elapsed) would return `Ready`:
    /// the timer fired, or its runtime shut down.
    pub(crate) fn is_done(&self) -> bool {
        self.entry.state().load().status() != Status::Pending
    }

    /// `Ready(Ok(()))` once the deadline passed and a driver fired the timer,
    /// `Ready(Err(ShutdownError))` if its runtime shut down first; otherwise
    /// stores `cx`'s waker (replacing the previous one) to be woken then.
    /// Lock-free.
    pub fn poll_elapsed(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), ShutdownError>> {
        self.entry.poll(cx).map(|status| match status {
            Status::Shutdown => Err(ShutdownError(())),
            _ => Ok(()),
        })
    }

    /// Moves the timer to `deadline`, whether it fired already or not: it is
    /// pending again until then. O(1) under its shard's lock; a fire of the old
    /// deadline still in flight on another thread is ignored (at most one
    /// spurious wake).
    pub fn reset(&mut self, deadline: Instant) {
        self.deadline = deadline;
        let ns = self.shard.ns(deadline);
        let mut inner = self.shard.inner.lock();
        if inner.closed {
            self.epoch = self
                .entry
                .state()
                .transition_to_next_epoch(self.epoch, Status::Shutdown);
            self.key = None;
            return;
        }
        if ns <= inner.wheel.now() {
            // The wheel went past the new deadline already: fired now (E4 holds:
            // the wheel no longer holds this epoch's copy once it is removed).
            let removed = self.key.take().and_then(|key| inner.wheel.remove(key));
            self.epoch = self
                .entry
                .state()
                .transition_to_next_epoch(self.epoch, Status::Fired);
            if removed.is_some() {
                // Only later than before: nobody needs unparking.
                let _ = self.shard.publish_next(&inner.wheel);
            }
            drop(inner);
            drop(removed);
            return;
        }
        // E2: if the wheel still holds this epoch's copy, move it; otherwise it
        // was popped (fired, or firing on another thread): start a new epoch.
        if !self.key.is_some_and(|key| inner.wheel.reset(key, ns)) {
            self.epoch = self
                .entry
                .state()
                .transition_to_next_epoch(self.epoch, Status::Pending);
            let fire = Fire {
                entry: self.entry.clone(),
                epoch: self.epoch,
            };
            self.key = Some(inner.wheel.insert(ns, fire));
        }
        // The shard's published next deadline only needs to stay a lower bound: a
        // timer pushed back (the common reset: an idle timeout moved on each
        // request) leaves it as is, and a driver that wakes for it then finds
        // nothing due and publishes the exact value.
        if ns < self.shard.next.load(Ordering::SeqCst) {
            let earlier = self.shard.publish_next(&inner.wheel);
            drop(inner);
            self.shard.notify(earlier);
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let Some(key) = self.key else { return };
        if self.entry.state().load().status() != Status::Pending {
            return; // E4: the wheel no longer holds it
        }
        let removed = {
            let mut inner = self.shard.inner.lock();
            let removed = inner.wheel.remove(key);
            if removed.is_some() {
                // Only later than before: nobody needs unparking.
                let _ = self.shard.publish_next(&inner.wheel);
            }
            removed
        };
        drop(removed); // the wheel's `Arc` reference, released unlocked
    }
}

impl fmt::Debug for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registration")
            .field("deadline", &self.deadline)
            .field("state", &self.entry.state().load())
            .finish_non_exhaustive()
    }
}

/// The runtime that owned a timer shut down before the timer fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShutdownError(());

impl fmt::Display for ShutdownError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(error::SHUTDOWN)
    }
}

impl std::error::Error for ShutdownError {}

#[cfg(all(test, not(runtime_loom)))]
mod tests;

#[cfg(not(runtime_loom))]
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Timers>();
    assert_send_sync::<Registration>();
};
