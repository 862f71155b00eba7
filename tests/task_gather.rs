//! `gather` and `try_gather`: outputs in input order on both flavors, panics and errors,
//! every dropped future dropped exactly once, the cooperative budget, and O(1) work per
//! completion (a wake polls only the woken future).

mod support;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use runtime::time::Instant;
use runtime::{gather, sleep, try_gather};
use support::{DropCounter, EXPECTED};

/// Sleeps `ms` of (paused) time, then returns `ms`.
async fn after(ms: u64) -> u64 {
    sleep(Duration::from_millis(ms)).await;
    ms
}

#[runtime::test(start_paused = true)]
async fn outputs_come_in_input_order_and_run_concurrently() {
    let start = Instant::now();
    let out = gather([30, 10, 20, 0].map(after)).await;
    assert_eq!(out, [30, 10, 20, 0]);
    assert_eq!(
        start.elapsed(),
        Duration::from_millis(30),
        "not one after another"
    );
}

#[test]
fn gathered_handles_keep_input_order_on_the_multi_thread_runtime() {
    let rt = support::rt_multi(2);
    let out = rt.block_on(async {
        let tasks = (0..200u64).map(|i| {
            runtime::spawn(async move {
                for _ in 0..(i % 7) {
                    runtime::yield_now().await;
                }
                i * 3
            })
        });
        gather(tasks).await
    });
    let out: Vec<u64> = out.into_iter().map(Result::unwrap).collect();
    assert_eq!(out, (0..200).map(|i| i * 3).collect::<Vec<_>>());
}

#[test]
fn futures_run_in_the_calling_task_on_both_flavors() {
    for rt in [support::rt(), support::rt_multi(2)] {
        let out = rt.block_on(async {
            // `block_on` polls its future on this thread; a spawned child would run on a
            // worker (multi-thread) or still be queued (current-thread).
            let id = std::thread::current().id();
            let futs = (0..50).map(|i| async move {
                for _ in 0..i % 3 {
                    runtime::yield_now().await;
                }
                assert_eq!(std::thread::current().id(), id, "gather does not spawn");
                i
            });
            gather(futs).await
        });
        assert_eq!(out, (0..50).collect::<Vec<_>>());
    }
}

#[test]
fn an_empty_gather_is_ready_at_once() {
    let out: Vec<u8> = support::run_local(gather(Vec::<std::future::Ready<u8>>::new()));
    assert!(out.is_empty());
    let out: Result<Vec<u8>, ()> =
        support::run_local(try_gather(Vec::<std::future::Ready<Result<u8, ()>>>::new()));
    assert_eq!(out, Ok(vec![]));
}

#[test]
fn a_panicking_future_unwinds_through_gather_and_the_others_drop_once() {
    let drops = DropCounter::new();
    let d = drops.clone();
    let caught = support::catch_panic(move || {
        support::run_local(async move {
            let futs: Vec<Pin<Box<dyn Future<Output = ()>>>> = vec![
                Box::pin(d.pending()),
                Box::pin(async {
                    runtime::yield_now().await;
                    panic!("{EXPECTED}: child");
                }),
                Box::pin(d.pending()),
            ];
            gather(futs).await;
        })
    });
    let caught = caught.unwrap_err();
    assert!(caught.message.contains("child"), "{}", caught.message);
    assert_eq!(drops.count(), 2);
}

#[test]
fn a_panicking_task_is_a_join_error_in_its_slot() {
    support::install_panic_hook();
    let out = support::run_local(async {
        let ok = runtime::spawn(async { 1 });
        let bad = runtime::spawn(async { panic!("{EXPECTED}: task") });
        gather([ok, bad]).await
    });
    assert_eq!(*out[0].as_ref().unwrap(), 1);
    assert!(out[1].as_ref().unwrap_err().is_panic());
}

