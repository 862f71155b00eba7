//! [`Sleep`]: a future that completes at a deadline, built by [`sleep`] and
//! [`sleep_until`]; the timer inside [`Timeout`](crate::Timeout) and
//! [`Interval`](crate::Interval).
//!
//! # Life of a `Sleep`
//!
//! 1. **Created**: it takes the current thread's [`TimeHandle`] if there is one
//!    (so `sleep(d)` means `d` on that runtime's clock, paused or not) and
//!    computes its deadline; nothing is registered. A `Sleep` created and dropped
//!    unpolled costs no timer at all, which is what makes a `timeout` around a
//!    future that is ready at once free.
//! 2. **First poll**: a deadline that has passed (`Duration::ZERO` included)
//!    completes at once, still without a timer. Otherwise it registers a
//!    [`Registration`] in the polling thread's shard when that thread runs the
//!    same runtime, else in the runtime's last shard (the one for threads that
//!    are not workers).
//! 3. **Registered**: polls are lock-free; [`Sleep::reset`] moves the timer in
//!    its wheel (O(1)), or, to a deadline that has passed, drops it and goes
//!    back to 2; dropping the `Sleep` cancels the timer.
//!
//! A `Sleep` never hangs on a runtime that shut down: its timer completes with
//! a [`ShutdownError`](crate::ShutdownError), which the `Sleep` turns into
//! plain completion, as tokio does.

use crate::coop;
use crate::error;
use crate::handle::TimeHandle;
use crate::instant::Instant;
use crate::timers::Registration;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// How far ahead a deadline goes when `now + duration` is not representable and
/// no runtime says what "never" is: thirty years, tokio's choice.
const FAR_FUTURE: Duration = Duration::from_secs(30 * 365 * 86_400);

/// Waits until `duration` has passed on the current runtime's clock.
///
/// The returned [`Sleep`] registers its timer only when first polled, and a
/// zero duration completes on the first poll without one. `Duration::MAX`
/// neither panics nor ever fires.
///
/// ```
/// use runtime_timer::{sleep, Instant};
/// use std::time::Duration;
/// # fn block_on<F: std::future::Future>(future: F) -> F::Output {
/// #     use runtime_timer::{Clock, TimeHandle};
/// #     use std::task::{Context, Poll, Waker};
/// #     // A one-thread stand-in for `Runtime::block_on` on paused time.
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
///     sleep(Duration::from_millis(100)).await;
///     // Paused time (as under `#[runtime::test]`) moves exactly to the deadline.
///     assert_eq!(start.elapsed(), Duration::from_millis(100));
/// });
/// ```
pub fn sleep(duration: Duration) -> Sleep {
    match TimeHandle::current() {
        Some(handle) => {
            let deadline = handle.timers().deadline_after(handle.now(), duration);
            Sleep::new(Some(handle), deadline, FirstPoll::after(duration))
        }
        None => {
            let now = Instant::now();
            Sleep::new(
                None,
                add_or_far_future(now, duration),
                FirstPoll::after(duration),
            )
        }
    }
}

/// Waits until `deadline` on the current runtime's clock.
///
/// A deadline that has passed completes on the first poll, without a timer.
///
/// ```
/// use runtime_timer::{sleep_until, Instant};
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
///     let deadline = Instant::now() + Duration::from_secs(5);
///     sleep_until(deadline).await;
///     assert_eq!(Instant::now(), deadline);
/// });
/// ```
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep::new(TimeHandle::current(), deadline, FirstPoll::Check)
}

/// `instant + duration`, or thirty years ahead when that is not representable.
fn add_or_far_future(instant: Instant, duration: Duration) -> Instant {
    instant
        .checked_add(duration)
        .or_else(|| instant.checked_add(FAR_FUTURE))
        .unwrap_or(instant)
}

