//! `spawn_blocking` and `run_in_executor`: every job's result reaches its awaiting task on
//! any worker; panics come back as `JoinError`s and the pool lives on; jobs run with the
//! runtime current; `abort` cancels only a job that has not started; done callbacks run
//! exactly once; paused time stands still while blocking work runs.

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use support::{wait_until, Gate, PATIENCE};

const THIS_FILE: &str = "blocking_spawn.rs";

fn rt_multi_blocking(workers: usize, max_blocking: usize) -> runtime::Runtime {
    runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .max_blocking_threads(max_blocking)
        .build()
        .expect("building a multi-thread runtime")
}

fn rt_current_blocking(max_blocking: usize) -> runtime::Runtime {
    runtime::Builder::new_current_thread()
        .max_blocking_threads(max_blocking)
        .build()
        .expect("building a current-thread runtime")
}

/// Both flavors, for tests whose behaviour must not depend on the scheduler.
fn both_flavors(max_blocking: usize) -> [(&'static str, runtime::Runtime); 2] {
    [
        ("current_thread", rt_current_blocking(max_blocking)),
        ("multi_thread", rt_multi_blocking(2, max_blocking)),
    ]
}

// ---------------------------------------------------------------------------------------
// Results

#[test]
fn ten_thousand_jobs_return_their_results_current_thread() {
    const N: u64 = 10_000;
    let rt = support::rt();
    let results = rt.block_on(async {
        let handles: Vec<_> = (0..N)
            .map(|i| runtime::spawn_blocking(move || i * i))
            .collect();
        let mut results = Vec::with_capacity(handles.len());
        for h in handles {
            results.push(h.await.expect("a job that does not panic completes"));
        }
        results
    });
    assert_eq!(results.len(), N as usize);
    for (i, r) in results.into_iter().enumerate() {
        assert_eq!(r, (i as u64) * (i as u64), "job {i}");
    }
}

#[test]
fn ten_thousand_jobs_from_tasks_on_every_worker_return_their_results() {
    const TASKS: u64 = 100;
    const PER_TASK: u64 = 100;
    let rt = support::rt_multi(2);
    let sums = rt.block_on(async {
        let tasks: Vec<_> = (0..TASKS)
            .map(|t| {
                runtime::spawn(async move {
                    let handles: Vec<_> = (0..PER_TASK)
                        .map(|j| {
                            let i = t * PER_TASK + j;
                            runtime::spawn_blocking(move || (i, i * 3))
                        })
                        .collect();
                    let mut sum = 0;
                    for (j, h) in handles.into_iter().enumerate() {
                        let (i, tripled) = h.await.expect("job completes");
                        assert_eq!(i, t * PER_TASK + j as u64, "results are not mixed up");
                        assert_eq!(tripled, i * 3);
                        sum += tripled;
                    }
                    sum
                })
            })
            .collect();
        let mut sums = Vec::new();
        for t in tasks {
            sums.push(t.await.expect("task completes"));
        }
        sums
    });
    let total: u64 = sums.iter().sum();
    let n = TASKS * PER_TASK;
    assert_eq!(total, 3 * n * (n - 1) / 2);
}

#[test]
fn run_in_executor_results_reach_tasks_on_any_worker() {
    const TASKS: usize = 500;
    let rt = support::rt_multi(2);
    let pool = Arc::new(runtime::ThreadPool::new(3).unwrap());
    let (results, task_threads) = rt.block_on(async {
        let tasks: Vec<_> = (0..TASKS)
            .map(|i| {
                let pool = pool.clone();
                runtime::spawn(async move {
                    let job_thread =
                        runtime::run_in_executor(&pool, move || (i * 7, thread::current().id()));
                    let (v, ran_on) = job_thread.await.expect("job completes");
                    // The task resumes on a worker, not on the pool thread.
                    assert_ne!(ran_on, thread::current().id());
                    (i, v, thread::current().id())
                })
            })
            .collect();
        let mut results = Vec::new();
        let mut threads = std::collections::HashSet::new();
        for t in tasks {
            let (i, v, thread) = t.await.expect("task completes");
            results.push((i, v));
            threads.insert(thread);
        }
        (results, threads)
    });
    for (i, v) in &results {
        assert_eq!(*v, i * 7);
    }
    assert_eq!(results.len(), TASKS);
    // Only the two workers ran tasks (which of them, is the scheduler's business).
    assert!((1..=2).contains(&task_threads.len()), "{task_threads:?}");
    assert_eq!(pool.completed_jobs(), TASKS);
}

#[test]
fn run_in_executor_works_outside_any_runtime() {
    let pool = runtime::ThreadPool::new(2).unwrap();
    let h = runtime::run_in_executor(&pool, || {
        // No runtime submitted it, so none is current on the pool thread.
        (runtime::Handle::try_current().is_err(), 40 + 2)
    });
    let (no_runtime, v) = support::block_on_std(h).unwrap();
    assert!(no_runtime);
    assert_eq!(v, 42);
}

#[test]
fn handle_spawn_blocking_from_a_foreign_thread() {
    for (flavor, rt) in both_flavors(4) {
        let handle = rt.handle().clone();
        let h = thread::spawn(move || handle.spawn_blocking(|| "from a plain thread"))
            .join()
            .unwrap();
        assert_eq!(rt.block_on(h).unwrap(), "from a plain thread", "{flavor}");
        // And awaited without the runtime's help, too.
        let h = rt.handle().spawn_blocking(|| 5);
        assert_eq!(support::block_on_std(h).unwrap(), 5, "{flavor}");
    }
}

#[test]
fn a_blocking_job_runs_on_a_pool_thread_not_on_the_caller() {
    for (flavor, rt) in both_flavors(4) {
        let (caller, job) = rt.block_on(async {
            let caller = thread::current().id();
            let job = runtime::spawn_blocking(|| thread::current().id())
                .await
                .unwrap();
            (caller, job)
        });
        assert_ne!(caller, job, "{flavor}");
    }
}

#[test]
fn the_join_handle_id_matches_the_error_id_and_is_finished_tracks_completion() {
    support::install_panic_hook();
    let rt = support::rt();
    rt.block_on(async {
        let gate = Gate::new();
        let g = gate.clone();
        let h = runtime::spawn_blocking(move || {
            g.wait();
            panic!("{}: id check", support::EXPECTED)
        });
        let id = h.id();
        assert!(!h.is_finished());
        gate.open();
        support::yield_until_patient(|| h.is_finished(), "the job finishes").await;
        let err = h.await.unwrap_err();
        assert_eq!(err.id(), id);
        // Each job is its own task.
        let a = runtime::spawn_blocking(|| ());
        let b = runtime::spawn_blocking(|| ());
        assert_ne!(a.id(), b.id());
        a.await.unwrap();
        b.await.unwrap();
    });
}

// ---------------------------------------------------------------------------------------
// Panics

#[test]
fn a_panicking_job_yields_a_panic_error_with_its_message() {
    support::install_panic_hook();
    for (flavor, rt) in both_flavors(4) {
        rt.block_on(async {
            let err = runtime::spawn_blocking(|| -> u32 {
                panic!("{}: blocking boom", support::EXPECTED)
            })
            .await
            .unwrap_err();
            assert!(err.is_panic(), "{flavor}: {err:?}");
            assert!(!err.is_cancelled(), "{flavor}");
            assert!(err.to_string().contains("blocking boom"), "{flavor}: {err}");
            let payload = err.into_panic();
            assert!(
                support::payload_text(&*payload).contains("blocking boom"),
                "{flavor}"
            );
            // The pool goes on running jobs.
            let later: Vec<_> = (0..8).map(|i| runtime::spawn_blocking(move || i)).collect();
            for (i, h) in later.into_iter().enumerate() {
                assert_eq!(h.await.unwrap(), i, "{flavor}");
            }
        });
    }
}

#[test]
fn a_static_str_panic_payload_comes_back_as_is() {
    support::install_panic_hook();
    let pool = runtime::ThreadPool::new(1).unwrap();
    let err = support::block_on_std(runtime::run_in_executor(&pool, || {
        std::panic::panic_any("expected panic: static str")
    }))
    .map(|_: ()| ())
    .unwrap_err();
    assert!(err.is_panic());
    let payload = err.into_panic();
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"expected panic: static str")
    );
}

