//! Shutdown: every task's future is dropped exactly once, on the thread that shuts the
//! runtime down; handles resolve to cancellation; late wakes and late spawns are
//! harmless; nothing leaks.

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use support::{DropCounter, WakerStash};

#[test]
fn ten_thousand_pending_tasks_dropped_once_on_the_dropping_thread() {
    const N: usize = 10_000;
    let rt = support::rt();
    let drops = DropCounter::new();
    let polled = Arc::new(AtomicUsize::new(0));
    let handles = rt.block_on(async {
        let handles: Vec<_> = (0..N)
            .map(|_| {
                let p = polled.clone();
                runtime::spawn(drops.wrap(async move {
                    p.fetch_add(1, SeqCst);
                    std::future::pending::<()>().await
                }))
            })
            .collect();
        // Let most of them run once; the rest stay queued, never polled.
        support::yield_until(
            || polled.load(SeqCst) >= N / 2,
            1_000,
            "half the tasks to run",
        )
        .await;
        handles
    });
    assert_eq!(rt.handle().metrics().num_alive_tasks(), N);
    assert_eq!(drops.count(), 0);
    let dropper = thread::spawn(move || {
        drop(rt);
        thread::current().id()
    })
    .join()
    .unwrap();
    assert_eq!(drops.count(), N, "every future dropped exactly once");
    assert_eq!(
        drops.threads(),
        [dropper].into(),
        "futures dropped off the shutting-down thread"
    );
    for h in handles {
        assert!(h.is_finished());
        assert!(support::block_on_std(h).unwrap_err().is_cancelled());
    }
    assert_eq!(drops.count(), N);
}

#[test]
fn tasks_in_every_state_are_dropped_once_at_shutdown() {
    let rt = support::rt();
    let drops = DropCounter::new();
    let stash = WakerStash::new();
    // Queued, never polled.
    let queued = rt.spawn(drops.pending::<()>());
    // Idle after one poll.
    let idle = rt.spawn(drops.wrap(stash.pending()));
    rt.block_on(support::yield_until(
        || stash.is_set(),
        10,
        "the task to park",
    ));
    // Woken from outside, queued again but not run.
    stash.get().unwrap().wake();
    // Detached and idle.
    drop(rt.spawn(drops.pending::<()>()));
    // Finished, output not read.
    let finished = rt.spawn(drops.wrap(async { 1 }));
    // Aborted, not yet run.
    let aborted = rt.spawn(drops.pending::<()>());
    rt.block_on(support::yield_until(
        || finished.is_finished(),
        10,
        "the task to finish",
    ));
    aborted.abort();
    drop(rt);
    assert_eq!(drops.count(), 5);
    assert!(support::block_on_std(queued).unwrap_err().is_cancelled());
    assert!(support::block_on_std(idle).unwrap_err().is_cancelled());
    assert_eq!(support::block_on_std(finished).unwrap(), 1);
    assert!(support::block_on_std(aborted).unwrap_err().is_cancelled());
    assert_eq!(drops.count(), 5);
}

#[test]
fn run_cancels_leftover_tasks_before_returning() {
    let drops = DropCounter::new();
    let d = drops.clone();
    let handle = runtime::run(async move {
        for _ in 0..10 {
            drop(runtime::spawn(d.pending::<()>()));
        }
        let h = runtime::spawn(d.pending::<()>());
        runtime::yield_now().await;
        // Wrapped, so the async block does not return an awaitable.
        Some(h)
    })
    .expect("the handle");
    assert_eq!(drops.count(), 11);
    assert!(handle.is_finished());
    assert!(support::block_on_std(handle).unwrap_err().is_cancelled());
}

#[test]
fn shutdown_timeout_and_shutdown_background_cancel_everything() {
    for background in [false, true] {
        let rt = support::rt();
        let drops = DropCounter::new();
        let handles: Vec<_> = (0..100).map(|_| rt.spawn(drops.pending::<()>())).collect();
        rt.block_on(runtime::yield_now());
        if background {
            rt.shutdown_background();
        } else {
            rt.shutdown_timeout(Duration::from_secs(5));
        }
        assert_eq!(drops.count(), 100);
        for h in handles {
            assert!(support::block_on_std(h).unwrap_err().is_cancelled());
        }
    }
}

