//! `runtime::sync::Mutex` (asyncio's Lock): the asyncio docs' example, mutual exclusion on
//! both flavors, FIFO hand-off, cancel-safety between a wake and a poll, `blocking_lock`
//! from plain threads, owned guards, `try_lock`, `Send`/`Sync`.

mod support;

use runtime::sync::{Mutex, MutexGuard, OwnedMutexGuard, TryLockError};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::Poll;

use support::{counting_waker, poll_with, rt_multi};

#[runtime::test]
async fn asyncio_lock_example() {
    let lock = Mutex::new(());
    {
        let _g = lock.lock().await; // `async with lock:`
        assert!(lock.try_lock().is_err(), "held inside the block");
    }
    assert!(lock.try_lock().is_ok(), "released after the block");
}

/// Tasks increment a counter read-yield-write under the lock: any overlap loses updates.
async fn increments(tasks: usize, each: usize) {
    let m = Arc::new(Mutex::new(0usize));
    let mut hs = Vec::new();
    for _ in 0..tasks {
        let m = m.clone();
        hs.push(runtime::spawn(async move {
            for _ in 0..each {
                let mut g = m.lock().await;
                let v = *g;
                runtime::yield_now().await;
                *g = v + 1;
            }
        }));
    }
    for h in hs {
        h.await.unwrap();
    }
    assert_eq!(*m.lock().await, tasks * each);
}

#[runtime::test]
async fn mutual_exclusion_current_thread() {
    increments(8, 50).await;
}

#[test]
fn mutual_exclusion_multi_thread() {
    rt_multi(2).block_on(increments(4, 500));
}

#[runtime::test]
async fn waiters_get_the_lock_in_fifo_order() {
    let m = Arc::new(Mutex::new(Vec::new()));
    let g = m.lock().await;
    let mut hs = Vec::new();
    for i in 0..5 {
        let m = m.clone();
        hs.push(runtime::spawn(async move { m.lock().await.push(i) }));
        runtime::yield_now().await; // task i queues before task i + 1 is spawned
    }
    drop(g);
    for h in hs {
        h.await.unwrap();
    }
    assert_eq!(*m.lock().await, [0, 1, 2, 3, 4]);
}

#[test]
fn unlock_hands_the_lock_to_the_first_waiter_without_barging() {
    let m = Mutex::new(1);
    let (w, _) = counting_waker();
    let g = m.try_lock().unwrap();
    let mut waiter = Box::pin(m.lock());
    assert!(poll_with(&mut waiter, &w).is_pending());
    drop(g);
    assert!(m.try_lock().is_err(), "the lock now belongs to the waiter");
    assert!(matches!(poll_with(&mut waiter, &w), Poll::Ready(_)));
}

#[test]
fn cancel_between_wake_and_poll_passes_the_lock_on() {
    let m = Mutex::new(0);
    let (w1, first_woken) = counting_waker();
    let (w2, second_woken) = counting_waker();
    let g = m.try_lock().unwrap();
    let mut first = Box::pin(m.lock());
    let mut second = Box::pin(m.lock());
    assert!(poll_with(&mut first, &w1).is_pending());
    assert!(poll_with(&mut second, &w2).is_pending());
    drop(g);
    assert_eq!(first_woken.count(), 1);
    drop(first);
    assert_eq!(second_woken.count(), 1);
    match poll_with(&mut second, &w2) {
        Poll::Ready(mut g) => *g += 1,
        Poll::Pending => panic!("the lock went to the second waiter"),
    }
    drop(second);
    assert_eq!(*m.try_lock().unwrap(), 1);
}

#[test]
fn blocking_lock_from_plain_threads_against_tasks() {
    let m = Arc::new(Mutex::new(0));
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let m = m.clone();
            std::thread::spawn(move || {
                for _ in 0..200 {
                    *m.blocking_lock() += 1;
                }
            })
        })
        .collect();
    rt_multi(2).block_on(async {
        for _ in 0..200 {
            *m.lock().await += 1;
            runtime::yield_now().await;
        }
    });
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(*m.blocking_lock(), 600);
}

#[test]
#[should_panic(expected = "`Mutex::blocking_lock` cannot block a runtime thread")]
fn blocking_lock_on_a_runtime_thread_panics() {
    let rt = runtime::Builder::new_current_thread().build().unwrap();
    let m = Mutex::new(0);
    rt.block_on(async {
        drop(m.blocking_lock());
    });
}

