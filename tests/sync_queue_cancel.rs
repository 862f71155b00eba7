//! Cancel-safety of asyncio's queues: a getter or putter dropped between its wake and its
//! poll passes its item or room on, dropped queued waiters leave the line, completed
//! futures polled again fail loudly, and random walks over every operation against a
//! model lose no item, room or wakeup.

mod support;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Poll, Waker};

use runtime::sync::queue::{GetError, QueueEmpty};
use runtime::sync::Queue;
use support::{catch_panic, counting_waker, poll_with};

/// Polls `fut` once, without a runtime's waker (the queue does not need one to answer).
fn poll_noop<F: Future + Unpin>(fut: &mut F) -> Poll<F::Output> {
    poll_with(fut, Waker::noop())
}

/// A getter woken for an item and dropped before it polls passes the item on: to the
/// next waiting getter, or back to anyone when nobody waits.
#[test]
fn a_dropped_woken_getter_passes_its_item_on() {
    let q = Queue::new(0);
    let (w1, c1) = counting_waker();
    let (w2, c2) = counting_waker();
    let mut g1 = Box::pin(q.get());
    let mut g2 = Box::pin(q.get());
    assert!(poll_with(&mut g1, &w1).is_pending());
    assert!(poll_with(&mut g2, &w2).is_pending());
    q.put_nowait(7).unwrap();
    assert_eq!(
        (c1.count(), c2.count()),
        (1, 0),
        "the first getter is woken"
    );
    assert_eq!(
        q.get_nowait(),
        Err(GetError::Empty(QueueEmpty)),
        "not stolen"
    );
    assert_eq!(q.qsize(), 1);
    drop(g1);
    assert_eq!(c2.count(), 1, "the wakeup went on");
    assert_eq!(poll_with(&mut g2, &w2), Poll::Ready(Ok(7)));

    let mut g3 = Box::pin(q.get());
    assert!(poll_noop(&mut g3).is_pending());
    q.put_nowait(8).unwrap();
    drop(g3);
    assert_eq!(
        q.get_nowait(),
        Ok(8),
        "with nobody waiting, the item is free again"
    );
}

/// A putter woken for room and dropped before it polls passes the room on, and its
/// item never enters the queue.
#[test]
fn a_dropped_woken_putter_passes_its_room_on() {
    let q = Queue::new(1);
    q.put_nowait(0).unwrap();
    let (w1, c1) = counting_waker();
    let (w2, c2) = counting_waker();
    let mut p1 = Box::pin(q.put(1));
    let mut p2 = Box::pin(q.put(2));
    assert!(poll_with(&mut p1, &w1).is_pending());
    assert!(poll_with(&mut p2, &w2).is_pending());
    assert_eq!(q.get_nowait(), Ok(0));
    assert_eq!((c1.count(), c2.count()), (1, 0));
    assert!(q.full(), "the room is promised to the first putter");
    assert!(q.put_nowait(9).unwrap_err().is_full());
    drop(p1);
    assert_eq!(c2.count(), 1);
    assert_eq!(poll_with(&mut p2, &w2), Poll::Ready(Ok(())));
    assert_eq!(q.get_nowait(), Ok(2));
    assert_eq!(
        q.get_nowait(),
        Err(GetError::Empty(QueueEmpty)),
        "1 was never put"
    );

    // With nobody else waiting, the room is free for anyone.
    q.put_nowait(3).unwrap();
    let mut p3 = Box::pin(q.put(4));
    assert!(poll_noop(&mut p3).is_pending());
    q.get_nowait().unwrap();
    drop(p3);
    assert_eq!(q.put_nowait(5), Ok(()));
}

#[test]
fn polling_a_completed_get_or_put_again_panics_and_join_stays_ready() {
    let q = Queue::new(0);
    q.put_nowait(1).unwrap();
    q.put_nowait(2).unwrap();
    let mut get = Box::pin(q.get());
    assert_eq!(poll_noop(&mut get), Poll::Ready(Ok(1)));
    let p = catch_panic(|| poll_noop(&mut get)).unwrap_err();
    assert!(
        p.message.contains("`get` future was polled after"),
        "{}",
        p.message
    );
    let mut put = Box::pin(q.put(3));
    assert_eq!(poll_noop(&mut put), Poll::Ready(Ok(())));
    let p = catch_panic(|| poll_noop(&mut put)).unwrap_err();
    assert!(
        p.message.contains("`put` future was polled after"),
        "{}",
        p.message
    );
    assert_eq!(q.qsize(), 2, "neither took nor put anything more");
    let q = Queue::<u8>::new(0);
    let mut join = Box::pin(q.join());
    assert_eq!(poll_noop(&mut join), Poll::Ready(()));
    q.put_nowait(1).unwrap();
    assert_eq!(poll_noop(&mut join), Poll::Ready(()));
}

/// A waiter dropped while still queued is simply removed.
#[test]
fn dropped_queued_waiters_leave_the_line() {
    let q = Queue::new(1);
    let mut g = Box::pin(q.get());
    assert!(poll_noop(&mut g).is_pending());
    drop(g);
    q.put_nowait(1).unwrap();
    let mut p = Box::pin(q.put(2));
    assert!(poll_noop(&mut p).is_pending());
    drop(p);
    assert_eq!(q.get_nowait(), Ok(1));
    assert!(q.empty() && !q.full());
}

