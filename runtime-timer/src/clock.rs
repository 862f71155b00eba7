//! [`Clock`]: real time, or time that only moves when told to.
//!
//! # Model
//!
//! The clock's reading is `real now + offset` while it runs, and `frozen` while it
//! is paused:
//!
//! - `pause` stores the current reading as `frozen`;
//! - `resume` sets `offset = frozen - real now`, so the reading continues from where
//!   it stopped (the paused stretch is skipped, not caught up);
//! - `advance(d)` adds `d` to `frozen` or to `offset`, paused or not.
//!
//! Readings never go backwards: every transition keeps the reading where it is or
//! moves it forward, and the running reading follows `std::time::Instant`, which is
//! monotonic. Readings are nanoseconds since `origin` (the real instant the clock
//! was made at), so at most about 584 years of advancing fit.
//!
//! # Reading without a lock: a sequence lock
//!
//! Transitions (`pause`, `resume`, `advance`) are serialized by a lock, which
//! holds the authoritative state; each publishes the new state to atomics
//! between two increments of a sequence number, odd while it writes, even again
//! after. A reading takes no lock: it loads the sequence, the published state
//! (`frozen`, `offset`), reads the real clock if the state says running, and
//! reads the sequence again, by a read-modify-write (`fetch_add(0)`), which
//! returns the latest value where a second load could return a stale one. An
//! odd or changed sequence means a transition overlapped: it falls back to
//! reading under the lock (no spinning), which waits for the writer. So a
//! reading costs one uncontended atomic instruction where the lock cost two,
//! plus parking_lot's bookkeeping.
//!
//! The second load is what makes this correct where two lock-free designs were
//! not. A "not paused yet" flag cleared by the first `pause`, read before the real
//! clock, was tried and dropped; so was one atomic word of nanoseconds. Both fail
//! the same way: a reader loads "running", a concurrent `pause` reads the real clock
//! and freezes the reading there, and only then does the reader read the real clock,
//! returning a reading later than the frozen one, later than every reading after it.
//! Here the writer makes the sequence odd *before* it reads the real clock (a
//! `SeqCst` read-modify-write, a full barrier), and the reader reads the real clock
//! *before* it reads the sequence again: a reader that still finds the old even
//! value read the real clock before the writer did, so its reading is at most the
//! frozen one. A reading is thus the clock's value at the instant the reader read
//! the real clock, and such values only grow.
//!
//! Stores to the published state are `Release` and the lock-free loads `Acquire`:
//! a reader that sees a writer's new state synchronizes with it and then sees its
//! odd sequence on the second load, so it never returns a mix of two states.
//! `tests/loom_clock.rs` checks the protocol under loom, torn mixes included.
//!
//! A clock made by [`Clock::real`] can never be paused: it reads
//! `std::time::Instant::now()` and nothing else. The multi-thread runtime uses one,
//! since paused time is exact only on the current-thread runtime.

use crate::error;
use crate::instant::Instant;
use crate::loom::sync::atomic::{AtomicU64, Ordering};
use crate::loom::sync::Mutex;
use std::fmt;
use std::time::Duration;

/// `frozen` while the clock runs.
const RUNNING: u64 = u64::MAX;

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
    /// The real instant readings count from (the first reading).
    origin: std::time::Instant,
    /// Even when no transition is publishing; incremented twice by each,
    /// under `state`'s lock.
    seq: AtomicU64,
    /// The published [`State::frozen`].
    frozen: AtomicU64,
    /// The published [`State::offset`].
    offset: AtomicU64,
    /// The state itself: transitions, and readers that met one, read it here.
    state: Mutex<State>,
    /// Made by [`Clock::real`]: reads the real clock, never pauses.
    real: bool,
}

/// What a reading is computed from.
#[derive(Clone, Copy)]
struct State {
    /// The frozen reading (ns since `origin`), or [`RUNNING`].
    frozen: u64,
    /// While running: reading minus real time, in ns, modulo 2^64 (it may be
    /// "negative" after a pause and resume). 0 until the clock is first
    /// paused or advanced: the reading is the real clock's, at no cost.
    offset: u64,
}

