//! Paused time: `Builder::start_paused` (current-thread only), `time::pause`, `advance`
//! and `resume`, auto-advance only when no task can run, and the misuse panics.

mod support;

use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use runtime::time::{advance, pause, resume, Instant};
use runtime::{sleep, Builder};
use support::catch_panic;

const HOUR: Duration = Duration::from_secs(3600);

/// A task that sleeps `d` and then sets the returned flag.
fn sleeper(d: Duration) -> (runtime::JoinHandle<()>, Arc<AtomicBool>) {
    let fired = Arc::new(AtomicBool::new(false));
    let f = fired.clone();
    let h = runtime::spawn(async move {
        sleep(d).await;
        f.store(true, SeqCst);
    });
    (h, fired)
}

#[test]
fn start_paused_on_the_current_thread_builder_stops_the_clock() {
    let rt = Builder::new_current_thread()
        .start_paused(true)
        .build()
        .unwrap();
    rt.block_on(async {
        let start = Instant::now();
        std::thread::sleep(Duration::from_millis(3));
        assert_eq!(Instant::now(), start);
        sleep(HOUR).await;
        assert_eq!(Instant::now() - start, HOUR);
    });
    // Between `block_on` calls it stays paused too.
    let a = rt.block_on(async { Instant::now() });
    std::thread::sleep(Duration::from_millis(3));
    let b = rt.block_on(async { Instant::now() });
    assert_eq!(a, b);
}

#[test]
fn start_paused_false_keeps_real_time() {
    let rt = Builder::new_current_thread()
        .start_paused(false)
        .build()
        .unwrap();
    rt.block_on(async {
        let start = Instant::now();
        std::thread::sleep(Duration::from_millis(3));
        assert!(Instant::now() - start >= Duration::from_millis(3));
    });
}

#[test]
fn start_paused_on_the_multi_thread_builder_is_unsupported() {
    for workers in [None, Some(1), Some(2)] {
        let mut b = Builder::new_multi_thread();
        if let Some(n) = workers {
            b.worker_threads(n);
        }
        let err = b.start_paused(true).build().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::Unsupported, "{workers:?}");
        let msg = err.to_string();
        assert!(msg.contains("current-thread"), "unhelpful message: {msg}");
        assert!(
            msg.contains("new_current_thread"),
            "unhelpful message: {msg}"
        );
    }
    // Without it, the same builder works.
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .start_paused(false)
        .build()
        .unwrap();
    assert_eq!(rt.block_on(async { 1 }), 1);
}

#[test]
fn pause_on_a_running_current_thread_runtime_then_auto_advance() {
    let rt = support::rt();
    let wall = std::time::Instant::now();
    rt.block_on(async {
        pause();
        pause(); // idempotent
        let start = Instant::now();
        std::thread::sleep(Duration::from_millis(3));
        assert_eq!(Instant::now(), start, "the clock is paused");
        sleep(HOUR).await;
        assert_eq!(Instant::now() - start, HOUR);
    });
    assert!(wall.elapsed() < Duration::from_secs(5));
}

#[test]
fn pause_from_a_task_pauses_the_runtime_clock() {
    let rt = support::rt();
    rt.block_on(async {
        runtime::spawn(async { pause() }).await.unwrap();
        let start = Instant::now();
        std::thread::sleep(Duration::from_millis(3));
        assert_eq!(Instant::now(), start);
    });
}

