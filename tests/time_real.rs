//! Timers on the real clock, both flavors: never before the deadline, and on time despite
//! tasks (or a `block_on` future) that keep the scheduler busy yielding: busy threads fire
//! due timers every `event_interval` polls. Several threads in `block_on` of one
//! current-thread runtime. Durations are small and bounds generous: these run on loaded CI
//! machines.

mod support;
mod timing;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use runtime::time::Instant;
use runtime::{sleep, Runtime};
use timing::{ms, timed_sleep, LATE};

/// Spawns `n` tasks that loop on `yield_now` until `stop`; returns once each has run.
async fn spawn_spinners(n: usize, stop: &Arc<AtomicBool>) -> Vec<runtime::JoinHandle<u64>> {
    let running = Arc::new(AtomicUsize::new(0));
    let handles = (0..n)
        .map(|_| {
            let stop = stop.clone();
            let running = running.clone();
            runtime::spawn(async move {
                running.fetch_add(1, SeqCst);
                let mut spins = 0u64;
                while !stop.load(SeqCst) {
                    spins += 1;
                    runtime::yield_now().await;
                }
                spins
            })
        })
        .collect();
    support::yield_until_patient(|| running.load(SeqCst) == n, "the spinners to start").await;
    handles
}

#[test]
fn a_yield_spinning_task_does_not_delay_a_sleep_current_thread() {
    let rt = support::rt();
    rt.block_on(async {
        let stop = Arc::new(AtomicBool::new(false));
        let spinners = spawn_spinners(1, &stop).await;
        // The sleep in a task, and one in the block_on future.
        let task = runtime::spawn(timed_sleep(ms(10)));
        let in_block_on = timed_sleep(ms(10)).await;
        let in_task = task.await.unwrap();
        stop.store(true, SeqCst);
        let mut spins = 0;
        for h in spinners {
            spins += h.await.unwrap();
        }
        eprintln!(
            "current-thread, 1 spinner ({spins} spins): 10 ms sleep took {in_task:?} in a task, \
             {in_block_on:?} in block_on"
        );
        assert!(spins > 0);
        assert!(in_task < ms(10) + LATE, "{in_task:?}");
        assert!(in_block_on < ms(10) + LATE, "{in_block_on:?}");
    });
}

#[test]
fn yield_spinning_tasks_on_every_worker_do_not_delay_a_sleep_multi_thread() {
    let rt = support::rt_multi(2);
    rt.block_on(async {
        let stop = Arc::new(AtomicBool::new(false));
        // More spinners than workers: both workers are kept busy.
        let spinners = spawn_spinners(4, &stop).await;
        let mut in_tasks = Vec::new();
        for _ in 0..3 {
            in_tasks.push(runtime::spawn(timed_sleep(ms(10))).await.unwrap());
        }
        let in_block_on = timed_sleep(ms(10)).await;
        stop.store(true, SeqCst);
        let mut spins = 0;
        for h in spinners {
            spins += h.await.unwrap();
        }
        eprintln!(
            "multi-thread, 2 workers, 4 spinners ({spins} spins): 10 ms sleep took \
             {in_tasks:?} in tasks, {in_block_on:?} in block_on"
        );
        for took in in_tasks {
            assert!(took < ms(10) + LATE, "{took:?}");
        }
        assert!(in_block_on < ms(10) + LATE, "{in_block_on:?}");
    });
}

fn no_sleep_is_early(rt: &Runtime) {
    rt.block_on(async {
        let handles: Vec<_> = (0..100u64)
            .map(|i| runtime::spawn(timed_sleep(ms(i % 5 + 1))))
            .collect();
        let mut worst = Duration::ZERO;
        for (i, h) in handles.into_iter().enumerate() {
            let took = h.await.unwrap();
            worst = worst.max(took.saturating_sub(ms(i as u64 % 5 + 1)));
        }
        eprintln!("100 sleeps of 1..5 ms: worst lateness {worst:?}");
        // Sequential ones too, from the block_on future.
        for i in 0..20u64 {
            timed_sleep(Duration::from_micros(100 + i * 250)).await;
        }
    });
}

#[test]
fn no_sleep_completes_before_its_deadline_current_thread() {
    no_sleep_is_early(&support::rt());
}

#[test]
fn no_sleep_completes_before_its_deadline_multi_thread() {
    no_sleep_is_early(&support::rt_multi(2));
}

#[test]
fn sleep_until_and_timeout_on_the_real_clock_are_not_early() {
    for rt in [support::rt(), support::rt_multi(2)] {
        rt.block_on(async {
            let deadline = Instant::now() + ms(5);
            runtime::sleep_until(deadline).await;
            assert!(Instant::now() >= deadline);

            let wall = std::time::Instant::now();
            let res = runtime::timeout(ms(5), std::future::pending::<()>()).await;
            assert!(res.is_err());
            assert!(
                wall.elapsed() >= ms(5),
                "timed out early: {:?}",
                wall.elapsed()
            );

            let start = Instant::now();
            let mut iv = runtime::interval_at(start, ms(3));
            for k in 0..5u32 {
                let at = iv.tick().await;
                assert_eq!(at, start + ms(3) * k, "tick {k} scheduled off the grid");
                assert!(Instant::now() >= at, "tick {k} early");
            }
        });
    }
}

