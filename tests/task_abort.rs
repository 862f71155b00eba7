//! `JoinHandle::abort` and `AbortHandle`: the future is dropped at its next yield point
//! (at once when idle) on a runtime thread, whether or not anyone polls the handle; the
//! handle then yields a cancelled `JoinError`, and only after the future is gone.

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::thread;

use support::{DropCounter, NotifyOnDrop, WakerStash};

#[test]
fn abort_idle_task_yields_cancelled() {
    let rt = support::rt();
    let drops = DropCounter::new();
    let d = drops.clone();
    rt.block_on(async move {
        let h = runtime::spawn(d.pending::<u32>());
        // Let it run once so it is idle (not queued) when aborted.
        runtime::yield_now().await;
        assert_eq!(d.count(), 0);
        assert!(!h.is_finished());
        h.abort();
        let err = h.await.unwrap_err();
        assert!(err.is_cancelled());
        assert!(!err.is_panic());
    });
    assert_eq!(drops.count(), 1);
}

#[test]
fn abort_before_first_poll_never_polls() {
    let rt = support::rt();
    let polled = Arc::new(AtomicBool::new(false));
    let drops = DropCounter::new();
    let (p, d) = (polled.clone(), drops.clone());
    rt.block_on(async move {
        let h = runtime::spawn(d.wrap(async move {
            p.store(true, SeqCst);
        }));
        h.abort();
        assert!(h.await.unwrap_err().is_cancelled());
        assert_eq!(d.count(), 1);
    });
    assert!(!polled.load(SeqCst), "an aborted task was polled");
}

#[test]
fn abort_drops_idle_future_without_anyone_polling_the_handle() {
    let rt = support::rt();
    let drops = DropCounter::new();
    let d = drops.clone();
    rt.block_on(async move {
        let h = runtime::spawn(d.pending::<()>());
        runtime::yield_now().await;
        h.abort();
        drop(h);
        // One pass of the scheduler is enough: an idle aborted task is dropped right away.
        runtime::yield_now().await;
        assert_eq!(d.count(), 1, "the aborted future was not dropped");
    });
    assert_eq!(drops.count(), 1);
}

#[test]
fn abort_handle_keeps_working_after_join_handle_dropped() {
    let rt = support::rt();
    let drops = DropCounter::new();
    let d = drops.clone();
    rt.block_on(async move {
        let h = runtime::spawn(d.pending::<()>());
        let a = h.abort_handle();
        let a2 = a.clone();
        assert_eq!(a.id(), h.id());
        drop(h);
        runtime::yield_now().await;
        assert!(!a.is_finished());
        a2.abort();
        support::yield_until(|| a.is_finished(), 10, "the aborted task to finish").await;
        assert_eq!(d.count(), 1);
    });
}

#[test]
fn aborting_a_finished_task_does_nothing() {
    let rt = support::rt();
    rt.block_on(async {
        let h = runtime::spawn(async { String::from("done") });
        support::yield_until(|| h.is_finished(), 10, "the task to finish").await;
        h.abort();
        h.abort_handle().abort();
        assert!(h.is_finished());
        assert_eq!(h.await.unwrap(), "done");
    });
}

#[test]
fn abort_twice_is_harmless() {
    let rt = support::rt();
    let drops = DropCounter::new();
    let d = drops.clone();
    rt.block_on(async move {
        let h = runtime::spawn(d.pending::<()>());
        let a = h.abort_handle();
        h.abort();
        a.abort();
        h.abort();
        assert!(h.await.unwrap_err().is_cancelled());
        a.abort();
        assert!(a.is_finished());
    });
    assert_eq!(drops.count(), 1);
}

#[test]
fn self_abort_takes_effect_at_the_next_yield_point() {
    let rt = support::rt();
    let reached_after_abort = Arc::new(AtomicBool::new(false));
    let resumed_after_yield = Arc::new(AtomicBool::new(false));
    let (after, resumed) = (reached_after_abort.clone(), resumed_after_yield.clone());
    let (token, dropped) = NotifyOnDrop::new();
    rt.block_on(async move {
        let (tx, rx) = support::oneshot::<runtime::AbortHandle>();
        let h = runtime::spawn(async move {
            let _token = token;
            let me = rx.await.expect("abort handle sent");
            me.abort();
            // Still running: cancellation waits for the next yield point.
            after.store(true, SeqCst);
            runtime::yield_now().await;
            resumed.store(true, SeqCst);
        });
        tx.send(h.abort_handle());
        let err = h.await.unwrap_err();
        assert!(err.is_cancelled());
    });
    assert!(reached_after_abort.load(SeqCst));
    assert!(
        !resumed_after_yield.load(SeqCst),
        "the task ran past its yield point"
    );
    assert!(dropped.load(SeqCst));
}

