//! The multi-thread work-stealing scheduler.
//!
//! N worker threads, each with a crossbeam-deque FIFO and a LIFO slot (`worker.rs`),
//! steal from each other when idle; tasks scheduled from other threads go to a shared
//! injector (`queue.rs`). Idle workers sleep through `park.rs` (one on the mio driver, the
//! others on condvars) and are woken sparingly by the protocol in `idle.rs`. With two or
//! more workers a monitor thread (`monitor.rs`) rescues the work queued behind a worker
//! stuck in a poll, and sleeps while every worker does.
//!
//! # Invariants
//!
//! 1. A worker's `Core` (its deque's owner end, counters, parker) is touched only by that
//!    worker's thread, through `WorkerCx::core`.
//! 2. Every `Notified` lives in exactly one place: a deque, a LIFO slot, the injector, or
//!    the hands of the thread running it.
//! 3. Shutdown: the flag is set and every worker unparked; each worker, on seeing it,
//!    closes the task registry and cancels every task it can reach (idle tasks anywhere,
//!    its own queues' references), then exits. Tasks running elsewhere at that moment see
//!    `CANCELLED` when their poll ends and are cancelled by their own worker. The injector
//!    is closed after the workers have been joined; a push racing the close drops its
//!    task (`Inject::push`). So every future is dropped exactly once, on a worker.
pub(crate) mod idle;
pub(crate) mod monitor;
pub(crate) mod park;
pub(crate) mod queue;
mod worker;

#[cfg(all(test, runtime_loom))]
mod tests;

use super::context;
use super::park::{Park, ParkThread};
use super::{Config, Wait};
use crate::loom::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::*};
use crate::loom::sync::{Arc, Mutex};
use crate::loom::thread;
use crate::task::callbacks::CallSoon;
use crate::task::list::OwnedTasks;
use crate::task::{self, Id, Schedule, Task};
use crate::util::latch::ExitLatch;
use crossbeam_utils::CachePadded;
use idle::Idle;
use monitor::{monitor_main, Monitor};
use park::{Parker, SharedDriver, Unparker};
use queue::{Inject, Stealer};
use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};
use worker::{Core, LifoSlot};

type Notified = task::Notified<Arc<Handle>>;

/// Shared state of a multi-thread runtime.
pub(crate) struct Handle {
    remotes: Box<[Remote]>,
    inject: Inject<Notified>,
    idle: Idle,
    pub(crate) owned: OwnedTasks<Arc<Handle>>,
    shutdown: AtomicBool,
    /// Worker threads still running; the last one to exit closes the injector.
    alive: AtomicUsize,
    pub(crate) metrics: Box<[CachePadded<WorkerMetrics>]>,
    /// Written by every remote schedule: on its own cache line, away from the flags
    /// and counts the workers read in their loop (false sharing cost remote spawns a
    /// quarter of their time when a new field moved it next to them).
    pub(crate) remote_schedules: CachePadded<AtomicU64>,
    threads: Mutex<Vec<thread::JoinHandle<()>>>,
    /// Counts the threads in `threads` that have not finished: a shutdown with a
    /// deadline waits on it, then joins threads known to be exiting.
    exits: ExitLatch,
    /// The monitor thread's sleep, wake-up and stop (`monitor.rs`). Its own cache line:
    /// workers read its `timers_due` flag at every tick, and the idle word beside which
    /// it could land changes at every park and unpark.
    pub(crate) monitor: CachePadded<Monitor>,
    /// Set once the monitor thread is started (by the first task, `start_monitor`).
    monitor_started: AtomicBool,
    /// The runtime's clock and timers: one shard per worker, plus one for other threads.
    pub(crate) time: runtime_timer::TimeHandle,
    /// The pool `spawn_blocking` runs on.
    pub(crate) blocking: runtime_blocking::ThreadPool,
    /// The I/O driver's registry side (none under loom).
    #[cfg(not(runtime_loom))]
    pub(crate) io: Arc<crate::io::registration::IoHandle>,
    pub(crate) config: Config,
}