#[test]
fn a_timer_registered_from_another_thread_wakes_a_parked_current_thread_runtime() {
    let rt = Arc::new(support::rt());
    let (tx, rx) = support::oneshot::<()>();
    // The driving thread parks in block_on with no timer at all.
    let driver = {
        let rt = rt.clone();
        std::thread::spawn(move || rt.block_on(rx))
    };
    std::thread::sleep(ms(10));
    let took = {
        let _guard = rt.enter();
        let wall = std::time::Instant::now();
        support::block_on_std(sleep(ms(20)));
        wall.elapsed()
    };
    eprintln!("20 ms sleep registered from a foreign thread took {took:?}");
    assert!(took >= ms(20), "{took:?}");
    assert!(took < ms(20) + LATE, "{took:?}");
    tx.send(());
    assert_eq!(driver.join().unwrap(), Some(()));
}

/// A future that yields to the scheduler in a loop for up to `limit` of real time.
async fn spin_for(limit: Duration) {
    let wall = std::time::Instant::now();
    while wall.elapsed() < limit {
        runtime::yield_now().await;
    }
}

/// `timeout(10 ms, a future that yields for up to 2 s)`: must elapse on time.
async fn timeout_around_a_spinner() -> Duration {
    let wall = std::time::Instant::now();
    let res = runtime::timeout(ms(10), spin_for(Duration::from_secs(2))).await;
    let took = wall.elapsed();
    assert!(
        res.is_err(),
        "the timeout never fired: the spinner ran {took:?}"
    );
    took
}

#[test]
fn a_timeout_around_a_yield_spinning_task_fires_on_time() {
    for (flavor, rt) in [
        ("current-thread", support::rt()),
        ("multi-thread", support::rt_multi(2)),
    ] {
        let took = rt.block_on(async { runtime::spawn(timeout_around_a_spinner()).await.unwrap() });
        eprintln!("{flavor}: timeout(10 ms) around a spinning task fired after {took:?}");
        assert!(took < ms(10) + LATE, "{flavor}: {took:?}");
    }
}

#[test]
fn a_timeout_around_a_yield_spinning_block_on_future_fires_on_time_multi_thread() {
    let rt = support::rt_multi(2);
    let took = rt.block_on(timeout_around_a_spinner());
    eprintln!("multi-thread: timeout(10 ms) around a spinning block_on future: {took:?}");
    assert!(took < ms(10) + LATE, "{took:?}");
}

#[test]
fn a_timeout_around_a_yield_spinning_block_on_future_fires_on_time_current_thread() {
    let rt = support::rt();
    let took = rt.block_on(timeout_around_a_spinner());
    eprintln!("current-thread: timeout(10 ms) around a spinning block_on future: {took:?}");
    assert!(took < ms(10) + LATE, "{took:?}");
}

#[test]
fn a_block_on_future_spinning_on_yield_now_does_not_starve_a_task_sleep_current_thread() {
    let rt = support::rt();
    rt.block_on(async {
        let task = runtime::spawn(timed_sleep(ms(10)));
        let wall = std::time::Instant::now();
        while !task.is_finished() && wall.elapsed() < Duration::from_secs(2) {
            runtime::yield_now().await;
        }
        assert!(
            task.is_finished(),
            "a 10 ms sleep in a task had not fired after {:?} of block_on yielding",
            wall.elapsed()
        );
        let took = task.await.unwrap();
        eprintln!("current-thread, block_on future spinning: 10 ms sleep took {took:?}");
        assert!(took < ms(10) + LATE, "{took:?}");
    });
}

#[test]
fn several_threads_in_block_on_of_one_current_thread_runtime_sleep_on_time() {
    let rt = Arc::new(support::rt());
    let threads: Vec<_> = (0..3u64)
        .map(|i| {
            let rt = rt.clone();
            std::thread::spawn(move || rt.block_on(timed_sleep(ms(10 + 5 * i))))
        })
        .collect();
    for (i, t) in threads.into_iter().enumerate() {
        let took = t.join().unwrap();
        let d = ms(10 + 5 * i as u64);
        eprintln!("block_on thread {i}: {d:?} sleep took {took:?}");
        assert!(took < d + LATE, "{took:?}");
    }
}

#[test]
fn several_threads_in_block_on_of_one_paused_runtime_are_never_early() {
    let rt = Arc::new(support::rt_paused());
    let threads: Vec<_> = (0..3u64)
        .map(|i| {
            let rt = rt.clone();
            std::thread::spawn(move || {
                rt.block_on(async move {
                    let s = sleep(Duration::from_secs(10 + i));
                    let deadline = s.deadline();
                    s.await;
                    assert!(Instant::now() >= deadline);
                })
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}
