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
        let driver = SharedDriver::new(runtime_timer::Clock::new(true), 2, 1024).unwrap();
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
        let driver = SharedDriver::new(runtime_timer::Clock::new(true), 2, 1024).unwrap();
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

/// A driver on a paused clock with a timer a minute out, and a thread that parks on the
/// driver (the only parker, so it takes it) toward that deadline. The clock is moved
/// past the wheels' own "now" (their start), so a timer registered "now" goes into a
/// wheel and is published instead of firing at registration.
fn owner_asleep_toward_a_later_timer() -> (
    Arc<SharedDriver>,
    runtime_timer::TimeHandle,
    runtime_timer::Instant,
    runtime_timer::Registration,
    thread::JoinHandle<()>,
) {
    let driver = SharedDriver::new(runtime_timer::Clock::new(true), 2, 1024).unwrap();
    let time = driver.time().clone();
    time.clock().advance(std::time::Duration::from_millis(1));
    let now = time.now();
    let later = time
        .timers()
        .register(0, now + std::time::Duration::from_secs(60));
    let mut owner = Parker::new(driver.clone());
    let sleeper = thread::spawn(move || {
        assert!(owner.park(), "the only parker takes the driver");
    });
    (driver, time, now, later, sleeper)
}

/// A worker registers a timer that is due now while another parks on the driver with a
/// later timer pending: the sleeper either reads the new deadline (and does not sleep)
/// or is woken by the registration. loom has no time, so a sleep that nobody ends is a
/// deadlock the model reports.
#[test]
fn loom_mt_timer_registration_wakes_parked_driver() {
    model(|| {
        let (_driver, time, now, _later, sleeper) = owner_asleep_toward_a_later_timer();
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
        let (driver, time, now, _later, sleeper) = owner_asleep_toward_a_later_timer();
        let _on_worker = crate::scheduler::multi_thread::park::enter_worker(&driver);
        let due = time.timers().register(1, now);
        driver.before_sleeping_without_driver();
        sleeper.join().unwrap();
        assert_eq!(time.process(), 1);
        assert!(due.is_elapsed());
    });
}
