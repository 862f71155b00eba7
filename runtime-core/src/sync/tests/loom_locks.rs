//! The lock family's races (`batch_semaphore.rs` rules 1-5): a release against an
//! enqueue and against the fast path, close against an acquire, a waiter dropped with
//! permits partially assigned against a release, and the Mutex's hand-off.
use super::{block_on, model, poll_once};
use crate::loom::sync::Arc;
use crate::loom::thread;
use crate::sync::batch_semaphore::BatchSemaphore;
use crate::sync::{Condition, Mutex, RwLock};

/// Rule 3: a release either lands before the enqueuer's CAS or sees `WAITERS` and hands
/// the permit over under the lock; the waiter never sleeps forever.
#[test]
fn loom_semaphore_release_vs_enqueue() {
    model(|| {
        let sem = Arc::new(BatchSemaphore::new(0));
        let releaser = {
            let sem = sem.clone();
            thread::spawn(move || sem.release(1))
        };
        block_on(sem.acquire(1)).unwrap();
        releaser.join().unwrap();
        assert_eq!(sem.available_permits(), 0);
    });
}

/// Two acquire/release pairs on one permit: fast paths, enqueues and hand-offs
/// interleave, and the permit is never lost or doubled.
#[test]
fn loom_semaphore_fast_path_vs_waiter() {
    model(|| {
        let sem = Arc::new(BatchSemaphore::new(1));
        let other = {
            let sem = sem.clone();
            thread::spawn(move || {
                block_on(sem.acquire(1)).unwrap();
                sem.release(1);
            })
        };
        block_on(sem.acquire(1)).unwrap();
        sem.release(1);
        other.join().unwrap();
        assert_eq!(sem.available_permits(), 1);
    });
}

/// Three-way: a batch acquire that must wait (and may be served partly), a one-permit
/// acquire/release on the fast path, and a release adding the second permit. Every
/// permit ends back in the count and nobody sleeps forever.
#[test]
fn loom_semaphore_batch_vs_fast_path_vs_release() {
    model(|| {
        let sem = Arc::new(BatchSemaphore::new(1));
        let fast = {
            let sem = sem.clone();
            thread::spawn(move || {
                block_on(sem.acquire(1)).unwrap();
                sem.release(1);
            })
        };
        let adder = {
            let sem = sem.clone();
            thread::spawn(move || sem.release(1))
        };
        block_on(sem.acquire(2)).unwrap();
        sem.release(2);
        fast.join().unwrap();
        adder.join().unwrap();
        assert_eq!(sem.available_permits(), 2);
    });
}

/// Rule 5: an acquire racing `close` fails (it never sleeps forever), and the permit it
/// had set aside comes back.
#[test]
fn loom_semaphore_close_vs_acquire() {
    model(|| {
        let sem = Arc::new(BatchSemaphore::new(1));
        let closer = {
            let sem = sem.clone();
            thread::spawn(move || sem.close())
        };
        assert!(block_on(sem.acquire(2)).is_err());
        closer.join().unwrap();
        assert_eq!(sem.available_permits(), 1);
    });
}

/// Rule 4: a waiter dropped with a permit set aside, racing a release that may complete
/// it: the next waiter gets what it needs either way, and nothing leaks.
#[test]
fn loom_semaphore_drop_partial_vs_release() {
    model(|| {
        let sem = Arc::new(BatchSemaphore::new(1));
        let mut big = Box::pin(sem.acquire(2));
        assert!(poll_once(&mut big).is_pending()); // holds the free permit
        let small = {
            let sem = sem.clone();
            thread::spawn(move || {
                block_on(sem.acquire(1)).unwrap();
                sem.release(1);
            })
        };
        let releaser = {
            let sem = sem.clone();
            thread::spawn(move || sem.release(1))
        };
        drop(big);
        small.join().unwrap();
        releaser.join().unwrap();
        assert_eq!(sem.available_permits(), 2);
    });
}

/// Two threads increment under the Mutex: the unlock's hand-off and the fast path never
/// let both in, and no waiter is left asleep.
#[test]
fn loom_mutex_increment_from_two_threads() {
    model(|| {
        let m = Arc::new(Mutex::new(0usize));
        let other = {
            let m = m.clone();
            thread::spawn(move || *block_on(m.lock()) += 1)
        };
        *block_on(m.lock()) += 1;
        other.join().unwrap();
        assert_eq!(*m.try_lock().unwrap(), 2);
    });
}

/// A writer writes twice under the lock while a reader reads: the reader sees the data
/// before or after the write, never half of it, and neither sleeps forever.
#[test]
fn loom_rwlock_writer_vs_reader() {
    model(|| {
        let lock = Arc::new(RwLock::with_max_readers((0usize, 0usize), 2));
        let reader = {
            let lock = lock.clone();
            thread::spawn(move || {
                let g = block_on(lock.read());
                assert_eq!(g.0, g.1, "a half write");
            })
        };
        {
            let mut g = block_on(lock.write());
            g.0 += 1;
            g.1 += 1;
        }
        reader.join().unwrap();
        assert_eq!(*lock.try_read().unwrap(), (1, 1));
    });
}

/// A writer that collected some read permits is dropped while the last reader leaves: the
/// reader queued behind it gets in either way.
#[test]
fn loom_rwlock_cancelled_writer_vs_reader_leaving() {
    model(|| {
        // std's `Arc`: the owned guards take one.
        let lock = std::sync::Arc::new(RwLock::with_max_readers((), 2));
        let r1 = lock.clone().try_read_owned().unwrap();
        let mut writer = Box::pin(lock.write());
        assert!(poll_once(&mut writer).is_pending());
        let reader = {
            let lock = lock.clone();
            thread::spawn(move || drop(block_on(lock.read())))
        };
        let leaver = thread::spawn(move || drop(r1));
        drop(writer);
        reader.join().unwrap();
        leaver.join().unwrap();
        assert!(lock.try_write().is_ok());
    });
}

/// `wait` queues before it unlocks, so a notifier that sets the flag under the lock and
/// then notifies always wakes it.
#[test]
fn loom_condition_notify_vs_wait() {
    model(|| {
        let cond = Arc::new(Condition::new(false));
        let notifier = {
            let cond = cond.clone();
            thread::spawn(move || {
                *block_on(cond.lock()) = true;
                cond.notify(1);
            })
        };
        block_on(async {
            let g = cond.lock().await;
            assert!(*cond.wait_for(g, |set| *set).await);
        });
        notifier.join().unwrap();
    });
}

/// A notified waiter dropped while the notify races it: the other waiter, queued behind
/// it, is woken either directly or by the passed-on notification.
#[test]
fn loom_condition_cancel_after_notify_passes_it_on() {
    model(|| {
        let cond = Arc::new(Condition::new(()));
        let mut first = Box::pin(cond.wait(cond.mutex().try_lock().unwrap()));
        assert!(poll_once(&mut first).is_pending());
        let mut second = Box::pin(cond.wait(cond.mutex().try_lock().unwrap()));
        assert!(poll_once(&mut second).is_pending());
        let notifier = {
            let cond = cond.clone();
            thread::spawn(move || cond.notify(1))
        };
        drop(first);
        drop(block_on(second));
        notifier.join().unwrap();
    });
}
