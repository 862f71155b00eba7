//! [`Interval`]: ticks every period, built by [`interval`] and [`interval_at`],
//! with tokio's [`MissedTickBehavior`] when the ticker falls behind.
//!
//! An `Interval` is one [`Sleep`] that it resets after every tick: the next
//! deadline is computed from the tick's own deadline, not from when the tick
//! was observed, so a busy task does not drift. Resetting a fired timer to a
//! later deadline moves it in its wheel (O(1)); while catching up, the next
//! deadline has often passed already, and the `Sleep` completes on its next
//! poll without a timer.
//!
//! Like tokio, a tick that completes less than 5 ms late counts as on time
//! (timers are not that precise on a running clock), so the
//! [`MissedTickBehavior`] applies only to ticks later than that.

use crate::error;
use crate::instant::Instant;
use crate::sleep::{sleep_until, Sleep};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// How late a tick may be before it counts as missed (tokio's value).
const MISSED_AFTER: Duration = Duration::from_millis(5);

/// Ticks every `period`, the first tick at once.
///
/// # Panics
///
/// If `period` is zero.
///
/// ```
/// use runtime_timer::{interval, Instant};
/// use std::time::Duration;
/// # fn block_on<F: std::future::Future>(future: F) -> F::Output {
/// #     use runtime_timer::{Clock, TimeHandle};
/// #     use std::task::{Context, Poll, Waker};
/// #     let time = TimeHandle::new(Clock::new(true), 1, true, |_| {});
/// #     let _guard = time.enter(0);
/// #     let mut future = std::pin::pin!(future);
/// #     let mut cx = Context::from_waker(Waker::noop());
/// #     loop {
/// #         if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
/// #             return output;
/// #         }
/// #         time.auto_advance();
/// #     }
/// # }
///
/// block_on(async {
///     let start = Instant::now();
///     let mut every_10ms = interval(Duration::from_millis(10));
///     assert_eq!(every_10ms.tick().await, start); // at once
///     assert_eq!(every_10ms.tick().await, start + Duration::from_millis(10));
///     assert_eq!(every_10ms.tick().await, start + Duration::from_millis(20));
/// });
/// ```
#[track_caller]
pub fn interval(period: Duration) -> Interval {
    assert!(period > Duration::ZERO, "{}", error::INTERVAL_ZERO_PERIOD);
    interval_at(Instant::now(), period)
}

/// Ticks at `start`, then every `period` after it.
///
/// # Panics
///
/// If `period` is zero.
///
/// ```
/// use runtime_timer::{interval_at, Instant};
/// use std::time::Duration;
/// # fn block_on<F: std::future::Future>(future: F) -> F::Output {
/// #     use runtime_timer::{Clock, TimeHandle};
/// #     use std::task::{Context, Poll, Waker};
/// #     let time = TimeHandle::new(Clock::new(true), 1, true, |_| {});
/// #     let _guard = time.enter(0);
/// #     let mut future = std::pin::pin!(future);
/// #     let mut cx = Context::from_waker(Waker::noop());
/// #     loop {
/// #         if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
/// #             return output;
/// #         }
/// #         time.auto_advance();
/// #     }
/// # }
///
/// block_on(async {
///     let start = Instant::now() + Duration::from_secs(1);
///     let mut ticks = interval_at(start, Duration::from_secs(2));
///     assert_eq!(ticks.tick().await, start);
///     assert_eq!(ticks.tick().await, start + Duration::from_secs(2));
///     assert_eq!(Instant::now(), start + Duration::from_secs(2));
/// });
/// ```
#[track_caller]
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(period > Duration::ZERO, "{}", error::INTERVAL_ZERO_PERIOD);
    Interval {
        delay: sleep_until(start),
        period,
        missed_tick_behavior: MissedTickBehavior::default(),
    }
}

