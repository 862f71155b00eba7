//! Parking a worker: on the I/O driver if it is free, else on a condvar.
//!
//! Each worker has a token state (`EMPTY`, `PARKED_CONDVAR`, `PARKED_DRIVER`,
//! `NOTIFIED`). A parking worker first tries to take the shared driver; the one that gets
//! it blocks in `mio::Poll` (so timers and I/O are served while everybody sleeps), the
//! others wait on their own condvar. `unpark` swaps in `NOTIFIED` and then wakes whichever
//! way the worker sleeps, so an unpark that lands before, during or after the park is
//! never lost (`loom_mt_park_*`). Exactly one worker owns the driver at a time: the
//! `try_lock` guard is the ownership, and it is dropped before the worker runs anything
//! (`loom_mt_driver_single_owner`).
use crate::io::driver::{Driver, DriverHandle};
use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::{Arc, Condvar, Mutex};
use crate::util::abort::abort_on_broken_invariant;
use std::time::Duration;

const EMPTY: usize = 0;
const PARKED_CONDVAR: usize = 1;
const PARKED_DRIVER: usize = 2;
const NOTIFIED: usize = 3;

/// The driver and its waker, shared by all workers of a runtime.
pub(crate) struct SharedDriver {
    driver: Mutex<Driver>,
    handle: DriverHandle,
    /// Registered event sources and timers. While zero the driver has nothing to report
    /// but wakeups, so busy workers skip the non-blocking poll (a syscall) and a worker
    /// leaving the driver need not hand it on.
    interest: AtomicUsize,
}

impl SharedDriver {
    pub(crate) fn new() -> std::io::Result<Arc<SharedDriver>> {
        let (driver, handle) = Driver::new()?;
        Ok(Arc::new(SharedDriver {
            driver: Mutex::new(driver),
            handle,
            interest: AtomicUsize::new(0),
        }))
    }

    /// Whether anything is registered that the driver must watch.
    pub(crate) fn has_interest(&self) -> bool {
        self.interest.load(SeqCst) > 0
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

    /// Sleeps until unparked (or, when holding the driver, until an event or `timeout`).
    /// Returns `true` when it slept on the driver, which it has now let go of.
    pub(crate) fn park(&mut self, timeout: Option<Duration>) -> bool {
        let inner = &*self.inner;
        if inner
            .state
            .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
            .is_ok()
        {
            return false;
        }
        if let Some(mut driver) = inner.shared.driver.try_lock() {
            inner.park_driver(&mut driver, timeout);
            true
        } else {
            if timeout != Some(Duration::ZERO) {
                inner.park_condvar(timeout);
            }
            false
        }
    }

    /// Polls the driver without blocking, if it watches anything and nobody holds it.
    pub(crate) fn poll_driver(&mut self) {
        if !self.inner.shared.has_interest() {
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
            Err(_) => abort_on_broken_invariant("worker parker state corrupt (driver)"),
        }
        driver.park(timeout);
        match self.state.swap(EMPTY, SeqCst) {
            NOTIFIED | PARKED_DRIVER => {}
            _ => abort_on_broken_invariant("worker parker state corrupt after driver park"),
        }
    }

    fn park_condvar(&self, timeout: Option<Duration>) {
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
            },
            Some(t) => {
                self.condvar.wait_timeout(&mut guard, t);
                self.state.swap(EMPTY, SeqCst);
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
            PARKED_DRIVER => inner.shared.handle.unpark(),
            _ => abort_on_broken_invariant("worker parker state corrupt (unpark)"),
        }
    }
}
