//! Parking a worker: on the driver if it is free, else on a condvar.
//!
//! Each worker has a token state (`EMPTY`, `PARKED_CONDVAR`, `PARKED_DRIVER`,
//! `NOTIFIED`). A parking worker first tries to take the shared driver; the one that gets
//! it sleeps until the next timer's deadline (so timers and I/O are served while
//! everybody sleeps), the others wait on their own condvar with no timeout. `unpark`
//! swaps in `NOTIFIED` and then wakes whichever way the worker sleeps, so an unpark that
//! lands before, during or after the park is never lost (`loom_mt_park_*`). Exactly one
//! worker owns the driver at a time: the `try_lock` guard is the ownership, and it is
//! dropped before the worker runs anything (`loom_mt_driver_single_owner`).
//!
//! # How the driver's owner sleeps
//!
//! It blocks in `mio::Poll`, whose timeout has millisecond granularity: it is rounded
//! down there, and the last sub-millisecond stretch is waited on [`DriverWake`]'s
//! condvar, whose timed wait is exact to the futex's slack. So a lone timer fires
//! within tens of microseconds of its deadline, not a millisecond late. (Waiting on the
//! condvar for the whole stretch was tried: waking a worker through it made
//! `chained_spawn`, which moves a task between two workers at every link, twice as
//! slow as waking the poller's eventfd.)
//!
//! # Timers registered while the owner sleeps
//!
//! The owner publishes `sleep_until` (`u64::MAX` first, then the deadline it read) and
//! only then reads the next deadline; a registration publishes its shard's deadline and
//! only then reads `sleep_until` (the timer crate's unpark hook,
//! [`DriverWake::timer_registered`]), and wakes the owner if it sleeps past the new
//! deadline. Both sides are SeqCst with fences, so one sees the other
//! (`loom_mt_timer_registration_wakes_parked_driver`). A registration on one of the
//! runtime's own workers defers that check to the moment the worker parks without the
//! driver (it fires due timers itself until then), with the same fences
//! (`loom_mt_worker_registration_wakes_parked_driver_at_park`).
use crate::io::driver::{Driver, DriverHandle};
use crate::loom::sync::atomic::{fence, AtomicU64, AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::{Arc, Condvar, Mutex};
use crate::util::abort::abort_on_broken_invariant;
use runtime_timer::{Clock, Instant, TimeHandle};
use std::time::Duration;

const EMPTY: usize = 0;
const PARKED_CONDVAR: usize = 1;
const PARKED_DRIVER: usize = 2;
const NOTIFIED: usize = 3;

/// `DriverWake::mode`: the owner waits on the condvar.
const MODE_TIMED: usize = 0;
/// `DriverWake::mode`: the owner blocks in `mio::Poll`.
const MODE_POLL: usize = 1;

/// `sleep_until` when nobody sleeps on the driver.
const NOT_SLEEPING: u64 = 0;
/// `sleep_until` while the owner sleeps without a deadline (or is reading it).
const NO_DEADLINE: u64 = u64::MAX;

crate::loom::thread_local! {
    /// The [`DriverWake`] (its address) of the runtime whose worker this thread is, or 0.
    static ON_WORKER_OF: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Marks this thread as a worker of the runtime whose driver is `shared` until the
/// guard drops (see [`DriverWake::timer_registered`]).
pub(crate) fn enter_worker(shared: &SharedDriver) -> WorkerGuard {
    let prev = ON_WORKER_OF.with(|w| w.replace(Arc::as_ptr(&shared.wake) as usize));
    WorkerGuard { prev }
}

/// Restores the previous worker mark.
pub(crate) struct WorkerGuard {
    prev: usize,
}

impl Drop for WorkerGuard {
    fn drop(&mut self) {
        let _ = ON_WORKER_OF.try_with(|w| w.set(self.prev));
    }
}

/// The driver, its waker and the runtime's time, shared by all workers of a runtime.
pub(crate) struct SharedDriver {
    driver: Mutex<Driver>,
    wake: Arc<DriverWake>,
    /// The driver's registry side (none under loom, which has no real poller).
    #[cfg(not(runtime_loom))]
    io: Arc<crate::io::registration::IoHandle>,
    time: TimeHandle,
}

/// Interrupts the driver's owner, however it sleeps.
pub(crate) struct DriverWake {
    handle: DriverHandle,
    /// Until when (ns after `base`) the owner sleeps: [`NOT_SLEEPING`], [`NO_DEADLINE`],
    /// or the deadline it read.
    sleep_until: AtomicU64,
    base: Instant,
    /// Set by [`wake`](Self::wake), cleared by the owner when its wait ends.
    woken: Mutex<bool>,
    timed: Condvar,
    /// [`MODE_TIMED`] or [`MODE_POLL`].
    mode: AtomicUsize,
}

impl DriverWake {
    fn ns(&self, instant: Instant) -> u64 {
        let ns = instant.saturating_duration_since(self.base).as_nanos();
        u64::try_from(ns).unwrap_or(NO_DEADLINE - 1).max(1)
    }

    /// Ends the owner's current wait (or its next one, if it is about to wait).
    fn wake(&self) {
        *self.woken.lock() = true;
        self.timed.notify_one();
        // Pairs with the fence in `wait_poll`: it sees `woken`, or we see its mode.
        fence(SeqCst);
        if self.mode.load(SeqCst) == MODE_POLL {
            self.handle.unpark();
        }
    }

    /// The timer crate's unpark hook: a shard's next deadline became `deadline`.
    ///
    /// On one of this runtime's own workers the wake waits until that worker parks
    /// ([`Parker::park`] checks the deadlines then): until it does, it fires due timers
    /// itself every `event_interval` polls, and sparing the eventfd write keeps a
    /// registration as cheap as the registering itself (`timeout_churn`).
    pub(crate) fn timer_registered(&self, deadline: Instant) {
        if ON_WORKER_OF.with(|w| w.get()) == self as *const DriverWake as usize {
            return;
        }
        self.wake_if_sleeping_past(deadline);
    }

    /// Wakes the driver's owner if it sleeps past `deadline`.
    fn wake_if_sleeping_past(&self, deadline: Instant) {
        // Pairs with the fence in `SharedDriver::sleep` (module docs).
        fence(SeqCst);
        let until = self.sleep_until.load(SeqCst);
        if until != NOT_SLEEPING && self.ns(deadline) < until {
            self.wake();
        }
    }

    /// Sleeps on the condvar until woken or `timeout` passes.
    fn wait_timed(&self, timeout: Option<Duration>) {
        self.mode.store(MODE_TIMED, SeqCst);
        let mut woken = self.woken.lock();
        if !*woken {
            match timeout {
                Some(t) => {
                    self.timed.wait_timeout(&mut woken, t);
                }
                None => self.timed.wait(&mut woken),
            }
        }
        *woken = false;
    }

    /// Blocks in the poller until woken, an event, or `timeout` (whole milliseconds).
    fn wait_poll(&self, driver: &mut Driver, timeout: Option<Duration>) {
        self.mode.store(MODE_POLL, SeqCst);
        fence(SeqCst);
        {
            let mut woken = self.woken.lock();
            if *woken {
                *woken = false;
                return;
            }
        }
        driver.park(timeout);
        *self.woken.lock() = false;
    }
}

impl SharedDriver {
    /// The driver of a runtime with `shards` timer shards on `clock`.
    /// Its I/O driver collects at most `max_io_events` events per turn.
    pub(crate) fn new(
        clock: Clock,
        shards: usize,
        max_io_events: usize,
    ) -> std::io::Result<Arc<SharedDriver>> {
        let (driver, handle) = Driver::new(max_io_events)?;
        #[cfg(not(runtime_loom))]
        let io = driver.io().clone();
        let wake = Arc::new(DriverWake {
            handle,
            sleep_until: AtomicU64::new(NOT_SLEEPING),
            base: clock.now(),
            woken: Mutex::new(false),
            timed: Condvar::new(),
            mode: AtomicUsize::new(MODE_TIMED),
        });
        let hook = wake.clone();
        let time = TimeHandle::new(clock, shards, false, move |deadline| {
            hook.timer_registered(deadline)
        });
        Ok(Arc::new(SharedDriver {
            driver: Mutex::new(driver),
            wake,
            #[cfg(not(runtime_loom))]
            io,
            time,
        }))
    }

    /// The runtime's time.
    pub(crate) fn time(&self) -> &TimeHandle {
        &self.time
    }

    /// The driver's registry side, for registering sources from any thread.
    #[cfg(not(runtime_loom))]
    pub(crate) fn io(&self) -> &Arc<crate::io::registration::IoHandle> {
        &self.io
    }

    /// Registered I/O sources. While zero, busy workers skip the non-blocking poll (a
    /// syscall).
    fn io_sources(&self) -> usize {
        #[cfg(not(runtime_loom))]
        return self.io.registered();
        #[cfg(runtime_loom)]
        return 0;
    }

    /// Whether anything is registered that the driver must watch: I/O sources or timers.
    pub(crate) fn has_interest(&self) -> bool {
        self.io_sources() > 0 || self.time.next_deadline().is_some()
    }

    /// A worker about to sleep without the driver: the timers it registered did not
    /// wake the driver's owner (see [`DriverWake::timer_registered`]), so it must not
    /// sleep past them now.
    pub(crate) fn before_sleeping_without_driver(&self) {
        if let Some(deadline) = self.time.next_deadline() {
            self.wake.wake_if_sleeping_past(deadline);
        }
    }

    /// Sleeps, as the driver's owner, until woken or the next timer's deadline.
    fn sleep(&self, driver: &mut Driver) {
        let wake = &*self.wake;
        wake.sleep_until.swap(NO_DEADLINE, SeqCst);
        fence(SeqCst);
        let deadline = self.time.next_deadline();
        let timeout = deadline.map(|d| d.saturating_duration_since(self.time.now()));
        if timeout.is_some_and(|t| t.is_zero()) {
            // A timer is due: return at once and fire it.
            wake.sleep_until.store(NOT_SLEEPING, SeqCst);
            return;
        }
        if let Some(deadline) = deadline {
            wake.sleep_until.store(wake.ns(deadline), SeqCst);
        }
        match timeout {
            Some(t) if t < Duration::from_millis(1) => wake.wait_timed(Some(t)),
            // mio rounds up to whole milliseconds: round down, and the rest of the wait
            // happens on the condvar at the next park.
            Some(t) => wake.wait_poll(driver, Some(Duration::from_millis(t.as_millis() as u64))),
            None => wake.wait_poll(driver, None),
        }
        wake.sleep_until.store(NOT_SLEEPING, SeqCst);
    }
}

/// A worker's sleeping end.
pub(crate) struct Parker {
    inner: Arc<Inner>,
}

/// Wakes one worker.
#[derive(Clone)]
pub(crate) struct Unparker {
    inner: Arc<Inner>,
}

struct Inner {
    state: AtomicUsize,
    mutex: Mutex<()>,
    condvar: Condvar,
    shared: Arc<SharedDriver>,
}

impl Parker {
    pub(crate) fn new(shared: Arc<SharedDriver>) -> Parker {
        Parker {
            inner: Arc::new(Inner {
                state: AtomicUsize::new(EMPTY),
                mutex: Mutex::new(()),
                condvar: Condvar::new(),
                shared,
            }),
        }
    }

    pub(crate) fn unparker(&self) -> Unparker {
        Unparker {
            inner: self.inner.clone(),
        }
    }

    /// Sleeps until unparked (or, when holding the driver, until an event or the next
    /// timer's deadline). Returns `true` when it slept on the driver, which it has now
    /// let go of.
    pub(crate) fn park(&mut self) -> bool {
        let inner = &*self.inner;
        if inner
            .state
            .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
            .is_ok()
        {
            return false;
        }
        if let Some(mut driver) = inner.shared.driver.try_lock() {
            inner.park_driver(&mut driver);
            true
        } else {
            inner.shared.before_sleeping_without_driver();
            inner.park_condvar();
            false
        }
    }

    /// Polls the driver without blocking, if it watches I/O sources and nobody holds it.
    pub(crate) fn poll_driver(&mut self) {
        if self.inner.shared.io_sources() == 0 {
            return;
        }
        if let Some(mut driver) = self.inner.shared.driver.try_lock() {
            driver.park(Some(Duration::ZERO));
        }
    }

    /// The shared driver.
    pub(crate) fn shared(&self) -> &SharedDriver {
        &self.inner.shared
    }
}

impl Inner {
    fn park_driver(&self, driver: &mut Driver) {
        match self
            .state
            .compare_exchange(EMPTY, PARKED_DRIVER, SeqCst, SeqCst)
        {
            Ok(_) => {}
            Err(NOTIFIED) => {
                self.state.swap(EMPTY, SeqCst);
                return;
            }
            Err(_) => abort_on_broken_invariant("worker parker state corrupt (driver)"),
        }
        self.shared.sleep(driver);
        match self.state.swap(EMPTY, SeqCst) {
            NOTIFIED | PARKED_DRIVER => {}
            _ => abort_on_broken_invariant("worker parker state corrupt after driver park"),
        }
    }

    fn park_condvar(&self) {
        let mut guard = self.mutex.lock();
        match self
            .state
            .compare_exchange(EMPTY, PARKED_CONDVAR, SeqCst, SeqCst)
        {
            Ok(_) => {}
            Err(NOTIFIED) => {
                self.state.swap(EMPTY, SeqCst);
                return;
            }
            Err(_) => abort_on_broken_invariant("worker parker state corrupt (condvar)"),
        }
        loop {
            self.condvar.wait(&mut guard);
            if self
                .state
                .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
                .is_ok()
            {
                return;
            }
        }
    }
}

impl Unparker {
    pub(crate) fn unpark(&self) {
        let inner = &*self.inner;
        match inner.state.swap(NOTIFIED, SeqCst) {
            EMPTY | NOTIFIED => {}
            PARKED_CONDVAR => {
                drop(inner.mutex.lock());
                inner.condvar.notify_one();
            }
            PARKED_DRIVER => inner.shared.wake.wake(),
            _ => abort_on_broken_invariant("worker parker state corrupt (unpark)"),
        }
    }
}
