//! The thread-local runtime context.
//!
//! Set on every thread that runs tasks (inside `block_on`, on worker and blocking
//! threads) and under `Handle::enter()`. `spawn`, timers and I/O find their runtime
//! through it; `block_on` refuses to nest through it.
use super::Handle;
use std::cell::{Cell, RefCell};

crate::loom::thread_local! {
    static CONTEXT: Context = const {
        Context {
            current: RefCell::new(None),
            in_runtime: Cell::new(false),
            scheduler: Cell::new((std::ptr::null(), std::ptr::null())),
        }
    };
}

struct Context {
    /// The handle `Handle::current()` returns.
    current: RefCell<Option<Handle>>,
    /// Inside `block_on` or on a worker: blocking on another runtime would deadlock.
    in_runtime: Cell<bool>,
    /// The running scheduler's handle address and its per-thread state (whose type only
    /// that scheduler knows), or nulls.
    scheduler: Cell<(*const (), *const ())>,
}

/// Restores the previous current handle (and time) when dropped.
#[derive(Debug)]
pub(crate) struct SetCurrentGuard {
    prev: Option<Handle>,
    /// The timer crate's own thread-local, set alongside (DESIGN.md: leaves find their
    /// runtime through their own handle). Dropped after `prev` is restored.
    _time: runtime_timer::EnterGuard,
}

/// Makes `handle` current until the guard drops; its timers register in the shard for
/// threads that are not workers (the last one).
pub(crate) fn set_current(handle: &Handle) -> SetCurrentGuard {
    let time = handle.time();
    let _time = time.enter(time.timers().shards() - 1);
    let prev = CONTEXT.with(|c| c.current.replace(Some(handle.clone())));
    SetCurrentGuard { prev, _time }
}

impl Drop for SetCurrentGuard {
    fn drop(&mut self) {
        let prev = self.prev.take();
        // During thread teardown the context may be gone already; then there is nothing
        // to restore.
        let _ = CONTEXT.try_with(|c| {
            let old = c.current.replace(prev);
            drop(old);
        });
    }
}

/// The current handle, if any.
pub(crate) fn current() -> Option<Handle> {
    CONTEXT
        .try_with(|c| c.current.borrow().clone())
        .ok()
        .flatten()
}

/// Whether this thread is inside a runtime (block_on or a worker).
pub(crate) fn in_runtime() -> bool {
    CONTEXT.try_with(|c| c.in_runtime.get()).unwrap_or(false)
}

/// Marks this thread as inside a runtime until the guard drops.
#[derive(Debug)]
pub(crate) struct EnterRuntimeGuard {
    prev: bool,
}

/// Enters the runtime; `None` when this thread is already inside one.
pub(crate) fn enter_runtime() -> Option<EnterRuntimeGuard> {
    CONTEXT.with(|c| {
        if c.in_runtime.get() {
            None
        } else {
            c.in_runtime.set(true);
            Some(EnterRuntimeGuard { prev: false })
        }
    })
}

impl Drop for EnterRuntimeGuard {
    fn drop(&mut self) {
        let _ = CONTEXT.try_with(|c| c.in_runtime.set(self.prev));
    }
}

/// Installs the scheduler's per-thread state for the guard's lifetime.
#[derive(Debug)]
pub(crate) struct SchedulerGuard {
    prev: (*const (), *const ()),
}

/// Publishes `state` as the per-thread state of the scheduler whose handle lives at
/// `handle`.
pub(crate) fn set_scheduler(handle: *const (), state: *const ()) -> SchedulerGuard {
    let prev = CONTEXT.with(|c| c.scheduler.replace((handle, state)));
    SchedulerGuard { prev }
}

impl Drop for SchedulerGuard {
    fn drop(&mut self) {
        let _ = CONTEXT.try_with(|c| c.scheduler.set(self.prev));
    }
}

/// The per-thread state of the scheduler at `handle`, when this thread runs it.
pub(crate) fn scheduler_for(handle: *const ()) -> *const () {
    CONTEXT
        .try_with(|c| {
            let (h, s) = c.scheduler.get();
            if h == handle {
                s
            } else {
                std::ptr::null()
            }
        })
        .unwrap_or(std::ptr::null())
}
