//! `JoinHandle` as a future and `JoinError`: outputs, detaching, waker handling, ids and
//! names, the error's text and payload.

mod support;

use std::error::Error;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use std::task::Poll;
use std::thread;

use support::DropCounter;

#[test]
fn join_yields_the_output() {
    let out = support::run_local(async {
        let a = runtime::spawn(async { vec![1, 2, 3] });
        let b = runtime::spawn(async { String::from("four") });
        (a.await.unwrap(), b.await.unwrap())
    });
    assert_eq!(out, (vec![1, 2, 3], "four".to_string()));
}

#[test]
fn spawned_task_runs_without_being_awaited() {
    let ran = Arc::new(AtomicBool::new(false));
    let r = ran.clone();
    support::run_local(async move {
        let h = runtime::spawn(async move { r.store(true, SeqCst) });
        support::yield_until(|| h.is_finished(), 10, "the task to run").await;
    });
    assert!(ran.load(SeqCst));
}

#[test]
fn dropping_the_handle_detaches_the_task() {
    let rt = support::rt();
    let (tx, rx) = support::oneshot::<()>();
    let done = Arc::new(AtomicBool::new(false));
    let d = done.clone();
    rt.block_on(async move {
        let flag = d.clone();
        drop(runtime::spawn(async move {
            rx.await;
            flag.store(true, SeqCst);
        }));
        runtime::yield_now().await;
        tx.send(());
        support::yield_until(|| d.load(SeqCst), 10, "the detached task to finish").await;
    });
    assert!(done.load(SeqCst));
    assert_eq!(rt.handle().metrics().num_alive_tasks(), 0);
}

