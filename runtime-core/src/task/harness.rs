//! What happens to a task: poll, complete, cancel, join, deallocate.
//!
//! These are the monomorphized functions behind each task's [`Vtable`](super::raw::Vtable).
//! Each takes the header pointer and casts it back to its `Cell<F, S>`; the rules they
//! rely on are numbered in `task/mod.rs`.
use super::callbacks::{self, CallSoon};
use super::raw::{Cell, Header, RawTask, Stage};
use super::state::{OutcomeKind, Snapshot, TransitionToIdle, TransitionToRunning};
use super::waker::waker_ref;
use super::{JoinError, Notified, Schedule, Task};
use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll, Waker};

/// Casts a header pointer back to the cell it heads.
///
/// # Safety
/// `ptr` must head a live `Cell<F, S>` with exactly these type parameters (true for
/// every pointer reaching these functions through the cell's own vtable).
unsafe fn cell<'a, F: Future, S>(ptr: NonNull<Header>) -> &'a Cell<F, S> {
    // SAFETY: `Cell` is `#[repr(C)]` with the header first (raw.rs), and the caller
    // guarantees the allocation is a live `Cell<F, S>`.
    unsafe { ptr.cast::<Cell<F, S>>().as_ref() }
}

/// Runs the task once with the caller's `Notified` reference.
///
/// # Safety
/// `ptr` heads a live `Cell<F, S>`, and the caller hands over one `Notified` reference.
pub(super) unsafe fn poll<F: Future + 'static, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: guaranteed by the caller.
    let cell = unsafe { cell::<F, S>(ptr) };
    match cell.header.state.transition_to_running() {
        TransitionToRunning::Success => {}
        TransitionToRunning::Cancelled => {
            let outcome = cancel_future(cell);
            // SAFETY: we hold RUNNING and the Notified reference.
            unsafe { complete(ptr, cell, outcome) };
            return;
        }
        TransitionToRunning::Failed => return,
        TransitionToRunning::Dealloc => {
            // SAFETY: the count reached zero in our transition.
            unsafe { dealloc::<F, S>(ptr) };
            return;
        }
    }

    // We hold RUNNING: the stage is ours (rule 3).
    // SAFETY: `ptr` heads a `Cell<F, S>` (this is its vtable), and our Notified reference
    // keeps it alive for the whole poll, which the borrowed waker does not outlive.
    let waker = unsafe { waker_ref::<F, S>(ptr) };
    let mut cx = Context::from_waker(&waker);
    match poll_future(cell, &mut cx) {
        Poll::Ready(outcome) => {
            // SAFETY: we hold RUNNING and the Notified reference.
            unsafe { complete(ptr, cell, outcome) }
        }
        Poll::Pending => match cell.header.state.transition_to_idle() {
            TransitionToIdle::Ok => {}
            TransitionToIdle::OkNotified => {
                // Woken during its own poll: our reference becomes the new Notified.
                // SAFETY: `ptr` heads this live task, and we hand over our reference
                // (rule 1).
                let task = Notified(unsafe { Task::from_raw(RawTask::from_raw(ptr)) });
                cell.core.scheduler.yield_now(task);
            }
            TransitionToIdle::OkDealloc => {
                // SAFETY: the count reached zero in our transition.
                unsafe { dealloc::<F, S>(ptr) }
            }
            TransitionToIdle::Cancelled => {
                let outcome = cancel_future(cell);
                // SAFETY: we still hold RUNNING and our reference.
                unsafe { complete(ptr, cell, outcome) }
            }
        },
    }
}

