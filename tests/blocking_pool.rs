//! `ThreadPool` and the runtime's blocking pool: the thread bound holds, idle threads leave
//! after the keep-alive, metrics add up, and misconfiguration is an `InvalidInput` error
//! that says what to pass.

mod support;

use std::io::ErrorKind;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use support::{wait_until, Gate, PATIENCE};

/// Counts jobs running at once and remembers the most there ever were.
#[derive(Clone, Default)]
struct Concurrency {
    now: Arc<AtomicUsize>,
    high: Arc<AtomicUsize>,
}

impl Concurrency {
    /// A job that counts itself in, sleeps `ms`, and counts itself out.
    fn job(&self, ms: u64) -> impl FnOnce() + Send + 'static {
        let c = self.clone();
        move || {
            let n = c.now.fetch_add(1, SeqCst) + 1;
            c.high.fetch_max(n, SeqCst);
            thread::sleep(Duration::from_millis(ms));
            c.now.fetch_sub(1, SeqCst);
        }
    }

    /// A job that counts itself in and waits until `target` jobs are in at once (or
    /// [`PATIENCE`] passes, which fails the test through the high-water mark).
    fn rendezvous(&self, target: usize) -> impl FnOnce() + Send + 'static {
        let c = self.clone();
        move || {
            let n = c.now.fetch_add(1, SeqCst) + 1;
            c.high.fetch_max(n, SeqCst);
            let deadline = Instant::now() + PATIENCE;
            while c.high.load(SeqCst) < target && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(1));
            }
            c.now.fetch_sub(1, SeqCst);
        }
    }

    fn high(&self) -> usize {
        self.high.load(SeqCst)
    }
}

// ---------------------------------------------------------------------------------------
// The thread bound

#[test]
fn a_pool_of_four_never_runs_more_than_four_jobs_at_once() {
    let pool = runtime::ThreadPool::new(4).unwrap();
    assert_eq!(
        pool.num_threads(),
        4,
        "a fixed-size pool starts its threads"
    );
    assert_eq!(pool.max_threads(), 4);
    let c = Concurrency::default();
    let handles: Vec<_> = (0..40)
        .map(|i| runtime::run_in_executor(&pool, c.job(5 + i % 6)))
        .collect();
    for h in handles {
        support::block_on_std(h).unwrap();
    }
    assert!(c.high() <= 4, "{} jobs ran at once", c.high());
    assert!(c.high() >= 1);
    assert_eq!(pool.num_threads(), 4);
    assert_eq!(
        pool.spawned_threads(),
        4,
        "a fixed-size pool starts no more"
    );
}

#[test]
fn a_pool_of_four_runs_four_jobs_at_once_when_asked() {
    let pool = runtime::ThreadPool::new(4).unwrap();
    let c = Concurrency::default();
    let handles: Vec<_> = (0..4)
        .map(|_| runtime::run_in_executor(&pool, c.rendezvous(4)))
        .collect();
    for h in handles {
        support::block_on_std(h).unwrap();
    }
    assert_eq!(c.high(), 4, "four jobs should have met");
}

#[test]
fn a_builder_pool_grows_on_demand_up_to_max_threads() {
    let pool = runtime::ThreadPool::builder()
        .max_threads(3)
        .build()
        .unwrap();
    assert_eq!(pool.num_threads(), 0, "no threads before the first job");
    let c = Concurrency::default();
    let handles: Vec<_> = (0..30)
        .map(|i| runtime::run_in_executor(&pool, c.job(5 + i % 6)))
        .collect();
    assert!(pool.num_threads() <= 3);
    for h in handles {
        support::block_on_std(h).unwrap();
    }
    assert!(c.high() <= 3, "{} jobs ran at once", c.high());
    assert!(pool.num_threads() <= 3);
    assert!(pool.spawned_threads() >= 1);
}

