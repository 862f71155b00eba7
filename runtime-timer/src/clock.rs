//! [`Clock`]: real time, or time that only moves when told to.
//!
//! # Model
//!
//! The clock's reading is `base + (real time since unfrozen)` while it runs, and
//! `base` while it is paused:
//!
//! - `pause` folds the running stretch into `base` and forgets `unfrozen`;
//! - `resume` sets `unfrozen` to the real now, so the reading continues from where
//!   it stopped (the paused stretch is skipped, not caught up);
//! - `advance(d)` adds `d` to `base`, paused or not.
//!
//! Readings never go backwards: `base` only grows, and the running stretch is
//! measured with `std::time::Instant`, which is monotonic.
//!
//! Both fields live under one lock (the shim's `Mutex`: parking_lot, or loom's in
//! models), which makes every reading and transition one critical section, so a
//! reading taken during a concurrent `pause` is never later than the frozen value.
//! A clock made by [`Clock::real`] can never be paused: it reads
//! `std::time::Instant::now()` without any lock. The multi-thread runtime uses
//! one, since paused time is exact only on the current-thread runtime. (A
//! lock-free shortcut for a pausable clock that has not been paused yet, a flag
//! cleared by the first `pause`, was tried and dropped: a reader may see the
//! flag stale after a pause froze an earlier reading, and go backwards.)
//!
//! A lock-free encoding (one atomic word of nanoseconds) was considered and
//! rejected: a reader that loaded "running" could read the real clock *after* a
//! concurrent `pause` froze it, and return a reading later than every reading
//! after it. tokio's `time::Clock` makes the same choice.

use crate::error;
use crate::instant::Instant;
use crate::loom::sync::Mutex;
use std::fmt;
use std::time::Duration;

/// A clock that reads real time, or paused time that moves only by
/// [`advance`](Self::advance).
///
/// The runtime owns one per runtime and uses it for every timer; tests pause it
/// (`Builder::start_paused`, `runtime::time::pause`) so that timeouts elapse
/// instantly and deterministically.
///
/// ```
/// use runtime_timer::Clock;
/// use std::time::Duration;
///
/// let clock = Clock::new(true); // paused
/// let start = clock.now();
/// clock.advance(Duration::from_secs(3600));
/// assert_eq!(clock.now() - start, Duration::from_secs(3600));
///
/// clock.resume(); // real time again, continuing from start + 1 h
/// assert!(clock.now() >= start + Duration::from_secs(3600));
/// assert!(!clock.is_paused());
/// ```
pub struct Clock {
    inner: Mutex<Inner>,
    /// Made by [`Clock::real`]: reads the real clock, never pauses.
    real: bool,
}

struct Inner {
    /// The reading when `unfrozen` was taken (or the frozen reading).
    base: std::time::Instant,
    /// Real instant the current running stretch began; `None` while paused.
    unfrozen: Option<std::time::Instant>,
}

impl Inner {
    fn now(&self) -> std::time::Instant {
        match self.unfrozen {
            Some(since) => self.base + since.elapsed(),
            None => self.base,
        }
    }
}

impl Clock {
    /// A clock reading the real time now, paused there if `paused`.
    #[must_use]
    pub fn new(paused: bool) -> Self {
        let now = std::time::Instant::now();
        Self {
            inner: Mutex::new(Inner {
                base: now,
                unfrozen: (!paused).then_some(now),
            }),
            real: false,
        }
    }

    /// A clock that always reads the real time and cannot be paused or advanced
    /// (which panics); reading it takes no lock.
    ///
    /// ```
    /// let clock = runtime_timer::Clock::real();
    /// assert!(!clock.is_pausable());
    /// assert!(clock.now() <= runtime_timer::Instant::from_std(std::time::Instant::now()));
    /// ```
    #[must_use]
    pub fn real() -> Self {
        Self {
            real: true,
            ..Self::new(false)
        }
    }

    /// Whether [`pause`](Self::pause) and [`advance`](Self::advance) may be used
    /// (`false` for [`Clock::real`]).
    #[must_use]
    pub fn is_pausable(&self) -> bool {
        !self.real
    }

    /// The clock's current reading.
    #[must_use]
    pub fn now(&self) -> Instant {
        if self.real {
            return Instant::from_std(std::time::Instant::now());
        }
        Instant::from_std(self.inner.lock().now())
    }

    /// Stops the clock at its current reading. Does nothing if it is paused.
    ///
    /// # Panics
    ///
    /// On a clock made by [`Clock::real`].
    #[track_caller]
    pub fn pause(&self) {
        assert!(!self.real, "{}", error::CLOCK_NOT_PAUSABLE);
        let mut inner = self.inner.lock();
        if let Some(since) = inner.unfrozen.take() {
            inner.base += since.elapsed();
        }
    }

    /// Lets the clock run again from its current reading. Does nothing if it runs.
    pub fn resume(&self) {
        let mut inner = self.inner.lock();
        if inner.unfrozen.is_none() {
            inner.unfrozen = Some(std::time::Instant::now());
        }
    }

