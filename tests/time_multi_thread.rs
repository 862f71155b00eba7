//! Timers on the multi-thread runtime (real clock): registered from the `block_on` thread
//! or a plain thread while the workers are idle, fired while the registering worker is
//! blocked, a `Sleep` moved, reset and dropped across threads, and ten thousand concurrent
//! sleeps. Bounds are generous: these run on loaded CI machines.

mod support;
mod timing;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use runtime::sleep;
use runtime::time::{Instant, Sleep};
use support::PATIENCE;
use timing::{ms, timed_sleep, LATE};

/// Polls `s` once with the current task's context.
async fn poll_once(s: &mut Pin<Box<Sleep>>) -> Poll<()> {
    std::future::poll_fn(|cx| Poll::Ready(s.as_mut().poll(cx))).await
}

#[test]
fn a_timer_from_block_on_wakes_on_time_while_the_workers_are_idle() {
    let rt = support::rt_multi(2);
    let mut tooks = Vec::new();
    for _ in 0..5 {
        // Let every worker go idle and park.
        std::thread::sleep(ms(15));
        tooks.push(rt.block_on(timed_sleep(ms(20))));
    }
    eprintln!("20 ms sleeps in block_on, workers idle: {tooks:?}");
    for took in tooks {
        assert!(took < ms(20) + LATE, "{took:?}");
    }
}

#[test]
fn a_timer_from_a_plain_thread_under_enter_wakes_on_time_while_the_workers_are_idle() {
    let rt = support::rt_multi(2);
    std::thread::sleep(ms(15));
    let _guard = rt.enter();
    for _ in 0..3 {
        let wall = std::time::Instant::now();
        support::block_on_std(sleep(ms(20)));
        let took = wall.elapsed();
        eprintln!("20 ms sleep on a plain thread: {took:?}");
        assert!(took >= ms(20) && took < ms(20) + LATE, "{took:?}");
        std::thread::sleep(ms(5));
    }
}

#[test]
fn a_task_timer_wakes_on_time_after_the_workers_went_idle() {
    let rt = support::rt_multi(2);
    for _ in 0..3 {
        std::thread::sleep(ms(15));
        let took = rt.block_on(rt.spawn(timed_sleep(ms(20)))).unwrap();
        eprintln!("20 ms sleep in a task, workers idle before: {took:?}");
        assert!(took < ms(20) + LATE, "{took:?}");
    }
}

#[test]
fn a_timer_fires_while_the_worker_that_registered_it_is_blocked() {
    let rt = support::rt_multi(2);
    let took = rt.block_on(async {
        runtime::spawn(async {
            let wall = std::time::Instant::now();
            let mut s = Box::pin(sleep(ms(10)));
            assert!(poll_once(&mut s).await.is_pending());
            // Runs next on this worker and blocks it far past the deadline.
            let blocker = runtime::spawn(async { std::thread::sleep(ms(300)) });
            s.await;
            let took = wall.elapsed();
            blocker.await.unwrap();
            took
        })
        .await
        .unwrap()
    });
    eprintln!("10 ms sleep while its worker was blocked 300 ms: {took:?}");
    assert!(took >= ms(10));
    assert!(
        took < ms(10) + LATE,
        "the timer waited for the blocked worker: {took:?}"
    );
}

#[test]
fn a_sleep_moves_between_workers_and_the_block_on_thread() {
    let rt = support::rt_multi(2);
    rt.block_on(async {
        let mut s: Pin<Box<Sleep>> = Box::pin(sleep(ms(1)));
        for hop in 0..60u32 {
            let d = Duration::from_micros(200 + u64::from(hop % 4) * 300);
            let step = async move {
                let wall = std::time::Instant::now();
                let deadline = Instant::now() + d;
                s.as_mut().reset(deadline);
                s.as_mut().await;
                assert!(wall.elapsed() >= d, "hop {hop}: early");
                assert!(Instant::now() >= deadline);
                (s, hop)
            };
            let (back, done) = if hop % 2 == 0 {
                runtime::spawn(step).await.unwrap()
            } else {
                step.await
            };
            assert_eq!(done, hop);
            s = back;
        }
    });
}

