//! `runtime::sync::oneshot`, asyncio's `Future`: a value set from a plain thread's
//! callback, a dropped sender, `closed()`, `blocking_recv`, `close`, on both flavors.

mod support;

use runtime::sync::oneshot::{self, error::RecvError, error::TryRecvError};
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

fn both_flavors(f: impl Fn(&runtime::Runtime)) {
    f(&support::rt());
    f(&support::rt_multi(2));
}

/// A callback API that calls its callback on its own thread later: what asyncio wraps
/// with `loop.create_future()` + `fut.set_result` from the callback.
fn call_later_on_thread(cb: impl FnOnce(u32) + Send + 'static) {
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(5));
        cb(42);
    });
}

#[test]
fn set_from_a_plain_threads_callback() {
    both_flavors(|rt| {
        rt.block_on(async {
            let (tx, rx) = oneshot::channel();
            call_later_on_thread(move |v| tx.send(v).unwrap());
            assert_eq!(rx.await, Ok(42));
        })
    });
}

#[test]
fn sent_from_another_task() {
    both_flavors(|rt| {
        rt.block_on(async {
            let (tx, rx) = oneshot::channel();
            drop(runtime::spawn(async move {
                tx.send(String::from("done")).unwrap()
            }));
            assert_eq!(rx.await.as_deref(), Ok("done"));
        })
    });
}

#[test]
fn dropped_sender_is_a_recv_error() {
    both_flavors(|rt| {
        rt.block_on(async {
            let (tx, rx) = oneshot::channel::<u8>();
            drop(runtime::spawn(async move { drop(tx) }));
            assert_eq!(rx.await, Err(RecvError(())));
        })
    });
    let (tx, mut rx) = oneshot::channel::<u8>();
    drop(tx);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
fn closed_wakes_when_the_receiver_drops() {
    both_flavors(|rt| {
        rt.block_on(async {
            let (mut tx, rx) = oneshot::channel::<u8>();
            let h = runtime::spawn(async move {
                tx.closed().await;
                tx.is_closed()
            });
            runtime::yield_now().await;
            std::thread::spawn(move || drop(rx)).join().unwrap();
            assert!(h.await.unwrap());
        })
    });
}

#[test]
fn closed_wakes_when_the_receiver_closes_and_a_late_send_fails() {
    support::rt().block_on(async {
        let (mut tx, mut rx) = oneshot::channel::<u8>();
        let h = runtime::spawn(async move {
            tx.closed().await;
            tx.send(1)
        });
        runtime::yield_now().await;
        rx.close();
        assert_eq!(h.await.unwrap(), Err(1));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
        assert_eq!(rx.await, Err(RecvError(())));
    });
}

#[test]
fn a_value_sent_before_close_can_still_be_taken() {
    let (tx, mut rx) = oneshot::channel();
    tx.send(9).unwrap();
    rx.close();
    assert_eq!(rx.try_recv(), Ok(9));
}

#[test]
fn blocking_recv_on_a_plain_thread() {
    let rt = support::rt_multi(1);
    let (tx, rx) = oneshot::channel();
    let waiter = std::thread::spawn(move || rx.blocking_recv());
    drop(rt.spawn(async move {
        runtime::yield_now().await;
        tx.send(5u64).unwrap();
    }));
    assert_eq!(waiter.join().unwrap(), Ok(5));
}

#[test]
#[should_panic(expected = "`oneshot::Receiver::blocking_recv` cannot block a runtime thread")]
fn blocking_recv_refuses_a_runtime_thread() {
    support::rt().block_on(async {
        let (_tx, rx) = oneshot::channel::<()>();
        let _ = rx.blocking_recv();
    });
}

#[test]
fn send_to_a_dropped_receiver_returns_the_value_and_drops_it_once() {
    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, SeqCst);
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = oneshot::channel();
    drop(rx);
    let Err(back) = tx.send(Counted(drops.clone())) else {
        panic!("the receiver is gone")
    };
    assert_eq!(drops.load(SeqCst), 0);
    drop(back);
    assert_eq!(drops.load(SeqCst), 1);
    // A value sent and never received is dropped with the channel.
    let (tx, rx) = oneshot::channel();
    assert!(tx.send(Counted(drops.clone())).is_ok());
    drop(rx);
    assert_eq!(drops.load(SeqCst), 2);
}

/// Waker replacement: the receiver moves between tasks (polled with one waker, then
/// awaited elsewhere); the send wakes the latest.
#[test]
fn the_latest_waker_is_woken() {
    both_flavors(|rt| {
        rt.block_on(async {
            let (tx, mut rx) = oneshot::channel();
            let mut cx = Context::from_waker(Waker::noop());
            assert!(pin!(&mut rx).poll(&mut cx).is_pending());
            let h = runtime::spawn(rx);
            runtime::yield_now().await;
            std::thread::spawn(move || tx.send(3).unwrap());
            assert_eq!(h.await.unwrap(), Ok(3));
        })
    });
}

/// A receiver dropped while registered (a cancelled await) loses nothing and leaks
/// nothing: the send fails and hands the value back.
#[test]
fn cancelled_await_then_send_fails() {
    let (tx, mut rx) = oneshot::channel::<Vec<u8>>();
    let mut cx = Context::from_waker(Waker::noop());
    assert!(pin!(&mut rx).poll(&mut cx).is_pending());
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(tx.send(vec![1]), Err(vec![1]));
}

#[test]
fn many_threads_race_send_and_receive() {
    let rt = support::rt_multi(2);
    let got = Arc::new(Mutex::new(0u64));
    rt.block_on(async {
        let mut rxs = Vec::new();
        for i in 0..200u64 {
            let (tx, rx) = oneshot::channel();
            std::thread::spawn(move || tx.send(i).unwrap());
            rxs.push(runtime::spawn(rx));
        }
        for h in rxs {
            *got.lock().unwrap() += h.await.unwrap().unwrap();
        }
    });
    assert_eq!(*got.lock().unwrap(), (0..200).sum::<u64>());
}

#[test]
fn poll_closed_by_hand() {
    let (mut tx, rx) = oneshot::channel::<()>();
    let mut cx = Context::from_waker(Waker::noop());
    assert_eq!(tx.poll_closed(&mut cx), Poll::Pending);
    drop(rx);
    assert_eq!(tx.poll_closed(&mut cx), Poll::Ready(()));
}

#[test]
fn handles_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<oneshot::Sender<Vec<u8>>>();
    assert_send_sync::<oneshot::Receiver<Vec<u8>>>();
    assert_send_sync::<RecvError>();
}

/// Real threads race `send` against the receiver's drop and against its wait, many times:
/// every value is dropped exactly once and every waiting receiver gets its value.
#[test]
fn send_races_receiver_drop_and_wait_on_real_threads() {
    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, SeqCst);
        }
    }
    const ROUNDS: usize = 2_000;
    let drops = Arc::new(AtomicUsize::new(0));
    for _ in 0..ROUNDS {
        let (tx, rx) = oneshot::channel();
        let value = Counted(drops.clone());
        let th = std::thread::spawn(move || drop(tx.send(value)));
        drop(rx);
        th.join().unwrap();
    }
    assert_eq!(drops.load(SeqCst), ROUNDS);
    for i in 0..ROUNDS {
        let (tx, rx) = oneshot::channel();
        let th = std::thread::spawn(move || tx.send(i).unwrap());
        assert_eq!(rx.blocking_recv(), Ok(i));
        th.join().unwrap();
    }
}
