//! [`Timer`]: hyper's `rt::Timer` on the runtime's timers.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::time::{Instant, Sleep};

/// hyper's `rt::Timer` on the runtime's timers: header-read timeouts, keep-alive
/// timeouts and HTTP/2 pings become runtime [`Sleep`]s.
///
/// - `now` reads the runtime's clock, so paused time (`start_paused`,
///   [`pause`](crate::time::pause)) holds for hyper too.
/// - `reset` moves the existing `Sleep` to the new deadline in place (no allocation,
///   the timer keeps its slot), as hyper does for every keep-alive period.
/// - The `Sleep`s may be created outside a runtime; they take the runtime of the
///   task that first polls them.
///
/// # Examples
///
/// ```
/// use hyper::rt::Timer as _;
/// use std::time::Duration;
///
/// let rt = runtime::Builder::new_current_thread().start_paused(true).build().unwrap();
/// rt.block_on(async {
///     let timer = runtime::hyper::Timer::new();
///     let start = runtime::time::Instant::now();
///     timer.sleep(Duration::from_secs(30)).await;
///     assert_eq!(start.elapsed(), Duration::from_secs(30)); // virtual seconds
/// });
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Timer {
    _private: (),
}

impl Timer {
    /// The timer; it holds nothing, every call goes to the current runtime.
    ///
    /// ```
    /// let builder = hyper::server::conn::http1::Builder::new()
    ///     .timer(runtime::hyper::Timer::new())
    ///     .header_read_timeout(std::time::Duration::from_secs(5))
    ///     .clone();
    /// # drop(builder);
    /// ```
    pub fn new() -> Timer {
        Timer { _private: () }
    }
}

/// The `Sleep` handed to hyper: ours, with hyper's `Sleep` marker.
#[derive(Debug)]
struct HyperSleep {
    inner: Sleep,
}

impl Future for HyperSleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.inner).poll(cx)
    }
}

impl ::hyper::rt::Sleep for HyperSleep {}

impl ::hyper::rt::Timer for Timer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn ::hyper::rt::Sleep>> {
        Box::pin(HyperSleep {
            inner: crate::time::sleep(duration),
        })
    }

    fn sleep_until(&self, deadline: std::time::Instant) -> Pin<Box<dyn ::hyper::rt::Sleep>> {
        Box::pin(HyperSleep {
            inner: crate::time::sleep_until(Instant::from(deadline)),
        })
    }

    fn now(&self) -> std::time::Instant {
        Instant::now().into()
    }

    fn reset(
        &self,
        sleep: &mut Pin<Box<dyn ::hyper::rt::Sleep>>,
        new_deadline: std::time::Instant,
    ) {
        match sleep.as_mut().downcast_mut_pin::<HyperSleep>() {
            Some(ours) => Pin::new(&mut ours.get_mut().inner).reset(Instant::from(new_deadline)),
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}
