//! Panics in tasks are contained: the runtime thread survives, the `JoinHandle` yields the
//! payload, other tasks carry on; panics while dropping a future or an output are
//! contained too.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;

use support::{DropCounter, PanicOnDrop, EXPECTED};

#[test]
fn panic_in_a_task_is_caught() {
    support::install_panic_hook();
    let rt = support::rt();
    let drops = DropCounter::new();
    let d = drops.clone();
    let out = rt.block_on(async move {
        let bystander = runtime::spawn(d.wrap(async {
            runtime::yield_now().await;
            runtime::yield_now().await;
            "still here"
        }));
        let h = runtime::spawn(d.wrap(async {
            runtime::yield_now().await;
            panic!("{EXPECTED}: in a task");
        }));
        let err = h.await.unwrap_err();
        assert!(err.is_panic());
        let payload = err.into_panic();
        assert_eq!(
            support::payload_text(&*payload),
            "expected panic: in a task"
        );
        bystander.await.unwrap()
    });
    assert_eq!(out, "still here");
    assert_eq!(drops.count(), 2, "the panicked future was not dropped");
    // The runtime is still usable afterwards.
    assert_eq!(
        rt.block_on(async { runtime::spawn(async { 1 }).await.unwrap() }),
        1
    );
}

#[test]
fn panics_in_ten_percent_of_tasks() {
    support::install_panic_hook();
    let drops = DropCounter::new();
    let d = drops.clone();
    let (ok, panicked) = runtime::run(async move {
        let handles: Vec<_> = (0..1_000usize)
            .map(|i| {
                runtime::spawn(d.wrap(async move {
                    runtime::yield_now().await;
                    if i % 10 == 3 {
                        panic!("{EXPECTED}: task {i}");
                    }
                    i
                }))
            })
            .collect();
        let (mut ok, mut panicked) = (0, 0);
        for (i, h) in handles.into_iter().enumerate() {
            match h.await {
                Ok(v) => {
                    assert_eq!(v, i);
                    ok += 1;
                }
                Err(e) => {
                    assert!(e.is_panic());
                    assert_eq!(
                        support::payload_text(&*e.into_panic()),
                        format!("{EXPECTED}: task {i}")
                    );
                    panicked += 1;
                }
            }
        }
        (ok, panicked)
    });
    assert_eq!((ok, panicked), (900, 100));
    assert_eq!(drops.count(), 1_000);
}

#[test]
fn panic_in_a_detached_task_is_contained() {
    support::install_panic_hook();
    let rt = support::rt();
    let drops = DropCounter::new();
    let d = drops.clone();
    rt.block_on(async move {
        drop(runtime::spawn(
            d.wrap(async { panic!("{EXPECTED}: detached") }),
        ));
        support::yield_until(|| d.count() == 1, 10, "the detached task to end").await;
        assert_eq!(runtime::spawn(async { 2 }).await.unwrap(), 2);
    });
    assert_eq!(rt.handle().metrics().num_alive_tasks(), 0);
}

#[test]
fn panic_while_dropping_an_aborted_future_is_contained() {
    support::install_panic_hook();
    let rt = support::rt();
    let drops = DropCounter::new();
    let d = drops.clone();
    rt.block_on(async move {
        let bomb = PanicOnDrop("future dropped on abort");
        let h = runtime::spawn(d.wrap(async move {
            let _bomb = bomb;
            std::future::pending::<()>().await
        }));
        runtime::yield_now().await;
        h.abort();
        let err = h.await.unwrap_err();
        // The drop panicked: the handle reports the panic with its payload.
        assert!(err.is_panic(), "{err:?}");
        assert_eq!(
            support::payload_text(&*err.into_panic()),
            "expected panic: future dropped on abort"
        );
        // The rest of the future was still dropped.
        assert_eq!(d.count(), 1);
        assert_eq!(runtime::spawn(async { 3 }).await.unwrap(), 3);
    });
}

#[test]
fn panic_while_dropping_a_completed_future_is_reported() {
    support::install_panic_hook();
    runtime::run(async {
        let h = runtime::spawn(async {
            let _bomb = PanicOnDrop("dropped at completion");
            // `_bomb` lives in the future's state across this yield, so it is dropped when
            // the future finishes.
            runtime::yield_now().await;
            5
        });
        // The future finished, but its destructor panicked.
        match h.await {
            Ok(v) => assert_eq!(v, 5),
            Err(e) => assert!(e.is_panic(), "{e:?}"),
        }
        assert_eq!(runtime::spawn(async { 6 }).await.unwrap(), 6);
    });
}

