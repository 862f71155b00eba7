//! Pool threads, and the protocol that decides when one starts, idles and exits.
//!
//! # State
//!
//! All of it lives in [`Shared`], one per pool, behind an `Arc` held by the
//! `ThreadPool` and by every pool thread:
//!
//! - `sender`: `Some` while the pool accepts jobs. Submitters push *and* make their
//!   spawn decision under its read lock; shutdown takes it out under the write
//!   lock. So every submit is wholly before or wholly after the shutdown point.
//! - `slots` (`num_threads` in the docs): threads allowed to take jobs. Counts
//!   threads that are running, starting or idle, not those on their way out.
//! - `idle`: signed balance of threads asking for a job against queued jobs no
//!   thread has asked for (see rule 3); positive, it counts idle threads.
//! - `alive`: OS threads not yet finished, what shutdown waits for.
//!
//! # Rules
//!
//! 1. **Every job is run or dropped, exactly once.** A job is a `Box<dyn FnOnce>`
//!    moved into the queue. It leaves it once: received by a thread (run, or
//!    dropped unrun when the pool is shut down), drained by shutdown (dropped), or
//!    dropped with the channel if it is still there when the last `Shared` goes.
//! 2. **`slots <= max_threads`.** Every increment is a compare-and-swap that checks
//!    the bound, so no more than `max_threads` jobs ever run at once.
//! 3. **Idle balance.** `idle` is signed. A thread adds 1 (registers) before
//!    *every* receive, busy or not, and the job it receives uses that
//!    registration up. A submitter, after its push, subtracts 1, always: a
//!    positive previous value means a registered thread had no job yet and will
//!    take one, so it starts no thread; the queue wakes the waiting thread, with no
//!    lock shared by the two beyond the queue's own. Each receive is paid for by
//!    one registration and each push by one decrement, so once the submits in
//!    progress have made theirs, `idle` is exactly the registered threads minus the
//!    queued jobs, whoever took which job. (Between a push and its decrement it
//!    counts one more: the job may already be taken.) `idle_threads` reports
//!    `idle` clamped at 0.
//!
//!    A thread whose wait timed out takes its registration back only while
//!    `idle > 0` (a compare-and-swap); at `<= 0` a queued job counts on the
//!    registered threads, and it waits again. Every write to `idle` is an `AcqRel`
//!    RMW and a submitter pushes before its decrement, so a thread that finds
//!    `idle <= 0` synchronises with that decrement and sees the push.
//!
//!    The decrement must not be conditional. A claim that succeeds only while
//!    `idle > 0`, paired with a woken thread taking its own registration back,
//!    loses count: the thread takes the job, runs it and registers again before
//!    the submitter claims, and the late claim cancels the new registration. The
//!    thread then waits uncounted for its whole keep-alive, and the next job
//!    starts a second thread (model
//!    `loom_idle_count_recovers_when_the_thread_outruns_the_submitter`).
//!
//!    A submitter whose decrement found `<= 0` goes on to rule 4 only while a job
//!    is still queued: an empty queue means a registered thread took its job. So
//!    a thread is started only when no idle thread was there *and* a job is still
//!    waiting: at most one per submitted job.
//! 4. **No stranded job.** A submitter that cannot claim and still sees a job
//!    queued does an RMW on `slots` after its push: it reserves a slot and starts
//!    a thread if one is free, else rewrites the same value. (An empty queue means
//!    its job was already taken.) A thread whose keep-alive expired, once it has
//!    its registration back (rule 3), gives its slot back with an RMW *before* it
//!    looks at the queue one last time, and if a job is there it takes a slot
//!    again, registers again and stays. These RMWs are `AcqRel` on one atomic, so
//!    either the submitter saw the slot freed (and starts a thread), or the
//!    leaving thread synchronised with the submitter's RMW and sees its push. If
//!    it cannot take a slot again, other threads took the free slots after it
//!    gave its own back, and each of them registers and receives before it can
//!    leave.
//! 5. **Shutdown.** Under the write lock: set `shutdown`, take the sender out.
//!    Then dropping the sender wakes every thread blocked on the queue, and the
//!    queue is drained (jobs dropped, counted as cancelled). A thread that receives
//!    a job after `shutdown` is set drops it unrun. No slot is reserved and no
//!    `alive` is added after the write lock, so `alive` only falls from there and
//!    a waiter on `alive == 0` is woken by the thread that brings it to 0. The
//!    drain adds the jobs it dropped back to `idle` (no registration paid for
//!    them), and a thread that sees the disconnect takes its registration back,
//!    so `idle` ends at 0.
//!
//! Rules 3 and 4 are the loom models in `src/tests/loom_pool.rs`.
//!
//! # Panics
//!
//! A job runs under `catch_unwind`; so do hooks, thread-name functions and the
//! drop of a cancelled job. The thread survives, the panic is counted and handed
//! to the builder's `panic_handler` (the pool never installs a panic hook).

