//! Parking: how an idle runtime thread sleeps until there is work.
//!
//! [`Park`] is the small trait the schedulers sleep through, so the I/O driver (mio) and
//! loom's stand-ins can take its place. [`ParkThread`] is the condvar parker: a token
//! state machine (`EMPTY`, `PARKED`, `NOTIFIED`, `PARKED_DRIVER`) under which an
//! `unpark` that arrives before `park` is never lost (`loom_park_*` models).
//!
//! The current-thread runtime's parker also carries its I/O driver, created lazily: a
//! runtime that never registers a source never pays for a `mio::Poll` (an epoll and an
//! eventfd, most of the cost of building a runtime). Once the driver exists the parker
//! sleeps in it (state `PARKED_DRIVER`; `unpark` then writes the driver's `mio::Waker`).
//!
//! # Rules
//!
//! 1. `unpark` swaps in `NOTIFIED` and wakes what the old state says is asleep: nothing
//!    for `EMPTY` or `NOTIFIED`, the condvar (under its mutex, so the notify cannot fall
//!    between the parker's exchange and its wait) for `PARKED`, the driver's
//!    `mio::Waker` for `PARKED_DRIVER`.
//! 2. `park` first consumes a `NOTIFIED`; it goes to sleep only through an
//!    `EMPTY -> PARKED` or `EMPTY -> PARKED_DRIVER` exchange, and leaves the sleep by
//!    consuming the token (`NOTIFIED -> EMPTY`; a timed or driver sleep, which may end
//!    without one, swaps in `EMPTY`). So an unpark before the exchange is consumed there,
//!    one after it wakes the sleeper (rule 1).
//! 3. Only the thread that owns the [`ParkThread`] parks, and only it polls the driver
//!    (the driver's mutex is never contended; a second parker aborts).
//! 4. In the driver the timeout is rounded down to whole milliseconds (mio's
//!    granularity); a timeout under a millisecond is slept on the condvar, so timers stay
//!    exact. A zero timeout consumes a pending unpark and, while sources are
//!    registered, polls the driver without blocking.
//! 5. The driver is created at most once, by the first [`UnparkThread::driver`] call,
//!    from any thread (the registration path, `IoHandle::current()`), and never after
//!    [`UnparkThread::shutdown_driver`] (one mutex orders the two, so a source can never
//!    register with a driver that shutdown missed). The parker sleeps in the driver
//!    whenever it exists (not only while sources are registered), and the creating thread
//!    unparks the parker once after publishing it (rule 1): a parker that had already
//!    chosen the condvar (it saw no driver) is woken and re-parks in the driver; one that
//!    had not yet exchanged finds the token, returns, and its next park sees the driver
//!    (its consuming exchange reads the creator's swap, which follows the publication).
//!    So no event of a source registered after creation waits on a parker asleep on the
//!    condvar (`loom_park_lazy_driver_creation_vs_condvar_sleep`,
//!    `loom_park_lazy_driver_creation_vs_shutdown`).
use crate::io::driver::{Driver, DriverHandle};
use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::Duration;

/// A way for the current thread to sleep until woken.
pub(crate) trait Park {
    /// The handle other threads use to wake it.
    type Unpark: Unpark;

    /// A new wake handle.
    fn unpark(&self) -> Self::Unpark;

    /// Sleeps until unparked (returns at once if an unpark is pending).
    fn park(&mut self);

    /// Sleeps until unparked or `timeout` passes; a zero timeout only consumes a pending
    /// unpark.
    fn park_timeout(&mut self, timeout: Duration);
}

/// Wakes a parked thread; an unpark with nobody parked is remembered for the next park.
pub(crate) trait Unpark: Send + Sync + 'static {
    fn unpark(&self);
}

const EMPTY: usize = 0;
const PARKED: usize = 1;
const NOTIFIED: usize = 2;
/// Asleep in the I/O driver.
const PARKED_DRIVER: usize = 3;

/// The condvar parker (and, once created, the driver's: module docs).
#[derive(Debug)]
pub(crate) struct ParkThread {
    inner: Arc<Inner>,
}

/// The shared half of a [`ParkThread`].
#[derive(Debug, Clone)]
pub(crate) struct UnparkThread {
    inner: Arc<Inner>,
}

