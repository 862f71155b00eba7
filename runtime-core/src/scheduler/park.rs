//! Parking: how an idle runtime thread sleeps until there is work.
//!
//! [`Park`] is the small trait the schedulers sleep through, so the I/O driver (mio) and
//! loom's stand-ins can take its place. [`ParkThread`] is the condvar parker: a token
//! state machine (`EMPTY`, `PARKED`, `NOTIFIED`) under which an `unpark` that arrives
//! before `park` is never lost (`loom_park_*` models).
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

/// The condvar parker.
#[derive(Debug)]
pub(crate) struct ParkThread {
    inner: Arc<Inner>,
}

/// The shared half of a [`ParkThread`].
#[derive(Debug, Clone)]
pub(crate) struct UnparkThread {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    state: AtomicUsize,
    mutex: Mutex<()>,
    condvar: Condvar,
}

impl ParkThread {
    pub(crate) fn new() -> ParkThread {
        ParkThread {
            inner: Arc::new(Inner {
                state: AtomicUsize::new(EMPTY),
                mutex: Mutex::new(()),
                condvar: Condvar::new(),
            }),
        }
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
        self.inner.park(None);
    }

    fn park_timeout(&mut self, timeout: Duration) {
        self.inner.park(Some(timeout));
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

    fn unpark(&self) {
        match self.state.swap(NOTIFIED, SeqCst) {
            EMPTY | NOTIFIED => {}
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
