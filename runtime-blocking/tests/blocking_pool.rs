//! The blocking pool through its public API.
//!
//! Timing checks use wide bounds: the development machine has 2 cores shared
//! with other builds.

// Tests count with std atomics and start their own threads (STYLE.md, Loom).
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use runtime_blocking::{Builder, ThreadPool, DEFAULT_THREAD_NAME};
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

const LONG: Duration = Duration::from_secs(30);

/// Polls `cond` every millisecond for up to 10 s.
fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Increments `counter` when dropped unrun; the job disarms it when it runs.
struct DropProbe {
    dropped_unrun: Arc<AtomicUsize>,
    ran: bool,
}

impl Drop for DropProbe {
    fn drop(&mut self) {
        if !self.ran {
            self.dropped_unrun.fetch_add(1, Ordering::SeqCst);
        }
    }
}

#[test]
fn ten_thousand_jobs_all_complete() {
    let pool = Builder::new().max_threads(8).build().unwrap();
    let done = Arc::new(AtomicUsize::new(0));
    for _ in 0..10_000 {
        let done = done.clone();
        pool.execute(move || {
            done.fetch_add(1, Ordering::Relaxed);
        })
        .unwrap();
    }
    let report = pool.shutdown_timeout(LONG);
    // Shutdown drops what is still queued: count both ways, nothing is lost.
    assert!(!report.timed_out());
    assert_eq!(done.load(Ordering::Relaxed) + report.cancelled(), 10_000);

    // And without shutting down first, every one of them runs.
    let pool = Builder::new().max_threads(8).build().unwrap();
    let (tx, rx) = mpsc::channel();
    for i in 0..10_000 {
        let tx = tx.clone();
        pool.execute(move || tx.send(i).unwrap()).unwrap();
    }
    drop(tx);
    let mut seen = vec![false; 10_000];
    for i in rx.iter().take(10_000) {
        seen[i] = true;
    }
    assert!(seen.iter().all(|&s| s));
    eventually("completed_jobs catches up", || {
        pool.completed_jobs() == 10_000
    });
    assert_eq!(pool.panicked_jobs(), 0);
    assert!(pool.spawned_threads() <= 8);
}

#[test]
fn a_pool_of_four_never_runs_more_than_four_at_once() {
    let pool = ThreadPool::new(4).unwrap();
    let now = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel();
    for _ in 0..64 {
        let (now, peak, tx) = (now.clone(), peak.clone(), tx.clone());
        pool.execute(move || {
            let n = now.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(n, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(2));
            now.fetch_sub(1, Ordering::SeqCst);
            tx.send(()).unwrap();
        })
        .unwrap();
    }
    for _ in 0..64 {
        rx.recv_timeout(LONG).unwrap();
    }
    let peak = peak.load(Ordering::SeqCst);
    assert!((1..=4).contains(&peak), "peak {peak}");
    assert_eq!(pool.num_threads(), 4);
    assert_eq!(pool.spawned_threads(), 4);
}

#[test]
fn a_burst_starts_no_more_threads_than_jobs() {
    let pool = Builder::new().max_threads(64).build().unwrap();
    let gate = Arc::new(Barrier::new(6));
    for _ in 0..5 {
        let gate = gate.clone();
        pool.execute(move || {
            gate.wait();
        })
        .unwrap();
    }
    gate.wait();
    assert!(pool.spawned_threads() <= 5, "{}", pool.spawned_threads());
    assert_eq!(pool.spawn_failures(), 0);
}

#[test]
fn idle_threads_exit_after_keep_alive() {
    let pool = Builder::new()
        .max_threads(4)
        .keep_alive(Duration::from_millis(50))
        .build()
        .unwrap();
    let gate = Arc::new(Barrier::new(5));
    for _ in 0..4 {
        let gate = gate.clone();
        pool.execute(move || {
            gate.wait();
        })
        .unwrap();
    }
    gate.wait();
    assert_eq!(pool.num_threads(), 4);
    let start = Instant::now();
    eventually("idle threads exited", || pool.num_threads() == 0);
    assert!(
        start.elapsed() >= Duration::from_millis(30),
        "left before keep-alive"
    );
    assert_eq!(pool.idle_threads(), 0);

    // The pool grows again on demand.
    let (tx, rx) = mpsc::channel();
    pool.execute(move || tx.send(()).unwrap()).unwrap();
    rx.recv_timeout(LONG).unwrap();
    assert_eq!(pool.spawned_threads(), 5);
}