#[test]
fn wake_after_shutdown_is_harmless() {
    let rt = support::rt();
    let drops = DropCounter::new();
    let stash = WakerStash::new();
    let h = rt.spawn(drops.wrap(stash.pending()));
    rt.block_on(support::yield_until(
        || stash.is_set(),
        10,
        "the task to park",
    ));
    let waker = stash.take().unwrap();
    drop(rt);
    assert_eq!(drops.count(), 1);
    // From a foreign thread: by reference, by value, and clones.
    thread::spawn(move || {
        waker.wake_by_ref();
        let clone = waker.clone();
        clone.wake();
        waker.wake_by_ref();
        waker.wake();
    })
    .join()
    .unwrap();
    assert_eq!(drops.count(), 1);
    assert!(support::block_on_std(h).unwrap_err().is_cancelled());
}

#[test]
fn wakes_racing_with_shutdown_are_harmless() {
    for _ in 0..20 {
        let rt = support::rt();
        let drops = DropCounter::new();
        let stashes: Vec<WakerStash> = (0..16).map(|_| WakerStash::new()).collect();
        for s in &stashes {
            drop(rt.spawn(drops.wrap(s.pending())));
        }
        rt.block_on(support::yield_until(
            || stashes.iter().all(|s| s.is_set()),
            10,
            "every task to park",
        ));
        let wakers: Vec<_> = stashes.iter().map(|s| s.take().unwrap()).collect();
        let stop = Arc::new(AtomicBool::new(false));
        let go = Arc::new(std::sync::Barrier::new(2));
        let waking = {
            let (stop, go) = (stop.clone(), go.clone());
            thread::spawn(move || {
                go.wait();
                let mut rounds = 0;
                while !stop.load(SeqCst) || rounds < 10 {
                    for w in &wakers {
                        w.wake_by_ref();
                    }
                    rounds += 1;
                }
            })
        };
        go.wait();
        drop(rt);
        stop.store(true, SeqCst);
        waking.join().unwrap();
        assert_eq!(drops.count(), 16);
    }
}

#[test]
fn spawn_after_the_runtime_is_dropped_is_cancelled_at_once() {
    let rt = support::rt();
    let handle = rt.handle().clone();
    drop(rt);
    let drops = DropCounter::new();
    let polled = Arc::new(AtomicBool::new(false));
    let p = polled.clone();
    let h = handle.spawn(drops.wrap(async move {
        p.store(true, SeqCst);
        5
    }));
    assert!(h.is_finished(), "the handle does not resolve at once");
    assert_eq!(drops.count(), 1, "the future was not dropped");
    assert!(support::block_on_std(h).unwrap_err().is_cancelled());
    assert!(!polled.load(SeqCst));
    // From a foreign thread, and through `enter` + `runtime::spawn`, too.
    let d = drops.clone();
    let h2 = handle.clone();
    let from_thread = thread::spawn(move || {
        let h = h2.spawn(d.pending::<()>());
        let _guard = h2.enter();
        let g = runtime::spawn(d.pending::<()>());
        (support::block_on_std(h), support::block_on_std(g))
    })
    .join()
    .unwrap();
    assert!(from_thread.0.unwrap_err().is_cancelled());
    assert!(from_thread.1.unwrap_err().is_cancelled());
    assert_eq!(drops.count(), 3);
}

#[test]
fn spawn_from_a_drop_during_shutdown_is_cancelled() {
    /// Spawns a task when dropped (shutdown keeps the runtime current while it drops).
    struct SpawnOnDrop(DropCounter, Arc<AtomicBool>);
    impl Drop for SpawnOnDrop {
        fn drop(&mut self) {
            let h = runtime::spawn(self.0.pending::<()>());
            self.1.store(h.is_finished(), SeqCst);
        }
    }
    let rt = support::rt();
    let drops = DropCounter::new();
    let resolved = Arc::new(AtomicBool::new(false));
    let guard = SpawnOnDrop(drops.clone(), resolved.clone());
    drop(rt.spawn(async move {
        let _guard = guard;
        std::future::pending::<()>().await
    }));
    rt.block_on(runtime::yield_now());
    drop(rt);
    assert_eq!(
        drops.count(),
        1,
        "the task spawned during shutdown was not dropped"
    );
    assert!(
        resolved.load(SeqCst),
        "the late spawn's handle did not resolve at once"
    );
}