#[runtime::test(start_paused = true)]
async fn advance_fires_due_timers_and_the_woken_tasks_run_before_it_returns() {
    let start = Instant::now();
    let (h1, one) = sleeper(Duration::from_secs(1));
    let (h2, two) = sleeper(Duration::from_secs(2));
    let (h3, three) = sleeper(Duration::from_secs(3));
    runtime::yield_now().await; // let them register

    advance(Duration::from_millis(999)).await;
    assert_eq!(Instant::now() - start, Duration::from_millis(999));
    assert!(!one.load(SeqCst), "fired early");

    advance(Duration::from_millis(1001)).await;
    assert_eq!(
        Instant::now() - start,
        Duration::from_secs(2),
        "advance moves the clock by exactly the duration"
    );
    assert!(
        one.load(SeqCst),
        "due at 1 s, not run when advance returned"
    );
    assert!(
        two.load(SeqCst),
        "due at 2 s, not run when advance returned"
    );
    assert!(!three.load(SeqCst), "due at 3 s, fired at 2 s");
    assert!(h1.is_finished() && h2.is_finished() && !h3.is_finished());

    h3.await.unwrap();
    assert!(three.load(SeqCst));
    assert_eq!(Instant::now() - start, Duration::from_secs(3));
}

#[runtime::test(start_paused = true)]
async fn advance_without_timers_moves_the_clock_and_zero_still_yields() {
    let start = Instant::now();
    advance(HOUR).await;
    assert_eq!(Instant::now() - start, HOUR);

    let ran = Arc::new(AtomicBool::new(false));
    let r = ran.clone();
    let h = runtime::spawn(async move { r.store(true, SeqCst) });
    advance(Duration::ZERO).await;
    assert!(
        ran.load(SeqCst),
        "advance(0) did not let the spawned task run"
    );
    assert_eq!(Instant::now() - start, HOUR);
    h.await.unwrap();
}

#[runtime::test(start_paused = true)]
async fn advance_past_a_timeout_makes_it_elapse() {
    let start = Instant::now();
    let guarded = runtime::spawn(runtime::timeout(
        Duration::from_secs(10),
        std::future::pending::<()>(),
    ));
    runtime::yield_now().await;
    advance(Duration::from_secs(10)).await;
    assert!(guarded.is_finished());
    assert!(guarded.await.unwrap().is_err());
    assert_eq!(Instant::now() - start, Duration::from_secs(10));
}

#[test]
fn resume_makes_time_real_again() {
    let rt = support::rt_paused();
    rt.block_on(async {
        let start = Instant::now();
        sleep(HOUR).await;
        resume();
        let resumed = Instant::now();
        let jump = resumed - start;
        assert!(
            jump >= HOUR && jump < HOUR + Duration::from_secs(1),
            "resume continues from the frozen reading: {jump:?}"
        );
        std::thread::sleep(Duration::from_millis(3));
        assert!(Instant::now() - resumed >= Duration::from_millis(3));

        // Sleeps take real time now.
        let wall = std::time::Instant::now();
        sleep(Duration::from_millis(10)).await;
        let took = wall.elapsed();
        assert!(took >= Duration::from_millis(10), "woke early: {took:?}");
        assert!(took < Duration::from_secs(5), "{took:?}");

        // And it can be paused again.
        pause();
        let frozen = Instant::now();
        std::thread::sleep(Duration::from_millis(3));
        assert_eq!(Instant::now(), frozen);
    });
}

#[runtime::test(start_paused = true)]
async fn the_clock_jumps_only_when_no_task_can_run() {
    let start = Instant::now();
    let (h, fired) = sleeper(Duration::from_millis(1));
    let spins = Arc::new(AtomicUsize::new(0));
    let s = spins.clone();
    let spinner = runtime::spawn(async move {
        for _ in 0..1000 {
            assert_eq!(
                Instant::now(),
                start,
                "the clock moved while a task was runnable"
            );
            assert!(!fired.load(SeqCst));
            s.fetch_add(1, SeqCst);
            runtime::yield_now().await;
        }
    });
    spinner.await.unwrap();
    assert_eq!(spins.load(SeqCst), 1000);
    h.await.unwrap();
    assert_eq!(Instant::now() - start, Duration::from_millis(1));
}

#[runtime::test(start_paused = true)]
async fn a_wake_from_another_thread_works_with_no_timer_pending() {
    // Nothing to jump to: the runtime parks until the foreign wake, the clock stays.
    let start = Instant::now();
    let (tx, rx) = support::oneshot::<u32>();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(10));
        tx.send(5);
    });
    assert_eq!(rx.await, Some(5));
    assert_eq!(Instant::now(), start);
    t.join().unwrap();
}

