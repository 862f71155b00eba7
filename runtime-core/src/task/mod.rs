//! Tasks: one allocation per spawned future, shared through one atomic state word.
//!
//! # Invariants
//!
//! 1. **References.** A task is freed when its reference count (in the state word) drops
//!    to zero. References are held by: the `JoinHandle` (one), the registry of live tasks
//!    while the task is linked (one), each `Notified` sitting in a run queue or being run
//!    (one), each `Waker` (one) and each `AbortHandle` (one). Only `State` methods change
//!    the count.
//! 2. **Running.** Only the thread that won `RUNNING` (through `transition_to_running` with
//!    a `Notified`, or `transition_to_shutdown` with the registry's reference) may poll,
//!    cancel or drop the future. Cancellation is complete (future dropped, error stored)
//!    before `COMPLETE` is published, so a `JoinHandle` never reports cancellation early.
//! 3. **Stage.** The future-or-output cell is touched by the `RUNNING` holder; after
//!    `COMPLETE`, by the `JoinHandle` while `JOIN_INTEREST` is set, else by the completer
//!    (or by whoever deallocates).
//! 4. **Join waker.** While `JOIN_WAKER` is clear and the task is not complete, only the
//!    `JoinHandle` writes the trailer's waker. While it is set, the slot is read-only for
//!    the handle and readable by the completer, which after `COMPLETE` wakes it and clears
//!    the bit; then whichever of the completer and the dropping `JoinHandle` comes last
//!    clears the slot (`unset_waker_after_complete`, `transition_to_join_handle_dropped`).
//! 5. **Registry.** A task is linked at spawn, unless the registry is closed, in which case
//!    it is cancelled on the spawning thread. It is unlinked when it completes or when
//!    shutdown drains it; shutdown then cancels it if idle, and a running task sees
//!    `CANCELLED` at the end of its poll. Every future is therefore dropped exactly once,
//!    on a thread of its runtime (the spawner's thread only for a closed registry).
//! 6. **Panics.** A panic from a future's `poll` or `Drop`, an output's `Drop`, a waker, or
//!    a done callback is caught in `harness.rs`/`callbacks.rs`; none unwinds into the
//!    scheduler.
//!
//! The `loom_*` models in `task/tests/` check every pair of operations that race on the
//! state word.
mod builder;
pub(crate) mod callbacks;
mod combinators;
pub(crate) mod coop;
mod error;
mod group;
mod harness;
mod id;
mod join;
pub(crate) mod list;
pub(crate) mod raw;
pub(crate) mod state;
mod waker;

#[cfg(all(test, runtime_loom))]
mod tests;

pub use builder::Builder;
pub use callbacks::Outcome;
pub use combinators::{
    as_completed, gather, try_gather, wait, wait_for, AsCompleted, Gather, ReturnWhen, TryGather,
    Wait, WaitFor, WaitOutput,
};
pub use coop::{consume_budget, yield_now, YieldNow};
pub(crate) use error::panic_message;
pub use error::JoinError;
pub use group::{
    GroupClosed, GroupError, GroupFailure, GroupHandle, GroupMember, Join as GroupJoin, TaskGroup,
};
pub use id::Id;
pub use join::{AbortHandle, JoinHandle};

use callbacks::CallSoon;
use raw::RawTask;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;

/// What a task needs from the scheduler that owns it.
pub(crate) trait Schedule: Send + Sync + Sized + 'static {
    /// Unlinks a completing task from the registry, returning the registry's reference.
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>>;

    /// Queues a task to run.
    fn schedule(&self, task: Notified<Self>);

    /// Queues a task that woke itself during its own poll (`yield_now`): it goes behind
    /// every other runnable task.
    fn yield_now(&self, task: Notified<Self>) {
        self.schedule(task);
    }

    /// Queues a task that was just spawned (by default like any wake).
    fn schedule_spawned(&self, task: Notified<Self>) {
        self.schedule(task);
    }

    /// Runs a done callback soon on this runtime; hands it back if the runtime is gone.
    fn call_soon(&self, f: CallSoon) -> Result<(), CallSoon>;
}

/// One owned reference to a task.
pub(crate) struct Task<S: 'static> {
    raw: RawTask,
    _p: PhantomData<S>,
}

impl<S: 'static> Task<S> {
    /// Takes over one reference held by the caller.
    ///
    /// # Safety
    /// The caller owns one reference of `raw`'s task and hands it over (rule 1): the
    /// `Task` drops it. `S` is the scheduler type the task was spawned with.
    pub(crate) unsafe fn from_raw(raw: RawTask) -> Task<S> {
        Task {
            raw,
            _p: PhantomData,
        }
    }

    pub(crate) fn raw(&self) -> RawTask {
        self.raw
    }
}

impl<S: 'static> Drop for Task<S> {
    fn drop(&mut self) {
        // SAFETY: a `Task` owns one reference (rule 1), which it gives up here.
        unsafe { self.raw.drop_reference() };
    }
}

impl<S: 'static> fmt::Debug for Task<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.raw.fmt(f)
    }
}

/// A task reference that sits in a run queue: running it consumes the reference.
pub(crate) struct Notified<S: 'static>(pub(crate) Task<S>);

impl<S: 'static> Notified<S> {
    /// Polls the task once (under a fresh cooperative budget).
    pub(crate) fn run(self) {
        let raw = self.0.raw;
        std::mem::forget(self);
        // SAFETY: the Notified reference was forgotten just above, so `poll` takes it over
        // (rule 1).
        coop::with_budget(|| unsafe { raw.poll() });
    }
}

impl<S: 'static> fmt::Debug for Notified<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Notified").field(&self.0).finish()
    }
}

/// Allocates a task for `future` on `scheduler` and links it into `owned`.
///
/// Returns its JoinHandle and, unless the registry was closed (the task was then
/// cancelled at once), the `Notified` to schedule.
pub(crate) fn spawn_into<F, S>(
    owned: &list::OwnedTasks<S>,
    future: F,
    scheduler: S,
    id: Id,
    name: Option<&str>,
) -> (JoinHandle<F::Output>, Option<Notified<S>>)
where
    F: Future + 'static,
    F::Output: 'static,
    S: Schedule,
{
    let raw = RawTask::new(future, scheduler, id);
    if let Some(name) = name {
        let _ = raw.header().extras_or_init().name.set(name.into());
    }
    let join = JoinHandle::new(raw);
    let notified = owned.bind(raw);
    (join, notified)
}

/// Spawns `future` on `scheduler`: binds it to `owned`, lets `before_schedule` see the
/// JoinHandle before the task can run, then queues it. A closed registry cancels the task
/// at once and nothing is queued.
pub(crate) fn spawn<F, S>(
    owned: &list::OwnedTasks<S>,
    scheduler: &S,
    future: F,
    id: Id,
    name: Option<&str>,
    before_schedule: impl FnOnce(&JoinHandle<F::Output>),
) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
    S: Schedule + Clone,
{
    let (join, notified) = spawn_into(owned, future, scheduler.clone(), id, name);
    if let Some(notified) = notified {
        before_schedule(&join);
        scheduler.schedule_spawned(notified);
    }
    join
}