/// A future that completes at its [`deadline`](Sleep::deadline); see [`sleep`]
/// and [`sleep_until`].
///
/// It is `Unpin`, `Send` and `Sync`. Polling it outside any runtime, when it
/// was also created outside one, panics: there is no clock to wait on.
///
/// ```
/// use runtime_timer::{sleep, Clock, Instant, TimeHandle};
/// use std::future::Future;
/// use std::pin::Pin;
/// use std::task::{Context, Waker};
/// use std::time::Duration;
///
/// let time = TimeHandle::new(Clock::new(true), 1, true, |_| {});
/// let _guard = time.enter(0);
/// let mut cx = Context::from_waker(Waker::noop());
///
/// let mut sleep = sleep(Duration::from_secs(1));
/// assert_eq!(time.next_deadline(), None, "registered on first poll only");
/// assert!(Pin::new(&mut sleep).poll(&mut cx).is_pending());
/// assert_eq!(time.next_deadline(), Some(sleep.deadline()));
///
/// // Push it back: the same timer moves in its wheel.
/// Pin::new(&mut sleep).reset(Instant::now() + Duration::from_secs(2));
/// // Paused time jumps to the next deadline; the first jump may stop at the
/// // old one (a lower bound), which fires nothing.
/// while !sleep.is_elapsed() {
///     assert!(time.auto_advance());
/// }
/// assert!(Pin::new(&mut sleep).poll(&mut cx).is_ready());
/// assert!(sleep.is_elapsed());
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Sleep {
    /// The runtime whose clock the deadline is on: captured at creation, or
    /// taken from the polling thread on the first poll.
    handle: Option<TimeHandle>,
    deadline: Instant,
    /// The timer, from the first poll that found the deadline ahead.
    registration: Option<Registration>,
    /// What a poll without a timer does.
    first_poll: FirstPoll,
}

/// What a poll of a `Sleep` without a timer does. Reading the clock costs as much
/// as the rest of a timer's life, so it is read only where the answer is unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FirstPoll {
    /// The deadline was computed as "now + d" with `d > 0` moments ago: register
    /// at once (should it have passed meanwhile, the timer fires at the driver's
    /// next turn, never early).
    Register,
    /// The deadline came from the caller: compare it with the clock first.
    Check,
    /// The deadline is known to have passed: complete.
    Ready,
}

impl FirstPoll {
    fn after(duration: Duration) -> Self {
        if duration.is_zero() {
            Self::Ready
        } else {
            Self::Register
        }
    }
}

impl Sleep {
    fn new(handle: Option<TimeHandle>, deadline: Instant, first_poll: FirstPoll) -> Self {
        Self {
            handle,
            deadline,
            registration: None,
            first_poll,
        }
    }

    /// The instant this `Sleep` completes at.
    ///
    /// ```
    /// # let time = runtime_timer::TimeHandle::new(runtime_timer::Clock::new(true), 1, true, |_| {});
    /// # let _guard = time.enter(0);
    /// use runtime_timer::{sleep, Instant};
    /// use std::time::Duration;
    ///
    /// let sleep = sleep(Duration::from_secs(3));
    /// assert_eq!(sleep.deadline(), Instant::now() + Duration::from_secs(3));
    /// ```
    #[must_use]
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// `true` once the deadline has passed: the timer fired (or its runtime
    /// shut down, which completes the `Sleep` too), or, before a timer was
    /// registered, the clock reads the deadline or later.
    ///
    /// ```
    /// # let time = runtime_timer::TimeHandle::new(runtime_timer::Clock::new(true), 1, true, |_| {});
    /// # let _guard = time.enter(0);
    /// use runtime_timer::sleep;
    /// use std::time::Duration;
    ///
    /// assert!(sleep(Duration::ZERO).is_elapsed());
    /// assert!(!sleep(Duration::from_secs(1)).is_elapsed());
    /// ```
    #[must_use]
    pub fn is_elapsed(&self) -> bool {
        match &self.registration {
            Some(registration) => registration.is_done(),
            None => self.first_poll == FirstPoll::Ready || self.deadline <= self.now(),
        }
    }