/// An output whose drop is counted.
struct Output(#[allow(dead_code)] support::DropToken);

#[test]
fn output_of_a_detached_task_is_dropped_once() {
    let rt = support::rt();
    let drops = DropCounter::new();
    let d = drops.clone();
    rt.block_on(async move {
        let token = d.token();
        drop(runtime::spawn(async move { Output(token) }));
        support::yield_until(|| d.count() == 1, 10, "the output to be dropped").await;
    });
    assert_eq!(drops.count(), 1);
}

#[test]
fn output_dropped_once_when_handle_dropped_after_completion() {
    let rt = support::rt();
    let drops = DropCounter::new();
    let d = drops.clone();
    rt.block_on(async move {
        let token = d.token();
        let h = runtime::spawn(async move { Output(token) });
        support::yield_until(|| h.is_finished(), 10, "the task to finish").await;
        assert_eq!(d.count(), 0, "the output belongs to the JoinHandle");
        drop(h);
        assert_eq!(d.count(), 1);
    });
    assert_eq!(drops.count(), 1);
}

#[test]
fn output_read_by_the_handle_is_dropped_by_the_reader() {
    let rt = support::rt();
    let drops = DropCounter::new();
    let d = drops.clone();
    rt.block_on(async move {
        let token = d.token();
        let out = runtime::spawn(async move { Output(token) }).await.unwrap();
        assert_eq!(d.count(), 0);
        drop(out);
        assert_eq!(d.count(), 1);
    });
}

#[test]
fn output_outlives_the_runtime_in_its_handle() {
    let rt = support::rt();
    let drops = DropCounter::new();
    let token = drops.token();
    let h = rt.spawn(async move { Output(token) });
    rt.block_on(support::yield_until(
        || h.is_finished(),
        10,
        "the task to finish",
    ));
    drop(rt);
    assert_eq!(drops.count(), 0);
    let out = support::block_on_std(h).unwrap();
    assert_eq!(drops.count(), 0);
    drop(out);
    assert_eq!(drops.count(), 1);
}

#[test]
fn handle_awaited_from_another_task() {
    support::run_local(async {
        let (tx, rx) = support::oneshot::<u8>();
        let producer = runtime::spawn(async move { rx.await.unwrap() * 2 });
        let consumer = runtime::spawn(async move { producer.await.unwrap() + 1 });
        runtime::yield_now().await;
        tx.send(20);
        assert_eq!(consumer.await.unwrap(), 41);
    });
}

#[test]
fn handle_awaited_from_a_foreign_thread() {
    let rt = support::rt();
    let (tx, rx) = support::oneshot::<&'static str>();
    let h = rt.spawn(async move { rx.await.unwrap() });
    let finished = h.abort_handle();
    let waiter = thread::spawn(move || support::block_on_std(h));
    rt.block_on(async move {
        runtime::yield_now().await;
        tx.send("across threads");
        support::yield_until(|| finished.is_finished(), 10, "the task to finish").await;
    });
    assert_eq!(waiter.join().unwrap().unwrap(), "across threads");
}

#[test]
fn join_waker_can_change_between_polls() {
    let rt = support::rt();
    let (tx, rx) = support::oneshot::<()>();
    let mut h = rt.spawn(async move { rx.await.unwrap() });
    rt.block_on(runtime::yield_now());
    let (w1, c1) = support::counting_waker();
    let (w2, c2) = support::counting_waker();
    assert!(support::poll_with(&mut h, &w1).is_pending());
    assert!(support::poll_with(&mut h, &w1).is_pending());
    assert!(support::poll_with(&mut h, &w2).is_pending());
    tx.send(());
    rt.block_on(support::yield_until(
        || h.is_finished(),
        10,
        "the task to finish",
    ));
    assert_eq!(c1.count(), 0, "a replaced waker was woken");
    assert_eq!(c2.count(), 1, "the latest waker was not woken exactly once");
    assert!(matches!(
        support::poll_with(&mut h, &w2),
        Poll::Ready(Ok(()))
    ));
}

#[test]
fn dropping_a_polled_handle_before_completion() {
    let rt = support::rt();
    let drops = DropCounter::new();
    let (tx, rx) = support::oneshot::<()>();
    let token = drops.token();
    let mut h = rt.spawn(async move {
        rx.await;
        Output(token)
    });
    rt.block_on(runtime::yield_now());
    let (w, c) = support::counting_waker();
    assert!(support::poll_with(&mut h, &w).is_pending());
    drop(h);
    tx.send(());
    rt.block_on(support::yield_until(
        || drops.count() == 1,
        10,
        "the output to be dropped",
    ));
    assert_eq!(c.count(), 0, "the waker of a dropped handle was woken");
    assert_eq!(rt.handle().metrics().num_alive_tasks(), 0);
}

#[test]
fn ids_are_unique_and_match_errors() {
    support::run_local(async {
        let handles: Vec<_> = (0..100)
            .map(|_| runtime::spawn(std::future::pending::<()>()))
            .collect();
        let mut ids: Vec<_> = handles.iter().map(|h| h.id()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 100);
        for h in handles {
            let id = h.id();
            assert_eq!(h.abort_handle().id(), id);
            h.abort();
            assert_eq!(h.await.unwrap_err().id(), id);
        }
    });
}

#[test]
fn named_tasks() {
    support::run_local(async {
        let h = runtime::task::Builder::new()
            .name("fetcher")
            .spawn(async { 3 })
            .unwrap();
        assert_eq!(h.name(), Some("fetcher"));
        let plain = runtime::spawn(async { 4 });
        assert_eq!(plain.name(), None);
        assert_eq!(h.await.unwrap() + plain.await.unwrap(), 7);
    });
    let rt = support::rt();
    let h = runtime::task::Builder::new()
        .name("on-handle")
        .spawn_on(async { 5 }, rt.handle())
        .unwrap();
    assert_eq!(h.name(), Some("on-handle"));
    assert_eq!(rt.block_on(h).unwrap(), 5);
}

#[test]
fn cancelled_error_text_names_the_task() {
    support::run_local(async {
        let h = runtime::spawn(std::future::pending::<()>());
        let id = h.id();
        h.abort();
        let err = h.await.unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains(&id.to_string()),
            "{text:?} does not name task {id}"
        );
        assert!(
            text.contains("cancel"),
            "{text:?} does not say it was cancelled"
        );
        let debug = format!("{err:?}");
        assert!(debug.contains(&id.to_string()), "{debug:?}");
        // A cancellation carries no payload.
        let err = err.try_into_panic().unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(err.id(), id);
    });
}

