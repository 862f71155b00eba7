//! `Notify`'s races: `notify_one`'s lock-free permit against a waiter's first poll,
//! `notify_waiters` against a waiter enqueuing, and the drop of a picked waiter against
//! `notify_one`.
use super::{block_on, model, poll_once};
use crate::loom::sync::atomic::{AtomicBool, Ordering::SeqCst};
use crate::loom::sync::Arc;
use crate::loom::thread;
use crate::sync::Notify;

/// A `notify_one` racing the waiter's first poll (fast path, lock, enqueue): the waiter
/// completes either by the stored permit or by being picked.
#[test]
fn loom_notify_one_vs_notified_poll() {
    model(|| {
        let notify = Arc::new(Notify::new());
        let notifier = {
            let notify = notify.clone();
            thread::spawn(move || notify.notify_one())
        };
        block_on(notify.notified());
        notifier.join().unwrap();
        // The permit was used once: nothing is stored now.
        assert!(poll_once(&mut Box::pin(notify.notified())).is_pending());
    });
}

/// Two `notify_one`s racing two waiters: both waiters complete, however the calls and
/// the polls interleave (a permit stored while the other waiter enqueues is not lost).
#[test]
fn loom_notify_two_notify_one_vs_two_waiters() {
    model(|| {
        let notify = Arc::new(Notify::new());
        let waiter = {
            let notify = notify.clone();
            thread::spawn(move || block_on(notify.notified()))
        };
        let notifier = {
            let notify = notify.clone();
            thread::spawn(move || notify.notify_one())
        };
        let mut mine = Box::pin(notify.notified());
        let _ = poll_once(&mut mine);
        notify.notify_one();
        notifier.join().unwrap();
        // Both notifications were handed out or stored: with `waiter` done, at most one
        // is left for `mine`, and there is one since `waiter` took just one.
        waiter.join().unwrap();
        block_on(mine);
    });
}

/// `notify_waiters` racing a waiter whose `Notified` was created before the call: the
/// waiter completes whether it enqueued before the call or polls after it.
#[test]
fn loom_notify_waiters_vs_enqueue() {
    model(|| {
        let notify = Arc::new(Notify::new());
        let notified = notify.notified();
        let other = {
            let notify = notify.clone();
            thread::spawn(move || {
                let mut notified = Box::pin(notify.notified());
                notified.as_mut().enable();
                notify.notify_waiters();
                block_on(notified);
            })
        };
        block_on(notified);
        other.join().unwrap();
        // notify_waiters stores no permit.
        assert!(poll_once(&mut Box::pin(notify.notified())).is_pending());
    });
}

/// A waiter picked by `notify_one` and dropped before it polls again hands the
/// notification to the next waiter; the race is the drop against the pick.
#[test]
fn loom_notify_drop_of_notified_waiter_vs_notify_one() {
    model(|| {
        let notify = Arc::new(Notify::new());
        let queued = Arc::new(AtomicBool::new(false));
        let first = {
            let (notify, queued) = (notify.clone(), queued.clone());
            thread::spawn(move || {
                let mut a = Box::pin(notify.notified());
                assert!(poll_once(&mut a).is_pending());
                queued.store(true, SeqCst);
                drop(a);
            })
        };
        while !queued.load(SeqCst) {
            thread::yield_now();
        }
        let mut b = Box::pin(notify.notified());
        let _ = poll_once(&mut b);
        let notifier = {
            let notify = notify.clone();
            thread::spawn(move || notify.notify_one())
        };
        block_on(b);
        notifier.join().unwrap();
        first.join().unwrap();
        assert!(poll_once(&mut Box::pin(notify.notified())).is_pending());
    });
}