/// A random walk over every operation (nowait calls, waiting gets and puts polled only
/// when woken, as an executor would, dropped waiters, spurious polls) against a model:
/// items come out in the order they went in, exactly once; the queue never exceeds
/// maxsize; and when nothing is woken, no getter sleeps beside a takeable item and no
/// putter beside free room (no lost item, room or wakeup).
#[test]
fn random_walks_lose_nothing() {
    use runtime::sync::queue::{Fifo, Get, Put};
    /// Waiting futures: the future, its waker, its wakes, the wakes seen at its last poll,
    /// and the value a putter holds.
    type Waiting<F> = Vec<(Pin<Box<F>>, Waker, Arc<support::CountingWaker>, usize, u32)>;

    /// Polls every waiter that was woken since its last poll; returns whether any was.
    fn poll_woken<F: Future>(
        waiting: &mut Waiting<F>,
        mut done: impl FnMut(F::Output, u32),
    ) -> bool {
        let mut any = false;
        let mut i = 0;
        while i < waiting.len() {
            let (fut, waker, count, seen, value) = &mut waiting[i];
            if count.count() == *seen {
                i += 1;
                continue;
            }
            any = true;
            *seen = count.count();
            match poll_with(fut, waker) {
                Poll::Ready(out) => {
                    done(out, *value);
                    waiting.remove(i);
                }
                Poll::Pending => i += 1,
            }
        }
        any
    }

    for seed in 0..300u64 {
        let mut rng = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut next = move |n: u64| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng % n
        };
        let q: Queue<u32> = Queue::new(3);
        let mut gets: Waiting<Get<'_, Fifo<u32>>> = Vec::new();
        let mut puts: Waiting<Put<'_, Fifo<u32>>> = Vec::new();
        let (mut accepted, mut delivered) = (Vec::new(), Vec::new());
        let mut value = 0u32;
        let mut shut = false;
        for _ in 0..150 {
            match next(9) {
                0 => {
                    value += 1;
                    match q.put_nowait(value) {
                        Ok(()) => accepted.push(value),
                        Err(e) => assert!(e.is_shut_down() == shut, "seed {seed}"),
                    }
                }
                1 => {
                    if let Ok(v) = q.get_nowait() {
                        delivered.push(v);
                    }
                }
                2 => {
                    let (w, c) = counting_waker();
                    let mut f = Box::pin(q.get());
                    match poll_with(&mut f, &w) {
                        Poll::Ready(Ok(v)) => delivered.push(v),
                        Poll::Ready(Err(_)) => assert!(shut, "seed {seed}"),
                        Poll::Pending => gets.push((f, w, c, 0, 0)),
                    }
                }
                3 => {
                    value += 1;
                    let (w, c) = counting_waker();
                    let mut f = Box::pin(q.put(value));
                    match poll_with(&mut f, &w) {
                        Poll::Ready(Ok(())) => accepted.push(value),
                        Poll::Ready(Err(_)) => assert!(shut, "seed {seed}"),
                        Poll::Pending => puts.push((f, w, c, 0, value)),
                    }
                }
                4 if !gets.is_empty() => drop(gets.remove(next(gets.len() as u64) as usize)),
                5 if !puts.is_empty() => drop(puts.remove(next(puts.len() as u64) as usize)),
                6 if !gets.is_empty() => {
                    // A spurious poll must not lose the waiter's place or promise.
                    let i = next(gets.len() as u64) as usize;
                    let (f, w, ..) = &mut gets[i];
                    if let Poll::Ready(out) = poll_with(f, w) {
                        match out {
                            Ok(v) => delivered.push(v),
                            Err(_) => assert!(shut, "seed {seed}"),
                        }
                        drop(gets.remove(i));
                    }
                }
                7 if next(40) == 0 && !shut => {
                    shut = true;
                    q.shutdown(false);
                }
                _ => {}
            }
            assert!(q.qsize() <= 3, "seed {seed}");
            // Half the time, leave woken waiters unpolled for a while (so drops, nowait
            // calls and new waiters land between a wake and its poll).
            if next(2) == 0 {
                continue;
            }
            // Run what was woken, as an executor would, until nothing is.
            let (acc, del) = (&mut accepted, &mut delivered);
            loop {
                let g = poll_woken(&mut gets, |out, _| match out {
                    Ok(v) => del.push(v),
                    Err(_) => assert!(shut, "seed {seed}"),
                });
                let p = poll_woken(&mut puts, |out, value| match out {
                    Ok(()) => acc.push(value),
                    Err(e) => assert!(shut && e.into_inner() == value, "seed {seed}"),
                });
                if !g && !p {
                    break;
                }
            }
            if !gets.is_empty() {
                assert!(
                    q.get_nowait().is_err(),
                    "seed {seed}: a getter sleeps beside an item"
                );
            }
            if !puts.is_empty() {
                assert!(q.full(), "seed {seed}: a putter sleeps beside free room");
            }
            // Every woken putter ran, so no room is still promised: none was leaked.
            assert_eq!(q.full(), q.qsize() == 3, "seed {seed}: room lost");
        }
        drop((gets, puts));
        q.shutdown(false);
        while let Ok(v) = q.get_nowait() {
            delivered.push(v);
        }
        // Every item out once, in the order it went in.
        assert_eq!(delivered, accepted, "seed {seed}");
        for _ in 0..delivered.len() {
            q.task_done();
        }
        assert_eq!(poll_noop(&mut Box::pin(q.join())), Poll::Ready(()));
    }
}
