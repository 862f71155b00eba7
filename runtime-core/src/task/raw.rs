//! The task allocation: one `Cell` holding header, scheduler, future-or-output and join
//! waker, and the type-erased pointer (`RawTask`) everything else holds.
//!
//! # Layout
//!
//! ```text
//! Cell<F, S>  (#[repr(C)], one Box)
//! ┌ Header ─────────────────────────────────────────────┐
//! │ state: State            refcount + flags (state.rs) │
//! │ owned: Pointers         registry links (list.rs)    │
//! │ vtable: &'static Vtable monomorphized fns for F, S  │
//! │ id: Id                                              │
//! │ extras: AtomicPtr       name, done callbacks (lazy) │
//! ├ Core ───────────────────────────────────────────────┤
//! │ scheduler: S            usually one Arc             │
//! │ stage: Running(F) | Finished(Result) | Consumed     │
//! ├ Trailer ────────────────────────────────────────────┤
//! │ waker: Option<Waker>    the JoinHandle's waker      │
//! └─────────────────────────────────────────────────────┘
//! ```
//!
//! `#[repr(C)]` puts the header at offset 0, so a `NonNull<Header>` is also a pointer to
//! the whole cell, and the vtable (which knows `F` and `S`) casts it back. Rare fields live
//! behind `extras` so a task that never gets a name or a callback pays one null pointer.
use super::callbacks::Extras;
use super::harness;
use super::id::Id;
use super::state::State;
use super::{JoinError, Schedule};
use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicPtr, Ordering::Acquire};
use std::future::Future;
use std::ptr::NonNull;
use std::task::Waker;

/// The part of a task every holder can touch without knowing its types.
#[repr(C)]
pub(crate) struct Header {
    /// Refcount and lifecycle flags; touched only through `State`'s transitions.
    pub(crate) state: State,
    /// Links of the registry shard this task lives in; guarded by that shard's lock.
    pub(crate) owned: Pointers,
    /// The functions that know this task's future and scheduler types.
    pub(crate) vtable: &'static Vtable,
    /// Process-unique id.
    pub(crate) id: Id,
    /// Lazily allocated rare fields; null until first needed, freed with the task.
    pub(crate) extras: AtomicPtr<Extras>,
}

/// Intrusive doubly linked list links.
#[derive(Debug)]
pub(crate) struct Pointers {
    pub(crate) prev: UnsafeCell<Option<NonNull<Header>>>,
    pub(crate) next: UnsafeCell<Option<NonNull<Header>>>,
}

/// Type-erased operations on one `Cell<F, S>`.
pub(crate) struct Vtable {
    /// Runs the task with the caller's `Notified` reference.
    pub(crate) poll: unsafe fn(NonNull<Header>),
    /// Hands a new `Notified` reference to the task's scheduler.
    pub(crate) schedule: unsafe fn(NonNull<Header>),
    /// Frees the allocation; the reference count is zero.
    pub(crate) dealloc: unsafe fn(NonNull<Header>),
    /// JoinHandle poll: writes `Poll<Result<T, JoinError>>` to `dst` when ready.
    pub(crate) try_read_output: unsafe fn(NonNull<Header>, *mut (), &Waker),
    /// The JoinHandle is dropped.
    pub(crate) drop_join_handle: unsafe fn(NonNull<Header>),
    /// Shutdown with the registry's reference.
    pub(crate) shutdown: unsafe fn(NonNull<Header>),
    /// Schedules a done callback on the task's runtime, or hands it back.
    pub(crate) call_soon: unsafe fn(
        NonNull<Header>,
        super::callbacks::CallSoon,
    ) -> Result<(), super::callbacks::CallSoon>,
}

/// The whole allocation.
#[repr(C)]
pub(crate) struct Cell<F: Future, S> {
    pub(crate) header: Header,
    pub(crate) core: Core<F, S>,
    pub(crate) trailer: Trailer,
}

/// The scheduler and the future or its output.
pub(crate) struct Core<F: Future, S> {
    pub(crate) scheduler: S,
    /// Touched only by the thread holding `RUNNING`, or by the `JoinHandle` after
    /// `COMPLETE` (rule 3 of `task/mod.rs`).
    pub(crate) stage: UnsafeCell<Stage<F>>,
}

/// What the core holds.
pub(crate) enum Stage<F: Future> {
    Running(F),
    Finished(Result<F::Output, JoinError>),
    Consumed,
}

/// The join waker; access is arbitrated by `JOIN_WAKER` (rule 4 of `task/mod.rs`).
pub(crate) struct Trailer {
    pub(crate) waker: UnsafeCell<Option<Waker>>,
}