#[test]
fn max_blocking_threads_bounds_the_runtime_pool() {
    for (flavor, mut builder) in [
        ("current_thread", runtime::Builder::new_current_thread()),
        ("multi_thread", runtime::Builder::new_multi_thread()),
    ] {
        let rt = builder
            .worker_threads(2)
            .max_blocking_threads(2)
            .build()
            .unwrap();
        let c = Concurrency::default();
        let most_threads = rt.block_on(async {
            let handles: Vec<_> = (0..24)
                .map(|i| runtime::spawn_blocking(c.job(5 + i % 6)))
                .collect();
            let metrics = runtime::Handle::current().metrics();
            let mut most = metrics.num_blocking_threads();
            for h in handles {
                most = most.max(metrics.num_blocking_threads());
                h.await.unwrap();
            }
            most
        });
        assert!(c.high() <= 2, "{flavor}: {} jobs ran at once", c.high());
        assert!(
            most_threads <= 2,
            "{flavor}: {most_threads} blocking threads"
        );
        assert!(
            rt.handle().metrics().num_blocking_threads() <= 2,
            "{flavor}"
        );
    }
}

#[test]
fn max_blocking_threads_two_still_runs_two_at_once() {
    let rt = runtime::Builder::new_current_thread()
        .max_blocking_threads(2)
        .build()
        .unwrap();
    let c = Concurrency::default();
    rt.block_on(async {
        let a = runtime::spawn_blocking(c.rendezvous(2));
        let b = runtime::spawn_blocking(c.rendezvous(2));
        a.await.unwrap();
        b.await.unwrap();
    });
    assert_eq!(c.high(), 2);
}

#[test]
fn queued_jobs_wait_for_a_busy_thread_and_all_run() {
    let pool = runtime::ThreadPool::new(1).unwrap();
    let gate = Gate::new();
    let g = gate.clone();
    let first = runtime::run_in_executor(&pool, move || g.wait());
    let order = Arc::new(Mutex::new(Vec::new()));
    let rest: Vec<_> = (0..10)
        .map(|i| {
            let o = order.clone();
            runtime::run_in_executor(&pool, move || support::lock(&o).push(i))
        })
        .collect();
    wait_until(|| pool.running_jobs() == 1, "the first job runs");
    assert_eq!(pool.queue_depth(), 10);
    gate.open();
    support::block_on_std(first).unwrap();
    for h in rest {
        support::block_on_std(h).unwrap();
    }
    // One thread and a FIFO queue: submission order.
    assert_eq!(*support::lock(&order), (0..10).collect::<Vec<_>>());
    assert_eq!(pool.queue_depth(), 0);
}

// ---------------------------------------------------------------------------------------
// Keep-alive

#[test]
fn idle_pool_threads_exit_after_the_keep_alive() {
    let pool = runtime::ThreadPool::builder()
        .max_threads(4)
        .keep_alive(Duration::from_millis(50))
        .build()
        .unwrap();
    let c = Concurrency::default();
    let handles: Vec<_> = (0..4)
        .map(|_| runtime::run_in_executor(&pool, c.rendezvous(4)))
        .collect();
    for h in handles {
        support::block_on_std(h).unwrap();
    }
    assert_eq!(pool.spawned_threads(), 4);
    wait_until(|| pool.num_threads() == 0, "idle threads exit");
    assert_eq!(pool.idle_threads(), 0);
    // The pool still works: a new job starts a new thread.
    assert_eq!(
        support::block_on_std(runtime::run_in_executor(&pool, || 8)).unwrap(),
        8
    );
    assert_eq!(pool.spawned_threads(), 5);
    wait_until(|| pool.num_threads() == 0, "the new thread exits too");
}

#[test]
fn min_threads_stay_while_the_others_leave() {
    let pool = runtime::ThreadPool::builder()
        .min_threads(1)
        .max_threads(3)
        .keep_alive(Duration::from_millis(20))
        .build()
        .unwrap();
    assert_eq!(pool.num_threads(), 1);
    let c = Concurrency::default();
    let handles: Vec<_> = (0..3)
        .map(|_| runtime::run_in_executor(&pool, c.rendezvous(3)))
        .collect();
    for h in handles {
        support::block_on_std(h).unwrap();
    }
    wait_until(|| pool.num_threads() == 1, "the extra threads exit");
    // Several keep-alives later, the core thread is still there.
    thread::sleep(Duration::from_millis(100));
    assert_eq!(pool.num_threads(), 1);
}