#[test]
fn a_pool_of_one_still_works_after_panics() {
    support::install_panic_hook();
    let pool = runtime::ThreadPool::new(1).unwrap();
    for round in 0..5 {
        let err = support::block_on_std(runtime::run_in_executor(&pool, move || {
            panic!("{}: round {round}", support::EXPECTED)
        }))
        .map(|_: ()| ())
        .unwrap_err();
        assert!(err.is_panic());
        assert!(err.to_string().contains(&format!("round {round}")), "{err}");
        let ok = support::block_on_std(runtime::run_in_executor(&pool, move || round * 10));
        assert_eq!(ok.unwrap(), round * 10);
    }
    // The single thread survived (or was replaced): it is still the only one.
    assert_eq!(pool.num_threads(), 1);
    // The pool counts a job after it returns, which is after its handle resolved.
    wait_until(
        || pool.completed_jobs() == 10,
        "ten jobs counted as completed",
    );
}

#[test]
fn a_runtime_with_one_blocking_thread_still_works_after_a_panic() {
    support::install_panic_hook();
    for (flavor, rt) in both_flavors(1) {
        rt.block_on(async {
            for round in 0..3 {
                let err = runtime::spawn_blocking(move || -> u8 {
                    panic!("{}: runtime round {round}", support::EXPECTED)
                })
                .await
                .unwrap_err();
                assert!(err.is_panic(), "{flavor}");
                assert_eq!(runtime::spawn_blocking(|| 7).await.unwrap(), 7, "{flavor}");
            }
        });
        assert!(
            rt.handle().metrics().num_blocking_threads() <= 1,
            "{flavor}"
        );
    }
}