/// Polls the future, catching a panic. On `Ready` the output is stored and the future
/// dropped; on panic the future is dropped and the panic stored.
fn poll_future<F: Future, S>(cell: &Cell<F, S>, cx: &mut Context<'_>) -> Poll<OutcomeKind> {
    let id = cell.header.id;
    let res = catch_unwind(AssertUnwindSafe(|| {
        let out = cell.core.stage.with_mut(|stage| {
            // SAFETY: the caller holds RUNNING, so no one else touches the stage (rule 3).
            match unsafe { &mut *stage } {
                // SAFETY: the future lives in the task's heap cell and is never moved out
                // until it is dropped in place, so it is pinned.
                Stage::Running(fut) => unsafe { Pin::new_unchecked(fut) }.poll(cx),
                _ => unreachable!("a task was polled after it completed"),
            }
        });
        if let Poll::Ready(out) = out {
            // Dropping the future may panic: it is inside the catch.
            set_stage(cell, Stage::Consumed);
            Poll::Ready(out)
        } else {
            Poll::Pending
        }
    }));
    match res {
        Ok(Poll::Pending) => Poll::Pending,
        Ok(Poll::Ready(out)) => {
            set_stage(cell, Stage::Finished(Ok(out)));
            Poll::Ready(OutcomeKind::Completed)
        }
        Err(payload) => {
            // The future (or its drop) panicked; make sure it is gone, then keep the first
            // payload for the JoinHandle.
            let _ = catch_unwind(AssertUnwindSafe(|| set_stage(cell, Stage::Consumed)));
            set_stage(cell, Stage::Finished(Err(JoinError::panic(id, payload))));
            Poll::Ready(OutcomeKind::Panicked)
        }
    }
}

/// Drops the future of a cancelled task and stores the cancellation error (or the panic
/// its destructor raised). The caller holds RUNNING.
fn cancel_future<F: Future, S>(cell: &Cell<F, S>) -> OutcomeKind {
    let id = cell.header.id;
    match catch_unwind(AssertUnwindSafe(|| set_stage(cell, Stage::Consumed))) {
        Ok(()) => {
            set_stage(cell, Stage::Finished(Err(JoinError::cancelled(id))));
            OutcomeKind::Cancelled
        }
        Err(payload) => {
            set_stage(cell, Stage::Finished(Err(JoinError::panic(id, payload))));
            OutcomeKind::Panicked
        }
    }
}

/// Replaces the stage, dropping the old one (which may panic; callers decide whether to
/// catch). Only the holder of RUNNING, or the JoinHandle after COMPLETE, may call this.
fn set_stage<F: Future, S>(cell: &Cell<F, S>, stage: Stage<F>) {
    cell.core.stage.with_mut(|ptr| {
        // SAFETY: the caller has exclusive access to the stage (rule 3).
        unsafe { *ptr = stage }
    })
}

/// Finishes a task: publish COMPLETE, wake the joiner, run done callbacks, leave the
/// registry and drop the runner's references.
///
/// # Safety
/// The caller holds RUNNING and one reference, and has stored the output.
unsafe fn complete<F: Future + 'static, S: Schedule>(
    ptr: NonNull<Header>,
    cell: &Cell<F, S>,
    outcome: OutcomeKind,
) {
    let snapshot = cell.header.state.transition_to_complete(outcome);

    if !snapshot.is_join_interested() {
        // Nobody will read the output: drop it here (a panic in its Drop is contained).
        let _ = catch_unwind(AssertUnwindSafe(|| set_stage(cell, Stage::Consumed)));
    } else if snapshot.is_join_waker_set() {
        // Rule 4: with JOIN_WAKER set and COMPLETE published, the waker is ours to read.
        let _ = catch_unwind(AssertUnwindSafe(|| {
            cell.trailer.waker.with(|w| {
                // SAFETY: rule 4, see above; the JoinHandle no longer writes the slot.
                if let Some(w) = unsafe { &*w } {
                    w.wake_by_ref();
                }
            })
        }));
        let after = cell.header.state.unset_waker_after_complete();
        if !after.is_join_interested() {
            // The JoinHandle was dropped meanwhile and left the slot to us.
            let _ = catch_unwind(AssertUnwindSafe(|| clear_join_waker(cell)));
        }
    }

    if snapshot.has_callbacks() {
        if let Some(extras) = cell.header.extras() {
            let outcome = callbacks::Outcome::new(cell.header.id, outcome);
            for cb in extras.take_for_completion() {
                callbacks::run_callback(cb, &outcome);
            }
        }
    }

    // SAFETY: the caller's reference (this function's contract) keeps the task alive;
    // the `Task` is only lent to `release` and forgotten below, so the reference is
    // neither dropped nor duplicated.
    let task = unsafe { Task::<S>::from_raw(RawTask::from_raw(ptr)) };
    let released = cell.core.scheduler.release(&task);
    std::mem::forget(task);
    let count = match released {
        Some(registry_ref) => {
            std::mem::forget(registry_ref);
            2
        }
        None => 1,
    };
    if cell.header.state.transition_to_terminal(count) {
        // SAFETY: the count reached zero.
        unsafe { dealloc::<F, S>(ptr) }
    }
}

