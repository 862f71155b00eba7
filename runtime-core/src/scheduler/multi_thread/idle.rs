//! Which workers sleep, which search, and whom to wake.
//!
//! One atomic word counts *searching* workers (low 16 bits) and *unparked* workers (the
//! rest); a mutex-guarded list names the sleepers. The protocol (the shape of tokio's
//! `idle.rs`):
//!
//! 1. Whoever makes work available (spawn, wake, steal success) calls
//!    [`Idle::worker_to_notify`]. It wakes a sleeper only when nobody is searching and
//!    someone sleeps: a searcher will find the work anyway, so no herd.
//! 2. A woken worker starts *searching* (the notifier counted it as searching and
//!    unparked in one step, under the sleepers lock).
//! 3. At most half the workers search at once ([`Idle::transition_worker_to_searching`]).
//! 4. A searcher that finds work stops searching; if it was the last searcher it wakes one
//!    more ([`Idle::transition_worker_from_searching`] returns `true`), so work that
//!    arrived while everybody was busy is still picked up.
//! 5. A worker going to sleep that was the last searcher re-checks every queue before it
//!    sleeps (the caller does, when [`Idle::transition_worker_to_parked`] returns `true`).
//!
//! Rules 1 and 5 meet through SeqCst: the notifier publishes work and then reads the
//! counts after a SeqCst fence; the parker updates the counts with a SeqCst RMW and then
//! reads the queues. One of them sees the other, so no wakeup is lost
//! (`loom_idle_*` models).
//!
//! The same word tells the monitor when every worker sleeps: the RMW that moves the
//! unparked count off zero reports it ([`Unparked::first`]), and its caller wakes the
//! monitor if that sleeps (`monitor.rs`).
use crate::loom::sync::atomic::{fence, AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::Mutex;

const UNPARK_SHIFT: usize = 16;
const UNPARK_ONE: usize = 1 << UNPARK_SHIFT;
const SEARCH_MASK: usize = UNPARK_ONE - 1;

/// A worker taken off the sleepers list and counted unparked.
#[derive(Clone, Copy, Debug)]
#[must_use = "a first unparked worker must be reported to the monitor"]
pub(crate) struct Unparked {
    pub(crate) worker: usize,
    /// Every worker was parked until this one: the caller must call
    /// `Monitor::worker_unparked` (the monitor may sleep).
    pub(crate) first: bool,
}

impl Unparked {
    fn new(worker: usize, prev_state: usize) -> Unparked {
        Unparked {
            worker,
            first: prev_state >> UNPARK_SHIFT == 0,
        }
    }
}

pub(crate) struct Idle {
    state: AtomicUsize,
    num_workers: usize,
    sleepers: Mutex<Vec<usize>>,
}

impl Idle {
    /// All `num_workers` start unparked and not searching.
    pub(crate) fn new(num_workers: usize) -> Idle {
        assert!(num_workers < SEARCH_MASK, "too many workers");
        Idle {
            state: AtomicUsize::new(num_workers << UNPARK_SHIFT),
            num_workers,
            sleepers: Mutex::new(Vec::with_capacity(num_workers)),
        }
    }

    /// Rule 1: the worker to wake for new work, already counted as unparked and
    /// searching; `None` when a searcher exists or nobody sleeps.
    pub(crate) fn worker_to_notify(&self) -> Option<Unparked> {
        if !self.notify_should_wakeup() {
            return None;
        }
        let mut sleepers = self.sleepers.lock();
        // Re-check under the lock: a racing notifier may have woken the last sleeper.
        if !self.notify_should_wakeup() {
            return None;
        }
        let worker = sleepers.pop()?;
        let prev = self.state.fetch_add(UNPARK_ONE | 1, SeqCst);
        Some(Unparked::new(worker, prev))
    }

    fn notify_should_wakeup(&self) -> bool {
        fence(SeqCst);
        let s = self.state.load(SeqCst);
        s & SEARCH_MASK == 0 && (s >> UNPARK_SHIFT) < self.num_workers
    }

    /// Rule 5: `worker` goes to sleep. Returns `true` when it was the last searcher; the
    /// caller must then check the queues for work that may need another worker.
    pub(crate) fn transition_worker_to_parked(&self, worker: usize, is_searching: bool) -> bool {
        let mut sleepers = self.sleepers.lock();
        let dec = UNPARK_ONE | usize::from(is_searching);
        let prev = self.state.fetch_sub(dec, SeqCst);
        sleepers.push(worker);
        is_searching && prev & SEARCH_MASK == 1
    }

    /// Rule 3: may this worker start searching?
    pub(crate) fn transition_worker_to_searching(&self) -> bool {
        let s = self.state.load(SeqCst);
        if 2 * (s & SEARCH_MASK) >= self.num_workers {
            return false;
        }
        // Several may pass the check at once; the bound is a soft one, like tokio's.
        self.state.fetch_add(1, SeqCst);
        true
    }

    /// Rule 4: a searcher found work. Returns `true` when it was the last searcher.
    pub(crate) fn transition_worker_from_searching(&self) -> bool {
        let prev = self.state.fetch_sub(1, SeqCst);
        debug_assert!(prev & SEARCH_MASK > 0, "searching count underflow");
        prev & SEARCH_MASK == 1
    }

    /// A sleeper woke without being notified (a timeout or driver event): take it off the
    /// sleepers list and count it unparked. `None` when it was not in the list (a
    /// notifier took it off and counted it).
    pub(crate) fn unpark_worker_by_id(&self, worker: usize) -> Option<Unparked> {
        let mut sleepers = self.sleepers.lock();
        let i = sleepers.iter().position(|&w| w == worker)?;
        sleepers.swap_remove(i);
        let prev = self.state.fetch_add(UNPARK_ONE, SeqCst);
        Some(Unparked::new(worker, prev))
    }

    /// Whether `worker` is on the sleepers list.
    pub(crate) fn is_parked(&self, worker: usize) -> bool {
        self.sleepers.lock().contains(&worker)
    }

    /// Searching workers right now (for the loom models).
    #[cfg(all(test, runtime_loom))]
    pub(crate) fn num_searching(&self) -> usize {
        self.state.load(SeqCst) & SEARCH_MASK
    }

    /// Unparked workers right now (SeqCst: the monitor's side of its handshake).
    pub(crate) fn num_unparked(&self) -> usize {
        self.state.load(SeqCst) >> UNPARK_SHIFT
    }
}
