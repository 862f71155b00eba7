//! Loom models of the multi-thread scheduler's protocols: the LIFO slot against thieves,
//! the deque and injector against stealers and shutdown, the idle/search counts,
//! parking with driver hand-off, and the monitor's sleep.
mod loom_idle;
mod loom_monitor;
mod loom_park;
mod loom_queue;

use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::{Arc, Mutex};
use crate::task::callbacks::CallSoon;
use crate::task::list::OwnedTasks;
use crate::task::{self, Id, JoinHandle, Notified, Schedule, Task};
use std::collections::VecDeque;

pub(super) use crate::loom::model;

/// A scheduler whose queue the model drains by hand.
pub(super) struct Sched {
    queue: Mutex<VecDeque<Notified<Arc<Sched>>>>,
    owned: OwnedTasks<Arc<Sched>>,
}

impl Schedule for Arc<Sched> {
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

pub(super) fn sched() -> Arc<Sched> {
    Arc::new(Sched {
        queue: Mutex::new(VecDeque::new()),
        owned: OwnedTasks::new(1),
    })
}

/// A task that counts its polls; returns its JoinHandle and first Notified.
pub(super) fn counted_task(
    s: &Arc<Sched>,
    polls: &Arc<AtomicUsize>,
) -> (JoinHandle<()>, Notified<Arc<Sched>>) {
    let p = polls.clone();
    let (join, notified) = task::spawn_into(
        &s.owned,
        async move {
            p.fetch_add(1, SeqCst);
        },
        s.clone(),
        Id::next(),
        None,
    );
    (join, notified.expect("registry open"))
}

/// Counts drops.
pub(super) struct Item(pub(super) Arc<AtomicUsize>);

impl Drop for Item {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}