#[test]
fn a_panic_in_run_in_executor_reaches_the_awaiting_task() {
    support::install_panic_hook();
    let rt = support::rt_multi(2);
    let pool = Arc::new(runtime::ThreadPool::new(2).unwrap());
    let p = pool.clone();
    let err = rt
        .block_on(rt.spawn(async move {
            runtime::run_in_executor(&p, || -> () {
                panic!("{}: in executor", support::EXPECTED)
            })
            .await
        }))
        .expect("the awaiting task itself does not panic")
        .unwrap_err();
    assert!(err.is_panic());
    assert!(err.to_string().contains("in executor"), "{err}");
    assert_eq!(
        support::block_on_std(runtime::run_in_executor(&pool, || 1)).unwrap(),
        1
    );
}

// ---------------------------------------------------------------------------------------
// Context

#[test]
fn handle_current_and_spawn_work_inside_spawn_blocking() {
    for (flavor, rt) in both_flavors(4) {
        let expected = rt.handle().clone();
        let out = rt.block_on(async move {
            let inner = runtime::spawn_blocking(move || {
                let current = runtime::Handle::current();
                assert!(current.ptr_eq(&expected), "the job's runtime is current");
                // `runtime::spawn` finds it too.
                let a = runtime::spawn(async { 20 });
                let b = current.spawn(async { 22 });
                (a, b)
            })
            .await
            .unwrap();
            inner.0.await.unwrap() + inner.1.await.unwrap()
        });
        assert_eq!(out, 42, "{flavor}");
    }
}

#[test]
fn handle_spawn_blocking_jobs_have_their_runtime_current() {
    let rt_a = support::rt_multi(2);
    let rt_b = support::rt();
    let a = rt_a.handle().clone();
    let b = rt_b.handle().clone();
    // Submitted from rt_b's context through rt_a's handle: rt_a is current in the job.
    let h = rt_b.block_on(async move {
        a.spawn_blocking(|| runtime::Handle::current())
            .await
            .unwrap()
    });
    assert!(h.ptr_eq(rt_a.handle()));
    assert!(!h.ptr_eq(&b));
}

#[test]
fn run_in_executor_inside_a_runtime_has_that_runtime_current() {
    let pool = Arc::new(runtime::ThreadPool::new(1).unwrap());
    for (flavor, rt) in both_flavors(4) {
        let expected = rt.handle().clone();
        let p = pool.clone();
        let (same, spawned) = rt.block_on(async move {
            runtime::run_in_executor(&p, move || {
                let current = runtime::Handle::try_current().expect("a runtime is current");
                (current.ptr_eq(&expected), runtime::spawn(async { "ok" }))
            })
            .await
            .unwrap()
        });
        assert!(same, "{flavor}");
        assert_eq!(rt.block_on(spawned).unwrap(), "ok", "{flavor}");
        // The pool thread does not keep that runtime current for later jobs: a job
        // submitted from outside any runtime sees none (the pool has a single thread,
        // so it is the same thread).
        let leaked = support::block_on_std(runtime::run_in_executor(&pool, || {
            runtime::Handle::try_current().is_ok()
        }))
        .unwrap();
        assert!(
            !leaked,
            "{flavor}: the runtime stayed current on the pool thread"
        );
    }
}

