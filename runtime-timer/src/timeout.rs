//! [`Timeout`]: a future raced against a [`Sleep`], built by [`timeout`] and
//! [`timeout_at`], and the [`Elapsed`] error it gives when the sleep wins.
//!
//! The inner future is polled first, so a future that is ready when the
//! deadline passes still wins, and one that is ready on its first poll never
//! costs a timer: the `Sleep` registers only when it is polled itself.

use crate::coop;
use crate::error;
use crate::instant::Instant;
use crate::sleep::{sleep, sleep_until, Sleep};
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Runs `future`, giving up after `duration` on the current runtime's clock:
/// `Ok(output)` if it finished in time, `Err(Elapsed)` otherwise (the future is
/// dropped with the `Timeout`).
///
/// ```
/// use runtime_timer::{sleep, timeout};
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
///     assert_eq!(timeout(Duration::from_secs(1), async { 42 }).await, Ok(42));
///
///     let slow = sleep(Duration::from_secs(10));
///     let error = timeout(Duration::from_secs(1), slow).await.unwrap_err();
///     assert_eq!(error.to_string(), "deadline has elapsed");
/// });
/// ```
pub fn timeout<F: IntoFuture>(duration: Duration, future: F) -> Timeout<F::IntoFuture> {
    Timeout::new(future.into_future(), sleep(duration))
}

/// Runs `future`, giving up at `deadline` on the current runtime's clock; see
/// [`timeout`].
///
/// ```
/// use runtime_timer::{timeout_at, Instant};
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
///     let deadline = Instant::now() + Duration::from_millis(50);
///     let never = std::future::pending::<()>();
///     assert!(timeout_at(deadline, never).await.is_err());
///     assert_eq!(Instant::now(), deadline);
/// });
/// ```
pub fn timeout_at<F: IntoFuture>(deadline: Instant, future: F) -> Timeout<F::IntoFuture> {
    Timeout::new(future.into_future(), sleep_until(deadline))
}

pin_project_lite::pin_project! {
    /// A future with a deadline; see [`timeout`] and [`timeout_at`].
    ///
    /// Its output is `Ok` with the inner future's output, or [`Elapsed`] once
    /// the deadline passed first.
    ///
    /// ```
    /// use runtime_timer::{timeout, Clock, TimeHandle};
    /// use std::future::Future;
    /// use std::pin::pin;
    /// use std::task::{Context, Poll, Waker};
    /// use std::time::Duration;
    ///
    /// let time = TimeHandle::new(Clock::new(true), 1, true, |_| {});
    /// let _guard = time.enter(0);
    /// let mut cx = Context::from_waker(Waker::noop());
    ///
    /// let mut guarded = pin!(timeout(Duration::from_secs(5), std::future::pending::<u8>()));
    /// assert!(guarded.as_mut().poll(&mut cx).is_pending());
    /// assert!(time.auto_advance()); // five seconds later
    /// assert!(matches!(guarded.as_mut().poll(&mut cx), Poll::Ready(Err(_))));
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    #[derive(Debug)]
    pub struct Timeout<F> {
        #[pin]
        value: F,
        delay: Sleep,
    }
}

impl<F> Timeout<F> {
    fn new(value: F, delay: Sleep) -> Self {
        Self { value, delay }
    }

    /// The inner future.
    ///
    /// ```
    /// # let time = runtime_timer::TimeHandle::new(runtime_timer::Clock::new(true), 1, true, |_| {});
    /// # let _guard = time.enter(0);
    /// use runtime_timer::timeout;
    /// use std::time::Duration;
    ///
    /// let guarded = timeout(Duration::from_secs(1), std::future::ready(7));
    /// assert!(format!("{:?}", guarded.get_ref()).contains('7'));
    /// ```
    #[must_use]
    pub fn get_ref(&self) -> &F {
        &self.value
    }

