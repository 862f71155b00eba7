//! `sync::watch`: the shutdown broadcast to many tasks on both flavors, `changed` and
//! `borrow_and_update` semantics, closing from either side, `wait_for`, cancel-safety,
//! foreign-thread senders and the cooperative budget.

mod support;

use runtime::sync::watch::{self, error::RecvError, Receiver, Ref, Sender};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Poll, Waker};
use std::thread;

use support::{counting_waker, poll_with};

fn poll_noop<F: std::future::Future + Unpin>(f: &mut F) -> Poll<F::Output> {
    poll_with(f, Waker::noop())
}

fn send_future<F: std::future::Future + Send>(_: &F) {}

#[test]
fn send_sync_and_debug() {
    support::assert_send::<Sender<String>>();
    support::assert_sync::<Sender<String>>();
    support::assert_send::<Receiver<String>>();
    support::assert_sync::<Receiver<String>>();
    support::assert_clone::<Receiver<String>>();
    support::assert_clone::<Sender<String>>();
    support::assert_sync::<Ref<'static, String>>();
    let (tx, mut rx) = watch::channel(String::from("a"));
    send_future(&rx.changed());
    send_future(&rx.wait_for(|_| true));
    send_future(&tx.closed());
    assert!(format!("{tx:?}").contains("\"a\""), "{tx:?}");
    assert!(
        format!("{rx:?}").contains("has_changed: Ok(false)"),
        "{rx:?}"
    );
    assert_eq!(format!("{:?}", rx.borrow()), "\"a\"");
    drop(tx);
    let err: RecvError = poll_noop(&mut Box::pin(rx.changed()))
        .into_ready()
        .unwrap_err();
    assert!(err.to_string().contains("sender was dropped"), "{err}");
}

trait IntoReady<T> {
    fn into_ready(self) -> T;
}

impl<T> IntoReady<T> for Poll<T> {
    fn into_ready(self) -> T {
        match self {
            Poll::Ready(v) => v,
            Poll::Pending => panic!("expected Ready"),
        }
    }
}

#[test]
fn the_initial_value_counts_as_seen() {
    let (_tx, mut rx) = watch::channel(7);
    assert_eq!(*rx.borrow(), 7);
    assert!(!rx.borrow().has_changed());
    assert!(!rx.has_changed().unwrap());
    assert!(poll_noop(&mut Box::pin(rx.changed())).is_pending());
}

#[test]
fn borrow_peeks_and_borrow_and_update_marks_seen() {
    let (tx, mut rx) = watch::channel(0);
    tx.send(1).unwrap();
    {
        let r = rx.borrow();
        assert_eq!((*r, r.has_changed()), (1, true));
    }
    assert!(
        rx.has_changed().unwrap(),
        "borrow does not mark the value seen"
    );
    {
        let r = rx.borrow_and_update();
        assert_eq!((*r, r.has_changed()), (1, true));
    }
    assert!(!rx.has_changed().unwrap());
    assert!(!rx.borrow_and_update().has_changed());
    assert!(!tx.borrow().has_changed());
    rx.mark_changed();
    assert!(rx.has_changed().unwrap());
    assert!(poll_noop(&mut Box::pin(rx.changed())).is_ready());
    assert!(!rx.has_changed().unwrap(), "changed marked it seen");
    tx.send(2).unwrap();
    rx.mark_unchanged();
    assert!(poll_noop(&mut Box::pin(rx.changed())).is_pending());
    assert_eq!(*rx.borrow(), 2);
}

#[test]
fn a_slow_receiver_skips_to_the_latest_value() {
    let (tx, mut rx) = watch::channel(0);
    for i in 1..=3 {
        tx.send(i).unwrap();
    }
    assert!(poll_noop(&mut Box::pin(rx.changed())).is_ready());
    assert_eq!(*rx.borrow_and_update(), 3);
    assert!(
        poll_noop(&mut Box::pin(rx.changed())).is_pending(),
        "one change seen once"
    );
}

