//! Shutdown keeps its word: `shutdown_timeout(t)` waits up to `t` in total (one deadline
//! for the workers and the blocking pool), warns on stderr naming the call, and a
//! `Runtime` dropped on a runtime thread shuts down in the background instead of
//! blocking that thread.

mod support;

use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use support::{wait_until, Gate, PATIENCE};

/// The bound given to `shutdown_timeout`. Large enough that "at most `T`, plus slack"
/// and "`T` once per phase" (the old behaviour: `2 T` with work stuck in both phases)
/// are far apart on a loaded machine.
const T: Duration = Duration::from_millis(500);

/// A multi-thread runtime with two workers whose threads count their exits (the hook
/// runs on the workers and on the blocking pool's threads).
fn multi_thread(exited: &Arc<AtomicUsize>) -> runtime::Runtime {
    let e = exited.clone();
    runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .on_thread_stop(move || {
            e.fetch_add(1, SeqCst);
        })
        .build()
        .unwrap()
}

/// Starts a blocking job on `rt` that waits for `gate`, and waits until it runs.
fn stuck_blocking_job(rt: &runtime::Runtime, gate: &Gate) -> runtime::JoinHandle<&'static str> {
    let started = Arc::new(AtomicBool::new(false));
    let (g, s) = (gate.clone(), started.clone());
    let h = rt.handle().spawn_blocking(move || {
        s.store(true, SeqCst);
        g.wait();
        "released"
    });
    wait_until(|| started.load(SeqCst), "the blocking job starts");
    h
}

/// Starts a task on `rt` that blocks its worker inside a poll until `gate` opens.
fn stuck_worker(rt: &runtime::Runtime, gate: &Gate) {
    let started = Arc::new(AtomicBool::new(false));
    let (g, s) = (gate.clone(), started.clone());
    drop(rt.spawn(async move {
        s.store(true, SeqCst);
        g.wait();
    }));
    wait_until(|| started.load(SeqCst), "the blocking task starts");
}

/// Runs `shutdown_timeout(T)` on a runtime with a stuck blocking job (and, on the
/// multi-thread flavor, a worker stuck in a poll); returns how long it took.
fn shutdown_with_stuck_work(multi: bool) -> Duration {
    let gate = Gate::new();
    let exited = Arc::new(AtomicUsize::new(0));
    let rt = flavor(multi, &exited);
    let job = stuck_blocking_job(&rt, &gate);
    if multi {
        stuck_worker(&rt, &gate);
    }
    let t = Instant::now();
    rt.shutdown_timeout(T);
    let took = t.elapsed();
    // What was stuck goes on in the background and still finishes.
    gate.open();
    assert_eq!(support::block_on_std(job).unwrap(), "released");
    if multi {
        wait_until(
            || exited.load(SeqCst) == 3,
            "both workers and the job's thread exit",
        );
    }
    took
}

/// Also run as a child process by the next test, which reads its stderr.
/// The multi-thread runtime of [`multi_thread`] (its threads counted in `exited`), or a
/// current-thread one.
fn flavor(multi: bool, exited: &Arc<AtomicUsize>) -> runtime::Runtime {
    if multi {
        multi_thread(exited)
    } else {
        support::rt()
    }
}

#[test]
fn shutdown_timeout_is_one_deadline_for_workers_and_blocking_jobs() {
    for multi in [false, true] {
        let took = shutdown_with_stuck_work(multi);
        assert!(
            took >= T,
            "multi {multi}: returned after {took:?}, before its bound"
        );
        assert!(
            took < 2 * T,
            "multi {multi}: shutdown_timeout({T:?}) took {took:?}: one bound per phase"
        );
    }
}

