//! Shutting blocking work down: jobs that never started are cancelled and their handles
//! resolve; running jobs are waited for only where the API says so (a `Runtime` drop,
//! `shutdown_timeout` up to its bound) and never by a dropped `ThreadPool`; nothing
//! submitted after shutdown panics or hangs.

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use support::{wait_until, Gate, PATIENCE};

/// A wall-clock bound for "returns promptly": far above what an idle machine needs,
/// far below [`PATIENCE`], which is how long a wrongly waited-for job stays stuck.
const PROMPT: Duration = Duration::from_secs(5);

/// A job that says it started, waits for `gate`, then says it finished.
fn held_job(gate: &Gate) -> (impl FnOnce() -> &'static str + Send + 'static, Flags) {
    let flags = Flags::default();
    let (g, f) = (gate.clone(), flags.clone());
    let job = move || {
        f.started.store(true, SeqCst);
        g.wait();
        f.finished.store(true, SeqCst);
        "held"
    };
    (job, flags)
}

#[derive(Clone, Default)]
struct Flags {
    started: Arc<AtomicBool>,
    finished: Arc<AtomicBool>,
}

impl Flags {
    fn started(&self) -> bool {
        self.started.load(SeqCst)
    }
    fn finished(&self) -> bool {
        self.finished.load(SeqCst)
    }
}

/// A job that records whether it ever ran.
fn tracked_job(ran: &Arc<AtomicUsize>) -> impl FnOnce() + Send + 'static {
    let ran = ran.clone();
    move || {
        ran.fetch_add(1, SeqCst);
    }
}

