//! Timers and shutdown: dropping a runtime drops the tasks sleeping on it promptly, their
//! sleeps never fire, and a `Sleep` (or `Timeout`, `Interval`) of a runtime that is gone
//! completes instead of hanging when awaited elsewhere.

mod support;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use runtime::time::{Instant, Sleep};
use runtime::{sleep, Runtime};
use support::DropCounter;

const HOUR: Duration = Duration::from_secs(3600);
/// How long a runtime's drop may take with tasks sleeping for an hour.
const PROMPT: Duration = Duration::from_secs(5);

/// Spawns `n` tasks on `rt` that sleep an hour then set `fired`; returns once all of them
/// have registered their timers.
fn spawn_hour_sleepers(rt: &Runtime, n: usize, drops: &DropCounter, fired: &Arc<AtomicBool>) {
    let started = Arc::new(AtomicUsize::new(0));
    for _ in 0..n {
        let token = drops.token();
        let fired = fired.clone();
        let started = started.clone();
        drop(rt.spawn(async move {
            let _token = token;
            let mut s = Box::pin(sleep(HOUR));
            let first = std::future::poll_fn(|cx| Poll::Ready(s.as_mut().poll(cx))).await;
            assert!(first.is_pending());
            started.fetch_add(1, SeqCst);
            s.await;
            fired.store(true, SeqCst);
        }));
    }
    rt.block_on(support::yield_until_patient(
        || started.load(SeqCst) == n,
        "the sleepers to register",
    ));
}

fn drop_with_sleepers(rt: Runtime, n: usize) {
    let drops = DropCounter::new();
    let fired = Arc::new(AtomicBool::new(false));
    spawn_hour_sleepers(&rt, n, &drops, &fired);
    assert_eq!(drops.count(), 0);
    let wall = std::time::Instant::now();
    drop(rt);
    let took = wall.elapsed();
    assert_eq!(drops.count(), n, "not every sleeping task was dropped");
    assert!(!fired.load(SeqCst), "a sleep fired at shutdown");
    assert!(took < PROMPT, "dropping the runtime took {took:?}");
}

#[test]
fn dropping_a_current_thread_runtime_drops_sleeping_tasks() {
    drop_with_sleepers(support::rt(), 100);
}

#[test]
fn dropping_a_paused_runtime_drops_sleeping_tasks_without_firing() {
    drop_with_sleepers(support::rt_paused(), 100);
}

#[test]
fn dropping_a_multi_thread_runtime_drops_sleeping_tasks() {
    drop_with_sleepers(support::rt_multi(2), 100);
}

#[test]
fn shutdown_timeout_with_sleeping_tasks_returns_promptly() {
    let rt = support::rt_multi(2);
    let drops = DropCounter::new();
    let fired = Arc::new(AtomicBool::new(false));
    spawn_hour_sleepers(&rt, 10, &drops, &fired);
    let wall = std::time::Instant::now();
    rt.shutdown_timeout(Duration::from_secs(10));
    assert!(wall.elapsed() < PROMPT, "{:?}", wall.elapsed());
    assert_eq!(drops.count(), 10);
    assert!(!fired.load(SeqCst));
}