#[test]
fn shutdown_timeout_warns_on_stderr_naming_the_call_and_what_was_left() {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "shutdown_timeout_is_one_deadline_for_workers_and_blocking_jobs",
            "--nocapture",
            "--test-threads=1",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the child failed: {stderr}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("runtime: "))
        .collect();
    assert_eq!(warnings.len(), 2, "one warning per shutdown: {stderr}");
    // Current-thread: only the blocking job was left, in the singular.
    assert!(
        warnings[0].starts_with(
            "runtime: `Runtime::shutdown_timeout(500ms)` gave up at its deadline: 1 blocking \
             job was still running; it goes on in the background. Pass a longer timeout"
        ),
        "{}",
        warnings[0]
    );
    // Multi-thread: the job and the worker inside a poll, in the plural, with the advice
    // for blocking work on a worker.
    assert!(
        warnings[1].contains(
            ": 1 blocking job was still running and 1 worker thread was still inside a \
             task's poll; they go on in the background"
        ),
        "{}",
        warnings[1]
    );
    assert!(
        warnings[1].ends_with("belongs in `spawn_blocking`."),
        "{}",
        warnings[1]
    );
    assert!(!stderr.contains("1 blocking jobs"), "{stderr}");
}

#[test]
fn shutdown_timeout_with_nothing_left_returns_once_the_threads_exit() {
    let exited = Arc::new(AtomicUsize::new(0));
    let rt = multi_thread(&exited);
    rt.block_on(async {
        runtime::spawn_blocking(|| ()).await.unwrap();
        runtime::spawn(async {}).await.unwrap();
    });
    let t = Instant::now();
    rt.shutdown_timeout(PATIENCE);
    assert!(t.elapsed() < PATIENCE / 4, "took {:?}", t.elapsed());
    // Returned only once the workers and the blocking thread had exited.
    assert_eq!(exited.load(SeqCst), 3);
}

