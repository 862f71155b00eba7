//! The current-thread scheduler: every task runs on the thread inside `block_on`.
//!
//! Local wakes push onto a plain `VecDeque` owned by the running thread (no atomics);
//! wakes from other threads go to the `Inject` queue and unpark the thread. Fairness: every
//! `global_queue_interval` ticks the inject queue is served first, and every
//! `event_interval` ticks the thread polls its parker without blocking and fires the
//! timers that are due. Only one thread at a time owns the `Core`; another thread calling
//! `block_on` meanwhile polls its own future and waits for the core to come back.
//!
//! # Time
//!
//! With nothing to run, the thread fires due timers, then (paused clock) jumps the clock
//! to the next deadline, and otherwise parks until that deadline: the condvar's timed
//! wait is exact to the futex's slack, not rounded to milliseconds. A timer registered
//! from another thread while this one parks with a later deadline unparks it: the
//! parking thread raises `parked` before it reads the deadline, the registering side
//! publishes its deadline before it reads `parked` (both SeqCst, with fences), so one of
//! them sees the other (`loom_ct_timer_registration_wakes_parked_thread`).
//!
//! # I/O
//!
//! The I/O driver lives in the core's parker and is created by the first registration
//! (from any thread; `scheduler/park.rs`, rule 5), so a runtime that never touches I/O
//! costs no poller. From then on the driving thread sleeps in it.
use super::context;
use super::inject::Inject;
use super::park::{Park, ParkThread, Unpark, UnparkThread};
use super::Config;
use crate::loom::sync::atomic::{fence, AtomicBool, AtomicU64, Ordering::*};
use crate::loom::sync::{Arc, Mutex};
use crate::task::callbacks::CallSoon;
use crate::task::list::OwnedTasks;
use crate::task::{self, Id, Notified, Schedule, Task};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Wake, Waker};

type Job = Notified<Arc<Handle>>;

/// Shared state of a current-thread runtime.
pub(crate) struct Handle {
    inject: Inject<Arc<Handle>>,
    pub(crate) owned: OwnedTasks<Arc<Handle>>,
    /// The `block_on` future was woken.
    woken: AtomicBool,
    /// The scheduler state, when no thread is driving it.
    core: Mutex<Option<Box<Core>>>,
    /// Threads in `block_on` waiting for the core.
    core_waiters: Mutex<Vec<UnparkThread>>,
    /// Wakes the driving thread; also the way to the I/O driver, which its parker
    /// creates on first use (module docs, I/O).
    unpark: UnparkThread,
    /// The runtime's clock and timers (one shard).
    pub(crate) time: runtime_timer::TimeHandle,
    /// The pool `spawn_blocking` runs on.
    pub(crate) blocking: runtime_blocking::ThreadPool,
    /// The driving thread is parked (or about to): timer registrations must unpark it.
    parked: Arc<AtomicBool>,
    pub(crate) config: Config,
    pub(crate) metrics: SharedMetrics,
}

/// Counters that are touched off the hot path, or read from other threads.
#[derive(Debug, Default)]
pub(crate) struct SharedMetrics {
    pub(crate) polls: AtomicU64,
    pub(crate) parks: AtomicU64,
    pub(crate) remote_schedules: AtomicU64,
}

/// What the driving thread owns.
struct Core {
    tasks: VecDeque<Job>,
    tick: u32,
    /// Polls of the `block_on` future (timers are fired every `event_interval` of them).
    main_polls: u32,
    park: ParkThread,
    polls: u64,
    parks: u64,
}

/// Per-thread state while a thread drives the scheduler.
struct Local {
    tasks: RefCell<VecDeque<Job>>,
    /// Tasks that woke themselves (`yield_now`, an exhausted budget): they run once the
    /// local and inject queues are empty, so a few yielding tasks cannot keep remotely
    /// scheduled work waiting (the same rule as the multi-thread workers).
    deferred: RefCell<VecDeque<Job>>,
}

impl Handle {
    pub(crate) fn new(
        config: Config,
        blocking: runtime_blocking::ThreadPool,
    ) -> std::io::Result<Arc<Handle>> {
        let park = ParkThread::with_io_events(config.max_io_events_per_tick);
        let unpark = park.unpark();
        let parked = Arc::new(AtomicBool::new(false));
        let time = {
            let parked = parked.clone();
            let unpark = unpark.clone();
            let clock = runtime_timer::Clock::new(config.start_paused);
            runtime_timer::TimeHandle::new(clock, 1, true, move |_earlier| {
                // Pairs with the fence in `park_until_deadline` (module docs, Time).
                fence(SeqCst);
                if parked.load(SeqCst) {
                    unpark.unpark();
                }
            })
        };
        Ok(Arc::new(Handle {
            inject: Inject::new(),
            owned: OwnedTasks::new(1),
            woken: AtomicBool::new(false),
            core: Mutex::new(Some(Box::new(Core {
                tasks: VecDeque::with_capacity(64),
                tick: 0,
                main_polls: 0,
                park,
                polls: 0,
                parks: 0,
            }))),
            core_waiters: Mutex::new(Vec::new()),
            unpark,
            time,
            blocking,
            parked,
            config,
            metrics: SharedMetrics::default(),
        }))
    }