/// What an [`Interval`] does when a tick comes more than 5 ms late (its task
/// was busy, or did not call [`tick`](Interval::tick) in time). Same semantics
/// as tokio's.
///
/// With a 300 ms period starting at `s` and a stall from just after the tick at
/// `s + 300 ms` until `s + 951 ms` (the ticks at 600 and 900 missed), the
/// ticks returned are:
///
/// | behaviour | ticks (ms after `s`) |
/// |---|---|
/// | `Burst` | 0, 300, 600 and 900 at 951 back-to-back, 1200, 1500, … |
/// | `Delay` | 0, 300, 600 at 951, then 1251, 1551, … |
/// | `Skip`  | 0, 300, 600 at 951, then 1200, 1500, … |
///
/// ```
/// use runtime_timer::{interval, MissedTickBehavior};
/// use std::time::Duration;
/// # let time = runtime_timer::TimeHandle::new(runtime_timer::Clock::new(true), 1, true, |_| {});
/// # let _guard = time.enter(0);
///
/// let mut heartbeat = interval(Duration::from_secs(1));
/// assert_eq!(heartbeat.missed_tick_behavior(), MissedTickBehavior::Burst);
/// // A heartbeat should not fire a salvo after a stall.
/// heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MissedTickBehavior {
    /// Ticks as fast as possible until caught up: the next deadline is always
    /// the previous one plus the period, so the ticks returned are the same as
    /// without the stall, some of them back-to-back. The default.
    #[default]
    Burst,
    /// Starts the schedule afresh from the late tick: the next deadline is one
    /// period after the moment the late tick was observed. No tick is ever
    /// shorter than a period.
    Delay,
    /// Drops the missed ticks and keeps the original schedule: the next deadline
    /// is the first one of `start + k * period` after the moment the late tick
    /// was observed.
    Skip,
}

impl MissedTickBehavior {
    /// The deadline after a tick scheduled at `deadline` observed (late) at `now`.
    fn next(self, deadline: Instant, now: Instant, period: Duration, delay: &Sleep) -> Instant {
        match self {
            Self::Burst => delay.deadline_after(deadline, period),
            Self::Delay => delay.deadline_after(now, period),
            Self::Skip => {
                let late = (now - deadline).as_nanos() % period.as_nanos();
                // `late < period`, so its whole seconds fit in a u64.
                let late = Duration::new(
                    u64::try_from(late / 1_000_000_000).unwrap_or(u64::MAX),
                    u32::try_from(late % 1_000_000_000).unwrap_or(0),
                );
                delay.deadline_after(now, period - late)
            }
        }
    }
}

/// Ticks every period; see [`interval`] and [`interval_at`].
///
/// Each tick returns the instant it was scheduled for. It is also a
/// [`Stream`](futures_core::Stream) of those instants that never ends.
///
/// ```
/// use runtime_timer::{interval, Clock, TimeHandle};
/// use std::task::{Context, Poll, Waker};
/// use std::time::Duration;
///
/// let time = TimeHandle::new(Clock::new(true), 1, true, |_| {});
/// let _guard = time.enter(0);
/// let mut cx = Context::from_waker(Waker::noop());
///
/// let start = time.now();
/// let mut ticks = interval(Duration::from_secs(1));
/// assert_eq!(ticks.poll_tick(&mut cx), Poll::Ready(start));
/// assert!(ticks.poll_tick(&mut cx).is_pending());
/// assert!(time.auto_advance());
/// assert_eq!(ticks.poll_tick(&mut cx), Poll::Ready(start + Duration::from_secs(1)));
/// ```
#[derive(Debug)]
pub struct Interval {
    /// Completes at the next tick's deadline.
    delay: Sleep,
    period: Duration,
    missed_tick_behavior: MissedTickBehavior,
}

