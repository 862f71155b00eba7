//! Job probes: count how each job resolved, and wait for it.

use crate::loom::sync::{Arc, Condvar, Mutex};

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tally {
    /// Jobs that ran.
    pub(crate) runs: usize,
    /// Jobs dropped without running.
    pub(crate) drops: usize,
}

impl Tally {
    pub(crate) fn resolved(self) -> usize {
        self.runs + self.drops
    }
}

/// Counts runs and unrun drops of the jobs it makes; waiters block on a condvar,
/// so under loom a job that never resolves shows up as a deadlock.
#[derive(Debug, Clone)]
pub(crate) struct Probe {
    inner: Arc<(Mutex<Tally>, Condvar)>,
}

impl Probe {
    pub(crate) fn new() -> Self {
        Self {
            inner: Arc::new((Mutex::new(Tally::default()), Condvar::new())),
        }
    }

    /// A job that records whether it ran or was dropped unrun.
    pub(crate) fn job(&self) -> impl FnOnce() + Send + 'static {
        let guard = Guard {
            probe: self.clone(),
            ran: false,
        };
        move || {
            let mut guard = guard; // the whole guard, not just its fields
            guard.ran = true;
            guard.probe.record(|t| t.runs += 1);
        }
    }

    pub(crate) fn tally(&self) -> Tally {
        *self.inner.0.lock()
    }

    /// Blocks until `n` jobs resolved (ran or were dropped).
    pub(crate) fn wait_resolved(&self, n: usize) -> Tally {
        let (lock, cv) = &*self.inner;
        let mut tally = lock.lock();
        while tally.resolved() < n {
            cv.wait(&mut tally);
        }
        *tally
    }

    fn record(&self, f: impl FnOnce(&mut Tally)) {
        let (lock, cv) = &*self.inner;
        f(&mut lock.lock());
        cv.notify_all();
    }
}

struct Guard {
    probe: Probe,
    ran: bool,
}

impl Drop for Guard {
    fn drop(&mut self) {
        if !self.ran {
            self.probe.record(|t| t.drops += 1);
        }
    }
}
