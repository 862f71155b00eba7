//! Done callbacks (asyncio's `add_done_callback`): each runs exactly once; those registered
//! before completion run in order on the completing thread, after the output is stored and
//! the join waker woken; later ones are scheduled on the runtime, or run on the caller's
//! thread once the runtime is gone; a panicking callback is contained.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};

use runtime::Outcome;

/// What a callback saw.
#[derive(Debug, Clone)]
struct Seen {
    tag: usize,
    outcome: Outcome,
    thread: ThreadId,
}

type Log = Arc<Mutex<Vec<Seen>>>;

fn recorder(log: &Log, tag: usize) -> impl FnOnce(&Outcome) + Send + 'static {
    let log = log.clone();
    move |o: &Outcome| {
        support::lock(&log).push(Seen {
            tag,
            outcome: *o,
            thread: thread::current().id(),
        })
    }
}

fn seen(log: &Log) -> Vec<Seen> {
    support::lock(log).clone()
}

#[test]
fn callbacks_before_completion_run_in_order_on_the_completing_thread() {
    let rt = support::rt();
    let log: Log = Log::default();
    let rt_thread = thread::current().id();
    rt.block_on(async {
        let (tx, rx) = support::oneshot::<()>();
        let h = runtime::spawn(async move { rx.await.unwrap() });
        for tag in 0..5 {
            h.add_done_callback(recorder(&log, tag));
        }
        runtime::yield_now().await;
        assert!(seen(&log).is_empty(), "a callback ran before completion");
        tx.send(());
        let id = h.id();
        h.await.unwrap();
        let seen = seen(&log);
        assert_eq!(
            seen.iter().map(|s| s.tag).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4]
        );
        for s in &seen {
            assert!(s.outcome.is_completed());
            assert!(!s.outcome.is_cancelled() && !s.outcome.is_panic());
            assert_eq!(s.outcome.id(), id);
            assert_eq!(s.thread, rt_thread);
        }
    });
}

#[test]
fn callbacks_run_after_the_output_is_stored_and_the_joiner_woken() {
    let rt = support::rt();
    let (tx, rx) = support::oneshot::<()>();
    let mut h = rt.spawn(async move { rx.await.unwrap() });
    rt.block_on(runtime::yield_now());
    let (waker, wakes) = support::counting_waker();
    assert!(support::poll_with(&mut h, &waker).is_pending());
    let abort = h.abort_handle();
    let checks = Arc::new(Mutex::new(None));
    let c = checks.clone();
    h.add_done_callback(move |o| {
        *support::lock(&c) = Some((o.is_completed(), abort.is_finished(), wakes.count()));
    });
    tx.send(());
    rt.block_on(support::yield_until(
        || h.is_finished(),
        10,
        "the task to finish",
    ));
    let (completed, finished, woken) = support::lock(&checks).expect("callback ran");
    assert!(completed);
    assert!(
        finished,
        "the callback ran before the task was marked finished"
    );
    assert_eq!(
        woken, 1,
        "the callback ran before the JoinHandle's waker was woken"
    );
    assert!(support::poll_with(&mut h, &waker).is_ready());
}

#[test]
fn callback_added_after_completion_is_scheduled_on_the_runtime() {
    let rt = support::rt();
    let log: Log = Log::default();
    let rt_thread = thread::current().id();
    rt.block_on(async {
        let h = runtime::spawn(async { 5 });
        support::yield_until(|| h.is_finished(), 10, "the task to finish").await;
        h.add_done_callback(recorder(&log, 1));
        h.add_done_callback(recorder(&log, 2));
        assert!(
            seen(&log).is_empty(),
            "call_soon ran the callback synchronously"
        );
        support::yield_until(|| seen(&log).len() == 2, 10, "the callbacks to run").await;
        let seen = seen(&log);
        for s in &seen {
            assert_eq!(s.thread, rt_thread);
            assert!(s.outcome.is_completed());
            assert_eq!(s.outcome.id(), h.id());
        }
        assert_eq!(h.await.unwrap(), 5, "the output stays with the JoinHandle");
    });
}

#[test]
fn callback_added_from_a_foreign_thread_runs_on_the_runtime_thread() {
    let rt = support::rt();
    let log: Log = Log::default();
    let rt_thread = thread::current().id();
    rt.block_on(async {
        let h = runtime::spawn(async {});
        support::yield_until(|| h.is_finished(), 10, "the task to finish").await;
        let foreign = thread::scope(|s| {
            s.spawn(|| {
                h.add_done_callback(recorder(&log, 0));
                thread::current().id()
            })
            .join()
            .unwrap()
        });
        support::yield_until_patient(|| !seen(&log).is_empty(), "the callback to run").await;
        let seen = seen(&log);
        assert_eq!(seen.len(), 1);
        assert_ne!(seen[0].thread, foreign, "ran on the registering thread");
        assert_eq!(seen[0].thread, rt_thread);
    });
}

