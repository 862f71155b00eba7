//! `sync::Event` (asyncio.Event): set/clear/is_set, many waiters on both flavors, waiters
//! woken by a set that is cleared before they run, cancellation and foreign threads.

mod support;

use runtime::sync::{Event, EventWait};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Poll, Waker};
use std::thread;

use support::{counting_waker, poll_with};

fn poll_noop<F: std::future::Future + Unpin>(f: &mut F) -> Poll<F::Output> {
    poll_with(f, Waker::noop())
}

#[test]
fn send_sync_and_debug() {
    support::assert_send::<Event>();
    support::assert_sync::<Event>();
    support::assert_send::<EventWait<'static>>();
    support::assert_sync::<EventWait<'static>>();
    let e = Event::default();
    assert_eq!(format!("{e:?}"), "Event { is_set: false }");
    assert!(format!("{:?}", e.wait()).starts_with("EventWait"));
}

#[test]
fn set_clear_and_is_set() {
    let e = Event::new();
    assert!(!e.is_set());
    e.clear(); // clearing a cleared event does nothing
    assert!(!e.is_set());
    e.set();
    e.set();
    assert!(e.is_set());
    assert!(
        poll_noop(&mut Box::pin(e.wait())).is_ready(),
        "set: at once"
    );
    e.clear();
    assert!(!e.is_set());
    assert!(
        poll_noop(&mut Box::pin(e.wait())).is_pending(),
        "cleared: waits"
    );
}

#[test]
fn set_wakes_every_waiter_once() {
    let e = Event::new();
    let (waker, count) = counting_waker();
    let mut waits: Vec<_> = (0..40).map(|_| Box::pin(e.wait())).collect();
    for w in &mut waits {
        assert!(poll_with(w, &waker).is_pending());
        assert!(
            poll_with(w, &waker).is_pending(),
            "re-polling keeps one place"
        );
    }
    e.set();
    assert_eq!(
        count.count(),
        40,
        "40 waiters (more than the inline wake list)"
    );
    for w in &mut waits {
        assert!(poll_noop(w).is_ready());
    }
}

#[test]
fn waiters_woken_by_a_set_complete_even_if_cleared_before_they_run() {
    let e = Event::new();
    let mut waiting = Box::pin(e.wait());
    assert!(poll_noop(&mut waiting).is_pending());
    let mut unpolled = Box::pin(e.wait());
    e.set();
    e.clear();
    assert!(
        poll_noop(&mut waiting).is_ready(),
        "it was waiting when the event was set (asyncio's semantics)"
    );
    assert!(
        poll_noop(&mut unpolled).is_pending(),
        "never polled, so not waiting at the set: it sees the cleared flag"
    );
    e.set();
    assert!(poll_noop(&mut unpolled).is_ready());
}

#[test]
fn dropping_a_waiter_takes_nothing_from_the_others() {
    let e = Event::new();
    let mut a = Box::pin(e.wait());
    let mut b = Box::pin(e.wait());
    assert!(poll_noop(&mut a).is_pending());
    assert!(poll_noop(&mut b).is_pending());
    drop(a); // queued
    e.set();
    let mut c = Box::pin(e.wait());
    drop(b); // woken, never polled again
    assert!(poll_noop(&mut c).is_ready());
}

fn many_tasks(rt: runtime::Runtime) {
    rt.block_on(async {
        let e = Arc::new(Event::new());
        let started = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..32 {
            let (e, started) = (e.clone(), started.clone());
            tasks.push(runtime::spawn(async move {
                started.fetch_add(1, SeqCst);
                e.wait().await;
            }));
        }
        support::yield_until_patient(|| started.load(SeqCst) == 32, "the tasks to start").await;
        e.set();
        for t in tasks {
            t.await.unwrap();
        }
    });
}

#[test]
fn many_tasks_current_thread() {
    many_tasks(support::rt());
}

#[test]
fn many_tasks_multi_thread() {
    many_tasks(support::rt_multi(4));
}

#[test]
fn set_from_a_foreign_thread() {
    for rt in [support::rt(), support::rt_multi(2)] {
        rt.block_on(async {
            for _ in 0..50 {
                let e = Arc::new(Event::new());
                let e2 = e.clone();
                let t = thread::spawn(move || e2.set());
                e.wait().await;
                t.join().unwrap();
            }
        });
    }
}

#[runtime::test]
async fn set_and_clear_in_rounds() {
    let e = Arc::new(Event::new());
    let rounds = Arc::new(AtomicUsize::new(0));
    let waiter = {
        let (e, rounds) = (e.clone(), rounds.clone());
        runtime::spawn(async move {
            for _ in 0..10 {
                e.wait().await;
                rounds.fetch_add(1, SeqCst);
                e.clear();
            }
        })
    };
    for i in 0..10 {
        e.set();
        support::yield_until(|| rounds.load(SeqCst) == i + 1, 10, "the next round").await;
    }
    waiter.await.unwrap();
}

/// The asyncio docs' example: a waiter task, the main task sets the event after a second.
#[runtime::test(start_paused = true)]
async fn asyncio_docs_example() {
    let event = Arc::new(Event::new());
    let log = Arc::new(std::sync::Mutex::new(Vec::new()));
    let waiter_task = {
        let (event, log) = (event.clone(), log.clone());
        runtime::spawn(async move {
            support::lock(&log).push("waiting for it ...");
            event.wait().await;
            support::lock(&log).push("... got it!");
        })
    };
    let start = runtime::time::Instant::now();
    runtime::sleep(std::time::Duration::from_secs(1)).await;
    assert_eq!(*support::lock(&log), ["waiting for it ..."]);
    event.set();
    waiter_task.await.unwrap();
    assert_eq!(*support::lock(&log), ["waiting for it ...", "... got it!"]);
    assert_eq!(start.elapsed(), std::time::Duration::from_secs(1));
}
