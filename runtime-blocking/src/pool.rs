//! [`ThreadPool`], its metrics and [`ShutdownReport`].

use crate::builder::Builder;
use crate::error::{self, SubmitError};
use crate::loom::sync::atomic::Ordering;
use crate::loom::sync::Arc;
use crate::worker::Shared;
use std::fmt;
use std::io;
use std::time::Duration;

/// A pool of threads that runs blocking `FnOnce` jobs.
///
/// Threads start on demand, one per job that finds no idle thread, up to
/// `max_threads`; a thread beyond `min_threads` that stays idle for `keep_alive`
/// exits. Jobs wait in an unbounded FIFO queue when every thread is busy.
///
/// # Every job is run or dropped, exactly once
///
/// A job given to [`execute`](Self::execute) is never silently lost: it either
/// runs once on a pool thread, or it is *dropped without running*, once:
///
/// - `execute` after shutdown returns it in [`SubmitError`] (the caller drops it
///   or gets it back with `into_inner`);
/// - a job still queued at shutdown is dropped by [`shutdown`](Self::shutdown),
///   [`shutdown_timeout`](Self::shutdown_timeout) or the pool's `Drop`, and counted
///   in [`cancelled_jobs`](Self::cancelled_jobs).
///
/// So a job that owns a cancellation guard (`runtime-core` wraps each blocking
/// task so that dropping it unrun cancels the task) always resolves.
///
/// # Panics in jobs
///
/// A panicking job is caught; its thread survives and takes the next job. The
/// panic is counted in [`panicked_jobs`](Self::panicked_jobs) and its payload goes to
/// [`Builder::panic_handler`] if one is set.
///
/// # Shutdown
///
/// Dropping the pool shuts it down **without blocking**: queued jobs are dropped,
/// running ones finish in the background and their threads exit. To wait for
/// them, call [`shutdown_timeout`](Self::shutdown_timeout) first. (Called from a job
/// of the same pool, it counts that job as still running and waits the full
/// timeout.)
///
/// ```
/// use runtime_blocking::ThreadPool;
/// use std::sync::mpsc;
/// use std::time::Duration;
///
/// let pool = ThreadPool::new(2)?;
/// let (tx, rx) = mpsc::channel();
/// for i in 0..4 {
///     let tx = tx.clone();
///     pool.execute(move || tx.send(i * i).unwrap()).unwrap();
/// }
/// drop(tx);
/// let mut squares: Vec<i32> = rx.iter().collect();
/// squares.sort();
/// assert_eq!(squares, [0, 1, 4, 9]);
///
/// let report = pool.shutdown_timeout(Duration::from_secs(5));
/// assert_eq!(report.running(), 0);
/// assert!(pool.execute(|| ()).is_err());
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct ThreadPool {
    shared: Arc<Shared>,
}

/// What [`ThreadPool::shutdown_timeout`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShutdownReport {
    running: usize,
    cancelled: usize,
    timed_out: bool,
}

impl ShutdownReport {
    /// Jobs still running when the wait ended (0 unless it timed out). They keep
    /// running in the background; their threads exit when they return.
    pub fn running(&self) -> usize {
        self.running
    }

    /// Jobs that were queued but never ran, and were dropped unrun, since the pool
    /// was shut down (by any call).
    pub fn cancelled(&self) -> usize {
        self.cancelled
    }

    /// `true` when some pool thread was still alive at the deadline.
    pub fn timed_out(&self) -> bool {
        self.timed_out
    }
}

impl ThreadPool {
    /// A fixed-size pool of `threads` threads, all started now and kept until
    /// shutdown.
    ///
    /// # Errors
    ///
    /// `InvalidInput` when `threads` is 0; the OS error when a thread cannot start.
    ///
    /// ```
    /// use std::io::ErrorKind;
    ///
    /// let err = runtime_blocking::ThreadPool::new(0).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidInput);
    /// ```
    pub fn new(threads: usize) -> io::Result<Self> {
        if threads == 0 {
            return Err(error::invalid_input(error::ZERO_THREADS));
        }
        Builder::new()
            .min_threads(threads)
            .max_threads(threads)
            .build()
    }

