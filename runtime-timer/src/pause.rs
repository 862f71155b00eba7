//! [`pause`], [`resume`] and [`advance`]: control of the current runtime's
//! clock, for tests.
//!
//! Paused time is exact only where the runtime knows that every task is idle
//! before it jumps the clock to the next timer, that is on the current-thread
//! runtime ([`TimeHandle::is_pausable`]); the functions panic elsewhere rather
//! than give flaky tests. While the clock is paused, a runtime with nothing to
//! run moves it straight to the next deadline ([`TimeHandle::auto_advance`]),
//! so a test that sleeps an hour takes no time.

use crate::error;
use crate::handle::TimeHandle;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// The current runtime's time, checked to be pausable; panics with
/// `no_runtime` without one.
#[track_caller]
fn pausable(no_runtime: &str) -> TimeHandle {
    let Some(handle) = TimeHandle::current() else {
        panic!("{no_runtime}");
    };
    assert!(handle.is_pausable(), "{}", error::NOT_PAUSABLE);
    handle
}

/// Stops the current runtime's clock: from now on it moves only by
/// [`advance`], or by the runtime jumping to the next timer when every task is
/// idle. Does nothing if the clock is paused already.
///
/// # Panics
///
/// Outside a runtime, or on a runtime whose time cannot be paused (any but
/// the current-thread runtime).
///
/// ```
/// use runtime_timer::{pause, resume, Clock, Instant, TimeHandle};
/// use std::time::Duration;
///
/// // What `Builder::new_current_thread()` installs on its thread.
/// let time = TimeHandle::new(Clock::new(false), 1, true, |_| {});
/// let _guard = time.enter(0);
///
/// pause();
/// let frozen = Instant::now();
/// std::thread::sleep(Duration::from_millis(5));
/// assert_eq!(Instant::now(), frozen);
/// resume();
/// ```
#[track_caller]
pub fn pause() {
    pausable(error::PAUSE_NO_RUNTIME).clock().pause();
}

/// Lets the current runtime's clock run again, from its current reading.
///
/// # Panics
///
/// Outside a runtime, on a runtime whose time cannot be paused, or when the
/// clock is not paused.
///
/// ```
/// use runtime_timer::{pause, resume, Clock, Instant, TimeHandle};
/// use std::time::Duration;
///
/// let time = TimeHandle::new(Clock::new(true), 1, true, |_| {});
/// let _guard = time.enter(0);
///
/// resume();
/// let start = Instant::now();
/// std::thread::sleep(Duration::from_millis(5));
/// assert!(Instant::now() > start);
/// ```
#[track_caller]
pub fn resume() {
    let handle = pausable(error::RESUME_NO_RUNTIME);
    assert!(handle.is_paused(), "{}", error::RESUME_NOT_PAUSED);
    handle.clock().resume();
}

/// Moves the paused clock forward by `duration`, fires every timer due by
/// then, and yields once so that the tasks those timers woke run before it
/// returns (tokio's `advance`; a zero duration still yields).
///
/// The checks run when `advance` is called, the clock moves when the returned
/// future is first polled.
///
/// # Panics
///
/// Outside a runtime, on a runtime whose time cannot be paused, or when the
/// clock is not paused.
///
/// ```
/// use runtime_timer::{advance, sleep, Instant};
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
///     let mut nap = std::pin::pin!(sleep(Duration::from_secs(10)));
///     # let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
///     # use std::future::Future;
///     assert!(nap.as_mut().poll(&mut cx).is_pending());
///     advance(Duration::from_secs(10)).await;
///     assert_eq!(Instant::now() - start, Duration::from_secs(10));
///     assert!(nap.as_mut().poll(&mut cx).is_ready());
/// });
/// ```
#[track_caller]
pub fn advance(duration: Duration) -> impl Future<Output = ()> + Send + 'static {
    let handle = pausable(error::ADVANCE_NO_RUNTIME);
    assert!(handle.is_paused(), "{}", error::ADVANCE_NOT_PAUSED);
    async move {
        handle.clock().advance(duration);
        handle.process();
        YieldOnce(false).await;
    }
}

