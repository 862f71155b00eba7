//! asyncio's queues: `runtime::sync::{Queue, PriorityQueue, LifoQueue}`. The asyncio docs'
//! worker example, the three orders, back-pressure, FIFO service of waiting getters and
//! putters, the `*_nowait` errors, `task_done`/`join`, Python 3.13's `shutdown`,
//! cancel-safety (a waiter dropped between its wake and its poll passes its item or room
//! on), the cooperative budget, and many producers and consumers on the multi-thread
//! runtime.

mod support;

use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Poll, Waker};
use std::time::Duration;

use runtime::sync::queue::{GetError, PutError, QueueEmpty, QueueFull, QueueShutDown};
use runtime::sync::{LifoQueue, PriorityQueue, Queue};
use runtime::time::Instant;
use support::{assert_send, assert_sync, catch_panic, counting_waker, poll_with, rt_multi};

/// Polls `fut` once, without a runtime's waker (the queue does not need one to answer).
fn poll_noop<F: Future + Unpin>(fut: &mut F) -> Poll<F::Output> {
    poll_with(fut, Waker::noop())
}

/// Lets every other task of the current-thread runtime run until it waits again.
async fn settle() {
    for _ in 0..8 {
        runtime::yield_now().await;
    }
}

/// The asyncio docs' example: three workers take sleep durations from a queue, sleep,
/// and call `task_done`; `main` awaits `join`, then cancels the workers. On paused time
/// the join happens exactly when the greedy schedule of the durations over three
/// workers ends.
#[runtime::test(start_paused = true)]
async fn asyncio_docs_worker_example() {
    async fn worker(queue: Arc<Queue<Duration>>, slept: Arc<std::sync::Mutex<Duration>>) {
        loop {
            let sleep_for = queue.get().await.unwrap();
            runtime::sleep(sleep_for).await;
            queue.task_done();
            *support::lock(&slept) += sleep_for;
        }
    }

    // random.uniform(0.05, 1.0), from a fixed-seed generator so the schedule is known.
    let mut seed = 0x2545_f491_u64;
    let durations: Vec<Duration> = (0..20)
        .map(|_| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            Duration::from_millis(50 + (seed >> 33) % 951)
        })
        .collect();
    let total: Duration = durations.iter().sum();

    let queue = Arc::new(Queue::new(0));
    for &d in &durations {
        queue.put_nowait(d).unwrap();
    }
    let slept = Arc::new(std::sync::Mutex::new(Duration::ZERO));
    let tasks: Vec<_> = (0..3)
        .map(|_| runtime::spawn(worker(queue.clone(), slept.clone())))
        .collect();

    let started_at = Instant::now();
    queue.join().await;
    let elapsed = started_at.elapsed();

    for t in &tasks {
        t.abort();
    }
    for t in tasks {
        assert!(t.await.unwrap_err().is_cancelled());
    }

    // Each item goes to the worker that is free first.
    let mut free_at: BinaryHeap<std::cmp::Reverse<Duration>> =
        (0..3).map(|_| std::cmp::Reverse(Duration::ZERO)).collect();
    for &d in &durations {
        let std::cmp::Reverse(t) = free_at.pop().unwrap();
        free_at.push(std::cmp::Reverse(t + d));
    }
    let makespan = free_at.into_iter().map(|r| r.0).max().unwrap();
    assert_eq!(elapsed, makespan);
    assert!(
        elapsed >= total / 3 && elapsed < total,
        "{elapsed:?} of {total:?}"
    );
    assert_eq!(
        *support::lock(&slept),
        total,
        "every item was processed once"
    );
    assert!(queue.empty());
}

#[test]
fn fifo_priority_and_lifo_orders() {
    let items = [5, 1, 4, 1, 3];
    let q = Queue::new(0);
    let p = PriorityQueue::new(0);
    let l = LifoQueue::new(0);
    for i in items {
        q.put_nowait(i).unwrap();
        p.put_nowait(i).unwrap();
        l.put_nowait(i).unwrap();
    }
    let drain = |f: &dyn Fn() -> Result<i32, GetError>| std::iter::from_fn(|| f().ok()).collect();
    let fifo: Vec<i32> = drain(&|| q.get_nowait());
    let prio: Vec<i32> = drain(&|| p.get_nowait());
    let lifo: Vec<i32> = drain(&|| l.get_nowait());
    assert_eq!(fifo, [5, 1, 4, 1, 3]);
    assert_eq!(prio, [1, 1, 3, 4, 5]);
    assert_eq!(lifo, [3, 1, 4, 1, 5]);
}

