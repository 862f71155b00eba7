//! [`Instant`]: the runtime's point in time.

use crate::error;
use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::time::Duration;

/// A point in time, as the runtime measures it: `runtime::time::Instant`.
///
/// A thin `Copy` wrapper over [`std::time::Instant`] with the same arithmetic.
/// It exists so that time can be *paused* in tests: [`Instant::now`] reads the
/// current runtime's clock, which `runtime::time::pause` / `advance` control
/// (and which is the real clock unless paused); outside a runtime it reads
/// `std::time::Instant::now()`.
///
/// Converting to and from `std::time::Instant` is free ([`from_std`](Self::from_std),
/// [`into_std`](Self::into_std), and `From` both ways).
///
/// ```
/// use runtime_timer::Instant;
/// use std::time::Duration;
///
/// let start = Instant::now();
/// let deadline = start + Duration::from_millis(5);
/// assert_eq!(deadline - start, Duration::from_millis(5));
/// assert_eq!(deadline.duration_since(start), Duration::from_millis(5));
/// // Subtracting a later instant saturates to zero, like std.
/// assert_eq!(start.saturating_duration_since(deadline), Duration::ZERO);
/// assert_eq!(start.checked_duration_since(deadline), None);
/// assert!(start.elapsed() < Duration::from_secs(60));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(std::time::Instant);

impl Instant {
    /// The current instant: the current runtime's clock (paused or real), or
    /// the real clock on a thread outside any runtime.
    #[must_use]
    pub fn now() -> Self {
        crate::handle::TimeHandle::with_current(|time, _| time.now())
            .unwrap_or_else(|| Self(std::time::Instant::now()))
    }

    /// Wraps a `std::time::Instant`.
    #[must_use]
    pub const fn from_std(std: std::time::Instant) -> Self {
        Self(std)
    }

    /// The `std::time::Instant` this wraps.
    #[must_use]
    pub const fn into_std(self) -> std::time::Instant {
        self.0
    }

    /// Time passed since `self`, measured by [`Instant::now`]; zero if `self` is
    /// in the future.
    #[must_use]
    pub fn elapsed(&self) -> Duration {
        Self::now().saturating_duration_since(*self)
    }

    /// Time from `earlier` to `self`; zero if `earlier` is later (like std since
    /// Rust 1.60).
    #[must_use]
    pub fn duration_since(&self, earlier: Self) -> Duration {
        self.saturating_duration_since(earlier)
    }

    /// Time from `earlier` to `self`, or `None` if `earlier` is later.
    #[must_use]
    pub fn checked_duration_since(&self, earlier: Self) -> Option<Duration> {
        self.0.checked_duration_since(earlier.0)
    }

    /// Time from `earlier` to `self`, or zero if `earlier` is later.
    #[must_use]
    pub fn saturating_duration_since(&self, earlier: Self) -> Duration {
        self.0.saturating_duration_since(earlier.0)
    }

    /// `self + duration`, or `None` if that is not representable.
    #[must_use]
    pub fn checked_add(&self, duration: Duration) -> Option<Self> {
        self.0.checked_add(duration).map(Self)
    }

    /// `self - duration`, or `None` if that is not representable.
    #[must_use]
    pub fn checked_sub(&self, duration: Duration) -> Option<Self> {
        self.0.checked_sub(duration).map(Self)
    }
}

impl From<std::time::Instant> for Instant {
    fn from(std: std::time::Instant) -> Self {
        Self(std)
    }
}

impl From<Instant> for std::time::Instant {
    fn from(instant: Instant) -> Self {
        instant.0
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;

    /// # Panics
    ///
    /// If the result is not representable; use [`Instant::checked_add`] to handle it.
    #[track_caller]
    fn add(self, rhs: Duration) -> Instant {
        self.checked_add(rhs).expect(error::INSTANT_ADD_OVERFLOW)
    }
}

impl AddAssign<Duration> for Instant {
    #[track_caller]
    fn add_assign(&mut self, rhs: Duration) {
        *self = *self + rhs;
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;

    /// # Panics
    ///
    /// If the result is not representable; use [`Instant::checked_sub`] to handle it.
    #[track_caller]
    fn sub(self, rhs: Duration) -> Instant {
        self.checked_sub(rhs).expect(error::INSTANT_SUB_OVERFLOW)
    }
}

impl SubAssign<Duration> for Instant {
    #[track_caller]
    fn sub_assign(&mut self, rhs: Duration) {
        *self = *self - rhs;
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;

    /// Same as [`Instant::duration_since`]: zero if `rhs` is later.
    fn sub(self, rhs: Instant) -> Duration {
        self.duration_since(rhs)
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(all(test, not(runtime_loom)))]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn arithmetic_matches_std() {
        let std_now = std::time::Instant::now();
        let now = Instant::from_std(std_now);
        let d = Duration::from_millis(1500);
        assert_eq!((now + d).into_std(), std_now + d);
        assert_eq!((now + d - d), now);
        let mut t = now;
        t += d;
        assert_eq!(t - now, d);
        t -= d;
        assert_eq!(t, now);
        assert_eq!(std::time::Instant::from(now + d), std_now + d);
        assert_eq!(Instant::from(std_now), now);
    }

    #[test]
    fn differences_saturate_or_say_none() {
        let a = Instant::now();
        let b = a + Duration::from_secs(1);
        assert_eq!(b.duration_since(a), Duration::from_secs(1));
        assert_eq!(a.duration_since(b), Duration::ZERO);
        assert_eq!(a - b, Duration::ZERO);
        assert_eq!(b.checked_duration_since(a), Some(Duration::from_secs(1)));
        assert_eq!(a.checked_duration_since(b), None);
        assert_eq!(a.saturating_duration_since(b), Duration::ZERO);
        assert_eq!(b.elapsed(), Duration::ZERO, "in the future");
    }

    #[test]
    fn ordered_hashable_and_debug_like_std() {
        let a = Instant::now();
        let b = a + Duration::from_nanos(1);
        assert!(a < b);
        assert_eq!(a.max(b), b);
        let set: HashSet<Instant> = [a, b, a].into_iter().collect();
        assert_eq!(set.len(), 2);
        assert_eq!(format!("{a:?}"), format!("{:?}", a.into_std()));
    }

    #[test]
    fn elapsed_grows() {
        let start = Instant::now();
        std::thread::sleep(Duration::from_millis(5));
        assert!(start.elapsed() >= Duration::from_millis(5));
    }

    #[test]
    #[should_panic(expected = "overflow when adding a duration to an instant")]
    fn add_overflow_panics_with_advice() {
        let _ = Instant::now() + Duration::MAX;
    }

    #[test]
    #[should_panic(expected = "overflow when subtracting a duration from an instant")]
    fn sub_overflow_panics_with_advice() {
        let _ = Instant::now() - Duration::MAX;
    }

    #[test]
    fn checked_ops_return_none_on_overflow() {
        let now = Instant::now();
        assert_eq!(now.checked_add(Duration::MAX), None);
        assert_eq!(now.checked_sub(Duration::MAX), None);
        assert_eq!(now.checked_add(Duration::ZERO), Some(now));
    }
}
