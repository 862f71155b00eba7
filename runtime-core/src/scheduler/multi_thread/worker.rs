//! One worker: its queues, its run loop, and how it finds work and goes to sleep.
//!
//! A worker owns a FIFO `Worker` deque and a LIFO slot. A task woken by the task running
//! on this worker goes into the LIFO slot (message passing stays in cache), the previous
//! occupant to the back of the deque; the slot is used at most [`MAX_LIFO_POLLS`] times in
//! a row, then its task is moved to the deque where others can steal it (tokio #5712).
//! The slot is an atomic pointer that searching workers may also empty, so a task parked
//! in it is not stuck behind a worker that blocks.
//!
//! Each tick the worker takes its next task from: the injector every
//! `global_queue_interval` ticks, else its deque, its LIFO slot, the injector; then it
//! steals (a batch, from a random victim, then the injector); then it parks. Every
//! `event_interval` ticks it polls the driver without blocking and publishes its metrics.
use super::park::Parker;
use super::queue::{Steal, Worker};
use super::{Handle, Kind, Notified, WorkerCx};
use crate::loom::sync::atomic::{
    AtomicPtr,
    Ordering::{AcqRel, Acquire, Relaxed},
};
use crate::task::raw::{Header, RawTask};
use crate::task::{self, Task};
use crate::util::rand::FastRand;
use std::ptr::NonNull;
use std::time::Instant;

/// How many times in a row a worker runs the task in its LIFO slot.
pub(super) const MAX_LIFO_POLLS: usize = 3;

/// How many timer-woken tasks a worker keeps in its private first-in-line queue.
pub(super) const MAX_TIMER_WOKEN: usize = 256;

/// What only the worker's own thread touches.
pub(crate) struct Core {
    pub(super) index: usize,
    pub(super) run_queue: Worker<Notified>,
    /// Tasks that yielded, run once nothing else is ready (or at maintenance).
    pub(super) deferred: std::collections::VecDeque<Notified>,
    /// Tasks this worker's timer firing woke: they run before anything else here
    /// (at most [`MAX_TIMER_WOKEN`]; more go to the deque).
    pub(super) timer_woken: std::collections::VecDeque<Notified>,
    pub(super) is_searching: bool,
    tick: u32,
    rand: FastRand,
    /// Taken out while the worker parks or polls the driver ([`Handle::with_parker`]).
    pub(super) park: Option<Parker>,
    pub(super) stats: LocalStats,
}

/// Counters kept in plain fields and published every `event_interval` ticks.
#[derive(Default)]
pub(super) struct LocalStats {
    pub(super) polls: u64,
    pub(super) steal_ops: u64,
    pub(super) steal_tasks: u64,
    pub(super) parks: u64,
    pub(super) unparks: u64,
    pub(super) lifo_hits: u64,
    pub(super) busy_ns: u64,
    busy_since: Option<Instant>,
}

/// A LIFO slot holding at most one `Notified` reference, shared so thieves can take it.
pub(crate) struct LifoSlot<S: 'static> {
    ptr: AtomicPtr<Header>,
    _p: std::marker::PhantomData<S>,
}

impl<S: 'static> LifoSlot<S> {
    pub(crate) fn new() -> LifoSlot<S> {
        LifoSlot {
            ptr: AtomicPtr::new(std::ptr::null_mut()),
            _p: std::marker::PhantomData,
        }
    }

    /// Puts `task` in the slot and returns the previous occupant.
    pub(crate) fn put(&self, task: task::Notified<S>) -> Option<task::Notified<S>> {
        let raw = task.0.raw().header_ptr().as_ptr();
        std::mem::forget(task);
        Self::wrap(self.ptr.swap(raw, AcqRel))
    }

    /// Empties the slot (owner or thief).
    pub(crate) fn take(&self) -> Option<task::Notified<S>> {
        if self.is_empty() {
            return None;
        }
        Self::wrap(self.ptr.swap(std::ptr::null_mut(), AcqRel))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ptr.load(Acquire).is_null()
    }

    fn wrap(ptr: *mut Header) -> Option<task::Notified<S>> {
        // The slot owns the Notified reference it holds; whoever swaps it out owns it next.
        // SAFETY: a non-null pointer swapped out of the slot is a task `put` stored with
        // its Notified reference (rule 1 of `task/mod.rs`), now ours.
        NonNull::new(ptr).map(|p| task::Notified(unsafe { Task::from_raw(RawTask::from_raw(p)) }))
    }
}

