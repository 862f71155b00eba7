//! The current-thread runtime: `run`, `block_on`, spawning from inside and outside,
//! handles and `enter`, fairness (yield and the cooperative budget), wakes from foreign
//! threads, several threads in `block_on`, and metrics.

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Barrier};
use std::thread;

use runtime::{Handle, Runtime};
use support::{DropCounter, PATIENCE};

#[test]
fn run_returns_the_output() {
    assert_eq!(support::run_local(async { 40 + 2 }), 42);
    // Twice on one thread: each call builds and tears down its own runtime.
    assert_eq!(
        support::run_local(async { runtime::spawn(async { 1 }).await.unwrap() }),
        1
    );
}

#[test]
fn runtime_new_and_block_on() {
    let rt = Runtime::new().unwrap();
    assert_eq!(rt.block_on(async { "value" }), "value");
    // block_on can be called again; tasks persist between calls.
    let (tx, rx) = support::oneshot::<u32>();
    let h = rt.spawn(async move { rx.await.unwrap() + 1 });
    rt.block_on(runtime::yield_now());
    tx.send(9);
    assert_eq!(rt.block_on(h).unwrap(), 10);
}

#[test]
fn spawn_from_outside_runs_at_next_block_on() {
    let rt = support::rt();
    let ran = Arc::new(AtomicBool::new(false));
    let r = ran.clone();
    let h = rt.spawn(async move { r.store(true, SeqCst) });
    assert!(
        !ran.load(SeqCst),
        "a task ran with no thread driving the runtime"
    );
    rt.block_on(h).unwrap();
    assert!(ran.load(SeqCst));
}

#[test]
fn tasks_spawn_tasks() {
    fn chain(depth: u32) -> runtime::JoinHandle<u32> {
        runtime::spawn(async move {
            if depth == 0 {
                0
            } else {
                chain(depth - 1).await.unwrap() + 1
            }
        })
    }
    assert_eq!(support::run_local(async { chain(500).await.unwrap() }), 500);
}

#[test]
fn handle_enter_makes_spawn_work_from_plain_code() {
    let rt = support::rt();
    assert!(Handle::try_current().is_err());
    let h = {
        let _guard = rt.enter();
        let current = Handle::current();
        assert!(current.ptr_eq(rt.handle()));
        runtime::spawn(async { "entered" })
    };
    assert!(
        Handle::try_current().is_err(),
        "the guard did not restore the context"
    );
    assert_eq!(rt.block_on(h).unwrap(), "entered");
}

#[test]
fn handle_enter_nests_and_restores() {
    let a = support::rt();
    let b = support::rt();
    let ga = a.handle().enter();
    assert!(Handle::current().ptr_eq(a.handle()));
    {
        let _gb = b.handle().enter();
        assert!(Handle::current().ptr_eq(b.handle()));
        assert!(!Handle::current().ptr_eq(a.handle()));
    }
    assert!(Handle::current().ptr_eq(a.handle()));
    drop(ga);
    assert!(Handle::try_current().is_err());
}

#[test]
fn handle_current_inside_block_on_and_tasks() {
    let rt = support::rt();
    let outer = rt.handle().clone();
    rt.block_on(async move {
        assert!(Handle::current().ptr_eq(&outer));
        let o = outer.clone();
        runtime::spawn(async move { assert!(Handle::current().ptr_eq(&o)) })
            .await
            .unwrap();
    });
    let other = support::rt();
    assert!(!other.handle().ptr_eq(rt.handle()));
}

