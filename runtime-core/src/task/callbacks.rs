//! Done callbacks (asyncio's `add_done_callback`) and the task's rarely used fields.
//!
//! # Protocol
//!
//! Callbacks live in `Extras::callbacks`, a short list under a lock with a `drained`
//! flag. A registrant pushes under the lock unless `drained` is set, then makes sure the
//! state word carries `CALLBACKS` (`transition_to_callbacks_registered`). The completer
//! drains when its `transition_to_complete` snapshot carries `CALLBACKS`. Both operations
//! are read-modify-writes of one word, so one of them sees the other: if the registrant's
//! bit came first the completer drains; otherwise the registrant saw `COMPLETE` and drains
//! itself, scheduling each callback with `call_soon`. Whoever sets `drained` under the lock
//! owns the list, so each callback runs exactly once (`loom_callback_*` models).
use super::id::Id;
use super::raw::RawTask;
use super::state::{CallbacksRegistered, OutcomeKind};
use crate::loom::sync::{Mutex, OnceLock};
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A boxed done callback.
pub(crate) type Callback = Box<dyn FnOnce(&Outcome) + Send + 'static>;

/// How a task ended, as seen by a done callback.
///
/// The output itself belongs to the [`JoinHandle`](crate::JoinHandle); a callback learns
/// only which way the task finished.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// let seen = Arc::new(Mutex::new(None));
/// let s = seen.clone();
/// runtime::run(async move {
///     let h = runtime::spawn(async { 1 + 1 });
///     h.add_done_callback(move |o: &runtime::Outcome| *s.lock().unwrap() = Some(o.is_completed()));
///     h.await.unwrap();
/// });
/// assert_eq!(*seen.lock().unwrap(), Some(true));
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    id: Id,
    kind: OutcomeKind,
}

impl Outcome {
    pub(crate) fn new(id: Id, kind: OutcomeKind) -> Outcome {
        Outcome { id, kind }
    }

    /// The id of the task that finished.
    ///
    /// ```
    /// use std::sync::OnceLock;
    /// static SEEN: OnceLock<runtime::Id> = OnceLock::new();
    /// let id = runtime::run(async {
    ///     let h = runtime::spawn(async {});
    ///     h.add_done_callback(|o| SEEN.set(o.id()).unwrap());
    ///     let id = h.id();
    ///     h.await.unwrap();
    ///     id
    /// });
    /// assert_eq!(SEEN.get(), Some(&id));
    /// ```
    pub fn id(&self) -> Id {
        self.id
    }

    /// The future ran to completion (its output waits in the `JoinHandle`).
    ///
    /// ```
    /// use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    /// static COMPLETED: AtomicBool = AtomicBool::new(false);
    /// runtime::run(async {
    ///     let h = runtime::spawn(async { 5 });
    ///     h.add_done_callback(|o| COMPLETED.store(o.is_completed(), SeqCst));
    ///     assert_eq!(h.await.unwrap(), 5);
    /// });
    /// assert!(COMPLETED.load(SeqCst));
    /// ```
    pub fn is_completed(&self) -> bool {
        self.kind == OutcomeKind::Completed
    }

    /// The task was aborted, or the runtime shut down, before the future finished.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    /// static CANCELLED: AtomicBool = AtomicBool::new(false);
    /// runtime::run(async {
    ///     let h = runtime::spawn(std::future::pending::<()>());
    ///     h.add_done_callback(|o| CANCELLED.store(o.is_cancelled(), SeqCst));
    ///     h.abort();
    ///     assert!(h.await.unwrap_err().is_cancelled());
    /// });
    /// assert!(CANCELLED.load(SeqCst));
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.kind == OutcomeKind::Cancelled
    }

    /// The future panicked (while being polled, or while being dropped on cancellation).
    ///
    /// ```
    /// use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    /// static PANICKED: AtomicBool = AtomicBool::new(false);
    /// runtime::run(async {
    ///     let h = runtime::spawn(async { panic!("boom") });
    ///     h.add_done_callback(|o| PANICKED.store(o.is_panic(), SeqCst));
    ///     assert!(h.await.unwrap_err().is_panic());
    /// });
    /// assert!(PANICKED.load(SeqCst));
    /// ```
    pub fn is_panic(&self) -> bool {
        self.kind == OutcomeKind::Panicked
    }
}