#[test]
fn blocking_pool_threads_use_the_runtime_thread_name() {
    for (flavor, mut builder) in [
        ("current_thread", runtime::Builder::new_current_thread()),
        ("multi_thread", runtime::Builder::new_multi_thread()),
    ] {
        let rt = builder.thread_name("blocking-name-test").build().unwrap();
        let name = rt
            .block_on(async {
                runtime::spawn_blocking(|| thread::current().name().map(str::to_owned)).await
            })
            .unwrap();
        assert_eq!(name.as_deref(), Some("blocking-name-test"), "{flavor}");
    }
}

// ---------------------------------------------------------------------------------------
// Abort

#[test]
fn abort_before_start_cancels_a_queued_job_and_its_closure_never_runs() {
    let pool = runtime::ThreadPool::new(1).unwrap();
    let gate = Gate::new();
    let started = Gate::new();
    let (g, s) = (gate.clone(), started.clone());
    let first = runtime::run_in_executor(&pool, move || {
        s.open();
        g.wait();
        1
    });
    started.wait();
    let ran = Arc::new(AtomicBool::new(false));
    let r = ran.clone();
    let second = runtime::run_in_executor(&pool, move || {
        r.store(true, SeqCst);
        2
    });
    assert_eq!(pool.queue_depth(), 1);
    second.abort();
    gate.open();
    assert_eq!(support::block_on_std(first).unwrap(), 1);
    let err = support::block_on_std(second).unwrap_err();
    assert!(err.is_cancelled(), "{err:?}");
    // The pool runs what comes next, and by then the aborted closure had its chance.
    assert_eq!(
        support::block_on_std(runtime::run_in_executor(&pool, || 3)).unwrap(),
        3
    );
    assert!(!ran.load(SeqCst), "an aborted job's closure ran");
}

#[test]
fn abort_before_start_on_the_runtime_pool() {
    for (flavor, rt) in both_flavors(1) {
        let gate = Gate::new();
        let started = Gate::new();
        let ran = Arc::new(AtomicBool::new(false));
        let (g, s, r) = (gate.clone(), started.clone(), ran.clone());
        rt.block_on(async move {
            let first = runtime::spawn_blocking(move || {
                s.open();
                g.wait();
                "first"
            });
            let second = runtime::spawn_blocking(move || r.store(true, SeqCst));
            let abort = second.abort_handle();
            abort.abort();
            gate.open();
            assert_eq!(first.await.unwrap(), "first");
            assert!(second.await.unwrap_err().is_cancelled());
            runtime::spawn_blocking(|| ()).await.unwrap();
        });
        assert!(started.is_open(), "{flavor}");
        assert!(!ran.load(SeqCst), "{flavor}: an aborted job's closure ran");
        assert_eq!(rt.handle().metrics().blocking_queue_depth(), 0, "{flavor}");
    }
}

#[test]
fn abort_after_the_closure_started_has_no_effect() {
    for (flavor, rt) in both_flavors(2) {
        let gate = Gate::new();
        let started = Gate::new();
        let finished = Arc::new(AtomicBool::new(false));
        let (g, s, f) = (gate.clone(), started.clone(), finished.clone());
        let h = rt.handle().spawn_blocking(move || {
            s.open();
            g.wait();
            f.store(true, SeqCst);
            99
        });
        started.wait();
        h.abort();
        h.abort(); // twice: still nothing
        gate.open();
        assert_eq!(rt.block_on(h).unwrap(), 99, "{flavor}");
        assert!(finished.load(SeqCst), "{flavor}");
    }
}

#[test]
fn abort_after_completion_keeps_the_result() {
    let rt = support::rt();
    let h = rt.handle().spawn_blocking(|| "done");
    wait_until(|| h.is_finished(), "the job finishes");
    h.abort();
    assert_eq!(rt.block_on(h).unwrap(), "done");
}

// ---------------------------------------------------------------------------------------
// Done callbacks

/// Records each callback call: how many, on which thread, what outcome.
#[derive(Clone, Default)]
struct Calls {
    log: Arc<Mutex<Vec<(ThreadId, runtime::Outcome)>>>,
}

