//! `sleep` and `sleep_until` under paused time: exact clock readings, completion order,
//! zero and past deadlines, `Sleep::reset`/`deadline`/`is_elapsed`; a `Sleep` polled outside
//! any runtime, and one carried in and out of a runtime with `Handle::enter`.

mod support;

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::time::Duration;

use runtime::time::{Instant, Sleep};
use runtime::{sleep, sleep_until};
use support::catch_panic;

const HOUR: Duration = Duration::from_secs(3600);

/// Polls `sleep` once with the task's context: registers its timer.
async fn poll_once(sleep: Pin<&mut Sleep>) -> Poll<()> {
    let mut sleep = sleep;
    std::future::poll_fn(|cx| Poll::Ready(sleep.as_mut().poll(cx))).await
}

#[runtime::test(start_paused = true)]
async fn sleeping_an_hour_moves_the_clock_exactly_an_hour() {
    let wall = std::time::Instant::now();
    let start = Instant::now();
    sleep(HOUR).await;
    assert_eq!(Instant::now() - start, HOUR);
    assert_eq!(start.elapsed(), HOUR);
    sleep(Duration::from_nanos(1)).await;
    assert_eq!(
        Instant::now().duration_since(start),
        HOUR + Duration::from_nanos(1)
    );
    assert!(
        wall.elapsed() < Duration::from_secs(5),
        "paused time took {:?} of real time",
        wall.elapsed()
    );
}

#[runtime::test(start_paused = true)]
async fn the_paused_clock_stands_still_while_the_thread_works() {
    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(5));
    assert_eq!(Instant::now(), start);
    runtime::yield_now().await;
    assert_eq!(Instant::now(), start, "a yield with no timer moves nothing");
}

#[runtime::test(start_paused = true)]
async fn sleep_until_wakes_exactly_at_the_deadline() {
    let start = Instant::now();
    let deadline = start + Duration::from_millis(1500);
    let s = sleep_until(deadline);
    assert_eq!(s.deadline(), deadline);
    s.await;
    assert_eq!(Instant::now(), deadline);
}

#[runtime::test(start_paused = true)]
async fn sleeps_complete_in_deadline_order() {
    // Distinct durations spawned in a scrambled order: ties have no guaranteed order.
    let start = Instant::now();
    let log = Arc::new(Mutex::new(Vec::new()));
    let millis: Vec<u64> = (1..=50).map(|i| (i * 37) % 101 + 1).collect();
    let handles: Vec<_> = millis
        .iter()
        .map(|&ms| {
            let log = log.clone();
            runtime::spawn(async move {
                sleep(Duration::from_millis(ms)).await;
                assert_eq!(Instant::now() - start, Duration::from_millis(ms));
                support::lock(&log).push(ms);
            })
        })
        .collect();
    for h in handles {
        h.await.unwrap();
    }
    let mut sorted = millis.clone();
    sorted.sort_unstable();
    assert_eq!(*support::lock(&log), sorted);
    assert_eq!(
        Instant::now() - start,
        Duration::from_millis(sorted[sorted.len() - 1])
    );
}

#[runtime::test(start_paused = true)]
async fn a_sleep_in_the_block_on_future_and_in_tasks_interleave_by_deadline() {
    let start = Instant::now();
    let log = Arc::new(Mutex::new(Vec::new()));
    for (name, secs) in [("task 30s", 30), ("task 10s", 10)] {
        let log = log.clone();
        drop(runtime::spawn(async move {
            sleep(Duration::from_secs(secs)).await;
            support::lock(&log).push(name);
        }));
    }
    sleep(Duration::from_secs(20)).await;
    support::lock(&log).push("main 20s");
    assert_eq!(Instant::now() - start, Duration::from_secs(20));
    sleep(Duration::from_secs(15)).await;
    assert_eq!(
        *support::lock(&log),
        ["task 10s", "main 20s", "task 30s"],
        "order of completion"
    );
    assert_eq!(Instant::now() - start, Duration::from_secs(35));
}

