//! [`ExitLatch`]: counts threads that have not finished yet; a shutdown waits on it, up to
//! a deadline, instead of polling `JoinHandle::is_finished` in a sleep loop.
//!
//! # Protocol
//!
//! 1. `count` is set (or raised with [`ExitLatch::add`]) before a thread that will count
//!    down exists, so the waiter never sees 0 while one is still to come.
//! 2. The thread that brings `count` to 0 takes the lock and notifies. The waiter checks
//!    `count` under the same lock before each wait, so the notify is either seen as the
//!    count (checked after it) or wakes the wait (that started before it): never lost.
//! 3. One waiter at a time (a runtime shuts down once), so `notify_one` suffices.
use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};
use crate::loom::sync::{Condvar, Mutex};
use std::time::Instant;

/// A count of running threads that a shutdown can wait on with a deadline.
pub(crate) struct ExitLatch {
    count: AtomicUsize,
    lock: Mutex<()>,
    exited: Condvar,
}

impl ExitLatch {
    /// A latch counting no thread yet.
    pub(crate) fn new() -> ExitLatch {
        ExitLatch {
            count: AtomicUsize::new(0),
            lock: Mutex::new(()),
            exited: Condvar::new(),
        }
    }

    /// One more thread to wait for (before it starts, rule 1).
    pub(crate) fn add(&self) {
        self.count.fetch_add(1, AcqRel);
    }

    /// A counted thread is done (or never started); the last one wakes the waiter.
    pub(crate) fn count_down(&self) {
        if self.count.fetch_sub(1, AcqRel) == 1 {
            // Rule 2: under the lock, so a waiter between its check and its wait cannot
            // miss this.
            let _guard = self.lock.lock();
            self.exited.notify_one();
        }
    }

    /// Threads still counted.
    pub(crate) fn remaining(&self) -> usize {
        self.count.load(Acquire)
    }

    /// Waits until every counted thread is done, or `deadline` passes (`None`: no
    /// deadline). `true` when they are all done.
    pub(crate) fn wait(&self, deadline: Option<Instant>) -> bool {
        let mut guard = self.lock.lock();
        while self.count.load(Acquire) > 0 {
            match deadline {
                None => self.exited.wait(&mut guard),
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return false;
                    }
                    self.exited.wait_timeout(&mut guard, left);
                }
            }
        }
        true
    }
}

impl std::fmt::Debug for ExitLatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExitLatch")
            .field("remaining", &self.remaining())
            .finish()
    }
}

#[cfg(all(test, runtime_loom))]
mod tests {
    use super::ExitLatch;
    use crate::loom::model;
    use crate::loom::sync::Arc;
    use crate::loom::thread;

    /// Two threads count down while the shutdown waits: the waiter always returns
    /// (no lost notify, rule 2) and only after both are done.
    #[test]
    fn loom_exit_latch_wait_sees_the_last_exit() {
        model(|| {
            let latch = Arc::new(ExitLatch::new());
            latch.add();
            latch.add();
            let threads: Vec<_> = (0..2)
                .map(|_| {
                    let l = latch.clone();
                    thread::spawn(move || l.count_down())
                })
                .collect();
            assert!(latch.wait(None));
            assert_eq!(latch.remaining(), 0);
            for t in threads {
                t.join().unwrap();
            }
        });
    }
}

#[cfg(all(test, not(runtime_loom)))]
mod std_tests {
    use super::ExitLatch;
    use std::time::{Duration, Instant};

    /// (The wake by the last exit is the loom model above and the shutdown tests in
    /// `tests/rt_shutdown_deadline.rs`.)
    #[test]
    fn wait_times_out_at_the_deadline_and_returns_once_all_are_done() {
        let latch = ExitLatch::new();
        latch.add();
        latch.add();
        let t = Instant::now();
        assert!(!latch.wait(Some(t + Duration::from_millis(30))));
        assert!(t.elapsed() >= Duration::from_millis(30));
        latch.count_down();
        assert_eq!(latch.remaining(), 1);
        assert!(!latch.wait(Some(Instant::now())));
        latch.count_down();
        assert!(latch.wait(Some(Instant::now())));
        assert!(latch.wait(None));
    }
}