    /// Runs `future` to completion on this thread, driving the scheduler meanwhile.
    pub(crate) fn block_on<F: Future>(me: &Arc<Handle>, future: F) -> F::Output {
        let mut future = pin!(future);
        // Created the first time the core is busy; reused so the waiter list holds one
        // entry per waiting thread.
        let mut waiter: Option<ParkThread> = None;
        loop {
            let core = me.core.lock().take();
            if let Some(core) = core {
                let mut guard = CoreGuard {
                    handle: me,
                    core: Some(core),
                };
                return guard.block_on(future.as_mut());
            }
            // Another thread drives the scheduler: wait for our future or for the core.
            let park = waiter.get_or_insert_with(ParkThread::new);
            let unpark = park.unpark();
            {
                let mut waiters = me.core_waiters.lock();
                if !waiters.iter().any(|w| w.same_as(&unpark)) {
                    waiters.push(unpark.clone());
                }
            }
            let waker = unpark.into_waker();
            let mut cx = Context::from_waker(&waker);
            if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
                return v;
            }
            if me.core.lock().is_none() {
                park.park();
            }
        }
    }

    /// Shuts the runtime down: cancels every task on this thread and drops every queued
    /// reference. Idempotent.
    pub(crate) fn shutdown(me: &Arc<Handle>) {
        let core = me.core.lock().take();
        // Pending I/O waits fail with the shutdown error; new registrations are refused,
        // and no driver is created from now on.
        me.unpark.shutdown_driver();
        me.owned.close_and_shutdown_all();
        drop(me.inject.close());
        if let Some(core) = core {
            drop(core.tasks);
        }
        // Timers held outside the runtime's tasks complete instead of hanging.
        me.time.shutdown();
    }

    /// Nothing is runnable: fire due timers, or jump paused time, or sleep until the
    /// next deadline (or a wake).
    fn park_until_deadline(&self, park: &mut ParkThread) {
        let time = &self.time;
        if time.process() > 0 || time.auto_advance() {
            return;
        }
        self.parked.store(true, SeqCst);
        fence(SeqCst);
        if time.is_paused() {
            // Paused, and auto-advance is held back (a blocking job runs) or there is no
            // timer: only a wake can help.
            park.park();
        } else {
            match time.park_timeout() {
                None => park.park(),
                Some(t) if t.is_zero() => {}
                Some(t) => park.park_timeout(t),
            }
        }
        self.parked.store(false, Relaxed);
        time.process();
    }

    /// The I/O driver's registry side, the driver created by the first call (module
    /// docs, I/O); fails after shutdown.
    #[cfg(not(runtime_loom))]
    pub(crate) fn io(&self) -> std::io::Result<&Arc<crate::io::registration::IoHandle>> {
        Ok(self.unpark.driver()?.io())
    }

    /// Whether the I/O driver was created.
    #[cfg(all(test, not(runtime_loom)))]
    pub(crate) fn has_io_driver(&self) -> bool {
        self.unpark.has_driver()
    }

    /// Live tasks.
    pub(crate) fn num_alive_tasks(&self) -> usize {
        self.owned.len()
    }

    /// Tasks waiting in the inject queue.
    pub(crate) fn injection_queue_depth(&self) -> usize {
        self.inject.len()
    }

    /// Queues `task`: on the local queues when this thread drives the scheduler (yielded
    /// tasks on the deferred one), else through the inject queue.
    fn schedule_task(me: &Arc<Self>, task: Job, is_yield: bool) {
        let local = context::scheduler_for(Arc::as_ptr(me) as *const ()) as *const Local;
        if !local.is_null() {
            // SAFETY: a non-null pointer registered for this handle is the `Local` of the
            // `block_on` frame running on this thread, alive while it is registered.
            let local = unsafe { &*local };
            let queue = if is_yield {
                &local.deferred
            } else {
                &local.tasks
            };
            if let Ok(mut q) = queue.try_borrow_mut() {
                q.push_back(task);
                return;
            }
        }
        me.schedule_remote(task);
    }

    fn schedule_remote(&self, task: Job) {
        self.metrics.remote_schedules.fetch_add(1, Relaxed);
        if let Err(task) = self.inject.push(task) {
            // The runtime shut down: the reference is dropped; the task was cancelled.
            drop(task);
            return;
        }
        self.unpark.unpark();
    }
}