#[runtime::test(start_paused = true)]
async fn a_zero_sleep_is_ready_at_once_and_moves_no_clock() {
    // A pending timer elsewhere must not be jumped to: the zero sleep never waits.
    let far = runtime::spawn(sleep(HOUR));
    runtime::yield_now().await;
    let start = Instant::now();
    let mut zero = pin!(sleep(Duration::ZERO));
    assert!(zero.is_elapsed());
    assert_eq!(poll_once(zero.as_mut()).await, Poll::Ready(()));
    sleep(Duration::ZERO).await;
    sleep_until(start).await;
    sleep_until(start - Duration::from_secs(1)).await;
    assert_eq!(Instant::now(), start);
    assert!(!far.is_finished());
    far.abort();
}

#[runtime::test(start_paused = true)]
async fn deadline_and_is_elapsed_follow_the_clock() {
    let start = Instant::now();
    let mut s = pin!(sleep(Duration::from_secs(10)));
    assert_eq!(s.deadline(), start + Duration::from_secs(10));
    assert!(!s.is_elapsed(), "not elapsed before the first poll");
    assert_eq!(poll_once(s.as_mut()).await, Poll::Pending);
    assert!(!s.is_elapsed(), "not elapsed while registered");
    s.as_mut().await;
    assert!(s.is_elapsed());
    assert_eq!(Instant::now(), s.deadline());
}

#[runtime::test(start_paused = true)]
async fn reset_to_an_earlier_deadline_wakes_then() {
    let start = Instant::now();
    let mut s = pin!(sleep(Duration::from_secs(10)));
    assert_eq!(poll_once(s.as_mut()).await, Poll::Pending);
    s.as_mut().reset(start + Duration::from_secs(3));
    assert_eq!(s.deadline(), start + Duration::from_secs(3));
    s.as_mut().await;
    assert_eq!(Instant::now() - start, Duration::from_secs(3));
    // The old deadline left no timer behind: nothing else is due, the clock stays.
    sleep(Duration::ZERO).await;
    assert_eq!(Instant::now() - start, Duration::from_secs(3));
}

#[runtime::test(start_paused = true)]
async fn reset_to_a_later_deadline_does_not_fire_at_the_old_one() {
    let start = Instant::now();
    let mut s = pin!(sleep(Duration::from_secs(2)));
    assert_eq!(poll_once(s.as_mut()).await, Poll::Pending);
    s.as_mut().reset(start + Duration::from_secs(7));
    // If the timer still fired at 2 s, the sleep would win this timeout.
    let early = runtime::timeout(Duration::from_secs(6), s.as_mut()).await;
    assert!(early.is_err(), "the sleep fired before its new deadline");
    assert_eq!(Instant::now() - start, Duration::from_secs(6));
    assert!(!s.is_elapsed());
    s.as_mut().await;
    assert_eq!(Instant::now() - start, Duration::from_secs(7));
}

#[runtime::test(start_paused = true)]
async fn reset_before_the_first_poll_and_after_completion() {
    let start = Instant::now();
    let mut s = pin!(sleep(HOUR));
    s.as_mut().reset(start + Duration::from_secs(1));
    s.as_mut().await;
    assert_eq!(Instant::now() - start, Duration::from_secs(1));
    assert!(s.is_elapsed());

    // A completed sleep waits again after a reset.
    s.as_mut().reset(start + Duration::from_secs(4));
    assert!(!s.is_elapsed());
    assert_eq!(poll_once(s.as_mut()).await, Poll::Pending);
    s.as_mut().await;
    assert_eq!(Instant::now() - start, Duration::from_secs(4));

    // To a deadline that has passed: ready at once, the clock stays.
    s.as_mut().reset(start);
    assert!(s.is_elapsed());
    assert_eq!(poll_once(s.as_mut()).await, Poll::Ready(()));
    assert_eq!(Instant::now() - start, Duration::from_secs(4));
}

