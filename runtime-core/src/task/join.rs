//! `JoinHandle` (awaits a task's output) and `AbortHandle` (cancels it from anywhere).
use super::callbacks::{self, Outcome};
use super::coop;
use super::id::Id;
use super::raw::RawTask;
use super::JoinError;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

/// An owned permission to await a spawned task's output (asyncio's `Task`).
///
/// Awaiting it yields `Ok(output)`, or a [`JoinError`] when the task panicked or was
/// cancelled. Dropping it *detaches* the task: it keeps running and its output is dropped
/// (asyncio's `shield` is the default). So a fire-and-forget spawn, such as a task per
/// accepted connection, needs no binding, as in tokio: `runtime::spawn(serve(conn));`.
///
/// ```
/// runtime::run(async {
///     let h = runtime::spawn(async { 6 * 7 });
///     assert_eq!(h.await.unwrap(), 42);
///     runtime::spawn(async { /* detached: runs on, nobody awaits it */ });
/// });
/// ```
pub struct JoinHandle<T> {
    raw: RawTask,
    _p: PhantomData<T>,
}

// SAFETY: the handle only moves the output `T` out of the task, so it is `Send` when `T`
// is; the task itself is shared through the atomic state protocol.
unsafe impl<T: Send> Send for JoinHandle<T> {}
// SAFETY: `&JoinHandle` exposes only atomic operations (abort, is_finished, callbacks).
unsafe impl<T: Send> Sync for JoinHandle<T> {}

impl<T> UnwindSafe for JoinHandle<T> {}
impl<T> RefUnwindSafe for JoinHandle<T> {}
impl<T> Unpin for JoinHandle<T> {}

impl<T> JoinHandle<T> {
    /// Takes over the JoinHandle reference of `raw`.
    pub(crate) fn new(raw: RawTask) -> JoinHandle<T> {
        JoinHandle {
            raw,
            _p: PhantomData,
        }
    }

    /// Cancels the task (asyncio's `task.cancel()`).
    ///
    /// The future is dropped at its next yield point, on a runtime thread, even if nobody
    /// polls this handle; an idle task is dropped right away. Awaiting the handle then yields
    /// a [`JoinError`] whose `is_cancelled()` is true, unless the task finished first.
    /// Aborting a finished task does nothing.
    ///
    /// ```
    /// runtime::run(async {
    ///     let h = runtime::spawn(std::future::pending::<()>());
    ///     h.abort();
    ///     assert!(h.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn abort(&self) {
        self.raw.remote_abort();
    }

    /// Whether the task has finished (completed, panicked or been cancelled): asyncio's
    /// `task.done()`.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let h = rt.spawn(async { 1 });
    /// assert!(!h.is_finished()); // queued, not run yet
    /// rt.block_on(runtime::yield_now()); // lets the task run
    /// assert!(h.is_finished());
    /// ```
    pub fn is_finished(&self) -> bool {
        self.raw.state().load().is_complete()
    }

    /// A handle that can abort the task without owning its output.
    ///
    /// ```
    /// runtime::run(async {
    ///     let h = runtime::spawn(std::future::pending::<()>());
    ///     let abort = h.abort_handle();
    ///     assert_eq!(abort.id(), h.id());
    ///     abort.abort();
    ///     assert!(h.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn abort_handle(&self) -> AbortHandle {
        self.raw.state().ref_inc();
        AbortHandle { raw: self.raw }
    }

    /// The task's id.
    ///
    /// ```
    /// runtime::run(async {
    ///     let h = runtime::spawn(async { panic!("boom") });
    ///     let id = h.id();
    ///     assert_eq!(h.await.unwrap_err().id(), id);
    /// });
    /// ```
    pub fn id(&self) -> Id {
        self.raw.id()
    }

    /// Registers `f` to run once the task has finished (asyncio's `add_done_callback`).
    ///
    /// Callbacks registered before completion run in registration order on the thread that
    /// completed the task, after the output is stored and this handle's waker woken. One
    /// added after completion is scheduled on the runtime (or runs on this thread if the
    /// runtime is gone). Each runs exactly once; a panicking callback is caught and
    /// reported on stderr.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicBool, Ordering};
    /// use std::sync::Arc;
    /// let ran = Arc::new(AtomicBool::new(false));
    /// let r = ran.clone();
    /// runtime::run(async move {
    ///     let h = runtime::spawn(async {});
    ///     h.add_done_callback(move |o| {
    ///         assert!(o.is_completed());
    ///         r.store(true, Ordering::SeqCst);
    ///     });
    ///     h.await.unwrap();
    /// });
    /// assert!(ran.load(Ordering::SeqCst));
    /// ```
    pub fn add_done_callback<F>(&self, f: F)
    where
        F: FnOnce(&Outcome) + Send + 'static,
    {
        callbacks::add_done_callback(self.raw, Box::new(f));
    }

    /// The task's name, when it was spawned through [`task::Builder::name`](crate::task::Builder::name).
    ///
    /// ```
    /// runtime::run(async {
    ///     let named = runtime::task::Builder::new().name("worker").spawn(async {}).unwrap();
    ///     assert_eq!(named.name(), Some("worker"));
    ///     assert_eq!(runtime::spawn(async {}).name(), None);
    /// });
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.raw
            .header()
            .extras()
            .and_then(|e| e.name.get())
            .map(|s| &**s)
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = std::task::ready!(coop::poll_proceed(cx));
        let mut ret: Poll<Result<T, JoinError>> = Poll::Pending;
        // SAFETY: `ret` has the task's output type (the handle was created for that task),
        // and we are its JoinHandle, polled through `&mut`.
        unsafe {
            (self.raw.header().vtable.try_read_output)(
                self.raw.header_ptr(),
                &mut ret as *mut Poll<Result<T, JoinError>> as *mut (),
                cx.waker(),
            );
        }
        if ret.is_ready() {
            coop.made_progress();
        }
        ret
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        // SAFETY: we are the JoinHandle and hand over its reference.
        unsafe { (self.raw.header().vtable.drop_join_handle)(self.raw.header_ptr()) }
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("id", &self.id())
            .field("finished", &self.is_finished())
            .finish()
    }
}

