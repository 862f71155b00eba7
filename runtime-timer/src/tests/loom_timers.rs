//! The races of a timer against the driver that fires it: cancel (drop), reset
//! and waker replacement while firing, and reset against shutdown.
//!
//! Run with
//! `RUSTFLAGS="--cfg runtime_loom -C debug-assertions" LOOM_MAX_PREEMPTIONS=3
//! cargo test --release -p runtime-timer --lib loom_`.

use crate::entry::tests::CountingWaker;
use crate::loom::model;
use crate::loom::sync::Arc;
use crate::loom::thread;
use crate::{Instant, Registration, ShutdownError, Timers};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

const MS: Duration = Duration::from_millis(1);

fn poll(registration: &mut Registration, waker: &Waker) -> Poll<Result<(), ShutdownError>> {
    registration.poll_elapsed(&mut Context::from_waker(waker))
}

/// One shard, one pending timer due at `start + 1 ms`, its task's waker registered.
fn setup() -> (Arc<Timers>, Instant, Registration) {
    let start = Instant::now();
    let timers = Arc::new(Timers::new(start, 1, |_| {}));
    let sleep = timers.register(0, start + MS);
    (timers, start, sleep)
}

/// A driver thread firing every timer due at `now`; joins to how many fired.
fn drive(timers: &Arc<Timers>, now: Instant) -> thread::JoinHandle<usize> {
    let timers = timers.clone();
    thread::spawn(move || timers.process(now))
}

#[test]
fn loom_drop_races_fire() {
    model(|| {
        let (timers, start, mut sleep) = setup();
        let (waker, count) = CountingWaker::new();
        assert!(poll(&mut sleep, &waker).is_pending());
        let driver = drive(&timers, start + MS);
        drop(sleep);
        let fired = driver.join().unwrap();
        // Cancelled first: never fired, never woke. Fired first: woke once.
        assert_eq!(count.get(), fired);
        assert_eq!(timers.next_deadline(), None);
        assert_eq!(timers.process(start + 2 * MS), 0);
        // Loom checks at the end of the model that every `Arc` was released.
    });
}

#[test]
fn loom_reset_races_fire() {
    model(|| {
        let (timers, start, mut sleep) = setup();
        let (waker, _count) = CountingWaker::new();
        assert!(poll(&mut sleep, &waker).is_pending());
        let driver = drive(&timers, start + 2 * MS);
        sleep.reset(start + 3 * MS);
        // Even while the old fire may still be in flight, nothing completes it.
        assert!(poll(&mut sleep, &waker).is_pending());
        driver.join().unwrap();
        // Whether the old deadline fired before the reset or not, the timer
        // now waits for the new one: a stale fire never completes it.
        assert!(!sleep.is_elapsed());
        assert!(poll(&mut sleep, &waker).is_pending());
        assert_eq!(timers.next_deadline(), Some(start + 3 * MS));
        assert_eq!(timers.process(start + 3 * MS), 1);
        assert_eq!(poll(&mut sleep, &waker), Poll::Ready(Ok(())));
    });
}

#[test]
fn loom_waker_replaced_while_firing() {
    model(|| {
        let (timers, start, mut sleep) = setup();
        let (old, old_count) = CountingWaker::new();
        let (new, new_count) = CountingWaker::new();
        assert!(poll(&mut sleep, &old).is_pending());
        let driver = drive(&timers, start + MS);
        let polled = poll(&mut sleep, &new);
        assert_eq!(driver.join().unwrap(), 1);
        // No lost wake-up: the second poll saw the fire, or the new waker was
        // woken. The old one is woken at most once, and only if the fire won.
        assert!(polled.is_ready() || new_count.get() >= 1, "lost wake-up");
        assert!(old_count.get() <= 1);
        assert_eq!(poll(&mut sleep, &new), Poll::Ready(Ok(())));
    });
}

#[test]
fn loom_reset_races_shutdown() {
    model(|| {
        let (timers, start, mut sleep) = setup();
        let (waker, _count) = CountingWaker::new();
        assert!(poll(&mut sleep, &waker).is_pending());
        let closer = {
            let timers = timers.clone();
            thread::spawn(move || timers.shutdown())
        };
        sleep.reset(start + 2 * MS);
        closer.join().unwrap();
        // Reset before the close: drained and shut down. After: shut down at
        // once. Never pending forever.
        assert!(matches!(poll(&mut sleep, &waker), Poll::Ready(Err(_))));
    });
}

