//! The timer workloads, each written once and generic over [`TimerRt`], the timer half of
//! the adapters: our `runtime::sleep` / `runtime::timeout`, tokio's `tokio::time`, and
//! smol's `async_io::Timer` (smol has no `timeout`: the future is raced against a `Timer`
//! with `futures_lite::future::or`, which is how smol code writes one).
//!
//! Cases (criterion ids `timers/<case>/<runtime>` and `timers_current_thread/<case>/<runtime>`,
//! see `benches/timers.rs`):
//!
//! - [`CASE_TIMERS_MANY`]: [`NUM_TIMERS`] tasks spawned from inside the runtime, each
//!   sleeping a pseudo-random 1..=[`SLEEP_MAX_MS`] ms ([`sleep_durations`], the same seeded
//!   sequence for every runtime): the time until the last one wakes;
//! - [`CASE_TIMEOUT_CHURN`]: one task awaits [`NUM_TIMEOUTS`] `timeout(`[`TIMEOUT`]`, ..)`
//!   one after another, each around a [`PendingOnce`], so every timer is registered and
//!   then cancelled;
//! - [`CASE_SLEEP_RESET`]: one task polls one sleep (registering it), then moves its
//!   deadline later [`NUM_RESETS`] times, polling after each move, then drops it.
//!
//! ```
//! use runtime_benches::timers::{sleep_durations, timers_many};
//! use runtime_benches::Ours;
//! use std::time::Duration;
//!
//! let rt = Ours::multi_thread(2);
//! let durations = sleep_durations(100, 3, 7); // 100 sleeps of 1..=3 ms
//! assert!(timers_many(&rt, &durations) >= Duration::from_millis(1));
//! ```
use crate::{Latch, Ours, Rt, SmolLocal, SmolMulti, Tokio};
use std::fmt;
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// Criterion group prefix of the multi-thread flavor: ids read `timers/<case>/<runtime>`.
pub const GROUP_TIMERS: &str = "timers";
/// Criterion group prefix of the current-thread flavor: ids read
/// `timers_current_thread/<case>/<runtime>`.
pub const GROUP_TIMERS_CURRENT_THREAD: &str = "timers_current_thread";

/// Case: [`NUM_TIMERS`] concurrent tasks each sleep 1..=[`SLEEP_MAX_MS`] ms.
pub const CASE_TIMERS_MANY: &str = "timers_many";
/// Case: [`NUM_TIMEOUTS`] timeouts registered and cancelled one after another.
pub const CASE_TIMEOUT_CHURN: &str = "timeout_churn";
/// Case: one registered sleep moved [`NUM_RESETS`] times to a later deadline.
pub const CASE_SLEEP_RESET: &str = "sleep_reset";

/// Sleeping tasks of [`CASE_TIMERS_MANY`].
pub const NUM_TIMERS: usize = 100_000;
/// Longest sleep of [`CASE_TIMERS_MANY`], in milliseconds (the shortest is 1 ms).
pub const SLEEP_MAX_MS: u64 = 50;
/// Seed of the sleep durations: the same for every runtime and every run.
pub const SEED: u64 = 0x5eed_7133_0000_0001;
/// Timeouts per iteration of [`CASE_TIMEOUT_CHURN`].
pub const NUM_TIMEOUTS: usize = 10_000;
/// The timeout of [`CASE_TIMEOUT_CHURN`]: long enough never to fire.
pub const TIMEOUT: Duration = Duration::from_secs(1);
/// Deadline moves per iteration of [`CASE_SLEEP_RESET`].
pub const NUM_RESETS: usize = 10_000;

/// The timer operations a workload needs from a runtime, on top of [`Rt`].
///
/// Deadlines are `std::time::Instant`s, converted by each adapter to its runtime's own
/// instant type (a no-op wrapper for ours and tokio; smol uses std's directly), so
/// lateness can be measured against the same clock for every runtime.
pub trait TimerRt: Rt {
    /// The runtime's sleep future (its output, if any, is ignored).
    type Sleep: Future + Send + 'static;
    /// The error of a timeout that fired.
    type Elapsed: fmt::Debug + Send;