use crate::builder::{Config, ThreadName};
use crate::loom::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering};
use crate::loom::sync::{Arc, Condvar, Mutex, RwLock};
use crate::loom::thread;
use crate::queue::{self, Receiver, RecvError, Sender};
use std::any::Any;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// A unit of work: boxed once, run once or dropped once (rule 1).
pub(crate) type Job = Box<dyn FnOnce() + Send + 'static>;

/// The state one pool's threads and handle share. See the module docs.
pub(crate) struct Shared {
    /// `Some` while the pool accepts jobs (rule 5).
    pub(crate) sender: RwLock<Option<Sender<Job>>>,
    pub(crate) receiver: Receiver<Job>,
    /// Set under the `sender` write lock; threads drop the jobs they receive after.
    pub(crate) shutdown: AtomicBool,
    /// Threads allowed to take jobs (rule 2).
    slots: AtomicUsize,
    /// Registered threads minus queued jobs (rule 3): positive, the idle threads;
    /// negative, the jobs waiting for a thread.
    idle: AtomicIsize,
    /// OS threads not yet finished.
    pub(crate) alive: AtomicUsize,
    /// Guards the wait for `alive == 0`.
    exited: Mutex<()>,
    exited_cv: Condvar,
    // Metrics.
    pub(crate) running: AtomicUsize,
    pub(crate) completed: AtomicUsize,
    pub(crate) panicked: AtomicUsize,
    pub(crate) cancelled: AtomicUsize,
    pub(crate) spawned: AtomicUsize,
    pub(crate) spawn_failures: AtomicUsize,
    pub(crate) config: Config,
}

impl Shared {
    /// Builds the shared state and starts `config.min_threads` threads.
    pub(crate) fn start(config: Config) -> io::Result<Arc<Self>> {
        let (tx, rx) = queue::unbounded();
        let min = config.min_threads;
        let shared = Arc::new(Self {
            sender: RwLock::new(Some(tx)),
            receiver: rx,
            shutdown: AtomicBool::new(false),
            slots: AtomicUsize::new(min),
            idle: AtomicIsize::new(0),
            alive: AtomicUsize::new(min),
            exited: Mutex::new(()),
            exited_cv: Condvar::new(),
            running: AtomicUsize::new(0),
            completed: AtomicUsize::new(0),
            panicked: AtomicUsize::new(0),
            cancelled: AtomicUsize::new(0),
            spawned: AtomicUsize::new(0),
            spawn_failures: AtomicUsize::new(0),
            config,
        });
        for started in 0..min {
            if let Err(err) = Self::spawn_thread(&shared, true) {
                // `spawn_thread` gave back this thread's slot; give back the rest.
                for _ in started + 1..min {
                    shared.slots.fetch_sub(1, Ordering::AcqRel);
                    shared.thread_exited();
                }
                shared.close();
                return Err(err);
            }
        }
        Ok(shared)
    }

    /// Queues `job`, or hands it back when the pool is shut down.
    pub(crate) fn submit<F>(this: &Arc<Self>, job: F) -> Result<(), F>
    where
        F: FnOnce() + Send + 'static,
    {
        let guard = this.sender.read();
        let Some(sender) = guard.as_ref() else {
            return Err(job);
        };
        if let Err(job) = sender.send(Box::new(job)) {
            // Cannot happen: `Shared::receiver` lives as long as the sender. Were it to,
            // the job is dropped here, which rule 1 allows.
            drop(guard);
            this.drop_job(job);
            return Ok(());
        }
        // Rule 3, then rule 4; under the read lock so shutdown sees the reservation.
        let start = !this.claim_idle() && !this.receiver.is_empty() && this.reserve_slot();
        if start {
            this.alive.fetch_add(1, Ordering::AcqRel);
        }
        drop(guard);
        if start {
            // On failure the job stays queued for a running thread or a later start
            // (or shutdown drops it); the failure is counted in `spawn_failures`.
            let _ = Self::spawn_thread(this, false);
        }
        Ok(())
    }