#[test]
fn a_fixed_pool_keeps_its_threads() {
    let pool = Builder::new()
        .min_threads(2)
        .max_threads(2)
        .keep_alive(Duration::from_millis(1))
        .build()
        .unwrap();
    assert_eq!(pool.num_threads(), 2);
    eventually("both threads idle", || pool.idle_threads() == 2);
    std::thread::sleep(Duration::from_millis(30));
    assert_eq!(pool.num_threads(), 2);
}

#[test]
fn a_panicking_job_does_not_shrink_the_pool() {
    let payloads = Arc::new(Mutex::new(Vec::<String>::new()));
    let pool = {
        let payloads = payloads.clone();
        Builder::new()
            .min_threads(2)
            .max_threads(2)
            .panic_handler(move |payload| {
                let text = payload.downcast_ref::<&str>().map(|s| s.to_string());
                payloads.lock().unwrap().push(text.unwrap_or_default());
            })
            .build()
            .unwrap()
    };
    for _ in 0..4 {
        pool.execute(|| panic!("job failed on purpose")).unwrap();
    }
    eventually("panics were reported", || pool.panicked_jobs() == 4);
    assert_eq!(pool.num_threads(), 2);
    assert_eq!(
        payloads.lock().unwrap().as_slice(),
        ["job failed on purpose"; 4]
    );

    let (tx, rx) = mpsc::channel();
    for _ in 0..2 {
        let tx = tx.clone();
        pool.execute(move || tx.send(()).unwrap()).unwrap();
    }
    rx.recv_timeout(LONG).unwrap();
    rx.recv_timeout(LONG).unwrap();
    assert_eq!(pool.spawned_threads(), 2, "no thread was replaced or lost");
}

#[test]
fn dropping_the_pool_never_blocks() {
    let pool = ThreadPool::new(1).unwrap();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let (started_tx, started_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel();
    pool.execute(move || {
        started_tx.send(()).unwrap();
        release_rx.recv().unwrap();
        done_tx.send(()).unwrap();
    })
    .unwrap();
    let dropped_unrun = Arc::new(AtomicUsize::new(0));
    let probe = DropProbe {
        dropped_unrun: dropped_unrun.clone(),
        ran: false,
    };
    pool.execute(move || {
        let mut probe = probe; // the whole guard, not just its `ran` field
        probe.ran = true;
    })
    .unwrap();
    started_rx.recv_timeout(LONG).unwrap();

    let start = Instant::now();
    drop(pool);
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "drop waited for the job"
    );
    // The queued job was dropped unrun by the drop; the running one finishes.
    assert_eq!(dropped_unrun.load(Ordering::SeqCst), 1);
    release_tx.send(()).unwrap();
    done_rx.recv_timeout(LONG).unwrap();
}

#[test]
fn shutdown_timeout_reports_stuck_jobs() {
    let pool = Builder::new().max_threads(3).build().unwrap();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let release_rx = Arc::new(Mutex::new(release_rx));
    let gate = Arc::new(Barrier::new(3));
    for _ in 0..2 {
        let (gate, release_rx) = (gate.clone(), release_rx.clone());
        pool.execute(move || {
            gate.wait();
            let _ = release_rx.lock().unwrap().recv();
        })
        .unwrap();
    }
    gate.wait();

    let start = Instant::now();
    let report = pool.shutdown_timeout(Duration::from_millis(50));
    assert!(start.elapsed() >= Duration::from_millis(40));
    assert!(report.timed_out());
    assert_eq!(report.running(), 2);
    assert_eq!(report.cancelled(), 0);

    drop(release_tx); // both stuck jobs return
    let report = pool.shutdown_timeout(LONG);
    assert!(!report.timed_out());
    assert_eq!(report.running(), 0);
    assert_eq!(pool.num_threads(), 0);
}