/// A woken getter of a `PriorityQueue` takes the smallest item when it runs, not the
/// item whose `put` woke it.
#[test]
fn a_woken_priority_getter_takes_the_smallest_item_when_it_runs() {
    let q = PriorityQueue::new(0);
    let mut get = Box::pin(q.get());
    assert!(poll_noop(&mut get).is_pending());
    q.put_nowait(5).unwrap(); // promised to `get`
    q.put_nowait(1).unwrap();
    assert_eq!(poll_noop(&mut get), Poll::Ready(Ok(1)));
    assert_eq!(q.get_nowait(), Ok(5));
}

#[runtime::test]
async fn maxsize_is_back_pressure() {
    let q = Arc::new(Queue::new(2));
    assert_eq!(q.maxsize(), 2);
    let producer = {
        let q = q.clone();
        runtime::spawn(async move {
            for i in 0..10 {
                q.put(i).await.unwrap();
                assert!(q.qsize() <= 2);
            }
        })
    };
    settle().await;
    assert_eq!(q.qsize(), 2, "the producer waits on a full queue");
    assert!(q.full());
    for i in 0..10 {
        assert_eq!(q.get().await, Ok(i));
        assert!(q.qsize() <= 2);
        settle().await;
    }
    producer.await.unwrap();
    assert!(q.empty() && !q.full());
}

#[runtime::test]
async fn waiting_getters_are_served_in_order() {
    let q = Arc::new(Queue::new(0));
    let getters: Vec<_> = (0..4)
        .map(|_| {
            let q = q.clone();
            runtime::spawn(async move { q.get().await.unwrap() })
        })
        .collect();
    settle().await; // all four wait, in spawn order
    for i in 0..4 {
        q.put(i).await.unwrap();
    }
    for (i, g) in getters.into_iter().enumerate() {
        assert_eq!(g.await.unwrap(), i);
    }
}

#[runtime::test]
async fn waiting_putters_are_served_in_order() {
    let q = Arc::new(Queue::new(1));
    q.put(0).await.unwrap();
    let putters: Vec<_> = (1..=4)
        .map(|i| {
            let q = q.clone();
            runtime::spawn(async move { q.put(i).await.unwrap() })
        })
        .collect();
    settle().await;
    let mut got = Vec::new();
    for _ in 0..5 {
        got.push(q.get().await.unwrap());
    }
    assert_eq!(got, [0, 1, 2, 3, 4]);
    for p in putters {
        p.await.unwrap();
    }
}

#[test]
fn nowait_errors_and_messages() {
    let q = Queue::new(1);
    assert_eq!(q.get_nowait(), Err(GetError::Empty(QueueEmpty)));
    q.put_nowait(String::from("kept")).unwrap();
    let err = q.put_nowait(String::from("back")).unwrap_err();
    assert!(err.is_full());
    assert!(err.to_string().starts_with("the queue is full"), "{err}");
    assert_eq!(err.into_inner(), "back");
    assert_eq!(format!("{:?}", QueueFull(())), "QueueFull(..)");
    assert!(QueueEmpty.to_string().contains("await `get`"));
    q.shutdown(false);
    let err = q.put_nowait(String::from("late")).unwrap_err();
    assert!(err.is_shut_down());
    assert!(err.to_string().contains("shut down"), "{err}");
    assert_eq!(q.get_nowait().unwrap(), "kept");
    let err = q.get_nowait().unwrap_err();
    assert_eq!(err, GetError::ShutDown(QueueShutDown(())));
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(err);
    assert!(boxed.to_string().contains("shut down"));
}

#[test]
fn task_done_more_times_than_items_put_panics() {
    let q = Queue::new(0);
    q.put_nowait(1).unwrap();
    q.get_nowait().unwrap();
    q.task_done();
    let p = catch_panic(|| q.task_done()).unwrap_err();
    assert!(
        p.message
            .contains("`task_done` called more times than items were put"),
        "{}",
        p.message
    );
    assert!(
        p.file.ends_with("sync_queue.rs"),
        "#[track_caller]: {}",
        p.file
    );
}