    /// Moves the deadline to `deadline`, whether this `Sleep` completed or not:
    /// it completes again then. O(1), and no clock read: a registered timer
    /// moves in its wheel. A deadline that has passed completes it when its
    /// runtime next fires timers (at once if that runtime already went past it),
    /// as with tokio.
    ///
    /// ```
    /// use runtime_timer::{sleep, Clock, Instant, TimeHandle};
    /// use std::future::Future;
    /// use std::pin::pin;
    /// use std::task::{Context, Waker};
    /// use std::time::Duration;
    ///
    /// let time = TimeHandle::new(Clock::new(true), 1, true, |_| {});
    /// let _guard = time.enter(0);
    /// let mut cx = Context::from_waker(Waker::noop());
    ///
    /// let mut sleep = pin!(sleep(Duration::from_secs(60)));
    /// assert!(sleep.as_mut().poll(&mut cx).is_pending());
    /// sleep.as_mut().reset(Instant::now()); // give up waiting
    /// assert!(sleep.as_mut().poll(&mut cx).is_ready());
    /// assert_eq!(time.next_deadline(), None, "the timer is gone");
    /// ```
    pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
        self.get_mut().reset_unpinned(deadline);
    }

    /// [`reset`](Self::reset) for owners that hold the `Sleep` by value.
    pub(crate) fn reset_unpinned(&mut self, deadline: Instant) {
        self.deadline = deadline;
        match &mut self.registration {
            Some(registration) => registration.reset(deadline),
            None => self.first_poll = FirstPoll::Check,
        }
    }

    /// [`reset_unpinned`](Self::reset_unpinned) by an owner that just read the
    /// clock (`now`): a deadline that has passed completes on the next poll.
    pub(crate) fn reset_with_now(&mut self, deadline: Instant, now: Instant) {
        if deadline <= now {
            self.deadline = deadline;
            self.registration = None; // cancels
            self.first_poll = FirstPoll::Ready;
        } else {
            self.reset_unpinned(deadline);
        }
    }

    /// The clock this `Sleep` waits on: its runtime's, else the current one.
    pub(crate) fn now(&self) -> Instant {
        self.handle
            .as_ref()
            .map_or_else(Instant::now, TimeHandle::now)
    }

    /// `base + duration` on this `Sleep`'s clock, saturating to a deadline that
    /// never fires (see [`Timers::deadline_after`](crate::Timers::deadline_after)).
    pub(crate) fn deadline_after(&self, base: Instant, duration: Duration) -> Instant {
        match &self.handle {
            Some(handle) => handle.timers().deadline_after(base, duration),
            None => add_or_far_future(base, duration),
        }
    }

    /// First poll: completes if the deadline passed, else registers the timer.
    /// Returns the timer, or `None` when the `Sleep` is complete.
    fn register(&mut self) -> Option<&mut Registration> {
        let (handle, shard) = match self.handle.take() {
            Some(handle) => {
                let shard = TimeHandle::with_current(|current, shard| {
                    current.ptr_eq(&handle).then_some(shard)
                })
                .flatten();
                (handle, shard)
            }
            None => {
                let (current, shard) =
                    TimeHandle::with_current(|current, shard| (current.clone(), shard))
                        .expect(error::SLEEP_OUTSIDE_RUNTIME);
                (current, Some(shard))
            }
        };
        let handle = self.handle.insert(handle);
        match self.first_poll {
            FirstPoll::Ready => return None,
            FirstPoll::Check if self.deadline <= handle.now() => {
                self.first_poll = FirstPoll::Ready;
                return None;
            }
            FirstPoll::Check | FirstPoll::Register => {}
        }
        let timers = handle.timers();
        let shard = shard.unwrap_or(timers.shards() - 1);
        Some(
            self.registration
                .insert(timers.register(shard, self.deadline)),
        )
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // An elapsed `Sleep` is ready on every poll: it spends the task's cooperative
        // budget, so a loop around `sleep(Duration::ZERO)` still yields (coop.rs).
        let unit = std::task::ready!(coop::poll_proceed(cx));
        let this = self.get_mut();
        let registration = match this.registration {
            Some(ref mut registration) => registration,
            None => match this.register() {
                Some(registration) => registration,
                None => {
                    unit.made_progress();
                    return Poll::Ready(());
                }
            },
        };
        // `Err(ShutdownError)`: the runtime is gone; complete rather than hang.
        let elapsed = registration.poll_elapsed(cx).map(|_| ());
        if elapsed.is_ready() {
            unit.made_progress();
        }
        elapsed
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .field("registration", &self.registration)
            .finish_non_exhaustive()
    }
}