    /// Sleeps for `duration` from now.
    fn sleep(duration: Duration) -> Self::Sleep;

    /// Sleeps until `deadline`.
    fn sleep_until(deadline: Instant) -> Self::Sleep;

    /// Moves the deadline of `sleep`, registered or not, to `deadline`.
    fn reset(sleep: Pin<&mut Self::Sleep>, deadline: Instant);

    /// Runs `future` for at most `duration`.
    fn timeout<F>(
        duration: Duration,
        future: F,
    ) -> impl Future<Output = Result<F::Output, Self::Elapsed>> + Send
    where
        F: Future + Send;
}

impl TimerRt for Ours {
    type Sleep = runtime::time::Sleep;
    type Elapsed = runtime::time::Elapsed;

    fn sleep(duration: Duration) -> Self::Sleep {
        runtime::sleep(duration)
    }

    fn sleep_until(deadline: Instant) -> Self::Sleep {
        runtime::sleep_until(runtime::time::Instant::from_std(deadline))
    }

    fn reset(sleep: Pin<&mut Self::Sleep>, deadline: Instant) {
        sleep.reset(runtime::time::Instant::from_std(deadline));
    }

    fn timeout<F>(
        duration: Duration,
        future: F,
    ) -> impl Future<Output = Result<F::Output, Self::Elapsed>> + Send
    where
        F: Future + Send,
    {
        runtime::timeout(duration, future)
    }
}

impl TimerRt for Tokio {
    type Sleep = tokio::time::Sleep;
    type Elapsed = tokio::time::error::Elapsed;

    fn sleep(duration: Duration) -> Self::Sleep {
        tokio::time::sleep(duration)
    }

    fn sleep_until(deadline: Instant) -> Self::Sleep {
        tokio::time::sleep_until(tokio::time::Instant::from_std(deadline))
    }

    fn reset(sleep: Pin<&mut Self::Sleep>, deadline: Instant) {
        sleep.reset(tokio::time::Instant::from_std(deadline));
    }

    fn timeout<F>(
        duration: Duration,
        future: F,
    ) -> impl Future<Output = Result<F::Output, Self::Elapsed>> + Send
    where
        F: Future + Send,
    {
        tokio::time::timeout(duration, future)
    }
}

/// smol's timer, the same for both executors: `async_io::Timer`, driven by async-io's
/// reactor (its "async-io" thread, as neither executor's threads block in
/// `async_io::block_on`).
fn smol_reset(sleep: Pin<&mut async_io::Timer>, deadline: Instant) {
    sleep.get_mut().set_at(deadline);
}

/// smol's timeout: the future raced against a timer, the future polled first.
fn smol_timeout<F>(duration: Duration, future: F) -> impl Future<Output = Result<F::Output, ()>>
where
    F: Future,
{
    futures_lite::future::or(async move { Ok(future.await) }, async move {
        async_io::Timer::after(duration).await;
        Err(())
    })
}

impl TimerRt for SmolMulti {
    type Sleep = async_io::Timer;
    type Elapsed = ();

    fn sleep(duration: Duration) -> Self::Sleep {
        async_io::Timer::after(duration)
    }

    fn sleep_until(deadline: Instant) -> Self::Sleep {
        async_io::Timer::at(deadline)
    }

    fn reset(sleep: Pin<&mut Self::Sleep>, deadline: Instant) {
        smol_reset(sleep, deadline);
    }

    fn timeout<F>(
        duration: Duration,
        future: F,
    ) -> impl Future<Output = Result<F::Output, Self::Elapsed>> + Send
    where
        F: Future + Send,
    {
        smol_timeout(duration, future)
    }
}

impl TimerRt for SmolLocal {
    type Sleep = async_io::Timer;
    type Elapsed = ();