/// What other threads may touch of a worker.
struct Remote {
    steal: Stealer<Notified>,
    lifo: LifoSlot<Arc<Handle>>,
    unpark: Unparker,
}

/// Why a task is being scheduled; decides where it goes on a worker.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// Woken by the running task: the LIFO slot.
    Wake,
    /// Newly spawned: the back of the deque.
    Spawn,
    /// Woke itself (`yield_now`, an exhausted budget): deferred until the worker has
    /// nothing else to do, behind remote work too.
    Yield,
}

/// Per-worker counters, written only by their worker (on its own cache line).
#[derive(Default)]
pub(crate) struct WorkerMetrics {
    pub(crate) polls: AtomicU64,
    pub(crate) steal_ops: AtomicU64,
    pub(crate) steal_tasks: AtomicU64,
    pub(crate) parks: AtomicU64,
    pub(crate) unparks: AtomicU64,
    pub(crate) lifo_hits: AtomicU64,
    pub(crate) busy_ns: AtomicU64,
    pub(crate) queue_depth: AtomicU64,
    /// Incremented before and after each poll (odd: inside a poll); read by the monitor.
    pub(crate) poll_seq: AtomicU64,
}

/// The per-thread state a worker publishes through the context.
pub(crate) struct WorkerCx {
    core: RefCell<Option<Box<Core>>>,
    /// Set while this worker fires timers: the tasks they wake go first in line.
    firing_timers: std::cell::Cell<bool>,
}

impl WorkerCx {
    /// Fires the due timers; the tasks they wake run next on this worker.
    fn fire_timers(&self, time: &runtime_timer::TimeHandle) {
        self.firing_timers.set(true);
        time.process();
        self.firing_timers.set(false);
    }

    /// [`fire_timers`](Self::fire_timers) between tasks: this worker's shard as
    /// there, the others only when their lock is free (a busy worker never sleeps
    /// on a shard another thread is firing or filing into).
    fn fire_timers_busy(&self, time: &runtime_timer::TimeHandle, index: usize) {
        self.firing_timers.set(true);
        time.process_busy(index);
        self.firing_timers.set(false);
    }
}

impl Handle {
    /// Builds the scheduler and starts its `workers` threads.
    pub(crate) fn start(
        workers: usize,
        config: Config,
        blocking: runtime_blocking::ThreadPool,
    ) -> std::io::Result<Arc<Handle>> {
        let driver = SharedDriver::new(
            runtime_timer::Clock::real(),
            workers + 1,
            config.max_io_events_per_tick,
        )?;
        let mut cores = Vec::with_capacity(workers);
        let mut remotes = Vec::with_capacity(workers);
        for index in 0..workers {
            let park = Parker::new(driver.clone());
            let unpark = park.unparker();
            let core = Core::new(index, park, index as u64 + 1);
            remotes.push(Remote {
                steal: core.run_queue.stealer(),
                lifo: LifoSlot::new(),
                unpark,
            });
            cores.push(core);
        }
        let handle = Arc::new(Handle {
            remotes: remotes.into_boxed_slice(),
            inject: Inject::new(),
            idle: Idle::new(workers),
            owned: OwnedTasks::new(workers * 4),
            shutdown: AtomicBool::new(false),
            alive: AtomicUsize::new(0),
            metrics: (0..workers).map(|_| CachePadded::default()).collect(),
            remote_schedules: CachePadded::new(AtomicU64::new(0)),
            threads: Mutex::new(Vec::with_capacity(workers + 1)),
            exits: ExitLatch::new(),
            monitor: CachePadded::new(Monitor::new()),
            monitor_started: AtomicBool::new(false),
            time: driver.time().clone(),
            blocking,
            #[cfg(not(runtime_loom))]
            io: driver.io().clone(),
            config,
        });
        for core in cores {
            let name = (handle.config.thread_name)();
            handle.alive.fetch_add(1, SeqCst);
            if let Err(e) = Handle::spawn_thread(&handle, name, move |h| worker_main(h, core)) {
                handle.alive.fetch_sub(1, SeqCst);
                Handle::shutdown(&handle, Wait::Forever);
                return Err(e);
            }
        }
        // The monitor starts with the first task (`start_monitor`): a runtime that never
        // runs a task on its workers (`run(async {})`, a `block_on` that only awaits I/O
        // or timers) never pays for a third thread.
        Ok(handle)
    }