#[test]
fn idle_runtime_blocking_threads_exit_after_thread_keep_alive() {
    for (flavor, mut builder) in [
        ("current_thread", runtime::Builder::new_current_thread()),
        ("multi_thread", runtime::Builder::new_multi_thread()),
    ] {
        let rt = builder
            .worker_threads(2)
            .thread_keep_alive(Duration::from_millis(50))
            .build()
            .unwrap();
        let metrics = rt.handle().metrics();
        assert_eq!(metrics.num_blocking_threads(), 0, "{flavor}");
        let c = Concurrency::default();
        rt.block_on(async {
            let handles: Vec<_> = (0..3)
                .map(|_| runtime::spawn_blocking(c.rendezvous(3)))
                .collect();
            for h in handles {
                h.await.unwrap();
            }
        });
        assert_eq!(c.high(), 3, "{flavor}");
        assert!(metrics.num_blocking_threads() >= 1, "{flavor}");
        wait_until(
            || metrics.num_blocking_threads() == 0,
            "idle blocking threads exit",
        );
        assert_eq!(metrics.num_idle_blocking_threads(), 0, "{flavor}");
        // And come back on demand.
        assert_eq!(
            rt.block_on(async { runtime::spawn_blocking(|| 1).await })
                .unwrap(),
            1,
            "{flavor}"
        );
    }
}

#[test]
fn an_idle_thread_is_reused_rather_than_a_new_one_started() {
    let pool = runtime::ThreadPool::builder()
        .max_threads(8)
        .keep_alive(PATIENCE)
        .build()
        .unwrap();
    for i in 0..20 {
        let h = runtime::run_in_executor(&pool, move || i);
        assert_eq!(support::block_on_std(h).unwrap(), i);
        // Let the thread register as idle again before the next job.
        wait_until(|| pool.idle_threads() == 1, "the thread goes idle");
    }
    assert_eq!(
        pool.spawned_threads(),
        1,
        "one job at a time needs one thread"
    );
    assert_eq!(pool.num_threads(), 1);
}

// ---------------------------------------------------------------------------------------
// Metrics

#[test]
fn pool_metrics_follow_running_queued_and_completed_jobs() {
    support::install_panic_hook();
    let pool = runtime::ThreadPool::new(2).unwrap();
    wait_until(|| pool.idle_threads() == 2, "both threads go idle");
    let gate = Gate::new();
    let running: Vec<_> = (0..2)
        .map(|_| {
            let g = gate.clone();
            runtime::run_in_executor(&pool, move || g.wait())
        })
        .collect();
    let queued: Vec<_> = (0..3)
        .map(|_| {
            let g = gate.clone();
            runtime::run_in_executor(&pool, move || g.wait())
        })
        .collect();
    wait_until(|| pool.running_jobs() == 2, "two jobs run");
    assert_eq!(pool.queue_depth(), 3);
    assert_eq!(pool.idle_threads(), 0);
    assert_eq!(pool.completed_jobs(), 0);
    gate.open();
    for h in running.into_iter().chain(queued) {
        support::block_on_std(h).unwrap();
    }
    wait_until(|| pool.completed_jobs() == 5, "five jobs counted");
    assert_eq!(pool.running_jobs(), 0);
    assert_eq!(pool.queue_depth(), 0);
    assert_eq!(pool.cancelled_jobs(), 0);
    assert!(!pool.is_shutdown());
}

#[test]
fn runtime_metrics_show_blocking_threads_and_queue() {
    let rt = runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(1)
        .build()
        .unwrap();
    let metrics = rt.handle().metrics();
    let gate = Gate::new();
    let g = gate.clone();
    let first = rt.handle().spawn_blocking(move || g.wait());
    let queued: Vec<_> = (0..4)
        .map(|i| rt.handle().spawn_blocking(move || i))
        .collect();
    wait_until(
        || metrics.num_blocking_threads() == 1,
        "one blocking thread",
    );
    wait_until(|| metrics.blocking_queue_depth() == 4, "four jobs queued");
    assert_eq!(metrics.num_idle_blocking_threads(), 0);
    gate.open();
    rt.block_on(async move {
        first.await.unwrap();
        for (i, h) in queued.into_iter().enumerate() {
            assert_eq!(h.await.unwrap(), i);
        }
    });
    assert_eq!(metrics.blocking_queue_depth(), 0);
    assert_eq!(metrics.num_blocking_threads(), 1);
    wait_until(
        || metrics.num_idle_blocking_threads() == 1,
        "the thread goes idle",
    );
}