impl Interval {
    /// Waits for the next tick and returns the instant it was scheduled for.
    ///
    /// Cancel-safe: dropping the future before it completes loses no tick.
    ///
    /// ```
    /// # let time = runtime_timer::TimeHandle::new(runtime_timer::Clock::new(true), 1, true, |_| {});
    /// # let _guard = time.enter(0);
    /// use runtime_timer::interval;
    /// use std::future::Future;
    /// use std::pin::pin;
    /// use std::task::{Context, Waker};
    /// use std::time::Duration;
    ///
    /// let mut cx = Context::from_waker(Waker::noop());
    /// let mut ticks = interval(Duration::from_millis(20));
    /// assert!(pin!(ticks.tick()).poll(&mut cx).is_ready()); // the first, at once
    /// assert!(pin!(ticks.tick()).poll(&mut cx).is_pending());
    /// ```
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick: `Ready(scheduled instant)` once it is due,
    /// otherwise `Pending`, with `cx`'s waker woken at the deadline (only the
    /// waker of the latest call is kept).
    ///
    /// ```
    /// use runtime_timer::{interval, Clock, TimeHandle};
    /// use std::task::{Context, Waker};
    /// use std::time::Duration;
    ///
    /// let time = TimeHandle::new(Clock::new(true), 1, true, |_| {});
    /// let _guard = time.enter(0);
    /// let mut cx = Context::from_waker(Waker::noop());
    /// let mut ticks = interval(Duration::from_secs(1));
    /// assert!(ticks.poll_tick(&mut cx).is_ready());
    /// assert!(ticks.poll_tick(&mut cx).is_pending());
    /// ```
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        if Pin::new(&mut self.delay).poll(cx).is_pending() {
            return Poll::Pending;
        }
        let deadline = self.delay.deadline();
        let now = self.delay.now();
        let next = if now > self.delay.deadline_after(deadline, MISSED_AFTER) {
            self.missed_tick_behavior
                .next(deadline, now, self.period, &self.delay)
        } else {
            self.delay.deadline_after(deadline, self.period)
        };
        self.delay.reset_with_now(next, now);
        Poll::Ready(deadline)
    }

    /// Schedules the next tick one period from now.
    ///
    /// ```
    /// use runtime_timer::{interval, Clock, TimeHandle};
    /// use std::time::Duration;
    ///
    /// let time = TimeHandle::new(Clock::new(true), 1, true, |_| {});
    /// let _guard = time.enter(0);
    /// let mut ticks = interval(Duration::from_secs(1)); // would tick at once
    /// ticks.reset();
    /// # let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// assert!(ticks.poll_tick(&mut cx).is_pending());
    /// ```
    pub fn reset(&mut self) {
        let next = self.delay.deadline_after(self.delay.now(), self.period);
        self.delay.reset_unpinned(next);
    }

    /// Schedules the next tick now: the next poll completes.
    ///
    /// ```
    /// use runtime_timer::{interval, Clock, TimeHandle};
    /// use std::time::Duration;
    ///
    /// let time = TimeHandle::new(Clock::new(true), 1, true, |_| {});
    /// let _guard = time.enter(0);
    /// # let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// let mut ticks = interval(Duration::from_secs(60));
    /// assert!(ticks.poll_tick(&mut cx).is_ready());
    /// ticks.reset_immediately();
    /// assert!(ticks.poll_tick(&mut cx).is_ready());
    /// ```
    pub fn reset_immediately(&mut self) {
        let now = self.delay.now();
        self.delay.reset_with_now(now, now);
    }

    /// Schedules the next tick `after` from now.
    ///
    /// ```
    /// use runtime_timer::{interval, Clock, TimeHandle};
    /// use std::time::Duration;
    ///
    /// let time = TimeHandle::new(Clock::new(true), 1, true, |_| {});
    /// let _guard = time.enter(0);
    /// let mut ticks = interval(Duration::from_secs(60));
    /// ticks.reset_after(Duration::from_secs(5));
    /// # let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// assert!(ticks.poll_tick(&mut cx).is_pending());
    /// assert_eq!(time.next_deadline(), Some(time.now() + Duration::from_secs(5)));
    /// ```
    pub fn reset_after(&mut self, after: Duration) {
        let now = self.delay.now();
        let next = self.delay.deadline_after(now, after);
        self.delay.reset_with_now(next, now);
    }

    /// Schedules the next tick at `deadline`.
    ///
    /// ```
    /// use runtime_timer::{interval, Clock, TimeHandle};
    /// use std::time::Duration;
    ///
    /// let time = TimeHandle::new(Clock::new(true), 1, true, |_| {});
    /// let _guard = time.enter(0);
    /// let mut ticks = interval(Duration::from_secs(60));
    /// let at = time.now() + Duration::from_secs(7);
    /// ticks.reset_at(at);
    /// # let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// assert!(ticks.poll_tick(&mut cx).is_pending());
    /// assert!(time.auto_advance());
    /// assert_eq!(ticks.poll_tick(&mut cx), std::task::Poll::Ready(at));
    /// ```
    pub fn reset_at(&mut self, deadline: Instant) {
        let now = self.delay.now();
        self.delay.reset_with_now(deadline, now);
    }

    /// What this `Interval` does after a missed tick.
    ///
    /// ```
    /// # let time = runtime_timer::TimeHandle::new(runtime_timer::Clock::new(true), 1, true, |_| {});
    /// # let _guard = time.enter(0);
    /// use runtime_timer::{interval, MissedTickBehavior};
    /// use std::time::Duration;
    ///
    /// let ticks = interval(Duration::from_secs(1));
    /// assert_eq!(ticks.missed_tick_behavior(), MissedTickBehavior::Burst);
    /// ```
    #[must_use]
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed_tick_behavior
    }

    /// Sets what this `Interval` does after a missed tick.
    ///
    /// ```
    /// # let time = runtime_timer::TimeHandle::new(runtime_timer::Clock::new(true), 1, true, |_| {});
    /// # let _guard = time.enter(0);
    /// use runtime_timer::{interval, MissedTickBehavior};
    /// use std::time::Duration;
    ///
    /// let mut ticks = interval(Duration::from_secs(1));
    /// ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
    /// assert_eq!(ticks.missed_tick_behavior(), MissedTickBehavior::Skip);
    /// ```
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed_tick_behavior = behavior;
    }

    /// The time between ticks.
    ///
    /// ```
    /// # let time = runtime_timer::TimeHandle::new(runtime_timer::Clock::new(true), 1, true, |_| {});
    /// # let _guard = time.enter(0);
    /// use runtime_timer::interval;
    /// use std::time::Duration;
    ///
    /// assert_eq!(interval(Duration::from_secs(1)).period(), Duration::from_secs(1));
    /// ```
    #[must_use]
    pub fn period(&self) -> Duration {
        self.period
    }
}