impl Clock {
    /// A clock reading the real time now, paused there if `paused`.
    #[must_use]
    pub fn new(paused: bool) -> Self {
        let state = State {
            frozen: if paused { 0 } else { RUNNING },
            offset: 0,
        };
        Self {
            origin: std::time::Instant::now(),
            seq: AtomicU64::new(0),
            frozen: AtomicU64::new(state.frozen),
            offset: AtomicU64::new(state.offset),
            state: Mutex::new(state),
            real: false,
        }
    }

    /// A clock that always reads the real time and cannot be paused or advanced
    /// (which panics); reading it is one `std::time::Instant::now()`.
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

    /// The clock's current reading. Lock-free unless a transition is under way.
    #[must_use]
    pub fn now(&self) -> Instant {
        if self.real {
            return Instant::from_std(std::time::Instant::now());
        }
        let seq = self.seq.load(Ordering::Acquire);
        if seq & 1 == 0 {
            let state = State {
                frozen: self.frozen.load(Ordering::Acquire),
                offset: self.offset.load(Ordering::Acquire),
            };
            let reading = self.reading(state);
            // After the data loads (they are `Acquire`) and the real-clock read
            // (see "Reading without a lock"). A read-modify-write, not a load:
            // it reads the latest value, where a load may return a stale even
            // one after a writer went odd and read the real clock (the memory
            // model allows it, and the loom models find it).
            if self.seq.fetch_add(0, Ordering::SeqCst) == seq {
                return reading;
            }
        }
        // A transition overlapped: wait for it and read under the lock.
        let state = *self.state.lock();
        self.reading(state)
    }

    /// The reading `state` gives now (reads the real clock if it runs).
    fn reading(&self, state: State) -> Instant {
        if state.frozen != RUNNING {
            return self.instant(state.frozen);
        }
        let real = std::time::Instant::now();
        if state.offset == 0 {
            return Instant::from_std(real);
        }
        self.instant(self.real_ns(real).wrapping_add(state.offset))
    }

    /// `real` in ns since `origin`.
    fn real_ns(&self, real: std::time::Instant) -> u64 {
        let ns = real.saturating_duration_since(self.origin).as_nanos();
        u64::try_from(ns).unwrap_or(u64::MAX)
    }

    /// The reading `ns` nanoseconds after `origin` (representable: checked by
    /// `advance`, the only way readings get far ahead of real time).
    fn instant(&self, ns: u64) -> Instant {
        Instant::from_std(self.origin + Duration::from_nanos(ns))
    }

    /// The reading `state` gives now, in ns since `origin`.
    fn reading_ns(&self, state: State) -> u64 {
        if state.frozen != RUNNING {
            return state.frozen;
        }
        self.real_ns(std::time::Instant::now())
            .wrapping_add(state.offset)
    }

    /// Runs a transition under the lock: `check` sees the state first and may
    /// refuse (this then returns `false` and changes nothing); then, with the
    /// sequence odd, `write` computes the new state (`None`: no change), which is
    /// published before the sequence is even again.
    fn transition(
        &self,
        check: impl FnOnce(&Self, State) -> bool,
        write: impl FnOnce(&Self, State) -> Option<State>,
    ) -> bool {
        let mut state = self.state.lock();
        if !check(self, *state) {
            return false;
        }
        // Odd before `write` reads the real clock: a full barrier (see "Reading
        // without a lock"). Only transitions, serialized here, change `seq`.
        self.seq.fetch_add(1, Ordering::SeqCst);
        if let Some(new) = write(self, *state) {
            self.frozen.store(new.frozen, Ordering::Release);
            self.offset.store(new.offset, Ordering::Release);
            *state = new;
        }
        self.seq.fetch_add(1, Ordering::Release);
        true
    }

    /// Stops the clock at its current reading. Does nothing if it is paused.
    ///
    /// # Panics
    ///
    /// On a clock made by [`Clock::real`].
    #[track_caller]
    pub fn pause(&self) {
        assert!(!self.real, "{}", error::CLOCK_NOT_PAUSABLE);
        self.transition(
            |_, _| true,
            |clock, state| {
                (state.frozen == RUNNING).then(|| State {
                    frozen: clock.reading_ns(state),
                    offset: state.offset,
                })
            },
        );
    }