impl<S: 'static> Drop for LifoSlot<S> {
    fn drop(&mut self) {
        drop(self.take());
    }
}

impl Core {
    pub(super) fn new(index: usize, park: Parker, seed: u64) -> Box<Core> {
        Box::new(Core {
            index,
            run_queue: Worker::new_fifo(),
            deferred: std::collections::VecDeque::new(),
            timer_woken: std::collections::VecDeque::new(),
            is_searching: false,
            tick: 0,
            rand: FastRand::new(seed),
            park: Some(park),
            stats: LocalStats::default(),
        })
    }

    fn has_local_work(&self, handle: &Handle) -> bool {
        !self.run_queue.is_empty()
            || !self.deferred.is_empty()
            || !self.timer_woken.is_empty()
            || !handle.remotes[self.index].lifo.is_empty()
    }

    /// Moves the yielded tasks to the back of the deque (where thieves can see them).
    fn flush_deferred(&mut self) -> bool {
        if self.deferred.is_empty() {
            return false;
        }
        while let Some(t) = self.deferred.pop_front() {
            self.run_queue.push(t);
        }
        true
    }
}

impl Handle {
    /// The worker thread's main loop.
    pub(super) fn run_worker(&self, cx: &WorkerCx) {
        let index = cx
            .core
            .borrow()
            .as_ref()
            .expect("worker core present")
            .index;
        loop {
            let maintenance = {
                let mut guard = cx.core.borrow_mut();
                let core = guard.as_mut().expect("worker core present");
                core.tick = core.tick.wrapping_add(1);
                let due = core.tick.is_multiple_of(self.config.event_interval);
                if due {
                    self.maintenance(core);
                }
                due
            };
            if maintenance {
                // The driver without blocking, the core not borrowed: the tasks it wakes
                // land in this worker's queues.
                Handle::with_parker(cx, |park| park.poll_driver());
                let guard = cx.core.borrow();
                let core = guard.as_ref().expect("worker core present");
                if !core.is_searching && self.has_surplus_work(core) {
                    self.notify_parked();
                }
            }
            // The monitor's flag covers polls so long that `event_interval` of them
            // would hold timers back (`monitor.rs`).
            if maintenance || self.monitor.take_timers_due() {
                // Busy workers fire timers too; the core is not borrowed here, so the
                // woken tasks land in this worker's queues.
                cx.fire_timers_busy(&self.time, index);
                if self.is_shutdown() {
                    return;
                }
            }
            let next = {
                let mut guard = cx.core.borrow_mut();
                let core = guard.as_mut().expect("worker core present");
                self.next_task(core).or_else(|| self.steal_work(core))
            };
            match next {
                Some(task) => self.run_task(cx, task),
                None => {
                    if self.is_shutdown() {
                        return;
                    }
                    self.park(cx);
                    if self.is_shutdown() {
                        return;
                    }
                }
            }
        }
    }

    fn maintenance(&self, core: &mut Core) {
        // Yielded tasks wait at most one maintenance interval.
        if core.flush_deferred() {
            self.notify_parked();
        }
        self.publish_stats(core);
    }

    /// Runs `f` with the parker taken out of the core and the core not borrowed, so the
    /// tasks the driver wakes meanwhile are scheduled on this worker's queues (not the
    /// injector), and without waking another worker for them (`schedule_local`): this
    /// worker runs them next, and wakes a sleeper only if it got more than one.
    fn with_parker<R>(cx: &WorkerCx, f: impl FnOnce(&mut Parker) -> R) -> R {
        let mut park = {
            let mut guard = cx.core.borrow_mut();
            let core = guard.as_mut().expect("worker core present");
            core.park
                .take()
                .expect("the parker is in the core between parks")
        };
        let out = f(&mut park);
        let mut guard = cx.core.borrow_mut();
        guard.as_mut().expect("worker core present").park = Some(park);
        out
    }

    /// Whether this worker holds more tasks than the one it runs next, so a sleeper
    /// should come and steal (tokio's `should_notify_others`).
    fn has_surplus_work(&self, core: &Core) -> bool {
        let lifo = usize::from(!self.remotes[core.index].lifo.is_empty());
        core.run_queue.len() + core.timer_woken.len() + lifo > 1
    }