#[cfg(not(runtime_loom))]
const _: () = {
    const fn assert_send_sync_unpin<T: Send + Sync + Unpin>() {}
    assert_send_sync_unpin::<Sleep>();
};

#[cfg(all(test, not(runtime_loom)))]
pub(crate) mod tests {
    //! Unit tests of `Sleep`, and the helpers the other time modules' tests use.

    use super::*;
    use crate::clock::Clock;
    use crate::entry::tests::CountingWaker;
    use crate::handle::EnterGuard;
    use std::task::Waker;

    pub(crate) const MS: Duration = Duration::from_millis(1);
    pub(crate) const NS: Duration = Duration::from_nanos(1);

    /// A paused, pausable runtime time with two shards, current on this thread
    /// in shard 0.
    pub(crate) fn paused() -> (TimeHandle, EnterGuard) {
        let time = TimeHandle::new(Clock::new(true), 2, true, |_| {});
        let guard = time.enter(0);
        (time, guard)
    }

    /// Polls `future` once with `waker`.
    pub(crate) fn poll<F: Future + Unpin>(future: &mut F, waker: &Waker) -> Poll<F::Output> {
        Pin::new(future).poll(&mut Context::from_waker(waker))
    }

    /// Moves paused time forward by `by` and fires what is due.
    pub(crate) fn advance(time: &TimeHandle, by: Duration) {
        time.clock().advance(by);
        time.process();
    }

    #[test]
    fn zero_completes_on_first_poll_without_a_timer() {
        let (time, _guard) = paused();
        let mut sleep = sleep(Duration::ZERO);
        assert!(sleep.is_elapsed());
        assert_eq!(poll(&mut sleep, Waker::noop()), Poll::Ready(()));
        assert!(sleep.registration.is_none());
        assert_eq!(time.next_deadline(), None);
        let mut past = sleep_until(time.now() - MS);
        assert_eq!(poll(&mut past, Waker::noop()), Poll::Ready(()));
        assert_eq!(time.next_deadline(), None);
    }

    #[test]
    fn registers_lazily_and_fires_exactly_at_the_deadline() {
        let (time, _guard) = paused();
        let (waker, count) = CountingWaker::new();
        let start = time.now();
        let mut sleep = sleep(10 * MS);
        assert_eq!(sleep.deadline(), start + 10 * MS);
        assert_eq!(time.next_deadline(), None, "not registered before a poll");
        assert!(poll(&mut sleep, &waker).is_pending());
        assert_eq!(time.next_deadline(), Some(start + 10 * MS));

        advance(&time, 10 * MS - NS);
        assert_eq!(count.get(), 0);
        assert!(!sleep.is_elapsed());
        assert!(poll(&mut sleep, &waker).is_pending());

        advance(&time, NS);
        assert_eq!(count.get(), 1);
        assert!(sleep.is_elapsed());
        assert_eq!(poll(&mut sleep, &waker), Poll::Ready(()));
        assert_eq!(poll(&mut sleep, &waker), Poll::Ready(()), "stays complete");
        assert_eq!(time.next_deadline(), None);
    }