#[test]
fn handle_spawns_from_foreign_threads() {
    let rt = support::rt();
    let handle = rt.handle().clone();
    let joins: Vec<_> = (0..8)
        .map(|i| {
            let handle = handle.clone();
            thread::spawn(move || handle.spawn(async move { i * 10 }))
        })
        .collect();
    let handles: Vec<_> = joins.into_iter().map(|t| t.join().unwrap()).collect();
    let sum: i32 = rt.block_on(async {
        let mut sum = 0;
        for h in handles {
            sum += h.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, 280);
}

#[test]
fn public_types_are_thread_safe() {
    support::assert_send::<Runtime>();
    support::assert_sync::<Runtime>();
    support::assert_send::<Handle>();
    support::assert_sync::<Handle>();
    support::assert_clone::<Handle>();
    support::assert_send::<runtime::JoinHandle<Vec<u8>>>();
    support::assert_send::<runtime::AbortHandle>();
    support::assert_sync::<runtime::AbortHandle>();
    support::assert_send::<runtime::RuntimeMetrics>();
    support::assert_send::<runtime::TaskGroup>();
    support::assert_sync::<runtime::TaskGroup>();
    support::assert_send::<runtime::GroupError>();
}

#[test]
fn block_on_from_two_threads_at_once() {
    let rt = Arc::new(support::rt());
    let inside = Arc::new(AtomicUsize::new(0));
    let barrier = Arc::new(Barrier::new(2));
    let threads: Vec<_> = (0..2u32)
        .map(|i| {
            let (rt, inside, barrier) = (rt.clone(), inside.clone(), barrier.clone());
            thread::spawn(move || {
                barrier.wait();
                rt.block_on(async move {
                    inside.fetch_add(1, SeqCst);
                    // Both threads are inside block_on before either finishes.
                    support::yield_until_patient(|| inside.load(SeqCst) == 2, "the other thread")
                        .await;
                    let h = runtime::spawn(async move {
                        runtime::yield_now().await;
                        i + 100
                    });
                    h.await.unwrap()
                })
            })
        })
        .collect();
    let mut outs: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    outs.sort();
    assert_eq!(outs, [100, 101]);
    // The scheduler is back in place for the next caller.
    assert_eq!(
        rt.block_on(async { runtime::spawn(async { 7 }).await.unwrap() }),
        7
    );
}

#[test]
fn block_on_from_many_threads() {
    let rt = Arc::new(support::rt());
    let threads: Vec<_> = (0..8u64)
        .map(|i| {
            let rt = rt.clone();
            thread::spawn(move || {
                let mut total = 0;
                for j in 0..20 {
                    total += rt.block_on(async move {
                        let h = runtime::spawn(async move { i * j });
                        runtime::yield_now().await;
                        h.await.unwrap()
                    });
                }
                total
            })
        })
        .collect();
    let total: u64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(total, (0..8).sum::<u64>() * (0..20).sum::<u64>());
}

#[test]
fn yield_spinning_block_on_future_lets_tasks_run() {
    support::run_local(async {
        let flag = Arc::new(AtomicBool::new(false));
        let f = flag.clone();
        drop(runtime::spawn(async move { f.store(true, SeqCst) }));
        support::yield_until(|| flag.load(SeqCst), 1_000, "the spawned task").await;
    });
}

#[test]
fn yield_spinning_task_does_not_starve_a_spawned_one() {
    support::run_local(async {
        let flag = Arc::new(AtomicBool::new(false));
        let f = flag.clone();
        let spinner = runtime::spawn(async move {
            let f2 = f.clone();
            drop(runtime::spawn(async move { f2.store(true, SeqCst) }));
            let mut spins = 0u32;
            while !f.load(SeqCst) {
                spins += 1;
                assert!(spins < 100_000, "starved");
                runtime::yield_now().await;
            }
            spins
        });
        assert!(spinner.await.unwrap() >= 1);
    });
}

#[test]
fn yield_spinning_task_does_not_starve_remote_spawns() {
    for interval in [61, 7, 1] {
        let rt = runtime::Builder::new_current_thread()
            .global_queue_interval(interval)
            .build()
            .unwrap();
        let flag = Arc::new(AtomicBool::new(false));
        let f = flag.clone();
        let handle = rt.handle().clone();
        let spins = rt.block_on(async move {
            let (tx, rx) = support::oneshot::<()>();
            let spinner = runtime::spawn(async move {
                // Two tasks keep the local queue busy forever unless the injector is served.
                let busy = runtime::spawn({
                    let f = f.clone();
                    async move {
                        while !f.load(SeqCst) {
                            runtime::yield_now().await;
                        }
                    }
                });
                tx.send(());
                let deadline = std::time::Instant::now() + PATIENCE;
                let mut spins = 0u64;
                while !f.load(SeqCst) {
                    assert!(std::time::Instant::now() < deadline, "starved");
                    spins += 1;
                    runtime::yield_now().await;
                }
                busy.await.unwrap();
                spins
            });
            rx.await;
            let f = flag.clone();
            // Spawned from another thread: it goes through the injection queue.
            thread::spawn(move || drop(handle.spawn(async move { f.store(true, SeqCst) })))
                .join()
                .unwrap();
            spinner.await.unwrap()
        });
        assert!(spins >= 1);
    }
}

#[test]
fn budget_makes_always_ready_loops_yield() {
    support::run_local(async {
        let flag = Arc::new(AtomicBool::new(false));
        let f = flag.clone();
        let hog = runtime::spawn(async move {
            // Never awaits anything pending: only the budget can make it yield.
            for i in 0..100_000u32 {
                if f.load(SeqCst) {
                    return Some(i);
                }
                runtime::task::consume_budget().await;
            }
            None
        });
        let fl = flag.clone();
        drop(runtime::spawn(async move { fl.store(true, SeqCst) }));
        let seen_at = hog.await.unwrap();
        let i = seen_at.expect("the other task never ran while the loop was busy");
        assert!(i <= 1_000, "the loop ran {i} iterations before yielding");
    });
}

#[test]
fn budget_applies_to_the_block_on_future() {
    support::run_local(async {
        let flag = Arc::new(AtomicBool::new(false));
        let f = flag.clone();
        drop(runtime::spawn(async move { f.store(true, SeqCst) }));
        for i in 0..100_000u32 {
            if flag.load(SeqCst) {
                assert!(i <= 1_000, "ran {i} iterations before yielding");
                return;
            }
            runtime::task::consume_budget().await;
        }
        panic!("the spawned task never ran");
    });
}

#[test]
fn budget_makes_a_loop_over_ready_join_handles_yield() {
    support::run_local(async {
        const N: usize = 1_000;
        let done: Vec<_> = (0..N).map(|i| runtime::spawn(async move { i })).collect();
        support::yield_until(|| done.iter().all(|h| h.is_finished()), 1_000, "the tasks").await;
        let flag = Arc::new(AtomicBool::new(false));
        let f = flag.clone();
        let reader = runtime::spawn(async move {
            let mut first_seen = None;
            for (i, h) in done.into_iter().enumerate() {
                if first_seen.is_none() && f.load(SeqCst) {
                    first_seen = Some(i);
                }
                assert_eq!(h.await.unwrap(), i);
            }
            first_seen
        });
        let fl = flag.clone();
        drop(runtime::spawn(async move { fl.store(true, SeqCst) }));
        let seen = reader.await.unwrap();
        let i = seen.expect("awaiting ready JoinHandles never yielded");
        assert!(i < N / 2, "yielded only after {i} ready JoinHandles");
    });
}

#[test]
fn consume_budget_outside_a_task_is_unconstrained() {
    let mut fut = Box::pin(runtime::task::consume_budget());
    let (waker, wakes) = support::counting_waker();
    assert!(support::poll_with(&mut fut, &waker).is_ready());
    assert_eq!(wakes.count(), 0);
}

#[test]
fn wakes_from_64_foreign_threads() {
    const N: usize = 64;
    let rt = support::rt();
    let before = rt.handle().metrics().remote_schedule_count();
    let sum = rt.block_on(async {
        let mut senders = Vec::new();
        let mut handles = Vec::new();
        for i in 0..N {
            let (tx, rx) = support::oneshot::<usize>();
            senders.push(tx);
            handles.push(runtime::spawn(async move { rx.await.unwrap() + i }));
        }
        support::yield_until(
            || senders.iter().all(|s| s.receiver_waiting()),
            10,
            "every task to wait",
        )
        .await;
        let barrier = Arc::new(Barrier::new(N));
        let threads: Vec<_> = senders
            .into_iter()
            .enumerate()
            .map(|(i, tx)| {
                let barrier = barrier.clone();
                thread::spawn(move || {
                    barrier.wait();
                    tx.send(i * 1_000);
                })
            })
            .collect();
        let mut sum = 0;
        for h in handles {
            sum += h.await.unwrap();
        }
        for t in threads {
            t.join().unwrap();
        }
        sum
    });
    assert_eq!(sum, (0..N).map(|i| i * 1_001).sum::<usize>());
    let remote = rt.handle().metrics().remote_schedule_count() - before;
    assert!(
        remote >= N as u64,
        "only {remote} remote schedules for {N} foreign wakes"
    );
}

#[test]
fn foreign_wakes_of_the_block_on_future() {
    let rt = support::rt();
    for round in 0..200 {
        let (tx, rx) = support::oneshot::<u32>();
        let t = thread::spawn(move || tx.send(round));
        assert_eq!(rt.block_on(rx), Some(round));
        t.join().unwrap();
    }
}

#[test]
fn metrics_alive_tasks_go_up_and_down() {
    let rt = support::rt();
    let m = rt.handle().metrics();
    assert_eq!(m.num_workers(), 1);
    assert_eq!(m.num_alive_tasks(), 0);
    let drops = DropCounter::new();
    let handles: Vec<_> = (0..10).map(|_| rt.spawn(drops.pending::<()>())).collect();
    assert_eq!(m.num_alive_tasks(), 10);
    rt.block_on(async {
        runtime::yield_now().await;
        assert_eq!(m.num_alive_tasks(), 10);
        for h in &handles[..4] {
            h.abort();
        }
        support::yield_until(|| m.num_alive_tasks() == 6, 10, "aborted tasks to go").await;
        let done = runtime::spawn(async {});
        assert_eq!(m.num_alive_tasks(), 7);
        done.await.unwrap();
        assert_eq!(m.num_alive_tasks(), 6);
    });
    drop(handles);
    // Detached tasks are still alive.
    assert_eq!(m.num_alive_tasks(), 6);
    drop(rt);
    assert_eq!(m.num_alive_tasks(), 0);
    assert_eq!(drops.count(), 10);
}

#[test]
fn metrics_count_remote_schedules_and_the_injection_queue() {
    let rt = support::rt();
    let m = rt.handle().metrics();
    let before = m.remote_schedule_count();
    // Local spawns are not remote.
    rt.block_on(async {
        for _ in 0..5 {
            runtime::spawn(async {}).await.unwrap();
        }
    });
    assert_eq!(m.remote_schedule_count(), before);
    let handle = rt.handle().clone();
    let joins: Vec<_> =
        thread::spawn(move || (0..5).map(|i| handle.spawn(async move { i })).collect())
            .join()
            .unwrap();
    assert_eq!(m.remote_schedule_count(), before + 5);
    assert_eq!(m.injection_queue_depth(), 5);
    let polls_before = m.worker_poll_count(0);
    let sum: i32 = rt.block_on(async {
        let mut sum = 0;
        for h in joins {
            sum += h.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, 10);
    assert_eq!(m.injection_queue_depth(), 0);
    assert!(m.worker_poll_count(0) >= polls_before + 5);
    let _ = m.worker_park_count(0);
}

#[test]
fn builder_options_are_accepted() {
    let rt = runtime::Builder::new_current_thread()
        .thread_name("custom")
        .thread_name_fn(|| "custom-fn".to_string())
        .on_thread_start(|| {})
        .on_thread_stop(|| {})
        .global_queue_interval(1)
        .event_interval(1)
        .build()
        .unwrap();
    let out = rt.block_on(async {
        let hs: Vec<_> = (0..100).map(|i| runtime::spawn(async move { i })).collect();
        let mut sum = 0;
        for h in hs {
            runtime::yield_now().await;
            sum += h.await.unwrap();
        }
        sum
    });
    assert_eq!(out, 4950);
    assert!(format!("{:?}", runtime::Builder::new_current_thread()).contains("Builder"));
}

#[test]
fn debug_output_is_informative() {
    let rt = support::rt();
    let h = rt.spawn(async {});
    let text = format!("{h:?}");
    assert!(text.contains(&h.id().to_string()), "{text}");
    assert!(format!("{:?}", h.abort_handle()).contains(&h.id().to_string()));
    assert!(!format!("{rt:?}").is_empty());
    assert!(!format!("{:?}", rt.handle().metrics()).is_empty());
    rt.block_on(h).unwrap();
}

#[test]
fn yield_now_goes_behind_every_runnable_task() {
    let order = Arc::new(std::sync::Mutex::new(Vec::new()));
    let o = order.clone();
    support::run_local(async move {
        let push = |o: &Arc<std::sync::Mutex<Vec<&'static str>>>, s| support::lock(o).push(s);
        let (oa, ob, oc) = (o.clone(), o.clone(), o.clone());
        let a = runtime::spawn(async move {
            push(&oa, "a1");
            runtime::yield_now().await;
            push(&oa, "a2");
        });
        let b = runtime::spawn(async move { push(&ob, "b") });
        let c = runtime::spawn(async move { push(&oc, "c") });
        a.await.unwrap();
        b.await.unwrap();
        c.await.unwrap();
    });
    assert_eq!(*support::lock(&order), ["a1", "b", "c", "a2"]);
}

#[test]
fn spawn_onto_another_runtime_runs_there() {
    let a = support::rt();
    let b = Arc::new(support::rt());
    let b_handle = b.handle().clone();
    let (tx, rx) = support::oneshot::<()>();
    let b2 = b.clone();
    let b_thread = thread::spawn(move || {
        b2.block_on(async {
            rx.await;
        });
        thread::current().id()
    });
    let ran_on = a.block_on(async move {
        let h = b_handle.spawn(async { thread::current().id() });
        let ran_on = h.await.unwrap();
        tx.send(());
        ran_on
    });
    let b_thread = b_thread.join().unwrap();
    assert_eq!(
        ran_on, b_thread,
        "a task of runtime b ran on runtime a's thread"
    );
    assert_ne!(ran_on, thread::current().id());
}

#[test]
fn scheduler_moves_to_a_waiting_block_on_when_its_driver_leaves() {
    // Thread A drives the scheduler and leaves as soon as thread B is inside `block_on`;
    // B's task must still run (B takes the scheduler over).
    for _ in 0..20 {
        let rt = Arc::new(support::rt());
        let a_in = Arc::new(AtomicBool::new(false));
        let b_in = Arc::new(AtomicBool::new(false));
        let a = {
            let (rt, a_in, b_in) = (rt.clone(), a_in.clone(), b_in.clone());
            thread::spawn(move || {
                rt.block_on(async move {
                    a_in.store(true, SeqCst);
                    support::yield_until_patient(|| b_in.load(SeqCst), "thread b").await;
                })
            })
        };
        let deadline = std::time::Instant::now() + PATIENCE;
        while !a_in.load(SeqCst) {
            assert!(
                std::time::Instant::now() < deadline,
                "thread a never started"
            );
            thread::yield_now();
        }
        let out = rt.block_on(async move {
            let (tx, rx) = support::oneshot::<u32>();
            let h = runtime::spawn(async move { rx.await.unwrap() + 1 });
            b_in.store(true, SeqCst);
            tx.send(41);
            h.await.unwrap()
        });
        assert_eq!(out, 42);
        a.join().unwrap();
    }
}

#[test]
fn yielding_tasks_do_not_keep_remote_work_waiting() {
    let rt = support::rt();
    let yields = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let seen_at = rt.block_on(async {
        for _ in 0..2 {
            let (y, s) = (yields.clone(), stop.clone());
            drop(runtime::spawn(async move {
                while !s.load(SeqCst) {
                    y.fetch_add(1, SeqCst);
                    runtime::yield_now().await;
                }
            }));
        }
        runtime::yield_now().await;
        // Tasks spawned from another thread go through the inject queue; try several, at
        // different points of the scheduler's tick cycle.
        let mut worst = 0;
        for _ in 0..10 {
            let h = runtime::Handle::current();
            let y = yields.clone();
            let remote = std::thread::spawn(move || h.spawn(async move { y.load(SeqCst) }))
                .join()
                .unwrap();
            let start = yields.load(SeqCst);
            let seen = remote.await.unwrap();
            worst = worst.max(seen - start);
            for _ in 0..17 {
                runtime::yield_now().await;
            }
        }
        stop.store(true, SeqCst);
        worst
    });
    assert!(
        seen_at <= 8,
        "the remote task waited behind {seen_at} yields of busy tasks"
    );
}
