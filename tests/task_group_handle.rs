//! `TaskGroup` as asyncio has it: members returning any value (`spawn`) or a `Result` whose
//! `Err` fails the group (`spawn_fallible`), members starting siblings through a
//! `GroupHandle` (which `join` waits for), spawns refused once the group is finished or
//! cancelled at once while it is cancelling, `abort_all` from outside (reported by `join`)
//! and `cancel` ending the group early without failing it. Each rule on both flavors.

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use runtime::time::Instant;
use runtime::{GroupClosed, GroupHandle, TaskGroup};
use support::{DropCounter, PanicOnDrop};

/// Runs `body` on a current-thread runtime and on a two-worker multi-thread runtime.
fn both_flavors<F, Fut>(body: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    support::rt().block_on(body());
    support::rt_multi(2).block_on(body());
}

#[test]
fn handle_types() {
    support::assert_send::<GroupHandle>();
    support::assert_sync::<GroupHandle>();
    support::assert_clone::<GroupHandle>();
    support::assert_send::<GroupClosed>();
    let closed = fake_closed();
    let _: &dyn std::error::Error = &closed;
    assert!(format!("{closed:?}").contains("GroupClosed"));
}

/// A `GroupClosed` obtained the only way users can.
fn fake_closed() -> GroupClosed {
    support::rt().block_on(async {
        let group = TaskGroup::new();
        let tg = group.handle();
        drop(group);
        tg.spawn(async {}).unwrap_err()
    })
}

#[test]
fn plain_members_return_any_value() {
    both_flavors(|| async {
        let group = TaskGroup::new();
        let five = group.spawn(async { 5 });
        let text = group.spawn(async {
            runtime::yield_now().await;
            String::from("five")
        });
        let unit = group.spawn(async {});
        group.join().await.unwrap();
        // As in asyncio, every member is done once `join` returns (even on another worker).
        assert!(five.is_finished() && text.is_finished() && unit.is_finished());
        assert_eq!(five.await.unwrap(), 5);
        assert_eq!(text.await.unwrap(), "five");
        unit.await.unwrap();
    });
}

#[test]
fn fallible_err_fails_the_group_and_cancels_siblings() {
    both_flavors(|| async {
        let drops = DropCounter::new();
        let group = TaskGroup::new();
        let plain: Vec<_> = (0..3).map(|_| group.spawn(drops.pending::<u8>())).collect();
        let fallible: Vec<_> = (0..2)
            .map(|_| group.spawn_fallible(drops.pending::<Result<(), String>>()))
            .collect();
        let failing = group.spawn_fallible(async {
            runtime::yield_now().await;
            Err::<u8, _>("disk full")
        });
        let failing_id = failing.id();
        let err = group.join().await.unwrap_err();
        assert_eq!(
            drops.count(),
            5,
            "join returned before the siblings were dropped"
        );
        assert!(!err.is_aborted());
        assert_eq!(err.failures().len(), 1);
        assert_eq!(err.failures()[0].id(), failing_id);
        assert!(!err.failures()[0].is_panic());
        assert_eq!(err.failures()[0].message(), "disk full");
        for h in plain {
            assert!(h.await.unwrap_err().is_cancelled());
        }
        for h in fallible {
            assert!(h.await.unwrap_err().is_cancelled());
        }
        assert_eq!(failing.await.unwrap(), Err("disk full"));
        assert_eq!(drops.count(), 5, "a member was dropped twice");
    });
}

#[test]
fn a_plain_member_holding_an_err_value_does_not_fail_the_group() {
    // The documented way to keep an `Err` as a value: wrap it.
    support::run_local(async {
        let group = TaskGroup::new();
        let h = group.spawn(async { Some(Err::<(), _>("kept as a value")) });
        group.join().await.unwrap();
        assert_eq!(h.await.unwrap(), Some(Err("kept as a value")));
    });
}

#[test]
fn members_spawn_siblings_and_join_waits_for_them() {
    both_flavors(|| async {
        let done = Arc::new(AtomicUsize::new(0));
        let group = TaskGroup::new();
        let tg = group.handle();
        let d = done.clone();
        let parent = group.spawn(async move {
            let mut children = Vec::new();
            for i in 0..10u64 {
                let (d, tg2) = (d.clone(), tg.clone());
                children.push(
                    tg.spawn(async move {
                        runtime::sleep(Duration::from_millis(i)).await;
                        // A grandchild, started after the parent has returned.
                        let d2 = d.clone();
                        tg2.spawn(async move {
                            runtime::yield_now().await;
                            d2.fetch_add(1, SeqCst);
                        })
                        .unwrap();
                        d.fetch_add(1, SeqCst);
                        i
                    })
                    .unwrap(),
                );
            }
            children.len()
        });
        group.join().await.unwrap();
        assert_eq!(
            done.load(SeqCst),
            20,
            "join returned before every sibling finished"
        );
        assert_eq!(parent.await.unwrap(), 10);
    });
}

