//! The core of `runtime`: tasks, schedulers, runtime handles and `TaskGroup`.
//!
//! This crate sits in the middle of the workspace: the facade crate `runtime`
//! re-exports its public API, and it wires in the leaf crates (`runtime-timer`,
//! `runtime-blocking`). Users depend on `runtime`, not on this crate directly.
//!
//! ```
//! let out = runtime::run(async {
//!     let h = runtime::spawn(async { 1 + 1 });
//!     h.await.unwrap()
//! });
//! assert_eq!(out, 2);
//! ```
//!
//! Subsystems, each with its invariants in its `mod.rs`: [`task`] (the task allocation,
//! its state word, handles and TaskGroup), `scheduler` (current-thread scheduler, parking,
//! the thread-local context) and `runtime` (Builder, Runtime, Handle).
#![deny(unsafe_op_in_unsafe_fn)]

mod blocking;
mod error;
#[cfg(all(feature = "hyper", not(runtime_loom)))]
pub mod hyper;
pub mod io;
mod loom;
pub mod net;
mod runtime;
mod scheduler;
#[cfg(not(runtime_loom))]
pub mod signal;
pub mod sync;
pub mod task;
pub mod time;
mod util;

pub use blocking::{
    run_in_executor, spawn_blocking, ShutdownReport, ThreadPool, ThreadPoolBuilder,
};
pub use runtime::{
    run, spawn, Builder, EnterGuard, Handle, Runtime, RuntimeMetrics, TryCurrentError,
};
pub use task::{as_completed, gather, try_gather, wait, wait_for, ReturnWhen};
pub use task::{
    yield_now, AbortHandle, GroupClosed, GroupError, GroupFailure, GroupHandle, GroupMember, Id,
    JoinError, JoinHandle, Outcome, TaskGroup,
};
pub use time::{interval, interval_at, sleep, sleep_until, timeout, timeout_at};
