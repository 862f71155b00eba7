//! Loom models of the wait list and the primitives, and the scaffolding they share.
mod loom_barrier;
mod loom_event;
mod loom_locks;
mod loom_mpsc;
mod loom_notify;
mod loom_oneshot;
mod loom_queue;
mod loom_wait_list;
mod loom_watch;

use crate::loom::sync::{Condvar, Mutex};
use std::future::Future;
use std::pin::pin;
use std::sync::Arc as StdArc;
use std::task::{Context, Poll, Wake, Waker};

pub(super) use crate::loom::model;

/// A waker that records that it was woken and unblocks a waiting `block_on`.
struct Flag {
    woken: Mutex<bool>,
    cond: Condvar,
}

impl Wake for Flag {
    fn wake(self: StdArc<Self>) {
        *self.woken.lock() = true;
        self.cond.notify_one();
    }
}

/// Polls `fut` until it is ready, blocking on a condvar while it waits for its waker: a
/// lost wakeup shows up as a loom deadlock.
pub(crate) fn block_on<F: Future>(fut: F) -> F::Output {
    let flag = StdArc::new(Flag {
        woken: Mutex::new(false),
        cond: Condvar::new(),
    });
    let waker = Waker::from(flag.clone());
    let mut cx = Context::from_waker(&waker);
    let mut fut = pin!(fut);
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
        let mut woken = flag.woken.lock();
        while !*woken {
            flag.cond.wait(&mut woken);
        }
        *woken = false;
    }
}

/// Polls `fut` once with a waker that records nothing.
pub(crate) fn poll_once<F: Future + Unpin>(fut: &mut F) -> Poll<F::Output> {
    let mut cx = Context::from_waker(Waker::noop());
    std::pin::Pin::new(fut).poll(&mut cx)
}