    /// A fixed-size pool with one thread per available CPU (1 if that is unknown).
    ///
    /// # Errors
    ///
    /// The OS error when a thread cannot start.
    pub fn cpu() -> io::Result<Self> {
        Self::new(crate::loom::thread::available_parallelism())
    }

    /// A [`Builder`] to configure a pool.
    pub fn builder() -> Builder {
        Builder::new()
    }

    pub(crate) fn from_shared(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// Queues `job` to run on a pool thread.
    ///
    /// An idle thread takes it if there is one; otherwise a thread is started if
    /// fewer than `max_threads` run; otherwise it waits for a busy thread. Never
    /// blocks on a running job.
    ///
    /// # Errors
    ///
    /// After shutdown the job is handed back in [`SubmitError`], unrun.
    pub fn execute<F>(&self, job: F) -> Result<(), SubmitError<F>>
    where
        F: FnOnce() + Send + 'static,
    {
        Shared::submit(&self.shared, job).map_err(SubmitError)
    }

    /// Stops accepting jobs and drops every queued one, without waiting: running
    /// jobs finish in the background. Calling it again does nothing more.
    pub fn shutdown(&self) {
        self.shared.close();
    }

    /// Shuts down like [`shutdown`](Self::shutdown), then waits up to `timeout` for
    /// running jobs to finish and every pool thread to exit.
    pub fn shutdown_timeout(&self, timeout: Duration) -> ShutdownReport {
        self.shared.close();
        let finished = self.shared.wait_exited(timeout);
        ShutdownReport {
            running: self.shared.running.load(Ordering::Acquire),
            cancelled: self.shared.cancelled.load(Ordering::Acquire),
            timed_out: !finished,
        }
    }

    /// `true` once the pool accepts no more jobs.
    pub fn is_shutdown(&self) -> bool {
        self.shared.shutdown.load(Ordering::Acquire)
    }

    /// Pool threads now alive (busy, idle or on their way out).
    pub fn num_threads(&self) -> usize {
        self.shared.alive.load(Ordering::Relaxed)
    }

    /// Threads waiting for a job that no submitter has claimed yet.
    pub fn idle_threads(&self) -> usize {
        self.shared.idle_threads()
    }

    /// Jobs queued and not yet taken by a thread.
    pub fn queue_depth(&self) -> usize {
        self.shared.receiver.len()
    }

    /// Jobs running right now.
    pub fn running_jobs(&self) -> usize {
        self.shared.running.load(Ordering::Relaxed)
    }

    /// Jobs that ran to the end or panicked (wraps around at `usize::MAX`).
    pub fn completed_jobs(&self) -> usize {
        self.shared.completed.load(Ordering::Relaxed)
    }

    /// Jobs that panicked (also counted in `completed_jobs`). A closure given to
    /// `runtime::spawn_blocking` or `run_in_executor` is not counted here when it panics:
    /// its task catches the panic and hands it to the `JoinHandle`.
    pub fn panicked_jobs(&self) -> usize {
        self.shared.panicked.load(Ordering::Relaxed)
    }

    /// Jobs dropped unrun because the pool shut down.
    pub fn cancelled_jobs(&self) -> usize {
        self.shared.cancelled.load(Ordering::Relaxed)
    }

    /// Threads started since the pool was built.
    pub fn spawned_threads(&self) -> usize {
        self.shared.spawned.load(Ordering::Relaxed)
    }

    /// Times the OS refused to start a thread. The job that asked for it stays
    /// queued for a busy thread or a later start, or is dropped at shutdown.
    pub fn spawn_failures(&self) -> usize {
        self.shared.spawn_failures.load(Ordering::Relaxed)
    }

    /// The most threads this pool runs at once.
    pub fn max_threads(&self) -> usize {
        self.shared.config.max_threads
    }

    /// The shared state (for unit tests and loom models).
    #[cfg(test)]
    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }
}

impl Drop for ThreadPool {
    /// Shuts the pool down without blocking (see [`ThreadPool::shutdown`]).
    fn drop(&mut self) {
        self.shared.close();
    }
}

impl fmt::Debug for ThreadPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadPool")
            .field("shared", &*self.shared)
            .finish()
    }
}

#[cfg(not(runtime_loom))]
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<ThreadPool>();
    assert_send_sync::<ShutdownReport>();
    assert_send_sync::<Builder>();
};
