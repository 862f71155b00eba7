//! `interval` and `interval_at` under paused time: the first tick at once, later ticks at
//! exact multiples of the period without drift, each `MissedTickBehavior` after a stall,
//! the 5 ms grace, resets, and the zero-period panic.
//!
//! `Interval` as a `futures_core::Stream` is covered by runtime-timer's unit tests: the
//! root crate's tests do not depend on `futures-core`.

mod support;

use std::time::Duration;

use runtime::time::{Instant, Interval, MissedTickBehavior};
use runtime::{interval, interval_at, sleep};
use support::catch_panic;

const P: Duration = Duration::from_millis(100);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Ticks `n` times, returning (tick instant, clock reading) relative to `start`.
async fn ticks(iv: &mut Interval, start: Instant, n: usize) -> Vec<(Duration, Duration)> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let at = iv.tick().await;
        out.push((at - start, Instant::now() - start));
    }
    out
}

#[runtime::test(start_paused = true)]
async fn the_first_tick_is_immediate_then_every_period() {
    let start = Instant::now();
    let mut iv = interval(P);
    assert_eq!(iv.period(), P);
    assert_eq!(iv.missed_tick_behavior(), MissedTickBehavior::Burst);
    assert_eq!(iv.tick().await, start);
    assert_eq!(Instant::now(), start, "the first tick waits for nothing");
    for k in 1..=10u32 {
        assert_eq!(iv.tick().await, start + P * k);
        assert_eq!(Instant::now(), start + P * k);
    }
}

#[runtime::test(start_paused = true)]
async fn work_shorter_than_the_period_causes_no_drift() {
    let start = Instant::now();
    let mut iv = interval(P);
    iv.tick().await;
    for k in 1..=20u32 {
        sleep(ms(37)).await; // work between ticks
        assert_eq!(iv.tick().await, start + P * k);
        assert_eq!(Instant::now(), start + P * k);
    }
}

#[runtime::test(start_paused = true)]
async fn interval_at_a_future_start() {
    let now = Instant::now();
    let start = now + Duration::from_secs(1);
    let mut iv = interval_at(start, Duration::from_secs(2));
    assert_eq!(iv.tick().await, start);
    assert_eq!(Instant::now(), start, "waited for the start");
    assert_eq!(iv.tick().await, start + Duration::from_secs(2));
    assert_eq!(iv.tick().await, start + Duration::from_secs(4));
    assert_eq!(Instant::now() - now, Duration::from_secs(5));
}

#[runtime::test(start_paused = true)]
async fn interval_at_a_past_start_bursts_to_catch_up() {
    let now = Instant::now();
    let start = now - ms(250);
    let mut iv = interval_at(start, P);
    // Ticks at -250, -150 and -50 are due at once; then 50 ms from now.
    for k in 0..3u32 {
        assert_eq!(iv.tick().await, start + P * k);
        assert_eq!(Instant::now(), now);
    }
    assert_eq!(iv.tick().await, start + P * 3);
    assert_eq!(Instant::now(), now + ms(50));
}

#[runtime::test(start_paused = true)]
async fn burst_catches_up_back_to_back_on_the_old_schedule() {
    let start = Instant::now();
    let mut iv = interval(P);
    assert_eq!(
        ticks(&mut iv, start, 2).await,
        [(ms(0), ms(0)), (ms(100), ms(100))]
    );
    sleep(ms(251)).await; // stall until 351: ticks at 200 and 300 missed
    assert_eq!(
        ticks(&mut iv, start, 4).await,
        [
            (ms(200), ms(351)),
            (ms(300), ms(351)),
            (ms(400), ms(400)),
            (ms(500), ms(500)),
        ]
    );
}

#[runtime::test(start_paused = true)]
async fn delay_restarts_the_schedule_from_the_late_tick() {
    let start = Instant::now();
    let mut iv = interval(P);
    iv.set_missed_tick_behavior(MissedTickBehavior::Delay);
    assert_eq!(iv.missed_tick_behavior(), MissedTickBehavior::Delay);
    ticks(&mut iv, start, 2).await;
    sleep(ms(251)).await;
    assert_eq!(
        ticks(&mut iv, start, 3).await,
        [(ms(200), ms(351)), (ms(451), ms(451)), (ms(551), ms(551))]
    );
}

#[runtime::test(start_paused = true)]
async fn skip_drops_missed_ticks_and_keeps_the_schedule() {
    let start = Instant::now();
    let mut iv = interval(P);
    iv.set_missed_tick_behavior(MissedTickBehavior::Skip);
    ticks(&mut iv, start, 2).await;
    sleep(ms(251)).await;
    assert_eq!(
        ticks(&mut iv, start, 3).await,
        [(ms(200), ms(351)), (ms(400), ms(400)), (ms(500), ms(500))]
    );
}

