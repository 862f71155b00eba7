//! The runtime: how users build one, enter it, and spawn onto it.
//!
//! [`Runtime`] owns a scheduler (and, later, its driver and blocking pool); [`Handle`] is
//! a cheap clone that spawns onto it from anywhere; [`Builder`] configures one; [`run`] is
//! asyncio's `asyncio.run`. The current runtime is found through a thread-local context
//! (`scheduler/context.rs`) set inside `block_on`, on runtime threads and under
//! [`Handle::enter`].
mod builder;
mod handle;
mod metrics;
#[allow(clippy::module_inception)]
mod runtime;

pub use builder::Builder;
pub use handle::{EnterGuard, Handle, TryCurrentError};
pub use metrics::RuntimeMetrics;
pub use runtime::{run, spawn, Runtime};
