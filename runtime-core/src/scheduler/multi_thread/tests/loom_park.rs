//! Parking with the shared driver: whichever way each worker sleeps (driver or condvar),
//! an unpark reaches it, and only one holds the driver at a time.
use super::*;
use crate::loom::sync::atomic::AtomicBool;
use crate::loom::thread;
use crate::scheduler::multi_thread::park::{Parker, SharedDriver};

#[test]
fn loom_mt_park_unpark_through_driver_or_condvar() {
    model(|| {
        let driver = SharedDriver::new().unwrap();
        let flags = Arc::new([AtomicBool::new(false), AtomicBool::new(false)]);
        let mut unparkers = Vec::new();
        let mut ths = Vec::new();
        for i in 0..2 {
            let mut p = Parker::new(driver.clone());
            unparkers.push(p.unparker());
            let f = flags.clone();
            ths.push(thread::spawn(move || {
                while !f[i].load(SeqCst) {
                    p.park(None);
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
        let driver = SharedDriver::new().unwrap();
        let mut p1 = Parker::new(driver.clone());
        let mut p2 = Parker::new(driver.clone());
        let (u1, u2) = (p1.unparker(), p2.unparker());
        let t = thread::spawn(move || {
            // A zero-timeout poll from a busy worker, racing a worker parking on the driver.
            p2.poll_driver();
        });
        u1.unpark();
        p1.park(None);
        t.join().unwrap();
        drop(u2);
    });
}
