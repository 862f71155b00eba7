//! Time for the `runtime` async runtime: a [`Clock`] that is real or paused, the
//! runtime's [`Instant`], its timers (a hierarchical timing [`Wheel`] per
//! worker, gathered in [`Timers`], each timer held by a [`Registration`]), and
//! the user-facing time API on top of them: [`sleep`], [`timeout`],
//! [`interval`] and the test controls [`pause`], [`resume`] and [`advance`].
//!
//! # Where it sits
//!
//! A leaf of the workspace: it depends on no other `runtime` crate. `runtime-core`
//! owns one [`TimeHandle`] per runtime, its [`Clock`] and [`Timers`] (the clock
//! paused when built with `start_paused(true)`); its parking worker sleeps for
//! [`TimeHandle::park_timeout`] and then calls [`TimeHandle::process`] (under
//! paused time, [`TimeHandle::auto_advance`] when nothing is runnable). The
//! facade re-exports [`Instant`] as `runtime::time::Instant`.
//!
//! ```text
//! runtime ─ runtime-core ─┬─ runtime-timer     (this crate)
//!                         └─ runtime-blocking
//! ```
//!
//! The wheel is hierarchical, after Varghese & Lauck, "Hashed and Hierarchical
//! Timing Wheels" (1987): see [`wheel`] for its levels, cascade and horizon, and
//! [`Timers`] for the sharding and the lock-free firing protocol.
//!
//! A [`TimeHandle`] bundles one runtime's clock and timers; core installs it
//! on every thread that runs the runtime's tasks ([`TimeHandle::enter`]), and
//! everything below finds the current runtime's time through it:
//!
//! - [`Instant::now`] reads that runtime's clock (the real clock elsewhere);
//! - [`sleep`] and [`sleep_until`] return a [`Sleep`], which registers its
//!   timer on its first poll, in the polling worker's shard, and none at all
//!   when its deadline has already passed;
//! - [`timeout`] and [`timeout_at`] race a future against a `Sleep`, polling
//!   the future first (a [`Timeout`], failing with [`Elapsed`]);
//! - [`interval`] and [`interval_at`] tick every period without drifting (an
//!   [`Interval`], also a `Stream`), with tokio's [`MissedTickBehavior`];
//! - [`pause`], [`resume`] and [`advance`] control the clock of a
//!   current-thread runtime in tests;
//! - [`coop`] holds the cooperative budget every crate of the runtime spends
//!   (it lives here, in the leaf, so that all of them can reach it): an
//!   elapsed `Sleep`, due `Interval` ticks and a `Timeout` around a ready
//!   future each spend a unit and yield once the task's budget is gone.
//!
//! The names, signatures and semantics follow `tokio::time`.
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
pub mod coop;
mod entry;
mod error;
mod handle;
mod instant;
mod interval;
mod loom;
mod pause;
mod sleep;
mod timeout;
mod timers;
pub mod wheel;

#[cfg(all(test, runtime_loom))]
mod tests;

pub use clock::Clock;
pub use handle::{EnterGuard, InhibitGuard, TimeHandle};
pub use instant::Instant;
pub use interval::{interval, interval_at, Interval, MissedTickBehavior};
pub use pause::{advance, pause, resume};
pub use sleep::{sleep, sleep_until, Sleep};
pub use timeout::{timeout, timeout_at, Elapsed, Timeout};
pub use timers::{Registration, ShutdownError, Timers};
pub use wheel::{Key, Wheel};
