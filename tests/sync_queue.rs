//! asyncio's queues: `runtime::sync::{Queue, PriorityQueue, LifoQueue}`. The asyncio docs'
//! worker example, the three orders, back-pressure, FIFO service of waiting getters and
//! putters, the `*_nowait` errors, `task_done`/`join`, Python 3.13's `shutdown`, the
//! cooperative budget, and many producers and consumers on the multi-thread runtime.
//! Cancel-safety is in `sync_queue_cancel.rs`.

mod support;

use std::collections::BinaryHeap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Poll, Waker};
use std::time::Duration;

use runtime::sync::queue::{GetError, PutError, QueueEmpty, QueueFull, QueueShutDown};
use runtime::sync::{LifoQueue, PriorityQueue, Queue};
use runtime::time::Instant;
use support::{assert_send, assert_sync, catch_panic, poll_with, rt_multi};

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