/// A timer dropped on another worker than its owner's, while the driver fires
/// the shard and the owner registers a new timer there: the shard lock keeps
/// the wheel consistent and every reference is released.
#[test]
fn loom_foreign_drop_races_fire_and_register() {
    model(|| {
        let (timers, start, stolen) = setup();
        let foreign = thread::spawn(move || drop(stolen));
        let driver = drive(&timers, start + MS);
        let mut mine = timers.register(0, start + 2 * MS);
        let (waker, count) = CountingWaker::new();
        assert!(poll(&mut mine, &waker).is_pending());
        foreign.join().unwrap();
        assert!(driver.join().unwrap() <= 1);
        assert_eq!(count.get(), 0);
        assert_eq!(timers.next_deadline(), Some(start + 2 * MS));
        assert_eq!(timers.process(start + 2 * MS), 1);
        assert_eq!(count.get(), 1);
    });
}

/// The lazy reset (rule L1 in `entry`): the owner moves a pending timer later
/// without the lock while a driver on another thread fires its old deadline.
/// Whichever goes first, the timer fires exactly once, at the new deadline,
/// never before it, and the waker registered for it is woken.
#[test]
fn loom_lazy_reset_races_fire_of_the_old_deadline() {
    model(|| {
        let (timers, start, mut sleep) = setup();
        let (waker, count) = CountingWaker::new();
        assert!(poll(&mut sleep, &waker).is_pending());
        // The old deadline has passed, the new one not yet.
        let driver = drive(&timers, start + 2 * MS);
        sleep.reset(start + 3 * MS);
        let polled = poll(&mut sleep, &waker);
        let old_fires = driver.join().unwrap();
        // The driver fired the old deadline only if it came first (then the
        // reset started a new epoch under the lock); nothing completed the timer.
        assert!(old_fires <= 1);
        assert!(polled.is_pending(), "completed before its new deadline");
        assert!(!sleep.is_elapsed());
        assert!(poll(&mut sleep, &waker).is_pending());
        // Spurious wakes only from a fire of the old deadline (its wake, and
        // the re-poll's own wake if it met that wake taking the waker out).
        let woken = count.get();
        assert!(old_fires == 1 || woken == 0, "woken {woken} times, no fire");
        assert_eq!(timers.process(start + 3 * MS - Duration::from_nanos(1)), 0);
        assert_eq!(
            timers.process(start + 3 * MS),
            1,
            "fires at the new deadline"
        );
        assert_eq!(count.get(), woken + 1, "lost wake-up");
        assert_eq!(poll(&mut sleep, &waker), Poll::Ready(Ok(())));
        assert_eq!(timers.process(start + 10 * MS), 0, "fires once");
        assert_eq!(timers.next_deadline(), None);
    });
}

/// A lazy reset racing the driver that is filing the entry again for an
/// earlier lazy reset: the later deadline wins, and the timer is never lost.
#[test]
fn loom_lazy_reset_races_refile() {
    model(|| {
        let (timers, start, mut sleep) = setup();
        let (waker, count) = CountingWaker::new();
        assert!(poll(&mut sleep, &waker).is_pending());
        sleep.reset(start + 2 * MS); // lazy: still filed at 1 ms
                                     // Finds the entry due at 1 ms and files it again.
        let driver = drive(&timers, start + MS);
        sleep.reset(start + 3 * MS);
        assert_eq!(driver.join().unwrap(), 0);
        assert_eq!(count.get(), 0, "nothing fired");
        assert_eq!(
            timers.process(start + 2 * MS),
            0,
            "not at the middle deadline"
        );
        assert!(poll(&mut sleep, &waker).is_pending());
        assert_eq!(timers.process(start + 3 * MS), 1);
        assert_eq!(count.get(), 1, "lost wake-up");
        assert_eq!(poll(&mut sleep, &waker), Poll::Ready(Ok(())));
    });
}

/// Lazy reset, then cancel (drop), while a driver fires the old deadline: the
/// entry is refiled or removed, never fired, and every reference is released.
#[test]
fn loom_lazy_reset_then_drop_races_fire() {
    model(|| {
        let (timers, start, mut sleep) = setup();
        let (waker, count) = CountingWaker::new();
        assert!(poll(&mut sleep, &waker).is_pending());
        let driver = drive(&timers, start + 2 * MS);
        sleep.reset(start + 3 * MS);
        drop(sleep);
        let fired = driver.join().unwrap();
        // Fired only if the driver came before the reset.
        assert_eq!(count.get(), fired);
        assert_eq!(timers.process(start + 10 * MS), 0);
        assert_eq!(timers.next_deadline(), None);
    });
}
