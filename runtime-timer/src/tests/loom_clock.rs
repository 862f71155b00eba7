//! Readings stay monotonic while another thread pauses, advances and resumes.
//!
//! Run with
//! `RUSTFLAGS="--cfg runtime_loom -C debug-assertions" LOOM_MAX_PREEMPTIONS=2
//! cargo test --release -p runtime-timer --lib loom_`.

use crate::loom::model;
use crate::loom::sync::Arc;
use crate::loom::thread;
use crate::Clock;
use std::time::Duration;

#[test]
fn loom_readings_are_monotonic_across_transitions() {
    model(|| {
        let clock = Arc::new(Clock::new(false));
        let start = clock.now();
        let other = {
            let clock = clock.clone();
            thread::spawn(move || {
                clock.pause();
                clock.advance(Duration::from_secs(1));
                clock.resume();
            })
        };
        let a = clock.now();
        let b = clock.now();
        let c = clock.now();
        assert!(a <= b && b <= c, "{a:?} {b:?} {c:?}");
        other.join().unwrap();
        assert!(!clock.is_paused());
        // `base` only grows, and the advance added a second to it.
        assert!(clock.now() >= c);
        assert!(clock.now() >= start + Duration::from_secs(1));
    });
}

#[test]
fn loom_advance_from_two_threads_adds_up() {
    model(|| {
        let clock = Arc::new(Clock::new(true));
        let start = clock.now();
        let other = {
            let clock = clock.clone();
            thread::spawn(move || clock.advance(Duration::from_secs(1)))
        };
        clock.advance(Duration::from_secs(2));
        other.join().unwrap();
        assert_eq!(clock.now() - start, Duration::from_secs(3));
    });
}

/// The sequence lock's torn read: a reader meeting `advance` and `resume` (two
/// stores of the state each) sees either the state before a transition or the
/// one after, never a mix (the mix `running, offset 0` would read the real
/// clock, a second behind the advanced reading), and never goes back.
#[test]
fn loom_lock_free_readings_are_never_torn() {
    model(|| {
        let clock = Arc::new(Clock::new(true));
        let start = clock.now();
        let other = {
            let clock = clock.clone();
            thread::spawn(move || {
                clock.advance(Duration::from_secs(1));
                clock.resume();
            })
        };
        let a = clock.now();
        let b = clock.now();
        for reading in [a, b] {
            assert!(
                reading == start || reading >= start + Duration::from_secs(1),
                "a torn reading: {:?} after {start:?}",
                reading
            );
        }
        assert!(a <= b, "{a:?} {b:?}");
        other.join().unwrap();
        assert!(clock.now() >= start + Duration::from_secs(1));
    });
}

/// A reader racing `pause` on a clock that was already advanced (offset
/// non-zero): the frozen reading is never earlier than one taken before it.
#[test]
fn loom_a_reading_before_pause_is_never_later_than_the_frozen_one() {
    model(|| {
        let clock = Arc::new(Clock::new(false));
        clock.advance(Duration::from_secs(1));
        let other = {
            let clock = clock.clone();
            thread::spawn(move || {
                clock.pause();
                clock.now()
            })
        };
        let before = clock.now();
        let frozen = other.join().unwrap();
        let after = clock.now();
        assert_eq!(after, frozen, "paused");
        assert!(before <= frozen, "{before:?} > frozen {frozen:?}");
    });
}