#[test]
fn dropping_a_gather_drops_every_future_once() {
    let drops = DropCounter::new();
    let d = drops.clone();
    support::run_local(async move {
        let finished = d.wrap(async { 5 });
        let mut g = gather([
            Box::pin(d.pending::<i32>()) as Pin<Box<dyn Future<Output = i32>>>,
            Box::pin(finished),
            Box::pin(d.pending::<i32>()),
        ]);
        let polled = std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut g).poll(cx))).await;
        assert!(polled.is_pending());
        assert_eq!(
            d.count(),
            1,
            "the finished future is dropped when it finishes"
        );
        drop(g);
        assert_eq!(d.count(), 3);
    });
    assert_eq!(drops.count(), 3);
}

#[runtime::test(start_paused = true)]
async fn try_gather_collects_every_ok_in_input_order() {
    let out = try_gather([3, 1, 2].map(|n| async move {
        sleep(Duration::from_secs(n)).await;
        Ok::<_, String>(n)
    }))
    .await;
    assert_eq!(out, Ok(vec![3, 1, 2]));
}

#[runtime::test(start_paused = true)]
async fn try_gather_returns_the_first_err_at_once_and_drops_the_rest_once() {
    let drops = DropCounter::new();
    let start = Instant::now();
    let futs = (0..5u64).map(|i| {
        drops.wrap(async move {
            if i == 3 {
                sleep(Duration::from_secs(2)).await;
                return Err(format!("{i} failed"));
            }
            if i == 4 {
                sleep(Duration::from_secs(1)).await;
                return Ok(i);
            }
            sleep(Duration::from_secs(3600)).await;
            Ok(i)
        })
    });
    let out = try_gather(futs).await;
    assert_eq!(out, Err("3 failed".to_string()));
    assert_eq!(
        start.elapsed(),
        Duration::from_secs(2),
        "returned at the first Err"
    );
    assert_eq!(
        drops.count(),
        5,
        "every future is gone when try_gather returns"
    );
}

#[test]
fn try_gather_of_tasks_on_the_multi_thread_runtime() {
    let rt = support::rt_multi(2);
    let out = rt.block_on(async {
        let tasks = (0..100).map(|i| runtime::spawn(async move { i }));
        try_gather(tasks).await
    });
    assert_eq!(out.unwrap(), (0..100).collect::<Vec<_>>());
}

#[test]
fn a_long_gather_of_ready_futures_lets_other_tasks_run() {
    let flag = Arc::new(AtomicBool::new(false));
    let seen = support::run_local({
        let flag = flag.clone();
        async move {
            let f = flag.clone();
            drop(runtime::spawn(async move { f.store(true, SeqCst) }));
            let out = gather((0..10_000).map(|_| {
                let flag = flag.clone();
                async move { flag.load(SeqCst) }
            }))
            .await;
            out.iter().filter(|&&b| b).count()
        }
    });
    assert!(
        seen > 0 && seen < 10_000,
        "the gather should have yielded to the sibling part-way: {seen} saw it"
    );
}

/// A future that counts its polls, leaves its waker in a shared table and finishes once
/// its `done` flag is set.
struct Probe {
    index: usize,
    polls: Arc<AtomicUsize>,
    wakers: Arc<Mutex<Vec<Option<Waker>>>>,
    done: Arc<AtomicBool>,
}

impl Future for Probe {
    type Output = usize;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        self.polls.fetch_add(1, SeqCst);
        if self.done.load(SeqCst) {
            return Poll::Ready(self.index);
        }
        support::lock(&self.wakers)[self.index] = Some(cx.waker().clone());
        Poll::Pending
    }
}

struct Probes {
    polls: Vec<Arc<AtomicUsize>>,
    done: Vec<Arc<AtomicBool>>,
    wakers: Arc<Mutex<Vec<Option<Waker>>>>,
}

impl Probes {
    fn new(n: usize) -> (Probes, Vec<Probe>) {
        let wakers = Arc::new(Mutex::new(vec![None; n]));
        let polls: Vec<_> = (0..n).map(|_| Arc::new(AtomicUsize::new(0))).collect();
        let done: Vec<_> = (0..n).map(|_| Arc::new(AtomicBool::new(false))).collect();
        let futs = (0..n)
            .map(|index| Probe {
                index,
                polls: polls[index].clone(),
                wakers: wakers.clone(),
                done: done[index].clone(),
            })
            .collect();
        (
            Probes {
                polls,
                done,
                wakers,
            },
            futs,
        )
    }