impl futures_core::Stream for Interval {
    type Item = Instant;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Instant>> {
        self.get_mut().poll_tick(cx).map(Some)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (usize::MAX, None)
    }
}

#[cfg(all(test, not(runtime_loom)))]
mod tests {
    use super::*;
    use crate::entry::tests::CountingWaker;
    use crate::sleep::tests::{advance, paused, MS};
    use futures_core::Stream;
    use std::task::Waker;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn poll_tick(interval: &mut Interval) -> Poll<Instant> {
        interval.poll_tick(&mut Context::from_waker(Waker::noop()))
    }

    /// Polls `interval` until it is pending; returns the ticks (ms after
    /// `start`) it gave.
    fn ticks(interval: &mut Interval, start: Instant) -> Vec<u128> {
        let mut ticks = Vec::new();
        while let Poll::Ready(tick) = poll_tick(interval) {
            ticks.push((tick - start).as_millis());
            assert!(ticks.len() < 100, "an interval that never waits");
        }
        ticks
    }

    /// tokio's `tests/time_interval.rs` schedule: 300 ms period, time already
    /// 1 ms past `start`, then a stall of 650 ms after the tick at 300.
    /// Returns the ticks after each step.
    fn tokio_schedule(behavior: MissedTickBehavior, steps: &[u64]) -> Vec<Vec<u128>> {
        let (time, _guard) = paused();
        let start = time.now();
        advance(&time, ms(1));
        let mut interval = interval_at(start, ms(300));
        interval.set_missed_tick_behavior(behavior);
        let mut seen = vec![ticks(&mut interval, start)];
        for &step in steps {
            advance(&time, ms(step));
            seen.push(ticks(&mut interval, start));
        }
        seen
    }

