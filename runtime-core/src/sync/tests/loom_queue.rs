//! The queue's races (`sync::queue`, invariants in its `state.rs`): a put racing a waiting
//! get, a shutdown racing a blocked get or put (and a get freeing room for that put), a
//! woken getter (or putter) dropped while the promise it holds is being made, and
//! `task_done` racing a joiner's registration.
use super::{block_on, model, poll_once};
use crate::loom::sync::atomic::{AtomicBool, Ordering::SeqCst};
use crate::loom::sync::Arc;
use crate::loom::thread;
use crate::sync::queue::{GetError, QueueShutDown};
use crate::sync::{LifoQueue, Queue};

/// Spins (yielding to loom) until `flag` is set.
fn wait_for(flag: &AtomicBool) {
    while !flag.load(SeqCst) {
        thread::yield_now();
    }
}

/// A put racing a getter's first poll: the getter either finds the item or is queued and
/// woken with the promise; the item is taken exactly once.
#[test]
fn loom_queue_put_vs_waiting_get() {
    model(|| {
        let q = Arc::new(Queue::new(0));
        let getter = {
            let q = q.clone();
            thread::spawn(move || block_on(q.get()))
        };
        q.put_nowait(1).unwrap();
        assert_eq!(getter.join().unwrap(), Ok(1));
        assert!(q.empty());
        assert!(
            q.get_nowait().unwrap_err().is_empty(),
            "no promise left over"
        );
    });
}

/// An immediate shutdown right after a put, racing a getter: the getter gets the item or
/// the error, never hangs; `join` then returns once what was taken is done.
#[test]
fn loom_queue_shutdown_vs_blocked_get() {
    model(|| {
        let q = Arc::new(Queue::new(0));
        let getter = {
            let q = q.clone();
            thread::spawn(move || block_on(q.get()))
        };
        q.put_nowait(1).unwrap();
        q.shutdown(true);
        match getter.join().unwrap() {
            Ok(1) => q.task_done(),
            Ok(other) => panic!("got {other}"),
            Err(QueueShutDown(())) => {}
        }
        block_on(q.join());
        assert!(q.empty());
        assert_eq!(q.get_nowait(), Err(GetError::ShutDown(QueueShutDown(()))));
    });
}

/// A plain shutdown racing a getter blocked on an empty queue, and a putter blocked on a
/// full one: both wake with the error.
#[test]
fn loom_queue_shutdown_vs_blocked_get_and_put() {
    model(|| {
        let empty = Arc::new(Queue::<u8>::new(0));
        let full = Arc::new(LifoQueue::new(1));
        full.put_nowait(0).unwrap();
        let getter = {
            let q = empty.clone();
            thread::spawn(move || block_on(q.get()))
        };
        let putter = {
            let q = full.clone();
            thread::spawn(move || block_on(q.put(1)))
        };
        empty.shutdown(false);
        full.shutdown(false);
        assert_eq!(getter.join().unwrap(), Err(QueueShutDown(())));
        assert_eq!(putter.join().unwrap(), Err(QueueShutDown(1)));
        assert_eq!(full.get_nowait(), Ok(0), "the item left drains");
    });
}

/// A getter dropped while a put promises it the item: the item reaches the next getter
/// (or, had the promise gone nowhere, stays), never lost, never twice.
#[test]
fn loom_queue_dropped_woken_getter_vs_put() {
    model(|| {
        let q = Arc::new(Queue::new(0));
        let queued = Arc::new(AtomicBool::new(false));
        let first = {
            let (q, queued) = (q.clone(), queued.clone());
            thread::spawn(move || {
                let mut g = Box::pin(q.get());
                assert!(poll_once(&mut g).is_pending());
                queued.store(true, SeqCst);
                drop(g);
            })
        };
        wait_for(&queued);
        let mut second = Box::pin(q.get());
        // Queued behind `first`, unless `first` is gone already.
        assert!(poll_once(&mut second).is_pending());
        let putter = {
            let q = q.clone();
            thread::spawn(move || q.put_nowait(7).unwrap())
        };
        assert_eq!(block_on(second), Ok(7));
        putter.join().unwrap();
        first.join().unwrap();
        assert!(q.empty());
        assert!(q.get_nowait().unwrap_err().is_empty());
    });
}

/// A putter dropped while a get promises it room: the room reaches the next putter, and
/// the dropped putter's item never enters the queue.
#[test]
fn loom_queue_dropped_woken_putter_vs_get() {
    model(|| {
        let q = Arc::new(Queue::new(1));
        q.put_nowait(0).unwrap();
        let queued = Arc::new(AtomicBool::new(false));
        let first = {
            let (q, queued) = (q.clone(), queued.clone());
            thread::spawn(move || {
                let mut p = Box::pin(q.put(1));
                assert!(poll_once(&mut p).is_pending());
                queued.store(true, SeqCst);
                drop(p);
            })
        };
        wait_for(&queued);
        let mut second = Box::pin(q.put(2));
        assert!(poll_once(&mut second).is_pending());
        let getter = {
            let q = q.clone();
            thread::spawn(move || q.get_nowait())
        };
        assert_eq!(block_on(second), Ok(()));
        assert_eq!(getter.join().unwrap(), Ok(0));
        first.join().unwrap();
        assert_eq!(q.get_nowait(), Ok(2));
        assert!(q.empty() && !q.full());
    });
}

/// `task_done` racing a joiner's registration: the joiner sees the count at 0 or is
/// queued and woken; it never sleeps forever.
#[test]
fn loom_queue_task_done_vs_join() {
    model(|| {
        let q = Arc::new(Queue::new(0));
        q.put_nowait(()).unwrap();
        q.put_nowait(()).unwrap();
        q.get_nowait().unwrap();
        q.get_nowait().unwrap();
        q.task_done();
        let worker = {
            let q = q.clone();
            thread::spawn(move || q.task_done())
        };
        block_on(q.join());
        worker.join().unwrap();
    });
}

/// A `get` freeing room for a blocked putter while the queue shuts down: the putter either
/// puts (its item then drains) or gets its item back; room is never left promised.
#[test]
fn loom_queue_get_vs_shutdown_with_blocked_put() {
    model(|| {
        let q = Arc::new(Queue::new(1));
        q.put_nowait(0).unwrap();
        let putter = {
            let q = q.clone();
            thread::spawn(move || block_on(q.put(1)))
        };
        let getter = {
            let q = q.clone();
            thread::spawn(move || q.get_nowait())
        };
        q.shutdown(false);
        assert_eq!(getter.join().unwrap(), Ok(0));
        match putter.join().unwrap() {
            Ok(()) => assert_eq!(q.get_nowait(), Ok(1)),
            Err(e) => assert_eq!(e.into_inner(), 1),
        }
        assert_eq!(q.get_nowait(), Err(GetError::ShutDown(QueueShutDown(()))));
        assert!(!q.full(), "no room is left promised");
    });
}