    /// Lets the clock run again from its current reading. Does nothing if it runs.
    pub fn resume(&self) {
        self.transition(
            |_, _| true,
            |clock, state| {
                (state.frozen != RUNNING).then(|| State {
                    frozen: RUNNING,
                    offset: state
                        .frozen
                        .wrapping_sub(clock.real_ns(std::time::Instant::now())),
                })
            },
        );
    }

    /// Moves the clock forward by `duration`, paused or not.
    ///
    /// # Panics
    ///
    /// If the new reading is not representable as an [`Instant`] or lies more
    /// than about 584 years after the clock was made, or on a clock made by
    /// [`Clock::real`].
    #[track_caller]
    pub fn advance(&self, duration: Duration) {
        assert!(!self.real, "{}", error::CLOCK_NOT_PAUSABLE);
        let by = u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX);
        let advanced = self.transition(
            |clock, state| {
                clock
                    .reading_ns(state)
                    .checked_add(by)
                    .filter(|&ns| ns != RUNNING)
                    .is_some_and(|ns| clock.origin.checked_add(Duration::from_nanos(ns)).is_some())
            },
            |_, state| {
                Some(if state.frozen == RUNNING {
                    State {
                        frozen: RUNNING,
                        offset: state.offset.wrapping_add(by),
                    }
                } else {
                    State {
                        frozen: state.frozen + by,
                        offset: state.offset,
                    }
                })
            },
        );
        assert!(advanced, "{}", error::CLOCK_ADVANCE_OVERFLOW);
    }

    /// `true` while the clock is paused. Lock-free.
    #[must_use]
    pub fn is_paused(&self) -> bool {
        self.frozen.load(Ordering::Acquire) != RUNNING
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
        f.debug_struct("Clock")
            .field("paused", &self.is_paused())
            .field("now", &self.now())
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
        // The real clock itself may read a few tens of ns apart on two CPUs (a pause
        // freezes the pauser's reading, which can trail one this thread just took on its
        // own CPU; seen: 20 ns on a VM). The logical property (never later than a racing
        // pause's frozen reading) is the loom models' to check; here, real threads must
        // never see the clock go back by more than that skew. A torn reading or a lost
        // advance would be off by the 3 µs steps or by whole seconds.
        const SKEW: Duration = Duration::from_micros(1);
        let mut last = clock.now();
        while !toggler.is_finished() {
            let now = clock.now();
            assert!(now + SKEW >= last, "went back: {last:?} -> {now:?}");
            last = last.max(now);
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
    fn a_resumed_clock_runs_on_from_its_frozen_reading_without_the_lock() {
        let clock = Clock::new(true);
        let start = clock.now();
        clock.advance(Duration::from_secs(5));
        clock.resume();
        // Lock-free readings continue from start + 5 s.
        let a = clock.now();
        std::thread::sleep(Duration::from_millis(2));
        let b = clock.now();
        assert!(a >= start + Duration::from_secs(5));
        assert!(b - a >= Duration::from_millis(2));
        assert!(b - start < Duration::from_secs(65), "{:?}", b - start);
        assert_eq!(clock.seq.load(Ordering::Relaxed) % 2, 0, "even at rest");
    }

    #[test]
    fn a_failed_advance_leaves_the_clock_as_it_was() {
        let clock = Clock::new(true);
        let start = clock.now();
        let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            clock.advance(Duration::MAX);
        }));
        assert!(err.is_err());
        assert_eq!(clock.now(), start);
        assert_eq!(
            clock.seq.load(Ordering::Relaxed) % 2,
            0,
            "no half transition"
        );
        clock.advance(Duration::from_secs(1));
        assert_eq!(clock.now() - start, Duration::from_secs(1));
    }

    #[test]
    fn debug_says_whether_paused() {
        let text = format!("{:?}", Clock::new(true));
        assert!(text.starts_with("Clock { paused: true, now: "), "{text}");
    }
}
