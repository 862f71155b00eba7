//! `TaskGroup` (asyncio's `TaskGroup`): the first failure cancels the other members,
//! `join` returns only after every member's future is gone and lists every failure in
//! order; dropping the group (or cancelling whoever awaits it) cancels the members.

mod support;

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;

use runtime::TaskGroup;
use support::{DropCounter, PanicOnDrop, EXPECTED};

#[test]
fn all_members_succeed() {
    support::run_local(async {
        let group = TaskGroup::new();
        assert!(group.is_empty());
        let handles: Vec<_> = (0..10)
            .map(|i| {
                group.spawn_fallible(async move {
                    runtime::yield_now().await;
                    Ok::<_, String>(i * 2)
                })
            })
            .collect();
        assert_eq!(group.len(), 10);
        assert!(!group.is_cancelling());
        group.join().await.unwrap();
        let mut sum = 0;
        for h in handles {
            assert!(h.is_finished(), "join returned before a member finished");
            sum += h.await.unwrap().unwrap();
        }
        assert_eq!(sum, 90);
    });
}

#[test]
fn unit_members() {
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    support::run_local(async move {
        let group = TaskGroup::new();
        for _ in 0..5 {
            let c = c.clone();
            drop(group.spawn(async move {
                runtime::yield_now().await;
                c.fetch_add(1, SeqCst);
            }));
        }
        group.join().await.unwrap();
        assert_eq!(c.load(SeqCst), 5, "join returned before the members ran");
    });
}

#[test]
fn empty_group_joins_at_once() {
    support::run_local(async {
        TaskGroup::new().join().await.unwrap();
    });
}

#[test]
fn one_failure_cancels_the_others() {
    let drops = DropCounter::new();
    let d = drops.clone();
    support::run_local(async move {
        let group = TaskGroup::new();
        let slow: Vec<_> = (0..4)
            .map(|_| group.spawn_fallible(d.wrap(std::future::pending::<Result<(), String>>())))
            .collect();
        let failing = group.spawn_fallible(async {
            runtime::yield_now().await;
            Err::<(), _>("disk full")
        });
        let failing_id = failing.id();
        let err = group.join().await.unwrap_err();
        // Cancellation is complete when reported.
        assert_eq!(
            d.count(),
            4,
            "join returned before the cancelled members were dropped"
        );
        assert_eq!(err.failures().len(), 1);
        let f = &err.failures()[0];
        assert_eq!(f.id(), failing_id);
        assert!(!f.is_panic());
        assert_eq!(f.message(), "disk full");
        let text = err.to_string();
        assert!(
            text.contains("disk full") && text.contains(&failing_id.to_string()),
            "{text}"
        );
        for h in slow {
            assert!(h.await.unwrap_err().is_cancelled());
        }
        assert_eq!(failing.await.unwrap(), Err("disk full"));
    });
    assert_eq!(drops.count(), 4);
}

#[test]
fn several_failures_are_listed_in_order() {
    // The first member fails; the others fail while being cancelled (their cleanup panics,
    // like an asyncio task raising from its `finally`). Every failure is reported, first
    // one first, each with its task's id.
    support::install_panic_hook();
    support::run_local(async {
        let group = TaskGroup::new();
        let a = group.spawn_fallible(async {
            let bomb = PanicOnDrop("cleanup of member a");
            std::future::pending::<()>().await;
            drop(bomb);
            Ok::<(), String>(())
        });
        let b = group.spawn_fallible(async {
            let bomb = PanicOnDrop("cleanup of member b");
            std::future::pending::<()>().await;
            drop(bomb);
            Ok::<(), String>(())
        });
        runtime::yield_now().await;
        let failing = group.spawn_fallible(async { Err::<(), _>("first".to_string()) });
        let ids = [failing.id(), a.id(), b.id()];
        let err = group.join().await.unwrap_err();
        let got: Vec<_> = err.failures().iter().map(|f| f.id()).collect();
        assert_eq!(got, ids, "failures: {err}");
        assert!(!err.failures()[0].is_panic());
        assert_eq!(err.failures()[0].message(), "first");
        assert!(err.failures()[1].is_panic());
        assert!(err.failures()[1].message().contains("cleanup of member a"));
        assert!(err.failures()[2].is_panic());
        assert!(err.failures()[2].message().contains("cleanup of member b"));
        assert!(a.await.unwrap_err().is_panic());
        assert!(b.await.unwrap_err().is_panic());
    });
}

fn bad_luck() -> bool {
    true
}