/// Pending once (waking itself), then ready: lets the scheduler run the tasks
/// that were woken before the awaiting task continues.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[cfg(all(test, not(runtime_loom)))]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::entry::tests::CountingWaker;
    use crate::instant::Instant;
    use crate::sleep::sleep;
    use crate::sleep::tests::{paused, MS};

    fn running(pausable: bool) -> (TimeHandle, crate::handle::EnterGuard) {
        let time = TimeHandle::new(Clock::new(false), 1, pausable, |_| {});
        let guard = time.enter(0);
        (time, guard)
    }

    #[test]
    fn pause_and_resume_toggle_the_clock() {
        let (time, _guard) = running(true);
        pause();
        assert!(time.is_paused());
        pause(); // idempotent
        let frozen = Instant::now();
        std::thread::sleep(MS);
        assert_eq!(Instant::now(), frozen);
        resume();
        assert!(!time.is_paused());
        std::thread::sleep(MS);
        assert!(Instant::now() > frozen);
    }

    #[test]
    #[should_panic(expected = "`time::pause` needs a runtime")]
    fn pause_outside_a_runtime_panics() {
        pause();
    }

    #[test]
    #[should_panic(expected = "`time::resume` needs a runtime")]
    fn resume_outside_a_runtime_panics() {
        resume();
    }

    #[test]
    #[should_panic(expected = "`time::advance` needs a runtime")]
    fn advance_outside_a_runtime_panics() {
        drop(advance(MS));
    }

    #[test]
    #[should_panic(expected = "paused time is exact only on the current-thread runtime")]
    fn pause_on_a_multi_thread_runtime_panics() {
        let (_time, _guard) = running(false);
        pause();
    }

    #[test]
    #[should_panic(expected = "paused time is exact only on the current-thread runtime")]
    fn resume_on_a_multi_thread_runtime_panics() {
        let (_time, _guard) = running(false);
        resume();
    }

    #[test]
    #[should_panic(expected = "paused time is exact only on the current-thread runtime")]
    fn advance_on_a_multi_thread_runtime_panics() {
        let (_time, _guard) = running(false);
        drop(advance(MS));
    }

    #[test]
    #[should_panic(expected = "`time::resume` needs paused time")]
    fn resume_while_running_panics() {
        let (_time, _guard) = running(true);
        resume();
    }

    #[test]
    #[should_panic(expected = "`time::advance` needs paused time")]
    fn advance_while_running_panics() {
        let (_time, _guard) = running(true);
        drop(advance(MS));
    }

    #[test]
    fn advance_fires_due_timers_then_yields_once() {
        let (time, _guard) = paused();
        let (sleeper, slept) = CountingWaker::new();
        let start = Instant::now();
        let mut early = sleep(10 * MS);
        let mut late = sleep(10 * MS + Duration::from_nanos(1));
        let mut cx = Context::from_waker(&sleeper);
        assert!(Pin::new(&mut early).poll(&mut cx).is_pending());
        assert!(Pin::new(&mut late).poll(&mut cx).is_pending());

        let (waker, woken) = CountingWaker::new();
        let mut cx = Context::from_waker(&waker);
        let mut step = std::pin::pin!(advance(10 * MS));
        assert!(step.as_mut().poll(&mut cx).is_pending(), "yields once");
        assert_eq!(woken.get(), 1, "and asks to be polled again");
        assert_eq!(slept.get(), 1, "the due timer fired, the later one not");
        assert_eq!(Instant::now() - start, 10 * MS, "exactly by the duration");
        assert!(step.as_mut().poll(&mut cx).is_ready());
        assert!(early.is_elapsed());
        assert!(!late.is_elapsed());
        assert_eq!(
            time.next_deadline(),
            Some(start + 10 * MS + Duration::from_nanos(1))
        );
    }

    #[test]
    fn advance_by_zero_still_yields() {
        let (_time, _guard) = paused();
        let start = Instant::now();
        let (waker, woken) = CountingWaker::new();
        let mut cx = Context::from_waker(&waker);
        let mut step = std::pin::pin!(advance(Duration::ZERO));
        assert!(step.as_mut().poll(&mut cx).is_pending());
        assert_eq!(woken.get(), 1);
        assert!(step.as_mut().poll(&mut cx).is_ready());
        assert_eq!(Instant::now(), start);
    }

    #[test]
    fn advance_after_pause_moves_a_running_clock() {
        let (time, _guard) = running(true);
        pause();
        let start = Instant::now();
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let mut step = std::pin::pin!(advance(Duration::from_secs(3600)));
        while step.as_mut().poll(&mut cx).is_pending() {}
        assert_eq!(Instant::now() - start, Duration::from_secs(3600));
        assert!(time.is_paused());
    }
}