    #[test]
    fn duration_max_never_fires_nor_panics() {
        let (time, _guard) = paused();
        let mut sleep = sleep(Duration::MAX);
        assert!(poll(&mut sleep, Waker::noop()).is_pending());
        assert_eq!(time.next_deadline(), None, "nothing to wake up for");
        advance(&time, Duration::from_secs(200 * 365 * 86_400));
        assert!(!time.auto_advance());
        assert!(poll(&mut sleep, Waker::noop()).is_pending());
        assert!(!sleep.is_elapsed());
    }

    #[test]
    fn duration_max_outside_a_runtime_does_not_panic() {
        let sleep = sleep(Duration::MAX);
        assert!(sleep.deadline() > Instant::now() + Duration::from_secs(86_400));
        assert!(!sleep.is_elapsed());
    }

    #[test]
    fn reset_before_firing_moves_the_timer() {
        let (time, _guard) = paused();
        let start = time.now();
        let mut sleep = sleep(10 * MS);
        assert!(poll(&mut sleep, Waker::noop()).is_pending());

        Pin::new(&mut sleep).reset(start + 20 * MS); // later
        assert_eq!(sleep.deadline(), start + 20 * MS);
        advance(&time, 10 * MS);
        assert!(poll(&mut sleep, Waker::noop()).is_pending());

        Pin::new(&mut sleep).reset(start + 15 * MS); // earlier
        assert_eq!(time.next_deadline(), Some(start + 15 * MS));
        advance(&time, 5 * MS);
        assert_eq!(poll(&mut sleep, Waker::noop()), Poll::Ready(()));
    }

    #[test]
    fn reset_after_firing_waits_again() {
        let (time, _guard) = paused();
        let start = time.now();
        let mut sleep = sleep(MS);
        assert!(poll(&mut sleep, Waker::noop()).is_pending());
        advance(&time, MS);
        assert_eq!(poll(&mut sleep, Waker::noop()), Poll::Ready(()));

        Pin::new(&mut sleep).reset(start + 5 * MS);
        assert!(!sleep.is_elapsed());
        assert!(poll(&mut sleep, Waker::noop()).is_pending());
        advance(&time, 4 * MS - NS);
        assert!(poll(&mut sleep, Waker::noop()).is_pending());
        advance(&time, NS);
        assert_eq!(poll(&mut sleep, Waker::noop()), Poll::Ready(()));
    }

    #[test]
    fn reset_to_a_passed_deadline_completes_when_timers_are_next_fired() {
        let (time, _guard) = paused();
        let mut sleep = sleep(Duration::from_secs(60));
        assert!(poll(&mut sleep, Waker::noop()).is_pending());
        // No clock read on reset (tokio's semantics): the timer moves to "now",
        // which the wheel has not processed yet, and fires at the next turn.
        time.clock().advance(MS);
        Pin::new(&mut sleep).reset(time.now());
        assert_eq!(time.next_deadline(), Some(time.now()));
        assert_eq!(time.process(), 1);
        assert!(sleep.is_elapsed());
        assert_eq!(poll(&mut sleep, Waker::noop()), Poll::Ready(()));
        assert_eq!(time.next_deadline(), None);
        // Once the wheel went past a time, a reset to it completes at once.
        Pin::new(&mut sleep).reset(time.now() + MS);
        assert!(poll(&mut sleep, Waker::noop()).is_pending());
        advance(&time, 2 * MS);
        Pin::new(&mut sleep).reset(time.now() - MS);
        assert!(sleep.is_elapsed());
        assert_eq!(poll(&mut sleep, Waker::noop()), Poll::Ready(()));
    }

    #[test]
    fn reset_before_the_first_poll_only_stores_the_deadline() {
        let (time, _guard) = paused();
        let mut sleep = sleep(Duration::from_secs(60));
        Pin::new(&mut sleep).reset(time.now() + MS);
        assert_eq!(time.next_deadline(), None);
        assert!(poll(&mut sleep, Waker::noop()).is_pending());
        assert_eq!(time.next_deadline(), Some(time.now() + MS));
    }