#[test]
fn panicking_member_counts_as_failure() {
    support::install_panic_hook();
    let drops = DropCounter::new();
    let d = drops.clone();
    support::run_local(async move {
        let group = TaskGroup::new();
        let other = group.spawn(d.pending::<()>());
        let bad = group.spawn(async {
            runtime::yield_now().await;
            if bad_luck() {
                panic!("{EXPECTED}: member");
            }
        });
        let bad_id = bad.id();
        let err = group.join().await.unwrap_err();
        assert_eq!(d.count(), 1);
        assert_eq!(err.failures().len(), 1);
        assert_eq!(err.failures()[0].id(), bad_id);
        assert!(err.failures()[0].is_panic());
        assert_eq!(err.failures()[0].message(), "expected panic: member");
        assert!(err.to_string().contains("panicked"), "{err}");
        assert!(bad.await.unwrap_err().is_panic());
        assert!(other.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn failure_while_the_body_is_still_spawning() {
    let drops = DropCounter::new();
    let polled = Arc::new(AtomicBool::new(false));
    let (d, p) = (drops.clone(), polled.clone());
    support::run_local(async move {
        let group = TaskGroup::new();
        let first = group.spawn_fallible(async { Err::<(), _>("early") });
        runtime::yield_now().await;
        assert!(first.is_finished());
        assert!(group.is_cancelling());
        // Spawning into a cancelling group: the member never runs.
        let late = group.spawn_fallible(d.wrap(async move {
            p.store(true, SeqCst);
            Ok::<(), &str>(())
        }));
        let err = group.join().await.unwrap_err();
        assert_eq!(err.failures().len(), 1);
        assert_eq!(err.failures()[0].message(), "early");
        assert!(late.await.unwrap_err().is_cancelled());
        assert_eq!(d.count(), 1);
    });
    assert!(
        !polled.load(SeqCst),
        "a member spawned into a cancelling group ran"
    );
}

#[test]
fn dropping_the_group_cancels_members() {
    let drops = DropCounter::new();
    let d = drops.clone();
    support::run_local(async move {
        let group = TaskGroup::new();
        let handles: Vec<_> = (0..5).map(|_| group.spawn(d.pending::<()>())).collect();
        runtime::yield_now().await;
        drop(group);
        for h in handles {
            assert!(h.await.unwrap_err().is_cancelled());
        }
        assert_eq!(d.count(), 5);
    });
}

#[test]
fn dropping_the_join_future_cancels_members() {
    let drops = DropCounter::new();
    let d = drops.clone();
    support::run_local(async move {
        let group = TaskGroup::new();
        let handles: Vec<_> = (0..3).map(|_| group.spawn(d.pending::<()>())).collect();
        let mut join = Box::pin(group.join());
        let (waker, _) = support::counting_waker();
        assert!(join
            .as_mut()
            .poll(&mut std::task::Context::from_waker(&waker))
            .is_pending());
        drop(join);
        for h in handles {
            assert!(h.await.unwrap_err().is_cancelled());
        }
        assert_eq!(d.count(), 3);
    });
}

#[test]
fn cancelling_the_task_that_awaits_join_cancels_members() {
    let drops = DropCounter::new();
    let d = drops.clone();
    support::run_local(async move {
        let started = Arc::new(AtomicUsize::new(0));
        let s = started.clone();
        let d2 = d.clone();
        let owner = runtime::spawn(async move {
            let group = TaskGroup::new();
            for _ in 0..4 {
                let s = s.clone();
                drop(group.spawn(d2.wrap(async move {
                    s.fetch_add(1, SeqCst);
                    std::future::pending::<()>().await
                })));
            }
            group.join().await
        });
        support::yield_until(|| started.load(SeqCst) == 4, 10, "the members to start").await;
        owner.abort();
        assert!(owner.await.unwrap_err().is_cancelled());
        support::yield_until(|| d.count() == 4, 10, "the members to be dropped").await;
    });
    assert_eq!(drops.count(), 4);
}

#[test]
fn nested_groups_are_cancelled_from_the_outside() {
    let inner_drops = DropCounter::new();
    let d = inner_drops.clone();
    support::run_local(async move {
        let started = Arc::new(AtomicUsize::new(0));
        let outer = TaskGroup::new();
        for _ in 0..2 {
            let (d, s) = (d.clone(), started.clone());
            drop(outer.spawn_fallible(async move {
                let inner = TaskGroup::new();
                for _ in 0..3 {
                    let s = s.clone();
                    drop(inner.spawn(d.wrap(async move {
                        s.fetch_add(1, SeqCst);
                        std::future::pending::<()>().await
                    })));
                }
                inner.join().await.map_err(|e| e.to_string())
            }));
        }
        let s = started.clone();
        drop(outer.spawn_fallible(async move {
            support::yield_until(|| s.load(SeqCst) == 6, 10, "the inner members to start").await;
            Err::<(), _>("outer member failed")
        }));
        let err = outer.join().await.unwrap_err();
        assert_eq!(err.failures().len(), 1);
        assert_eq!(err.failures()[0].message(), "outer member failed");
        support::yield_until(|| d.count() == 6, 10, "the inner members to be dropped").await;
    });
    assert_eq!(inner_drops.count(), 6);
}

#[test]
fn inner_failure_propagates_to_the_outer_group() {
    let drops = DropCounter::new();
    let d = drops.clone();
    support::run_local(async move {
        let outer = TaskGroup::new();
        let bystander = outer.spawn_fallible(d.pending::<Result<(), String>>());
        let nested = outer.spawn_fallible(async move {
            let inner = TaskGroup::new();
            drop(inner.spawn_fallible(async { Err::<(), _>("inner failure") }));
            inner.join().await.map_err(|e| e.to_string())
        });
        let err = outer.join().await.unwrap_err();
        assert_eq!(err.failures().len(), 1);
        assert_eq!(err.failures()[0].id(), nested.id());
        assert!(
            err.failures()[0].message().contains("inner failure"),
            "{err}"
        );
        assert!(bystander.await.unwrap_err().is_cancelled());
        assert_eq!(d.count(), 1);
    });
}

#[test]
fn group_with_many_members_and_a_late_failure() {
    let drops = DropCounter::new();
    let d = drops.clone();
    support::run_local(async move {
        let group = TaskGroup::new();
        let finished = Arc::new(AtomicUsize::new(0));
        for i in 0..200 {
            let f = finished.clone();
            drop(group.spawn_fallible(d.wrap(async move {
                for _ in 0..(i % 7) {
                    runtime::yield_now().await;
                }
                f.fetch_add(1, SeqCst);
                if i == 150 {
                    Err("member 150")
                } else if i % 2 == 0 {
                    Ok(())
                } else {
                    std::future::pending().await
                }
            })));
        }
        let err = group.join().await.unwrap_err();
        assert_eq!(err.failures().len(), 1);
        assert_eq!(err.failures()[0].message(), "member 150");
        assert_eq!(
            d.count(),
            200,
            "join returned before every member was dropped"
        );
    });
}
