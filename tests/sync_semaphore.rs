//! `runtime::sync::Semaphore`: asyncio's Semaphore example, FIFO fairness (a large
//! request at the front holds back smaller ones), permits assigned partially and given
//! back by a cancelled waiter, cancel-safety between a wake and a poll, close, the bounded
//! variant, foreign threads, budget, both flavors.

mod support;

use runtime::sync::{
    AcquireError, OwnedSemaphorePermit, Semaphore, SemaphorePermit, TryAcquireError,
};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::Poll;

use support::{counting_waker, poll_with, rt_multi};

/// The asyncio docs' example: `async with sem:` lets at most N tasks in at once.
async fn at_most_n_holders(limit: usize, tasks: usize) {
    let sem = Arc::new(Semaphore::new(limit));
    let inside = Arc::new(AtomicUsize::new(0));
    let max = Arc::new(AtomicUsize::new(0));
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let (sem, inside, max) = (sem.clone(), inside.clone(), max.clone());
        handles.push(runtime::spawn(async move {
            let _permit = sem.acquire().await.unwrap();
            let now = inside.fetch_add(1, SeqCst) + 1;
            max.fetch_max(now, SeqCst);
            for _ in 0..3 {
                runtime::yield_now().await;
            }
            inside.fetch_sub(1, SeqCst);
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    assert!(max.load(SeqCst) <= limit, "{} > {limit}", max.load(SeqCst));
    assert_eq!(max.load(SeqCst), limit, "the limit was reached");
    assert_eq!(sem.available_permits(), limit);
}

#[runtime::test]
async fn asyncio_example_current_thread() {
    at_most_n_holders(3, 20).await;
}

#[test]
fn asyncio_example_multi_thread() {
    rt_multi(2).block_on(at_most_n_holders(2, 50));
}

#[test]
fn waiters_are_served_in_fifo_order() {
    let sem = Semaphore::new(0);
    let (w, _) = counting_waker();
    type Acq<'a> = Pin<Box<dyn Future<Output = Result<SemaphorePermit<'a>, AcquireError>> + 'a>>;
    let mut futs: Vec<Acq<'_>> = (0..4).map(|_| Box::pin(sem.acquire()) as Acq<'_>).collect();
    for f in &mut futs {
        assert!(poll_with(f, &w).is_pending());
    }
    let mut held = Vec::new();
    for i in 0..4 {
        sem.add_permits(1);
        for (j, f) in futs.iter_mut().enumerate().skip(i) {
            match poll_with(f, &w) {
                Poll::Ready(p) => {
                    assert_eq!(j, i, "waiter {j} got the permit before waiter {i}");
                    held.push(p.unwrap());
                }
                Poll::Pending => assert!(j > i, "waiter {i} still waits"),
            }
        }
    }
    assert_eq!(held.len(), 4);
}

#[test]
fn a_large_request_at_the_front_holds_back_small_ones_and_gets_permits_as_they_come() {
    let sem = Semaphore::new(1);
    let (w, _) = counting_waker();
    let mut big = Box::pin(sem.acquire_many(3));
    let mut small = Box::pin(sem.acquire());
    assert!(poll_with(&mut big, &w).is_pending());
    assert!(poll_with(&mut small, &w).is_pending());
    assert_eq!(
        sem.available_permits(),
        0,
        "the free permit was set aside for `big`"
    );
    assert_eq!(sem.try_acquire().err(), Some(TryAcquireError::NoPermits));
    sem.add_permits(1);
    assert!(poll_with(&mut big, &w).is_pending());
    assert!(
        poll_with(&mut small, &w).is_pending(),
        "no barging past `big`"
    );
    sem.add_permits(2);
    let permit = match poll_with(&mut big, &w) {
        Poll::Ready(p) => p.unwrap(),
        Poll::Pending => panic!("big has its 3 permits"),
    };
    assert_eq!(permit.num_permits(), 3);
    let small_permit = match poll_with(&mut small, &w) {
        Poll::Ready(p) => p.unwrap(),
        Poll::Pending => panic!("the spare permit went to small"),
    };
    drop((permit, small_permit));
    assert_eq!(sem.available_permits(), 4);
}

#[test]
fn a_dropped_waiter_gives_its_partial_permits_to_the_next() {
    let sem = Semaphore::new(2);
    let (w, woken) = counting_waker();
    let mut big = Box::pin(sem.acquire_many(5));
    let mut small = Box::pin(sem.acquire_many(2));
    assert!(poll_with(&mut big, &w).is_pending());
    assert!(poll_with(&mut small, &w).is_pending());
    drop(big);
    assert_eq!(woken.count(), 1, "small was woken by big's drop");
    match poll_with(&mut small, &w) {
        Poll::Ready(p) => drop(p.unwrap()),
        Poll::Pending => panic!("small got big's 2 permits"),
    }
    assert_eq!(sem.available_permits(), 2);
}

#[test]
fn cancel_between_wake_and_poll_passes_the_permit_on() {
    let sem = Semaphore::new(0);
    let (w1, first_woken) = counting_waker();
    let (w2, second_woken) = counting_waker();
    let mut first = Box::pin(sem.acquire());
    let mut second = Box::pin(sem.acquire());
    assert!(poll_with(&mut first, &w1).is_pending());
    assert!(poll_with(&mut second, &w2).is_pending());
    sem.add_permits(1);
    assert_eq!(first_woken.count(), 1);
    assert_eq!(second_woken.count(), 0);
    drop(first); // woken, never polled
    assert_eq!(second_woken.count(), 1);
    assert!(matches!(poll_with(&mut second, &w2), Poll::Ready(Ok(_))));
    drop(second);
    assert_eq!(sem.available_permits(), 1);
}

#[test]
fn close_fails_waiters_and_later_acquires_and_returns_partial_permits() {
    let sem = Semaphore::new(1);
    let held = sem.try_acquire().unwrap();
    sem.add_permits(1);
    let (w, woken) = counting_waker();
    let mut big = Box::pin(sem.acquire_many(3));
    assert!(poll_with(&mut big, &w).is_pending());
    assert_eq!(sem.available_permits(), 0);
    sem.close();
    assert!(sem.is_closed());
    assert_eq!(woken.count(), 1);
    assert!(matches!(
        poll_with(&mut big, &w),
        Poll::Ready(Err(AcquireError { .. }))
    ));
    assert_eq!(sem.available_permits(), 1, "big's partial permit came back");
    assert_eq!(sem.try_acquire().err(), Some(TryAcquireError::Closed));
    let mut later = Box::pin(sem.acquire());
    assert!(matches!(poll_with(&mut later, &w), Poll::Ready(Err(_))));
    assert_eq!(held.num_permits(), 1, "held permits stay valid");
    drop(held);
    assert_eq!(sem.available_permits(), 2);
    assert!(
        AcquireError::to_string(&match poll_with(&mut Box::pin(sem.acquire()), &w) {
            Poll::Ready(Err(e)) => e,
            _ => panic!("closed"),
        })
        .contains("closed")
    );
}

#[runtime::test]
async fn close_wakes_a_waiting_task() {
    let sem = Arc::new(Semaphore::new(0));
    let s = sem.clone();
    let h = runtime::spawn(async move { s.acquire().await.map(drop) });
    runtime::yield_now().await;
    sem.close();
    assert!(h.await.unwrap().is_err());
}

#[test]
#[should_panic(expected = "released more than acquired")]
fn bounded_semaphore_refuses_to_release_more_than_acquired() {
    let sem = Semaphore::bounded(2);
    let p = sem.try_acquire().unwrap();
    p.forget();
    sem.add_permits(1);
    sem.add_permits(1);
}

#[test]
fn bounded_semaphore_counts_permits_set_aside_for_waiters() {
    let sem = Semaphore::bounded(3);
    sem.try_acquire_many(2).unwrap().forget();
    let (w, _) = counting_waker();
    let mut big = Box::pin(sem.acquire_many(3));
    assert!(poll_with(&mut big, &w).is_pending()); // holds the 1 free permit
    sem.add_permits(1); // back to 2 of 3
    sem.add_permits(1); // 3 of 3: big is served
    assert!(std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sem.add_permits(1))).is_err());
    assert!(matches!(poll_with(&mut big, &w), Poll::Ready(Ok(_))));
}

