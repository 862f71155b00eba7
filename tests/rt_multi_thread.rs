//! The multi-thread scheduler: stealing, foreign spawns, blocking workers, no wakeup herd,
//! and shutdown with tasks in every queue.
mod support;

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc, Arc, Barrier};
use std::time::{Duration, Instant};

/// A tiny unbounded async channel (std only), the same on every worker.
mod chan {
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};
    use std::task::{Poll, Waker};

    struct Inner<T> {
        queue: VecDeque<T>,
        waker: Option<Waker>,
        closed: bool,
    }

    pub struct Tx<T>(Arc<Mutex<Inner<T>>>);
    pub struct Rx<T>(Arc<Mutex<Inner<T>>>);

    pub fn channel<T>() -> (Tx<T>, Rx<T>) {
        let inner = Arc::new(Mutex::new(Inner {
            queue: VecDeque::new(),
            waker: None,
            closed: false,
        }));
        (Tx(inner.clone()), Rx(inner))
    }

    impl<T> Tx<T> {
        pub fn send(&self, v: T) -> bool {
            let mut i = self.0.lock().unwrap();
            if i.closed {
                return false;
            }
            i.queue.push_back(v);
            let w = i.waker.take();
            drop(i);
            if let Some(w) = w {
                w.wake();
            }
            true
        }
    }

    impl<T> Drop for Tx<T> {
        fn drop(&mut self) {
            let mut i = self.0.lock().unwrap();
            i.closed = true;
            let w = i.waker.take();
            drop(i);
            if let Some(w) = w {
                w.wake();
            }
        }
    }

    impl<T> Drop for Rx<T> {
        fn drop(&mut self) {
            self.0.lock().unwrap().closed = true;
        }
    }

    impl<T> Rx<T> {
        pub async fn recv(&self) -> Option<T> {
            std::future::poll_fn(|cx| {
                let mut i = self.0.lock().unwrap();
                if let Some(v) = i.queue.pop_front() {
                    return Poll::Ready(Some(v));
                }
                if i.closed {
                    return Poll::Ready(None);
                }
                i.waker = Some(cx.waker().clone());
                Poll::Pending
            })
            .await
        }
    }
}

fn mt(workers: usize) -> runtime::Runtime {
    runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .build()
        .expect("building a multi-thread runtime")
}

/// Spins for about `d` of CPU time (a task that does real work without yielding).
fn spin(d: Duration) {
    let start = Instant::now();
    while start.elapsed() < d {
        std::hint::spin_loop();
    }
}

#[test]
fn work_spawned_by_one_task_is_stolen_by_the_other_worker() {
    let rt = mt(2);
    let ran_on = Arc::new(std::sync::Mutex::new(std::collections::HashSet::new()));
    let r = ran_on.clone();
    rt.block_on(async move {
        let spawner = runtime::spawn(async move {
            let mut hs = Vec::new();
            for _ in 0..64 {
                let r = r.clone();
                hs.push(runtime::spawn(async move {
                    spin(Duration::from_millis(2));
                    support::lock(&r).insert(std::thread::current().id());
                }));
            }
            for h in hs {
                h.await.unwrap();
            }
        });
        spawner.await.unwrap();
    });
    // Workers publish their counters when they park or exit: shut down to read them all.
    let handle = rt.handle().clone();
    drop(rt);
    let m = handle.metrics();
    let steals = m.worker_steal_count(0) + m.worker_steal_count(1);
    assert!(steals > 0, "no task was stolen: {m:?}");
    assert_eq!(
        support::lock(&ran_on).len(),
        2,
        "both workers must have run tasks"
    );
}

