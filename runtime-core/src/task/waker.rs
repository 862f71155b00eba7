//! The `Waker` of a task: one reference per waker, `wake` schedules a `Notified`.
use super::harness;
use super::raw::{Header, RawTask};
use super::state::TransitionToNotified;
use super::Schedule;
use std::future::Future;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::ptr::NonNull;
use std::task::{RawWaker, RawWakerVTable, Waker};

/// A waker borrowed from the running task: it holds no reference of its own, and
/// `clone` adds one.
pub(super) struct WakerRef<'a> {
    waker: ManuallyDrop<Waker>,
    _p: PhantomData<&'a Header>,
}

impl Deref for WakerRef<'_> {
    type Target = Waker;
    fn deref(&self) -> &Waker {
        &self.waker
    }
}

/// The waker for a poll of the task at `ptr`; the poller's reference keeps it alive.
///
/// # Safety
/// `ptr` heads a live `Cell<F, S>` with exactly these type parameters, and the caller
/// holds a reference of that task (its `Notified`, rule 1 of `task/mod.rs`) for as long
/// as the returned `WakerRef` lives.
pub(super) unsafe fn waker_ref<'a, F: Future + 'static, S: Schedule>(
    ptr: NonNull<Header>,
) -> WakerRef<'a> {
    let raw = RawWaker::new(ptr.as_ptr() as *const (), vtable::<F, S>());
    // SAFETY: the vtable's functions uphold the RawWaker contract for task pointers:
    // clone adds a reference, wake/drop consume one, wake_by_ref borrows. The `WakerRef`
    // is never dropped as a `Waker` (`ManuallyDrop`), so it consumes no reference.
    let waker = unsafe { Waker::from_raw(raw) };
    WakerRef {
        waker: ManuallyDrop::new(waker),
        _p: PhantomData,
    }
}

fn vtable<F: Future + 'static, S: Schedule>() -> &'static RawWakerVTable {
    &RawWakerVTable::new(
        clone_waker::<F, S>,
        wake_by_val::<F, S>,
        wake_by_ref::<F, S>,
        drop_waker,
    )
}

/// The task behind a waker's data pointer.
///
/// # Safety
/// `ptr` is the data pointer of a waker built by [`waker_ref`] or [`clone_waker`] (a
/// task header), and the task is alive: the waker owns a reference, or borrows the
/// poller's.
unsafe fn raw(ptr: *const ()) -> RawTask {
    // SAFETY: the data pointer of our wakers is a non-null header of a live task
    // (the caller's contract), so `from_raw`'s requirements hold.
    unsafe { RawTask::from_raw(NonNull::new_unchecked(ptr as *mut Header)) }
}

/// `RawWakerVTable::clone`: adds a reference for the new waker.
///
/// # Safety
/// `ptr` comes from a live waker of this vtable for a `Cell<F, S>` (`RawWaker` contract),
/// which owns or borrows a reference, so the task is alive.
unsafe fn clone_waker<F: Future + 'static, S: Schedule>(ptr: *const ()) -> RawWaker {
    // SAFETY: forwarded from this function's contract.
    unsafe { raw(ptr) }.state().ref_inc();
    RawWaker::new(ptr, vtable::<F, S>())
}

/// `RawWakerVTable::drop`: gives up the waker's reference.
///
/// # Safety
/// `ptr` comes from an owned waker of this vtable (never a [`WakerRef`], which is not
/// dropped), which holds one reference and is not used again (`RawWaker` contract).
unsafe fn drop_waker(ptr: *const ()) {
    // SAFETY: the waker's own reference (rule 1 of `task/mod.rs`) is handed over and the
    // waker is gone after this.
    unsafe { raw(ptr).drop_reference() };
}

/// `RawWakerVTable::wake`: schedules the task with the waker's reference.
///
/// # Safety
/// As [`drop_waker`]: `ptr` comes from an owned waker of this vtable for a `Cell<F, S>`,
/// whose reference this consumes.
unsafe fn wake_by_val<F: Future + 'static, S: Schedule>(ptr: *const ()) {
    // SAFETY: forwarded from this function's contract.
    let task = unsafe { raw(ptr) };
    match task.state().transition_to_notified_by_val() {
        // SAFETY: our reference became the Notified, which `schedule` consumes (rule 1).
        TransitionToNotified::Submit => unsafe { harness_schedule::<F, S>(task) },
        // SAFETY: the transition dropped our reference, the last one (rule 1).
        TransitionToNotified::Dealloc => unsafe { task.dealloc() },
        TransitionToNotified::DoNothing => {}
    }
}

/// `RawWakerVTable::wake_by_ref`: schedules the task, keeping the waker's reference.
///
/// # Safety
/// As [`clone_waker`]: `ptr` comes from a live waker of this vtable for a `Cell<F, S>`.
unsafe fn wake_by_ref<F: Future + 'static, S: Schedule>(ptr: *const ()) {
    // SAFETY: forwarded from this function's contract.
    let task = unsafe { raw(ptr) };
    match task.state().transition_to_notified_by_ref() {
        // SAFETY: the transition created a Notified reference, which `schedule` consumes.
        TransitionToNotified::Submit => unsafe { harness_schedule::<F, S>(task) },
        // SAFETY: `by_ref` never takes a reference away, so it does not answer Dealloc;
        // if it did, the count would be zero with no holder left (rule 1).
        TransitionToNotified::Dealloc => unsafe { task.dealloc() },
        TransitionToNotified::DoNothing => {}
    }
}

/// # Safety
/// `task` is a `Cell<F, S>` and the caller hands over a Notified reference.
unsafe fn harness_schedule<F: Future + 'static, S: Schedule>(task: RawTask) {
    // SAFETY: forwarded from the caller.
    unsafe { harness::schedule::<F, S>(task.header_ptr()) }
}