#[test]
fn raw_execute_panics_are_counted_and_handed_to_the_panic_handler() {
    support::install_panic_hook();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let pool = runtime::ThreadPool::builder()
        .max_threads(1)
        .panic_handler(move |payload| support::lock(&s).push(support::payload_text(&*payload)))
        .build()
        .unwrap();
    pool.execute(|| panic!("{}: raw job", support::EXPECTED))
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    pool.execute(move || {
        tx.send(thread::current().name().map(str::to_owned))
            .unwrap()
    })
    .unwrap();
    let name = rx
        .recv_timeout(PATIENCE)
        .expect("the pool survives the panic");
    assert!(name.is_some());
    wait_until(|| pool.completed_jobs() == 2, "both jobs counted");
    assert_eq!(pool.panicked_jobs(), 1);
    let seen = support::lock(&seen).clone();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].contains("raw job"), "{seen:?}");
}

#[test]
fn pool_threads_carry_the_configured_name_and_run_the_hooks() {
    let started = Arc::new(AtomicUsize::new(0));
    let stopped = Arc::new(AtomicUsize::new(0));
    let (a, b) = (started.clone(), stopped.clone());
    let pool = runtime::ThreadPool::builder()
        .max_threads(2)
        .thread_name("blocking-pool-test")
        .on_thread_start(move || {
            a.fetch_add(1, SeqCst);
        })
        .on_thread_stop(move || {
            b.fetch_add(1, SeqCst);
        })
        .build()
        .unwrap();
    let name = support::block_on_std(runtime::run_in_executor(&pool, || {
        thread::current().name().map(str::to_owned)
    }))
    .unwrap();
    assert_eq!(name.as_deref(), Some("blocking-pool-test"));
    let report = pool.shutdown_timeout(PATIENCE);
    assert!(!report.timed_out());
    assert_eq!(started.load(SeqCst), pool.spawned_threads());
    assert_eq!(stopped.load(SeqCst), pool.spawned_threads());
}

#[test]
fn a_cpu_pool_has_a_thread_per_cpu() {
    let pool = runtime::ThreadPool::cpu().unwrap();
    let cpus = thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(pool.max_threads(), cpus);
    assert_eq!(pool.num_threads(), cpus);
    let sum = support::block_on_std(runtime::run_in_executor(&pool, || {
        (0..1_000u64).map(|i| i * i).sum::<u64>()
    }))
    .unwrap();
    assert_eq!(sum, 332_833_500);
}

// ---------------------------------------------------------------------------------------
// Configuration errors

#[test]
fn thread_pool_new_zero_is_invalid_input_saying_what_to_pass() {
    let err = runtime::ThreadPool::new(0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let msg = err.to_string();
    assert!(msg.contains("ThreadPool::new"), "{msg}");
    assert!(msg.contains("pass 1 or more"), "{msg}");
}

#[test]
fn builder_max_threads_zero_is_invalid_input_saying_what_to_pass() {
    let err = runtime::ThreadPool::builder()
        .max_threads(0)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let msg = err.to_string();
    assert!(msg.contains("max_threads"), "{msg}");
    assert!(msg.contains("pass 1 or more"), "{msg}");
    let err = runtime::ThreadPool::builder()
        .min_threads(4)
        .max_threads(2)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("min_threads"), "{err}");
}

#[test]
fn max_blocking_threads_zero_is_invalid_input_saying_what_to_pass() {
    for (flavor, mut builder) in [
        ("current_thread", runtime::Builder::new_current_thread()),
        ("multi_thread", runtime::Builder::new_multi_thread()),
    ] {
        let err = builder.max_blocking_threads(0).build().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{flavor}");
        let msg = err.to_string();
        assert!(msg.contains("max_blocking_threads"), "{flavor}: {msg}");
        assert!(msg.contains("pass"), "{flavor}: {msg}");
    }
}

#[test]
fn a_failed_build_starts_no_threads_and_leaks_nothing() {
    // The blocking pool is built before the workers: a builder that fails validation
    // must not leave a pool (or its hooks) behind.
    let started = Arc::new(AtomicBool::new(false));
    let s = started.clone();
    let err = runtime::Builder::new_multi_thread()
        .worker_threads(0)
        .on_thread_start(move || s.store(true, SeqCst))
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(!started.load(SeqCst));
}