    pub(super) fn publish_stats(&self, core: &mut Core) {
        let m = &self.metrics[core.index];
        let s = &core.stats;
        use crate::loom::sync::atomic::Ordering::Relaxed;
        m.polls.store(s.polls, Relaxed);
        m.steal_ops.store(s.steal_ops, Relaxed);
        m.steal_tasks.store(s.steal_tasks, Relaxed);
        m.parks.store(s.parks, Relaxed);
        m.unparks.store(s.unparks, Relaxed);
        m.lifo_hits.store(s.lifo_hits, Relaxed);
        m.busy_ns.store(s.busy_ns, Relaxed);
        m.queue_depth.store(core.run_queue.len() as u64, Relaxed);
    }

    fn next_task(&self, core: &mut Core) -> Option<Notified> {
        if let Some(t) = core.timer_woken.pop_front() {
            return Some(t);
        }
        if core.tick.is_multiple_of(self.config.global_queue_interval) && !self.inject.is_empty() {
            // A batch, not one: remote work keeps pace with a busy local queue.
            if let Some(t) = self.inject.pop_batch_into(&core.run_queue) {
                return Some(t);
            }
        }
        if let Some(t) = core.run_queue.pop() {
            return Some(t);
        }
        if let Some(t) = self.remotes[core.index].lifo.take() {
            return Some(t);
        }
        if !self.inject.is_empty() {
            if let Some(t) = self.inject.pop_batch_into(&core.run_queue) {
                return Some(t);
            }
        }
        // Nothing else is ready here: the tasks that yielded go next, oldest first.
        // (They become stealable at the next maintenance.)
        core.deferred.pop_front()
    }

    /// Steals a batch from a random victim, then tries the injector.
    fn steal_work(&self, core: &mut Core) -> Option<Notified> {
        if !core.is_searching {
            if !self.idle.transition_worker_to_searching() {
                return None;
            }
            core.is_searching = true;
        }
        let n = self.remotes.len();
        let start = core.rand.below(n as u32) as usize;
        for i in 0..n {
            let victim = (start + i) % n;
            if victim == core.index {
                continue;
            }
            let before = core.run_queue.len();
            loop {
                match self.remotes[victim]
                    .steal
                    .steal_batch_and_pop(&core.run_queue)
                {
                    Steal::Success(t) => {
                        core.stats.steal_ops += 1;
                        core.stats.steal_tasks += 1 + (core.run_queue.len() - before) as u64;
                        return Some(t);
                    }
                    Steal::Retry => crate::loom::spin_hint(),
                    Steal::Empty => break,
                }
            }
            if let Some(t) = self.remotes[victim].lifo.take() {
                core.stats.steal_ops += 1;
                core.stats.steal_tasks += 1;
                return Some(t);
            }
        }
        self.inject.pop_batch_into(&core.run_queue)
    }

    fn run_task(&self, cx: &WorkerCx, task: Notified) {
        let index = {
            let mut guard = cx.core.borrow_mut();
            let core = guard.as_mut().expect("worker core present");
            if core.is_searching {
                core.is_searching = false;
                // The last searcher found work: if more is visible, wake another to take
                // it. (tokio wakes one unconditionally; checking first keeps a remote spawn
                // on an idle runtime at one unpark instead of two.)
                if self.idle.transition_worker_from_searching() {
                    self.notify_if_work_pending();
                }
            }
            core.stats.polls += 1;
            core.index
        };
        // Odd while this worker is inside a poll: the monitor spots a worker stuck in one
        // poll with work queued behind it.
        let seq = &self.metrics[index].poll_seq;
        let s = seq.load(Relaxed);
        seq.store(s + 1, Relaxed);
        task.run();
        let mut streak = 0;
        while streak < MAX_LIFO_POLLS {
            let Some(next) = self.remotes[index].lifo.take() else {
                break;
            };
            streak += 1;
            {
                let mut guard = cx.core.borrow_mut();
                let core = guard.as_mut().expect("worker core present");
                core.stats.polls += 1;
                core.stats.lifo_hits += 1;
            }
            next.run();
        }
        seq.store(s + 2, Relaxed);
        if streak == MAX_LIFO_POLLS {
            // Still hot after the streak: queue it behind the others, where thieves see it.
            if let Some(t) = self.remotes[index].lifo.take() {
                let guard = cx.core.borrow();
                let core = guard.as_ref().expect("worker core present");
                core.run_queue.push(t);
                drop(guard);
                self.notify_parked();
            }
        }
    }