#[test]
fn panic_error_text_and_payload() {
    support::install_panic_hook();
    support::run_local(async {
        let h = runtime::spawn(async {
            panic!("{}: boom", support::EXPECTED);
        });
        let id = h.id();
        let err = h.await.unwrap_err();
        assert!(err.is_panic());
        assert!(!err.is_cancelled());
        assert_eq!(err.id(), id);
        let text = err.to_string();
        assert!(
            text.contains(&id.to_string()),
            "{text:?} does not name task {id}"
        );
        assert!(text.contains("boom"), "{text:?} does not carry the message");
        assert!(text.contains("panic"), "{text:?} does not say it panicked");
        let payload = err.into_panic();
        assert_eq!(
            payload.downcast_ref::<String>().map(String::as_str),
            Some("expected panic: boom")
        );
    });
}

#[test]
fn panic_payload_of_any_type() {
    support::install_panic_hook();
    support::run_local(async {
        let h = runtime::spawn(async {
            std::panic::panic_any(42_u64);
        });
        let err = h.await.unwrap_err();
        assert!(err.is_panic());
        // The text still names the task even for a non-string payload.
        assert!(err.to_string().contains(&err.id().to_string()));
        let payload = err.try_into_panic().unwrap();
        assert_eq!(payload.downcast_ref::<u64>(), Some(&42));
    });
}

#[test]
fn join_error_is_a_std_error() {
    support::run_local(async {
        let h = runtime::spawn(std::future::pending::<()>());
        h.abort();
        let err: Box<dyn Error + Send> = Box::new(h.await.unwrap_err());
        assert!(err.to_string().contains("cancel"));
        let io: std::io::Error = {
            let h = runtime::spawn(std::future::pending::<()>());
            h.abort();
            h.await.unwrap_err().into()
        };
        assert!(io.to_string().contains("cancel"));
    });
}

#[test]
fn into_panic_on_a_cancellation_panics_with_advice() {
    let err = support::run_local(async {
        let h = runtime::spawn(std::future::pending::<()>());
        h.abort();
        h.await.unwrap_err()
    });
    let caught = support::catch_panic(move || err.into_panic()).unwrap_err();
    assert!(caught.message.contains("is_panic"), "{caught:?}");
    assert!(caught.file.ends_with("task_join.rs"), "{caught:?}");
}

#[test]
fn join_handle_types_are_send() {
    support::assert_send::<runtime::JoinHandle<String>>();
    support::assert_sync::<runtime::JoinHandle<String>>();
    support::assert_send::<runtime::JoinError>();
    support::assert_send::<runtime::Outcome>();
}

#[test]
fn handle_awaited_in_another_runtime() {
    let a = support::rt();
    let b = support::rt();
    let (tx, rx) = support::oneshot::<u32>();
    let on_a = a.spawn(async move { rx.await.unwrap() * 3 });
    let finished = on_a.abort_handle();
    let a_thread = thread::spawn(move || {
        a.block_on(support::yield_until_patient(
            || finished.is_finished(),
            "the task on runtime a",
        ));
        thread::current().id()
    });
    let out = b.block_on(async move {
        // A task of runtime b waits for a task of runtime a: the wake crosses runtimes
        // and threads.
        let waiter = runtime::spawn(async move { on_a.await.unwrap() + 1 });
        runtime::yield_now().await;
        tx.send(5);
        waiter.await.unwrap()
    });
    assert_eq!(out, 16);
    assert_ne!(a_thread.join().unwrap(), thread::current().id());
}