#[test]
fn spawns_from_eight_foreign_threads_at_once() {
    let rt = mt(2);
    let count = Arc::new(AtomicUsize::new(0));
    let barrier = Arc::new(Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let h = rt.handle().clone();
            let c = count.clone();
            let b = barrier.clone();
            std::thread::spawn(move || {
                b.wait();
                (0..1_000)
                    .map(|_| {
                        let c = c.clone();
                        h.spawn(async move {
                            c.fetch_add(1, SeqCst);
                        })
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let handles: Vec<_> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    rt.block_on(async {
        for h in handles {
            h.await.unwrap();
        }
    });
    assert_eq!(count.load(SeqCst), 8_000);
}

#[test]
fn deep_nested_spawns() {
    fn chain(n: usize) -> runtime::JoinHandle<usize> {
        runtime::spawn(async move {
            if n == 0 {
                0
            } else {
                chain(n - 1).await.unwrap() + 1
            }
        })
    }
    let rt = mt(2);
    assert_eq!(rt.block_on(async { chain(2_000).await.unwrap() }), 2_000);
}

#[test]
fn ping_pong_across_workers() {
    let rt = mt(2);
    rt.block_on(async {
        let (to_b, from_a) = chan::channel::<u32>();
        let (to_a, from_b) = chan::channel::<u32>();
        let b = runtime::spawn(async move {
            let mut n = 0;
            while let Some(v) = from_a.recv().await {
                n = v;
                if !to_a.send(v + 1) {
                    break;
                }
            }
            n
        });
        let mut v = 0;
        for _ in 0..10_000 {
            assert!(to_b.send(v));
            v = from_b.recv().await.expect("b answers");
        }
        drop(to_b);
        assert_eq!(v, 10_000);
        assert_eq!(b.await.unwrap(), 9_999);
    });
}

#[test]
fn a_blocked_worker_does_not_stop_the_others() {
    let rt = mt(2);
    let done = Arc::new(AtomicUsize::new(0));
    let d = done.clone();
    let start = Instant::now();
    rt.block_on(async move {
        let (started_tx, started_rx) = mpsc::channel();
        // This task blocks its worker; the 1,000 it queued first must run elsewhere.
        let blocker = runtime::spawn(async move {
            let hs: Vec<_> = (0..1_000)
                .map(|_| {
                    let d = d.clone();
                    runtime::spawn(async move {
                        d.fetch_add(1, SeqCst);
                    })
                })
                .collect();
            started_tx.send(()).unwrap();
            std::thread::sleep(Duration::from_millis(500));
            hs
        });
        started_rx.recv().unwrap();
        let waited = Instant::now();
        while done.load(SeqCst) < 1_000 {
            assert!(
                waited.elapsed() < Duration::from_millis(450),
                "the other worker did not steal the blocked worker's tasks"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        for h in blocker.await.unwrap() {
            h.await.unwrap();
        }
    });
    assert!(start.elapsed() >= Duration::from_millis(500));
}

#[test]
fn remote_spawns_on_an_idle_runtime_wake_about_one_worker_each() {
    let rt = mt(2);
    // Let both workers go to sleep.
    std::thread::sleep(Duration::from_millis(50));
    let unparks = |m: &runtime::RuntimeMetrics| m.worker_unpark_count(0) + m.worker_unpark_count(1);
    let before = unparks(&rt.handle().metrics());
    let n = 200;
    for _ in 0..n {
        let h = rt.handle().spawn(async {});
        // Wait for it outside the runtime so the workers go idle between spawns.
        while !h.is_finished() {
            std::thread::yield_now();
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    std::thread::sleep(Duration::from_millis(20));
    let after = unparks(&rt.handle().metrics());
    let per_spawn = (after - before) as f64 / n as f64;
    assert!(
        per_spawn <= 1.2,
        "{per_spawn:.2} unparks per remote spawn: more than one worker is woken per task"
    );
}

#[test]
fn shutdown_drops_tasks_in_every_queue_exactly_once() {
    for _ in 0..20 {
        let rt = mt(2);
        let drops = support::DropCounter::new();
        let created = Arc::new(AtomicUsize::new(0));
        let d = drops.clone();
        let c = created.clone();
        rt.block_on(async move {
            // Local queues, LIFO slots and the injector all hold tasks at once.
            for _ in 0..100 {
                c.fetch_add(1, SeqCst);
                drop(runtime::spawn(d.pending::<()>()));
            }
            let d2 = d.clone();
            let c2 = c.clone();
            drop(runtime::spawn(async move {
                for _ in 0..100 {
                    c2.fetch_add(1, SeqCst);
                    drop(runtime::spawn(d2.wrap(async {
                        runtime::yield_now().await;
                        std::future::pending::<()>().await
                    })));
                }
            }));
            runtime::yield_now().await;
        });
        let h = rt.handle().clone();
        for _ in 0..100 {
            created.fetch_add(1, SeqCst);
            drop(h.spawn(drops.pending::<()>()));
        }
        drop(rt);
        assert_eq!(
            drops.count(),
            created.load(SeqCst),
            "every future is dropped exactly once at shutdown"
        );
    }
}

#[test]
fn dropping_the_runtime_inside_its_own_task_does_not_hang() {
    let rt = Arc::new(mt(2));
    let (tx, rx) = mpsc::channel();
    let rt2 = rt.clone();
    let h = rt.handle().clone();
    drop(rt);
    drop(h.spawn(async move {
        // The last reference: shutdown from a worker must not join itself.
        drop(rt2);
        tx.send(()).unwrap();
    }));
    rx.recv_timeout(Duration::from_secs(10))
        .expect("dropping the runtime from its own task hung");
}

#[test]
fn block_on_inside_a_worker_panics_with_advice() {
    let rt = mt(1);
    let err = rt
        .block_on(async {
            runtime::spawn(async {
                let inner = runtime::Builder::new_current_thread().build().unwrap();
                inner.block_on(async {});
            })
            .await
        })
        .unwrap_err();
    let msg = err.into_panic();
    let msg = msg
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| msg.downcast_ref::<&str>().copied())
        .unwrap();
    assert!(
        msg.contains("cannot start a runtime from inside a runtime"),
        "{msg}"
    );
}

#[test]
fn panics_are_contained_on_workers() {
    let rt = mt(2);
    rt.block_on(async {
        let hs: Vec<_> = (0..200)
            .map(|i| {
                runtime::spawn(async move {
                    if i % 10 == 0 {
                        panic!("task {i} fails");
                    }
                    i
                })
            })
            .collect();
        let mut ok = 0;
        let mut panicked = 0;
        for h in hs {
            match h.await {
                Ok(_) => ok += 1,
                Err(e) if e.is_panic() => panicked += 1,
                Err(e) => panic!("unexpected {e}"),
            }
        }
        assert_eq!((ok, panicked), (180, 20));
    });
}

#[test]
fn thread_hooks_and_names() {
    let starts = Arc::new(AtomicUsize::new(0));
    let stops = Arc::new(AtomicUsize::new(0));
    let (s1, s2) = (starts.clone(), stops.clone());
    let rt = runtime::Builder::new_multi_thread()
        .worker_threads(3)
        .thread_name("svc-worker")
        .on_thread_start(move || {
            s1.fetch_add(1, SeqCst);
        })
        .on_thread_stop(move || {
            s2.fetch_add(1, SeqCst);
        })
        .build()
        .unwrap();
    let name = rt.block_on(async {
        runtime::spawn(async { std::thread::current().name().map(str::to_owned) })
            .await
            .unwrap()
    });
    assert_eq!(name.as_deref(), Some("svc-worker"));
    drop(rt);
    assert_eq!(starts.load(SeqCst), 3);
    assert_eq!(stops.load(SeqCst), 3);
}

#[test]
fn a_task_in_the_lifo_slot_of_a_blocked_worker_still_runs() {
    let rt = mt(2);
    rt.block_on(async {
        let (tx, rx) = chan::channel::<u32>();
        let (done_tx, done_rx) = mpsc::channel();
        // The receiver waits on the channel; it will be woken by the blocker's send and so
        // land in the blocker's LIFO slot.
        let waiting = Arc::new(AtomicUsize::new(0));
        let w = waiting.clone();
        let receiver = runtime::spawn(async move {
            w.store(1, SeqCst);
            let v = rx.recv().await;
            done_tx.send(v).unwrap();
        });
        while waiting.load(SeqCst) == 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
        // The receiver is now parked on the channel (its poll registers the waker at once).
        std::thread::sleep(Duration::from_millis(50));
        let blocker = runtime::spawn(async move {
            assert!(tx.send(5));
            // Block this worker with the woken receiver sitting in its LIFO slot.
            std::thread::sleep(Duration::from_millis(400));
        });
        let got = done_rx
            .recv_timeout(Duration::from_millis(300))
            .expect("the woken task stayed stuck behind the blocked worker");
        assert_eq!(got, Some(5));
        blocker.await.unwrap();
        receiver.await.unwrap();
    });
}

#[test]
fn shutdown_background_cancels_tasks_on_the_workers() {
    let rt = mt(2);
    let drops = support::DropCounter::new();
    let h = rt.spawn(drops.pending::<()>());
    let blocker = rt.spawn(async {
        // Keeps one worker busy past the shutdown call.
        std::thread::sleep(Duration::from_millis(100));
    });
    std::thread::sleep(Duration::from_millis(20));
    let me = std::thread::current().id();
    let start = Instant::now();
    rt.shutdown_background();
    assert!(
        start.elapsed() < Duration::from_millis(80),
        "shutdown_background waited"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while drops.count() == 0 {
        assert!(
            Instant::now() < deadline,
            "the pending task was never dropped"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(drops.count(), 1);
    assert!(
        !drops.threads().contains(&me),
        "a future was dropped on the caller's thread"
    );
    assert!(support::block_on_std(h).unwrap_err().is_cancelled());
    let _ = support::block_on_std(blocker);
}
