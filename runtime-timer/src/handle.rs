//! [`TimeHandle`]: one runtime's time (its [`Clock`] and its [`Timers`]), and the
//! thread-local through which `Sleep`, `Interval` and [`Instant::now`] find it.
//!
//! The crate is a leaf: it cannot ask the runtime which runtime is current. So
//! `runtime-core` builds one `TimeHandle` per runtime and installs it, with the
//! shard index that thread registers its timers in, on every thread that runs
//! the runtime's tasks ([`TimeHandle::enter`]): worker `i` uses shard `i`, every
//! other thread (the one inside `block_on`, a thread under `Handle::enter`) the
//! last shard. Guards nest and restore what was current before.

use crate::clock::Clock;
use crate::instant::Instant;
use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::Arc;
use crate::timers::Timers;
use std::cell::RefCell;
use std::fmt;

crate::loom::thread_local! {
    static CURRENT: RefCell<Option<(TimeHandle, usize)>> = const { RefCell::new(None) };
}

/// One runtime's time: its clock (real or paused) and its sharded timers.
///
/// Cheap to clone (one reference count). `runtime-core` owns it; users meet it
/// only through `runtime::sleep` and friends.
///
/// ```
/// use runtime_timer::{Clock, TimeHandle};
/// use std::time::Duration;
///
/// // A paused clock with 1 shard that may be paused and resumed.
/// let time = TimeHandle::new(Clock::new(true), 1, true, |_deadline| {});
/// let _guard = time.enter(0);
/// let start = runtime_timer::Instant::now(); // reads the paused clock
/// let mut sleep = Box::pin(runtime_timer::sleep(Duration::from_secs(60)));
/// # let waker = std::task::Waker::noop();
/// # let mut cx = std::task::Context::from_waker(&waker);
/// assert!(sleep.as_mut().poll(&mut cx).is_pending()); // registered
/// // Nothing else to do: jump to the next deadline.
/// assert!(time.auto_advance());
/// assert!(sleep.as_mut().poll(&mut cx).is_ready());
/// assert_eq!(runtime_timer::Instant::now() - start, Duration::from_secs(60));
/// # use std::future::Future;
/// ```
#[derive(Clone)]
pub struct TimeHandle {
    shared: Arc<Shared>,
}

struct Shared {
    clock: Clock,
    timers: Timers,
    /// Whether `pause`/`advance`/`resume` may be used (the current-thread runtime).
    pausable: bool,
    /// Things that must finish before paused time may jump (blocking jobs the
    /// runtime started); see [`TimeHandle::inhibit_auto_advance`].
    inhibitors: AtomicUsize,
    /// The hook given to [`TimeHandle::new`]: also called when the last inhibitor
    /// goes, so a runtime parked on paused time looks at its timers again.
    unpark: std::sync::Arc<dyn Fn(Instant) + Send + Sync>,
}

impl TimeHandle {
    /// Time for a runtime with `shards` timer wheels (one per worker plus one)
    /// on `clock`. `pausable`: whether [`crate::pause`] and friends may control
    /// the clock (only where auto-advance can be exact). `unpark(deadline)` is
    /// called when a timer registration makes a shard's next deadline earlier
    /// (see [`Timers::new`]).
    pub fn new(
        clock: Clock,
        shards: usize,
        pausable: bool,
        unpark: impl Fn(Instant) + Send + Sync + 'static,
    ) -> Self {
        let start = clock.now();
        let clock_pausable = clock.is_pausable();
        let unpark: std::sync::Arc<dyn Fn(Instant) + Send + Sync> = std::sync::Arc::new(unpark);
        let hook = unpark.clone();
        Self {
            shared: Arc::new(Shared {
                clock,
                timers: Timers::new(start, shards, move |deadline| hook(deadline)),
                unpark,
                pausable: pausable && clock_pausable,
                inhibitors: AtomicUsize::new(0),
            }),
        }
    }

    /// The runtime's clock.
    #[must_use]
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// The runtime's timers.
    #[must_use]
    pub fn timers(&self) -> &Timers {
        &self.shared.timers
    }

    /// The clock's reading.
    #[must_use]
    pub fn now(&self) -> Instant {
        self.shared.clock.now()
    }

    /// The earliest deadline of any registered timer (a lower bound, see
    /// [`Timers::next_deadline`]).
    #[must_use]
    pub fn next_deadline(&self) -> Option<Instant> {
        self.shared.timers.next_deadline()
    }

    /// How long a parking thread may sleep: `None` without timers, zero when a
    /// timer is due.
    #[must_use]
    pub fn park_timeout(&self) -> Option<std::time::Duration> {
        let deadline = self.next_deadline()?;
        Some(deadline.saturating_duration_since(self.now()))
    }