#[test]
fn join_returns_at_once_when_nothing_is_unfinished() {
    let q = Queue::<u8>::new(0);
    assert_eq!(poll_noop(&mut Box::pin(q.join())), Poll::Ready(()));
    q.put_nowait(1).unwrap();
    let mut join = Box::pin(q.join());
    assert!(poll_noop(&mut join).is_pending());
    q.get_nowait().unwrap();
    assert!(poll_noop(&mut join).is_pending(), "taken is not done");
    q.task_done();
    assert_eq!(poll_noop(&mut join), Poll::Ready(()));
}

#[runtime::test]
async fn join_wakes_when_the_last_item_is_done() {
    let q = Arc::new(Queue::new(0));
    for i in 0..3 {
        q.put(i).await.unwrap();
    }
    let joiners: Vec<_> = (0..2)
        .map(|_| {
            let q = q.clone();
            runtime::spawn(async move { q.join().await })
        })
        .collect();
    for _ in 0..3 {
        q.get().await.unwrap();
        settle().await;
        assert!(joiners.iter().all(|j| !j.is_finished()));
        q.task_done();
    }
    for j in joiners {
        j.await.unwrap();
    }
}

/// Not immediate: blocked putters fail with their item, the items left drain, then `get`
/// fails; blocked getters (on an empty queue) fail; `join` still waits for the items.
#[runtime::test]
async fn shutdown_lets_the_items_left_drain() {
    let q = Arc::new(Queue::new(2));
    q.put(1).await.unwrap();
    q.put(2).await.unwrap();
    let putter = {
        let q = q.clone();
        runtime::spawn(async move { q.put(3).await })
    };
    let joiner = {
        let q = q.clone();
        runtime::spawn(async move { q.join().await })
    };
    settle().await;
    q.shutdown(false);
    assert_eq!(putter.await.unwrap(), Err(QueueShutDown(3)));
    assert_eq!(q.put(4).await, Err(QueueShutDown(4)));
    assert_eq!(q.get().await, Ok(1));
    assert_eq!(q.get().await, Ok(2));
    assert_eq!(q.get().await, Err(QueueShutDown(())));
    settle().await;
    assert!(!joiner.is_finished(), "two items are still unfinished");
    q.task_done();
    q.task_done();
    joiner.await.unwrap();

    let empty = Arc::new(Queue::<u8>::new(0));
    let getter = {
        let q = empty.clone();
        runtime::spawn(async move { q.get().await })
    };
    settle().await;
    empty.shutdown(false);
    assert_eq!(getter.await.unwrap(), Err(QueueShutDown(())));
}

/// Immediate: the items left are dropped and counted done (so `join` returns), and
/// blocked getters, putters and later gets fail.
#[runtime::test]
async fn immediate_shutdown_drops_the_items_and_releases_join() {
    let q = Arc::new(Queue::new(2));
    let tracked = Arc::new(());
    q.put(tracked.clone()).await.unwrap();
    q.put(tracked.clone()).await.unwrap();
    let putter = {
        let q = q.clone();
        let item = tracked.clone();
        runtime::spawn(async move { q.put(item).await.map_err(|e| e.into_inner()) })
    };
    let joiner = {
        let q = q.clone();
        runtime::spawn(async move { q.join().await })
    };
    settle().await;
    assert_eq!(Arc::strong_count(&tracked), 4);
    q.shutdown(true);
    assert!(putter.await.unwrap().is_err());
    joiner.await.unwrap();
    assert_eq!(Arc::strong_count(&tracked), 1, "queued items were dropped");
    assert!(q.empty());
    assert!(q.get().await.is_err());

    // A getter blocked on an empty queue, and a promised item taken away.
    let q = Arc::new(Queue::new(0));
    let mut promised = Box::pin(q.get());
    assert!(poll_noop(&mut promised).is_pending());
    let blocked = {
        let q = q.clone();
        runtime::spawn(async move { q.get().await })
    };
    settle().await;
    q.put(1).await.unwrap(); // promised to `promised`
    q.shutdown(true);
    assert_eq!(blocked.await.unwrap(), Err(QueueShutDown(())));
    assert_eq!(
        poll_noop(&mut promised),
        Poll::Ready(Err(QueueShutDown(())))
    );
    q.join().await;
}