impl Calls {
    fn callback(&self) -> impl FnOnce(&runtime::Outcome) + Send + 'static {
        let log = self.log.clone();
        move |o: &runtime::Outcome| support::lock(&log).push((thread::current().id(), *o))
    }

    fn get(&self) -> Vec<(ThreadId, runtime::Outcome)> {
        support::lock(&self.log).clone()
    }

    fn len(&self) -> usize {
        support::lock(&self.log).len()
    }
}

#[test]
fn done_callbacks_registered_before_completion_run_once_on_the_pool_thread() {
    for (flavor, rt) in both_flavors(2) {
        let gate = Gate::new();
        let g = gate.clone();
        let h = rt.handle().spawn_blocking(move || {
            g.wait();
            thread::current().id()
        });
        let (first, second) = (Calls::default(), Calls::default());
        h.add_done_callback(first.callback());
        h.add_done_callback(second.callback());
        let id = h.id();
        gate.open();
        let job_thread = rt.block_on(h).unwrap();
        // They run after the output is stored and the join waker woken, so the handle
        // may resolve first; wait for them.
        wait_until(
            || first.len() == 1 && second.len() == 1,
            "the callbacks run",
        );
        // Registered before completion: run on the completing (pool) thread.
        for calls in [&first, &second] {
            let got = calls.get();
            assert_eq!(got.len(), 1, "{flavor}");
            assert_eq!(got[0].0, job_thread, "{flavor}");
            assert!(got[0].1.is_completed(), "{flavor}");
            assert_eq!(got[0].1.id(), id, "{flavor}");
        }
        // Nothing runs them again.
        rt.block_on(async {
            for _ in 0..10 {
                runtime::yield_now().await;
            }
        });
        assert_eq!(first.len() + second.len(), 2, "{flavor}");
    }
}

#[test]
fn done_callbacks_registered_after_completion_run_once() {
    for (flavor, rt) in both_flavors(2) {
        let h = rt.handle().spawn_blocking(|| 5);
        wait_until(|| h.is_finished(), "the job finishes");
        let calls = Calls::default();
        h.add_done_callback(calls.callback());
        // Scheduled on the runtime, which runs while we block on it.
        rt.block_on(support::yield_until_patient(
            || calls.len() == 1,
            "the late callback runs",
        ));
        assert_eq!(rt.block_on(h).unwrap(), 5, "{flavor}");
        rt.block_on(async {
            for _ in 0..10 {
                runtime::yield_now().await;
            }
        });
        let got = calls.get();
        assert_eq!(got.len(), 1, "{flavor}");
        assert!(got[0].1.is_completed(), "{flavor}");
    }
}

#[test]
fn done_callbacks_without_a_runtime_run_once_on_the_caller_after_completion() {
    let pool = runtime::ThreadPool::new(1).unwrap();
    let gate = Gate::new();
    let g = gate.clone();
    let h = runtime::run_in_executor(&pool, move || g.wait());
    let before = Calls::default();
    h.add_done_callback(before.callback());
    gate.open();
    wait_until(|| h.is_finished(), "the job finishes");
    wait_until(|| before.len() == 1, "the early callback runs");
    // No runtime to schedule it on: the late one runs on this thread.
    let after = Calls::default();
    h.add_done_callback(after.callback());
    wait_until(|| after.len() == 1, "the late callback runs");
    support::block_on_std(h).unwrap();
    assert_eq!(before.len(), 1);
    let got = after.get();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, thread::current().id());
}

#[test]
fn done_callbacks_see_cancelled_and_panicked_outcomes_once() {
    support::install_panic_hook();
    let rt = rt_current_blocking(1);
    let gate = Gate::new();
    let started = Gate::new();
    let (g, s) = (gate.clone(), started.clone());
    let first = rt.handle().spawn_blocking(move || {
        s.open();
        g.wait();
        panic!("{}: callback outcome", support::EXPECTED)
    });
    started.wait();
    let second = rt.handle().spawn_blocking(|| ());
    let (panicked, cancelled) = (Calls::default(), Calls::default());
    first.add_done_callback(panicked.callback());
    second.add_done_callback(cancelled.callback());
    second.abort();
    gate.open();
    assert!(rt.block_on(first).unwrap_err().is_panic());
    assert!(rt.block_on(second).unwrap_err().is_cancelled());
    wait_until(
        || panicked.len() == 1 && cancelled.len() == 1,
        "both callbacks run",
    );
    let p = panicked.get();
    let c = cancelled.get();
    assert_eq!((p.len(), c.len()), (1, 1));
    assert!(p[0].1.is_panic());
    assert!(c[0].1.is_cancelled());
}