/// An output whose destructor panics.
struct BadOutput(#[allow(dead_code)] support::DropToken);

impl Drop for BadOutput {
    fn drop(&mut self) {
        panic!("{EXPECTED}: output dropped");
    }
}

#[test]
fn panic_while_dropping_a_detached_output_is_contained() {
    support::install_panic_hook();
    let rt = support::rt();
    let drops = DropCounter::new();
    let d = drops.clone();
    rt.block_on(async move {
        let token = d.token();
        drop(runtime::spawn(async move { BadOutput(token) }));
        support::yield_until(|| d.count() == 1, 10, "the output to be dropped").await;
        assert_eq!(runtime::spawn(async { 4 }).await.unwrap(), 4);
    });
    assert_eq!(drops.count(), 1);
}

#[test]
fn panic_while_dropping_an_output_with_the_handle_is_contained() {
    support::install_panic_hook();
    let rt = support::rt();
    let drops = DropCounter::new();
    let token = drops.token();
    let h = rt.spawn(async move { BadOutput(token) });
    rt.block_on(support::yield_until(
        || h.is_finished(),
        10,
        "the task to finish",
    ));
    // Dropping the handle drops the unread output; its panic stays inside the runtime.
    drop(h);
    assert_eq!(drops.count(), 1);
    assert_eq!(
        rt.block_on(async { runtime::spawn(async { 8 }).await.unwrap() }),
        8
    );
}

#[test]
fn panic_while_dropping_futures_at_shutdown_is_contained() {
    support::install_panic_hook();
    let rt = support::rt();
    let drops = DropCounter::new();
    for i in 0..20 {
        let token = drops.token();
        drop(rt.spawn(async move {
            let _token = token;
            let _bomb = (i % 2 == 0).then_some(PanicOnDrop("dropped at shutdown"));
            std::future::pending::<()>().await
        }));
    }
    rt.block_on(runtime::yield_now());
    drop(rt);
    assert_eq!(drops.count(), 20, "a panicking drop stopped the shutdown");
}

#[test]
fn panic_in_block_on_future_propagates_and_runtime_survives() {
    support::install_panic_hook();
    let rt = support::rt();
    let drops = DropCounter::new();
    let survivor = rt.spawn(drops.wrap(async {
        runtime::yield_now().await;
        11
    }));
    let caught = support::catch_panic(|| {
        rt.block_on(async {
            runtime::yield_now().await;
            panic!("in block_on's future");
        })
    })
    .unwrap_err();
    assert_eq!(caught.message, "in block_on's future");
    // The scheduler came back: the runtime still runs tasks, old and new.
    assert_eq!(rt.block_on(survivor).unwrap(), 11);
    assert_eq!(rt.block_on(rt.spawn(async { 12 })).unwrap(), 12);
    assert_eq!(drops.count(), 1);
}

#[test]
fn panic_in_a_waker_called_by_the_runtime_is_contained() {
    // A JoinHandle polled with a waker whose `wake` panics: completing the task calls it.
    support::install_panic_hook();
    struct PanicWaker(AtomicUsize);
    impl std::task::Wake for PanicWaker {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.fetch_add(1, SeqCst);
            panic!("{EXPECTED}: waker");
        }
    }
    let rt = support::rt();
    let (tx, rx) = support::oneshot::<()>();
    let mut h = rt.spawn(async move { rx.await.unwrap() });
    rt.block_on(runtime::yield_now());
    let inner = Arc::new(PanicWaker(AtomicUsize::new(0)));
    let waker = std::task::Waker::from(inner.clone());
    assert!(support::poll_with(&mut h, &waker).is_pending());
    tx.send(());
    rt.block_on(support::yield_until(
        || h.is_finished(),
        10,
        "the task to finish",
    ));
    assert_eq!(inner.0.load(SeqCst), 1);
    assert!(support::poll_with(&mut h, &waker).is_ready());
    assert_eq!(
        rt.block_on(async { runtime::spawn(async { 13 }).await.unwrap() }),
        13
    );
}