/// A getter woken for an item and dropped before it polls passes the item on: to the
/// next waiting getter, or back to anyone when nobody waits.
#[test]
fn a_dropped_woken_getter_passes_its_item_on() {
    let q = Queue::new(0);
    let (w1, c1) = counting_waker();
    let (w2, c2) = counting_waker();
    let mut g1 = Box::pin(q.get());
    let mut g2 = Box::pin(q.get());
    assert!(poll_with(&mut g1, &w1).is_pending());
    assert!(poll_with(&mut g2, &w2).is_pending());
    q.put_nowait(7).unwrap();
    assert_eq!(
        (c1.count(), c2.count()),
        (1, 0),
        "the first getter is woken"
    );
    assert_eq!(
        q.get_nowait(),
        Err(GetError::Empty(QueueEmpty)),
        "not stolen"
    );
    assert_eq!(q.qsize(), 1);
    drop(g1);
    assert_eq!(c2.count(), 1, "the wakeup went on");
    assert_eq!(poll_with(&mut g2, &w2), Poll::Ready(Ok(7)));

    let mut g3 = Box::pin(q.get());
    assert!(poll_noop(&mut g3).is_pending());
    q.put_nowait(8).unwrap();
    drop(g3);
    assert_eq!(
        q.get_nowait(),
        Ok(8),
        "with nobody waiting, the item is free again"
    );
}

/// A putter woken for room and dropped before it polls passes the room on, and its
/// item never enters the queue.
#[test]
fn a_dropped_woken_putter_passes_its_room_on() {
    let q = Queue::new(1);
    q.put_nowait(0).unwrap();
    let (w1, c1) = counting_waker();
    let (w2, c2) = counting_waker();
    let mut p1 = Box::pin(q.put(1));
    let mut p2 = Box::pin(q.put(2));
    assert!(poll_with(&mut p1, &w1).is_pending());
    assert!(poll_with(&mut p2, &w2).is_pending());
    assert_eq!(q.get_nowait(), Ok(0));
    assert_eq!((c1.count(), c2.count()), (1, 0));
    assert!(q.full(), "the room is promised to the first putter");
    assert!(q.put_nowait(9).unwrap_err().is_full());
    drop(p1);
    assert_eq!(c2.count(), 1);
    assert_eq!(poll_with(&mut p2, &w2), Poll::Ready(Ok(())));
    assert_eq!(q.get_nowait(), Ok(2));
    assert_eq!(
        q.get_nowait(),
        Err(GetError::Empty(QueueEmpty)),
        "1 was never put"
    );

    // With nobody else waiting, the room is free for anyone.
    q.put_nowait(3).unwrap();
    let mut p3 = Box::pin(q.put(4));
    assert!(poll_noop(&mut p3).is_pending());
    q.get_nowait().unwrap();
    drop(p3);
    assert_eq!(q.put_nowait(5), Ok(()));
}

#[test]
fn polling_a_completed_get_or_put_again_panics_and_join_stays_ready() {
    let q = Queue::new(0);
    q.put_nowait(1).unwrap();
    q.put_nowait(2).unwrap();
    let mut get = Box::pin(q.get());
    assert_eq!(poll_noop(&mut get), Poll::Ready(Ok(1)));
    let p = catch_panic(|| poll_noop(&mut get)).unwrap_err();
    assert!(
        p.message.contains("`get` future was polled after"),
        "{}",
        p.message
    );
    let mut put = Box::pin(q.put(3));
    assert_eq!(poll_noop(&mut put), Poll::Ready(Ok(())));
    let p = catch_panic(|| poll_noop(&mut put)).unwrap_err();
    assert!(
        p.message.contains("`put` future was polled after"),
        "{}",
        p.message
    );
    assert_eq!(q.qsize(), 2, "neither took nor put anything more");
    let q = Queue::<u8>::new(0);
    let mut join = Box::pin(q.join());
    assert_eq!(poll_noop(&mut join), Poll::Ready(()));
    q.put_nowait(1).unwrap();
    assert_eq!(poll_noop(&mut join), Poll::Ready(()));
}

/// A waiter dropped while still queued is simply removed.
#[test]
fn dropped_queued_waiters_leave_the_line() {
    let q = Queue::new(1);
    let mut g = Box::pin(q.get());
    assert!(poll_noop(&mut g).is_pending());
    drop(g);
    q.put_nowait(1).unwrap();
    let mut p = Box::pin(q.put(2));
    assert!(poll_noop(&mut p).is_pending());
    drop(p);
    assert_eq!(q.get_nowait(), Ok(1));
    assert!(q.empty() && !q.full());
}

