//! The current-thread runtime asleep in `block_on` against wakes and spawns from another
//! thread: the runtime never sleeps through them.
use super::model;
use crate::loom::sync::atomic::{AtomicBool, Ordering::SeqCst};
use crate::loom::sync::{Arc, Mutex};
use crate::loom::thread;
use crate::runtime::Builder;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

struct Gate {
    open: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

struct Wait(Arc<Gate>);

impl Future for Wait {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        *self.0.waker.lock() = Some(cx.waker().clone());
        if self.0.open.load(SeqCst) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

fn gate() -> Arc<Gate> {
    Arc::new(Gate {
        open: AtomicBool::new(false),
        waker: Mutex::new(None),
    })
}

fn open(g: &Gate) {
    g.open.store(true, SeqCst);
    let w = g.waker.lock().take();
    if let Some(w) = w {
        w.wake();
    }
}

#[test]
fn loom_current_thread_foreign_wake_of_block_on() {
    model(|| {
        let rt = Builder::new_current_thread().build().unwrap();
        let g = gate();
        let g2 = g.clone();
        let th = thread::spawn(move || open(&g2));
        rt.block_on(Wait(g));
        th.join().unwrap();
    });
}

#[test]
fn loom_current_thread_foreign_wake_of_task() {
    model(|| {
        let rt = Builder::new_current_thread().build().unwrap();
        let g = gate();
        let g2 = g.clone();
        let h = rt.spawn(Wait(g));
        let th = thread::spawn(move || open(&g2));
        rt.block_on(h).unwrap();
        th.join().unwrap();
    });
}

#[test]
fn loom_current_thread_foreign_spawn() {
    model(|| {
        let rt = Builder::new_current_thread().build().unwrap();
        let handle = rt.handle().clone();
        let g = gate();
        let g2 = g.clone();
        // The remote spawn (inject push + unpark) races the runtime going to sleep.
        let th = thread::spawn(move || drop(handle.spawn(async move { open(&g2) })));
        rt.block_on(Wait(g));
        th.join().unwrap();
    });
}
