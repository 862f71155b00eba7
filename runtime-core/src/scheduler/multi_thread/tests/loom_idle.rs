//! The idle protocol: no lost wakeup when work arrives as the last worker parks; the
//! searching count never goes negative or sticks.
use super::*;
use crate::loom::thread;
use crate::scheduler::multi_thread::idle::Idle;
use crate::scheduler::multi_thread::park::{Parker, SharedDriver};
use crate::scheduler::multi_thread::queue::Inject;

#[test]
fn loom_mt_task_pushed_while_last_worker_parks_still_runs() {
    model(|| {
        let idle = Arc::new(Idle::new(1));
        let inject = Arc::new(Inject::<u32>::new());
        let mut parker =
            Parker::new(SharedDriver::new(runtime_timer::Clock::new(true), 2, 1024).unwrap());
        let unparker = parker.unparker();
        let (i2, in2) = (idle.clone(), inject.clone());
        let producer = thread::spawn(move || {
            in2.push(7);
            if i2.worker_to_notify().is_some() {
                unparker.unpark();
            }
        });
        // The worker, as in worker.rs: search, find nothing, park as the last searcher.
        let mut searching = idle.transition_worker_to_searching();
        let got = loop {
            if let Some(v) = inject.pop() {
                break v;
            }
            if idle.transition_worker_to_parked(0, searching) {
                crate::loom::sync::atomic::fence(SeqCst);
                // The last searcher re-checks; with one worker the sleeper it wakes is
                // itself.
                if !inject.is_empty() {
                    let _ = idle.worker_to_notify();
                }
            }
            // Woken by a notifier, which counted us as searching again.
            while idle.is_parked(0) {
                parker.park();
            }
            searching = true;
        };
        producer.join().unwrap();
        assert_eq!(got, 7);
        if searching {
            idle.transition_worker_from_searching();
        }
        assert_eq!(idle.num_searching(), 0);
        assert_eq!(idle.num_unparked(), 1);
    });
}

#[test]
fn loom_mt_searching_count_balances() {
    model(|| {
        let idle = Arc::new(Idle::new(2));
        let ths: Vec<_> = (0..2)
            .map(|w| {
                let idle = idle.clone();
                thread::spawn(move || {
                    let searching = idle.transition_worker_to_searching();
                    if searching {
                        idle.transition_worker_from_searching();
                    }
                    // Park and be woken again (by ourselves or the other worker).
                    idle.transition_worker_to_parked(w, false);
                    if idle.worker_to_notify().is_some() {
                        idle.transition_worker_from_searching();
                    }
                })
            })
            .collect();
        for t in ths {
            t.join().unwrap();
        }
        assert_eq!(idle.num_searching(), 0, "searching count stuck");
        // Whoever was not notified is still on the sleepers list.
        let parked = (0..2).filter(|w| idle.is_parked(*w)).count();
        assert_eq!(idle.num_unparked() + parked, 2);
    });
}
