//! `runtime::sync::RwLock`: shared readers, exclusive writers, fairness (a queued writer
//! holds back later readers and collects permits as readers leave), cancel-safety,
//! `downgrade`, `blocking_*` from plain threads, owned guards, both flavors.

mod support;

use runtime::sync::{
    OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock, RwLockReadGuard, RwLockWriteGuard,
};
use std::sync::Arc;
use std::task::Poll;

use support::{counting_waker, poll_with, rt_multi};

#[runtime::test]
async fn readers_share_and_writers_exclude() {
    let lock = RwLock::new(1);
    let r1 = lock.read().await;
    let r2 = lock.read().await;
    assert_eq!(*r1 + *r2, 2);
    assert!(lock.try_write().is_err());
    drop((r1, r2));
    let mut w = lock.write().await;
    *w += 1;
    assert!(lock.try_read().is_err());
    assert!(lock.try_write().is_err());
    drop(w);
    assert_eq!(*lock.try_read().unwrap(), 2);
}

#[test]
fn a_queued_writer_holds_back_later_readers() {
    let lock = RwLock::new(0);
    let (w, _) = counting_waker();
    let r1 = lock.try_read().unwrap();
    let mut writer = Box::pin(lock.write());
    assert!(poll_with(&mut writer, &w).is_pending());
    assert!(lock.try_read().is_err(), "no barging past the writer");
    let mut reader = Box::pin(lock.read());
    assert!(poll_with(&mut reader, &w).is_pending());
    drop(r1);
    let g = match poll_with(&mut writer, &w) {
        Poll::Ready(g) => g,
        Poll::Pending => panic!("the writer is next"),
    };
    assert!(poll_with(&mut reader, &w).is_pending());
    drop(g);
    assert!(matches!(poll_with(&mut reader, &w), Poll::Ready(_)));
}

#[test]
fn a_writer_collects_permits_as_readers_leave() {
    let lock = RwLock::with_max_readers((), 3);
    let (w, woken) = counting_waker();
    let r1 = lock.try_read().unwrap();
    let r2 = lock.try_read().unwrap();
    let mut writer = Box::pin(lock.write());
    assert!(poll_with(&mut writer, &w).is_pending());
    drop(r1);
    assert_eq!(woken.count(), 0);
    assert!(poll_with(&mut writer, &w).is_pending());
    drop(r2);
    assert_eq!(woken.count(), 1);
    assert!(matches!(poll_with(&mut writer, &w), Poll::Ready(_)));
}

#[test]
fn a_cancelled_writer_lets_the_readers_behind_it_in() {
    let lock = RwLock::with_max_readers(0, 4);
    let (w, woken) = counting_waker();
    let r1 = lock.try_read().unwrap();
    let mut writer = Box::pin(lock.write());
    let mut reader = Box::pin(lock.read());
    assert!(poll_with(&mut writer, &w).is_pending()); // set aside 3 of 4 permits
    assert!(poll_with(&mut reader, &w).is_pending());
    drop(writer);
    assert_eq!(woken.count(), 1);
    assert!(matches!(poll_with(&mut reader, &w), Poll::Ready(_)));
    drop((r1, reader));
    assert!(lock.try_write().is_ok());
}

#[test]
fn cancel_between_wake_and_poll_passes_the_lock_on() {
    let lock = RwLock::new(0);
    let (w1, w1_woken) = counting_waker();
    let (wr, r_woken) = counting_waker();
    let held = lock.try_write().unwrap();
    let mut writer = Box::pin(lock.write());
    let mut reader = Box::pin(lock.read());
    assert!(poll_with(&mut writer, &w1).is_pending());
    assert!(poll_with(&mut reader, &wr).is_pending());
    drop(held);
    assert_eq!(w1_woken.count(), 1);
    drop(writer); // woken, never polled
    assert_eq!(r_woken.count(), 1);
    assert!(matches!(poll_with(&mut reader, &wr), Poll::Ready(_)));
}

