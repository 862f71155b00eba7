//! `Handle`: a cheap reference to a runtime, usable from any thread.
use super::RuntimeMetrics;
use crate::error;
use crate::scheduler::{self, context};
use crate::task::JoinHandle;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;

/// A reference to a runtime: spawn onto it from anywhere, or enter its context.
///
/// ```
/// let rt = runtime::Builder::new_current_thread().build().unwrap();
/// let handle = rt.handle().clone();
/// let h = std::thread::spawn(move || handle.spawn(async { 5 })).join().unwrap();
/// assert_eq!(rt.block_on(h).unwrap(), 5);
/// ```
#[derive(Clone)]
pub struct Handle {
    pub(crate) inner: scheduler::Handle,
}

impl Handle {
    /// The runtime this code runs on (asyncio's `get_running_loop()`).
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async {
    ///     let handle = runtime::Handle::current();
    ///     assert!(handle.ptr_eq(rt.handle()));
    ///     assert_eq!(handle.spawn(async { 3 }).await.unwrap(), 3);
    /// });
    /// ```
    ///
    /// # Panics
    /// Outside a runtime; see [`try_current`](Handle::try_current).
    #[track_caller]
    pub fn current() -> Handle {
        match Handle::try_current() {
            Ok(h) => h,
            Err(_) => panic!("{}", error::NO_RUNTIME),
        }
    }

    /// The runtime this code runs on, or an error outside a runtime.
    ///
    /// ```
    /// assert!(runtime::Handle::try_current().is_err());
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async { assert!(runtime::Handle::try_current().is_ok()) });
    /// ```
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        context::current()
            .map(|inner| Handle { inner })
            .ok_or(TryCurrentError(()))
    }

    /// Makes this runtime current on this thread until the guard drops, so
    /// [`spawn`](crate::spawn) and [`Handle::current`] work from ordinary code.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let _guard = rt.handle().enter();
    /// let h = runtime::spawn(async { "spawned from outside" });
    /// assert_eq!(rt.block_on(h).unwrap(), "spawned from outside");
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        EnterGuard {
            _guard: context::set_current(&self.inner),
            _p: PhantomData,
        }
    }

    /// Spawns `future` onto this runtime; it starts running without being awaited.
    ///
    /// On a runtime that has shut down, the future is dropped at once and the handle
    /// yields a cancelled [`JoinError`](crate::JoinError).
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let handle = rt.handle().clone();
    /// assert_eq!(rt.block_on(handle.spawn(async { 1 })).unwrap(), 1);
    /// drop(rt); // shut down
    /// let late = handle.spawn(async { 2 });
    /// let other = runtime::Builder::new_current_thread().build().unwrap();
    /// assert!(other.block_on(late).unwrap_err().is_cancelled());
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.inner.spawn(future, None, |_| {})
    }

    /// Runs the blocking closure `f` on this runtime's blocking pool; see
    /// [`spawn_blocking`](crate::spawn_blocking). Works from any thread.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let h = rt.handle().spawn_blocking(|| {
    ///     // Blocking jobs run with the runtime current.
    ///     runtime::Handle::current().spawn(async { 6 * 7 })
    /// });
    /// let inner = rt.block_on(h).unwrap();
    /// assert_eq!(rt.block_on(inner).unwrap(), 42);
    /// ```
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        crate::blocking::spawn_blocking_on(&self.inner, f)
    }

    /// Runtime counters.
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// let metrics = rt.handle().metrics();
    /// assert_eq!(metrics.num_workers(), 2);
    /// ```
    pub fn metrics(&self) -> RuntimeMetrics {
        RuntimeMetrics::new(self.clone())
    }

    /// Whether both handles refer to the same runtime.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let other = runtime::Builder::new_current_thread().build().unwrap();
    /// let handle = rt.handle().clone();
    /// assert!(handle.ptr_eq(rt.handle()));
    /// assert!(!handle.ptr_eq(other.handle()));
    /// ```
    pub fn ptr_eq(&self, other: &Handle) -> bool {
        self.inner.ptr_eq(&other.inner)
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("scheduler", &self.inner)
            .finish()
    }
}

/// Keeps a runtime current on this thread; see [`Handle::enter`].
///
/// ```
/// let rt = runtime::Builder::new_current_thread().build().unwrap();
/// {
///     let _guard = rt.enter();
///     assert!(runtime::Handle::try_current().is_ok());
/// }
/// assert!(runtime::Handle::try_current().is_err()); // the guard dropped
/// ```
#[must_use = "the runtime stays current only while the guard is alive"]
pub struct EnterGuard<'a> {
    _guard: context::SetCurrentGuard,
    // Not Send: the guard restores this thread's context.
    _p: PhantomData<(&'a Handle, *const ())>,
}

impl fmt::Debug for EnterGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}

/// [`Handle::try_current`] found no runtime.
///
/// ```
/// let err = runtime::Handle::try_current().unwrap_err();
/// assert!(err.to_string().contains("no runtime"));
/// ```
#[derive(Debug)]
pub struct TryCurrentError(());

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(error::NO_RUNTIME)
    }
}

impl std::error::Error for TryCurrentError {}