#[runtime::test(start_paused = true)]
async fn reset_of_a_pending_sleep_to_the_past_completes_without_waiting() {
    let start = Instant::now();
    let later = runtime::spawn(sleep(HOUR));
    let mut s = pin!(sleep(Duration::from_secs(60)));
    assert_eq!(poll_once(s.as_mut()).await, Poll::Pending);
    s.as_mut().reset(start);
    s.as_mut().await;
    assert_eq!(Instant::now(), start);
    later.abort();
}

#[runtime::test(start_paused = true)]
async fn a_dropped_sleep_wakes_nobody_and_holds_no_deadline() {
    let start = Instant::now();
    let (waker, wakes) = support::counting_waker();
    let mut s = Box::pin(sleep(Duration::from_secs(1)));
    assert!(support::poll_with(&mut s, &waker).is_pending());
    drop(s);
    // Let the clock pass the dropped sleep's deadline.
    let probe = runtime::spawn(async move {
        sleep(Duration::from_secs(5)).await;
        Instant::now()
    });
    assert_eq!(probe.await.unwrap() - start, Duration::from_secs(5));
    assert_eq!(wakes.count(), 0, "a cancelled timer woke its waker");
}

#[runtime::test(start_paused = true)]
async fn many_tasks_sleeping_the_same_duration_all_wake_at_once() {
    let start = Instant::now();
    let woke = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..1000)
        .map(|_| {
            let woke = woke.clone();
            runtime::spawn(async move {
                sleep(Duration::from_millis(250)).await;
                assert_eq!(Instant::now() - start, Duration::from_millis(250));
                woke.fetch_add(1, SeqCst);
            })
        })
        .collect();
    for h in handles {
        h.await.unwrap();
    }
    assert_eq!(woke.load(SeqCst), 1000);
}

#[runtime::test(start_paused = true)]
async fn deadlines_on_every_wheel_level_fire_exactly_and_in_order() {
    const DAY: u64 = 86_400;
    let start = Instant::now();
    let durations = [
        Duration::from_nanos(1),
        Duration::from_micros(999),
        Duration::from_millis(1),
        Duration::from_millis(1) + Duration::from_nanos(1),
        Duration::from_millis(63),
        Duration::from_millis(64),
        Duration::from_millis(65) + Duration::from_nanos(7),
        Duration::from_millis(4095),
        Duration::from_millis(4096),
        Duration::from_secs(270),
        Duration::from_secs(17_000),
        Duration::from_secs(13 * DAY),
        Duration::from_secs(800 * DAY), // past the wheel's top level (about 2.18 years)
        Duration::from_secs(5 * 365 * DAY),
    ];
    let log = Arc::new(Mutex::new(Vec::new()));
    // Registered in reverse order, so the order of completion is the wheel's doing.
    let handles: Vec<_> = durations
        .iter()
        .rev()
        .map(|&d| {
            let log = log.clone();
            runtime::spawn(async move {
                sleep(d).await;
                assert_eq!(Instant::now() - start, d, "woke off its deadline");
                support::lock(&log).push(d);
            })
        })
        .collect();
    for h in handles {
        h.await.unwrap();
    }
    assert_eq!(*support::lock(&log), durations);
}

#[runtime::test(start_paused = true)]
async fn a_sleep_reset_across_wheel_levels_fires_at_its_last_deadline() {
    let start = Instant::now();
    let mut s = pin!(sleep(Duration::from_millis(5)));
    assert_eq!(poll_once(s.as_mut()).await, Poll::Pending);
    for d in [
        Duration::from_secs(3 * 86_400),
        Duration::from_millis(70),
        Duration::from_secs(300),
        Duration::from_millis(2),
        Duration::from_secs(5),
    ] {
        s.as_mut().reset(start + d);
        assert_eq!(poll_once(s.as_mut()).await, Poll::Pending);
    }
    s.as_mut().await;
    assert_eq!(Instant::now() - start, Duration::from_secs(5));
}

