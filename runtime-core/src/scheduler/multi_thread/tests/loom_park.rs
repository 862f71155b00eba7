//! Parking with the shared driver: whichever way each worker sleeps (driver or condvar),
//! an unpark reaches it, only one holds the driver at a time, and a timer registered
//! while the driver's owner sleeps past it wakes the owner.
use super::*;
use crate::loom::sync::atomic::AtomicBool;
use crate::loom::thread;
use crate::scheduler::multi_thread::park::{Parker, SharedDriver};

#[test]
fn loom_mt_park_unpark_through_driver_or_condvar() {
    model(|| {
        let driver = SharedDriver::new(runtime_timer::Clock::new(true), 2).unwrap();
        let flags = Arc::new([AtomicBool::new(false), AtomicBool::new(false)]);
        let mut unparkers = Vec::new();
        let mut ths = Vec::new();
        for i in 0..2 {
            let mut p = Parker::new(driver.clone());
            unparkers.push(p.unparker());
            let f = flags.clone();
            ths.push(thread::spawn(move || {
                while !f[i].load(SeqCst) {
                    p.park();
                }
            }));
        }
        for (i, u) in unparkers.iter().enumerate() {
            flags[i].store(true, SeqCst);
            u.unpark();
        }
        for t in ths {
            t.join().unwrap();
        }
    });
}

#[test]
fn loom_mt_driver_single_owner() {
    model(|| {
        let driver = SharedDriver::new(runtime_timer::Clock::new(true), 2).unwrap();
        let mut p1 = Parker::new(driver.clone());
        let mut p2 = Parker::new(driver.clone());
        let (u1, u2) = (p1.unparker(), p2.unparker());
        let t = thread::spawn(move || {
            // A zero-timeout poll from a busy worker, racing a worker parking on the driver.
            p2.poll_driver();
        });
        u1.unpark();
        p1.park();
        t.join().unwrap();
        drop(u2);
    });
}

/// A worker registers a timer that is due now while another parks on the driver with a
/// later timer pending: the sleeper either reads the new deadline (and does not sleep)
/// or is woken by the registration. loom has no time, so a sleep that nobody ends is a
/// deadlock the model reports.
#[test]
fn loom_mt_timer_registration_wakes_parked_driver() {
    model(|| {
        let driver = SharedDriver::new(runtime_timer::Clock::new(true), 2).unwrap();
        let time = driver.time().clone();
        // Past the wheels' own "now" (their start), so the due timer goes into a wheel
        // and is published, instead of firing at registration.
        time.clock().advance(std::time::Duration::from_millis(1));
        let now = time.now();
        let _later = time
            .timers()
            .register(0, now + std::time::Duration::from_secs(60));
        let mut parker = Parker::new(driver.clone());
        let sleeper = thread::spawn(move || {
            // Parks on the driver (nobody else holds it) until the next deadline.
            assert!(parker.park(), "the only worker takes the driver");
        });
        let due = time.timers().register(1, now);
        sleeper.join().unwrap();
        assert_eq!(time.process(), 1);
        assert!(due.is_elapsed());
    });
}

/// A worker registers a due timer (its wake of the driver's owner deferred) and then
/// goes to sleep without the driver, which another worker holds, sleeping toward a
/// later timer: the owner either reads the new deadline, or the sleeping worker wakes
/// it. (The worker's `try_lock` of the driver is left out: loom treats a failed
/// `try_lock` as blocking until the holder lets go, which the holder here never
/// would; `Parker::park` calls `before_sleeping_without_driver` right after it.)
#[test]
fn loom_mt_worker_registration_wakes_parked_driver_at_park() {
    model(|| {
        let driver = SharedDriver::new(runtime_timer::Clock::new(true), 2).unwrap();
        let time = driver.time().clone();
        time.clock().advance(std::time::Duration::from_millis(1));
        let now = time.now();
        let _later = time
            .timers()
            .register(0, now + std::time::Duration::from_secs(60));
        let mut owner = Parker::new(driver.clone());
        let t = thread::spawn(move || {
            assert!(owner.park(), "the only parker takes the driver");
        });
        let _on_worker = crate::scheduler::multi_thread::park::enter_worker(&driver);
        let due = time.timers().register(1, now);
        driver.before_sleeping_without_driver();
        t.join().unwrap();
        assert_eq!(time.process(), 1);
        assert!(due.is_elapsed());
    });
}
