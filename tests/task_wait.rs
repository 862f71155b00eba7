//! `wait` with each `ReturnWhen`: done results in completion order, pending handles in
//! input order and still running, exceptions (panics, cancellations, `Err` outputs),
//! paused time for when it returns, both flavors, and `Wait::into_parts` under a deadline.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use runtime::task::WaitOutput;
use runtime::time::Instant;
use runtime::{sleep, spawn, wait, JoinHandle, ReturnWhen};
use support::{DropCounter, EXPECTED};

/// A task that sleeps `ms` of (paused) time, then returns `ms`.
fn after(ms: u64) -> JoinHandle<u64> {
    spawn(async move {
        sleep(Duration::from_millis(ms)).await;
        ms
    })
}

fn values<T: std::fmt::Debug>(done: Vec<Result<T, runtime::JoinError>>) -> Vec<T> {
    done.into_iter().map(Result::unwrap).collect()
}

#[runtime::test(start_paused = true)]
async fn all_completed_lists_results_in_completion_order() {
    let start = Instant::now();
    let (done, pending) = wait([30, 10, 20].map(after), ReturnWhen::AllCompleted).await;
    assert_eq!(values(done), [10, 20, 30]);
    assert!(pending.is_empty());
    assert_eq!(start.elapsed(), Duration::from_millis(30));
}

#[runtime::test(start_paused = true)]
async fn first_completed_returns_right_after_the_first_and_keeps_the_rest_running() {
    let start = Instant::now();
    let tasks = [30, 10, 20].map(after);
    let ids: Vec<_> = tasks.iter().map(JoinHandle::id).collect();
    let (done, pending) = wait(tasks, ReturnWhen::FirstCompleted).await;
    assert_eq!(
        start.elapsed(),
        Duration::from_millis(10),
        "returned at the first"
    );
    assert_eq!(values(done), [10]);
    assert_eq!(
        pending.iter().map(JoinHandle::id).collect::<Vec<_>>(),
        [ids[0], ids[2]],
        "pending handles in input order"
    );
    // They were not cancelled: awaiting them gives their outputs.
    let (rest, none) = wait(pending, ReturnWhen::AllCompleted).await;
    assert_eq!(values(rest), [20, 30]);
    assert!(none.is_empty());
    assert_eq!(start.elapsed(), Duration::from_millis(30));
}

#[runtime::test(start_paused = true)]
async fn first_completed_includes_every_task_already_finished() {
    let a = spawn(async { 1 });
    let b = spawn(async { 2 });
    let slow = after(1000);
    runtime::yield_now().await; // a and b run
    let (done, pending) = wait([a, slow, b], ReturnWhen::FirstCompleted).await;
    assert_eq!(values(done), [1, 2]);
    assert_eq!(pending.len(), 1);
    pending[0].abort();
}

#[runtime::test(start_paused = true)]
async fn first_exception_returns_at_the_first_panic() {
    support::install_panic_hook();
    let start = Instant::now();
    let boom = spawn(async {
        sleep(Duration::from_millis(15)).await;
        panic!("{EXPECTED}: boom");
    });
    let tasks = vec![after(10), boom, after(20), after(3_600_000)];
    let (done, pending) = wait(tasks, ReturnWhen::FirstException).await;
    assert_eq!(start.elapsed(), Duration::from_millis(15));
    assert_eq!(done.len(), 2);
    assert_eq!(*done[0].as_ref().unwrap(), 10);
    assert!(done[1].as_ref().unwrap_err().is_panic());
    assert_eq!(pending.len(), 2);
    for p in &pending {
        p.abort();
    }
}

#[runtime::test(start_paused = true)]
async fn first_exception_returns_at_the_first_err_output() {
    let start = Instant::now();
    let task = |ms: u64, ok: bool| {
        spawn(async move {
            sleep(Duration::from_millis(ms)).await;
            if ok {
                Ok(ms)
            } else {
                Err(format!("{ms} failed"))
            }
        })
    };
    let (done, pending) = wait(
        [task(5, true), task(10, false), task(20, false)],
        ReturnWhen::FirstException,
    )
    .await;
    assert_eq!(start.elapsed(), Duration::from_millis(10));
    assert_eq!(values(done), [Ok(5), Err("10 failed".to_string())]);
    assert_eq!(pending.len(), 1);
    assert_eq!(
        pending.into_iter().next().unwrap().await.unwrap(),
        Err("20 failed".into())
    );
}

#[runtime::test(start_paused = true)]
async fn first_exception_sees_a_cancelled_task() {
    let victim = after(3_600_000);
    let abort = victim.abort_handle();
    let killer = spawn(async move {
        sleep(Duration::from_millis(5)).await;
        abort.abort();
        0
    });
    let (done, pending) = wait([victim, killer, after(50)], ReturnWhen::FirstException).await;
    assert!(done
        .iter()
        .any(|r| r.as_ref().is_err_and(|e| e.is_cancelled())));
    assert_eq!(pending.len(), 1);
    pending[0].abort();
}

#[runtime::test(start_paused = true)]
async fn first_exception_without_one_waits_for_all() {
    let start = Instant::now();
    let (done, pending) = wait([20, 10].map(after), ReturnWhen::FirstException).await;
    assert_eq!(values(done), [10, 20]);
    assert!(pending.is_empty());
    assert_eq!(start.elapsed(), Duration::from_millis(20));
}

#[test]
fn an_empty_wait_returns_at_once() {
    support::run_local(async {
        for when in [
            ReturnWhen::FirstCompleted,
            ReturnWhen::FirstException,
            ReturnWhen::AllCompleted,
        ] {
            let (done, pending) = wait(Vec::<JoinHandle<()>>::new(), when).await;
            assert!(done.is_empty() && pending.is_empty());
        }
    });
}

