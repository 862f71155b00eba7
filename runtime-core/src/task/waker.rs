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
pub(super) fn waker_ref<'a, F: Future + 'static, S: Schedule>(
    ptr: NonNull<Header>,
) -> WakerRef<'a> {
    let raw = RawWaker::new(ptr.as_ptr() as *const (), vtable::<F, S>());
    // SAFETY: the vtable's functions uphold the RawWaker contract for task pointers:
    // clone adds a reference, wake/drop consume one, wake_by_ref borrows.
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

fn raw(ptr: *const ()) -> RawTask {
    // SAFETY: the waker data pointer is always a non-null task header (waker_ref).
    RawTask::from_raw(unsafe { NonNull::new_unchecked(ptr as *mut Header) })
}

unsafe fn clone_waker<F: Future + 'static, S: Schedule>(ptr: *const ()) -> RawWaker {
    raw(ptr).state().ref_inc();
    RawWaker::new(ptr, vtable::<F, S>())
}

unsafe fn drop_waker(ptr: *const ()) {
    raw(ptr).drop_reference();
}

unsafe fn wake_by_val<F: Future + 'static, S: Schedule>(ptr: *const ()) {
    let task = raw(ptr);
    match task.state().transition_to_notified_by_val() {
        // SAFETY: our reference became the Notified, which `schedule` consumes.
        TransitionToNotified::Submit => unsafe { harness_schedule::<F, S>(task) },
        TransitionToNotified::Dealloc => task.dealloc(),
        TransitionToNotified::DoNothing => {}
    }
}

unsafe fn wake_by_ref<F: Future + 'static, S: Schedule>(ptr: *const ()) {
    let task = raw(ptr);
    match task.state().transition_to_notified_by_ref() {
        // SAFETY: the transition created a Notified reference, which `schedule` consumes.
        TransitionToNotified::Submit => unsafe { harness_schedule::<F, S>(task) },
        TransitionToNotified::Dealloc => task.dealloc(),
        TransitionToNotified::DoNothing => {}
    }
}

/// # Safety
/// `task` is a `Cell<F, S>` and the caller hands over a Notified reference.
unsafe fn harness_schedule<F: Future + 'static, S: Schedule>(task: RawTask) {
    // SAFETY: forwarded from the caller.
    unsafe { harness::schedule::<F, S>(task.header_ptr()) }
}