/// Every completed wait spends budget: a task taking items that are always there still
/// lets another task run.
#[runtime::test]
async fn gets_spend_the_cooperative_budget() {
    let q = Queue::new(0);
    for i in 0..1_000 {
        q.put_nowait(i).unwrap();
    }
    let ran = Arc::new(AtomicBool::new(false));
    let flag = ran.clone();
    let _task = runtime::spawn(async move { flag.store(true, SeqCst) });
    for _ in 0..1_000 {
        q.get().await.unwrap();
    }
    assert!(
        ran.load(SeqCst),
        "the other task ran while the queue never emptied"
    );
}

/// Producers and consumers on every worker of a multi-thread runtime through a small
/// bounded queue: every item arrives exactly once, and `join` sees them all done.
#[test]
fn many_producers_and_consumers_across_threads() {
    const PRODUCERS: usize = 4;
    const PER_PRODUCER: usize = 2_000;
    let rt = rt_multi(4);
    let got = rt.block_on(async {
        let q = Arc::new(Queue::new(8));
        let consumers: Vec<_> = (0..4)
            .map(|_| {
                let q = q.clone();
                runtime::spawn(async move {
                    let mut got = Vec::new();
                    while let Ok(item) = q.get().await {
                        got.push(item);
                        q.task_done();
                    }
                    got
                })
            })
            .collect();
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                let q = q.clone();
                runtime::spawn(async move {
                    for i in 0..PER_PRODUCER {
                        q.put(p * PER_PRODUCER + i).await.unwrap();
                    }
                })
            })
            .collect();
        for p in producers {
            p.await.unwrap();
        }
        q.join().await;
        q.shutdown(false);
        let mut got = Vec::new();
        for c in consumers {
            got.extend(c.await.unwrap());
        }
        got
    });
    let mut sorted = got.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..PRODUCERS * PER_PRODUCER).collect::<Vec<_>>());
}

#[test]
fn queues_and_their_futures_are_send_and_sync() {
    assert_send::<Queue<String>>();
    assert_sync::<Queue<String>>();
    assert_sync::<Queue<std::cell::Cell<u8>>>(); // items need only be Send
    assert_send::<PriorityQueue<u8>>();
    assert_sync::<LifoQueue<u8>>();
    assert_send::<runtime::sync::queue::Get<'static, runtime::sync::queue::Fifo<String>>>();
    assert_send::<runtime::sync::queue::Put<'static, runtime::sync::queue::Fifo<String>>>();
    assert_send::<runtime::sync::queue::Join<'static, runtime::sync::queue::Lifo<String>>>();
    assert_send::<PutError<String>>();
    // A future that is awaited from a spawned task must be `Send`.
    fn is_send<F: Future + Send>(_: &F) {}
    let q = Queue::new(0);
    let f = async { q.put(1).await };
    is_send(&f);
    drop(f);
}