    /// Starts the monitor thread (with two or more workers) the first time it is called.
    /// Called for every task queued from outside the workers, which is how the first
    /// task of a runtime always arrives (a worker runs only tasks that came in that
    /// way, or that those spawned): one relaxed load after the first.
    #[inline]
    fn start_monitor(me: &Arc<Handle>) {
        if !me.monitor_started.load(Relaxed) {
            Handle::start_monitor_slow(me);
        }
    }

    #[cold]
    fn start_monitor_slow(me: &Arc<Handle>) {
        if me.remotes.len() < 2 || me.is_shutdown() || me.monitor_started.swap(true, AcqRel) {
            return;
        }
        let name = format!("{}-monitor", (me.config.thread_name)());
        if Handle::spawn_thread(me, name, monitor_main).is_err() {
            // The OS refused a thread: the next task from outside tries again; meanwhile
            // the runtime runs without the monitor's help for a worker stuck in a poll.
            me.monitor_started.store(false, Release);
        }
    }

    /// Starts a runtime thread running `body`, counted in `exits` until it returns.
    fn spawn_thread(
        me: &Arc<Handle>,
        name: String,
        body: impl FnOnce(Arc<Handle>) + Send + 'static,
    ) -> std::io::Result<()> {
        /// Counts the thread down however its body ends.
        struct Exit(Arc<Handle>);
        impl Drop for Exit {
            fn drop(&mut self) {
                self.0.exits.count_down();
            }
        }
        let h = me.clone();
        me.exits.add();
        let spawned = thread::spawn_named(name, None, move || {
            let exit = Exit(h);
            body(exit.0.clone());
        });
        match spawned {
            Ok(t) => {
                me.threads.lock().push(t);
                Ok(())
            }
            Err(e) => {
                me.exits.count_down();
                Err(e)
            }
        }
    }

    pub(crate) fn num_workers(&self) -> usize {
        self.remotes.len()
    }

    pub(crate) fn injection_queue_depth(&self) -> usize {
        self.inject.len()
    }

    fn is_shutdown(&self) -> bool {
        self.shutdown.load(Acquire)
    }

    /// Runs `future` on this (non-worker) thread while the workers run the tasks.
    pub(crate) fn block_on<F: Future>(_me: &Arc<Handle>, future: F) -> F::Output {
        let mut future = pin!(future);
        let mut park = ParkThread::new();
        let waker = park.unpark().into_waker();
        let mut cx = Context::from_waker(&waker);
        loop {
            if let Poll::Ready(v) = task::coop::with_budget(|| future.as_mut().poll(&mut cx)) {
                return v;
            }
            park.park();
        }
    }

    /// Schedules from this thread: locally on a worker of this runtime, else through the
    /// injector.
    fn schedule_task(me: &Arc<Handle>, task: Notified, kind: Kind) {
        let cx = context::scheduler_for(Arc::as_ptr(me) as *const ()) as *const WorkerCx;
        if !cx.is_null() {
            // SAFETY: a pointer registered for this handle is the `WorkerCx` on the stack
            // of `worker_main` running on this thread, alive while it is registered.
            let cx = unsafe { &*cx };
            if let Ok(mut guard) = cx.core.try_borrow_mut() {
                if let Some(core) = guard.as_mut() {
                    if cx.firing_timers.get()
                        && kind == Kind::Wake
                        && core.timer_woken.len() < worker::MAX_TIMER_WOKEN
                    {
                        core.timer_woken.push_back(task);
                        return;
                    }
                    me.schedule_local(core, task, kind);
                    return;
                }
            }
        }
        me.remote_schedules.fetch_add(1, Relaxed);
        Handle::start_monitor(me);
        if me.inject.push(task) {
            me.notify_parked();
        }
    }