#[runtime::test(start_paused = true)]
async fn a_huge_duration_does_not_panic_and_never_fires() {
    let start = Instant::now();
    let mut forever = pin!(sleep(Duration::MAX));
    assert_eq!(poll_once(forever.as_mut()).await, Poll::Pending);
    let res = runtime::timeout(HOUR * 24 * 365, forever.as_mut()).await;
    assert!(res.is_err(), "Duration::MAX fired after a year");
    assert_eq!(Instant::now() - start, HOUR * 24 * 365);
}

#[test]
fn sleep_is_send_sync_unpin() {
    fn unpin<T: Unpin>() {}
    support::assert_send::<Sleep>();
    support::assert_sync::<Sleep>();
    unpin::<Sleep>();
}

#[test]
fn polling_a_sleep_made_outside_any_runtime_panics_clearly() {
    let mut s = sleep(Duration::from_millis(1));
    let err = catch_panic(|| support::poll_with(&mut s, Waker::noop())).unwrap_err();
    assert!(
        err.message.contains("outside a runtime"),
        "unclear message: {:?}",
        err.message
    );
}

#[test]
fn a_zero_sleep_made_outside_any_runtime_also_panics_when_polled() {
    // No runtime means no clock to check the deadline against; the message is the same.
    let mut s = sleep(Duration::ZERO);
    let err = catch_panic(|| support::poll_with(&mut s, Waker::noop())).unwrap_err();
    assert!(
        err.message.contains("outside a runtime"),
        "{:?}",
        err.message
    );
}

#[test]
fn a_sleep_made_outside_a_runtime_runs_on_the_runtime_that_polls_it() {
    let rt = support::rt_paused();
    let s = sleep(Duration::from_secs(60));
    rt.block_on(async move {
        let before = Instant::now();
        s.await;
        // Its deadline came from the real clock at creation, which is at most the
        // paused runtime's reading plus the real time since building it.
        assert!(Instant::now() - before <= Duration::from_secs(61));
    });
}

#[test]
fn a_sleep_made_under_enter_uses_that_runtime_clock() {
    let rt = support::rt_paused();
    let (s, start) = {
        let _guard = rt.enter();
        let start = Instant::now();
        std::thread::sleep(Duration::from_millis(2));
        assert_eq!(Instant::now(), start, "the paused clock under enter");
        (sleep(HOUR), start)
    };
    assert_eq!(s.deadline(), start + HOUR);
    rt.block_on(async move {
        s.await;
        assert_eq!(Instant::now(), start + HOUR);
    });
}

#[test]
fn a_sleep_made_in_block_on_can_be_awaited_in_a_later_block_on() {
    let rt = support::rt_paused();
    let start = rt.block_on(async { Instant::now() });
    let (mut s, first) = rt.block_on(async {
        let mut s = Box::pin(sleep(Duration::from_secs(30)));
        let first = poll_once(s.as_mut()).await;
        (s, first)
    });
    assert_eq!(first, Poll::Pending, "registered in the first block_on");
    assert!(!s.is_elapsed());
    rt.block_on(async {
        s.as_mut().await;
        assert_eq!(Instant::now() - start, Duration::from_secs(30));
    });
    // And under `enter` on a plain thread: the deadline reads the same clock.
    let _guard = rt.enter();
    assert!(s.is_elapsed());
    assert_eq!(Instant::now() - start, Duration::from_secs(30));
}

#[test]
fn instant_now_reads_real_time_outside_and_the_paused_clock_inside() {
    let a = Instant::now();
    std::thread::sleep(Duration::from_millis(2));
    let b = Instant::now();
    assert!(b - a >= Duration::from_millis(2));
    assert!(a.elapsed() >= Duration::from_millis(2));
    // Under a paused runtime's `enter`, and in its `block_on`, the clock stands still.
    let rt = support::rt_paused();
    let stopped = {
        let _guard = rt.enter();
        Instant::now()
    };
    std::thread::sleep(Duration::from_millis(2));
    assert_eq!(rt.block_on(async { Instant::now() }), stopped);
    // Outside again: real time, past the paused reading.
    assert!(Instant::now() > stopped);
}
