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