fn clear_join_waker<F: Future, S>(cell: &Cell<F, S>) {
    cell.trailer.waker.with_mut(|w| {
        // SAFETY: the caller owns the slot per rule 4.
        unsafe { *w = None }
    })
}

/// Hands a new `Notified` reference to the task's scheduler.
///
/// # Safety
/// `ptr` heads a live `Cell<F, S>`; the caller hands over one Notified reference.
pub(super) unsafe fn schedule<F: Future + 'static, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: guaranteed by the caller.
    let cell = unsafe { cell::<F, S>(ptr) };
    // SAFETY: `ptr` heads a live task and the caller hands over a Notified reference
    // (this function's contract, rule 1).
    let task = Notified(unsafe { Task::from_raw(RawTask::from_raw(ptr)) });
    cell.core.scheduler.schedule(task);
}

/// Frees the allocation.
///
/// # Safety
/// `ptr` heads a `Cell<F, S>` allocated by `RawTask::new` whose count is zero.
pub(super) unsafe fn dealloc<F: Future + 'static, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the count is zero so we are the only holder; the box came from `Cell::new`.
    let boxed = unsafe { Box::from_raw(ptr.cast::<Cell<F, S>>().as_ptr()) };
    // An output nobody read, or (for a task never run) the future itself, may panic on drop.
    let _ = catch_unwind(AssertUnwindSafe(|| set_stage(&boxed, Stage::Consumed)));
    let _ = catch_unwind(AssertUnwindSafe(move || drop(boxed)));
}

/// JoinHandle poll.
///
/// # Safety
/// `ptr` heads a live `Cell<F, S>`, the caller is its JoinHandle, and `dst` points to a
/// `Poll<Result<F::Output, JoinError>>`.
pub(super) unsafe fn try_read_output<F: Future + 'static, S: Schedule>(
    ptr: NonNull<Header>,
    dst: *mut (),
    waker: &Waker,
) {
    // SAFETY: guaranteed by the caller.
    let cell = unsafe { cell::<F, S>(ptr) };
    if can_read_output(cell, waker) {
        let stage = cell.core.stage.with_mut(|s| {
            // SAFETY: COMPLETE with join interest: the stage belongs to the JoinHandle
            // (rule 3), and `&mut self` on the handle excludes concurrent polls.
            unsafe { std::mem::replace(&mut *s, Stage::Consumed) }
        });
        let out = match stage {
            Stage::Finished(out) => out,
            _ => panic!("{}", crate::error::JOIN_HANDLE_POLLED_AFTER_COMPLETION),
        };
        let dst = dst.cast::<Poll<Result<F::Output, JoinError>>>();
        // SAFETY: the caller passes a valid, initialized destination of this type.
        unsafe { *dst = Poll::Ready(out) };
    }
}