    /// The inner future, mutably.
    ///
    /// ```
    /// # let time = runtime_timer::TimeHandle::new(runtime_timer::Clock::new(true), 1, true, |_| {});
    /// # let _guard = time.enter(0);
    /// use runtime_timer::timeout;
    /// use std::time::Duration;
    ///
    /// let mut guarded = timeout(Duration::from_secs(1), std::future::ready(7));
    /// let _inner: &mut std::future::Ready<i32> = guarded.get_mut();
    /// ```
    #[must_use]
    pub fn get_mut(&mut self) -> &mut F {
        &mut self.value
    }

    /// The inner future, giving up the deadline.
    ///
    /// ```
    /// # let time = runtime_timer::TimeHandle::new(runtime_timer::Clock::new(true), 1, true, |_| {});
    /// # let _guard = time.enter(0);
    /// use runtime_timer::timeout;
    /// use std::time::Duration;
    ///
    /// let guarded = timeout(Duration::from_secs(1), std::future::ready(7));
    /// let inner: std::future::Ready<i32> = guarded.into_inner();
    /// assert_eq!(inner.into_inner(), 7);
    /// ```
    #[must_use]
    pub fn into_inner(self) -> F {
        self.value
    }

    /// The instant this `Timeout` gives up at.
    ///
    /// ```
    /// # let time = runtime_timer::TimeHandle::new(runtime_timer::Clock::new(true), 1, true, |_| {});
    /// # let _guard = time.enter(0);
    /// use runtime_timer::{timeout, Instant};
    /// use std::time::Duration;
    ///
    /// let guarded = timeout(Duration::from_secs(1), std::future::pending::<()>());
    /// assert_eq!(guarded.deadline(), Instant::now() + Duration::from_secs(1));
    /// ```
    #[must_use]
    pub fn deadline(&self) -> Instant {
        self.delay.deadline()
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        // A `Timeout` around a ready future is itself ready on every poll: it spends a
        // unit of the task's cooperative budget (refunded when nothing is ready).
        let had_budget = coop::has_budget_remaining();
        let unit = std::task::ready!(coop::poll_proceed(cx));
        if let Poll::Ready(output) = this.value.poll(cx) {
            unit.made_progress();
            return Poll::Ready(Ok(output));
        }
        drop(unit);
        let delay = Pin::new(this.delay);
        if had_budget && !coop::has_budget_remaining() {
            // The future spent the last unit: the deadline is still checked, or a
            // timeout around a budget-hungry future would never fire (tokio #4291).
            coop::with_unconstrained(|| delay.poll(cx))
        } else {
            delay.poll(cx)
        }
        .map(|()| Err(Elapsed(())))
    }
}

/// The error of a [`Timeout`] whose deadline passed before its future finished.
///
/// Converts into an [`std::io::Error`] of kind
/// [`TimedOut`](std::io::ErrorKind::TimedOut), so `?` works in I/O code.
///
/// ```
/// use runtime_timer::timeout;
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
/// async fn read_reply() -> std::io::Result<Vec<u8>> {
///     let reply = std::future::pending(); // a peer that never answers
///     Ok(timeout(Duration::from_secs(30), reply).await?)
/// }
///
/// let error = block_on(read_reply()).unwrap_err();
/// assert_eq!(error.kind(), std::io::ErrorKind::TimedOut);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed(());

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(error::ELAPSED)
    }
}

impl std::error::Error for Elapsed {}

impl From<Elapsed> for std::io::Error {
    fn from(elapsed: Elapsed) -> Self {
        std::io::Error::new(std::io::ErrorKind::TimedOut, elapsed)
    }
}

#[cfg(all(test, not(runtime_loom)))]
mod tests {
    use super::*;
    use crate::entry::tests::CountingWaker;
    use crate::sleep::tests::{advance, paused, poll, MS, NS};
    use std::task::Waker;