    /// Signals shutdown, wakes every worker and waits for them as `wait` says (not when
    /// called from one of them: a worker cannot join itself, so then the others finish in
    /// the background). Returns how many workers were still running when the wait ended
    /// (0 when it did not wait).
    pub(crate) fn shutdown(me: &Arc<Handle>, wait: Wait) -> usize {
        me.shutdown.store(true, SeqCst);
        // Pending I/O waits (in tasks, or in a `block_on` future) fail with the shutdown
        // error instead of hanging; new registrations are refused.
        #[cfg(not(runtime_loom))]
        me.io.shutdown();
        for r in me.remotes.iter() {
            r.unpark.unpark();
        }
        me.monitor.stop();
        let on_worker = !context::scheduler_for(Arc::as_ptr(me) as *const ()).is_null();
        let threads = std::mem::take(&mut *me.threads.lock());
        let exited = match wait {
            // Dropped from one of our own tasks, or told not to wait: the workers finish
            // by themselves; their handles detach.
            _ if on_worker => return 0,
            Wait::No => return 0,
            Wait::Forever => true,
            // Waits on their exits (the latch), not on a poll of each thread.
            Wait::Until(deadline) => me.exits.wait(Some(deadline)),
        };
        if exited {
            // Every thread has left its body (or, for `Forever`, will): joining waits only
            // for that and what the OS does after it.
            for t in threads {
                let _ = t.join();
            }
        }
        // Past the deadline the late threads' handles drop here: they detach and finish
        // in the background.
        let left = me.alive.load(SeqCst);
        // Once every worker is gone (they cancelled every task they could reach), drop
        // the references still queued remotely. Workers still running past a deadline do
        // this themselves when they exit, so futures are never dropped on this thread
        // while a worker could still run them.
        if left == 0 {
            me.owned.close_and_shutdown_all();
            me.inject.close();
            me.time.shutdown();
        }
        left
    }
}

impl Schedule for Arc<Handle> {
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.owned.remove(task)
    }

    fn schedule(&self, task: Notified) {
        Handle::schedule_task(self, task, Kind::Wake);
    }

    fn yield_now(&self, task: Notified) {
        Handle::schedule_task(self, task, Kind::Yield);
    }

    fn schedule_spawned(&self, task: Notified) {
        Handle::schedule_task(self, task, Kind::Spawn);
    }

    fn call_soon(&self, f: CallSoon) -> Result<(), CallSoon> {
        if self.owned.is_closed() {
            return Err(f);
        }
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

/// The body of a worker thread.
fn worker_main(handle: Arc<Handle>, core: Box<Core>) {
    let index = core.index;
    let cx = WorkerCx {
        core: RefCell::new(Some(core)),
        firing_timers: std::cell::Cell::new(false),
    };
    let sched = super::Handle::MultiThread(handle.clone());
    let _current = context::set_current(&sched);
    let _in_rt = context::enter_runtime();
    let _sched = context::set_scheduler(
        Arc::as_ptr(&handle) as *const (),
        &cx as *const WorkerCx as *const (),
    );
    // This worker's timers go to its own shard (no lock shared with other workers).
    let _time = handle.time.enter(index);
    let _slack = crate::util::slack::minimize();
    let _worker = park::enter_worker(
        cx.core
            .borrow()
            .as_ref()
            .and_then(|core| core.park.as_ref())
            .expect("a new worker's core holds its parker")
            .shared(),
    );
    if let Some(f) = &handle.config.on_thread_start {
        f();
    }
    handle.run_worker(&cx);
    // Shutdown (invariant 3): cancel what can be reached, drop our queues' references.
    handle.owned.close_and_shutdown_all();
    let core = cx.core.borrow_mut().take();
    if let Some(mut core) = core {
        handle.publish_stats(&mut core);
        drop(handle.remotes[index].lifo.take());
        core.deferred.clear();
        core.timer_woken.clear();
        while let Some(t) = core.run_queue.pop() {
            drop(t);
        }
    }
    if let Some(f) = &handle.config.on_thread_stop {
        f();
    }
    if handle.alive.fetch_sub(1, SeqCst) == 1 {
        // The last worker out: nothing will pop the injector again, nor fire a timer.
        handle.inject.close();
        handle.time.shutdown();
    }
}
