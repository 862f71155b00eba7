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
    /// The runtime this code runs on.
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
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.inner.spawn(future, None, |_| {})
    }

    /// Runtime counters.
    pub fn metrics(&self) -> RuntimeMetrics {
        RuntimeMetrics::new(self.clone())
    }

    /// Whether both handles refer to the same runtime.
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
#[derive(Debug)]
pub struct TryCurrentError(());

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(error::NO_RUNTIME)
    }
}

impl std::error::Error for TryCurrentError {}
