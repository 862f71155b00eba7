//! The inject queue: tasks scheduled from threads that do not drive the scheduler.
//!
//! A mutex-guarded FIFO with a length mirror so the driving thread can skip the lock when
//! it is empty. Closing hands back everything queued and refuses later pushes, so a task
//! scheduled after shutdown is dropped by its waker's thread, never left behind.
use super::super::task::Notified;
use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};
use crate::loom::sync::Mutex;
use std::collections::VecDeque;

pub(crate) struct Inject<S: 'static> {
    inner: Mutex<Inner<S>>,
    len: AtomicUsize,
}

struct Inner<S: 'static> {
    queue: VecDeque<Notified<S>>,
    closed: bool,
}

impl<S: 'static> Inject<S> {
    pub(crate) fn new() -> Inject<S> {
        Inject {
            inner: Mutex::new(Inner {
                queue: VecDeque::new(),
                closed: false,
            }),
            len: AtomicUsize::new(0),
        }
    }

    /// Queues `task`, or hands it back when the queue is closed.
    pub(crate) fn push(&self, task: Notified<S>) -> Result<(), Notified<S>> {
        let mut inner = self.inner.lock();
        if inner.closed {
            return Err(task);
        }
        inner.queue.push_back(task);
        self.len.store(inner.queue.len(), Release);
        Ok(())
    }

    /// Takes the oldest task.
    pub(crate) fn pop(&self) -> Option<Notified<S>> {
        if self.len.load(Acquire) == 0 {
            return None;
        }
        let mut inner = self.inner.lock();
        let t = inner.queue.pop_front();
        self.len.store(inner.queue.len(), Release);
        t
    }

    /// Refuses further pushes and returns what was queued.
    pub(crate) fn close(&self) -> VecDeque<Notified<S>> {
        let mut inner = self.inner.lock();
        inner.closed = true;
        self.len.store(0, Release);
        std::mem::take(&mut inner.queue)
    }

    pub(crate) fn len(&self) -> usize {
        self.len.load(Relaxed)
    }
}
