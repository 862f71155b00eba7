//! `runtime::sync::Condition` (asyncio's Condition): `wait` releases the lock and takes
//! it back, `notify(n)` wakes the `n` oldest waiters and only current ones, `notify_all`,
//! `wait_for`, a cancelled notified waiter passes the notification on, both flavors.

mod support;

use runtime::sync::{Condition, Mutex};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::Poll;

use support::{counting_waker, poll_with, rt_multi};

/// The asyncio docs' usage: `async with cond: await cond.wait()` on one side,
/// `async with cond: cond.notify_all()` on the other.
#[runtime::test]
async fn asyncio_example() {
    let cond = Arc::new(Condition::new(0));
    let mut waiters = Vec::new();
    for _ in 0..3 {
        let cond = cond.clone();
        waiters.push(runtime::spawn(async move {
            let mut g = cond.lock().await;
            while *g == 0 {
                g = cond.wait(g).await;
            }
            *g
        }));
    }
    runtime::yield_now().await;
    {
        let mut g = cond.lock().await;
        *g = 7;
        cond.notify_all();
    }
    for w in waiters {
        assert_eq!(w.await.unwrap(), 7);
    }
}

#[test]
fn wait_releases_the_lock_and_notify_wakes_the_oldest_n() {
    let cond = Condition::new(0);
    let wakers: Vec<_> = (0..3).map(|_| counting_waker()).collect();
    let mut futs: Vec<_> = wakers
        .iter()
        .map(|(w, _)| {
            let mut f = Box::pin(cond.wait(cond.mutex().try_lock().unwrap()));
            assert!(poll_with(&mut f, w).is_pending());
            assert!(cond.mutex().try_lock().is_ok(), "wait released the lock");
            f
        })
        .collect();
    cond.notify(2);
    let woken: Vec<_> = wakers.iter().map(|(_, c)| c.count()).collect();
    assert_eq!(woken, [1, 1, 0]);
    for (i, f) in futs.iter_mut().enumerate().take(2) {
        match poll_with(f, &wakers[i].0) {
            Poll::Ready(mut g) => *g += 1, // the lock is held again
            Poll::Pending => panic!("waiter {i} was notified and the lock is free"),
        }
    }
    assert!(poll_with(&mut futs[2], &wakers[2].0).is_pending());
    cond.notify_all();
    assert!(matches!(
        poll_with(&mut futs[2], &wakers[2].0),
        Poll::Ready(_)
    ));
    drop(futs);
    assert_eq!(*cond.mutex().try_lock().unwrap(), 2);
}

#[test]
fn a_notification_with_nobody_waiting_is_not_kept() {
    let cond = Condition::new(());
    cond.notify(1);
    cond.notify_all();
    let (w, woken) = counting_waker();
    let mut f = Box::pin(cond.wait(cond.mutex().try_lock().unwrap()));
    assert!(poll_with(&mut f, &w).is_pending());
    assert!(poll_with(&mut f, &w).is_pending());
    assert_eq!(woken.count(), 0);
}

#[test]
fn a_waiter_cancelled_after_notify_passes_the_notification_on() {
    let cond = Condition::new(());
    let (wa, a_woken) = counting_waker();
    let (wb, b_woken) = counting_waker();
    let mut a = Box::pin(cond.wait(cond.mutex().try_lock().unwrap()));
    assert!(poll_with(&mut a, &wa).is_pending());
    let mut b = Box::pin(cond.wait(cond.mutex().try_lock().unwrap()));
    assert!(poll_with(&mut b, &wb).is_pending());
    cond.notify(1);
    assert_eq!((a_woken.count(), b_woken.count()), (1, 0));
    drop(a); // notified, never polled again
    assert_eq!(b_woken.count(), 1);
    assert!(matches!(poll_with(&mut b, &wb), Poll::Ready(_)));
}

#[test]
fn a_waiter_cancelled_while_relocking_passes_the_notification_on() {
    let cond = Condition::new(());
    let (wa, _) = counting_waker();
    let (wb, b_woken) = counting_waker();
    let mut a = Box::pin(cond.wait(cond.mutex().try_lock().unwrap()));
    assert!(poll_with(&mut a, &wa).is_pending());
    let mut b = Box::pin(cond.wait(cond.mutex().try_lock().unwrap()));
    assert!(poll_with(&mut b, &wb).is_pending());
    let held = cond.mutex().try_lock().unwrap();
    cond.notify(1);
    assert!(
        poll_with(&mut a, &wa).is_pending(),
        "notified, waiting for the lock"
    );
    drop(a);
    assert_eq!(b_woken.count(), 1);
    drop(held);
    assert!(matches!(poll_with(&mut b, &wb), Poll::Ready(_)));
}

#[test]
#[should_panic(expected = "the guard of another mutex")]
fn waiting_with_another_mutexs_guard_panics() {
    let cond = Condition::new(0);
    let other = Mutex::new(0);
    let (w, _) = counting_waker();
    let mut f = Box::pin(cond.wait(other.try_lock().unwrap()));
    let _ = poll_with(&mut f, &w);
}

/// A work queue: consumers `wait_for` items, the producer pushes and `notify(1)`s.
async fn producer_consumers(items: usize, consumers: usize) {
    let cond = Arc::new(Condition::new((VecDeque::new(), false)));
    let taken = Arc::new(AtomicUsize::new(0));
    let mut hs = Vec::new();
    for _ in 0..consumers {
        let (cond, taken) = (cond.clone(), taken.clone());
        hs.push(runtime::spawn(async move {
            loop {
                let g = cond.lock().await;
                let mut g = cond.wait_for(g, |(q, done)| !q.is_empty() || *done).await;
                match g.0.pop_front() {
                    Some(_) => {
                        taken.fetch_add(1, SeqCst);
                    }
                    None => return,
                }
            }
        }));
    }
    for i in 0..items {
        cond.lock().await.0.push_back(i);
        cond.notify(1);
        if i % 7 == 0 {
            runtime::yield_now().await;
        }
    }
    cond.lock().await.1 = true;
    cond.notify_all();
    for h in hs {
        h.await.unwrap();
    }
    assert_eq!(taken.load(SeqCst), items);
}

#[runtime::test]
async fn work_queue_current_thread() {
    producer_consumers(200, 3).await;
}

#[test]
fn work_queue_multi_thread() {
    rt_multi(2).block_on(producer_consumers(2_000, 4));
}

#[test]
fn notify_from_a_plain_thread() {
    rt_multi(2).block_on(async {
        let cond = Arc::new(Condition::new(false));
        let c = cond.clone();
        let t = std::thread::spawn(move || {
            *c.mutex().blocking_lock() = true;
            c.notify_all();
        });
        let g = cond.lock().await;
        let g = cond.wait_for(g, |set| *set).await;
        assert!(*g);
        drop(g);
        t.join().unwrap();
    });
}

#[test]
fn data_access_and_types() {
    let mut cond = Condition::new(1);
    *cond.get_mut() += 1;
    assert!(format!("{cond:?}").contains("waiters: 0"));
    assert_eq!(cond.into_inner(), 2);
    assert_eq!(Condition::<u8>::default().into_inner(), 0);
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Condition<u8>>();
    fn send<T: Send>(_: &T) {}
    let cond = Condition::new(0);
    send(&cond.lock());
    send(&cond.wait(cond.mutex().try_lock().unwrap()));
    send(&cond.wait_for(cond.mutex().try_lock().unwrap(), |_| true));
}