    fn polls(&self) -> Vec<usize> {
        self.polls.iter().map(|p| p.load(SeqCst)).collect()
    }

    fn wake(&self, index: usize) {
        let w = support::lock(&self.wakers)[index].clone().expect("polled");
        w.wake();
    }

    fn finish(&self, index: usize) {
        self.done[index].store(true, SeqCst);
        self.wake(index);
    }
}

#[test]
fn one_wake_among_a_thousand_pending_polls_only_the_woken_future() {
    const N: usize = 1_000;
    let (probes, futs) = Probes::new(N);
    let (waker, parent_wakes) = support::counting_waker();
    let mut g = gather(futs);
    assert!(support::poll_with(&mut g, &waker).is_pending());
    assert_eq!(probes.polls(), vec![1; N], "each polled once at first");

    probes.wake(500);
    probes.wake(500);
    probes.wake(7);
    assert_eq!(parent_wakes.count(), 1, "the parent is woken once per poll");
    assert!(support::poll_with(&mut g, &waker).is_pending());
    let polls = probes.polls();
    assert_eq!(
        (polls[500], polls[7]),
        (2, 2),
        "woken ones polled once more"
    );
    assert_eq!(
        polls.iter().sum::<usize>(),
        N + 2,
        "no other future was polled"
    );

    // A poll with no wake polls nothing.
    assert!(support::poll_with(&mut g, &waker).is_pending());
    assert_eq!(probes.polls().iter().sum::<usize>(), N + 2);

    // Finishing them one by one costs one child poll each.
    for i in 0..N {
        probes.finish(i);
        let res = support::poll_with(&mut g, &waker);
        assert_eq!(probes.polls().iter().sum::<usize>(), N + 2 + i + 1);
        if i + 1 < N {
            assert!(res.is_pending());
        } else {
            let Poll::Ready(out) = res else {
                panic!("all finished")
            };
            assert_eq!(out, (0..N).collect::<Vec<_>>());
        }
    }
}

#[test]
fn try_gather_polls_only_the_woken_future_too() {
    const N: usize = 1_000;
    let (probes, futs) = Probes::new(N);
    let (waker, _) = support::counting_waker();
    let mut g = try_gather(futs.into_iter().map(|p| async move {
        let i = p.await;
        if i == 999 {
            Err(i)
        } else {
            Ok(i)
        }
    }));
    assert!(support::poll_with(&mut g, &waker).is_pending());
    probes.finish(10);
    assert!(support::poll_with(&mut g, &waker).is_pending());
    assert_eq!(probes.polls().iter().sum::<usize>(), N + 1);
    probes.finish(999);
    assert_eq!(support::poll_with(&mut g, &waker), Poll::Ready(Err(999)));
    assert_eq!(probes.polls().iter().sum::<usize>(), N + 2);
}

#[test]
fn a_future_that_wakes_itself_does_not_keep_the_gather_in_one_poll() {
    // Each poll of the child wakes it again; the gather's poll must still return.
    let polls = Arc::new(AtomicUsize::new(0));
    let p = polls.clone();
    let busy = std::future::poll_fn(move |cx| {
        p.fetch_add(1, SeqCst);
        cx.waker().wake_by_ref();
        Poll::<()>::Pending
    });
    let (waker, wakes) = support::counting_waker();
    let mut g = gather([busy]);
    for round in 1..=3 {
        assert!(support::poll_with(&mut g, &waker).is_pending());
        // Its first poll, plus one poll per drain of the woken set (once per gather poll).
        assert_eq!(
            polls.load(SeqCst),
            round + 1,
            "at most two child polls per gather poll"
        );
        assert_eq!(
            wakes.count(),
            round,
            "and the gather asks to be polled again"
        );
    }
}
