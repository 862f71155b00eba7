//! `sync::Notify`: the stored permit, FIFO `notify_one`, `notify_waiters` reaching futures
//! created but not polled (and `enable`), cancel-safety, both flavors, foreign threads and
//! the cooperative budget.

mod support;

use runtime::sync::{Notified, Notify};
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Poll, Waker};
use std::thread;

use support::{counting_waker, poll_with};

fn poll_noop<F: std::future::Future + Unpin>(f: &mut F) -> Poll<F::Output> {
    poll_with(f, Waker::noop())
}

#[test]
fn send_sync_and_debug() {
    support::assert_send::<Notify>();
    support::assert_sync::<Notify>();
    support::assert_send::<Notified<'static>>();
    support::assert_sync::<Notified<'static>>();
    let n = Notify::new();
    n.notify_one();
    assert!(format!("{n:?}").contains("permit: true"), "{n:?}");
    assert!(format!("{:?}", n.notified()).starts_with("Notified"));
}

#[test]
fn notify_one_with_nobody_waiting_stores_one_permit() {
    let n = Notify::new();
    n.notify_one();
    n.notify_one();
    let mut a = Box::pin(n.notified());
    assert!(poll_noop(&mut a).is_ready(), "the stored permit");
    let mut b = Box::pin(n.notified());
    assert!(poll_noop(&mut b).is_pending(), "only one permit was stored");
    n.notify_one();
    assert!(poll_noop(&mut b).is_ready());
}

#[test]
fn notify_one_wakes_waiters_in_fifo_order() {
    let n = Notify::new();
    let (waker, count) = counting_waker();
    let mut futs: Vec<Pin<Box<Notified<'_>>>> = (0..4).map(|_| Box::pin(n.notified())).collect();
    for f in &mut futs {
        assert!(poll_with(f, &waker).is_pending());
    }
    for i in 0..4 {
        n.notify_one();
        assert_eq!(count.count(), i + 1, "one wake per notify_one");
        for (j, f) in futs.iter_mut().enumerate() {
            if j == i {
                assert!(poll_with(f, &waker).is_ready(), "waiter {i} is next");
            } else if j > i {
                assert!(poll_with(f, &waker).is_pending(), "waiter {j} waits");
            }
        }
    }
    // Every waiter was served: nothing was stored.
    let mut late = Box::pin(n.notified());
    assert!(poll_noop(&mut late).is_pending());
}

#[test]
fn enable_joins_the_line_without_polling() {
    let n = Notify::new();
    let mut first = pin!(n.notified());
    let mut second = Box::pin(n.notified());
    assert!(poll_noop(&mut second).is_pending());
    // `first` enables after `second` polled: it stands behind it.
    assert!(!first.as_mut().enable());
    assert!(!first.as_mut().enable(), "enabling twice keeps its place");
    n.notify_one();
    assert!(poll_noop(&mut second).is_ready());
    assert!(poll_noop(&mut first).is_pending());
    n.notify_one();
    assert!(
        first.as_mut().enable(),
        "enable reports a received notification"
    );
    assert!(poll_noop(&mut first).is_ready());
}

#[test]
fn enable_consumes_a_stored_permit() {
    let n = Notify::new();
    n.notify_one();
    let mut a = pin!(n.notified());
    assert!(a.as_mut().enable());
    let mut b = Box::pin(n.notified());
    assert!(poll_noop(&mut b).is_pending(), "the permit went to `a`");
}

#[test]
fn notify_waiters_reaches_futures_created_before_it_even_unpolled() {
    let n = Notify::new();
    let (waker, count) = counting_waker();
    let mut polled = Box::pin(n.notified());
    assert!(poll_with(&mut polled, &waker).is_pending());
    let mut enabled = Box::pin(n.notified());
    assert!(!enabled.as_mut().enable());
    let mut unpolled = Box::pin(n.notified());
    n.notify_waiters();
    assert_eq!(count.count(), 1, "the polled waiter was woken");
    let mut after = Box::pin(n.notified());
    assert!(poll_noop(&mut polled).is_ready());
    assert!(poll_noop(&mut enabled).is_ready());
    assert!(poll_noop(&mut unpolled).is_ready());
    assert!(
        poll_noop(&mut after).is_pending(),
        "created after the call, and no permit is stored"
    );
    // The line is empty again and notify_one works as before.
    n.notify_one();
    assert!(poll_noop(&mut after).is_ready());
}