impl fmt::Debug for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            OutcomeKind::Completed => "completed",
            OutcomeKind::Cancelled => "cancelled",
            OutcomeKind::Panicked => "panicked",
        };
        f.debug_struct("Outcome")
            .field("id", &self.id)
            .field("outcome", &what)
            .finish()
    }
}

/// Fields most tasks never use, allocated on first use (`Header::extras_or_init`).
#[derive(Default)]
pub(crate) struct Extras {
    /// The name given by `task::Builder::name`.
    pub(crate) name: OnceLock<Box<str>>,
    callbacks: Mutex<CallbackList>,
}

#[derive(Default)]
struct CallbackList {
    drained: bool,
    list: Vec<Callback>,
}

impl Extras {
    /// The completer takes every callback registered so far; later registrants find
    /// `drained` and schedule theirs with `call_soon`.
    pub(crate) fn take_for_completion(&self) -> Vec<Callback> {
        let mut l = self.callbacks.lock();
        l.drained = true;
        std::mem::take(&mut l.list)
    }
}

/// A callback with its outcome, to run later on the runtime. Runs exactly once: by
/// [`CallSoon::run`], or on drop if it never ran (a runtime that shut down before getting
/// to it).
pub(crate) struct CallSoon {
    cb: Option<Callback>,
    outcome: Outcome,
}

impl CallSoon {
    pub(crate) fn new(cb: Callback, outcome: Outcome) -> CallSoon {
        CallSoon {
            cb: Some(cb),
            outcome,
        }
    }

    /// Runs the callback now, containing a panic.
    pub(crate) fn run(mut self) {
        if let Some(cb) = self.cb.take() {
            run_callback(cb, &self.outcome);
        }
    }
}

impl CallSoon {
    /// A future that runs the callback when first polled (or when dropped unpolled).
    pub(crate) fn into_task(self) -> CallSoonTask {
        CallSoonTask(Some(self))
    }
}

/// The task a scheduler spawns for [`CallSoon`] (asyncio's `call_soon`).
pub(crate) struct CallSoonTask(Option<CallSoon>);

impl std::future::Future for CallSoonTask {
    type Output = ();
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if let Some(f) = self.0.take() {
            f.run();
        }
        std::task::Poll::Ready(())
    }
}

impl Drop for CallSoon {
    fn drop(&mut self) {
        if let Some(cb) = self.cb.take() {
            run_callback(cb, &self.outcome);
        }
    }
}

impl fmt::Debug for CallSoon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallSoon")
            .field("outcome", &self.outcome)
            .finish()
    }
}

/// Runs one callback; a panic is caught and reported on stderr, never propagated.
pub(crate) fn run_callback(cb: Callback, outcome: &Outcome) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| cb(outcome))) {
        let msg = super::error::panic_message(&*payload);
        eprintln!(
            "runtime: a done callback of task {} panicked ({msg}); the panic was contained",
            outcome.id
        );
    }
}

/// `JoinHandle::add_done_callback`.
pub(crate) fn add_done_callback(raw: RawTask, cb: Callback) {
    let header = raw.header();
    if let Some(kind) = header.state.load().outcome() {
        call_soon(raw, CallSoon::new(cb, Outcome::new(header.id, kind)));
        return;
    }
    let extras = header.extras_or_init();
    {
        let mut l = extras.callbacks.lock();
        if !l.drained {
            l.list.push(cb);
        } else {
            drop(l);
            let kind = header
                .state
                .load()
                .outcome()
                .expect("callbacks are drained only after completion");
            call_soon(raw, CallSoon::new(cb, Outcome::new(header.id, kind)));
            return;
        }
    }
    if header.state.transition_to_callbacks_registered() == CallbacksRegistered::AlreadyComplete {
        // The completer's snapshot lacked CALLBACKS: the list is ours to drain.
        let taken = {
            let mut l = extras.callbacks.lock();
            if l.drained {
                Vec::new()
            } else {
                l.drained = true;
                std::mem::take(&mut l.list)
            }
        };
        let kind = header.state.load().outcome().expect("task is complete");
        for cb in taken {
            call_soon(raw, CallSoon::new(cb, Outcome::new(header.id, kind)));
        }
    }
}

/// Schedules `f` on the task's runtime; if the runtime is gone, runs it here.
fn call_soon(raw: RawTask, f: CallSoon) {
    // SAFETY: `raw` is kept alive by the caller's JoinHandle; the vtable matches it.
    let res = unsafe { (raw.header().vtable.call_soon)(raw.header_ptr(), f) };
    if let Err(f) = res {
        f.run();
    }
}
