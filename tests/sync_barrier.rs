//! `sync::Barrier`: one leader per round, reusable generations, cancelled waiters no longer
//! counted (asyncio), both flavors.

mod support;

use runtime::sync::{Barrier, BarrierWait, BarrierWaitResult, Event};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Poll, Waker};

use support::{counting_waker, poll_with};

fn poll_noop<F: std::future::Future + Unpin>(f: &mut F) -> Poll<F::Output> {
    poll_with(f, Waker::noop())
}

#[test]
fn send_sync_and_debug() {
    support::assert_send::<Barrier>();
    support::assert_sync::<Barrier>();
    support::assert_send::<BarrierWait<'static>>();
    support::assert_sync::<BarrierWait<'static>>();
    support::assert_send::<BarrierWaitResult>();
    let b = Barrier::new(3);
    assert!(format!("{b:?}").contains("n: 3"), "{b:?}");
}

#[test]
fn the_last_arrival_leads_and_releases_the_rest() {
    let b = Barrier::new(3);
    let (waker, count) = counting_waker();
    let mut x = Box::pin(b.wait());
    let mut y = Box::pin(b.wait());
    assert!(poll_with(&mut x, &waker).is_pending());
    assert!(poll_with(&mut y, &waker).is_pending());
    assert_eq!(count.count(), 0);
    let mut z = Box::pin(b.wait());
    match poll_noop(&mut z) {
        Poll::Ready(r) => assert!(r.is_leader()),
        Poll::Pending => panic!("the third arrival trips the barrier"),
    }
    assert_eq!(count.count(), 2);
    for w in [&mut x, &mut y] {
        match poll_noop(w) {
            Poll::Ready(r) => assert!(!r.is_leader()),
            Poll::Pending => panic!("released"),
        }
    }
    // Polled again after completion: the same answer, nothing counted twice.
    assert!(matches!(poll_noop(&mut z), Poll::Ready(r) if r.is_leader()));
}

#[test]
fn zero_behaves_as_one() {
    let b = Barrier::new(0);
    for _ in 0..3 {
        assert!(matches!(poll_noop(&mut Box::pin(b.wait())), Poll::Ready(r) if r.is_leader()));
    }
}

#[test]
fn a_cancelled_waiter_is_no_longer_counted() {
    let b = Barrier::new(2);
    let mut a = Box::pin(b.wait());
    assert!(poll_noop(&mut a).is_pending());
    drop(a); // cancelled before the trip
    let mut c = Box::pin(b.wait());
    assert!(
        poll_noop(&mut c).is_pending(),
        "the cancelled arrival does not count: `c` is alone"
    );
    let mut d = Box::pin(b.wait());
    assert!(matches!(poll_noop(&mut d), Poll::Ready(r) if r.is_leader()));
    assert!(matches!(poll_noop(&mut c), Poll::Ready(r) if !r.is_leader()));
}

#[test]
fn a_waiter_dropped_after_the_trip_takes_nothing_from_the_next_round() {
    let b = Barrier::new(2);
    let mut a = Box::pin(b.wait());
    assert!(poll_noop(&mut a).is_pending());
    assert!(poll_noop(&mut Box::pin(b.wait())).is_ready());
    drop(a); // released but never polled again
    let mut c = Box::pin(b.wait());
    assert!(
        poll_noop(&mut c).is_pending(),
        "a new round with one arrival"
    );
    assert!(poll_noop(&mut Box::pin(b.wait())).is_ready());
    assert!(poll_noop(&mut c).is_ready());
}

fn rounds(rt: runtime::Runtime) {
    const N: usize = 8;
    const ROUNDS: usize = 20;
    rt.block_on(async {
        let b = Arc::new(Barrier::new(N));
        let leaders = Arc::new(AtomicUsize::new(0));
        let arrived = Arc::new(AtomicUsize::new(0));
        let passed = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..N {
            let (b, leaders) = (b.clone(), leaders.clone());
            let (arrived, passed) = (arrived.clone(), passed.clone());
            tasks.push(runtime::spawn(async move {
                for round in 0..ROUNDS {
                    arrived.fetch_add(1, SeqCst);
                    if b.wait().await.is_leader() {
                        leaders.fetch_add(1, SeqCst);
                    }
                    assert!(
                        arrived.load(SeqCst) >= (round + 1) * N,
                        "released only once every task arrived"
                    );
                    assert!(
                        passed.fetch_add(1, SeqCst) < (round + 1) * N,
                        "nobody passed the next round before this task arrived at it"
                    );
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(leaders.load(SeqCst), ROUNDS, "one leader per round");
        assert_eq!(passed.load(SeqCst), ROUNDS * N);
    });
}

#[test]
fn rounds_current_thread() {
    rounds(support::rt());
}

#[test]
fn rounds_multi_thread() {
    rounds(support::rt_multi(4));
}

#[runtime::test]
async fn a_cancelled_task_is_replaced_by_a_later_one() {
    let b = Arc::new(Barrier::new(2));
    let go = Arc::new(Event::new());
    let early = {
        let b = b.clone();
        runtime::spawn(async move { b.wait().await })
    };
    let stays = {
        let (b, go) = (b.clone(), go.clone());
        runtime::spawn(async move {
            go.wait().await;
            b.wait().await
        })
    };
    support::yield_until(
        || format!("{b:?}").contains("arrived: 1"),
        10,
        "`early` to wait",
    )
    .await;
    early.abort();
    assert!(early.await.unwrap_err().is_cancelled());
    assert!(
        format!("{b:?}").contains("arrived: 0"),
        "the aborted task left: {b:?}"
    );
    go.set();
    // `stays` waits alone now; one more arrival releases it.
    let r = b.wait().await;
    let s = stays.await.unwrap();
    assert!(r.is_leader() != s.is_leader(), "exactly one leader");
}

/// The asyncio docs' example: two tasks wait on a barrier of 3, the third arrival (the
/// main task) releases them.
#[runtime::test]
async fn asyncio_docs_example() {
    let b = Arc::new(Barrier::new(3));
    let tasks: Vec<_> = (0..2)
        .map(|_| {
            let b = b.clone();
            runtime::spawn(async move { b.wait().await })
        })
        .collect();
    support::yield_until(
        || format!("{b:?}").contains("arrived: 2"),
        10,
        "two waiters",
    )
    .await;
    assert!(b.wait().await.is_leader(), "the third arrival");
    assert!(format!("{b:?}").contains("arrived: 0"), "{b:?}");
    for t in tasks {
        assert!(!t.await.unwrap().is_leader());
    }
}
