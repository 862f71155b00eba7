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
//! is dropped without any lock (rule E4 in `entry`), and one moved to a later
//! deadline (an idle timeout pushed back on every request, an `Interval`'s next
//! tick) is moved without any lock too: the owner stores the new deadline in
//! the entry, and the driver that finds the entry due at its old deadline files
//! it again at the new one (rule L1 in `entry`, tokio's lazy reset). Firing
//! never makes the owner wait: the driver moves each due entry's state word to
//! `FIRED` and pops it under the lock, and wakes the wakers only after releasing
//! it, so a task that polls or drops its timer never waits for a wake, and a
//! wake never runs under a lock.
//!
//! # Unparking the driver
//!
//! A worker that parks sleeps until [`Timers::next_deadline`]. When a
//! registration or reset makes a shard's next deadline earlier, the timers call
//! the `unpark` hook given to [`Timers::new`] with the new deadline (after
//! releasing the shard lock); the runtime wakes its parked driver there if the
//! driver sleeps past it. Earlier shard deadlines are stored and read `SeqCst`,
//! so a driver that publishes "parked until t" and then reads them, against a
//! worker that stores a deadline and then reads "parked until", cannot both
//! miss. (A later deadline needs no such care: nobody must wake for it.)
//!
//! The published deadline is a lower bound, kept cheaply: filing an entry
//! lowers it to the entry's deadline if that is earlier (no recomputation), and
//! removing one recomputes it only if it was that entry's.

use crate::entry::state::{Status, Transition};
use crate::entry::Shared;
use crate::error;
use crate::instant::Instant;
use crate::loom::sync::atomic::{AtomicU64, Ordering};
use crate::loom::sync::{Arc, Mutex};
use crate::wheel::{Key, Wheel, NEVER};
use std::fmt;
use std::time::Duration;

/// Timers fired per lock acquisition: wakes happen between batches, unlocked.
const BATCH: usize = 32;

/// Cancelled entries a shard keeps for reuse: a timeout registered and
/// cancelled over and over allocates once.
const SPARE: usize = 32;

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
    /// Entries of cancelled timers, each as new (`PENDING@0`, no waker) and
    /// referenced only from here, for [`Timers::register`] to reuse.
    spare: Vec<Arc<Shared>>,
}

/// The wheel's copy of a timer: the entry and the epoch it was inserted with.
struct Fire {
    entry: Arc<Shared>,
    epoch: u64,
}

