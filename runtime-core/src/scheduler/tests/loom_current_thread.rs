//! The current-thread runtime asleep in `block_on` against wakes and spawns from another
//! thread: the runtime never sleeps through them.
use super::model_big_stack;
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
    model_big_stack(|| {
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
    model_big_stack(|| {
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
    model_big_stack(|| {
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

/// Opens a gate when woken.
struct GateWaker(Arc<Gate>);

impl std::task::Wake for GateWaker {
    fn wake(self: std::sync::Arc<Self>) {
        open(&self.0);
    }
}

/// Another thread registers a timer that is due now while the runtime sleeps in
/// `block_on` with a later timer pending: the runtime reads the new deadline before it
/// sleeps, or the registration unparks it; either way it fires the timer, whose waker
/// lets `block_on` finish. loom has no time: a sleep nobody ends is a deadlock the model
/// reports.
#[test]
fn loom_ct_timer_registration_wakes_parked_thread() {
    model_big_stack(|| {
        let rt = Builder::new_current_thread().build().unwrap();
        let time = rt.handle().inner.time().clone();
        let start = time.now();
        let g = gate();
        let g2 = g.clone();
        let t2 = time.clone();
        let registrar = thread::spawn(move || {
            let mut due = t2.timers().register(0, start);
            let waker = Waker::from(std::sync::Arc::new(GateWaker(g2.clone())));
            if due
                .poll_elapsed(&mut Context::from_waker(&waker))
                .is_ready()
            {
                open(&g2);
            }
            due // kept alive until joined
        });
        rt.block_on(async move {
            let _later = time
                .timers()
                .register(0, start + std::time::Duration::from_secs(3600));
            Wait(g).await;
        });
        let due = registrar.join().unwrap();
        assert!(due.is_elapsed());
    });
}