#[test]
fn drop_during_shutdown_may_wake_other_tasks() {
    /// Wakes another task when dropped.
    struct WakeOnDrop(WakerStash);
    impl Drop for WakeOnDrop {
        fn drop(&mut self) {
            if let Some(w) = self.0.take() {
                w.wake();
            }
        }
    }
    let rt = support::rt();
    let drops = DropCounter::new();
    let stashes: Vec<WakerStash> = (0..10).map(|_| WakerStash::new()).collect();
    for i in 0..10 {
        let waker_of_next = WakeOnDrop(stashes[(i + 1) % 10].clone());
        let fut = drops.wrap(stashes[i].pending());
        drop(rt.spawn(async move {
            let _w = waker_of_next;
            fut.await
        }));
    }
    rt.block_on(support::yield_until(
        || stashes.iter().all(|s| s.is_set()),
        10,
        "every task to park",
    ));
    drop(rt);
    assert_eq!(drops.count(), 10);
}

#[test]
fn the_runtime_is_freed_when_the_last_reference_goes() {
    // A hook closure owns a drop token: the runtime's shared state (and with it the hook)
    // must be freed once the runtime, its handles, its tasks and their wakers are gone.
    let freed = DropCounter::new();
    let token = freed.token();
    let rt = runtime::Builder::new_current_thread()
        .on_thread_stop(move || {
            let _ = &token;
        })
        .build()
        .unwrap();
    let handle = rt.handle().clone();
    let stash = WakerStash::new();
    let drops = DropCounter::new();
    let joins: Vec<_> = (0..10).map(|_| rt.spawn(drops.pending::<()>())).collect();
    drop(rt.spawn(drops.wrap(stash.pending())));
    let finished = rt.spawn(async { String::from("kept in the handle") });
    rt.block_on(support::yield_until(
        || stash.is_set() && finished.is_finished(),
        10,
        "the tasks to run",
    ));
    // A task that holds its own JoinHandle's abort handle and waker: a cycle shutdown
    // must break.
    let (tx, rx) = support::oneshot::<runtime::AbortHandle>();
    let selfish = rt.spawn(drops.wrap(async move {
        let _me = rx.await;
        std::future::pending::<()>().await
    }));
    tx.send(selfish.abort_handle());
    rt.block_on(runtime::yield_now());
    drop(rt);
    assert_eq!(drops.count(), 12);
    assert_eq!(freed.count(), 0, "freed while a handle is alive");
    drop(handle);
    drop(joins);
    drop(selfish);
    let waker = stash.take().unwrap();
    waker.wake();
    assert_eq!(freed.count(), 0, "freed while a JoinHandle holds an output");
    assert_eq!(
        support::block_on_std(finished).unwrap(),
        "kept in the handle"
    );
    assert_eq!(freed.count(), 1, "the runtime leaked");
}

#[test]
fn dropping_a_runtime_that_never_ran_drops_its_tasks() {
    let rt = support::rt();
    let drops = DropCounter::new();
    let handles: Vec<_> = (0..50).map(|_| rt.spawn(drops.pending::<()>())).collect();
    drop(rt);
    assert_eq!(drops.count(), 50);
    assert_eq!(drops.threads(), [thread::current().id()].into());
    for h in handles {
        assert!(support::block_on_std(h).unwrap_err().is_cancelled());
    }
}

#[test]
fn tasks_spawned_from_foreign_threads_are_dropped_at_shutdown() {
    let rt = support::rt();
    let drops = DropCounter::new();
    thread::scope(|s| {
        for _ in 0..8 {
            let (handle, d) = (rt.handle().clone(), drops.clone());
            s.spawn(move || {
                for _ in 0..100 {
                    drop(handle.spawn(d.pending::<()>()));
                }
            });
        }
    });
    assert_eq!(rt.handle().metrics().num_alive_tasks(), 800);
    rt.block_on(runtime::yield_now());
    drop(rt);
    assert_eq!(drops.count(), 800);
    assert_eq!(drops.threads(), [thread::current().id()].into());
}