#[test]
fn wait_on_the_multi_thread_runtime() {
    let rt = support::rt_multi(2);
    rt.block_on(async {
        let counter = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..500)
            .map(|i| {
                let c = counter.clone();
                spawn(async move {
                    for _ in 0..i % 5 {
                        runtime::yield_now().await;
                    }
                    c.fetch_add(1, SeqCst);
                    i
                })
            })
            .collect();
        let (done, pending) = wait(tasks, ReturnWhen::AllCompleted).await;
        assert!(pending.is_empty());
        let mut got = values(done);
        got.sort_unstable();
        assert_eq!(got, (0..500).collect::<Vec<_>>());
        assert_eq!(counter.load(SeqCst), 500);

        let stuck = spawn(std::future::pending::<i32>());
        let quick = spawn(async { 3 });
        let (done, pending) = wait([stuck, quick], ReturnWhen::FirstCompleted).await;
        assert_eq!(values(done), [3]);
        pending[0].abort();
        let err = wait(pending, ReturnWhen::AllCompleted).await.0.remove(0);
        assert!(err.unwrap_err().is_cancelled());
    });
}

#[runtime::test(start_paused = true)]
async fn into_parts_under_a_deadline_keeps_what_is_done_and_what_is_not() {
    let drops = DropCounter::new();
    let stuck = spawn(drops.pending::<u64>());
    let mut waiting = wait([after(10), stuck, after(20)], ReturnWhen::AllCompleted);
    let res = runtime::timeout(Duration::from_millis(15), &mut waiting).await;
    assert!(res.is_err());
    let (done, pending) = waiting.into_parts();
    assert_eq!(values(done), [10]);
    assert_eq!(pending.len(), 2, "the stuck one and the 20 ms one");
    assert_eq!(drops.count(), 0, "wait never cancels anything");
    let mut pending = pending.into_iter();
    let stuck = pending.next().unwrap();
    stuck.abort();
    assert!(stuck.await.unwrap_err().is_cancelled());
    assert_eq!(drops.count(), 1);
    assert_eq!(pending.next().unwrap().await.unwrap(), 20);
}

#[test]
fn dropping_a_wait_detaches_its_tasks() {
    let drops = DropCounter::new();
    let d = drops.clone();
    let ran = Arc::new(AtomicUsize::new(0));
    let r = ran.clone();
    support::run_local(async move {
        let task = spawn(d.wrap(async move {
            runtime::yield_now().await;
            r.fetch_add(1, SeqCst);
        }));
        drop(wait([task], ReturnWhen::AllCompleted));
        support::yield_until(|| d.count() == 1, 10, "the detached task to finish").await;
    });
    assert_eq!(ran.load(SeqCst), 1, "the task ran to completion");
    assert_eq!(drops.count(), 1);
}

#[test]
fn wait_output_says_which_outputs_are_exceptions() {
    assert!(Err::<u8, ()>(()).is_exception());
    assert!(!Ok::<u8, ()>(1).is_exception());
    assert!(Box::new(Err::<u8, ()>(())).is_exception());
    assert!(!().is_exception());
    assert!(!None::<u8>.is_exception());
    assert!(!String::new().is_exception());
    assert!(!vec![1].is_exception());
    assert!(
        !(1, Err::<(), ()>(())).is_exception(),
        "a tuple is never an exception"
    );
}

#[test]
fn every_combinator_can_run_in_a_spawned_task() {
    // Compiles only if each combinator's future is `Send` when its tasks' outputs are.
    let rt = support::rt_multi(2);
    rt.block_on(async {
        let t = spawn(async {
            let gathered = runtime::gather([spawn(async { 1 })]).await;
            let tried = runtime::try_gather([async { Ok::<_, String>(2) }]).await;
            let (done, _) = wait([spawn(async { 3 })], ReturnWhen::AllCompleted).await;
            let mut stream = runtime::as_completed([spawn(async { 4 })]);
            let streamed = stream.next().await.unwrap();
            let waited = runtime::wait_for(Duration::from_secs(30), spawn(async { 5 })).await;
            gathered[0].as_ref().unwrap()
                + tried.unwrap()[0]
                + done[0].as_ref().unwrap()
                + streamed.unwrap()
                + waited.unwrap().unwrap()
        });
        assert_eq!(t.await.unwrap(), 15);
    });
    support::assert_send::<runtime::task::Gather<JoinHandle<u8>>>();
    support::assert_sync::<runtime::task::Gather<JoinHandle<u8>>>();
    support::assert_send::<runtime::task::Wait<u8>>();
    support::assert_send::<runtime::task::AsCompleted<u8>>();
    support::assert_sync::<runtime::task::AsCompleted<u8>>();
    support::assert_send::<runtime::task::WaitFor<u8>>();
}

#[test]
fn debug_output_names_the_state() {
    support::run_local(async {
        let w = wait([spawn(async { 1 })], ReturnWhen::FirstCompleted);
        let text = format!("{w:?}");
        assert!(
            text.contains("Wait") && text.contains("FirstCompleted"),
            "{text}"
        );
        let g = runtime::gather([std::future::ready(1)]);
        assert!(format!("{g:?}").contains("Gather"));
        let a = runtime::as_completed([spawn(async { 1 })]);
        assert!(format!("{a:?}").contains("remaining: 1"));
        let f = runtime::wait_for(Duration::from_secs(1), spawn(async { 1 }));
        assert!(format!("{f:?}").contains("WaitFor"));
        drop((w, g, a, f));
    });
}