#[test]
fn submit_after_shutdown_hands_the_job_back() {
    let pool = ThreadPool::new(1).unwrap();
    pool.shutdown();
    assert!(pool.is_shutdown());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let err = pool
        .execute(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap_err();
    assert_eq!(hits.load(Ordering::SeqCst), 0, "refused, not run");
    let job = err.into_inner();
    job(); // handed back intact
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    assert!(pool
        .execute(|| ())
        .unwrap_err()
        .to_string()
        .contains("shut down"));
}

#[test]
fn queued_jobs_are_dropped_unrun_at_shutdown_exactly_once() {
    let pool = ThreadPool::new(1).unwrap();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let (started_tx, started_rx) = mpsc::channel();
    pool.execute(move || {
        started_tx.send(()).unwrap();
        let _ = release_rx.recv();
    })
    .unwrap();
    started_rx.recv_timeout(LONG).unwrap();

    let dropped_unrun = Arc::new(AtomicUsize::new(0));
    let ran = Arc::new(AtomicUsize::new(0));
    for _ in 0..10 {
        let probe = DropProbe {
            dropped_unrun: dropped_unrun.clone(),
            ran: false,
        };
        let ran = ran.clone();
        pool.execute(move || {
            let mut probe = probe; // the whole guard, not just its `ran` field
            probe.ran = true;
            ran.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap();
    }
    assert_eq!(pool.queue_depth(), 10);
    pool.shutdown();
    assert_eq!(dropped_unrun.load(Ordering::SeqCst), 10);
    drop(release_tx);
    let report = pool.shutdown_timeout(LONG);
    assert_eq!(report.cancelled(), 10);
    assert_eq!(pool.cancelled_jobs(), 10);
    assert_eq!(ran.load(Ordering::SeqCst), 0);
    drop(pool);
    assert_eq!(
        dropped_unrun.load(Ordering::SeqCst),
        10,
        "dropped once, not twice"
    );
}

#[test]
fn zero_threads_is_invalid_input_saying_what_to_pass() {
    let err = ThreadPool::new(0).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("pass 1 or more"), "{err}");
}

#[test]
fn cpu_pool_has_one_thread_per_cpu() {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pool = ThreadPool::cpu().unwrap();
    assert_eq!(pool.num_threads(), cpus);
    assert_eq!(pool.max_threads(), cpus);
}

#[test]
fn threads_are_named_and_run_hooks() {
    let started = Arc::new(AtomicUsize::new(0));
    let stopped = Arc::new(AtomicUsize::new(0));
    let names = Arc::new(AtomicUsize::new(0));
    let pool = {
        let (started, stopped, names) = (started.clone(), stopped.clone(), names.clone());
        Builder::new()
            .max_threads(2)
            .stack_size(256 * 1024)
            .thread_name_fn(move || format!("worker-{}", names.fetch_add(1, Ordering::SeqCst)))
            .on_thread_start(move || {
                started.fetch_add(1, Ordering::SeqCst);
            })
            .on_thread_stop(move || {
                stopped.fetch_add(1, Ordering::SeqCst);
            })
            .build()
            .unwrap()
    };
    let (tx, rx) = mpsc::channel();
    pool.execute(move || {
        tx.send(std::thread::current().name().map(str::to_owned))
            .unwrap();
    })
    .unwrap();
    assert_eq!(rx.recv_timeout(LONG).unwrap().as_deref(), Some("worker-0"));
    let report = pool.shutdown_timeout(LONG);
    assert!(!report.timed_out());
    assert_eq!(started.load(Ordering::SeqCst), 1);
    assert_eq!(stopped.load(Ordering::SeqCst), 1);

    let pool = ThreadPool::new(1).unwrap();
    let (tx, rx) = mpsc::channel();
    pool.execute(move || {
        tx.send(std::thread::current().name().map(str::to_owned))
            .unwrap();
    })
    .unwrap();
    assert_eq!(
        rx.recv_timeout(LONG).unwrap().as_deref(),
        Some(DEFAULT_THREAD_NAME)
    );
}

#[test]
fn panics_in_hooks_and_cancelled_drops_are_contained() {
    struct PanicOnDrop;
    impl Drop for PanicOnDrop {
        fn drop(&mut self) {
            panic!("drop failed on purpose");
        }
    }

    let reported = Arc::new(AtomicUsize::new(0));
    let pool = {
        let reported = reported.clone();
        Builder::new()
            .min_threads(1)
            .max_threads(1)
            .on_thread_start(|| panic!("hook failed on purpose"))
            .panic_handler(move |_| {
                reported.fetch_add(1, Ordering::SeqCst);
            })
            .build()
            .unwrap()
    };
    let (release_tx, release_rx) = mpsc::channel::<()>();
    pool.execute(move || {
        let _ = release_rx.recv();
    })
    .unwrap();
    let guard = PanicOnDrop;
    pool.execute(move || drop(guard)).unwrap();
    pool.shutdown(); // drops the queued job: its Drop panics, the pool carries on
    drop(release_tx);
    let report = pool.shutdown_timeout(LONG);
    assert!(!report.timed_out());
    assert_eq!(
        reported.load(Ordering::SeqCst),
        2,
        "hook panic + drop panic"
    );
}