#[test]
fn try_acquire_forget_merge_split_and_counts() {
    let sem = Semaphore::new(4);
    assert_eq!(
        sem.try_acquire_many(5).err(),
        Some(TryAcquireError::NoPermits)
    );
    let mut a = sem.try_acquire_many(2).unwrap();
    a.merge(sem.try_acquire().unwrap());
    assert_eq!(a.num_permits(), 3);
    let b = a.split(2).unwrap();
    assert!(a.split(2).is_none());
    assert_eq!((a.num_permits(), b.num_permits()), (1, 2));
    b.forget();
    assert_eq!(sem.available_permits(), 1);
    drop(a);
    assert_eq!(sem.available_permits(), 2);
    assert_eq!(sem.forget_permits(1), 1);
    assert_eq!(sem.available_permits(), 1);
    let (w, _) = counting_waker();
    assert!(matches!(
        poll_with(&mut Box::pin(sem.acquire_many(0)), &w),
        Poll::Ready(Ok(_))
    ));
    assert!(TryAcquireError::NoPermits.to_string().contains("acquire"));
}

#[test]
#[should_panic(expected = "MAX_PERMITS")]
fn more_than_max_permits_panics() {
    let sem = Semaphore::new(Semaphore::MAX_PERMITS);
    sem.add_permits(1);
}