#[test]
fn join_waits_for_members_spawned_from_outside_while_it_waits() {
    let rt = support::rt_paused();
    rt.block_on(async {
        let group = TaskGroup::new();
        let tg = group.handle();
        let start = Instant::now();
        let _first = group.spawn(runtime::sleep(Duration::from_secs(1)));
        let late = Arc::new(AtomicBool::new(false));
        let l = late.clone();
        let outsider = runtime::spawn(async move {
            runtime::sleep(Duration::from_millis(500)).await;
            // Not a member: a plain task adding work to the group while `join` waits.
            tg.spawn(async move {
                runtime::sleep(Duration::from_secs(2)).await;
                l.store(true, SeqCst);
            })
            .unwrap();
        });
        group.join().await.unwrap();
        assert!(late.load(SeqCst));
        assert_eq!(start.elapsed(), Duration::from_millis(2500));
        outsider.await.unwrap();
    });
}

#[test]
fn spawn_after_join_returned_is_refused() {
    both_flavors(|| async {
        let group = TaskGroup::new();
        let tg = group.handle();
        drop(group.spawn(async { 1 }));
        group.join().await.unwrap();
        let drops = DropCounter::new();
        let polled = Arc::new(AtomicBool::new(false));
        let p = polled.clone();
        let err = tg
            .spawn(drops.wrap(async move { p.store(true, SeqCst) }))
            .unwrap_err();
        assert!(err.to_string().contains("task group is finished"), "{err}");
        let err = tg
            .spawn_fallible(drops.wrap(async { Ok::<(), String>(()) }))
            .unwrap_err();
        assert!(err.to_string().contains("start a new `TaskGroup`"), "{err}");
        assert_eq!(drops.count(), 2, "a refused future was kept");
        assert!(!polled.load(SeqCst), "a refused future ran");
        // Cancelling a finished group does nothing.
        tg.cancel();
        tg.abort_all();
        assert!(!tg.is_cancelling());
    });
}

#[test]
fn spawn_into_a_dropped_group_is_refused() {
    both_flavors(|| async {
        let drops = DropCounter::new();
        let group = TaskGroup::new();
        let tg = group.handle();
        let member = group.spawn(drops.pending::<()>());
        drop(group);
        assert!(tg.spawn(async {}).is_err());
        assert!(member.await.unwrap_err().is_cancelled());
        assert_eq!(drops.count(), 1);
    });
}

#[test]
fn spawn_into_a_cancelling_group_is_cancelled_at_once() {
    both_flavors(|| async {
        let drops = DropCounter::new();
        let polled = Arc::new(AtomicBool::new(false));
        let group = TaskGroup::new();
        let tg = group.handle();
        group
            .spawn_fallible(async { Err::<(), _>("early") })
            .await
            .unwrap()
            .unwrap_err();
        assert!(tg.is_cancelling());
        let p = polled.clone();
        let late = tg
            .spawn(drops.wrap(async move { p.store(true, SeqCst) }))
            .unwrap();
        let p = polled.clone();
        let late2 = tg
            .spawn_fallible(drops.wrap(async move {
                p.store(true, SeqCst);
                Ok::<(), String>(())
            }))
            .unwrap();
        assert!(late.await.unwrap_err().is_cancelled());
        assert!(late2.await.unwrap_err().is_cancelled());
        assert_eq!(drops.count(), 2);
        let err = group.join().await.unwrap_err();
        assert_eq!(err.failures().len(), 1);
        assert_eq!(err.failures()[0].message(), "early");
        assert!(
            !polled.load(SeqCst),
            "a member spawned into a cancelling group ran"
        );
    });
}

#[test]
fn abort_all_from_another_task() {
    both_flavors(|| async {
        let drops = DropCounter::new();
        let started = Arc::new(AtomicUsize::new(0));
        let group = TaskGroup::new();
        let mut members = Vec::new();
        for _ in 0..4 {
            let s = started.clone();
            members.push(group.spawn(drops.wrap(async move {
                s.fetch_add(1, SeqCst);
                std::future::pending::<()>().await
            })));
        }
        let s = started.clone();
        let finished = group.spawn(async move {
            s.fetch_add(1, SeqCst);
            7
        });
        let tg = group.handle();
        let s = started.clone();
        let aborter = runtime::spawn(async move {
            // Four members waiting, one finished: only the four are aborted.
            support::yield_until_patient(|| s.load(SeqCst) == 5, "the members to start").await;
            tg.abort_all();
            assert!(tg.is_cancelling());
        });
        let err = group.join().await.unwrap_err();
        assert!(err.is_aborted());
        assert!(err.failures().is_empty());
        assert!(err.to_string().contains("aborted"), "{err}");
        assert_eq!(
            drops.count(),
            4,
            "join returned before the members were dropped"
        );
        for h in members {
            assert!(h.await.unwrap_err().is_cancelled());
        }
        assert_eq!(finished.await.unwrap(), 7);
        aborter.await.unwrap();
        assert_eq!(drops.count(), 4);
    });
}

