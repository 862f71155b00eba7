//! `runtime::sync::mpsc`: FIFO per sender, back-pressure, waiting senders served in
//! order, cancel-safety of `send` and `recv`, close semantics, the last sender's drop,
//! foreign threads and `blocking_*`, both flavors, and the cooperative budget.

mod support;

use runtime::sync::mpsc::{self, error::TryRecvError, error::TrySendError};
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

fn both_flavors(f: impl Fn(&runtime::Runtime)) {
    f(&support::rt());
    f(&support::rt_multi(2));
}

/// Polls `fut` once with a no-op waker.
fn poll_once<F: Future>(fut: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    fut.poll(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn fifo_per_sender_with_many_senders() {
    both_flavors(|rt| {
        rt.block_on(async {
            let (tx, mut rx) = mpsc::channel(8);
            for p in 0..4u32 {
                let tx = tx.clone();
                drop(runtime::spawn(async move {
                    for i in 0..500u32 {
                        tx.send((p, i)).await.unwrap();
                    }
                }));
            }
            drop(tx);
            let mut next = [0u32; 4];
            while let Some((p, i)) = rx.recv().await {
                assert_eq!(i, next[p as usize], "sender {p} out of order");
                next[p as usize] += 1;
            }
            assert_eq!(next, [500; 4]);
        })
    });
}

#[test]
fn a_full_channel_blocks_the_second_send_until_a_recv() {
    support::rt().block_on(async {
        let (tx, mut rx) = mpsc::channel(1);
        tx.send(1).await.unwrap();
        let mut second = pin!(tx.send(2));
        assert!(poll_once(second.as_mut()).is_pending());
        assert_eq!(tx.capacity(), 0);
        assert_eq!(rx.recv().await, Some(1));
        assert_eq!(poll_once(second.as_mut()), Poll::Ready(Ok(())));
        assert_eq!(rx.recv().await, Some(2));
        assert_eq!(tx.capacity(), 1);
    });
}

#[test]
fn waiting_senders_are_served_first_come_first_served() {
    support::rt().block_on(async {
        let (tx, mut rx) = mpsc::channel(1);
        tx.send(0).await.unwrap();
        let mut handles = Vec::new();
        for i in 1..=5 {
            let tx = tx.clone();
            handles.push(runtime::spawn(async move { tx.send(i).await.unwrap() }));
            // Let it run and queue before the next one.
            runtime::yield_now().await;
        }
        // A newcomer does not barge past the queued senders.
        assert!(matches!(tx.try_send(99), Err(TrySendError::Full(99))));
        for want in 0..=5 {
            assert_eq!(rx.recv().await, Some(want));
        }
        for h in handles {
            h.await.unwrap();
        }
    });
}

/// A waiting send dropped between its wake and its poll passes its slot to the next
/// waiting send.
#[test]
fn a_cancelled_waiting_send_passes_its_slot_on() {
    support::rt().block_on(async {
        let (tx, mut rx) = mpsc::channel(1);
        tx.send(0).await.unwrap();
        let mut first = Box::pin(tx.send(1));
        let mut second = Box::pin(tx.send(2));
        assert!(poll_once(first.as_mut()).is_pending());
        assert!(poll_once(second.as_mut()).is_pending());
        assert_eq!(rx.recv().await, Some(0)); // hands the slot to `first`
        drop(first); // woken, never polled again
        assert_eq!(poll_once(second.as_mut()), Poll::Ready(Ok(())));
        assert_eq!(rx.recv().await, Some(2));
        // A queued send dropped before any wake frees nothing and blocks nothing.
        tx.send(3).await.unwrap();
        let mut third = Box::pin(tx.send(4));
        assert!(poll_once(third.as_mut()).is_pending());
        drop(third);
        assert_eq!(rx.recv().await, Some(3));
        assert_eq!(tx.capacity(), 1);
        tx.try_send(5).unwrap();
    });
}

/// `recv` is cancel-safe: a receive future dropped while waiting loses no message.
#[test]
fn a_cancelled_recv_loses_no_message() {
    both_flavors(|rt| {
        rt.block_on(async {
            let (tx, mut rx) = mpsc::channel(4);
            {
                let mut recv = pin!(rx.recv());
                assert!(poll_once(recv.as_mut()).is_pending());
                tx.send(1).await.unwrap();
                // Dropped after the wake, before its poll.
            }
            assert_eq!(rx.recv().await, Some(1));
        })
    });
}

#[test]
fn close_fails_senders_and_keeps_buffered_messages() {
    both_flavors(|rt| {
        rt.block_on(async {
            let (tx, mut rx) = mpsc::channel(2);
            tx.send(1).await.unwrap();
            tx.send(2).await.unwrap();
            let waiting = {
                let tx = tx.clone();
                runtime::spawn(async move { tx.send(3).await.map_err(|e| e.0) })
            };
            runtime::yield_now().await;
            rx.close();
            assert!(tx.is_closed());
            assert_eq!(waiting.await.unwrap(), Err(3));
            assert!(matches!(tx.try_send(4), Err(TrySendError::Closed(4))));
            assert_eq!(tx.send(5).await.unwrap_err().0, 5);
            assert_eq!(rx.recv().await, Some(1));
            assert_eq!(rx.recv().await, Some(2));
            assert_eq!(rx.recv().await, None);
            assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
        })
    });
}

#[test]
fn the_last_sender_drop_ends_the_stream() {
    both_flavors(|rt| {
        rt.block_on(async {
            let (tx, mut rx) = mpsc::channel::<u8>(2);
            let tx2 = tx.clone();
            let h = runtime::spawn(async move { rx.recv().await });
            drop(tx);
            runtime::yield_now().await;
            assert!(!h.is_finished());
            tx2.send(7).await.unwrap();
            assert_eq!(h.await.unwrap(), Some(7));
        });
        rt.block_on(async {
            let (tx, mut rx) = mpsc::unbounded_channel::<u8>();
            let h = runtime::spawn(async move { (rx.recv().await, rx.recv().await) });
            runtime::yield_now().await;
            tx.send(1).unwrap();
            drop(tx);
            assert_eq!(h.await.unwrap(), (Some(1), None));
        })
    });
}

#[test]
fn closed_resolves_when_the_receiver_drops() {
    both_flavors(|rt| {
        rt.block_on(async {
            let (tx, rx) = mpsc::channel::<u8>(1);
            let (utx, urx) = mpsc::unbounded_channel::<u8>();
            let h = runtime::spawn(async move {
                tx.closed().await;
                utx.closed().await;
            });
            runtime::yield_now().await;
            std::thread::spawn(move || {
                drop(rx);
                drop(urx);
            })
            .join()
            .unwrap();
            h.await.unwrap();
        })
    });
}

#[test]
fn foreign_threads_and_blocking_calls() {
    let rt = support::rt_multi(2);
    let (tx, mut rx) = mpsc::channel(4);
    let producers: Vec<_> = (0..3u64)
        .map(|p| {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for i in 0..200 {
                    tx.blocking_send(p * 1000 + i).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let sum = rt.block_on(async {
        let mut sum = 0;
        while let Some(v) = rx.recv().await {
            sum += v;
        }
        sum
    });
    for p in producers {
        p.join().unwrap();
    }
    let want: u64 = (0..3)
        .map(|p| (0..200).map(|i| p * 1000 + i).sum::<u64>())
        .sum();
    assert_eq!(sum, want);

    // The other way round: tasks send, a plain thread receives.
    let (tx, mut rx) = mpsc::channel(2);
    let (utx, mut urx) = mpsc::unbounded_channel();
    let consumer = std::thread::spawn(move || {
        let mut got = Vec::new();
        while let Some(v) = rx.blocking_recv() {
            got.push(v);
        }
        (got, urx.blocking_recv())
    });
    rt.block_on(async move {
        for i in 0..100 {
            tx.send(i).await.unwrap();
        }
        utx.send("end").unwrap();
    });
    let (got, end) = consumer.join().unwrap();
    assert_eq!(got, (0..100).collect::<Vec<_>>());
    assert_eq!(end, Some("end"));
}

#[test]
#[should_panic(expected = "`mpsc::Sender::blocking_send` cannot block a runtime thread")]
fn blocking_send_refuses_a_runtime_thread() {
    support::rt().block_on(async {
        let (tx, _rx) = mpsc::channel(1);
        let _ = tx.blocking_send(1);
    });
}

#[test]
#[should_panic(expected = "capacity must be at least 1")]
fn zero_capacity_panics_with_advice() {
    let _ = mpsc::channel::<()>(0);
}

/// A task that receives from a channel that is never empty still yields: its sibling
/// runs and stops it.
#[test]
fn receiving_from_an_always_full_channel_yields() {
    let flavors = [support::rt(), support::rt_multi(1)];
    for rt in &flavors {
        rt.block_on(async {
            let (tx, mut rx) = mpsc::unbounded_channel();
            let stop = Arc::new(AtomicBool::new(false));
            let s = stop.clone();
            let receiver = runtime::spawn(async move {
                tx.send(()).unwrap();
                let mut n = 0u64;
                while !s.load(SeqCst) {
                    rx.recv().await.unwrap();
                    tx.send(()).unwrap(); // never empty
                    n += 1;
                    assert!(n < 1_000_000, "the sibling never ran: no budget");
                }
                n
            });
            let sibling = runtime::spawn(async move { stop.store(true, SeqCst) });
            sibling.await.unwrap();
            assert!(receiver.await.unwrap() >= 1);
        });
    }
}

#[test]
fn try_recv_len_and_capacity() {
    let (tx, mut rx) = mpsc::channel(3);
    assert!(rx.is_empty());
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    tx.try_send(1).unwrap();
    tx.try_send(2).unwrap();
    assert_eq!(rx.len(), 2);
    assert_eq!(tx.capacity(), 1);
    assert_eq!(tx.max_capacity(), 3);
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(tx.capacity(), 2);
    assert_eq!(rx.len(), 1);
    drop(tx);
    assert!(rx.is_closed());
    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
}

#[test]
fn poll_recv_by_hand() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut cx = Context::from_waker(Waker::noop());
    assert!(rx.poll_recv(&mut cx).is_pending());
    tx.send(1).unwrap();
    assert_eq!(poll_fn_once(|cx| rx.poll_recv(cx)), Poll::Ready(Some(1)));
}

fn poll_fn_once<T>(f: impl FnMut(&mut Context<'_>) -> Poll<T>) -> Poll<T> {
    poll_once(pin!(poll_fn(f)))
}

#[test]
fn dropping_the_receiver_drops_buffered_messages() {
    let marker = Arc::new(());
    let (tx, rx) = mpsc::channel(4);
    tx.try_send(marker.clone()).unwrap();
    tx.try_send(marker.clone()).unwrap();
    assert_eq!(Arc::strong_count(&marker), 3);
    drop(rx);
    assert_eq!(Arc::strong_count(&marker), 1);
    assert!(tx.try_send(marker.clone()).is_err());
    assert_eq!(Arc::strong_count(&marker), 1);
}

#[test]
fn handles_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<mpsc::Sender<Vec<u8>>>();
    assert_send_sync::<mpsc::Receiver<Vec<u8>>>();
    assert_send_sync::<mpsc::UnboundedSender<Vec<u8>>>();
    assert_send_sync::<mpsc::UnboundedReceiver<Vec<u8>>>();
    assert_send_sync::<mpsc::error::SendError<Vec<u8>>>();
    fn assert_send<T: Send>(_: &T) {}
    let (tx, _rx) = mpsc::channel::<u8>(1);
    assert_send(&tx.send(1));
}

#[test]
fn reserve_holds_a_slot_and_a_dropped_permit_gives_it_back() {
    both_flavors(|rt| {
        rt.block_on(async {
            let (tx, mut rx) = mpsc::channel(1);
            let permit = tx.reserve().await.unwrap();
            assert_eq!(tx.capacity(), 0);
            let mut waiting = Box::pin(tx.reserve());
            assert!(poll_once(waiting.as_mut()).is_pending());
            drop(permit); // the slot goes to the waiting reserve
            let Poll::Ready(Ok(permit)) = poll_once(waiting.as_mut()) else {
                panic!("the waiting reserve got the slot");
            };
            permit.send(1);
            drop(waiting);
            assert_eq!(rx.recv().await, Some(1));
            assert_eq!(tx.capacity(), 1);
            rx.close();
            assert!(tx.reserve().await.is_err());
        })
    });
}
