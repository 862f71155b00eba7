//! Time for the `runtime` async runtime: a [`Clock`] that is real or paused, and
//! the runtime's [`Instant`].
//!
//! # Where it sits
//!
//! A leaf of the workspace: it depends on no other `runtime` crate. `runtime-core`
//! owns one [`Clock`] per runtime (paused when built with `start_paused(true)`)
//! and the facade re-exports [`Instant`] as `runtime::time::Instant`.
//!
//! ```text
//! runtime ─ runtime-core ─┬─ runtime-timer     (this crate)
//!                         └─ runtime-blocking
//! ```
//!
//! The timing wheel (hierarchical, after Varghese & Lauck, "Hashed and
//! Hierarchical Timing Wheels", 1987), `Sleep`, `Timeout` and `Interval`, and the
//! thread-local handle through which [`Instant::now`] will find the current
//! runtime's clock arrive in a later change; until then [`Instant::now`] reads the
//! real clock.
//!
//! # Example
//!
//! ```
//! use runtime_timer::{Clock, Instant};
//! use std::time::Duration;
//!
//! // Tests pause time and move it by hand: a one-hour timeout costs nothing.
//! let clock = Clock::new(true);
//! let deadline: Instant = clock.now() + Duration::from_secs(3600);
//! assert!(clock.now() < deadline);
//! clock.advance(Duration::from_secs(3600));
//! assert_eq!(clock.now(), deadline);
//! ```

#![forbid(unsafe_code)]

mod clock;
mod error;
mod instant;
mod loom;

#[cfg(all(test, runtime_loom))]
mod tests;

pub use clock::Clock;
pub use instant::Instant;