#[test]
fn a_cloned_receiver_has_seen_what_its_original_saw() {
    let (tx, mut rx) = watch::channel(0);
    tx.send(1).unwrap();
    let seen_nothing = rx.clone();
    rx.borrow_and_update();
    let seen_all = rx.clone();
    assert!(seen_nothing.has_changed().unwrap());
    assert!(!seen_all.has_changed().unwrap());
    let fresh = tx.subscribe();
    assert!(
        !fresh.has_changed().unwrap(),
        "subscribe starts at the current value"
    );
    assert!(rx.same_channel(&fresh));
    assert!(!rx.same_channel(&watch::channel(0).1));
}

#[test]
fn send_if_modified_wakes_only_on_a_change() {
    let (tx, mut rx) = watch::channel(5);
    let (waker, count) = counting_waker();
    let mut changed = Box::pin(rx.changed());
    assert!(poll_with(&mut changed, &waker).is_pending());
    assert!(!tx.send_if_modified(|v| {
        *v = 5;
        false
    }));
    assert_eq!(count.count(), 0, "no change, no wakeup");
    assert!(poll_with(&mut changed, &waker).is_pending());
    tx.send_modify(|v| *v += 1);
    assert_eq!(count.count(), 1);
    assert!(poll_noop(&mut changed).is_ready());
    drop(changed);
    assert_eq!(*rx.borrow(), 6);
}

#[test]
fn send_fails_without_receivers_and_send_replace_stores_anyway() {
    let (tx, rx) = watch::channel(1);
    drop(rx);
    assert!(tx.is_closed());
    let err = tx.send(2).unwrap_err();
    assert_eq!(err.0, 2);
    assert!(
        err.to_string().contains("receivers were all dropped"),
        "{err}"
    );
    assert_eq!(*tx.borrow(), 1, "a failed send stores nothing");
    assert_eq!(tx.send_replace(3), 1);
    let rx = tx.subscribe();
    assert!(!tx.is_closed(), "subscribe reopens the channel");
    assert_eq!(*rx.borrow(), 3);
    tx.send(4).unwrap();
    assert_eq!(*rx.borrow(), 4);
}

#[test]
fn dropping_the_sender_ends_changed_after_the_last_value() {
    let (tx, mut rx) = watch::channel(0);
    let tx2 = tx.clone();
    assert_eq!(tx.sender_count(), 2);
    let (waker, count) = counting_waker();
    let mut changed = Box::pin(rx.changed());
    assert!(poll_with(&mut changed, &waker).is_pending());
    drop(tx);
    assert_eq!(count.count(), 0, "a clone is left: still open");
    tx2.send(1).unwrap();
    drop(tx2);
    assert!(count.count() >= 1);
    assert_eq!(
        poll_noop(&mut changed),
        Poll::Ready(Ok(())),
        "the last value first"
    );
    drop(changed);
    assert!(rx.has_changed().is_err());
    assert!(matches!(
        poll_noop(&mut Box::pin(rx.changed())),
        Poll::Ready(Err(_))
    ));
    assert_eq!(*rx.borrow(), 1, "the last value stays readable");
}

#[test]
fn changed_is_cancel_safe() {
    let (tx, mut rx) = watch::channel(0);
    let mut changed = Box::pin(rx.changed());
    assert!(poll_noop(&mut changed).is_pending());
    tx.send(1).unwrap();
    drop(changed); // woken, never polled again
    assert!(rx.has_changed().unwrap(), "the change was not consumed");
    assert!(poll_noop(&mut Box::pin(rx.changed())).is_ready());
}