    fn sleep(duration: Duration) -> Self::Sleep {
        async_io::Timer::after(duration)
    }

    fn sleep_until(deadline: Instant) -> Self::Sleep {
        async_io::Timer::at(deadline)
    }

    fn reset(sleep: Pin<&mut Self::Sleep>, deadline: Instant) {
        smol_reset(sleep, deadline);
    }

    fn timeout<F>(
        duration: Duration,
        future: F,
    ) -> impl Future<Output = Result<F::Output, Self::Elapsed>> + Send
    where
        F: Future + Send,
    {
        smol_timeout(duration, future)
    }
}

/// A small deterministic pseudo-random generator (SplitMix64), so that every runtime
/// sleeps exactly the same sequence without a dependency on `rand`.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `1..=max` (`max` ≥ 1; the modulo bias is negligible for small `max`).
    pub fn one_to(&mut self, max: u64) -> u64 {
        1 + self.next_u64() % max
    }
}

/// `n` sleep durations of 1..=`max_ms` whole milliseconds, drawn from `seed`.
pub fn sleep_durations(n: usize, max_ms: u64, seed: u64) -> Arc<[Duration]> {
    let mut rng = SplitMix64::new(seed);
    (0..n)
        .map(|_| Duration::from_millis(rng.one_to(max_ms)))
        .collect()
}

/// A future that is pending once, waking itself, and ready on its second poll: the
/// quickest future that still makes a `timeout` around it register its timer.
#[derive(Debug, Default)]
pub struct PendingOnce(bool);

impl Future for PendingOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// Polls `future` once, expecting it pending (a timer that must not have fired).
async fn poll_pending<F: Future>(mut future: Pin<&mut F>) {
    std::future::poll_fn(|cx| {
        assert!(future.as_mut().poll(cx).is_pending(), "timer fired early");
        Poll::Ready(())
    })
    .await;
}

/// [`CASE_TIMERS_MANY`]: spawns one task per duration from inside `rt`, each sleeping
/// that long then counting a latch down; returns the time from before the first spawn
/// until the latch opened.
pub fn timers_many<R: TimerRt>(rt: &R, durations: &Arc<[Duration]>) -> Duration {
    let latch = Latch::new(durations.len());
    rt.block_on(async {
        let start = Instant::now();
        for &duration in durations.iter() {
            let latch = latch.clone();
            R::detach(R::spawn(async move {
                R::sleep(duration).await;
                latch.count_down();
            }));
        }
        latch.wait().await;
        start.elapsed()
    })
}

/// [`CASE_TIMEOUT_CHURN`]: one spawned task awaits `n` timeouts of [`TIMEOUT`] one after
/// another, each around a [`PendingOnce`]; returns the time the loop took, measured
/// inside the task.
pub fn timeout_churn<R: TimerRt>(rt: &R, n: usize) -> Duration {
    rt.block_on(async move {
        R::spawn(async move {
            let start = Instant::now();
            for _ in 0..n {
                R::timeout(TIMEOUT, PendingOnce::default())
                    .await
                    .expect("timeout fired");
            }
            start.elapsed()
        })
        .await
    })
}

/// [`CASE_SLEEP_RESET`]: one spawned task polls a sleep one minute out (registering it),
/// then `n` times moves its deadline a millisecond later and polls it, then drops it;
/// returns the time that took, measured inside the task.
pub fn sleep_reset<R: TimerRt>(rt: &R, n: usize) -> Duration {
    rt.block_on(async move {
        R::spawn(async move {
            let start = Instant::now();
            let base = start + Duration::from_secs(60);
            {
                let mut sleep = pin!(R::sleep_until(base));
                poll_pending(sleep.as_mut()).await;
                for i in 1..=n as u64 {
                    R::reset(sleep.as_mut(), base + Duration::from_millis(i));
                    poll_pending(sleep.as_mut()).await;
                }
            }
            start.elapsed()
        })
        .await
    })
}