struct Inner {
    state: AtomicUsize,
    mutex: Mutex<()>,
    condvar: Condvar,
    /// The I/O driver, once created (rule 5).
    driver: OnceLock<LazyDriver>,
    /// Orders driver creation against shutdown; `true` once shut down (rule 5).
    driver_closed: Mutex<bool>,
    /// Events the driver collects per turn (`Builder::max_io_events_per_tick`).
    max_io_events: usize,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner")
            .field("state", &self.state)
            .field("driver", &self.driver.get().is_some())
            .finish_non_exhaustive()
    }
}

/// A parker's I/O driver: the poller, which only the parking thread polls (rule 3), and
/// the sides other threads use.
pub(crate) struct LazyDriver {
    driver: Mutex<Driver>,
    /// Ends the parker's wait in the driver.
    wake: DriverHandle,
    /// The registry side, for registrations from any thread.
    #[cfg(not(runtime_loom))]
    io: Arc<crate::io::registration::IoHandle>,
}

impl LazyDriver {
    #[cfg_attr(runtime_loom, allow(dead_code))] // reached through `driver`: models only
    fn new(max_events: usize) -> std::io::Result<LazyDriver> {
        let (driver, wake) = Driver::new(max_events)?;
        Ok(LazyDriver {
            #[cfg(not(runtime_loom))]
            io: driver.io().clone(),
            driver: Mutex::new(driver),
            wake,
        })
    }

    /// The registry side, for registrations from any thread.
    #[cfg(not(runtime_loom))]
    pub(crate) fn io(&self) -> &Arc<crate::io::registration::IoHandle> {
        &self.io
    }

    /// What an I/O event does to a parker asleep in the driver: ends the driver's wait
    /// and reaches nobody asleep on the condvar (for the models).
    #[cfg(all(test, runtime_loom))]
    pub(crate) fn simulate_event(&self) {
        self.wake.unpark();
    }
}

impl ParkThread {
    /// A parker whose driver, once created, collects the default number of events per
    /// turn.
    pub(crate) fn new() -> ParkThread {
        ParkThread::with_io_events(crate::io::driver::EVENTS_PER_TICK)
    }

    /// A parker whose driver, once created, collects at most `max_io_events` events per
    /// turn.
    pub(crate) fn with_io_events(max_io_events: usize) -> ParkThread {
        ParkThread {
            inner: Arc::new(Inner {
                state: AtomicUsize::new(EMPTY),
                mutex: Mutex::new(()),
                condvar: Condvar::new(),
                driver: OnceLock::new(),
                driver_closed: Mutex::new(false),
                max_io_events,
            }),
        }
    }

    fn park_any(&mut self, timeout: Option<Duration>) {
        if let Some(driver) = self.inner.driver.get() {
            match timeout {
                // Under a millisecond: the condvar, which is exact (rule 4).
                Some(t) if !t.is_zero() && t < Duration::from_millis(1) => {}
                Some(t) if t.is_zero() => return self.inner.poll_driver(driver),
                Some(t) => {
                    let whole_ms = Duration::from_millis(t.as_millis() as u64);
                    return self.inner.park_driver(driver, Some(whole_ms));
                }
                None => return self.inner.park_driver(driver, None),
            }
        }
        self.inner.park(timeout);
    }
}

impl Park for ParkThread {
    type Unpark = UnparkThread;

    fn unpark(&self) -> UnparkThread {
        UnparkThread {
            inner: self.inner.clone(),
        }
    }

    fn park(&mut self) {
        self.park_any(None);
    }

    fn park_timeout(&mut self, timeout: Duration) {
        self.park_any(Some(timeout));
    }
}

impl Inner {
    fn park(&self, timeout: Option<Duration>) {
        // Fast path: consume a pending unpark.
        if self
            .state
            .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
            .is_ok()
        {
            return;
        }
        if timeout == Some(Duration::ZERO) {
            return;
        }
        let mut guard = self.mutex.lock();
        match self.state.compare_exchange(EMPTY, PARKED, SeqCst, SeqCst) {
            Ok(_) => {}
            Err(NOTIFIED) => {
                // Unparked between the fast path and the lock.
                let old = self.state.swap(EMPTY, SeqCst);
                debug_assert_eq!(old, NOTIFIED);
                return;
            }
            Err(actual) => crate::util::abort::abort_on_broken_invariant(if actual == PARKED {
                "two threads parked on one parker"
            } else {
                "parker state corrupt"
            }),
        }
        match timeout {
            None => loop {
                self.condvar.wait(&mut guard);
                if self
                    .state
                    .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
                    .is_ok()
                {
                    return;
                }
                // Spurious wakeup: keep waiting.
            },
            Some(t) => {
                self.condvar.wait_timeout(&mut guard, t);
                // Timed out or notified: either way leave PARKED, consuming a token.
                self.state.swap(EMPTY, SeqCst);
            }
        }
    }

