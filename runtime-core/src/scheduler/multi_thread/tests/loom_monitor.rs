//! The monitor's sleep: it never sleeps through a worker that becomes busy, whichever way
//! the worker leaves the sleepers list, and shutdown ends its sleep. loom has no time, so
//! a sleep nobody ends is a deadlock the model reports.
use super::*;
use crate::loom::thread;
use crate::scheduler::multi_thread::idle::Idle;
use crate::scheduler::multi_thread::monitor::Monitor;

/// `n` workers, all on the sleepers list, and a monitor.
fn all_parked(n: usize) -> (Arc<Idle>, Arc<Monitor>) {
    let idle = Arc::new(Idle::new(n));
    for w in 0..n {
        let _ = idle.transition_worker_to_parked(w, false);
    }
    (idle, Arc::new(Monitor::new()))
}

/// The monitor's thread, as `monitor_main` calls it: sleeps while every worker sleeps.
fn monitor_thread(idle: &Arc<Idle>, monitor: &Arc<Monitor>) -> loom::thread::JoinHandle<bool> {
    let (idle, monitor) = (idle.clone(), monitor.clone());
    thread::spawn(move || monitor.sleep_while_idle(|| idle.num_unparked() == 0))
}

/// A parked worker woken by the driver (a timer, I/O) takes itself off the sleepers list
/// while the monitor decides to sleep.
#[test]
fn loom_monitor_sleep_vs_worker_woken_by_driver() {
    model(|| {
        let (idle, monitor) = all_parked(1);
        let m = monitor_thread(&idle, &monitor);
        // The worker, as `transition_from_parked` with local work.
        let unparked = idle.unpark_worker_by_id(0).expect("on the sleepers list");
        assert!(unparked.first);
        monitor.worker_unparked(unparked);
        assert!(m.join().unwrap(), "the monitor was told to stop");
        assert!(monitor.wakeups() <= 1, "slept at most once, and was woken");
    });
}

/// A notifier (a remote spawn) wakes a worker while the monitor decides to sleep, and a
/// second worker wakes by itself at the same time: only the first off the list reports
/// to the monitor, and that is enough.
#[test]
fn loom_monitor_sleep_vs_notify_and_driver_wake() {
    model(|| {
        let (idle, monitor) = all_parked(2);
        let m = monitor_thread(&idle, &monitor);
        let (i2, m2) = (idle.clone(), monitor.clone());
        let notifier = thread::spawn(move || {
            // As `Handle::notify_parked`, after pushing a task.
            let unparked = i2.worker_to_notify().expect("a sleeper to wake");
            m2.worker_unparked(unparked);
            unparked
        });
        // Whichever worker the notifier does not take wakes through its driver.
        let own = (0..2)
            .find_map(|w| idle.unpark_worker_by_id(w))
            .expect("the notifier takes only one");
        monitor.worker_unparked(own);
        let notified = notifier.join().unwrap();
        assert!(m.join().unwrap(), "the monitor was told to stop");
        assert_ne!(notified.worker, own.worker);
        assert!(
            notified.first != own.first,
            "exactly one worker moved the count off zero"
        );
        assert_eq!(idle.num_unparked(), 2);
    });
}

/// Shutdown while the monitor goes to sleep on an idle runtime: it exits.
#[test]
fn loom_monitor_stop_ends_the_idle_sleep() {
    model(|| {
        let (idle, monitor) = all_parked(2);
        let m = monitor_thread(&idle, &monitor);
        monitor.stop();
        assert!(!m.join().unwrap(), "the monitor kept running after stop");
        assert!(!monitor.sleep_while_idle(|| idle.num_unparked() == 0));
    });
}