    /// Moves the clock forward by `duration`, paused or not.
    ///
    /// # Panics
    ///
    /// If the new reading is not representable as an [`Instant`] (hundreds of
    /// years ahead on common platforms), or on a clock made by [`Clock::real`].
    #[track_caller]
    pub fn advance(&self, duration: Duration) {
        assert!(!self.real, "{}", error::CLOCK_NOT_PAUSABLE);
        let mut inner = self.inner.lock();
        inner.base = inner
            .base
            .checked_add(duration)
            .expect(error::CLOCK_ADVANCE_OVERFLOW);
    }

    /// `true` while the clock is paused.
    #[must_use]
    pub fn is_paused(&self) -> bool {
        self.inner.lock().unfrozen.is_none()
    }
}

impl Default for Clock {
    /// A running clock.
    fn default() -> Self {
        Self::new(false)
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.inner.lock();
        f.debug_struct("Clock")
            .field("paused", &inner.unfrozen.is_none())
            .field("now", &inner.now())
            .finish()
    }
}

#[cfg(not(runtime_loom))]
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Clock>();
    assert_send_sync::<Instant>();
};

#[cfg(all(test, not(runtime_loom)))]
mod tests {
    use super::*;

    #[test]
    fn a_paused_clock_stands_still() {
        let clock = Clock::new(true);
        assert!(clock.is_paused());
        let a = clock.now();
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(clock.now(), a);
    }

    #[test]
    fn advance_moves_a_paused_clock_exactly() {
        let clock = Clock::new(true);
        let a = clock.now();
        clock.advance(Duration::from_millis(250));
        clock.advance(Duration::from_secs(2));
        assert_eq!(clock.now() - a, Duration::from_millis(2250));
        clock.advance(Duration::ZERO);
        assert_eq!(clock.now() - a, Duration::from_millis(2250));
    }

    #[test]
    fn a_running_clock_follows_real_time() {
        let clock = Clock::new(false);
        assert!(!clock.is_paused());
        let a = clock.now();
        std::thread::sleep(Duration::from_millis(5));
        let b = clock.now();
        assert!(b - a >= Duration::from_millis(5));
        assert!(b <= Instant::now() + Duration::from_secs(1));
    }

    #[test]
    fn advance_moves_a_running_clock_ahead() {
        let clock = Clock::default();
        let a = clock.now();
        clock.advance(Duration::from_secs(60));
        assert!(clock.now() - a >= Duration::from_secs(60));
    }

    #[test]
    fn pause_freezes_and_resume_continues_from_the_frozen_reading() {
        let clock = Clock::new(false);
        clock.pause();
        let frozen = clock.now();
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(clock.now(), frozen);
        clock.resume();
        let after = clock.now();
        assert!(after >= frozen);
        // The paused 20 ms are skipped, not caught up.
        assert!(
            after - frozen < Duration::from_millis(20),
            "{:?}",
            after - frozen
        );
    }

    #[test]
    fn pause_and_resume_are_idempotent() {
        let clock = Clock::new(true);
        clock.pause();
        assert!(clock.is_paused());
        clock.resume();
        clock.resume();
        assert!(!clock.is_paused());
        clock.pause();
        let frozen = clock.now();
        clock.pause();
        assert_eq!(clock.now(), frozen);
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // a real thread toggles the clock
    fn readings_never_go_backwards_across_threads() {
        let clock = std::sync::Arc::new(Clock::new(false));
        let toggler = {
            let clock = clock.clone();
            std::thread::spawn(move || {
                for i in 0..2_000 {
                    if i % 2 == 0 {
                        clock.pause();
                        clock.advance(Duration::from_micros(3));
                    } else {
                        clock.resume();
                    }
                }
            })
        };
        let mut last = clock.now();
        while !toggler.is_finished() {
            let now = clock.now();
            assert!(now >= last, "went back: {last:?} -> {now:?}");
            last = now;
        }
        toggler.join().unwrap();
    }

    #[test]
    #[should_panic(expected = "advancing the clock overflows")]
    fn advance_overflow_panics_with_advice() {
        Clock::new(true).advance(Duration::MAX);
    }

    #[test]
    fn a_real_clock_reads_real_time_and_refuses_to_pause() {
        let clock = Clock::real();
        let before = Instant::from_std(std::time::Instant::now());
        let reading = clock.now();
        assert!(reading >= before);
        assert!(!clock.is_paused());
        assert!(!clock.is_pausable());
        assert!(Clock::new(false).is_pausable());
        let err =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| clock.pause())).unwrap_err();
        assert_eq!(
            err.downcast_ref::<String>().unwrap(),
            error::CLOCK_NOT_PAUSABLE
        );
        let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            clock.advance(Duration::from_secs(1))
        }))
        .unwrap_err();
        assert_eq!(
            err.downcast_ref::<String>().unwrap(),
            error::CLOCK_NOT_PAUSABLE
        );
    }

    #[test]
    fn debug_says_whether_paused() {
        let text = format!("{:?}", Clock::new(true));
        assert!(text.starts_with("Clock { paused: true, now: "), "{text}");
    }
}