#[test]
fn abort_all_reports_failures_during_cancellation_too() {
    support::install_panic_hook();
    support::run_local(async {
        let group = TaskGroup::new();
        let bomb = group.spawn(async {
            let _bomb = PanicOnDrop("cleanup of an aborted member");
            std::future::pending::<()>().await
        });
        runtime::yield_now().await;
        group.abort_all();
        let err = group.join().await.unwrap_err();
        assert!(err.is_aborted());
        assert_eq!(err.failures().len(), 1);
        assert_eq!(err.failures()[0].id(), bomb.id());
        assert!(err.failures()[0].is_panic());
        let text = err.to_string();
        assert!(
            text.contains("aborted") && text.contains("1 member"),
            "{text}"
        );
        assert!(bomb.await.unwrap_err().is_panic());
    });
}

#[test]
fn a_member_ends_the_group_early_without_failing_it() {
    // Under paused time: `join` returns when the member cancels (1 s), not when the slow
    // members would have finished (1 h).
    let drops = DropCounter::new();
    let d = drops.clone();
    support::rt_paused().block_on(async move {
        let start = Instant::now();
        let group = TaskGroup::new();
        let slow: Vec<_> = (0..3)
            .map(|_| group.spawn(d.wrap(runtime::sleep(Duration::from_secs(3600)))))
            .collect();
        let slow_fallible =
            group.spawn_fallible(d.wrap(std::future::pending::<Result<(), String>>()));
        let tg = group.handle();
        let finder = group.spawn(d.wrap(async move {
            runtime::sleep(Duration::from_secs(1)).await;
            tg.cancel();
            "found it"
        }));
        group.join().await.unwrap();
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        assert_eq!(d.count(), 5);
        assert_eq!(finder.await.unwrap(), "found it");
        for h in slow {
            assert!(h.await.unwrap_err().is_cancelled());
        }
        assert!(slow_fallible.await.unwrap_err().is_cancelled());
    });
    assert_eq!(drops.count(), 5, "a member was dropped twice");
}

#[test]
fn cancel_on_both_flavors_and_a_canceller_that_keeps_waiting_is_aborted() {
    both_flavors(|| async {
        let drops = DropCounter::new();
        let group = TaskGroup::new();
        let other = group.spawn(drops.pending::<()>());
        let tg = group.handle();
        let canceller = group.spawn(drops.wrap(async move {
            runtime::yield_now().await;
            tg.cancel();
            // Aborted at this await: `cancel` ends the calling member too.
            std::future::pending::<()>().await
        }));
        group.join().await.unwrap();
        assert_eq!(drops.count(), 2);
        assert!(other.await.unwrap_err().is_cancelled());
        assert!(canceller.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn cancel_keeps_earlier_failures() {
    support::run_local(async {
        let group = TaskGroup::new();
        drop(group.spawn_fallible(async { Err::<(), _>("real failure") }));
        runtime::yield_now().await;
        group.cancel();
        let err = group.join().await.unwrap_err();
        assert!(!err.is_aborted());
        assert_eq!(err.failures()[0].message(), "real failure");
    });
}

#[test]
fn many_members_spawning_through_handles_on_the_multi_thread_runtime() {
    let rt = support::rt_multi(2);
    rt.block_on(async {
        let done = Arc::new(AtomicUsize::new(0));
        let group = TaskGroup::new();
        for _ in 0..50 {
            let (tg, d) = (group.handle(), done.clone());
            drop(group.spawn(async move {
                for _ in 0..20 {
                    let d = d.clone();
                    let child = tg.spawn(async move {
                        runtime::yield_now().await;
                        d.fetch_add(1, SeqCst);
                    });
                    drop(child.unwrap());
                }
            }));
        }
        group.join().await.unwrap();
        assert_eq!(done.load(SeqCst), 1000);
    });
}

/// Many rounds on two workers, members finishing on the other worker than `join`'s: each
/// member's handle says finished when `join` returns.
#[test]
fn every_member_handle_is_finished_when_join_returns() {
    let rt = support::rt_multi(2);
    rt.block_on(async {
        for round in 0..200 {
            let group = runtime::TaskGroup::new();
            let handles: Vec<_> = (0..8)
                .map(|i| {
                    group.spawn(async move {
                        runtime::yield_now().await;
                        i
                    })
                })
                .collect();
            group.join().await.unwrap();
            for (i, h) in handles.into_iter().enumerate() {
                assert!(
                    h.is_finished(),
                    "round {round}: member {i} not finished after join"
                );
                assert_eq!(h.await.unwrap(), i);
            }
        }
    });
}