#[test]
fn wait_for_checks_the_current_value_then_each_new_one() {
    let (tx, mut rx) = watch::channel(3);
    {
        let r = poll_noop(&mut Box::pin(rx.wait_for(|v| *v == 3)))
            .into_ready()
            .unwrap();
        assert_eq!((*r, r.has_changed()), (3, false));
    }
    let mut waiting = Box::pin(rx.wait_for(|v| *v == 5));
    assert!(poll_noop(&mut waiting).is_pending());
    tx.send(4).unwrap();
    assert!(poll_noop(&mut waiting).is_pending(), "4 does not match");
    tx.send(5).unwrap();
    let r = poll_noop(&mut waiting).into_ready().unwrap();
    assert_eq!((*r, r.has_changed()), (5, true));
}

#[test]
fn wait_for_fails_once_the_sender_is_gone_without_a_match() {
    let (tx, mut rx) = watch::channel(0);
    let mut waiting = Box::pin(rx.wait_for(|v| *v == 9));
    assert!(poll_noop(&mut waiting).is_pending());
    tx.send(9).unwrap();
    drop(tx);
    assert_eq!(
        poll_noop(&mut waiting).into_ready().map(|r| *r).ok(),
        Some(9),
        "the last unseen value is still checked"
    );
    drop(waiting);
    assert!(poll_noop(&mut Box::pin(rx.wait_for(|v| *v == 1)))
        .into_ready()
        .is_err());
}

/// The module docs' use: one `send(true)` stops every task, however far along it is.
fn shutdown_broadcast(rt: runtime::Runtime) {
    rt.block_on(async {
        let (shutdown, rx) = watch::channel(false);
        let started = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..32 {
            let (mut rx, started) = (rx.clone(), started.clone());
            tasks.push(runtime::spawn(async move {
                started.fetch_add(1, SeqCst);
                rx.wait_for(|stop| *stop).await.map(|r| *r)
            }));
        }
        drop(rx);
        support::yield_until_patient(|| started.load(SeqCst) >= 16, "half the tasks").await;
        shutdown.send(true).unwrap();
        for t in tasks {
            assert_eq!(t.await.unwrap(), Ok(true));
        }
        assert!(shutdown.is_closed(), "every task dropped its receiver");
        shutdown.closed().await;
    });
}

#[test]
fn shutdown_broadcast_current_thread() {
    shutdown_broadcast(support::rt());
}

#[test]
fn shutdown_broadcast_multi_thread() {
    shutdown_broadcast(support::rt_multi(4));
}

#[test]
fn a_foreign_thread_sends_and_a_task_sees_the_last_value() {
    for rt in [support::rt(), support::rt_multi(2)] {
        rt.block_on(async {
            let (tx, mut rx) = watch::channel(0u32);
            let sender = thread::spawn(move || {
                for i in 1..=1_000 {
                    tx.send(i).unwrap();
                }
            });
            let mut last = 0;
            while rx.changed().await.is_ok() {
                let v = *rx.borrow_and_update();
                assert!(v > last, "values only move forward: {v} after {last}");
                last = v;
            }
            assert_eq!(last, 1_000, "the sender's drop came after its last value");
            sender.join().unwrap();
        });
    }
}

#[test]
fn closed_completes_when_the_last_receiver_goes() {
    for rt in [support::rt(), support::rt_multi(2)] {
        rt.block_on(async {
            let (tx, rx) = watch::channel(());
            let rx2 = rx.clone();
            let t = runtime::spawn(async move {
                runtime::yield_now().await;
                drop(rx);
                runtime::yield_now().await;
                drop(rx2);
            });
            tx.closed().await;
            assert!(tx.is_closed());
            assert_eq!(tx.receiver_count(), 0);
            t.await.unwrap();
        });
    }
}

#[test]
fn changed_spends_the_cooperative_budget() {
    support::run_local(async {
        let other_ran = Arc::new(AtomicBool::new(false));
        let o = other_ran.clone();
        let _other = runtime::spawn(async move { o.store(true, SeqCst) });
        let (tx, mut rx) = watch::channel(0);
        for i in 0..1_000 {
            tx.send(i).unwrap();
            rx.changed().await.unwrap(); // always ready: only the budget yields
        }
        assert!(other_ran.load(SeqCst), "the always-ready loop yielded");
    });
}