#[test]
fn callback_added_after_the_runtime_is_gone_runs_on_the_caller() {
    let rt = support::rt();
    let log: Log = Log::default();
    let h = rt.spawn(async { 1 });
    rt.block_on(support::yield_until(
        || h.is_finished(),
        10,
        "the task to finish",
    ));
    drop(rt);
    h.add_done_callback(recorder(&log, 0));
    let s = seen(&log);
    assert_eq!(s.len(), 1, "the callback did not run at once");
    assert_eq!(s[0].thread, thread::current().id());
    assert!(s[0].outcome.is_completed());
    // From another thread, too.
    let foreign = thread::scope(|scope| {
        scope
            .spawn(|| {
                h.add_done_callback(recorder(&log, 1));
                thread::current().id()
            })
            .join()
            .unwrap()
    });
    let s = seen(&log);
    assert_eq!(s.len(), 2);
    assert_eq!(s[1].thread, foreign);
    assert_eq!(support::block_on_std(h).unwrap(), 1);
}

#[test]
fn callbacks_see_cancellation_at_shutdown() {
    let rt = support::rt();
    let log: Log = Log::default();
    let h = rt.spawn(std::future::pending::<()>());
    rt.block_on(runtime::yield_now());
    h.add_done_callback(recorder(&log, 0));
    let dropper = thread::spawn(move || {
        drop(rt);
        thread::current().id()
    })
    .join()
    .unwrap();
    let s = seen(&log);
    assert_eq!(s.len(), 1);
    assert!(s[0].outcome.is_cancelled());
    assert_eq!(
        s[0].thread, dropper,
        "ran elsewhere than on the thread shutting down"
    );
    // A late registration on the cancelled task runs at once, here.
    h.add_done_callback(recorder(&log, 1));
    let s = seen(&log);
    assert_eq!(s.len(), 2);
    assert!(s[1].outcome.is_cancelled());
    assert_eq!(s[1].thread, thread::current().id());
}

#[test]
fn outcome_reflects_how_the_task_ended() {
    support::install_panic_hook();
    let rt = support::rt();
    let log: Log = Log::default();
    rt.block_on(async {
        let ok = runtime::spawn(async {});
        let cancelled = runtime::spawn(std::future::pending::<()>());
        let panicked = runtime::spawn(async { panic!("{}", support::EXPECTED) });
        ok.add_done_callback(recorder(&log, 0));
        cancelled.add_done_callback(recorder(&log, 1));
        panicked.add_done_callback(recorder(&log, 2));
        cancelled.abort();
        let ids = [ok.id(), cancelled.id(), panicked.id()];
        ok.await.unwrap();
        assert!(cancelled.await.unwrap_err().is_cancelled());
        assert!(panicked.await.unwrap_err().is_panic());
        let mut s = seen(&log);
        s.sort_by_key(|s| s.tag);
        assert_eq!(s.len(), 3);
        assert!(
            s[0].outcome.is_completed() && !s[0].outcome.is_cancelled() && !s[0].outcome.is_panic()
        );
        assert!(
            s[1].outcome.is_cancelled() && !s[1].outcome.is_completed() && !s[1].outcome.is_panic()
        );
        assert!(
            s[2].outcome.is_panic() && !s[2].outcome.is_completed() && !s[2].outcome.is_cancelled()
        );
        for (s, id) in s.iter().zip(ids) {
            assert_eq!(s.outcome.id(), id);
        }
    });
}

#[test]
fn panicking_callback_is_contained() {
    support::install_panic_hook();
    let rt = support::rt();
    let log: Log = Log::default();
    rt.block_on(async {
        let (tx, rx) = support::oneshot::<()>();
        let h = runtime::spawn(async move { rx.await.unwrap() });
        h.add_done_callback(recorder(&log, 0));
        h.add_done_callback(|_| panic!("{}: in a done callback", support::EXPECTED));
        h.add_done_callback(recorder(&log, 2));
        runtime::yield_now().await;
        tx.send(());
        h.await.unwrap();
        let tags: Vec<_> = seen(&log).iter().map(|s| s.tag).collect();
        assert_eq!(tags, [0, 2], "a panicking callback stopped the others");
        // A late one that panics is contained too, and the runtime keeps working.
        h_after_completion(&log).await;
        assert_eq!(runtime::spawn(async { 9 }).await.unwrap(), 9);
    });
    // And one that runs on the caller's thread once the runtime is gone.
    let h = rt.spawn(async {});
    rt.block_on(support::yield_until(
        || h.is_finished(),
        10,
        "the task to finish",
    ));
    drop(rt);
    h.add_done_callback(|_| panic!("{}: callback after shutdown", support::EXPECTED));
    h.add_done_callback(recorder(&log, 7));
    assert_eq!(seen(&log).last().unwrap().tag, 7);
}

async fn h_after_completion(log: &Log) {
    let h = runtime::spawn(async {});
    support::yield_until(|| h.is_finished(), 10, "the task to finish").await;
    h.add_done_callback(|_| panic!("{}: scheduled callback", support::EXPECTED));
    h.add_done_callback(recorder(log, 3));
    support::yield_until(
        || seen(log).iter().any(|s| s.tag == 3),
        10,
        "the late callback",
    )
    .await;
}