impl<F: Future + 'static, S: Schedule> Cell<F, S> {
    /// Allocates a new task.
    pub(crate) fn new(future: F, scheduler: S, id: Id) -> Box<Cell<F, S>> {
        Box::new(Cell {
            header: Header {
                state: State::new(),
                owned: Pointers {
                    prev: UnsafeCell::new(None),
                    next: UnsafeCell::new(None),
                },
                vtable: vtable::<F, S>(),
                id,
                extras: AtomicPtr::new(std::ptr::null_mut()),
            },
            core: Core {
                scheduler,
                stage: UnsafeCell::new(Stage::Running(future)),
            },
            trailer: Trailer {
                waker: UnsafeCell::new(None),
            },
        })
    }
}

fn vtable<F: Future + 'static, S: Schedule>() -> &'static Vtable {
    &Vtable {
        poll: harness::poll::<F, S>,
        schedule: harness::schedule::<F, S>,
        dealloc: harness::dealloc::<F, S>,
        try_read_output: harness::try_read_output::<F, S>,
        drop_join_handle: harness::drop_join_handle::<F, S>,
        shutdown: harness::shutdown::<F, S>,
        call_soon: harness::call_soon::<F, S>,
    }
}

impl Header {
    /// The extras, if they were ever allocated.
    pub(crate) fn extras(&self) -> Option<&Extras> {
        let ptr = self.extras.load(Acquire);
        // SAFETY: a non-null `extras` was published with Release by `extras_or_init` and is
        // freed only in `Drop for Header`, which needs `&mut self`.
        unsafe { ptr.as_ref() }
    }

    /// The extras, allocated on first use (lock-free; a racing allocator's box is freed).
    pub(crate) fn extras_or_init(&self) -> &Extras {
        if let Some(e) = self.extras() {
            return e;
        }
        let fresh = Box::into_raw(Box::new(Extras::default()));
        match self.extras.compare_exchange(
            std::ptr::null_mut(),
            fresh,
            crate::loom::sync::atomic::Ordering::AcqRel,
            Acquire,
        ) {
            // SAFETY: we just published `fresh`; it lives until `Drop for Header`.
            Ok(_) => unsafe { &*fresh },
            Err(winner) => {
                // SAFETY: `fresh` was never shared; `winner` is non-null and published.
                unsafe {
                    drop(Box::from_raw(fresh));
                    &*winner
                }
            }
        }
    }
}

impl Drop for Header {
    fn drop(&mut self) {
        let ptr = self.extras.load(Acquire);
        if !ptr.is_null() {
            // SAFETY: the pointer came from `Box::into_raw` in `extras_or_init` and the
            // header is being destroyed, so no reference to the extras remains.
            drop(unsafe { Box::from_raw(ptr) });
        }
    }
}

/// A type-erased pointer to a task; carries no reference by itself.
///
/// Invariant: a `RawTask` points to a live task for as long as it is used, because its
/// user holds one of the task's references or borrows from a holder of one (rule 1 of
/// `task/mod.rs`). [`RawTask::new`] and [`RawTask::from_raw`] establish it; the
/// operations that give up a reference ([`poll`](Self::poll),
/// [`schedule`](Self::schedule), [`shutdown`](Self::shutdown),
/// [`drop_reference`](Self::drop_reference), [`dealloc`](Self::dealloc)) are `unsafe`
/// because after them the caller's copy may dangle.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawTask {
    ptr: NonNull<Header>,
}

// SAFETY: a RawTask is an address; every operation through it goes through the state
// word's atomic protocol, and the futures it can point to were required to be `Send` by
// the function that spawned them (or stay on their thread, for local tasks).
unsafe impl Send for RawTask {}
// SAFETY: as above; shared access is arbitrated by the state word.
unsafe impl Sync for RawTask {}

