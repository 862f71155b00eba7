//! Parking: how an idle runtime thread sleeps until there is work.
//!
//! [`Park`] is the small trait the schedulers sleep through, so the I/O driver (mio) and
//! loom's stand-ins can take its place. [`ParkThread`] is the condvar parker: a token
//! state machine (`EMPTY`, `PARKED`, `NOTIFIED`) under which an `unpark` that arrives
//! before `park` is never lost (`loom_park_*` models).
//!
//! The current-thread runtime's parker also owns its I/O driver
//! ([`ParkThread::with_driver`]). While sources are registered it sleeps in the driver
//! instead (state `PARKED_DRIVER`; `unpark` then writes the driver's `mio::Waker`), for
//! the timeout rounded down to whole milliseconds (mio's granularity); a rest under a
//! millisecond is slept on the condvar at the next park, so timers stay exact. A zero
//! timeout polls the driver without blocking. The same token rules as the condvar path:
//! an unpark before the `EMPTY -> PARKED_DRIVER` exchange is consumed there, one after
//! it wakes the poller. (Loom's driver stand-in registers nothing, so under loom this
//! path is never taken.)
use crate::io::driver::{Driver, DriverHandle};
use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::{Arc, Condvar, Mutex};
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

/// The condvar parker (and, with [`with_driver`](ParkThread::with_driver), the driver's).
pub(crate) struct ParkThread {
    inner: Arc<Inner>,
    /// The I/O driver this thread sleeps in while sources are registered.
    driver: Option<Driver>,
}

impl std::fmt::Debug for ParkThread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParkThread")
            .field("inner", &self.inner)
            .field("driver", &self.driver.is_some())
            .finish()
    }
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
    /// Wakes the driver's poller (with a driver only).
    driver_wake: Option<DriverHandle>,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner")
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl ParkThread {
    pub(crate) fn new() -> ParkThread {
        ParkThread::build(None, None)
    }

    /// A parker that sleeps in `driver` while it has registered sources (module docs).
    pub(crate) fn with_driver(driver: Driver, wake: DriverHandle) -> ParkThread {
        ParkThread::build(Some(driver), Some(wake))
    }

    fn build(driver: Option<Driver>, driver_wake: Option<DriverHandle>) -> ParkThread {
        ParkThread {
            inner: Arc::new(Inner {
                state: AtomicUsize::new(EMPTY),
                mutex: Mutex::new(()),
                condvar: Condvar::new(),
                driver_wake,
            }),
            driver,
        }
    }

    fn park_any(&mut self, timeout: Option<Duration>) {
        if let Some(driver) = self.driver.as_mut().filter(|d| d.has_sources()) {
            match timeout {
                // Under a millisecond: the condvar, which is exact (module docs).
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

    /// A zero-timeout park with sources registered: consume a pending unpark, collect
    /// what is ready.
    fn poll_driver(&self, driver: &mut Driver) {
        let _ = self.state.compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst);
        driver.park(Some(Duration::ZERO));
    }

    /// Sleeps in the driver until unparked, an event, or `timeout` (module docs).
    fn park_driver(&self, driver: &mut Driver, timeout: Option<Duration>) {
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
        driver.park(timeout);
        // Woken, an event, or the timeout: leave PARKED_DRIVER, consuming a token.
        self.state.swap(EMPTY, SeqCst);
    }

    fn unpark(&self) {
        match self.state.swap(NOTIFIED, SeqCst) {
            EMPTY | NOTIFIED => {}
            PARKED_DRIVER => match &self.driver_wake {
                Some(wake) => wake.unpark(),
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