#[test]
#[should_panic(expected = "MAX_PERMITS")]
fn const_new_refuses_more_than_max_permits() {
    let _ = Semaphore::const_new(Semaphore::MAX_PERMITS + 1);
}

#[test]
#[should_panic(expected = "merging permits of different semaphores")]
fn merging_permits_of_two_semaphores_panics() {
    let (a, b) = (Semaphore::new(1), Semaphore::new(1));
    let mut p = a.try_acquire().unwrap();
    p.merge(b.try_acquire().unwrap());
}

#[test]
fn owned_permits_move_into_tasks_on_both_flavors() {
    for rt in [
        runtime::Builder::new_current_thread().build().unwrap(),
        rt_multi(2),
    ] {
        rt.block_on(async {
            let sem = Arc::new(Semaphore::new(2));
            let p = sem.clone().acquire_many_owned(2).await.unwrap();
            assert!(sem.clone().try_acquire_owned().is_err());
            let waiter = runtime::spawn({
                let sem = sem.clone();
                async move { sem.acquire_owned().await.unwrap().num_permits() }
            });
            runtime::spawn(async move { drop(p) }).await.unwrap();
            assert_eq!(waiter.await.unwrap(), 1);
            let mut q = sem.clone().try_acquire_many_owned(2).unwrap();
            assert!(Arc::ptr_eq(q.semaphore(), &sem));
            let r = q.split(1).unwrap();
            q.merge(r);
            assert_eq!(q.num_permits(), 2);
        });
    }
}

#[test]
fn permits_added_from_a_plain_thread_wake_tasks() {
    rt_multi(2).block_on(async {
        let sem = Arc::new(Semaphore::new(0));
        let s = sem.clone();
        let t = std::thread::spawn(move || {
            for _ in 0..100 {
                s.add_permits(1);
            }
        });
        for _ in 0..100 {
            sem.acquire().await.unwrap().forget();
        }
        t.join().unwrap();
        assert_eq!(sem.available_permits(), 0);
    });
}