/// Voluntary context switches of the calling thread so far (Linux: how often it blocked).
fn voluntary_switches() -> u64 {
    let status = std::fs::read_to_string("/proc/thread-self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// The old join polled each thread's `is_finished` every millisecond: a shutdown that
/// waited 300 ms for a worker stuck in a poll blocked about 300 times. Waiting on the
/// exits (a latch, then `join`) blocks a handful of times.
#[test]
fn shutdown_timeout_waits_on_thread_exits_without_polling() {
    let exited = Arc::new(AtomicUsize::new(0));
    let rt = multi_thread(&exited);
    let gate = Gate::new();
    stuck_worker(&rt, &gate);
    let g = gate.clone();
    let opener = thread::spawn(move || {
        thread::sleep(Duration::from_millis(300));
        g.open();
    });
    let before = voluntary_switches();
    let t = Instant::now();
    rt.shutdown_timeout(PATIENCE);
    let took = t.elapsed();
    let blocked = voluntary_switches() - before;
    assert!(
        took >= Duration::from_millis(250),
        "returned after {took:?}"
    );
    assert_eq!(exited.load(SeqCst), 2, "returned before the workers exited");
    assert!(
        blocked < 30,
        "the shutdown blocked {blocked} times in {took:?}"
    );
    opener.join().unwrap();
}

/// How long a background shutdown may take: it only sets flags and wakes threads. Far
/// below the second the blocking job holds on.
const AT_ONCE: Duration = Duration::from_millis(200);

#[test]
fn dropping_a_runtime_from_its_own_task_returns_at_once() {
    let exited = Arc::new(AtomicUsize::new(0));
    let rt = multi_thread(&exited);
    let handle = rt.handle().clone();
    let gate = Gate::new();
    let job = stuck_blocking_job(&rt, &gate);
    let pending = rt.spawn(std::future::pending::<()>());
    // The job is held for a second, so a drop that waits for it is plain to see.
    let opener = {
        let g = gate.clone();
        thread::spawn(move || {
            thread::sleep(Duration::from_secs(1));
            g.open();
        })
    };
    let slot = Arc::new(Mutex::new(Some(rt)));
    let s = slot.clone();
    let dropper = handle.spawn(async move {
        let rt = s.lock().unwrap().take().unwrap();
        let t = Instant::now();
        drop(rt);
        t.elapsed()
    });
    let took = support::block_on_std(dropper).expect("the dropping task completes");
    assert!(
        took < AT_ONCE,
        "dropping the runtime blocked its worker {took:?}"
    );
    // The runtime still shuts down: tasks cancelled, spawns refused, workers gone, and
    // the running job finishes in the background.
    assert!(support::block_on_std(pending).unwrap_err().is_cancelled());
    assert!(support::block_on_std(handle.spawn(async {}))
        .unwrap_err()
        .is_cancelled());
    wait_until(
        || exited.load(SeqCst) == 3,
        "both workers and the job's thread exit",
    );
    assert_eq!(support::block_on_std(job).unwrap(), "released");
    opener.join().unwrap();
}

#[test]
fn dropping_a_runtime_inside_another_runtimes_task_does_not_block_it() {
    for multi in [false, true] {
        let exited = Arc::new(AtomicUsize::new(0));
        let inner = flavor(multi, &exited);
        let inner_handle = inner.handle().clone();
        let gate = Gate::new();
        let job = stuck_blocking_job(&inner, &gate);
        let outer = support::rt_multi(2);
        let took = outer.block_on(async move {
            runtime::spawn(async move {
                let t = Instant::now();
                drop(inner);
                t.elapsed()
            })
            .await
            .unwrap()
        });
        assert!(
            took < AT_ONCE,
            "multi {multi}: the drop blocked a worker {took:?}"
        );
        assert!(
            support::block_on_std(inner_handle.spawn(async {}))
                .unwrap_err()
                .is_cancelled(),
            "multi {multi}: the dropped runtime is shut down"
        );
        gate.open();
        assert_eq!(support::block_on_std(job).unwrap(), "released");
        if multi {
            wait_until(
                || exited.load(SeqCst) == 3,
                "the inner runtime's threads exit",
            );
        }
    }
}

#[test]
fn dropping_a_runtime_on_a_plain_thread_still_waits_for_its_blocking_jobs() {
    for multi in [false, true] {
        let exited = Arc::new(AtomicUsize::new(0));
        let rt = flavor(multi, &exited);
        let gate = Gate::new();
        let job = stuck_blocking_job(&rt, &gate);
        let g = gate.clone();
        let opener = thread::spawn(move || {
            thread::sleep(Duration::from_millis(100));
            g.open();
        });
        drop(rt);
        // Returned only after the job (released by the opener) and the workers ended.
        assert!(job.is_finished(), "multi {multi}");
        if multi {
            assert_eq!(exited.load(SeqCst), 3, "the workers and the job's thread");
        }
        opener.join().unwrap();
    }
}

#[test]
fn a_runtime_dropped_by_its_own_unwinding_task_shuts_down_in_the_background() {
    support::install_panic_hook();
    let exited = Arc::new(AtomicUsize::new(0));
    let rt = multi_thread(&exited);
    let handle = rt.handle().clone();
    let gate = Gate::new();
    let job = stuck_blocking_job(&rt, &gate);
    let pending = rt.spawn(std::future::pending::<()>());
    let slot = Arc::new(Mutex::new(Some(rt)));
    let s = slot.clone();
    let owner = handle.spawn(async move {
        // The last reference to the runtime, dropped while this task unwinds.
        let _rt = s.lock().unwrap().take().unwrap();
        panic!("{}: the task owning its runtime", support::EXPECTED);
    });
    let err = support::block_on_std(owner).unwrap_err();
    assert!(err.is_panic(), "{err:?}");
    assert!(support::block_on_std(pending).unwrap_err().is_cancelled());
    gate.open();
    assert_eq!(support::block_on_std(job).unwrap(), "released");
    wait_until(|| exited.load(SeqCst) == 3, "the runtime's threads exit");
}
