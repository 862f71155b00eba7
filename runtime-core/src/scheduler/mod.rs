//! Schedulers: who runs which task when.
//!
//! One scheduler per runtime flavor; `Handle` is the enum a `runtime::Handle` wraps and
//! tasks point to (through their `S: Schedule` parameter). The current-thread scheduler
//! runs everything on the thread inside `block_on`; the multi-thread scheduler is built on
//! the same task core.
pub(crate) mod context;
pub(crate) mod current_thread;
mod inject;
pub(crate) mod multi_thread;
pub(crate) mod park;

#[cfg(all(test, runtime_loom))]
mod tests;

use crate::loom::sync::Arc;
use crate::task::{self, Id, JoinHandle};
use std::future::Future;

/// A hook run on each runtime thread.
pub(crate) type ThreadHook = std::sync::Arc<dyn Fn() + Send + Sync + 'static>;

/// Settings every scheduler reads.
#[derive(Clone)]
pub(crate) struct Config {
    pub(crate) global_queue_interval: u32,
    pub(crate) event_interval: u32,
    /// Events the I/O driver collects per turn.
    pub(crate) max_io_events_per_tick: usize,
    /// Names the threads the runtime starts (multi-thread workers, blocking pool).
    pub(crate) thread_name: std::sync::Arc<dyn Fn() -> String + Send + Sync + 'static>,
    pub(crate) on_thread_start: Option<ThreadHook>,
    pub(crate) on_thread_stop: Option<ThreadHook>,
    /// The clock starts paused (current-thread only).
    pub(crate) start_paused: bool,
}

/// How long a shutdown waits for the runtime's other threads (workers, monitor,
/// blocking jobs) to finish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Wait {
    /// Not at all: they finish in the background.
    No,
    /// Until this instant, one deadline for the whole shutdown.
    Until(std::time::Instant),
    /// As long as they take.
    Forever,
}

impl Wait {
    /// A wait of `timeout` from now (forever when the deadline is past what `Instant`
    /// can hold).
    pub(crate) fn timeout(timeout: std::time::Duration) -> Wait {
        std::time::Instant::now()
            .checked_add(timeout)
            .map_or(Wait::Forever, Wait::Until)
    }
}

/// Builds a runtime's blocking pool from its settings: threads named and hooked like the
/// runtime's own.
pub(crate) fn blocking_pool(
    config: &Config,
    max_threads: usize,
    keep_alive: std::time::Duration,
) -> std::io::Result<runtime_blocking::ThreadPool> {
    let name = config.thread_name.clone();
    let mut builder = runtime_blocking::Builder::new()
        .max_threads(max_threads)
        .keep_alive(keep_alive)
        .thread_name_fn(move || name());
    if let Some(f) = config.on_thread_start.clone() {
        builder = builder.on_thread_start(move || f());
    }
    if let Some(f) = config.on_thread_stop.clone() {
        builder = builder.on_thread_stop(move || f());
    }
    builder.build()
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("global_queue_interval", &self.global_queue_interval)
            .field("event_interval", &self.event_interval)
            .finish_non_exhaustive()
    }
}

/// The scheduler behind a runtime handle.
#[derive(Clone)]
pub(crate) enum Handle {
    CurrentThread(Arc<current_thread::Handle>),
    MultiThread(Arc<multi_thread::Handle>),
}

impl Handle {
    /// Spawns `future`; `before_schedule` sees the JoinHandle before the task can run.
    pub(crate) fn spawn<F>(
        &self,
        future: F,
        name: Option<&str>,
        before_schedule: impl FnOnce(&JoinHandle<F::Output>),
    ) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.spawn_with_id(future, Id::next(), name, before_schedule)
    }

    /// [`spawn`](Handle::spawn) with an id the caller took from `Id::next()` (a task group
    /// gives its member its own id before the task exists).
    pub(crate) fn spawn_with_id<F>(
        &self,
        future: F,
        id: Id,
        name: Option<&str>,
        before_schedule: impl FnOnce(&JoinHandle<F::Output>),
    ) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match self {
            Handle::CurrentThread(h) => task::spawn(&h.owned, h, future, id, name, before_schedule),
            Handle::MultiThread(h) => task::spawn(&h.owned, h, future, id, name, before_schedule),
        }
    }

    pub(crate) fn num_alive_tasks(&self) -> usize {
        match self {
            Handle::CurrentThread(h) => h.num_alive_tasks(),
            Handle::MultiThread(h) => h.owned.len(),
        }
    }

    /// The runtime's blocking pool.
    pub(crate) fn blocking(&self) -> &runtime_blocking::ThreadPool {
        match self {
            Handle::CurrentThread(h) => &h.blocking,
            Handle::MultiThread(h) => &h.blocking,
        }
    }

    /// The runtime's time: its clock and timers.
    pub(crate) fn time(&self) -> &runtime_timer::TimeHandle {
        match self {
            Handle::CurrentThread(h) => &h.time,
            Handle::MultiThread(h) => &h.time,
        }
    }

    /// The runtime's I/O driver (its registry side); the current-thread runtime creates
    /// its driver here, on first use. Fails after shutdown (current-thread) or if the OS
    /// refuses a poller.
    #[cfg(not(runtime_loom))]
    pub(crate) fn io(&self) -> std::io::Result<&Arc<crate::io::registration::IoHandle>> {
        match self {
            Handle::CurrentThread(h) => h.io(),
            Handle::MultiThread(h) => Ok(&h.io),
        }
    }

    pub(crate) fn ptr_eq(&self, other: &Handle) -> bool {
        match (self, other) {
            (Handle::CurrentThread(a), Handle::CurrentThread(b)) => Arc::ptr_eq(a, b),
            (Handle::MultiThread(a), Handle::MultiThread(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Handle::CurrentThread(_) => f.write_str("Handle::CurrentThread"),
            Handle::MultiThread(h) => write!(f, "Handle::MultiThread({} workers)", h.num_workers()),
        }
    }
}
