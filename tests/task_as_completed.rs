//! `as_completed`: a `Stream` of task results in completion order on both flavors, panics
//! and cancellations as `JoinError`s, `size_hint`/`FusedStream`, and detaching on drop.

mod support;

use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use futures_core::{FusedStream, Stream};
use runtime::time::Instant;
use runtime::{as_completed, sleep, spawn, JoinHandle};
use support::{DropCounter, EXPECTED};

fn after(ms: u64) -> JoinHandle<u64> {
    spawn(async move {
        sleep(Duration::from_millis(ms)).await;
        ms
    })
}

#[runtime::test(start_paused = true)]
async fn results_arrive_in_completion_order_as_they_finish() {
    let start = Instant::now();
    let mut results = as_completed([40, 10, 30, 20].map(after));
    let mut seen = Vec::new();
    while let Some(res) = results.next().await {
        let ms = res.unwrap();
        assert_eq!(
            start.elapsed(),
            Duration::from_millis(ms),
            "each result comes as soon as its task finishes"
        );
        seen.push(ms);
    }
    assert_eq!(seen, [10, 20, 30, 40]);
    assert!(results.next().await.is_none(), "stays finished");
}

#[test]
fn every_result_arrives_once_on_the_multi_thread_runtime() {
    let rt = support::rt_multi(2);
    let mut got = rt.block_on(async {
        let tasks = (0..2_000u32).map(|i| {
            spawn(async move {
                for _ in 0..i % 4 {
                    runtime::yield_now().await;
                }
                i
            })
        });
        let mut results = as_completed(tasks);
        assert_eq!(results.len(), 2_000);
        let mut got = Vec::new();
        while let Some(res) = results.next().await {
            got.push(res.unwrap());
            assert_eq!(results.len(), 2_000 - got.len());
        }
        got
    });
    got.sort_unstable();
    assert_eq!(got, (0..2_000).collect::<Vec<_>>());
}

#[test]
fn panics_and_cancellations_are_join_errors() {
    support::install_panic_hook();
    support::run_local(async {
        let bad = spawn(async { panic!("{EXPECTED}: in a task") });
        let cancelled = spawn(std::future::pending::<u64>());
        cancelled.abort();
        let fine = after(0);
        let mut panicked = 0;
        let mut aborted = 0;
        let mut ok = 0;
        let mut results = as_completed([bad, cancelled, fine]);
        while let Some(res) = results.next().await {
            match res {
                Ok(_) => ok += 1,
                Err(e) if e.is_panic() => panicked += 1,
                Err(e) if e.is_cancelled() => aborted += 1,
                Err(e) => panic!("unexpected {e}"),
            }
        }
        assert_eq!((ok, panicked, aborted), (1, 1, 1));
    });
}

#[test]
fn it_is_a_fused_stream_with_an_exact_size_hint() {
    support::run_local(async {
        let mut results = as_completed([spawn(async { 1 }), spawn(async { 2 })]);
        assert_eq!(results.size_hint(), (2, Some(2)));
        assert!(!results.is_terminated());
        let mut items = Vec::new();
        loop {
            let next =
                std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut results).poll_next(cx))).await;
            match next {
                Poll::Ready(Some(item)) => items.push(item.unwrap()),
                Poll::Ready(None) => break,
                Poll::Pending => runtime::yield_now().await,
            }
        }
        items.sort_unstable();
        assert_eq!(items, [1, 2]);
        assert_eq!(results.size_hint(), (0, Some(0)));
        assert!(results.is_terminated());
    });
}

#[test]
fn an_empty_as_completed_ends_at_once() {
    support::run_local(async {
        let mut results = as_completed(Vec::<JoinHandle<()>>::new());
        assert!(results.is_empty());
        assert!(results.next().await.is_none());
    });
}

#[test]
fn dropping_it_detaches_the_tasks_not_yet_yielded() {
    let drops = DropCounter::new();
    let d = drops.clone();
    support::run_local(async move {
        let gate = support::oneshot::<()>();
        let (tx, rx) = gate;
        let slow = spawn(d.wrap(async move {
            rx.await;
            7
        }));
        let mut results = as_completed([after(0), slow]);
        assert_eq!(results.next().await.unwrap().unwrap(), 0);
        drop(results);
        tx.send(());
        support::yield_until(|| d.count() == 1, 10, "the detached task to finish").await;
    });
    assert_eq!(
        drops.count(),
        1,
        "the detached task ran to its end and was dropped once"
    );
}