    #[test]
    fn ready_first_is_ok_without_a_timer() {
        let (time, _guard) = paused();
        let mut guarded = timeout(Duration::from_secs(1), std::future::ready(5));
        assert_eq!(poll(&mut guarded, Waker::noop()), Poll::Ready(Ok(5)));
        assert_eq!(time.next_deadline(), None, "no timer was registered");
    }

    #[test]
    fn finishing_in_time_is_ok() {
        let (time, _guard) = paused();
        let (waker, count) = CountingWaker::new();
        let mut guarded = timeout(10 * MS, sleep(5 * MS));
        assert!(poll(&mut guarded, &waker).is_pending());
        advance(&time, 5 * MS);
        assert_eq!(count.get(), 1);
        assert_eq!(poll(&mut guarded, &waker), Poll::Ready(Ok(())));
        drop(guarded);
        assert_eq!(time.next_deadline(), None, "both timers are gone");
    }

    #[test]
    fn the_deadline_passing_first_is_elapsed() {
        let (time, _guard) = paused();
        let (waker, count) = CountingWaker::new();
        let start = time.now();
        let mut guarded = timeout(10 * MS, std::future::pending::<()>());
        assert_eq!(guarded.deadline(), start + 10 * MS);
        assert!(poll(&mut guarded, &waker).is_pending());
        advance(&time, 10 * MS - NS);
        assert!(poll(&mut guarded, &waker).is_pending());
        advance(&time, NS);
        assert_eq!(count.get(), 1);
        assert_eq!(poll(&mut guarded, &waker), Poll::Ready(Err(Elapsed(()))));
    }

    #[test]
    fn the_inner_future_wins_a_tie() {
        let (time, _guard) = paused();
        let start = time.now();
        let mut guarded = timeout_at(start + MS, sleep_until(start + MS));
        assert!(poll(&mut guarded, Waker::noop()).is_pending());
        advance(&time, MS);
        assert_eq!(poll(&mut guarded, Waker::noop()), Poll::Ready(Ok(())));
    }

    #[test]
    fn shutdown_ends_the_wait_as_elapsed() {
        let (time, _guard) = paused();
        let mut guarded = timeout(MS, std::future::pending::<()>());
        assert!(poll(&mut guarded, Waker::noop()).is_pending());
        time.shutdown();
        assert!(matches!(
            poll(&mut guarded, Waker::noop()),
            Poll::Ready(Err(_))
        ));
    }

    #[test]
    fn accessors_reach_the_inner_future() {
        let (_time, _guard) = paused();
        let mut guarded = timeout(MS, std::future::ready(3));
        let _: &std::future::Ready<i32> = guarded.get_ref();
        let inner: &mut std::future::Ready<i32> = guarded.get_mut();
        assert_eq!(inner.clone().into_inner(), 3);
        assert_eq!(guarded.into_inner().into_inner(), 3);
    }

    #[test]
    fn takes_into_future() {
        struct Later;
        impl IntoFuture for Later {
            type Output = u8;
            type IntoFuture = std::future::Ready<u8>;
            fn into_future(self) -> Self::IntoFuture {
                std::future::ready(9)
            }
        }
        let (_time, _guard) = paused();
        let mut guarded = timeout(MS, Later);
        assert_eq!(poll(&mut guarded, Waker::noop()), Poll::Ready(Ok(9)));
    }

    #[test]
    fn elapsed_is_an_error_and_an_io_timeout() {
        let elapsed = Elapsed(());
        assert_eq!(elapsed.to_string(), "deadline has elapsed");
        let error: &dyn std::error::Error = &elapsed;
        assert!(error.source().is_none());
        let io: std::io::Error = elapsed.into();
        assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
        assert_eq!(io.to_string(), "deadline has elapsed");
        let copy = elapsed;
        assert_eq!(copy, elapsed);
    }

    #[test]
    fn created_outside_a_runtime_completes_without_one_when_ready() {
        let mut guarded = timeout(MS, std::future::ready(1));
        assert_eq!(poll(&mut guarded, Waker::noop()), Poll::Ready(Ok(1)));
    }
}