    #[test]
    fn drop_cancels() {
        let (time, _guard) = paused();
        let (waker, count) = CountingWaker::new();
        let mut sleep = sleep(MS);
        assert!(poll(&mut sleep, &waker).is_pending());
        assert!(time.next_deadline().is_some());
        drop(sleep);
        assert_eq!(time.next_deadline(), None);
        advance(&time, MS);
        assert_eq!(count.get(), 0);
    }

    #[test]
    fn shutdown_completes_a_pending_sleep() {
        let (time, _guard) = paused();
        let (waker, count) = CountingWaker::new();
        let mut sleep = sleep(Duration::from_secs(60));
        assert!(poll(&mut sleep, &waker).is_pending());
        time.shutdown();
        assert_eq!(count.get(), 1, "woken by the shutdown");
        assert_eq!(poll(&mut sleep, &waker), Poll::Ready(()));
        assert!(sleep.is_elapsed());

        // Created or first polled after the shutdown: complete at once too.
        let mut late = super::sleep(Duration::from_secs(60));
        assert_eq!(poll(&mut late, &waker), Poll::Ready(()));
        Pin::new(&mut late).reset(time.now() + MS);
        assert_eq!(poll(&mut late, &waker), Poll::Ready(()));
    }

    #[test]
    #[should_panic(expected = "`Sleep` was polled outside a runtime")]
    fn polling_outside_a_runtime_panics() {
        let mut sleep = sleep(MS);
        let _ = poll(&mut sleep, Waker::noop());
    }

    #[test]
    fn created_outside_a_runtime_uses_the_one_it_is_polled_in() {
        let mut sleep = sleep(Duration::from_secs(3600));
        let (time, _guard) = paused();
        assert!(poll(&mut sleep, Waker::noop()).is_pending());
        assert!(time.next_deadline().is_some());
    }

    #[test]
    fn registers_in_the_current_shard_of_its_own_runtime() {
        let time = TimeHandle::new(Clock::new(true), 3, true, |_| {});
        let _guard = time.enter(1);
        let mut sleep = sleep(MS);
        assert!(poll(&mut sleep, Waker::noop()).is_pending());
        let due = time.now() + MS;
        assert_eq!(time.timers().process_shard(0, due), 0);
        assert_eq!(time.timers().process_shard(2, due), 0);
        assert_eq!(time.timers().process_shard(1, due), 1);
    }

    #[test]
    fn polled_under_another_runtime_registers_in_the_last_shard() {
        let (time, _guard) = paused();
        let mut sleep = sleep(MS);
        let other = TimeHandle::new(Clock::new(true), 2, true, |_| {});
        let _other = other.enter(0);
        assert!(poll(&mut sleep, Waker::noop()).is_pending());
        assert_eq!(
            other.timers().next_deadline(),
            None,
            "not the other runtime"
        );
        assert_eq!(time.timers().next_deadline(), Some(sleep.deadline()));
        let due = sleep.deadline();
        assert_eq!(time.timers().process_shard(0, due), 0);
        assert_eq!(time.timers().process_shard(1, due), 1, "the last shard");
        assert_eq!(poll(&mut sleep, Waker::noop()), Poll::Ready(()));
    }

    #[test]
    fn waits_on_its_own_runtime_clock() {
        let (time, guard) = paused();
        let mut sleep = sleep(Duration::from_secs(1));
        drop(guard);
        // No runtime current: the captured one still decides.
        assert!(poll(&mut sleep, Waker::noop()).is_pending());
        assert!(time.auto_advance());
        assert_eq!(poll(&mut sleep, Waker::noop()), Poll::Ready(()));
    }

    #[test]
    fn debug_shows_the_deadline() {
        let (_time, _guard) = paused();
        let sleep = sleep(MS);
        let debug = format!("{sleep:?}");
        assert!(debug.starts_with("Sleep { deadline:"), "{debug}");
    }
}