    /// Schedules `task` on the worker running on this thread.
    pub(super) fn schedule_local(&self, core: &mut Core, task: Notified, kind: Kind) {
        match kind {
            Kind::Wake => match self.remotes[core.index].lifo.put(task) {
                // Nothing displaced: the woken task runs next on this worker.
                None => return,
                Some(prev) => core.run_queue.push(prev),
            },
            Kind::Spawn => core.run_queue.push(task),
            Kind::Yield => {
                // Tasks that yield always have more to do; if they went straight back
                // into the deque, a few of them would keep it non-empty forever and the
                // injector would only be served every `global_queue_interval` ticks.
                core.deferred.push_back(task);
                return;
            }
        }
        // While the parker is out (the driver is waking tasks for this worker, which
        // runs them when it returns) nobody else needs waking.
        if !core.is_searching && core.park.is_some() {
            self.notify_parked();
        }
    }

    fn park(&self, cx: &WorkerCx) {
        {
            let mut guard = cx.core.borrow_mut();
            let core = guard.as_mut().expect("worker core present");
            if core.has_local_work(self) {
                return;
            }
            let was_last_searcher = self
                .idle
                .transition_worker_to_parked(core.index, core.is_searching);
            core.is_searching = false;
            if was_last_searcher {
                self.notify_if_work_pending();
            }
            if let Some(since) = core.stats.busy_since.take() {
                core.stats.busy_ns += since.elapsed().as_nanos() as u64;
            }
            core.stats.parks += 1;
            self.publish_stats(core);
        }
        loop {
            let was_on_driver = Handle::with_parker(cx, Parker::park);
            if self.is_shutdown() {
                break;
            }
            // Fire what is due with the core not borrowed: the woken tasks go to this
            // worker's queues, and the check below finds them.
            cx.fire_timers(&self.time);
            let mut guard = cx.core.borrow_mut();
            let core = guard.as_mut().expect("worker core present");
            if self.transition_from_parked(core) {
                // Hand the driver on (tokio #4730) when there is more than the one task
                // this worker runs next: a sleeper takes our place on the driver (while
                // there is anything for it to watch: timers, I/O) and steals the rest.
                // One task alone runs here without waking anybody (the monitor covers a
                // poll that blocks this thread).
                let parker = core.park.as_ref().expect("the parker is back");
                if was_on_driver && parker.shared().has_interest() && self.has_surplus_work(core) {
                    self.notify_parked();
                }
                break;
            }
        }
        let mut guard = cx.core.borrow_mut();
        let core = guard.as_mut().expect("worker core present");
        core.stats.busy_since = Some(Instant::now());
    }

    /// Returns `true` when the worker should run again.
    fn transition_from_parked(&self, core: &mut Core) -> bool {
        if core.has_local_work(self) {
            // Woken by local work (for example the driver): leave the sleepers list.
            match self.idle.unpark_worker_by_id(core.index) {
                Some(unparked) => {
                    core.is_searching = false;
                    self.monitor.worker_unparked(unparked);
                }
                None => core.is_searching = true,
            }
            return true;
        }
        if self.idle.is_parked(core.index) {
            return false;
        }
        // A notifier took us off the list and counted us as searching.
        core.stats.unparks += 1;
        core.is_searching = true;
        true
    }

    /// Whether worker `i`'s LIFO slot or deque holds a task.
    pub(super) fn has_stealable_work(&self, i: usize) -> bool {
        let r = &self.remotes[i];
        !r.steal.is_empty() || !r.lifo.is_empty()
    }

    /// Wakes a sleeper if any queue holds work.
    ///
    /// Called after a SeqCst change of the idle counts; the fence pairs with the one in
    /// `Idle::notify_should_wakeup` that every producer passes after publishing work, so
    /// either the producer sees our count change or we see its work.
    fn notify_if_work_pending(&self) {
        crate::loom::sync::atomic::fence(crate::loom::sync::atomic::Ordering::SeqCst);
        for remote in self.remotes.iter() {
            if !remote.steal.is_empty() || !remote.lifo.is_empty() {
                self.notify_parked();
                return;
            }
        }
        if !self.inject.is_empty() {
            self.notify_parked();
        }
    }

    /// Rule 1 of `idle.rs`: wake one sleeper if nobody is searching.
    pub(super) fn notify_parked(&self) {
        if let Some(unparked) = self.idle.worker_to_notify() {
            self.remotes[unparked.worker].unpark.unpark();
            self.monitor.worker_unparked(unparked);
        }
    }
}
