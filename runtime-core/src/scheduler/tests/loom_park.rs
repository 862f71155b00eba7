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
