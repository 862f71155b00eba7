//! `wait_for` (asyncio's `wait_for` for a task): the result when the task finishes in
//! time, otherwise `Elapsed` at exactly the deadline of paused time, with the task
//! aborted and its future dropped (exactly once) before `wait_for` returns, on both
//! flavors; panics come back as `JoinError`s.

mod support;

use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use runtime::time::Instant;
use runtime::{sleep, spawn, wait_for};
use support::{DropCounter, EXPECTED};

#[runtime::test(start_paused = true)]
async fn a_task_finishing_in_time_gives_its_result() {
    let start = Instant::now();
    let task = spawn(async {
        sleep(Duration::from_secs(2)).await;
        "done"
    });
    assert!(matches!(
        wait_for(Duration::from_secs(5), task).await,
        Ok(Ok("done"))
    ));
    assert_eq!(start.elapsed(), Duration::from_secs(2));
}

#[runtime::test(start_paused = true)]
async fn a_slow_task_times_out_at_exactly_the_deadline_and_is_dropped_first() {
    let drops = DropCounter::new();
    let start = Instant::now();
    let task = spawn(drops.wrap(async {
        sleep(Duration::from_secs(3600)).await;
        1
    }));
    let res = wait_for(Duration::from_secs(5), task).await;
    assert!(res.is_err(), "{res:?}");
    assert_eq!(start.elapsed(), Duration::from_secs(5));
    assert_eq!(
        drops.count(),
        1,
        "the task's future is gone when wait_for returns"
    );
    runtime::yield_now().await;
    assert_eq!(drops.count(), 1, "and it was dropped only once");
}

#[runtime::test(start_paused = true)]
async fn a_panicking_task_is_a_join_error() {
    support::install_panic_hook();
    let task = spawn(async {
        sleep(Duration::from_secs(1)).await;
        panic!("{EXPECTED}: wait_for");
    });
    let res = wait_for(Duration::from_secs(5), task).await;
    assert!(res.unwrap().unwrap_err().is_panic());
}

#[runtime::test(start_paused = true)]
async fn an_already_finished_task_beats_a_zero_deadline() {
    let task = spawn(async { 9 });
    runtime::yield_now().await;
    assert!(task.is_finished());
    assert!(matches!(wait_for(Duration::ZERO, task).await, Ok(Ok(9))));
}

#[test]
fn on_the_multi_thread_runtime_it_waits_for_a_busy_task_to_be_dropped() {
    // The task is inside a long poll on another worker when the deadline passes: the abort
    // takes effect only when that poll ends, and wait_for must not return before.
    let rt = support::rt_multi(2);
    let drops = DropCounter::new();
    let d = drops.clone();
    let in_poll = Arc::new(AtomicBool::new(false));
    let p = in_poll.clone();
    let res = rt.block_on(async move {
        let task = spawn(d.wrap(async move {
            loop {
                p.store(true, SeqCst);
                std::thread::sleep(Duration::from_millis(30)); // a blocking poll
                runtime::yield_now().await;
            }
        }));
        support::yield_until_patient(|| in_poll.load(SeqCst), "the task to start").await;
        let res = wait_for(Duration::from_millis(5), task).await;
        assert_eq!(
            d.count(),
            1,
            "returned before the task's future was dropped"
        );
        res
    });
    assert!(res.is_err());
    assert_eq!(drops.count(), 1);
}

#[test]
fn on_the_multi_thread_runtime_a_quick_task_is_ok() {
    let rt = support::rt_multi(2);
    let res = rt.block_on(async {
        let task = spawn(async { 5 });
        wait_for(Duration::from_secs(30), task).await
    });
    assert!(matches!(res, Ok(Ok(5))), "{res:?}");
}

#[test]
fn its_error_converts_to_io_timed_out() {
    let rt = support::rt_paused();
    let err = rt.block_on(async {
        let task = spawn(std::future::pending::<()>());
        let res: std::io::Result<()> = async {
            wait_for(Duration::from_secs(1), task).await??;
            Ok(())
        }
        .await;
        res.unwrap_err()
    });
    assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
}