    #[test]
    fn first_tick_is_immediate_and_needs_no_timer() {
        let (time, _guard) = paused();
        let start = time.now();
        let mut interval = interval(ms(10));
        assert_eq!(interval.period(), ms(10));
        assert_eq!(poll_tick(&mut interval), Poll::Ready(start));
        assert_eq!(time.next_deadline(), None);
        assert!(poll_tick(&mut interval).is_pending());
        assert_eq!(time.next_deadline(), Some(start + ms(10)));
    }

    #[test]
    fn ticks_every_period_and_wakes() {
        let (time, _guard) = paused();
        let (waker, count) = CountingWaker::new();
        let mut cx = Context::from_waker(&waker);
        let start = time.now();
        let mut interval = interval(ms(10));
        assert_eq!(interval.poll_tick(&mut cx), Poll::Ready(start));
        for n in 1..=5 {
            assert!(interval.poll_tick(&mut cx).is_pending());
            assert!(time.auto_advance());
            assert_eq!(count.get(), n as usize);
            assert_eq!(interval.poll_tick(&mut cx), Poll::Ready(start + n * ms(10)));
        }
    }

    #[test]
    fn burst_matches_tokio() {
        let seen = tokio_schedule(
            MissedTickBehavior::Burst,
            &[100, 200, 650, 200, 100, 250, 300],
        );
        assert_eq!(
            format!("{seen:?}"),
            "[[0], [], [300], [600, 900], [], [1200], [1500], [1800]]"
        );
    }

    #[test]
    fn delay_matches_tokio() {
        let seen = tokio_schedule(
            MissedTickBehavior::Delay,
            &[100, 200, 650, 100, 201, 300, 300],
        );
        assert_eq!(
            format!("{seen:?}"),
            "[[0], [], [300], [600], [], [1251], [1551], [1851]]"
        );
    }

    #[test]
    fn skip_matches_tokio() {
        let seen = tokio_schedule(MissedTickBehavior::Skip, &[100, 200, 650, 250, 300, 300]);
        assert_eq!(
            format!("{seen:?}"),
            "[[0], [], [300], [600], [1200], [1500], [1800]]"
        );
    }

    #[test]
    fn a_tick_less_than_5ms_late_is_on_time() {
        let (time, _guard) = paused();
        let start = time.now();
        let mut interval = interval_at(start, ms(100));
        interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
        advance(&time, ms(4));
        assert_eq!(poll_tick(&mut interval), Poll::Ready(start));
        advance(&time, ms(96));
        assert_eq!(poll_tick(&mut interval), Poll::Ready(start + ms(100)));
    }

    #[test]
    fn reset_matches_tokio() {
        let (time, _guard) = paused();
        let start = time.now();
        advance(&time, ms(1));
        let mut interval = interval_at(start, ms(300));
        assert_eq!(ticks(&mut interval, start), [0]);
        advance(&time, ms(100));
        assert_eq!(ticks(&mut interval, start), [] as [u128; 0]);
        advance(&time, ms(200));
        assert_eq!(ticks(&mut interval, start), [300]);
        advance(&time, ms(100));
        assert_eq!(ticks(&mut interval, start), [] as [u128; 0]);
        interval.reset();
        advance(&time, ms(250));
        assert_eq!(ticks(&mut interval, start), [] as [u128; 0]);
        advance(&time, ms(50));
        assert_eq!(ticks(&mut interval, start), [701]);
        advance(&time, ms(300));
        assert_eq!(ticks(&mut interval, start), [1001]);
    }

