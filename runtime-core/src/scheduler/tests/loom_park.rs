//! The condvar parker: an unpark is never lost, whenever it lands.
use super::model;
use crate::loom::sync::atomic::{AtomicBool, Ordering::SeqCst};
use crate::loom::sync::Arc;
use crate::loom::thread;
use crate::scheduler::park::{Park, ParkThread, Unpark};

#[test]
fn loom_park_unpark_not_lost() {
    model(|| {
        let mut park = ParkThread::new();
        let unpark = park.unpark();
        let flag = Arc::new(AtomicBool::new(false));
        let f = flag.clone();
        let th = thread::spawn(move || {
            f.store(true, SeqCst);
            unpark.unpark();
        });
        while !flag.load(SeqCst) {
            park.park();
        }
        th.join().unwrap();
    });
}

#[test]
fn loom_park_two_unparkers() {
    model(|| {
        let mut park = ParkThread::new();
        let flags = Arc::new([AtomicBool::new(false), AtomicBool::new(false)]);
        let ths: Vec<_> = (0..2)
            .map(|i| {
                let unpark = park.unpark();
                let f = flags.clone();
                thread::spawn(move || {
                    f[i].store(true, SeqCst);
                    unpark.unpark();
                })
            })
            .collect();
        while !(flags[0].load(SeqCst) && flags[1].load(SeqCst)) {
            park.park();
        }
        for th in ths {
            th.join().unwrap();
        }
    });
}

/// Rule 5: another thread creates the driver and an I/O event arrives in it (the event
/// ends a driver wait only, never a condvar sleep) while the parker, which saw no driver,
/// goes to sleep on the condvar. The creation's unpark brings it back to sleep in the
/// driver; without it the parker sleeps through the event (a loom deadlock).
#[test]
fn loom_park_lazy_driver_creation_vs_condvar_sleep() {
    model(|| {
        let mut park = ParkThread::new();
        let unpark = park.unpark();
        let flag = Arc::new(AtomicBool::new(false));
        let f = flag.clone();
        let th = thread::spawn(move || {
            let driver = unpark.driver().unwrap();
            f.store(true, SeqCst);
            driver.simulate_event();
        });
        while !flag.load(SeqCst) {
            park.park();
        }
        th.join().unwrap();
    });
}

/// Rule 5: creating the driver races shutdown; either the creation fails (and no driver
/// is created later), or shutdown sees the driver (so it fails the driver's sources),
/// never a driver that shutdown missed.
#[test]
fn loom_park_lazy_driver_creation_vs_shutdown() {
    model(|| {
        let park = ParkThread::new();
        let unpark = park.unpark();
        let creator = park.unpark();
        let th = thread::spawn(move || creator.driver().is_ok());
        let saw_driver = unpark.shutdown_driver();
        let created = th.join().unwrap();
        assert_eq!(created, saw_driver);
        assert_eq!(unpark.driver().is_ok(), created);
    });
}