fn flavors(max_blocking: usize) -> [(&'static str, runtime::Runtime); 2] {
    [
        (
            "current_thread",
            runtime::Builder::new_current_thread()
                .max_blocking_threads(max_blocking)
                .build()
                .unwrap(),
        ),
        (
            "multi_thread",
            runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .max_blocking_threads(max_blocking)
                .build()
                .unwrap(),
        ),
    ]
}

// ---------------------------------------------------------------------------------------
// ThreadPool

#[test]
fn run_in_executor_after_shutdown_resolves_cancelled_at_once() {
    let pool = runtime::ThreadPool::new(2).unwrap();
    pool.shutdown();
    assert!(pool.is_shutdown());
    let ran = Arc::new(AtomicUsize::new(0));
    let h = runtime::run_in_executor(&pool, tracked_job(&ran));
    assert!(h.is_finished(), "resolved at submission");
    assert!(support::block_on_std(h).unwrap_err().is_cancelled());
    assert_eq!(ran.load(SeqCst), 0);
}

#[test]
fn run_in_executor_after_shutdown_from_inside_a_runtime() {
    let pool = Arc::new(runtime::ThreadPool::new(1).unwrap());
    pool.shutdown();
    for (flavor, rt) in flavors(4) {
        let ran = Arc::new(AtomicUsize::new(0));
        let p = pool.clone();
        let r = ran.clone();
        let err = rt.block_on(async move {
            let h = runtime::run_in_executor(&p, tracked_job(&r));
            assert!(h.is_finished());
            // And from a task on a worker, too.
            let p2 = p.clone();
            let r2 = r.clone();
            let inner =
                runtime::spawn(
                    async move { runtime::run_in_executor(&p2, tracked_job(&r2)).await },
                );
            assert!(inner.await.unwrap().unwrap_err().is_cancelled());
            h.await.unwrap_err()
        });
        assert!(err.is_cancelled(), "{flavor}");
        assert_eq!(ran.load(SeqCst), 0, "{flavor}");
    }
}

#[test]
fn shutdown_timeout_cancels_queued_jobs_and_reports_the_running_one() {
    let pool = runtime::ThreadPool::new(1).unwrap();
    let gate = Gate::new();
    let (job, flags) = held_job(&gate);
    let first = runtime::run_in_executor(&pool, job);
    wait_until(|| flags.started(), "the first job starts");
    let ran = Arc::new(AtomicUsize::new(0));
    let queued: Vec<_> = (0..5)
        .map(|_| runtime::run_in_executor(&pool, tracked_job(&ran)))
        .collect();
    assert_eq!(pool.queue_depth(), 5);

    // The first job is held, so a short wait times out with it still running.
    let report = pool.shutdown_timeout(Duration::from_millis(10));
    assert!(report.timed_out());
    assert_eq!(report.running(), 1);
    assert_eq!(report.cancelled(), 5);
    assert_eq!(pool.cancelled_jobs(), 5);
    // The queued jobs' handles resolve now, before the running job is released.
    for h in queued {
        assert!(h.is_finished());
        assert!(support::block_on_std(h).unwrap_err().is_cancelled());
    }
    assert!(!flags.finished());

    gate.open();
    assert_eq!(support::block_on_std(first).unwrap(), "held");
    let report = pool.shutdown_timeout(PATIENCE);
    assert!(!report.timed_out());
    assert_eq!(report.running(), 0);
    assert_eq!(report.cancelled(), 5, "cumulative since shutdown");
    assert_eq!(pool.num_threads(), 0);
    assert_eq!(ran.load(SeqCst), 0, "a cancelled job ran");
}

#[test]
fn shutdown_timeout_waits_for_running_jobs_that_finish_in_time() {
    let pool = runtime::ThreadPool::new(2).unwrap();
    let handles: Vec<_> = (0..2)
        .map(|i| {
            runtime::run_in_executor(&pool, move || {
                thread::sleep(Duration::from_millis(30));
                i
            })
        })
        .collect();
    wait_until(
        || pool.running_jobs() + pool.completed_jobs() == 2,
        "both start",
    );
    let report = pool.shutdown_timeout(PATIENCE);
    assert!(!report.timed_out());
    assert_eq!(report.running(), 0);
    assert_eq!(report.cancelled(), 0);
    for (i, h) in handles.into_iter().enumerate() {
        assert!(h.is_finished(), "the wait covered the job");
        assert_eq!(support::block_on_std(h).unwrap(), i);
    }
}

#[test]
fn shutdown_drops_queued_jobs_without_waiting_for_the_running_one() {
    let pool = runtime::ThreadPool::new(1).unwrap();
    let gate = Gate::new();
    let (job, flags) = held_job(&gate);
    let first = runtime::run_in_executor(&pool, job);
    wait_until(|| flags.started(), "the first job starts");
    let ran = Arc::new(AtomicUsize::new(0));
    let queued: Vec<_> = (0..3)
        .map(|_| runtime::run_in_executor(&pool, tracked_job(&ran)))
        .collect();
    let t = Instant::now();
    pool.shutdown();
    pool.shutdown(); // again: nothing more
    assert!(t.elapsed() < PROMPT, "shutdown waited for the running job");
    for h in queued {
        assert!(support::block_on_std(h).unwrap_err().is_cancelled());
    }
    assert_eq!(pool.cancelled_jobs(), 3);
    gate.open();
    assert_eq!(support::block_on_std(first).unwrap(), "held");
    assert_eq!(ran.load(SeqCst), 0);
}

#[test]
fn dropping_a_pool_cancels_its_queued_jobs() {
    let pool = runtime::ThreadPool::new(1).unwrap();
    let gate = Gate::new();
    let (job, flags) = held_job(&gate);
    let first = runtime::run_in_executor(&pool, job);
    wait_until(|| flags.started(), "the first job starts");
    let ran = Arc::new(AtomicUsize::new(0));
    let queued: Vec<_> = (0..3)
        .map(|_| runtime::run_in_executor(&pool, tracked_job(&ran)))
        .collect();
    drop(pool);
    for h in queued {
        assert!(support::block_on_std(h).unwrap_err().is_cancelled());
    }
    gate.open();
    assert_eq!(support::block_on_std(first).unwrap(), "held");
    assert_eq!(ran.load(SeqCst), 0);
}

#[test]
fn a_pool_dropped_inside_a_task_does_not_block_and_its_job_finishes() {
    for (flavor, rt) in flavors(4) {
        let gate = Gate::new();
        let (job, flags) = held_job(&gate);
        let g = gate.clone();
        let (drop_took, first) = rt.block_on(async move {
            let task = runtime::spawn(async move {
                let pool = runtime::ThreadPool::new(1).unwrap();
                let first = runtime::run_in_executor(&pool, job);
                // The job is held until after the drop: a drop that waited for it
                // would be stuck until the gate's patience ran out.
                support::yield_until_patient(|| flags.started(), "the job starts").await;
                let t = Instant::now();
                drop(pool);
                let took = t.elapsed();
                g.open();
                (took, first, flags)
            });
            let (took, first, flags) = task.await.unwrap();
            // The running job finishes in the background and its result still arrives.
            assert_eq!(first.await.unwrap(), "held");
            assert!(flags.finished());
            (took, flags)
        });
        assert!(
            drop_took < PROMPT,
            "{flavor}: dropping the pool blocked for {drop_took:?}"
        );
        assert!(first.finished(), "{flavor}");
        assert!(gate.is_open());
    }
}

// ---------------------------------------------------------------------------------------
// Runtime shutdown

#[test]
fn dropping_a_runtime_cancels_queued_blocking_jobs_and_waits_for_the_running_one() {
    for (flavor, rt) in flavors(1) {
        let gate = Gate::new();
        let (job, flags) = held_job(&gate);
        let first = rt.handle().spawn_blocking(job);
        wait_until(|| flags.started(), "the first job starts");
        let ran = Arc::new(AtomicUsize::new(0));
        let queued: Vec<_> = (0..4)
            .map(|_| rt.handle().spawn_blocking(tracked_job(&ran)))
            .collect();
        let metrics = rt.handle().metrics();
        assert_eq!(metrics.blocking_queue_depth(), 4, "{flavor}");
        // Release the running job only once the drop has emptied the queue, so the
        // queued jobs cannot have started before the shutdown.
        let g = gate.clone();
        let releaser = thread::spawn(move || {
            wait_until(
                || metrics.blocking_queue_depth() == 0,
                "the drop empties the queue",
            );
            g.open();
        });
        drop(rt);
        // The drop waited for the running job.
        assert!(flags.finished(), "{flavor}: the drop did not wait");
        releaser.join().unwrap();
        assert_eq!(support::block_on_std(first).unwrap(), "held", "{flavor}");
        for h in queued {
            let err = support::block_on_std(h).unwrap_err();
            assert!(err.is_cancelled(), "{flavor}: {err:?}");
        }
        assert_eq!(ran.load(SeqCst), 0, "{flavor}: a cancelled job ran");
    }
}

#[test]
fn runtime_shutdown_timeout_does_not_wait_past_its_bound_for_a_stuck_job() {
    for (flavor, rt) in flavors(4) {
        let gate = Gate::new();
        let (job, flags) = held_job(&gate);
        let h = rt.handle().spawn_blocking(job);
        wait_until(|| flags.started(), "the job starts");
        let t = Instant::now();
        rt.shutdown_timeout(Duration::from_millis(100));
        let took = t.elapsed();
        assert!(
            took < PROMPT,
            "{flavor}: shutdown_timeout(100ms) took {took:?}"
        );
        assert!(!flags.finished(), "{flavor}");
        // The job goes on in the background; its result still arrives.
        gate.open();
        assert_eq!(support::block_on_std(h).unwrap(), "held", "{flavor}");
    }
}

#[test]
fn runtime_shutdown_background_returns_at_once_with_a_running_job() {
    for (flavor, rt) in flavors(4) {
        let gate = Gate::new();
        let (job, flags) = held_job(&gate);
        let h = rt.handle().spawn_blocking(job);
        wait_until(|| flags.started(), "the job starts");
        let t = Instant::now();
        rt.shutdown_background();
        assert!(t.elapsed() < PROMPT, "{flavor}");
        gate.open();
        assert_eq!(support::block_on_std(h).unwrap(), "held", "{flavor}");
    }
}

#[test]
fn spawn_blocking_on_a_shut_down_runtime_resolves_cancelled() {
    for (flavor, rt) in flavors(4) {
        let handle = rt.handle().clone();
        drop(rt);
        let ran = Arc::new(AtomicUsize::new(0));

        // Through the handle, on this thread.
        let h = handle.spawn_blocking(tracked_job(&ran));
        assert!(h.is_finished(), "{flavor}: resolved at submission");
        assert!(
            support::block_on_std(h).unwrap_err().is_cancelled(),
            "{flavor}"
        );

        // From a foreign thread.
        let (hd, r) = (handle.clone(), ran.clone());
        let h = thread::spawn(move || hd.spawn_blocking(tracked_job(&r)))
            .join()
            .expect("no panic on a foreign thread");
        assert!(
            support::block_on_std(h).unwrap_err().is_cancelled(),
            "{flavor}"
        );

        // Under `enter`, through the free function.
        {
            let _guard = handle.enter();
            let h = runtime::spawn_blocking(tracked_job(&ran));
            assert!(
                support::block_on_std(h).unwrap_err().is_cancelled(),
                "{flavor}"
            );
        }

        // Awaited from a task of another runtime.
        let other = support::rt();
        let (hd, r) = (handle.clone(), ran.clone());
        let err = other
            .block_on(async move { hd.spawn_blocking(tracked_job(&r)).await })
            .unwrap_err();
        assert!(err.is_cancelled(), "{flavor}");

        assert_eq!(ran.load(SeqCst), 0, "{flavor}: a job ran after shutdown");
    }
}

#[test]
fn done_callbacks_on_a_job_refused_after_shutdown_run_once() {
    for (flavor, rt) in flavors(4) {
        let handle = rt.handle().clone();
        drop(rt);
        let h = handle.spawn_blocking(|| 1);
        let calls = Arc::new(Mutex::new(Vec::new()));
        let c = calls.clone();
        h.add_done_callback(move |o| support::lock(&c).push(*o));
        wait_until(|| !support::lock(&calls).is_empty(), "the callback runs");
        assert!(support::block_on_std(h).unwrap_err().is_cancelled());
        thread::sleep(Duration::from_millis(20));
        let calls = support::lock(&calls).clone();
        assert_eq!(calls.len(), 1, "{flavor}");
        assert!(calls[0].is_cancelled(), "{flavor}");
    }
}

#[test]
fn a_running_job_that_spawns_after_shutdown_gets_a_cancelled_handle() {
    for (flavor, rt) in flavors(4) {
        let gate = Gate::new();
        let started = Arc::new(AtomicBool::new(false));
        let (g, s) = (gate.clone(), started.clone());
        let h = rt.handle().spawn_blocking(move || {
            s.store(true, SeqCst);
            g.wait();
            // The runtime is gone by now, but still current here: no panic, no hang.
            let task = runtime::spawn(async { 1 });
            let blocking = runtime::spawn_blocking(|| 2);
            (
                support::block_on_std(task).map_err(|e| e.is_cancelled()),
                support::block_on_std(blocking).map_err(|e| e.is_cancelled()),
            )
        });
        wait_until(|| started.load(SeqCst), "the job starts");
        rt.shutdown_background();
        gate.open();
        let (task, blocking) = support::block_on_std(h).unwrap();
        assert_eq!(task, Err(true), "{flavor}");
        assert_eq!(blocking, Err(true), "{flavor}");
    }
}

#[test]
fn a_blocking_job_may_drop_its_own_runtime() {
    for (flavor, rt) in flavors(4) {
        let handle = rt.handle().clone();
        let pending = rt.spawn(std::future::pending::<()>());
        let h = handle.spawn_blocking(move || {
            let t = Instant::now();
            drop(rt);
            t.elapsed()
        });
        let took = support::block_on_std(h).expect("the job finishes");
        assert!(took < PROMPT, "{flavor}: the drop took {took:?}");
        assert!(
            support::block_on_std(pending).unwrap_err().is_cancelled(),
            "{flavor}"
        );
        assert!(
            handle.spawn_blocking(|| ()).is_finished(),
            "{flavor}: the runtime is shut down"
        );
    }
}

#[test]
fn run_returns_after_its_future_with_a_detached_blocking_job() {
    let flags = Flags::default();
    let f = flags.clone();
    let t = Instant::now();
    let out = runtime::run(async move {
        let f2 = f.clone();
        drop(runtime::spawn_blocking(move || {
            f2.started.store(true, SeqCst);
            thread::sleep(Duration::from_millis(200));
            f2.finished.store(true, SeqCst);
        }));
        support::yield_until_patient(|| f.started(), "the job starts").await;
        "done"
    });
    assert_eq!(out, "done");
    assert!(t.elapsed() < PATIENCE);
    // `run` waits (up to its bound) for blocking jobs that are running.
    assert!(flags.finished(), "run returned before its running job");
}

#[test]
fn run_returns_with_a_detached_job_that_may_not_have_started() {
    let flags = Flags::default();
    let f = flags.clone();
    let out = runtime::run(async move {
        drop(runtime::spawn_blocking(move || {
            f.started.store(true, SeqCst);
            thread::sleep(Duration::from_millis(200));
            f.finished.store(true, SeqCst);
        }));
        7
    });
    assert_eq!(out, 7);
    // Either it was cancelled before it started, or `run` waited for it.
    assert_eq!(flags.started(), flags.finished());
}

/// Checks that every handle resolved, and that it resolved `Ok` exactly when its job ran.
fn check_nothing_vanished(
    handles: Vec<(usize, runtime::JoinHandle<usize>)>,
    runs: &[AtomicUsize],
    what: &str,
) -> (usize, usize) {
    let (mut ok, mut cancelled) = (0, 0);
    for (i, h) in handles {
        match support::block_on_std(h) {
            Ok(v) => {
                assert_eq!(v, i, "{what}");
                assert_eq!(
                    runs[i].load(SeqCst),
                    1,
                    "{what}: job {i} resolved but never ran"
                );
                ok += 1;
            }
            Err(e) => {
                assert!(e.is_cancelled(), "{what}: job {i}: {e:?}");
                assert_eq!(
                    runs[i].load(SeqCst),
                    0,
                    "{what}: job {i} ran but was cancelled"
                );
                cancelled += 1;
            }
        }
    }
    (ok, cancelled)
}

#[test]
fn submissions_racing_a_pool_shutdown_are_never_lost() {
    const PER_THREAD: usize = 1_000;
    for _ in 0..3 {
        let pool = Arc::new(runtime::ThreadPool::new(2).unwrap());
        let runs: Arc<Vec<AtomicUsize>> =
            Arc::new((0..2 * PER_THREAD).map(|_| AtomicUsize::new(0)).collect());
        let submitters: Vec<_> = (0..2)
            .map(|t| {
                let (pool, runs) = (pool.clone(), runs.clone());
                thread::spawn(move || {
                    (0..PER_THREAD)
                        .map(|j| {
                            let i = t * PER_THREAD + j;
                            let r = runs.clone();
                            let h = runtime::run_in_executor(&pool, move || {
                                r[i].fetch_add(1, SeqCst);
                                i
                            });
                            (i, h)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        wait_until(|| pool.completed_jobs() > 0, "some jobs run");
        let report = pool.shutdown_timeout(PATIENCE);
        assert!(!report.timed_out());
        let handles: Vec<_> = submitters
            .into_iter()
            .flat_map(|s| s.join().unwrap())
            .collect();
        assert_eq!(handles.len(), 2 * PER_THREAD);
        let (ok, _cancelled) = check_nothing_vanished(handles, &runs, "pool");
        wait_until(|| pool.completed_jobs() == ok, "the pool counted every run");
        assert_eq!(pool.num_threads(), 0);
    }
}

#[test]
fn spawn_blocking_racing_a_runtime_drop_is_never_lost() {
    const N: usize = 2_000;
    for (flavor, rt) in flavors(4) {
        let handle = rt.handle().clone();
        let runs: Arc<Vec<AtomicUsize>> = Arc::new((0..N).map(|_| AtomicUsize::new(0)).collect());
        let r = runs.clone();
        let submitter = thread::spawn(move || {
            (0..N)
                .map(|i| {
                    let r = r.clone();
                    (
                        i,
                        handle.spawn_blocking(move || {
                            r[i].fetch_add(1, SeqCst);
                            i
                        }),
                    )
                })
                .collect::<Vec<_>>()
        });
        wait_until(|| runs.iter().any(|r| r.load(SeqCst) > 0), "some jobs run");
        drop(rt);
        let handles = submitter.join().expect("no panic while submitting");
        check_nothing_vanished(handles, &runs, flavor);
    }
}

#[test]
fn dropping_a_runtime_whose_blocking_job_waits_on_its_tasks_does_not_deadlock() {
    for (flavor, rt) in flavors(4) {
        let started = Arc::new(AtomicBool::new(false));
        let s = started.clone();
        let h = rt.handle().spawn_blocking(move || {
            s.store(true, SeqCst);
            // Waits on tasks of its own runtime until the runtime shuts down: the drop
            // must cancel them rather than wait for this job first.
            loop {
                let task = runtime::spawn(async {
                    runtime::yield_now().await;
                    1
                });
                match support::block_on_std(task) {
                    Ok(_) => thread::sleep(Duration::from_millis(1)),
                    Err(e) => {
                        assert!(e.is_cancelled());
                        return "saw the shutdown";
                    }
                }
            }
        });
        wait_until(|| started.load(SeqCst), "the job starts");
        let t = Instant::now();
        drop(rt);
        assert!(
            t.elapsed() < PROMPT,
            "{flavor}: the drop took {:?}",
            t.elapsed()
        );
        assert!(
            h.is_finished(),
            "{flavor}: the drop waited for the running job"
        );
        assert_eq!(
            support::block_on_std(h).unwrap(),
            "saw the shutdown",
            "{flavor}"
        );
    }
}

#[test]
fn a_dropped_runtime_leaves_no_blocking_threads_behind() {
    for (flavor, rt) in flavors(8) {
        let metrics = rt.handle().metrics();
        rt.block_on(async {
            let handles: Vec<_> = (0..8)
                .map(|i| {
                    runtime::spawn_blocking(move || {
                        thread::sleep(Duration::from_millis(5));
                        i
                    })
                })
                .collect();
            for h in handles {
                h.await.unwrap();
            }
        });
        assert!(metrics.num_blocking_threads() >= 1, "{flavor}");
        // Idle threads would otherwise wait out their 10 s keep-alive.
        let t = Instant::now();
        drop(rt);
        assert!(t.elapsed() < PROMPT, "{flavor}");
        assert_eq!(metrics.num_blocking_threads(), 0, "{flavor}");
        assert_eq!(metrics.blocking_queue_depth(), 0, "{flavor}");
    }
}