#[test]
fn notify_waiters_keeps_a_stored_permit() {
    let n = Notify::new();
    n.notify_one();
    n.notify_waiters();
    let mut a = Box::pin(n.notified());
    assert!(
        poll_noop(&mut a).is_ready(),
        "the permit survived notify_waiters"
    );
}

#[test]
fn dropping_a_picked_waiter_passes_the_notification_on() {
    let n = Notify::new();
    let (waker, count) = counting_waker();
    let mut a = Box::pin(n.notified());
    let mut b = Box::pin(n.notified());
    assert!(poll_noop(&mut a).is_pending());
    assert!(poll_with(&mut b, &waker).is_pending());
    n.notify_one(); // picks `a`
    assert_eq!(count.count(), 0);
    drop(a); // before it saw the notification
    assert_eq!(count.count(), 1, "`b` was woken in its place");
    assert!(poll_noop(&mut b).is_ready());
}

#[test]
fn dropping_the_only_picked_waiter_stores_the_permit() {
    let n = Notify::new();
    let mut a = Box::pin(n.notified());
    assert!(poll_noop(&mut a).is_pending());
    n.notify_one();
    drop(a);
    let mut b = Box::pin(n.notified());
    assert!(
        poll_noop(&mut b).is_ready(),
        "the notification came back as the permit"
    );
}

#[test]
fn dropping_a_waiter_woken_by_notify_waiters_passes_nothing_on() {
    let n = Notify::new();
    let mut a = Box::pin(n.notified());
    let mut b = Box::pin(n.notified());
    assert!(poll_noop(&mut a).is_pending());
    n.notify_waiters();
    assert!(poll_noop(&mut b).is_ready(), "created before the call");
    drop(a); // woken, never polled again
    let mut c = Box::pin(n.notified());
    assert!(
        poll_noop(&mut c).is_pending(),
        "notify_waiters stores nothing"
    );
}

#[test]
fn dropping_a_queued_waiter_leaves_the_line() {
    let n = Notify::new();
    let mut a = Box::pin(n.notified());
    let mut b = Box::pin(n.notified());
    assert!(poll_noop(&mut a).is_pending());
    assert!(poll_noop(&mut b).is_pending());
    drop(a);
    n.notify_one();
    assert!(poll_noop(&mut b).is_ready(), "`b` is first in line now");
    drop(b);
    // The line is empty: the next notify_one is stored.
    n.notify_one();
    assert!(poll_noop(&mut Box::pin(n.notified())).is_ready());
}

#[test]
fn a_static_notify() {
    static BELL: Notify = Notify::const_new();
    support::run_local(async {
        let t = runtime::spawn(async { BELL.notified().await });
        runtime::yield_now().await;
        BELL.notify_one();
        t.await.unwrap();
    });
}

/// Tasks wait in turn; each notify_one wakes exactly one.
fn many_waiters(rt: runtime::Runtime) {
    rt.block_on(async {
        let n = Arc::new(Notify::new());
        let done = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let (n, done) = (n.clone(), done.clone());
            tasks.push(runtime::spawn(async move {
                n.notified().await;
                done.fetch_add(1, SeqCst);
            }));
        }
        for i in 0..16 {
            n.notify_one();
            support::yield_until_patient(|| done.load(SeqCst) == i + 1, "one more waiter").await;
        }
        for t in tasks {
            t.await.unwrap();
        }
    });
}

#[test]
fn many_waiters_current_thread() {
    many_waiters(support::rt());
}

#[test]
fn many_waiters_multi_thread() {
    many_waiters(support::rt_multi(4));
}

#[test]
fn ping_pong_across_workers() {
    support::rt_multi(2).block_on(async {
        let ping = Arc::new(Notify::new());
        let pong = Arc::new(Notify::new());
        let t = {
            let (ping, pong) = (ping.clone(), pong.clone());
            runtime::spawn(async move {
                for _ in 0..1_000 {
                    ping.notified().await;
                    pong.notify_one();
                }
            })
        };
        for _ in 0..1_000 {
            ping.notify_one();
            pong.notified().await;
        }
        t.await.unwrap();
    });
}

#[test]
fn notify_one_from_a_foreign_thread() {
    for rt in [support::rt(), support::rt_multi(2)] {
        rt.block_on(async {
            let n = Arc::new(Notify::new());
            let mut threads = Vec::new();
            for _ in 0..100 {
                let n2 = n.clone();
                let notified = n.notified();
                threads.push(thread::spawn(move || n2.notify_one()));
                notified.await;
            }
            for t in threads {
                t.join().unwrap();
            }
        });
    }
}