impl RawTask {
    /// Allocates a task and returns its pointer. The caller owns the three initial
    /// references (JoinHandle, registry, Notified).
    pub(crate) fn new<F: Future + 'static, S: Schedule>(
        future: F,
        scheduler: S,
        id: Id,
    ) -> RawTask {
        let cell = Cell::new(future, scheduler, id);
        let ptr = NonNull::from(Box::leak(cell)).cast::<Header>();
        RawTask { ptr }
    }

    /// The task headed by `ptr`.
    ///
    /// # Safety
    /// `ptr` heads a task allocated by [`RawTask::new`], and the task stays alive while
    /// the returned `RawTask` is used: the caller holds one of its references, or borrows
    /// from a holder of one (rule 1 of `task/mod.rs`).
    pub(crate) unsafe fn from_raw(ptr: NonNull<Header>) -> RawTask {
        RawTask { ptr }
    }

    pub(crate) fn header_ptr(self) -> NonNull<Header> {
        self.ptr
    }

    pub(crate) fn header(&self) -> &Header {
        // SAFETY: whoever holds a RawTask holds (or borrows from a holder of) a reference,
        // so the allocation is alive.
        unsafe { self.ptr.as_ref() }
    }

    pub(crate) fn state(&self) -> &State {
        &self.header().state
    }

    pub(crate) fn id(&self) -> Id {
        self.header().id
    }

    /// Runs the task, consuming the caller's `Notified` reference.
    ///
    /// # Safety
    /// The caller hands over a `Notified` reference of this task (rule 1 of
    /// `task/mod.rs`), and does not use the task afterwards unless it holds another.
    pub(crate) unsafe fn poll(self) {
        // SAFETY: the vtable is this allocation's own, so it matches the cell's future and
        // scheduler types; the caller hands over the Notified reference `poll` consumes.
        unsafe { (self.header().vtable.poll)(self.ptr) }
    }

    /// Hands the task to its scheduler with a `Notified` reference the caller gives up.
    ///
    /// # Safety
    /// The caller hands over a `Notified` reference of this task that no run queue holds
    /// (one a state transition just created or converted, rule 1 of `task/mod.rs`), and
    /// does not use the task afterwards unless it holds another.
    pub(crate) unsafe fn schedule(self) {
        // SAFETY: the vtable is this allocation's own; the caller hands over a Notified
        // reference, as the scheduler's `schedule` requires.
        unsafe { (self.header().vtable.schedule)(self.ptr) }
    }

    /// Frees the task.
    ///
    /// # Safety
    /// The reference count reached zero in the caller's own transition, so no other
    /// holder exists (rule 1 of `task/mod.rs`); nothing uses the task afterwards.
    pub(crate) unsafe fn dealloc(self) {
        // SAFETY: the vtable is this allocation's own; the caller guarantees the count is
        // zero and that it was the last holder.
        unsafe { (self.header().vtable.dealloc)(self.ptr) }
    }

    /// Cancels the task if it is idle, consuming the reference the caller hands over.
    ///
    /// # Safety
    /// The caller hands over the reference that entitles it to cancel: the registry's
    /// reference of a task it unlinked or never linked (rules 1 and 5 of `task/mod.rs`),
    /// or the `Notified` of an unowned blocking task that never ran (rule 1 of
    /// `blocking/mod.rs`). It does not use the task afterwards unless it holds another.
    pub(crate) unsafe fn shutdown(self) {
        // SAFETY: the vtable is this allocation's own; the caller hands over a reference
        // no registry holds, as the harness's `shutdown` requires.
        unsafe { (self.header().vtable.shutdown)(self.ptr) }
    }

    /// Drops one reference, deallocating when it was the last.
    ///
    /// # Safety
    /// The caller owns one reference of this task and gives it up (rule 1 of
    /// `task/mod.rs`); it does not use the task afterwards unless it holds another.
    pub(crate) unsafe fn drop_reference(self) {
        if self.state().ref_dec() {
            // SAFETY: our decrement took the count to zero: we were the last holder.
            unsafe { self.dealloc() };
        }
    }

    /// Abort: requests cancellation; an idle task is scheduled so a runtime thread drops
    /// its future.
    pub(crate) fn remote_abort(self) {
        if self.state().transition_to_notified_and_cancel() {
            // SAFETY: the transition created a new Notified reference (rule 1 of
            // `task/mod.rs`) that no queue holds; `schedule` hands it to the scheduler.
            unsafe { self.schedule() };
        }
    }
}

impl std::fmt::Debug for RawTask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawTask")
            .field("id", &self.id())
            .field("state", &self.state().load())
            .finish()
    }
}

#[cfg(all(test, not(runtime_loom)))]
mod tests {
    use super::*;
    use crate::scheduler::current_thread;

    /// The allocation of a task whose future is trivial must stay under smol's 217 bytes.
    #[test]
    fn trivial_task_is_small() {
        async fn trivial() {}
        type Sched = crate::loom::sync::Arc<current_thread::Handle>;
        fn size_of_cell<F: Future>(_: &F) -> usize {
            std::mem::size_of::<Cell<F, Sched>>()
        }
        let size = size_of_cell(&trivial());
        eprintln!("task allocation for a trivial future: {size} bytes");
        assert!(size <= 128, "task cell grew to {size} bytes");
        assert_eq!(
            std::mem::offset_of!(Cell<std::future::Ready<()>, Sched>, header),
            0
        );
    }
}