#[test]
fn self_abort_then_finishing_without_yielding_keeps_the_output() {
    let rt = support::rt();
    rt.block_on(async {
        let (tx, rx) = support::oneshot::<runtime::AbortHandle>();
        let h = runtime::spawn(async move {
            let me = rx.await.expect("abort handle sent");
            me.abort();
            7
        });
        tx.send(h.abort_handle());
        // The task finished in the poll that aborted it: it never reached a yield point.
        assert_eq!(h.await.unwrap(), 7);
    });
}

#[test]
fn cancellation_is_complete_when_reported() {
    let rt = support::rt();
    rt.block_on(async {
        for round in 0..3 {
            let (token, dropped) = NotifyOnDrop::new();
            let h = runtime::spawn(async move {
                let _token = token;
                std::future::pending::<()>().await
            });
            if round > 0 {
                runtime::yield_now().await;
            }
            h.abort();
            let err = h.await.unwrap_err();
            assert!(err.is_cancelled());
            assert!(
                dropped.load(SeqCst),
                "cancellation reported before the future was dropped"
            );
        }
    });
}

#[test]
fn cancellation_observed_by_another_task_is_complete() {
    let rt = support::rt();
    rt.block_on(async {
        let (token, dropped) = NotifyOnDrop::new();
        let victim = runtime::spawn(async move {
            let _token = token;
            std::future::pending::<()>().await
        });
        let abort = victim.abort_handle();
        let d = dropped.clone();
        let watcher = runtime::spawn(async move {
            let err = victim.await.unwrap_err();
            assert!(err.is_cancelled());
            d.load(SeqCst)
        });
        runtime::yield_now().await;
        abort.abort();
        assert!(
            watcher.await.unwrap(),
            "the watcher saw the error before the drop"
        );
    });
}

#[test]
fn is_finished_implies_dropped() {
    let rt = support::rt();
    rt.block_on(async {
        let (token, dropped) = NotifyOnDrop::new();
        let h = runtime::spawn(async move {
            let _token = token;
            std::future::pending::<()>().await
        });
        runtime::yield_now().await;
        h.abort();
        for _ in 0..10 {
            if h.is_finished() {
                break;
            }
            assert!(!dropped.load(SeqCst) || h.is_finished());
            runtime::yield_now().await;
        }
        assert!(h.is_finished());
        assert!(dropped.load(SeqCst));
        assert!(h.await.unwrap_err().is_cancelled());
    });
}

/// Records the id of the thread that drops it.
struct DropThread(Arc<Mutex<Option<thread::ThreadId>>>);

impl Drop for DropThread {
    fn drop(&mut self) {
        *support::lock(&self.0) = Some(thread::current().id());
    }
}

#[test]
fn abort_from_foreign_thread_drops_on_the_runtime_thread() {
    let rt = support::rt();
    let where_dropped = Arc::new(Mutex::new(None));
    let rt_thread = thread::current().id();
    let w = where_dropped.clone();
    rt.block_on(async move {
        let guard = DropThread(w.clone());
        let h = runtime::spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await
        });
        runtime::yield_now().await;
        let abort = h.abort_handle();
        let foreign = thread::spawn(move || {
            abort.abort();
            thread::current().id()
        })
        .join()
        .unwrap();
        assert!(h.await.unwrap_err().is_cancelled());
        let dropped_on = support::lock(&w).expect("future dropped");
        assert_ne!(
            dropped_on, foreign,
            "the future was dropped on the aborting thread"
        );
        assert_eq!(dropped_on, rt_thread);
    });
    assert!(support::lock(&where_dropped).is_some());
}