    /// Fires every due timer; returns how many fired.
    pub fn process(&self) -> usize {
        let timers = &self.shared.timers;
        if timers.next_deadline().is_none() {
            return 0;
        }
        timers.process(self.shared.clock.now())
    }

    /// Fires the due timers of shard `own`, and of the other shards whose lock
    /// is free ([`Timers::process_busy`]): for a worker between tasks, which must
    /// not sleep on a lock another thread holds. Returns how many fired.
    pub fn process_busy(&self, own: usize) -> usize {
        let timers = &self.shared.timers;
        if timers.next_deadline().is_none() {
            return 0;
        }
        timers.process_busy(own, self.shared.clock.now())
    }

    /// Whether the clock may be paused (the runtime can auto-advance exactly).
    #[must_use]
    pub fn is_pausable(&self) -> bool {
        self.shared.pausable
    }

    /// Whether the clock is paused.
    #[must_use]
    pub fn is_paused(&self) -> bool {
        self.shared.clock.is_paused()
    }

    /// Paused time with nothing runnable: moves the clock to the next deadline
    /// and fires what is due. Returns `false`, doing nothing, when the clock
    /// runs, when no timer is registered, or while an
    /// [`inhibit_auto_advance`](Self::inhibit_auto_advance) guard lives.
    pub fn auto_advance(&self) -> bool {
        let clock = &self.shared.clock;
        if !clock.is_paused() || self.shared.inhibitors.load(SeqCst) > 0 {
            return false;
        }
        let Some(deadline) = self.next_deadline() else {
            return false;
        };
        let now = clock.now();
        if deadline > now {
            clock.advance(deadline - now);
        }
        self.shared.timers.process(clock.now());
        true
    }

    /// Holds paused time still while the guard lives: the runtime takes one for
    /// every blocking job it runs, so a `timeout` around it cannot elapse in
    /// virtual time while the job works. When the last guard drops and the clock
    /// is paused, the unpark hook runs, so a runtime that parked because of the
    /// guard jumps to its next deadline.
    #[must_use = "auto-advance resumes when the guard drops"]
    pub fn inhibit_auto_advance(&self) -> InhibitGuard {
        self.shared.inhibitors.fetch_add(1, SeqCst);
        InhibitGuard {
            handle: self.clone(),
        }
    }

    /// Ends every pending timer: `Sleep`s complete at once and never hang.
    /// Idempotent.
    pub fn shutdown(&self) {
        self.shared.timers.shutdown();
    }

    /// Makes this the current thread's time, registering in `shard`, until the
    /// guard drops (which restores the previous one).
    #[must_use = "the handle is current only while the guard lives"]
    pub fn enter(&self, shard: usize) -> EnterGuard {
        let prev = CURRENT.with(|c| c.replace(Some((self.clone(), shard))));
        EnterGuard {
            prev,
            _not_send: std::marker::PhantomData,
        }
    }

    /// The current thread's time, if a runtime installed one.
    #[must_use]
    pub fn current() -> Option<TimeHandle> {
        Self::with_current(|handle, _| handle.clone())
    }

    /// Calls `f` with the current thread's time and shard, if any.
    pub(crate) fn with_current<R>(f: impl FnOnce(&TimeHandle, usize) -> R) -> Option<R> {
        CURRENT
            .try_with(|c| {
                let current = c.borrow();
                current.as_ref().map(|(handle, shard)| f(handle, *shard))
            })
            .ok()
            .flatten()
    }

    /// Whether both handles are the same runtime's time.
    #[must_use]
    pub fn ptr_eq(&self, other: &TimeHandle) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl fmt::Debug for TimeHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimeHandle")
            .field("clock", &self.shared.clock)
            .field("timers", &self.shared.timers)
            .field("pausable", &self.shared.pausable)
            .finish()
    }
}

/// Restores the previously current time when dropped; see [`TimeHandle::enter`].
pub struct EnterGuard {
    prev: Option<(TimeHandle, usize)>,
    /// The guard restores a thread-local: it must drop on the thread that made it.
    _not_send: std::marker::PhantomData<*const ()>,
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let prev = self.prev.take();
        // During thread teardown the thread-local may be gone already.
        let _ = CURRENT.try_with(|c| drop(c.replace(prev)));
    }
}

impl fmt::Debug for EnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}

/// Holds paused time still; see [`TimeHandle::inhibit_auto_advance`].
#[derive(Debug)]
pub struct InhibitGuard {
    handle: TimeHandle,
}

impl Drop for InhibitGuard {
    fn drop(&mut self) {
        let shared = &self.handle.shared;
        if shared.inhibitors.fetch_sub(1, SeqCst) == 1 && shared.clock.is_paused() {
            (shared.unpark)(shared.clock.now());
        }
    }
}