#[test]
fn pause_and_advance_on_the_multi_thread_runtime_panic_naming_current_thread() {
    let outside = catch_panic(pause).unwrap_err().message;
    let rt = support::rt_multi(2);
    let check = |what: &str, msg: &str| {
        assert!(msg.contains("current-thread"), "{what}: {msg}");
        assert_ne!(
            msg, outside,
            "{what}: the multi-thread runtime was not found"
        );
    };
    let (in_block_on, in_task) = rt.block_on(async {
        let a = catch_panic(pause).unwrap_err().message;
        let b = runtime::spawn(async { catch_panic(pause).unwrap_err().message })
            .await
            .unwrap();
        (a, b)
    });
    check("pause in block_on", &in_block_on);
    check("pause in a task", &in_task);

    let (adv, res) = rt.block_on(async {
        let adv = catch_panic(|| drop(advance(Duration::from_secs(1))));
        let res = catch_panic(resume);
        (adv.unwrap_err().message, res.unwrap_err().message)
    });
    check("advance", &adv);
    check("resume", &res);

    // The runtime is still fine and its clock runs.
    rt.block_on(async {
        let start = Instant::now();
        sleep(Duration::from_millis(2)).await;
        assert!(Instant::now() - start >= Duration::from_millis(2));
    });
}

#[test]
fn advance_and_resume_without_pause_panic() {
    let rt = support::rt();
    let (adv, res) = rt.block_on(async {
        let adv = catch_panic(|| drop(advance(Duration::from_secs(1))));
        let res = catch_panic(resume);
        (adv.unwrap_err(), res.unwrap_err())
    });
    assert!(adv.message.contains("paused"), "{:?}", adv.message);
    assert!(
        adv.file.ends_with("time_paused.rs"),
        "advance's panic should point at the caller: {}:{}",
        adv.file,
        adv.line
    );
    assert!(res.message.contains("paused"), "{:?}", res.message);
    // Nothing broke: the clock still runs.
    rt.block_on(async {
        let start = Instant::now();
        std::thread::sleep(Duration::from_millis(2));
        assert!(Instant::now() > start);
    });
}

#[test]
fn pause_advance_and_resume_outside_a_runtime_panic() {
    for (name, f) in [
        ("pause", Box::new(pause) as Box<dyn Fn()>),
        ("resume", Box::new(resume)),
        (
            "advance",
            Box::new(|| drop(advance(Duration::from_secs(1)))),
        ),
    ] {
        let err = catch_panic(f).unwrap_err();
        assert!(err.message.contains("runtime"), "{name}: {:?}", err.message);
    }
}

#[test]
fn two_paused_runtimes_have_independent_clocks() {
    let a = support::rt_paused();
    let b = support::rt_paused();
    let a0 = a.block_on(async { Instant::now() });
    let b0 = b.block_on(async { Instant::now() });
    a.block_on(async { sleep(HOUR).await });
    assert_eq!(a.block_on(async { Instant::now() }) - a0, HOUR);
    assert_eq!(b.block_on(async { Instant::now() }), b0);
}

#[runtime::test(start_paused = true)]
async fn a_running_blocking_job_holds_paused_time_still() {
    // A timeout around blocking work must not elapse in virtual time while the job runs.
    let start = Instant::now();
    let job = runtime::spawn_blocking(|| {
        std::thread::sleep(Duration::from_millis(30));
        5
    });
    let res = runtime::timeout(Duration::from_secs(1), job).await;
    assert_eq!(res.map(Result::unwrap), Ok(5));
    assert_eq!(Instant::now(), start, "the clock jumped while the job ran");
    // Once it is done, the clock jumps again.
    sleep(HOUR).await;
    assert_eq!(Instant::now() - start, HOUR);
}
