//! The multi-thread runtime's monitor: it sleeps while every worker sleeps (an idle
//! runtime makes no periodic wakeups), wakes when a worker gets busy, and then still
//! rescues the tasks queued behind a worker stuck in a poll.
mod support;

use runtime::RuntimeMetrics;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};
use support::PATIENCE;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Waits until the monitor's wakeups stop for 50 ms (five of its check intervals: it
/// went to sleep) and returns the count; panics after [`PATIENCE`].
fn settle(m: &RuntimeMetrics) -> u64 {
    let deadline = Instant::now() + PATIENCE;
    let mut last = m.monitor_wakeups();
    loop {
        std::thread::sleep(ms(50));
        let now = m.monitor_wakeups();
        if now == last {
            return now;
        }
        assert!(
            Instant::now() < deadline,
            "the monitor never went to sleep ({now} wakeups)"
        );
        last = now;
    }
}

/// Some work (tasks, a short timer), then a task left sleeping for an hour: the runtime
/// idles with a timer pending.
fn work_then_idle(rt: &runtime::Runtime) {
    rt.block_on(async {
        let tasks: Vec<_> = (0..100).map(|i| runtime::spawn(async move { i })).collect();
        for t in tasks {
            t.await.unwrap();
        }
        runtime::sleep(ms(5)).await;
    });
    drop(rt.spawn(runtime::sleep(Duration::from_secs(3600))));
}

#[test]
fn an_idle_runtime_s_monitor_sleeps() {
    for workers in [2, 4] {
        let rt = support::rt_multi(workers);
        let m = rt.handle().metrics();
        work_then_idle(&rt);
        let before = settle(&m);
        assert!(before >= 1, "the monitor never checked the busy runtime");
        std::thread::sleep(ms(500));
        let woke = m.monitor_wakeups() - before;
        eprintln!("{workers} workers: the monitor woke {woke} times in 500 ms of idling");
        assert!(
            woke <= 5,
            "{workers} workers: {woke} monitor wakeups while idle"
        );
    }
}

#[test]
fn runtimes_without_a_monitor_count_no_wakeups() {
    let one = support::rt_multi(1);
    work_then_idle(&one);
    let ct = support::rt();
    work_then_idle(&ct);
    std::thread::sleep(ms(30));
    assert_eq!(one.handle().metrics().monitor_wakeups(), 0);
    assert_eq!(ct.handle().metrics().monitor_wakeups(), 0);
}

#[test]
fn a_busy_worker_keeps_the_monitor_awake() {
    let rt = support::rt_multi(2);
    let m = rt.handle().metrics();
    let before = settle(&m);
    let wall = Instant::now();
    rt.block_on(async {
        runtime::spawn(async {
            // One poll that keeps its worker busy for 200 ms.
            let start = Instant::now();
            while start.elapsed() < ms(200) {
                std::hint::spin_loop();
            }
        })
        .await
        .unwrap();
    });
    let took = wall.elapsed();
    let woke = m.monitor_wakeups() - before;
    eprintln!("the monitor woke {woke} times during a {took:?} poll");
    // About one check per 10 ms; a loaded machine may stretch the intervals a lot.
    assert!(
        woke >= 3,
        "the monitor slept through a busy worker: {woke} wakeups"
    );
}

/// After the monitor went to sleep on an idle runtime, a task is woken into the LIFO slot
/// of a worker that then blocks for 400 ms: the monitor, woken by the worker that got
/// busy, sees the stuck worker and has the other one steal the task.
#[test]
fn after_idling_a_task_behind_a_blocked_worker_still_runs() {
    let rt = support::rt_multi(2);
    let m = rt.handle().metrics();
    let (tx, rx) = mpsc::channel::<Instant>();
    let (go_tx, go_rx) = support::oneshot::<()>();
    let receiver = rt.spawn(async move {
        go_rx.await;
        tx.send(Instant::now()).unwrap();
    });
    support::wait_until(|| go_tx.receiver_waiting(), "the receiver to wait");
    let before = settle(&m);
    let blocker = rt.spawn(async move {
        let sent = Instant::now();
        // The receiver's wake comes from this worker: its LIFO slot.
        go_tx.send(());
        std::thread::sleep(ms(400));
        sent
    });
    let ran = rx.recv_timeout(PATIENCE).expect("the receiver never ran");
    let sent = support::block_on_std(blocker).unwrap();
    support::block_on_std(receiver).unwrap();
    let late = ran.saturating_duration_since(sent);
    eprintln!("the task woken behind a blocked worker ran after {late:?}");
    assert!(late < ms(300), "stuck behind the blocked worker: {late:?}");
    assert!(m.monitor_wakeups() > before, "the monitor was not woken");
}

/// Both workers run tasks whose every poll takes 2 ms, so `event_interval` (61) polls
/// take over 120 ms: a 5 ms sleep beside them still fires about on time, because the
/// monitor, which looks at the clock every 10 ms, has the next busy worker fire it.
#[test]
fn a_timer_fires_on_time_while_every_worker_runs_long_polls() {
    let rt = support::rt_multi(2);
    let stop = Arc::new(AtomicBool::new(false));
    let spinners: Vec<_> = (0..4)
        .map(|_| {
            let stop = stop.clone();
            rt.spawn(async move {
                while !stop.load(SeqCst) {
                    let start = Instant::now();
                    while start.elapsed() < ms(2) {
                        std::hint::spin_loop();
                    }
                    runtime::yield_now().await;
                }
            })
        })
        .collect();
    std::thread::sleep(ms(50));
    let late = rt.block_on(async {
        runtime::spawn(async {
            let mut worst = Duration::ZERO;
            for _ in 0..5 {
                let deadline = Instant::now() + ms(5);
                runtime::sleep_until(runtime::time::Instant::from_std(deadline)).await;
                worst = worst.max(Instant::now().saturating_duration_since(deadline));
            }
            worst
        })
        .await
        .unwrap()
    });
    stop.store(true, SeqCst);
    for s in spinners {
        support::block_on_std(s).unwrap();
    }
    eprintln!("5 ms sleeps beside 2 ms polls: worst lateness {late:?}");
    // Without the monitor's look at the clock: 61 polls of 2 ms, over 120 ms.
    assert!(late < ms(60), "a sleep fired {late:?} late");
}
