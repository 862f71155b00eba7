//! The blocking thread pool of the `runtime` async runtime.
//!
//! # Where it sits
//!
//! A leaf of the workspace: it depends on no other `runtime` crate, and
//! `runtime-core` builds `spawn_blocking` and `run_in_executor` on it by wrapping
//! each closure in a task and handing the pool a job that runs it. The facade
//! re-exports [`ThreadPool`] as `runtime::ThreadPool`.
//!
//! ```text
//! runtime ─ runtime-core ─┬─ runtime-timer
//!                         └─ runtime-blocking   (this crate)
//! ```
//!
//! # What it does
//!
//! [`ThreadPool`] runs `FnOnce() + Send + 'static` jobs on threads it starts on
//! demand, up to a maximum (512 by default, like tokio's blocking pool); a thread
//! that stays idle for the keep-alive (10 s by default) exits, down to a minimum
//! kept for the pool's life. [`ThreadPool::new`] makes a fixed-size pool,
//! [`ThreadPool::cpu`] one sized to the machine, [`Builder`] anything in between,
//! with thread names, stack size and start/stop hooks.
//!
//! - **Fast hand-off.** Jobs go through an unbounded crossbeam channel. A
//!   submitter that finds an idle thread claims it with one atomic operation and
//!   the channel wakes it; a thread is started only when no idle thread is
//!   there to take the job, so a burst starts at most one thread per job.
//! - **Nothing is lost.** Every job is either run once or dropped unrun once:
//!   `execute` after shutdown hands it back in [`SubmitError`]; jobs still queued
//!   at shutdown are dropped. A job that cancels its task in `Drop` therefore
//!   always resolves.
//! - **Panics are contained.** A panicking job is caught, counted, and handed to
//!   the [`Builder::panic_handler`]; the thread lives on.
//! - **Shutdown never hangs a dropper.** Dropping the pool stops it without
//!   blocking; [`ThreadPool::shutdown_timeout`] waits, up to a bound, and says in
//!   a [`ShutdownReport`] how many jobs were still running.
//!
//! The protocol that decides when threads start, idle and exit, and why no job
//! can be stranded, is documented (with numbered rules) in `src/worker.rs` and
//! checked by loom models (`src/tests/loom_pool.rs`, cfg `runtime_loom`).
//!
//! # Example
//!
//! ```
//! use runtime_blocking::{Builder, ThreadPool};
//! use std::sync::mpsc;
//! use std::time::Duration;
//!
//! let pool = Builder::new()
//!     .max_threads(4)
//!     .keep_alive(Duration::from_millis(500))
//!     .thread_name("blocking")
//!     .build()?;
//!
//! let (tx, rx) = mpsc::channel();
//! pool.execute(move || {
//!     let name = std::thread::current().name().map(str::to_owned);
//!     tx.send(name).unwrap();
//! })
//! .unwrap();
//! assert_eq!(rx.recv().unwrap().as_deref(), Some("blocking"));
//!
//! let report = pool.shutdown_timeout(Duration::from_secs(5));
//! assert!(!report.timed_out());
//! # Ok::<(), std::io::Error>(())
//! ```

#![forbid(unsafe_code)]

mod builder;
mod error;
mod loom;
mod pool;
mod queue;
mod worker;

#[cfg(test)]
mod tests;

pub use builder::{Builder, DEFAULT_KEEP_ALIVE, DEFAULT_MAX_THREADS, DEFAULT_THREAD_NAME};
pub use error::SubmitError;
pub use pool::{ShutdownReport, ThreadPool};