#[runtime::test]
async fn downgrade_keeps_writers_out_and_lets_readers_in() {
    let lock = Arc::new(RwLock::new(1));
    let mut w = lock.write().await;
    *w = 2;
    let r = w.downgrade();
    assert_eq!(*lock.try_read().unwrap(), 2);
    assert!(lock.try_write().is_err());
    drop(r);
    assert!(lock.try_write().is_ok());
}

async fn readers_never_see_a_half_write(lock: Arc<RwLock<(u64, u64)>>, writes: u64) {
    let mut hs = Vec::new();
    for i in 0..4 {
        let lock = lock.clone();
        hs.push(runtime::spawn(async move {
            for _ in 0..writes {
                if i % 2 == 0 {
                    let mut g = lock.write().await;
                    g.0 += 1;
                    runtime::yield_now().await;
                    g.1 += 1;
                } else {
                    let g = lock.read().await;
                    let a = g.0;
                    runtime::yield_now().await;
                    assert_eq!((a, g.1), (g.0, g.0), "a reader saw a half write");
                }
            }
        }));
    }
    for h in hs {
        h.await.unwrap();
    }
    assert_eq!(*lock.read().await, (2 * writes, 2 * writes));
}

#[runtime::test]
async fn consistency_current_thread() {
    readers_never_see_a_half_write(Arc::new(RwLock::new((0, 0))), 100).await;
}

#[test]
fn consistency_multi_thread() {
    rt_multi(2).block_on(readers_never_see_a_half_write(
        Arc::new(RwLock::new((0, 0))),
        500,
    ));
}

#[test]
fn blocking_calls_from_plain_threads() {
    let lock = Arc::new(RwLock::new(0));
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let lock = lock.clone();
            std::thread::spawn(move || {
                for _ in 0..200 {
                    *lock.blocking_write() += 1;
                    let _ = *lock.blocking_read();
                }
            })
        })
        .collect();
    rt_multi(2).block_on(async {
        for _ in 0..200 {
            *lock.write().await += 1;
        }
    });
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(*lock.blocking_read(), 600);
}

#[test]
#[should_panic(expected = "`RwLock::blocking_write` cannot block a runtime thread")]
fn blocking_write_on_a_runtime_thread_panics() {
    let lock = RwLock::new(0);
    runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(async { drop(lock.blocking_write()) });
}

#[test]
#[should_panic(expected = "max_readers must be between 1")]
fn zero_max_readers_panics() {
    let _ = RwLock::with_max_readers(0, 0);
}

#[test]
fn owned_guards_on_both_flavors() {
    for rt in [
        runtime::Builder::new_current_thread().build().unwrap(),
        rt_multi(2),
    ] {
        rt.block_on(async {
            let lock = Arc::new(RwLock::new(1));
            let r = lock.clone().read_owned().await;
            assert!(lock.clone().try_write_owned().is_err());
            assert_eq!(runtime::spawn(async move { *r }).await.unwrap(), 1);
            let mut w = lock.clone().write_owned().await;
            assert!(lock.clone().try_read_owned().is_err());
            runtime::spawn(async move { *w += 1 }).await.unwrap();
            assert_eq!(*lock.clone().try_read_owned().unwrap(), 2);
        });
    }
}

#[test]
fn get_mut_into_inner_debug() {
    let mut lock = RwLock::new(vec![1]);
    lock.get_mut().push(2);
    assert_eq!(format!("{lock:?}"), "RwLock { data: [1, 2] }");
    {
        let _w = lock.try_write().unwrap();
        assert_eq!(format!("{lock:?}"), "RwLock { data: <locked> }");
    }
    assert_eq!(lock.into_inner(), [1, 2]);
    static S: RwLock<u8> = RwLock::const_new(7);
    assert_eq!(*S.try_read().unwrap(), 7);
}

#[test]
fn types_are_send_and_sync_like_tokio() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<RwLock<u8>>();
    send_sync::<RwLockReadGuard<'static, u8>>();
    send_sync::<RwLockWriteGuard<'static, u8>>();
    send_sync::<OwnedRwLockReadGuard<u8>>();
    send_sync::<OwnedRwLockWriteGuard<u8>>();
    fn send<T: Send>(_: &T) {}
    let lock = RwLock::new(1);
    send(&lock.read());
    send(&lock.write());
}