#[test]
fn notify_waiters_from_a_foreign_thread_wakes_every_task() {
    support::rt_multi(2).block_on(async {
        let n = Arc::new(Notify::new());
        let started = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (n, started) = (n.clone(), started.clone());
            tasks.push(runtime::spawn(async move {
                let mut notified = pin!(n.notified());
                notified.as_mut().enable();
                started.fetch_add(1, SeqCst);
                notified.await;
            }));
        }
        support::yield_until_patient(|| started.load(SeqCst) == 8, "the tasks to enable").await;
        let n2 = n.clone();
        thread::spawn(move || n2.notify_waiters()).join().unwrap();
        for t in tasks {
            t.await.unwrap();
        }
    });
}

#[test]
fn notified_spends_the_cooperative_budget() {
    support::run_local(async {
        let other_ran = Arc::new(AtomicBool::new(false));
        let o = other_ran.clone();
        let _other = runtime::spawn(async move { o.store(true, SeqCst) });
        let n = Notify::new();
        for _ in 0..1_000 {
            n.notify_one();
            n.notified().await; // always ready: only the budget makes it yield
        }
        assert!(
            other_ran.load(SeqCst),
            "the always-ready loop yielded to the other task"
        );
    });
}

#[runtime::test]
async fn notified_awaits_in_a_test_macro_runtime() {
    let n = Arc::new(Notify::new());
    let (n2, queued) = (n.clone(), Arc::new(AtomicBool::new(false)));
    let q = queued.clone();
    let t = runtime::spawn(async move {
        let mut notified = pin!(n2.notified());
        notified.as_mut().enable();
        q.store(true, SeqCst);
        notified.await
    });
    support::yield_until(|| queued.load(SeqCst), 10, "the task to queue").await;
    n.notify_waiters();
    t.await.unwrap();
}

/// Waiters that keep giving up (each round they enable a `Notified`, yield, and then drop
/// it unseen half the time, picked by `notify_one` or not) while a foreign thread notifies
/// one at a time: every notification still reaches some waiter.
#[test]
fn no_notification_is_lost_to_waiters_that_give_up() {
    const ROUNDS: usize = 200;
    support::rt_multi(4).block_on(async {
        let n = Arc::new(Notify::new());
        let consumed = Arc::new(AtomicUsize::new(0));
        let gave_up = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        for seed in 1..=4u32 {
            let (n, consumed, gave_up) = (n.clone(), consumed.clone(), gave_up.clone());
            let stop = stop.clone();
            tasks.push(runtime::spawn(async move {
                let mut rng = seed.wrapping_mul(0x9E37_79B9);
                while !stop.load(SeqCst) {
                    // Every waiter leaves the line each round, so the one `notify_one`
                    // picks is as likely to give up as to look.
                    let mut notified = pin!(n.notified());
                    if !notified.as_mut().enable() {
                        runtime::yield_now().await;
                        rng ^= rng << 13;
                        rng ^= rng >> 17;
                        rng ^= rng << 5;
                        if rng % 2 == 0 || !notified.as_mut().enable() {
                            gave_up.fetch_add(1, SeqCst);
                            continue; // drops `notified`, picked or not
                        }
                    }
                    consumed.fetch_add(1, SeqCst);
                }
            }));
        }
        let (n2, consumed2) = (n.clone(), consumed.clone());
        let producer = thread::spawn(move || {
            for i in 0..ROUNDS {
                n2.notify_one();
                support::wait_until(
                    || consumed2.load(SeqCst) == i + 1,
                    "the notification to land",
                );
            }
        });
        support::yield_until_patient(|| producer.is_finished(), "the producer").await;
        producer.join().unwrap();
        assert_eq!(consumed.load(SeqCst), ROUNDS, "one wakeup per notification");
        // Release the waiters still in line.
        stop.store(true, SeqCst);
        support::yield_until_patient(
            || {
                n.notify_waiters();
                tasks.iter().all(|t| t.is_finished())
            },
            "the waiters to stop",
        )
        .await;
        for t in tasks {
            t.await.unwrap();
        }
        assert!(gave_up.load(SeqCst) > 0, "the waiters did give up");
    });
}
