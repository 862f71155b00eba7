//! The blocking-pool workload, written once and generic over [`BlockingRt`], the blocking
//! half of the adapters: our `runtime::spawn_blocking`, tokio's
//! `tokio::task::spawn_blocking`, and smol's `blocking::unblock` (the function smol
//! re-exports as `smol::unblock`; one process-wide pool shared by both smol executors).
//! Every pool runs with its defaults: ours and tokio up to 512 threads with a 10 s
//! keep-alive, `blocking` up to 500 threads with a 500 ms one.
//!
//! Case (criterion ids `blocking/<case>/<runtime>` and
//! `blocking_current_thread/<case>/<runtime>`, see `benches/blocking.rs`):
//!
//! - [`CASE_SPAWN_BLOCKING_BATCHES`]: one task spawned inside the runtime submits
//!   [`NUM_JOBS`] tiny jobs, [`BATCH`] at a time, awaiting every handle of a batch before
//!   submitting the next, so each batch pays the pool's wake-up (idle threads woken,
//!   or new ones started) and each result's hand-off back to the task.
//!
//! ```
//! use runtime_benches::blocking::{spawn_blocking_batches, BATCH};
//! use runtime_benches::Ours;
//!
//! let rt = Ours::multi_thread(2);
//! let elapsed = spawn_blocking_batches(&rt, 3 * BATCH);
//! assert!(elapsed.as_nanos() > 0);
//! ```
use crate::{Ours, Rt, SmolLocal, SmolMulti, Tokio, Unwrapped};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Criterion group prefix of the multi-thread flavor: ids read `blocking/<case>/<runtime>`.
pub const GROUP_BLOCKING: &str = "blocking";
/// Criterion group prefix of the current-thread flavor: ids read
/// `blocking_current_thread/<case>/<runtime>`.
pub const GROUP_BLOCKING_CURRENT_THREAD: &str = "blocking_current_thread";

/// Case: [`NUM_JOBS`] tiny blocking jobs, submitted [`BATCH`] at a time, each batch
/// awaited before the next.
pub const CASE_SPAWN_BLOCKING_BATCHES: &str = "spawn_blocking_batches";

/// Blocking jobs per iteration of [`CASE_SPAWN_BLOCKING_BATCHES`].
pub const NUM_JOBS: usize = 10_000;
/// Jobs submitted together before their handles are awaited.
pub const BATCH: usize = 100;

/// The blocking-pool operation a workload needs from a runtime, on top of [`Rt`].
///
/// The handle is the runtime's own (its `Result` unwrapped, as for [`Rt::Join`]): ours and
/// tokio's `JoinHandle`, `blocking`'s `async_task::Task`, the very type smol's executors
/// return from `spawn`.
pub trait BlockingRt: Rt {
    /// Runs `f` on the runtime's blocking pool; awaiting the handle yields its result.
    /// Called from inside a task of the runtime.
    fn spawn_blocking<F, R>(f: F) -> Self::Join<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static;
}

impl BlockingRt for Ours {
    fn spawn_blocking<F, R>(f: F) -> Self::Join<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        Unwrapped(runtime::spawn_blocking(f))
    }
}

impl BlockingRt for Tokio {
    fn spawn_blocking<F, R>(f: F) -> Self::Join<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        Unwrapped(tokio::task::spawn_blocking(f))
    }
}

impl BlockingRt for SmolMulti {
    fn spawn_blocking<F, R>(f: F) -> Self::Join<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        ::blocking::unblock(f)
    }
}

impl BlockingRt for SmolLocal {
    fn spawn_blocking<F, R>(f: F) -> Self::Join<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        ::blocking::unblock(f)
    }
}

/// [`CASE_SPAWN_BLOCKING_BATCHES`]: one spawned task submits `jobs` jobs
/// (`|| black_box(i) * 2`), [`BATCH`] at a time, awaiting each batch's handles in order
/// before the next batch; returns the time that took, measured inside the task.
pub fn spawn_blocking_batches<R: BlockingRt>(rt: &R, jobs: usize) -> Duration {
    rt.block_on(async move {
        R::spawn(async move {
            let start = Instant::now();
            let mut handles = Vec::with_capacity(BATCH);
            let mut submitted = 0;
            while submitted < jobs {
                let end = jobs.min(submitted + BATCH);
                handles
                    .extend((submitted..end).map(|i| R::spawn_blocking(move || black_box(i) * 2)));
                for (i, handle) in (submitted..end).zip(handles.drain(..)) {
                    assert_eq!(handle.await, i * 2, "blocking job result");
                }
                submitted = end;
            }
            start.elapsed()
        })
        .await
    })
}
