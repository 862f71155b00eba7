//! The pool protocol on real threads (the loom models check the interleavings).

use super::support::Probe;
use crate::Builder;
use std::time::{Duration, Instant};

/// Polls `cond` every millisecond for up to 10 s.
fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn retiring_threads_give_back_their_slots() {
    let pool = Builder::new()
        .max_threads(4)
        .keep_alive(Duration::from_millis(20))
        .build()
        .unwrap();
    let probe = Probe::new();
    for _ in 0..8 {
        pool.execute(probe.job()).unwrap();
    }
    assert_eq!(probe.wait_resolved(8).runs, 8);
    eventually("every thread retired", || pool.num_threads() == 0);
    assert_eq!(pool.shared().slots(), 0);
    assert_eq!(pool.idle_threads(), 0);
    assert!(pool.spawned_threads() <= 4);
}

#[test]
fn an_idle_thread_is_reused_instead_of_spawning() {
    let pool = Builder::new()
        .max_threads(8)
        .keep_alive(Duration::from_secs(60))
        .build()
        .unwrap();
    let probe = Probe::new();
    for round in 1..=20 {
        pool.execute(probe.job()).unwrap();
        probe.wait_resolved(round);
        eventually("the thread is idle again", || pool.idle_threads() == 1);
    }
    assert_eq!(pool.spawned_threads(), 1);
    assert_eq!(pool.shared().slots(), 1);
    assert_eq!(probe.tally().drops, 0);
}

#[test]
fn core_threads_never_retire() {
    let pool = Builder::new()
        .min_threads(2)
        .max_threads(3)
        .keep_alive(Duration::ZERO)
        .build()
        .unwrap();
    let probe = Probe::new();
    for _ in 0..50 {
        pool.execute(probe.job()).unwrap();
    }
    assert_eq!(probe.wait_resolved(50).runs, 50);
    eventually("extra threads retired", || pool.num_threads() == 2);
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(pool.num_threads(), 2);
    assert_eq!(pool.shared().slots(), 2);
}