/// Decides whether the JoinHandle may read the output; otherwise makes sure `waker` will
/// be woken at completion.
fn can_read_output<F: Future, S>(cell: &Cell<F, S>, waker: &Waker) -> bool {
    let state = &cell.header.state;
    let snapshot = state.load();
    if snapshot.is_complete() {
        return true;
    }
    if snapshot.is_join_waker_set() {
        // A waker is stored; keep it if it would wake the same task.
        let same = cell.trailer.waker.with(|w| {
            // SAFETY: rule 4: with JOIN_WAKER set and not COMPLETE, the JoinHandle may read
            // the slot; the completer only reads it too.
            unsafe { &*w }.as_ref().is_some_and(|w| w.will_wake(waker))
        });
        if same {
            return false;
        }
        // Take the slot back before replacing the waker.
        if state.unset_waker().is_err() {
            return true;
        }
    }
    set_join_waker(cell, waker.clone(), snapshot).is_err()
}

/// Stores `waker` and publishes it with JOIN_WAKER. Err means the task completed first.
fn set_join_waker<F: Future, S>(
    cell: &Cell<F, S>,
    waker: Waker,
    _snap: Snapshot,
) -> Result<(), ()> {
    cell.trailer.waker.with_mut(|w| {
        // SAFETY: JOIN_WAKER is clear and we are the JoinHandle: the slot is ours (rule 4).
        unsafe { *w = Some(waker) }
    });
    match cell.header.state.set_join_waker() {
        Ok(_) => Ok(()),
        Err(_) => {
            clear_join_waker(cell);
            Err(())
        }
    }
}

/// The JoinHandle is dropped.
///
/// # Safety
/// `ptr` heads a live `Cell<F, S>` and the caller is its JoinHandle, handing over the
/// handle's reference.
pub(super) unsafe fn drop_join_handle<F: Future + 'static, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: guaranteed by the caller.
    let cell = unsafe { cell::<F, S>(ptr) };
    let t = cell.header.state.transition_to_join_handle_dropped();
    if t.drop_output {
        // COMPLETE: the output is ours; its Drop may panic, which stays contained.
        let _ = catch_unwind(AssertUnwindSafe(|| set_stage(cell, Stage::Consumed)));
    }
    if t.drop_waker {
        let _ = catch_unwind(AssertUnwindSafe(|| clear_join_waker(cell)));
    }
    // SAFETY: the caller hands over the JoinHandle's reference (rule 1), given up here.
    unsafe { RawTask::from_raw(ptr).drop_reference() };
}

/// Shutdown: cancel the task if it is idle; drop the registry's reference.
///
/// # Safety
/// `ptr` heads a live `Cell<F, S>` already removed from its registry; the caller hands
/// over the registry's reference.
pub(super) unsafe fn shutdown<F: Future + 'static, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: guaranteed by the caller.
    let cell = unsafe { cell::<F, S>(ptr) };
    if !cell.header.state.transition_to_shutdown() {
        // Running elsewhere (it will see CANCELLED) or already complete.
        // SAFETY: the caller hands over the registry's reference (rule 1), given up here.
        unsafe { RawTask::from_raw(ptr).drop_reference() };
        return;
    }
    let outcome = cancel_future(cell);
    // SAFETY: we hold RUNNING and the registry's reference, which `complete` drops
    // (release finds the task already unlinked, so it drops exactly one).
    unsafe { complete(ptr, cell, outcome) }
}

/// Schedules a done callback on the task's runtime.
///
/// # Safety
/// `ptr` heads a live `Cell<F, S>`.
pub(super) unsafe fn call_soon<F: Future + 'static, S: Schedule>(
    ptr: NonNull<Header>,
    cb: CallSoon,
) -> Result<(), CallSoon> {
    // SAFETY: guaranteed by the caller.
    let cell = unsafe { cell::<F, S>(ptr) };
    cell.core.scheduler.call_soon(cb)
}

/// The payload type of a caught panic.
pub(crate) type Payload = Box<dyn Any + Send + 'static>;