impl Schedule for Arc<Handle> {
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.owned.remove(task)
    }

    fn schedule(&self, task: Notified<Self>) {
        Handle::schedule_task(self, task, false);
    }

    fn yield_now(&self, task: Notified<Self>) {
        Handle::schedule_task(self, task, true);
    }

    fn call_soon(&self, f: CallSoon) -> Result<(), CallSoon> {
        if self.owned.is_closed() {
            return Err(f);
        }
        // A closed registry cancels the task at once, and dropping `CallSoon` runs it.
        drop(task::spawn(
            &self.owned,
            self,
            f.into_task(),
            Id::next(),
            None,
            |_| {},
        ));
        Ok(())
    }
}

/// Owns the core while this thread drives the scheduler; gives it back on exit or unwind.
struct CoreGuard<'a> {
    handle: &'a Arc<Handle>,
    core: Option<Box<Core>>,
}

impl CoreGuard<'_> {
    fn block_on<F: Future>(&mut self, mut future: std::pin::Pin<&mut F>) -> F::Output {
        let handle = self.handle;
        let core = self.core.as_mut().expect("core present");
        let local = Local {
            tasks: RefCell::new(std::mem::take(&mut core.tasks)),
            deferred: RefCell::new(VecDeque::new()),
        };
        let _sched = context::set_scheduler(
            Arc::as_ptr(handle) as *const (),
            &local as *const Local as *const (),
        );
        // Put the queue back into the core however we leave.
        struct Restore<'a, 'b>(&'a Local, &'b mut Box<Core>);
        impl Drop for Restore<'_, '_> {
            fn drop(&mut self) {
                let mut tasks = std::mem::take(&mut *self.0.tasks.borrow_mut());
                tasks.append(&mut self.0.deferred.borrow_mut());
                self.1.tasks = tasks;
            }
        }
        let restore = Restore(&local, core);
        // Timed parks end on the deadline, not up to 50 µs after it (`util::slack`).
        let _slack = crate::util::slack::minimize();
        let core = &mut *restore.1;

        let waker = Waker::from(std::sync::Arc::new(MainWaker(handle.clone())));
        let mut cx = Context::from_waker(&waker);
        handle.woken.store(true, Release);
        let gqi = handle.config.global_queue_interval;
        let event_interval = handle.config.event_interval;

        'outer: loop {
            if handle.woken.load(Acquire) && handle.woken.swap(false, AcqRel) {
                if let Poll::Ready(v) = task::coop::with_budget(|| future.as_mut().poll(&mut cx)) {
                    handle.metrics.polls.store(core.polls, Relaxed);
                    return v;
                }
                // The main future's polls count as ticks too: one that keeps yielding
                // with no task runnable must not starve the timers.
                core.main_polls = core.main_polls.wrapping_add(1);
                if core.main_polls.is_multiple_of(event_interval) {
                    core.park.park_timeout(std::time::Duration::ZERO);
                    handle.time.process();
                }
            }
            for _ in 0..event_interval {
                core.tick = core.tick.wrapping_add(1);
                let next = if core.tick.is_multiple_of(gqi) {
                    handle
                        .inject
                        .pop()
                        .or_else(|| local.tasks.borrow_mut().pop_front())
                } else {
                    let t = local.tasks.borrow_mut().pop_front();
                    t.or_else(|| handle.inject.pop())
                };
                let next = next.or_else(|| local.deferred.borrow_mut().pop_front());
                match next {
                    Some(task) => {
                        core.polls += 1;
                        task.run();
                    }
                    None => {
                        if !handle.woken.load(Acquire) {
                            core.parks += 1;
                            handle.metrics.parks.store(core.parks, Relaxed);
                            handle.metrics.polls.store(core.polls, Relaxed);
                            handle.park_until_deadline(&mut core.park);
                        }
                        continue 'outer;
                    }
                }
            }
            // A slice of work is done: publish counters, poll the parker without
            // blocking and fire the timers that are due.
            handle.metrics.polls.store(core.polls, Relaxed);
            core.park.park_timeout(std::time::Duration::ZERO);
            handle.time.process();
        }
    }
}

impl Drop for CoreGuard<'_> {
    fn drop(&mut self) {
        if let Some(core) = self.core.take() {
            *self.handle.core.lock() = Some(core);
            let waiters = std::mem::take(&mut *self.handle.core_waiters.lock());
            for w in waiters {
                w.unpark();
            }
        }
    }
}

/// Wakes the `block_on` future: flag it and unpark the driving thread.
struct MainWaker(Arc<Handle>);

impl Wake for MainWaker {
    fn wake(self: std::sync::Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        self.0.woken.store(true, Release);
        self.0.unpark.unpark();
    }
}