#[test]
fn shutdown_background_with_sleeping_tasks_drops_them() {
    let rt = support::rt_multi(2);
    let drops = DropCounter::new();
    let fired = Arc::new(AtomicBool::new(false));
    spawn_hour_sleepers(&rt, 10, &drops, &fired);
    let wall = std::time::Instant::now();
    rt.shutdown_background();
    assert!(wall.elapsed() < PROMPT, "{:?}", wall.elapsed());
    while drops.count() < 10 {
        assert!(
            wall.elapsed() < support::PATIENCE,
            "sleeping tasks not dropped"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    assert!(!fired.load(SeqCst));
}

/// A `Sleep` made on a runtime built by `make`, polled there once (registered) or not,
/// that outlives the runtime.
fn orphan_sleep(make: fn() -> Runtime, registered: bool) -> Pin<Box<Sleep>> {
    let rt = make();
    let s = if registered {
        let (s, first) = rt.block_on(async {
            let mut s = Box::pin(sleep(HOUR));
            let first = std::future::poll_fn(|cx| Poll::Ready(s.as_mut().poll(cx))).await;
            (s, first)
        });
        assert!(first.is_pending());
        s
    } else {
        let _guard = rt.enter();
        Box::pin(sleep(HOUR))
    };
    drop(rt);
    s
}

fn make_ct() -> Runtime {
    support::rt()
}
fn make_paused() -> Runtime {
    support::rt_paused()
}
fn make_mt() -> Runtime {
    support::rt_multi(2)
}

#[test]
fn a_sleep_of_a_dropped_runtime_completes_on_another_runtime() {
    for (name, make) in [
        ("current-thread", make_ct as fn() -> Runtime),
        ("paused", make_paused),
        ("multi-thread", make_mt),
    ] {
        for registered in [false, true] {
            let s = orphan_sleep(make, registered);
            // `b` runs real time: its own timeout turns a hang into a failure.
            let b = support::rt();
            let wall = std::time::Instant::now();
            let res = b.block_on(runtime::timeout(PROMPT, s));
            assert!(
                res.is_ok(),
                "{name} (registered: {registered}): a sleep of a dropped runtime hung"
            );
            assert!(wall.elapsed() < PROMPT);
        }
    }
}

#[test]
fn a_sleep_of_a_dropped_runtime_completes_on_a_multi_thread_runtime() {
    for registered in [false, true] {
        let s = orphan_sleep(make_ct, registered);
        let b = support::rt_multi(2);
        let res = b.block_on(async move {
            // Awaited in a task on a worker, not only on the block_on thread.
            runtime::spawn(runtime::timeout(PROMPT, s)).await.unwrap()
        });
        assert!(res.is_ok(), "registered: {registered}: hung");
    }
}

#[test]
fn a_sleep_of_a_dropped_runtime_completes_without_any_runtime() {
    for registered in [false, true] {
        let s = orphan_sleep(make_ct, registered);
        // A plain thread's executor; panics after `support::PATIENCE` instead of hanging.
        support::block_on_std(s);
    }
}

#[test]
fn a_timeout_and_an_interval_of_a_dropped_runtime_do_not_hang() {
    let rt = support::rt();
    let (t, mut iv) = {
        let _guard = rt.enter();
        let t = runtime::timeout(HOUR, std::future::pending::<()>());
        let mut iv = runtime::interval(HOUR);
        let first = support::block_on_std(iv.tick());
        assert!(first <= Instant::now());
        (t, iv)
    };
    drop(rt);
    let b = support::rt();
    b.block_on(async move {
        let res = runtime::timeout(PROMPT, t).await;
        assert!(res.is_ok(), "the orphan timeout hung");
        let tick = runtime::timeout(PROMPT, iv.tick()).await;
        assert!(tick.is_ok(), "the orphan interval hung");
    });
}

#[test]
fn a_sleep_pending_in_a_foreign_thread_completes_when_its_runtime_drops() {
    let rt = support::rt_multi(2);
    let s = {
        let _guard = rt.enter();
        sleep(HOUR)
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        support::block_on_std(s);
        tx.send(()).unwrap();
    });
    // Let the waiter poll (register) first; then shut the runtime down under it.
    std::thread::sleep(Duration::from_millis(20));
    drop(rt);
    rx.recv_timeout(PROMPT)
        .expect("a sleep pending on a foreign thread hung after its runtime dropped");
    waiter.join().unwrap();
}

#[test]
fn an_orphan_sleep_can_be_reset_inspected_and_dropped() {
    for registered in [false, true] {
        let mut s = orphan_sleep(make_mt, registered);
        let _ = s.deadline();
        let b = support::rt();
        b.block_on(async {
            s.as_mut().reset(Instant::now() + HOUR);
            let res = runtime::timeout(PROMPT, s.as_mut()).await;
            assert!(
                res.is_ok(),
                "registered: {registered}: a reset orphan sleep hung"
            );
            assert!(s.is_elapsed());
        });
        drop(s);
        // Dropped unpolled too.
        drop(orphan_sleep(make_ct, registered));
    }
}