#[test]
fn a_sleep_registered_on_a_worker_is_reset_earlier_elsewhere() {
    let rt = support::rt_multi(2);
    let (mut s, registered_at) = rt.block_on(async {
        runtime::spawn(async {
            let mut s = Box::pin(sleep(Duration::from_secs(3600)));
            assert!(poll_once(&mut s).await.is_pending());
            (s, std::time::Instant::now())
        })
        .await
        .unwrap()
    });
    // Reset on the block_on thread, awaited in another task.
    let took = rt.block_on(async move {
        let wall = std::time::Instant::now();
        s.as_mut().reset(Instant::now() + ms(10));
        let awaited = runtime::spawn(async move {
            s.await;
            wall.elapsed()
        });
        runtime::timeout(PATIENCE, awaited)
            .await
            .expect("did not fire at the new deadline")
            .unwrap()
    });
    assert!(took >= ms(10), "{took:?}");
    assert!(registered_at.elapsed() < Duration::from_secs(3600));
    eprintln!("reset-earlier sleep fired after {took:?}");
}

#[test]
fn a_sleep_reset_by_another_task_while_one_awaits_it_wakes_the_awaiter() {
    let rt = support::rt_multi(2);
    type Shared = Arc<Mutex<Option<Pin<Box<Sleep>>>>>;
    let slot: Shared = Arc::new(Mutex::new(None));
    let took = rt.block_on(async {
        let waiting = Arc::new(AtomicUsize::new(0));
        let awaiter = {
            let slot = slot.clone();
            let waiting = waiting.clone();
            runtime::spawn(async move {
                *support::lock(&slot) = Some(Box::pin(sleep(Duration::from_secs(3600))));
                let wall = std::time::Instant::now();
                std::future::poll_fn(|cx| {
                    let mut guard = support::lock(&slot);
                    let s = guard.as_mut().expect("the sleep is in the slot");
                    let polled = s.as_mut().poll(cx);
                    waiting.fetch_add(1, SeqCst);
                    polled
                })
                .await;
                wall.elapsed()
            })
        };
        let resetter = {
            let slot = slot.clone();
            let waiting = waiting.clone();
            runtime::spawn(async move {
                support::yield_until_patient(|| waiting.load(SeqCst) > 0, "the awaiter").await;
                let mut guard = support::lock(&slot);
                let s = guard.as_mut().unwrap();
                s.as_mut().reset(Instant::now() + ms(10));
            })
        };
        resetter.await.unwrap();
        runtime::timeout(PATIENCE, awaiter)
            .await
            .expect("the reset sleep never woke its awaiter")
            .unwrap()
    });
    eprintln!("shared sleep reset by another task fired after {took:?}");
    assert!(took >= ms(10));
}

#[test]
fn a_sleep_dropped_on_another_thread_never_wakes_its_waker() {
    let rt = support::rt_multi(2);
    let (dropped_waker, dropped_wakes) = support::counting_waker();
    let (kept_waker, kept_wakes) = support::counting_waker();
    let (dropped, kept) = rt.block_on(async move {
        runtime::spawn(async move {
            let mut dropped = Box::pin(sleep(ms(20)));
            let mut kept = Box::pin(sleep(ms(20)));
            assert!(support::poll_with(&mut dropped, &dropped_waker).is_pending());
            assert!(support::poll_with(&mut kept, &kept_waker).is_pending());
            (dropped, kept)
        })
        .await
        .unwrap()
    });
    // Dropped on this (non-runtime) thread; the kept one is the control.
    drop(dropped);
    let wall = std::time::Instant::now();
    while kept_wakes.count() == 0 {
        assert!(wall.elapsed() < PATIENCE, "the kept sleep never fired");
        std::thread::sleep(ms(1));
    }
    std::thread::sleep(ms(20));
    assert_eq!(dropped_wakes.count(), 0, "a dropped sleep woke its waker");
    assert!(kept.is_elapsed());
    drop(kept);
    // The runtime is fine afterwards.
    rt.block_on(timed_sleep(ms(2)));
}