    #[test]
    fn reset_variants_move_the_next_tick() {
        let (time, _guard) = paused();
        let start = time.now();
        let mut interval = interval(ms(100));
        assert_eq!(poll_tick(&mut interval), Poll::Ready(start));
        interval.reset_immediately();
        assert_eq!(poll_tick(&mut interval), Poll::Ready(start));
        interval.reset_after(ms(30));
        assert!(poll_tick(&mut interval).is_pending());
        assert_eq!(time.next_deadline(), Some(start + ms(30)));
        interval.reset_at(start + ms(50));
        // Pushed back: the published next deadline stays a lower bound.
        assert_eq!(time.next_deadline(), Some(start + ms(30)));
        advance(&time, ms(30));
        assert!(poll_tick(&mut interval).is_pending());
        assert_eq!(time.next_deadline(), Some(start + ms(50)));
        time.clock().advance(ms(20));
        time.process();
        assert_eq!(poll_tick(&mut interval), Poll::Ready(start + ms(50)));
        assert!(poll_tick(&mut interval).is_pending());
        assert_eq!(time.next_deadline(), Some(start + ms(150)));
    }

    #[test]
    #[should_panic(expected = "`interval` needs a period greater than zero")]
    fn interval_zero_panics() {
        let _ = interval(Duration::ZERO);
    }

    #[test]
    #[should_panic(expected = "`interval` needs a period greater than zero")]
    fn interval_at_zero_panics() {
        let _ = interval_at(Instant::now(), Duration::ZERO);
    }

    #[test]
    fn huge_periods_do_not_overflow() {
        let (time, _guard) = paused();
        let mut interval = interval(Duration::MAX);
        assert!(poll_tick(&mut interval).is_ready());
        assert!(poll_tick(&mut interval).is_pending());
        assert!(!time.auto_advance(), "the next tick never comes");
        interval.set_missed_tick_behavior(MissedTickBehavior::Skip);
        interval.reset_after(Duration::MAX);
        assert!(poll_tick(&mut interval).is_pending());
    }

    #[test]
    fn skip_with_a_huge_period_does_not_overflow() {
        let (time, _guard) = paused();
        let start = time.now();
        let mut interval = interval_at(start, Duration::MAX);
        interval.set_missed_tick_behavior(MissedTickBehavior::Skip);
        advance(&time, Duration::from_secs(3600));
        assert_eq!(poll_tick(&mut interval), Poll::Ready(start));
        assert!(poll_tick(&mut interval).is_pending());
    }

    #[test]
    fn stream_yields_ticks_and_never_ends() {
        let (time, _guard) = paused();
        let start = time.now();
        let mut interval = interval(MS);
        assert_eq!(interval.size_hint(), (usize::MAX, None));
        let mut cx = Context::from_waker(Waker::noop());
        for n in 0..3 {
            let next = Pin::new(&mut interval).poll_next(&mut cx);
            assert_eq!(next, Poll::Ready(Some(start + n * MS)));
            assert!(Pin::new(&mut interval).poll_next(&mut cx).is_pending());
            assert!(time.auto_advance());
        }
    }

    #[test]
    fn tick_is_a_cancel_safe_future() {
        let (time, _guard) = paused();
        let start = time.now();
        let mut interval = interval(MS);
        let mut cx = Context::from_waker(Waker::noop());
        {
            let mut tick = std::pin::pin!(interval.tick());
            assert_eq!(tick.as_mut().poll(&mut cx), Poll::Ready(start));
        }
        {
            let mut tick = std::pin::pin!(interval.tick());
            assert!(tick.as_mut().poll(&mut cx).is_pending());
        } // dropped: no tick is lost
        assert!(time.auto_advance());
        let mut tick = std::pin::pin!(interval.tick());
        assert_eq!(tick.as_mut().poll(&mut cx), Poll::Ready(start + MS));
    }

    #[test]
    fn debug_names_the_period() {
        let (_time, _guard) = paused();
        let interval = interval(MS);
        let debug = format!("{interval:?}");
        assert!(debug.contains("period: 1ms"), "{debug}");
    }
}