#[test]
fn each_callback_runs_exactly_once_under_a_race_with_completion() {
    let rt = support::rt();
    const N: usize = 200;
    for _ in 0..50 {
        let ran = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = support::oneshot::<()>();
        let h = Arc::new(rt.spawn(async move { rx.await.unwrap() }));
        rt.block_on(runtime::yield_now());
        let go = Arc::new(std::sync::Barrier::new(2));
        let registrar = {
            let (h, ran, go) = (h.clone(), ran.clone(), go.clone());
            thread::spawn(move || {
                go.wait();
                for _ in 0..N {
                    let r = ran.clone();
                    h.add_done_callback(move |_| {
                        r.fetch_add(1, SeqCst);
                    });
                }
            })
        };
        // Complete the task on the runtime thread while the other thread registers.
        rt.block_on(async {
            go.wait();
            tx.send(());
            support::yield_until(|| h.is_finished(), 10, "the task to finish").await;
        });
        registrar.join().unwrap();
        rt.block_on(async {
            support::yield_until_patient(|| ran.load(SeqCst) >= N, "every callback to run").await;
            // Give a callback that would run twice the chance to do so.
            for _ in 0..3 {
                runtime::yield_now().await;
            }
        });
        assert_eq!(ran.load(SeqCst), N);
    }
}

#[test]
fn callback_can_spawn_on_the_runtime() {
    let rt = support::rt();
    let spawned = Arc::new(AtomicUsize::new(0));
    let s = spawned.clone();
    rt.block_on(async move {
        let h = runtime::spawn(async {});
        let s2 = s.clone();
        h.add_done_callback(move |_| {
            drop(runtime::spawn(async move {
                s2.fetch_add(1, SeqCst);
            }));
        });
        h.await.unwrap();
        support::yield_until(|| s.load(SeqCst) == 1, 10, "the task spawned by a callback").await;
    });
    assert_eq!(spawned.load(SeqCst), 1);
}

#[test]
fn callbacks_on_an_aborted_idle_task() {
    let rt = support::rt();
    let log: Log = Log::default();
    let drops = support::DropCounter::new();
    rt.block_on(async {
        let h = runtime::spawn(drops.pending::<()>());
        runtime::yield_now().await;
        let d = drops.clone();
        let checked = Arc::new(Mutex::new(None));
        let c = checked.clone();
        h.add_done_callback(move |o| {
            // Cancellation is complete when reported: the future is already gone.
            *support::lock(&c) = Some((o.is_cancelled(), d.count()));
        });
        h.add_done_callback(recorder(&log, 0));
        h.abort();
        drop(h);
        support::yield_until(|| !seen(&log).is_empty(), 10, "the callbacks").await;
        assert_eq!(*support::lock(&checked), Some((true, 1)));
    });
}

#[test]
fn callback_scheduled_on_an_idle_runtime_runs_once_at_shutdown() {
    let rt = support::rt();
    let log: Log = Log::default();
    let h = rt.spawn(async {});
    rt.block_on(support::yield_until(
        || h.is_finished(),
        10,
        "the task to finish",
    ));
    // Nobody drives the runtime now: the callback waits in the runtime's queue.
    h.add_done_callback(recorder(&log, 0));
    assert!(seen(&log).is_empty());
    drop(rt);
    let s = seen(&log);
    assert_eq!(
        s.len(),
        1,
        "a queued callback was lost or run twice at shutdown"
    );
    assert!(s[0].outcome.is_completed());
}

#[test]
fn callbacks_may_use_the_handle_they_are_registered_on() {
    // Callbacks run outside every lock: one may register another callback on the same
    // task, abort it, or drop the last JoinHandle.
    let rt = support::rt();
    let log: Log = Log::default();
    let drops = support::DropCounter::new();
    rt.block_on(async {
        let (tx, rx) = support::oneshot::<()>();
        let token = drops.token();
        let h = Arc::new(runtime::spawn(async move {
            rx.await.unwrap();
            token
        }));
        let slot = Arc::new(Mutex::new(Some(h.clone())));
        let (l, s) = (log.clone(), slot.clone());
        h.add_done_callback(move |_| {
            let h = support::lock(&s).take().expect("the handle");
            assert!(h.is_finished());
            h.abort();
            h.add_done_callback(recorder(&l, 1));
            drop(h);
        });
        h.add_done_callback(recorder(&log, 0));
        drop(h);
        runtime::yield_now().await;
        tx.send(());
        support::yield_until(|| seen(&log).len() == 2, 10, "both callbacks").await;
        let tags: Vec<_> = seen(&log).iter().map(|s| s.tag).collect();
        assert_eq!(tags, [0, 1]);
        assert!(seen(&log).iter().all(|s| s.outcome.is_completed()));
    });
    assert_eq!(
        drops.count(),
        1,
        "the unread output was not dropped exactly once"
    );
}