/// A random walk over every operation (nowait calls, waiting gets and puts polled only
/// when woken, as an executor would, dropped waiters, spurious polls) against a model:
/// items come out in the order they went in, exactly once; the queue never exceeds
/// maxsize; and when nothing is woken, no getter sleeps beside a takeable item and no
/// putter beside free room (no lost item, room or wakeup).
#[test]
fn random_walks_lose_nothing() {
    use runtime::sync::queue::{Fifo, Get, Put};
    /// Waiting futures: the future, its waker, its wakes, the wakes seen at its last poll,
    /// and the value a putter holds.
    type Waiting<F> = Vec<(Pin<Box<F>>, Waker, Arc<support::CountingWaker>, usize, u32)>;

    /// Polls every waiter that was woken since its last poll; returns whether any was.
    fn poll_woken<F: Future>(
        waiting: &mut Waiting<F>,
        mut done: impl FnMut(F::Output, u32),
    ) -> bool {
        let mut any = false;
        let mut i = 0;
        while i < waiting.len() {
            let (fut, waker, count, seen, value) = &mut waiting[i];
            if count.count() == *seen {
                i += 1;
                continue;
            }
            any = true;
            *seen = count.count();
            match poll_with(fut, waker) {
                Poll::Ready(out) => {
                    done(out, *value);
                    waiting.remove(i);
                }
                Poll::Pending => i += 1,
            }
        }
        any
    }

    for seed in 0..300u64 {
        let mut rng = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut next = move |n: u64| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng % n
        };
        let q: Queue<u32> = Queue::new(3);
        let mut gets: Waiting<Get<'_, Fifo<u32>>> = Vec::new();
        let mut puts: Waiting<Put<'_, Fifo<u32>>> = Vec::new();
        let (mut accepted, mut delivered) = (Vec::new(), Vec::new());
        let mut value = 0u32;
        let mut shut = false;
        for _ in 0..150 {
            match next(9) {
                0 => {
                    value += 1;
                    match q.put_nowait(value) {
                        Ok(()) => accepted.push(value),
                        Err(e) => assert!(e.is_shut_down() == shut, "seed {seed}"),
                    }
                }
                1 => {
                    if let Ok(v) = q.get_nowait() {
                        delivered.push(v);
                    }
                }
                2 => {
                    let (w, c) = counting_waker();
                    let mut f = Box::pin(q.get());
                    match poll_with(&mut f, &w) {
                        Poll::Ready(Ok(v)) => delivered.push(v),
                        Poll::Ready(Err(_)) => assert!(shut, "seed {seed}"),
                        Poll::Pending => gets.push((f, w, c, 0, 0)),
                    }
                }
                3 => {
                    value += 1;
                    let (w, c) = counting_waker();
                    let mut f = Box::pin(q.put(value));
                    match poll_with(&mut f, &w) {
                        Poll::Ready(Ok(())) => accepted.push(value),
                        Poll::Ready(Err(_)) => assert!(shut, "seed {seed}"),
                        Poll::Pending => puts.push((f, w, c, 0, value)),
                    }
                }
                4 if !gets.is_empty() => drop(gets.remove(next(gets.len() as u64) as usize)),
                5 if !puts.is_empty() => drop(puts.remove(next(puts.len() as u64) as usize)),
                6 if !gets.is_empty() => {
                    // A spurious poll must not lose the waiter's place or promise.
                    let i = next(gets.len() as u64) as usize;
                    let (f, w, ..) = &mut gets[i];
                    if let Poll::Ready(out) = poll_with(f, w) {
                        match out {
                            Ok(v) => delivered.push(v),
                            Err(_) => assert!(shut, "seed {seed}"),
                        }
                        drop(gets.remove(i));
                    }
                }
                7 if next(40) == 0 && !shut => {
                    shut = true;
                    q.shutdown(false);
                }
                _ => {}
            }
            assert!(q.qsize() <= 3, "seed {seed}");
            // Half the time, leave woken waiters unpolled for a while (so drops, nowait
            // calls and new waiters land between a wake and its poll).
            if next(2) == 0 {
                continue;
            }
            // Run what was woken, as an executor would, until nothing is.
            let (acc, del) = (&mut accepted, &mut delivered);
            loop {
                let g = poll_woken(&mut gets, |out, _| match out {
                    Ok(v) => del.push(v),
                    Err(_) => assert!(shut, "seed {seed}"),
                });
                let p = poll_woken(&mut puts, |out, value| match out {
                    Ok(()) => acc.push(value),
                    Err(e) => assert!(shut && e.into_inner() == value, "seed {seed}"),
                });
                if !g && !p {
                    break;
                }
            }
            if !gets.is_empty() {
                assert!(
                    q.get_nowait().is_err(),
                    "seed {seed}: a getter sleeps beside an item"
                );
            }
            if !puts.is_empty() {
                assert!(q.full(), "seed {seed}: a putter sleeps beside free room");
            }
            // Every woken putter ran, so no room is still promised: none was leaked.
            assert_eq!(q.full(), q.qsize() == 3, "seed {seed}: room lost");
        }
        drop((gets, puts));
        q.shutdown(false);
        while let Ok(v) = q.get_nowait() {
            delivered.push(v);
        }
        // Every item out once, in the order it went in.
        assert_eq!(delivered, accepted, "seed {seed}");
        for _ in 0..delivered.len() {
            q.task_done();
        }
        assert_eq!(poll_noop(&mut Box::pin(q.join())), Poll::Ready(()));
    }
}