// ---------------------------------------------------------------------------------------
// Paused time

#[test]
fn paused_time_does_not_jump_while_a_blocking_job_runs() {
    let rt = support::rt_paused();
    rt.block_on(async {
        let start = runtime::time::Instant::now();
        let out = runtime::timeout(
            Duration::from_millis(10),
            runtime::spawn_blocking(|| {
                thread::sleep(Duration::from_millis(100));
                7
            }),
        )
        .await;
        let joined = out.expect("virtual time must not elapse while the job runs");
        assert_eq!(joined.unwrap(), 7);
        assert!(
            start.elapsed() < Duration::from_millis(10),
            "the paused clock moved by {:?}",
            start.elapsed()
        );
    });
}

#[test]
fn paused_time_does_not_jump_while_a_run_in_executor_job_runs() {
    let pool = runtime::ThreadPool::new(1).unwrap();
    let rt = support::rt_paused();
    rt.block_on(async {
        let out = runtime::timeout(
            Duration::from_millis(10),
            runtime::run_in_executor(&pool, || {
                thread::sleep(Duration::from_millis(100));
                "slow"
            }),
        )
        .await;
        assert_eq!(out.expect("no virtual timeout").unwrap(), "slow");
    });
}

#[test]
fn a_long_virtual_sleep_does_not_finish_before_the_blocking_job() {
    let rt = support::rt_paused();
    let log: Arc<Mutex<Vec<&'static str>>> = Arc::default();
    rt.block_on(async {
        let start = runtime::time::Instant::now();
        let l = log.clone();
        let sleeper = runtime::spawn(async move {
            runtime::sleep(Duration::from_secs(3600)).await;
            support::lock(&l).push("slept");
        });
        let l = log.clone();
        let job = runtime::spawn_blocking(move || {
            thread::sleep(Duration::from_millis(50));
            support::lock(&l).push("job");
        });
        job.await.unwrap();
        sleeper.await.unwrap();
        assert!(start.elapsed() >= Duration::from_secs(3600));
    });
    assert_eq!(*support::lock(&log), ["job", "slept"]);
}

#[test]
fn paused_time_jumps_again_once_the_blocking_job_is_done() {
    let rt = support::rt_paused();
    rt.block_on(async {
        runtime::spawn_blocking(|| thread::sleep(Duration::from_millis(20)))
            .await
            .unwrap();
        // No job holds the clock any more: an hour passes at once.
        let wall = Instant::now();
        let start = runtime::time::Instant::now();
        runtime::sleep(Duration::from_secs(3600)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(3600));
        assert!(wall.elapsed() < PATIENCE);
    });
}

// ---------------------------------------------------------------------------------------
// Misuse

#[test]
fn spawn_blocking_outside_a_runtime_panics_with_no_runtime() {
    let caught = support::catch_panic(|| runtime::spawn_blocking(|| 1)).unwrap_err();
    assert!(caught.message.contains("no runtime"), "{caught:?}");
    assert!(
        caught.file.ends_with(THIS_FILE),
        "the panic should point at the caller: {caught:?}"
    );
}

#[test]
fn spawn_blocking_on_a_plain_thread_inside_a_job_of_a_foreign_pool_panics() {
    // A pool job submitted from outside any runtime has no runtime current either.
    let pool = runtime::ThreadPool::new(1).unwrap();
    let msg = support::block_on_std(runtime::run_in_executor(&pool, || {
        support::catch_panic(|| runtime::spawn_blocking(|| ()))
            .map(drop)
            .unwrap_err()
            .message
    }))
    .unwrap();
    assert!(msg.contains("no runtime"), "{msg}");
}

#[test]
fn counters_count_calls_only_once_across_many_jobs() {
    // Each closure runs exactly once even under contention.
    let runs = Arc::new(AtomicUsize::new(0));
    let rt = support::rt_multi(2);
    rt.block_on(async {
        let handles: Vec<_> = (0..2_000)
            .map(|_| {
                let r = runs.clone();
                runtime::spawn_blocking(move || {
                    r.fetch_add(1, SeqCst);
                })
            })
            .collect();
        for h in handles {
            h.await.unwrap();
        }
    });
    assert_eq!(runs.load(SeqCst), 2_000);
}