#[test]
fn abort_from_foreign_thread_while_runtime_is_idle() {
    // Nobody is inside `block_on` while the foreign thread aborts: the future must wait
    // for a runtime thread instead of being dropped by the aborting thread.
    let rt = support::rt();
    let drops = DropCounter::new();
    let h = rt.spawn(drops.pending::<()>());
    rt.block_on(runtime::yield_now());
    let abort = h.abort_handle();
    let foreign = thread::spawn(move || {
        abort.abort();
        thread::current().id()
    })
    .join()
    .unwrap();
    assert!(
        !drops.threads().contains(&foreign),
        "dropped on the aborting thread"
    );
    let err = rt.block_on(h).unwrap_err();
    assert!(err.is_cancelled());
    assert_eq!(drops.count(), 1);
    assert_eq!(drops.threads(), [thread::current().id()].into());
}

#[test]
fn abort_from_many_foreign_threads_at_once() {
    let rt = support::rt();
    let drops = DropCounter::new();
    rt.block_on(async {
        let handles: Vec<_> = (0..32)
            .map(|_| runtime::spawn(drops.pending::<()>()))
            .collect();
        runtime::yield_now().await;
        let aborts: Vec<_> = handles.iter().map(|h| h.abort_handle()).collect();
        let barrier = Arc::new(std::sync::Barrier::new(8));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let aborts = aborts.clone();
                let barrier = barrier.clone();
                thread::spawn(move || {
                    barrier.wait();
                    for a in &aborts {
                        a.abort();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        for h in handles {
            assert!(h.await.unwrap_err().is_cancelled());
        }
    });
    assert_eq!(drops.count(), 32);
    assert_eq!(drops.threads(), [thread::current().id()].into());
}

#[test]
fn abort_a_task_woken_from_a_foreign_thread() {
    // Abort and a foreign wake race on a task; its future is still dropped exactly once.
    let rt = support::rt();
    for _ in 0..200 {
        let drops = DropCounter::new();
        let stash = WakerStash::new();
        let h = rt.spawn(drops.wrap(stash.pending()));
        rt.block_on(support::yield_until(
            || stash.is_set(),
            10,
            "the task to park",
        ));
        let waker = stash.take().unwrap();
        let abort = h.abort_handle();
        let t = thread::spawn(move || waker.wake());
        abort.abort();
        t.join().unwrap();
        assert!(rt.block_on(h).unwrap_err().is_cancelled());
        assert_eq!(drops.count(), 1);
    }
}

#[test]
fn spawn_and_abort_100k_tasks() {
    let rt = support::rt();
    let drops = DropCounter::new();
    let polls = Arc::new(AtomicUsize::new(0));
    const BATCH: usize = 1_000;
    const ROUNDS: usize = 100;
    rt.block_on(async {
        for round in 0..ROUNDS {
            let mut handles = Vec::with_capacity(BATCH);
            for _ in 0..BATCH {
                let p = polls.clone();
                handles.push(runtime::spawn(drops.wrap(async move {
                    p.fetch_add(1, SeqCst);
                    std::future::pending::<()>().await
                })));
            }
            // Alternate: abort before the first poll, or once the tasks are idle.
            if round % 2 == 1 {
                support::yield_until(
                    || polls.load(SeqCst) == (round / 2 + 1) * BATCH,
                    1_000,
                    "the batch to be polled once",
                )
                .await;
            }
            for h in &handles {
                h.abort();
            }
            // Half the handles are awaited, half are just dropped.
            for (i, h) in handles.into_iter().enumerate() {
                if i % 2 == 0 {
                    assert!(h.await.unwrap_err().is_cancelled());
                }
            }
        }
        support::yield_until(
            || runtime::Handle::current().metrics().num_alive_tasks() == 0,
            1_000,
            "every aborted task to be gone",
        )
        .await;
    });
    assert_eq!(
        drops.count(),
        BATCH * ROUNDS,
        "every future dropped exactly once"
    );
    assert_eq!(polls.load(SeqCst), BATCH * ROUNDS / 2);
    assert_eq!(rt.handle().metrics().num_alive_tasks(), 0);
}

#[test]
fn abort_handle_is_send_sync_clone() {
    support::assert_send::<runtime::AbortHandle>();
    support::assert_sync::<runtime::AbortHandle>();
    support::assert_clone::<runtime::AbortHandle>();
}