    /// Pays for a pushed job with one registration; `true` when a registered
    /// thread had no job yet, so one will take it (rule 3). Always subtracts.
    fn claim_idle(&self) -> bool {
        self.idle.fetch_sub(1, Ordering::AcqRel) > 0
    }

    /// Threads registered for a job and not matched with a queued one (rule 3).
    pub(crate) fn idle_threads(&self) -> usize {
        usize::try_from(self.idle.load(Ordering::Relaxed)).unwrap_or(0)
    }

    /// Reserves a slot if fewer than `max_threads` are taken (rule 4). Always a
    /// read-modify-write, even when full, so it is ordered against `retire`.
    fn reserve_slot(&self) -> bool {
        let max = self.config.max_threads;
        let (Ok(prev) | Err(prev)) =
            self.slots
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                    Some(if n < max { n + 1 } else { n })
                });
        prev < max
    }

    /// Starts a thread for a slot (and an `alive` count) already reserved.
    pub(crate) fn spawn_thread(this: &Arc<Self>, core: bool) -> io::Result<()> {
        let shared = Arc::clone(this);
        let started =
            thread::spawn_detached(this.thread_name(), this.config.stack_size, move || {
                shared.thread_main(core);
            });
        match started {
            Ok(()) => {
                this.spawned.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
            Err(err) => {
                this.spawn_failures.fetch_add(1, Ordering::Relaxed);
                this.slots.fetch_sub(1, Ordering::AcqRel);
                this.thread_exited();
                Err(err)
            }
        }
    }

    fn thread_name(&self) -> String {
        match &self.config.name {
            ThreadName::Fixed(name) => name.clone(),
            ThreadName::Fn(f) => match panic::catch_unwind(AssertUnwindSafe(|| f())) {
                Ok(name) => name,
                Err(payload) => {
                    self.report_panic(payload);
                    crate::builder::DEFAULT_THREAD_NAME.to_owned()
                }
            },
        }
    }

    /// The body of every pool thread.
    fn thread_main(&self, core: bool) {
        if let Some(hook) = &self.config.on_thread_start {
            self.contain(|| hook());
        }
        self.work(core);
        if let Some(hook) = &self.config.on_thread_stop {
            self.contain(|| hook());
        }
        self.thread_exited();
    }

    /// Takes jobs until the queue disconnects or the keep-alive expires. Returns
    /// with this thread's slot already given back.
    fn work(&self, core: bool) {
        'jobs: loop {
            // One registration per job received (rule 3); with jobs queued it is
            // used up at once and the thread never counts as idle.
            self.idle.fetch_add(1, Ordering::AcqRel);
            loop {
                let received = if core {
                    self.receiver.recv()
                } else {
                    self.receiver.recv_timeout(self.config.keep_alive)
                };
                match received {
                    Ok(job) => {
                        self.run_or_cancel(job);
                        continue 'jobs;
                    }
                    Err(RecvError::Disconnected) => {
                        self.idle.fetch_sub(1, Ordering::AcqRel);
                        break 'jobs;
                    }
                    Err(RecvError::Empty) => {
                        if !self.leave_idle() {
                            // A queued job counts on us: wait again, still registered.
                            continue;
                        }
                        if self.retire() {
                            return;
                        }
                        continue 'jobs;
                    }
                }
            }
        }
        self.slots.fetch_sub(1, Ordering::AcqRel);
    }

    /// Takes back this thread's registration if no queued job counts on it;
    /// `true` when it did (rule 3). A stale `<= 0` only costs one more wait.
    fn leave_idle(&self) -> bool {
        self.idle
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n > 0).then(|| n - 1)
            })
            .is_ok()
    }

    /// Keep-alive expired: gives the slot back, then looks at the queue (rule 4).
    /// `true` when the thread should exit, `false` when it took a slot again.
    fn retire(&self) -> bool {
        self.slots.fetch_sub(1, Ordering::AcqRel);
        if self.receiver.is_empty() {
            return true;
        }
        // A job arrived that its submitter may have left to us. Shutdown drains
        // the queue itself, so only stay while the pool is open.
        let guard = self.sender.read();
        let stay = guard.is_some() && self.reserve_slot();
        !stay
    }

    /// Runs a received job, or drops it unrun once the pool is shut down (rule 1).
    fn run_or_cancel(&self, job: Job) {
        if self.shutdown.load(Ordering::Acquire) {
            self.cancelled.fetch_add(1, Ordering::AcqRel);
            self.drop_job(job);
            return;
        }
        self.running.fetch_add(1, Ordering::AcqRel);
        let outcome = panic::catch_unwind(AssertUnwindSafe(job));
        self.running.fetch_sub(1, Ordering::AcqRel);
        self.completed.fetch_add(1, Ordering::AcqRel);
        if let Err(payload) = outcome {
            self.panicked.fetch_add(1, Ordering::AcqRel);
            self.report_panic(payload);
        }
    }

    /// Drops a job that will never run; a panic from its `Drop` is contained.
    pub(crate) fn drop_job(&self, job: Job) {
        self.contain(move || drop(job));
    }

    /// Runs `f`, catching and reporting a panic.
    fn contain(&self, f: impl FnOnce()) {
        if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(f)) {
            self.report_panic(payload);
        }
    }

    /// Hands a caught panic to the panic handler, or drops it. A panic from the
    /// handler or from the payload's own `Drop` is caught and forgotten: there is
    /// nobody left to report it to.
    fn report_panic(&self, payload: Box<dyn Any + Send + 'static>) {
        let outcome = match &self.config.panic_handler {
            Some(handler) => panic::catch_unwind(AssertUnwindSafe(|| handler(payload))),
            None => panic::catch_unwind(AssertUnwindSafe(move || drop(payload))),
        };
        if let Err(second) = outcome {
            std::mem::forget(second);
        }
    }

    /// Counts an OS thread as finished; the last one wakes shutdown waiters.
    fn thread_exited(&self) {
        if self.alive.fetch_sub(1, Ordering::AcqRel) == 1 {
            let _guard = self.exited.lock();
            self.exited_cv.notify_all();
        }
    }

    /// Stops accepting jobs, wakes idle threads and drops every queued job
    /// (rule 5). Returns how many this call dropped. Never blocks on running jobs.
    pub(crate) fn close(&self) -> usize {
        let sender = {
            let mut sender = self.sender.write();
            self.shutdown.store(true, Ordering::Release);
            sender.take()
        };
        // Disconnects the queue once it is empty: blocked threads wake and exit.
        drop(sender);
        let mut dropped = 0;
        while let Ok(job) = self.receiver.try_recv() {
            self.drop_job(job);
            dropped += 1;
        }
        // Their submitters paid for them; no registration will (rule 5).
        self.idle.fetch_add(
            isize::try_from(dropped).unwrap_or(isize::MAX),
            Ordering::AcqRel,
        );
        self.cancelled.fetch_add(dropped, Ordering::AcqRel);
        dropped
    }

    /// Waits until every pool thread has finished, or `timeout` passed; `true`
    /// when they all finished.
    pub(crate) fn wait_exited(&self, timeout: Duration) -> bool {
        let deadline = Instant::now().checked_add(timeout);
        let mut guard = self.exited.lock();
        while self.alive.load(Ordering::Acquire) > 0 {
            let left = match deadline {
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return false;
                    }
                    left
                }
                None => timeout,
            };
            self.exited_cv.wait_timeout(&mut guard, left);
        }
        true
    }

    /// Threads allowed to take jobs right now (for tests and models).
    #[cfg(test)]
    pub(crate) fn slots(&self) -> usize {
        self.slots.load(Ordering::Acquire)
    }
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("shutdown", &self.shutdown.load(Ordering::Relaxed))
            .field("slots", &self.slots.load(Ordering::Relaxed))
            .field("idle", &self.idle.load(Ordering::Relaxed))
            .field("alive", &self.alive.load(Ordering::Relaxed))
            .field("queued", &self.receiver.len())
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}