#[test]
fn many_tasks_contending_for_batches_keep_the_count() {
    rt_multi(2).block_on(async {
        let sem = Arc::new(Semaphore::new(3));
        let inside = Arc::new(AtomicUsize::new(0));
        let mut hs = Vec::new();
        for i in 0..4u32 {
            let (sem, inside) = (sem.clone(), inside.clone());
            hs.push(runtime::spawn(async move {
                for _ in 0..500 {
                    let n = 1 + i % 3;
                    let _p = sem.acquire_many(n).await.unwrap();
                    let now = inside.fetch_add(n as usize, SeqCst) + n as usize;
                    assert!(now <= 3, "{now} permits in use");
                    runtime::yield_now().await;
                    inside.fetch_sub(n as usize, SeqCst);
                }
            }));
        }
        for h in hs {
            h.await.unwrap();
        }
        assert_eq!(sem.available_permits(), 3);
    });
}

#[runtime::test]
async fn acquiring_a_free_semaphore_in_a_loop_spends_the_budget() {
    let sem = Arc::new(Semaphore::new(1));
    let stop = Arc::new(AtomicBool::new(false));
    let s = stop.clone();
    let _setter = runtime::spawn(async move { s.store(true, SeqCst) });
    while !stop.load(SeqCst) {
        drop(sem.acquire().await.unwrap());
    }
}

#[test]
fn types_are_send_and_sync_like_tokio() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Semaphore>();
    send_sync::<SemaphorePermit<'static>>();
    send_sync::<OwnedSemaphorePermit>();
    send_sync::<AcquireError>();
    send_sync::<TryAcquireError>();
    fn send<T: Send>(_: &T) {}
    let sem = Semaphore::new(1);
    send(&sem.acquire());
    send(&Arc::new(Semaphore::new(1)).acquire_owned());
}

/// Tasks ask for random batches and give up on a third of them after one poll (queued,
/// maybe partly served, maybe woken and never polled again): no permit leaks or doubles.
#[test]
fn cancelled_waiters_under_contention_leak_no_permits() {
    rt_multi(2).block_on(async {
        let sem = Arc::new(Semaphore::new(5));
        let inside = Arc::new(AtomicUsize::new(0));
        let mut hs = Vec::new();
        for i in 0..4u32 {
            let (sem, inside) = (sem.clone(), inside.clone());
            hs.push(runtime::spawn(async move {
                let mut seed = i + 1;
                for _ in 0..400 {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    let n = 1 + (seed >> 16) % 5;
                    if (seed >> 8) % 3 == 0 {
                        let mut acq = Box::pin(sem.acquire_many(n));
                        let first = std::future::poll_fn(|cx| Poll::Ready(acq.as_mut().poll(cx)));
                        drop(first.await);
                        runtime::yield_now().await;
                        drop(acq);
                    } else {
                        let _p = sem.acquire_many(n).await.unwrap();
                        let now = inside.fetch_add(n as usize, SeqCst) + n as usize;
                        assert!(now <= 5, "{now} permits in use");
                        runtime::yield_now().await;
                        inside.fetch_sub(n as usize, SeqCst);
                    }
                }
            }));
        }
        for h in hs {
            h.await.unwrap();
        }
        assert_eq!(sem.available_permits(), 5);
    });
}

/// asyncio's `wait_for(sem.acquire(), t)`: a timed-out waiter leaves the line, and the
/// permit added later goes to the task queued behind it (paused clock).
#[runtime::test(start_paused = true)]
async fn a_timed_out_acquire_gives_its_place_to_the_next() {
    use std::time::Duration;
    let sem = Arc::new(Semaphore::new(0));
    let first = runtime::spawn({
        let sem = sem.clone();
        async move { runtime::timeout(Duration::from_secs(1), sem.acquire_owned()).await }
    });
    runtime::yield_now().await;
    let second = runtime::spawn({
        let sem = sem.clone();
        async move { sem.acquire_owned().await.unwrap().num_permits() }
    });
    runtime::yield_now().await;
    runtime::sleep(Duration::from_secs(2)).await;
    assert!(first.await.unwrap().is_err(), "the first waiter timed out");
    sem.add_permits(1);
    assert_eq!(second.await.unwrap(), 1);
    assert_eq!(sem.available_permits(), 1);
}
