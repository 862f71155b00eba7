//! Loom models of the task core, and the scaffolding they share: a queue-only test
//! scheduler and loom-visible futures and wakers.
mod loom_callbacks;
mod loom_join;
mod loom_ready;
mod loom_registry;
mod loom_state;

use crate::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::{Arc, Mutex};
use crate::task::callbacks::CallSoon;
use crate::task::list::OwnedTasks;
use crate::task::{self, Id, JoinHandle, Notified, Schedule, Task};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Wake, Waker};

pub(super) use crate::loom::model;

/// A scheduler that only queues; the model decides who runs what.
pub(super) struct TestSched {
    queue: Mutex<VecDeque<Notified<Arc<TestSched>>>>,
    owned: OwnedTasks<Arc<TestSched>>,
}

impl TestSched {
    pub(super) fn new() -> Arc<TestSched> {
        Arc::new(TestSched {
            queue: Mutex::new(VecDeque::new()),
            owned: OwnedTasks::new(1),
        })
    }

    /// Runs queued tasks until the queue is empty.
    pub(super) fn run_all(&self) {
        loop {
            let next = self.queue.lock().pop_front();
            match next {
                Some(t) => t.run(),
                None => return,
            }
        }
    }

    pub(super) fn shutdown(&self) {
        self.owned.close_and_shutdown_all();
        let rest: Vec<_> = self.queue.lock().drain(..).collect();
        drop(rest);
    }
}

impl Schedule for Arc<TestSched> {
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.owned.remove(task)
    }
    fn schedule(&self, task: Notified<Self>) {
        self.queue.lock().push_back(task);
    }
    fn call_soon(&self, f: CallSoon) -> Result<(), CallSoon> {
        Err(f)
    }
}

/// Spawns `f` on `sched` without scheduling it; the model runs the Notified.
pub(super) fn spawn_on<F>(
    sched: &Arc<TestSched>,
    f: F,
) -> (JoinHandle<F::Output>, Option<Notified<Arc<TestSched>>>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    task::spawn_into(&sched.owned, f, sched.clone(), Id::next(), None)
}

/// After the model: every task must have been freed, which drops its scheduler clone.
pub(super) fn assert_all_freed(sched: Arc<TestSched>) {
    sched.shutdown();
    assert_eq!(
        Arc::strong_count(&sched),
        1,
        "a task leaked (its scheduler clone is alive)"
    );
}

/// Counts drops of the wrapped future.
pub(super) struct Counted<F> {
    pub(super) inner: F,
    pub(super) drops: Arc<AtomicUsize>,
}

impl<F: Future + Unpin> Future for Counted<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        Pin::new(&mut self.inner).poll(cx)
    }
}

impl<F> Drop for Counted<F> {
    fn drop(&mut self) {
        self.drops.fetch_add(1, SeqCst);
    }
}

/// A future that is pending until its gate opens; the gate wakes the stored waker.
pub(super) struct Gate {
    open: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl Gate {
    pub(super) fn new() -> Arc<Gate> {
        Arc::new(Gate {
            open: AtomicBool::new(false),
            waker: Mutex::new(None),
        })
    }

    pub(super) fn open(&self) {
        self.open.store(true, SeqCst);
        let w = self.waker.lock().take();
        if let Some(w) = w {
            w.wake();
        }
    }
}

/// Waits for `g` to open.
pub(super) fn wait(g: &Arc<Gate>) -> GateWait {
    GateWait(g.clone())
}

pub(super) struct GateWait(Arc<Gate>);

impl Future for GateWait {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0.open.load(SeqCst) {
            return Poll::Ready(());
        }
        *self.0.waker.lock() = Some(cx.waker().clone());
        if self.0.open.load(SeqCst) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// A waker that records that it was woken.
pub(super) struct Flag(AtomicBool);

impl Flag {
    pub(super) fn new() -> std::sync::Arc<Flag> {
        std::sync::Arc::new(Flag(AtomicBool::new(false)))
    }
    pub(super) fn is_set(&self) -> bool {
        self.0.load(SeqCst)
    }
}

impl Wake for Flag {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.store(true, SeqCst);
    }
}

/// Polls `fut` once with `waker`.
pub(super) fn poll_once<F: Future + Unpin>(fut: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(fut).poll(&mut Context::from_waker(waker))
}