#[test]
fn a_detached_job_still_runs() {
    for (flavor, rt) in both_flavors(2) {
        let ran = Arc::new(AtomicBool::new(false));
        let r = ran.clone();
        drop(rt.handle().spawn_blocking(move || r.store(true, SeqCst)));
        wait_until(|| ran.load(SeqCst), "the detached job runs");
        assert!(ran.load(SeqCst), "{flavor}");
    }
}

#[test]
fn racing_aborts_either_cancel_a_job_or_let_it_finish_never_both() {
    const N: usize = 2_000;
    let pool = runtime::ThreadPool::new(2).unwrap();
    let runs: Arc<Vec<AtomicUsize>> = Arc::new((0..N).map(|_| AtomicUsize::new(0)).collect());
    let callbacks: Arc<Vec<AtomicUsize>> = Arc::new((0..N).map(|_| AtomicUsize::new(0)).collect());
    let handles: Vec<_> = (0..N)
        .map(|i| {
            let r = runs.clone();
            let h = runtime::run_in_executor(&pool, move || {
                r[i].fetch_add(1, SeqCst);
                i
            });
            let c = callbacks.clone();
            h.add_done_callback(move |_| {
                c[i].fetch_add(1, SeqCst);
            });
            if i % 2 == 0 {
                h.abort();
            }
            h
        })
        .collect();
    let mut cancelled = 0;
    for (i, h) in handles.into_iter().enumerate() {
        match support::block_on_std(h) {
            Ok(v) => {
                assert_eq!(v, i);
                assert_eq!(runs[i].load(SeqCst), 1, "job {i} finished without running");
            }
            Err(e) => {
                assert!(e.is_cancelled(), "job {i}: {e:?}");
                assert_eq!(i % 2, 0, "job {i} was never aborted");
                assert_eq!(
                    runs[i].load(SeqCst),
                    0,
                    "job {i} ran but was reported cancelled"
                );
                cancelled += 1;
            }
        }
    }
    wait_until(
        || callbacks.iter().all(|c| c.load(SeqCst) >= 1),
        "every callback runs",
    );
    for (i, c) in callbacks.iter().enumerate() {
        assert_eq!(c.load(SeqCst), 1, "job {i}'s callback ran more than once");
    }
    assert!(cancelled <= N / 2);
}

#[test]
fn a_blocking_job_may_run_a_runtime_of_its_own() {
    for (flavor, rt) in both_flavors(2) {
        let outer = rt.handle().clone();
        let (value, restored) = rt.block_on(async move {
            runtime::spawn_blocking(move || {
                // Blocking jobs are not inside a runtime's scheduler, so blocking on a
                // fresh runtime here is allowed (and the outer one is current again
                // afterwards).
                let value = support::rt().block_on(async { runtime::spawn(async { 5 }).await });
                (value, runtime::Handle::current().ptr_eq(&outer))
            })
            .await
            .unwrap()
        });
        assert_eq!(value.unwrap(), 5, "{flavor}");
        assert!(restored, "{flavor}");
    }
}

#[test]
fn a_timer_made_inside_a_blocking_job_belongs_to_the_runtime() {
    let rt = support::rt_paused();
    rt.block_on(async {
        let start = runtime::time::Instant::now();
        let sleep = runtime::spawn_blocking(|| Box::pin(runtime::sleep(Duration::from_secs(60))))
            .await
            .unwrap();
        sleep.await;
        assert_eq!(start.elapsed(), Duration::from_secs(60));
    });
}

#[test]
fn paused_time_resumes_jumping_when_an_unawaited_job_finishes() {
    // Nobody awaits the job: its end alone must let the clock jump again.
    let rt = support::rt_paused();
    let finished = Arc::new(AtomicBool::new(false));
    let f = finished.clone();
    let wall = Instant::now();
    rt.block_on(async move {
        drop(runtime::spawn_blocking(move || {
            thread::sleep(Duration::from_millis(50));
            f.store(true, SeqCst);
        }));
        let start = runtime::time::Instant::now();
        runtime::sleep(Duration::from_secs(3600)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(3600));
    });
    assert!(finished.load(SeqCst), "the hour passed while the job ran");
    assert!(wall.elapsed() < PATIENCE);
}