/// What a driver does with a due entry ([`Timers::judge`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Fired (`FIRED`): pop it, wake it after the lock.
    Fire,
    /// Its owner moved it later meanwhile (`PENDING` again): file it there.
    Later(u64),
    /// Not the current epoch's copy: pop and drop it.
    Stale,
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

    /// Under the lock, after entries left the wheel (fired, removed): stores
    /// its next deadline, no earlier than before, so nobody needs unparking
    /// and the store needs no `SeqCst` (see the module docs).
    fn publish_later(&self, wheel: &Wheel<Fire>) {
        let next = if wheel.is_empty() {
            NEVER
        } else {
            wheel.next_deadline().unwrap_or(NEVER)
        };
        self.next.store(next, Ordering::Release);
    }

    /// Under the lock, after filing an entry at `ns`: lowers the published next
    /// deadline to `ns` if that is earlier (returned, for [`notify`](Self::notify)).
    /// The minimum of the old bound and `ns` bounds the wheel's deadlines as
    /// well as recomputing it would, at none of the cost.
    fn lower_next(&self, ns: u64) -> Option<u64> {
        // Only lock holders write `next`: a plain load, a `SeqCst` store.
        (ns < self.next.load(Ordering::Relaxed)).then(|| {
            self.next.store(ns, Ordering::SeqCst);
            ns
        })
    }

    /// Under the lock: removes the entry `key` names, if the wheel still holds
    /// it. The published next deadline is recomputed only if it was the
    /// removed entry's: for any other, it stays a lower bound (the common
    /// cancel, a timeout whose work finished first, costs no recomputation).
    fn remove(&self, wheel: &mut Wheel<Fire>, key: Key) -> Option<Fire> {
        let filed = wheel.deadline(key)?;
        let removed = wheel.remove(key);
        if filed <= self.next.load(Ordering::Relaxed) {
            self.publish_later(wheel);
        }
        removed
    }

    /// Calls the unpark hook for a deadline [`lower_next`](Self::lower_next)
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
                        spare: Vec::new(),
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
                entry: Some(Arc::new(Shared::new(Status::Fired, ns))),
                shard,
                key: None,
                epoch: 0,
                deadline,
                when: ns,
            };
        }
        if inner.closed {
            drop(inner);
            return Registration {
                entry: Some(Arc::new(Shared::new(Status::Shutdown, ns))),
                shard,
                key: None,
                epoch: 0,
                deadline,
                when: ns,
            };
        }
        let entry = match inner.spare.pop() {
            Some(entry) => {
                entry.set_deadline(ns);
                entry
            }
            None => Arc::new(Shared::new(Status::Pending, ns)),
        };
        let key = inner.wheel.insert(
            ns,
            Fire {
                entry: entry.clone(),
                epoch: 0,
            },
        );
        let earlier = shard.lower_next(ns);
        drop(inner);
        shard.notify(earlier);
        Registration {
            shard,
            entry: Some(entry),
            key: Some(key),
            epoch: 0,
            deadline,
            when: ns,
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
    ///
    /// A due entry whose owner moved its deadline later without the lock is
    /// filed again at that deadline instead (rule L1 in `entry`).
    pub fn process_shard(&self, shard: usize, now: Instant) -> usize {
        self.process_shard_with(shard, now, true)
    }

    /// Like [`process`](Self::process), for a thread that is busy with other
    /// work (a worker between tasks): shard `own` is fired as there, every other
    /// shard only if its lock is free at the first try. A shard whose lock is
    /// held is being fired or filed into by another thread at that moment: the
    /// busy thread moves on instead of sleeping on the lock (with every worker
    /// firing every shard, that contention cost a futex sleep and wake per
    /// collision in `timers_many`), and whoever comes next fires what is left;
    /// a parking thread uses [`process`](Self::process), which waits.
    pub fn process_busy(&self, own: usize, now: Instant) -> usize {
        let own = own % self.shards.len();
        (0..self.shards.len())
            .map(|shard| self.process_shard_with(shard, now, shard == own))
            .sum()
    }

    fn process_shard_with(&self, shard: usize, now: Instant, wait: bool) -> usize {
        let shard = &self.shards[shard % self.shards.len()];
        let now = shard.ns(now);
        if shard.next.load(Ordering::SeqCst) > now {
            return 0;
        }
        let mut fired = 0;
        let mut advanced = false;
        loop {
            // The popped copies, and whether each fired (else it was stale),
            // woken or dropped after the lock is released.
            let mut batch: [Option<(Fire, bool)>; BATCH] = [const { None }; BATCH];
            let mut taken = 0;
            let mut done = false;
            {
                let mut inner = if wait || advanced {
                    shard.inner.lock()
                } else {
                    match shard.inner.try_lock() {
                        Some(inner) => inner,
                        None => return fired,
                    }
                };
                if inner.closed {
                    return fired;
                }
                if !advanced {
                    inner.wheel.advance(now);
                    advanced = true;
                }
                // Entries filed again count too: the lock is held for at most
                // BATCH entries at a time.
                for _ in 0..BATCH {
                    let Some((key, verdict)) = Self::judge(&inner.wheel) else {
                        done = true;
                        break;
                    };
                    if let Verdict::Later(deadline) = verdict {
                        inner.wheel.reset(key, deadline);
                        continue;
                    }
                    let fire = inner.wheel.pop();
                    let fires = verdict == Verdict::Fire;
                    fired += usize::from(fires);
                    batch[taken] = fire.map(|fire| (fire, fires));
                    taken += 1;
                }
                shard.publish_later(&inner.wheel);
            }
            for (fire, fires) in batch.iter_mut().take(taken).filter_map(Option::take) {
                if fires {
                    fire.entry.wake();
                }
            }
            if done {
                return fired;
            }
        }
    }

    /// Under the shard lock: what to do with the wheel's next due entry (rules
    /// E3 and L1 in `entry`), its state word moved accordingly.
    fn judge(wheel: &Wheel<Fire>) -> Option<(Key, Verdict)> {
        let (key, fire) = wheel.peek()?;
        let state = fire.entry.state();
        if state.transition_to_firing(fire.epoch) == Transition::Stale {
            // Unreachable by E2 (a copy in the wheel is the current epoch's,
            // and pending); dropped without a wake if it ever happens.
            debug_assert!(false, "a stale copy in the wheel");
            return Some((key, Verdict::Stale));
        }
        // After `FIRING` (`SeqCst`): sees any lazy reset whose owner then read
        // `PENDING` (L1).
        let deadline = fire.entry.deadline();
        if deadline > wheel.now() {
            state.transition_to_pending(fire.epoch);
            return Some((key, Verdict::Later(deadline)));
        }
        state.transition_to_fired(fire.epoch);
        Some((key, Verdict::Fire))
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

/// The runtime that owned a timer shut down before the timer fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShutdownError(());

impl fmt::Display for ShutdownError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(error::SHUTDOWN)
    }
}

impl std::error::Error for ShutdownError {}

mod registration;
#[cfg(all(test, not(runtime_loom)))]
mod tests;

pub use registration::Registration;

#[cfg(not(runtime_loom))]
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Timers>();
    assert_send_sync::<Registration>();
};