#[test]
fn sleeps_dropped_by_aborting_their_tasks_on_a_busy_runtime() {
    let rt = support::rt_multi(2);
    let fired = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..200)
        .map(|_| {
            let fired = fired.clone();
            rt.spawn(async move {
                sleep(ms(30)).await;
                fired.fetch_add(1, SeqCst);
            })
        })
        .collect();
    for h in &handles {
        h.abort();
    }
    rt.block_on(async {
        for h in handles {
            assert!(h.await.unwrap_err().is_cancelled());
        }
        timed_sleep(ms(40)).await;
    });
    assert_eq!(fired.load(SeqCst), 0);
}

#[test]
fn ten_thousand_concurrent_sleeps_all_complete_none_early() {
    const N: usize = 10_000;
    let rt = support::rt_multi(2);
    let wall = std::time::Instant::now();
    let done = Arc::new(AtomicUsize::new(0));
    let worst = rt.block_on(async {
        // Half spawned from a task (worker queues, worker shards), half from block_on.
        let from_task = {
            let done = done.clone();
            runtime::spawn(async move {
                (0..N / 2)
                    .map(|i| {
                        let done = done.clone();
                        runtime::spawn(async move {
                            let d = ms(i as u64 % 20 + 1);
                            let took = timed_sleep(d).await;
                            done.fetch_add(1, SeqCst);
                            took - d
                        })
                    })
                    .collect::<Vec<_>>()
            })
            .await
            .unwrap()
        };
        let from_block_on: Vec<_> = (N / 2..N)
            .map(|i| {
                let done = done.clone();
                runtime::spawn(async move {
                    let d = ms(i as u64 % 20 + 1);
                    let took = timed_sleep(d).await;
                    done.fetch_add(1, SeqCst);
                    took - d
                })
            })
            .collect();
        let mut worst = Duration::ZERO;
        for h in from_task.into_iter().chain(from_block_on) {
            worst = worst.max(h.await.unwrap());
        }
        worst
    });
    let took = wall.elapsed();
    eprintln!("{N} sleeps of 1..=20 ms: all done in {took:?}, worst lateness {worst:?}");
    assert_eq!(done.load(SeqCst), N);
    assert!(took < Duration::from_secs(10), "{took:?}");
}

/// A worker moves a sleeping task's timer earlier and then blocks in a poll, while the
/// other worker sleeps on the driver toward the old, later deadline: the timer still
/// fires near its new deadline (the monitor fires overdue timers), not when the blocked
/// worker comes back.
#[test]
fn a_timer_moved_earlier_by_a_worker_that_then_blocks_still_fires_on_time() {
    let rt = support::rt_multi(2);
    let shared: Arc<Mutex<Option<Pin<Box<Sleep>>>>> = Arc::new(Mutex::new(None));
    let polled = Arc::new(AtomicUsize::new(0));
    let waiter = {
        let (shared, polled) = (shared.clone(), polled.clone());
        rt.spawn(async move {
            *support::lock(&shared) = Some(Box::pin(sleep(Duration::from_secs(3600))));
            std::future::poll_fn(|cx| {
                polled.fetch_add(1, SeqCst);
                let mut slot = support::lock(&shared);
                slot.as_mut().expect("the sleep").as_mut().poll(cx)
            })
            .await;
            std::time::Instant::now()
        })
    };
    let wall = std::time::Instant::now();
    while polled.load(SeqCst) == 0 {
        assert!(wall.elapsed() < PATIENCE, "the waiter never ran");
        std::thread::sleep(ms(1));
    }
    // Let both workers go to sleep, one of them on the driver until the hour is up.
    std::thread::sleep(ms(30));
    let mover = {
        let shared = shared.clone();
        rt.spawn(async move {
            let moved_at = std::time::Instant::now();
            let deadline = Instant::now() + ms(10);
            support::lock(&shared)
                .as_mut()
                .expect("the sleep")
                .as_mut()
                .reset(deadline);
            // Blocks this worker far past the new deadline.
            std::thread::sleep(ms(400));
            moved_at
        })
    };
    let fired_at = rt.block_on(waiter).unwrap();
    let moved_at = rt.block_on(mover).unwrap();
    let took = fired_at.saturating_duration_since(moved_at);
    eprintln!("a timer moved to 10 ms fired after {took:?} with its mover blocked 400 ms");
    assert!(took >= ms(10), "early: {took:?}");
    assert!(
        took < ms(10) + ms(150),
        "waited for the blocked worker: {took:?}"
    );
}