#[runtime::test(start_paused = true)]
async fn the_documented_table_for_each_behavior() {
    // The `MissedTickBehavior` docs: 300 ms period, stall from just after the tick at
    // 300 until 951 (the ticks at 600 and 900 missed).
    let period = ms(300);
    let cases = [
        (MissedTickBehavior::Burst, [600, 900, 1200, 1500]),
        (MissedTickBehavior::Delay, [600, 1251, 1551, 1851]),
        (MissedTickBehavior::Skip, [600, 1200, 1500, 1800]),
    ];
    for (behavior, expected) in cases {
        let start = Instant::now();
        let mut iv = interval(period);
        iv.set_missed_tick_behavior(behavior);
        ticks(&mut iv, start, 2).await;
        sleep(ms(651)).await;
        let got: Vec<u64> = ticks(&mut iv, start, 4)
            .await
            .into_iter()
            .map(|(at, _)| at.as_millis() as u64)
            .collect();
        assert_eq!(got, expected, "{behavior:?}");
    }
}

#[runtime::test(start_paused = true)]
async fn a_tick_at_most_5ms_late_counts_as_on_time() {
    for behavior in [MissedTickBehavior::Delay, MissedTickBehavior::Skip] {
        let start = Instant::now();
        let mut iv = interval(P);
        iv.set_missed_tick_behavior(behavior);
        ticks(&mut iv, start, 2).await;
        sleep(ms(104)).await; // the tick at 200 is seen at 204
        assert_eq!(
            ticks(&mut iv, start, 2).await,
            [(ms(200), ms(204)), (ms(300), ms(300))],
            "{behavior:?}"
        );
    }
}

#[runtime::test(start_paused = true)]
async fn a_stall_under_advance_also_counts_as_missed() {
    let start = Instant::now();
    let mut iv = interval(P);
    iv.set_missed_tick_behavior(MissedTickBehavior::Skip);
    ticks(&mut iv, start, 1).await;
    runtime::time::advance(ms(330)).await;
    assert_eq!(
        ticks(&mut iv, start, 2).await,
        [(ms(100), ms(330)), (ms(400), ms(400))]
    );
}

#[runtime::test(start_paused = true)]
async fn resets_move_the_next_tick() {
    let start = Instant::now();
    let mut iv = interval(P);
    iv.reset(); // would have ticked at once
    assert_eq!(iv.tick().await, start + P);

    iv.reset_after(ms(30));
    assert_eq!(iv.tick().await, start + ms(130));
    assert_eq!(iv.tick().await, start + ms(230));

    iv.reset_at(start + ms(1000));
    assert_eq!(iv.tick().await, start + ms(1000));

    iv.reset_immediately();
    assert_eq!(iv.tick().await, start + ms(1000));
    assert_eq!(Instant::now(), start + ms(1000));
    assert_eq!(iv.tick().await, start + ms(1100));
}

#[runtime::test(start_paused = true)]
async fn a_dropped_tick_future_loses_no_tick() {
    let start = Instant::now();
    let mut iv = interval(P);
    iv.tick().await;
    // Abandon the second tick half-way through the period.
    assert!(runtime::timeout(ms(50), iv.tick()).await.is_err());
    assert_eq!(iv.tick().await, start + P);
    assert_eq!(Instant::now(), start + P);
}

#[runtime::test(start_paused = true)]
async fn several_intervals_in_tasks_interleave() {
    let start = Instant::now();
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut handles = Vec::new();
    for (name, period) in [("a", 30u64), ("b", 70)] {
        let log = log.clone();
        handles.push(runtime::spawn(async move {
            let mut iv = interval_at(start + ms(period), ms(period));
            for _ in 0..3 {
                let at = iv.tick().await;
                support::lock(&log).push((at - start, name));
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    assert_eq!(
        *support::lock(&log),
        [
            (ms(30), "a"),
            (ms(60), "a"),
            (ms(70), "b"),
            (ms(90), "a"),
            (ms(140), "b"),
            (ms(210), "b"),
        ]
    );
}

#[test]
fn a_zero_period_panics_with_a_message_about_zero() {
    let rt = support::rt_paused();
    rt.block_on(async {
        let err = catch_panic(|| interval(Duration::ZERO)).unwrap_err();
        assert!(err.message.contains("zero"), "{:?}", err.message);
        assert!(
            err.file.ends_with("time_interval.rs"),
            "the panic should point at the caller: {}:{}",
            err.file,
            err.line
        );
        let err = catch_panic(|| interval_at(Instant::now(), Duration::ZERO)).unwrap_err();
        assert!(err.message.contains("zero"), "{:?}", err.message);
    });
    // Outside any runtime too: the period is checked first.
    let err = catch_panic(|| interval(Duration::ZERO)).unwrap_err();
    assert!(err.message.contains("zero"), "{:?}", err.message);
}

#[test]
fn interval_is_send_and_sync() {
    support::assert_send::<Interval>();
    support::assert_sync::<Interval>();
    support::assert_send::<MissedTickBehavior>();
    assert_eq!(MissedTickBehavior::default(), MissedTickBehavior::Burst);
}