/// Cancels a task from anywhere, without owning its output.
///
/// ```
/// runtime::run(async {
///     let h = runtime::spawn(std::future::pending::<()>());
///     let a = h.abort_handle();
///     std::thread::spawn(move || a.abort()).join().unwrap();
///     assert!(h.await.unwrap_err().is_cancelled());
/// });
/// ```
pub struct AbortHandle {
    raw: RawTask,
}

impl AbortHandle {
    /// Cancels the task; see [`JoinHandle::abort`].
    ///
    /// ```
    /// runtime::run(async {
    ///     let h = runtime::spawn(std::future::pending::<()>());
    ///     h.abort_handle().abort();
    ///     assert!(h.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn abort(&self) {
        self.raw.remote_abort();
    }

    /// Whether the task has finished.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let abort = rt.spawn(async {}).abort_handle(); // the JoinHandle is dropped
    /// assert!(!abort.is_finished());
    /// rt.block_on(runtime::yield_now()); // lets the task run
    /// assert!(abort.is_finished());
    /// ```
    pub fn is_finished(&self) -> bool {
        self.raw.state().load().is_complete()
    }

    /// The task's id.
    ///
    /// ```
    /// runtime::run(async {
    ///     let h = runtime::spawn(async {});
    ///     assert_eq!(h.abort_handle().id(), h.id());
    /// });
    /// ```
    pub fn id(&self) -> Id {
        self.raw.id()
    }

    /// Runs `f` once the task has finished, soon after, on its runtime (see
    /// [`JoinHandle::add_done_callback`]); a `TaskGroup`'s `join` waits this way for a
    /// member's completion.
    pub(crate) fn add_done_callback(&self, f: callbacks::Callback) {
        callbacks::add_done_callback(self.raw, f);
    }
}

impl Clone for AbortHandle {
    fn clone(&self) -> AbortHandle {
        self.raw.state().ref_inc();
        AbortHandle { raw: self.raw }
    }
}

impl Drop for AbortHandle {
    fn drop(&mut self) {
        // SAFETY: an AbortHandle owns one reference (rule 1), which it gives up here.
        unsafe { self.raw.drop_reference() };
    }
}

impl UnwindSafe for AbortHandle {}
impl RefUnwindSafe for AbortHandle {}

impl fmt::Debug for AbortHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbortHandle")
            .field("id", &self.id())
            .field("finished", &self.is_finished())
            .finish()
    }
}
