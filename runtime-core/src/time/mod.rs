//! Time: sleeping, timeouts and intervals on the runtime's timers, and the clock that
//! tests can pause.
//!
//! The timers themselves (a hierarchical wheel per worker, the clock, `Sleep`,
//! `Timeout`, `Interval`) live in the `runtime-timer` crate; this module re-exports
//! them. Every runtime thread carries its runtime's timers in a thread-local, so these
//! functions find them without an argument; the scheduler fires due timers when it
//! parks (sleeping exactly until the next deadline) and every `event_interval` polls
//! while busy.
//!
//! | asyncio | runtime |
//! |---|---|
//! | `await asyncio.sleep(s)` | [`sleep`]`(Duration).await`, [`sleep_until`]`(Instant).await` |
//! | `asyncio.timeout(s)` | [`timeout`]`(Duration, fut).await -> Result<T, Elapsed>`, [`timeout_at`] |
//! | `asyncio.wait_for(task, s)` | [`wait_for`](crate::task::wait_for)`(Duration, handle)`: aborts the task on timeout |
//! | a loop around `sleep(period)` | [`interval`]`(period)`, [`interval_at`], [`MissedTickBehavior`] |
//! | `loop.time()` | [`Instant::now`] |
//!
//! # Paused time
//!
//! A current-thread runtime built with `Builder::start_paused(true)` (what
//! `#[runtime::test(start_paused = true)]` does), or after [`pause`], has a clock that
//! stands still; whenever no task can run, it jumps to the next timer's deadline. Tests
//! of timeouts and retries then run in microseconds and deterministically. [`advance`]
//! moves it by hand; [`resume`] lets it run again.
//!
//! ```
//! use std::time::Duration;
//!
//! // What `#[runtime::test(start_paused = true)]` builds:
//! let rt = runtime::Builder::new_current_thread().start_paused(true).build().unwrap();
//! rt.block_on(async {
//!     let start = runtime::time::Instant::now();
//!     let slow = runtime::sleep(Duration::from_secs(7200));
//!     let res = runtime::timeout(Duration::from_secs(3600), slow).await;
//!     assert!(res.is_err(), "the timeout fires first");
//!     assert_eq!(start.elapsed(), Duration::from_secs(3600));
//! });
//! ```
pub use runtime_timer::{
    advance, interval, interval_at, pause, resume, sleep, sleep_until, timeout, timeout_at,
    Elapsed, Instant, Interval, MissedTickBehavior, Sleep, Timeout,
};