#[test]
fn owned_guards_move_into_tasks_on_both_flavors() {
    for rt in [
        runtime::Builder::new_current_thread().build().unwrap(),
        rt_multi(2),
    ] {
        rt.block_on(async {
            let m = Arc::new(Mutex::new(String::new()));
            let mut g = m.clone().lock_owned().await;
            assert!(m.clone().try_lock_owned().is_err());
            let waiter = runtime::spawn({
                let m = m.clone();
                async move { m.lock_owned().await.push('b') }
            });
            runtime::spawn(async move {
                assert!(Arc::ptr_eq(
                    OwnedMutexGuard::mutex(&g),
                    &OwnedMutexGuard::mutex(&g).clone()
                ));
                g.push('a');
            })
            .await
            .unwrap();
            waiter.await.unwrap();
            assert_eq!(*m.lock().await, "ab");
        });
    }
}

#[test]
fn get_mut_into_inner_default_debug_and_errors() {
    let mut m = Mutex::new(vec![1]);
    m.get_mut().push(2);
    assert_eq!(format!("{m:?}"), "Mutex { data: [1, 2] }");
    {
        let g = m.try_lock().unwrap();
        assert_eq!(format!("{m:?}"), "Mutex { data: <locked> }");
        assert!(std::ptr::eq(MutexGuard::mutex(&g), &m));
        let e: TryLockError = m.try_lock().unwrap_err();
        assert!(e.to_string().contains("held"));
    }
    assert_eq!(m.into_inner(), [1, 2]);
    assert_eq!(*Mutex::<u8>::default().try_lock().unwrap(), 0);
    // The data is dropped exactly once, by `into_inner`'s caller or the mutex's drop.
    let drops = Arc::new(AtomicUsize::new(0));
    struct D(Arc<AtomicUsize>);
    impl Drop for D {
        fn drop(&mut self) {
            self.0.fetch_add(1, SeqCst);
        }
    }
    drop(Mutex::new(D(drops.clone())).into_inner());
    drop(Mutex::new(D(drops.clone())));
    assert_eq!(drops.load(SeqCst), 2);
}

static GLOBAL: Mutex<u32> = Mutex::const_new(0);

#[runtime::test]
async fn const_new_in_a_static() {
    *GLOBAL.lock().await += 1;
    assert!(*GLOBAL.lock().await >= 1);
}

#[runtime::test]
async fn locking_a_free_mutex_in_a_loop_spends_the_budget() {
    let m = Mutex::new(());
    let stop = Arc::new(AtomicBool::new(false));
    let s = stop.clone();
    let _setter = runtime::spawn(async move { s.store(true, SeqCst) });
    while !stop.load(SeqCst) {
        drop(m.lock().await);
    }
}

#[test]
fn types_are_send_and_sync_like_tokio() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<Mutex<u8>>();
    send_sync::<Mutex<std::cell::Cell<u8>>>(); // Sync needs only T: Send
    send_sync::<MutexGuard<'static, u8>>();
    send::<MutexGuard<'static, std::cell::Cell<u8>>>();
    send_sync::<OwnedMutexGuard<u8>>();
    send_sync::<TryLockError>();
    fn send_val<T: Send>(_: &T) {}
    let m = Mutex::new(1);
    send_val(&m.lock());
    send_val(&Arc::new(Mutex::new(1)).lock_owned());
}

#[test]
fn mapped_guards_keep_the_lock_and_a_panicking_map_unlocks() {
    use runtime::sync::MappedMutexGuard;
    rt_multi(2).block_on(async {
        let m = Arc::new(Mutex::new((0u32, String::new())));
        let mut s = MutexGuard::map(m.lock().await, |t| &mut t.1);
        let m2 = m.clone();
        let other = runtime::spawn(async move { m2.lock().await.0 += 1 });
        runtime::yield_now().await;
        s.push('x'); // still exclusive across the await
        drop(s);
        other.await.unwrap();
        assert_eq!(*m.lock().await, (1, "x".to_string()));
        let g = m.try_lock().unwrap();
        let g = match MutexGuard::try_map(g, |_| None::<&mut u8>) {
            Err(g) => g,
            Ok(_) => panic!("nothing to map to"),
        };
        let n = MappedMutexGuard::map(MutexGuard::map(g, |t| t), |t| &mut t.0);
        assert_eq!(*n, 1);
        drop(n);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            MutexGuard::map(m.try_lock().unwrap(), |_: &mut (u32, String)| -> &mut u8 {
                panic!("expected panic in map")
            })
        }));
        assert!(caught.is_err());
        assert!(m.try_lock().is_ok(), "the panicking map unlocked");
    });
    fn send_sync<T: Send + Sync>() {}
    send_sync::<MappedMutexGuard<'static, u8>>();
    send_sync::<MappedMutexGuard<'static, str>>();
}
