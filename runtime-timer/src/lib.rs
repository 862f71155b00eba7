//! Time for the `runtime` async runtime: a [`Clock`] that is real or paused, the
//! runtime's [`Instant`], and its timers: a hierarchical timing [`Wheel`] per
//! worker, gathered in [`Timers`], each timer held by a [`Registration`].
//!
//! # Where it sits
//!
//! A leaf of the workspace: it depends on no other `runtime` crate. `runtime-core`
//! owns one [`Clock`] and one [`Timers`] per runtime (the clock paused when built
//! with `start_paused(true)`); its parking worker sleeps until
//! [`Timers::next_deadline`] and then calls [`Timers::process`]. The facade
//! re-exports [`Instant`] as `runtime::time::Instant`.
//!
//! ```text
//! runtime ─ runtime-core ─┬─ runtime-timer     (this crate)
//!                         └─ runtime-blocking
//! ```
//!
//! The wheel is hierarchical, after Varghese & Lauck, "Hashed and Hierarchical
//! Timing Wheels" (1987): see [`wheel`] for its levels, cascade and horizon, and
//! [`Timers`] for the sharding and the lock-free firing protocol. `Sleep`,
//! `Timeout` and `Interval`, and the thread-local handle through which
//! [`Instant::now`] will find the current runtime's clock, arrive when core wires
//! the timers in; until then [`Instant::now`] reads the real clock.
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
mod entry;
mod error;
mod instant;
mod loom;
mod timers;
pub mod wheel;

#[cfg(all(test, runtime_loom))]
mod tests;

pub use clock::Clock;
pub use instant::Instant;
pub use timers::{Registration, ShutdownError, Timers};
pub use wheel::{Key, Wheel};