    /// A zero-timeout park with a driver: consume a pending unpark, and collect what is
    /// ready if sources are registered (rule 4).
    fn poll_driver(&self, driver: &LazyDriver) {
        let _ = self.state.compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst);
        let mut driver = driver.driver.lock();
        if driver.has_sources() {
            driver.park(Some(Duration::ZERO));
        }
    }

    /// Sleeps in the driver until unparked, an event, or `timeout` (rules 2 and 4).
    fn park_driver(&self, driver: &LazyDriver, timeout: Option<Duration>) {
        match self
            .state
            .compare_exchange(EMPTY, PARKED_DRIVER, SeqCst, SeqCst)
        {
            Ok(_) => {}
            Err(NOTIFIED) => {
                self.state.swap(EMPTY, SeqCst);
                return;
            }
            Err(_) => crate::util::abort::abort_on_broken_invariant("parker state corrupt"),
        }
        driver.driver.lock().park(timeout);
        // Woken, an event, or the timeout: leave PARKED_DRIVER, consuming a token.
        self.state.swap(EMPTY, SeqCst);
    }

    fn unpark(&self) {
        match self.state.swap(NOTIFIED, SeqCst) {
            EMPTY | NOTIFIED => {}
            // The parker saw the driver before its exchange, which this swap read.
            PARKED_DRIVER => match self.driver.get() {
                Some(driver) => driver.wake.unpark(),
                None => crate::util::abort::abort_on_broken_invariant(
                    "parked in a driver the parker does not have",
                ),
            },
            PARKED => {
                // Take the lock so the notify cannot slip in between the parker's state
                // change and its wait.
                drop(self.mutex.lock());
                self.condvar.notify_one();
            }
            _ => crate::util::abort::abort_on_broken_invariant("parker state corrupt"),
        }
    }
}

impl UnparkThread {
    /// The parker's I/O driver, created by the first call (rule 5). Fails if none exists
    /// when [`shutdown_driver`](Self::shutdown_driver) has run (one that exists was shut
    /// down there and refuses registrations), or if the OS refuses a poller.
    #[cfg_attr(runtime_loom, allow(dead_code))] // the I/O paths are not built under loom
    pub(crate) fn driver(&self) -> std::io::Result<&LazyDriver> {
        if let Some(driver) = self.inner.driver.get() {
            return Ok(driver);
        }
        {
            let closed = self.inner.driver_closed.lock();
            if *closed {
                return Err(crate::io::scheduled_io::shutdown_error());
            }
            // Another thread may have created it while this one waited for the lock.
            if self.inner.driver.get().is_none() {
                let created = LazyDriver::new(self.inner.max_io_events)?;
                if self.inner.driver.set(created).is_err() {
                    crate::util::abort::abort_on_broken_invariant(
                        "the I/O driver was created twice",
                    );
                }
                drop(closed);
                // Rule 5: a parker asleep on the condvar comes back to sleep in the driver.
                self.inner.unpark();
            }
        }
        Ok(self.inner.driver.get().expect("created above or before"))
    }

    /// Whether the driver was created.
    #[cfg(all(test, not(runtime_loom)))]
    pub(crate) fn has_driver(&self) -> bool {
        self.inner.driver.get().is_some()
    }

    /// At shutdown: no driver is created from now on (rule 5); the pending I/O waits of
    /// the one that exists fail with the shutdown error and it refuses new registrations.
    /// Returns whether a driver existed.
    pub(crate) fn shutdown_driver(&self) -> bool {
        *self.inner.driver_closed.lock() = true;
        match self.inner.driver.get() {
            Some(_driver) => {
                #[cfg(not(runtime_loom))]
                _driver.io.shutdown();
                true
            }
            None => false,
        }
    }

    /// A `Waker` that unparks this thread.
    pub(crate) fn into_waker(self) -> std::task::Waker {
        std::task::Waker::from(std::sync::Arc::new(ThreadWaker(self)))
    }

    /// Whether both handles wake the same parker.
    pub(crate) fn same_as(&self, other: &UnparkThread) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Unpark for UnparkThread {
    fn unpark(&self) {
        self.inner.unpark();
    }
}

/// Wakes a parked thread (a thread in `block_on`).
struct ThreadWaker(UnparkThread);

impl std::task::Wake for ThreadWaker {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.unpark();
    }
    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        self.0.unpark();
    }
}
