//! `task::Builder`: spawn with options (a name, for now).
use super::JoinHandle;
use crate::error;
use crate::runtime::Handle;
use crate::scheduler::context;
use std::future::Future;
use std::io;

/// Spawns tasks with options.
///
/// ```
/// runtime::run(async {
///     let h = runtime::task::Builder::new()
///         .name("fetcher")
///         .spawn(async { 7 })
///         .unwrap();
///     assert_eq!(h.name(), Some("fetcher"));
///     assert_eq!(h.await.unwrap(), 7);
/// });
/// ```
#[derive(Debug, Default, Clone, Copy)]
pub struct Builder<'a> {
    name: Option<&'a str>,
}

impl<'a> Builder<'a> {
    /// A builder with no options set.
    ///
    /// ```
    /// runtime::run(async {
    ///     let h = runtime::task::Builder::new().spawn(async { 1 }).unwrap();
    ///     assert_eq!(h.name(), None);
    ///     assert_eq!(h.await.unwrap(), 1);
    /// });
    /// ```
    pub fn new() -> Builder<'a> {
        Builder { name: None }
    }

    /// Names the task; the name shows in the `JoinHandle` and in runtime warnings
    /// (asyncio's `create_task(coro, name=...)`).
    ///
    /// ```
    /// runtime::run(async {
    ///     let h = runtime::task::Builder::new().name("poller").spawn(async {}).unwrap();
    ///     assert_eq!(h.name(), Some("poller"));
    /// });
    /// ```
    pub fn name(self, name: &'a str) -> Builder<'a> {
        Builder { name: Some(name) }
    }

    /// Spawns on the current runtime.
    ///
    /// # Errors
    /// `Other` when called outside a runtime (the message says how to fix it).
    ///
    /// ```
    /// let outside = runtime::task::Builder::new().spawn(async {});
    /// assert_eq!(outside.unwrap_err().kind(), std::io::ErrorKind::Other);
    /// runtime::run(async {
    ///     let h = runtime::task::Builder::new().name("job").spawn(async { 2 }).unwrap();
    ///     assert_eq!(h.await.unwrap(), 2);
    /// });
    /// ```
    #[track_caller]
    pub fn spawn<F>(self, future: F) -> io::Result<JoinHandle<F::Output>>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match context::current() {
            Some(h) => Ok(h.spawn(future, self.name, |_| {})),
            None => Err(io::Error::other(error::NO_RUNTIME)),
        }
    }

    /// Spawns on the runtime of `handle`.
    ///
    /// # Errors
    /// Never in this version; the `Result` leaves room for spawn options that can fail.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let h = runtime::task::Builder::new()
    ///     .name("job")
    ///     .spawn_on(async { 3 }, rt.handle())
    ///     .unwrap();
    /// assert_eq!(rt.block_on(h).unwrap(), 3);
    /// ```
    pub fn spawn_on<F>(self, future: F, handle: &Handle) -> io::Result<JoinHandle<F::Output>>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Ok(handle.inner.spawn(future, self.name, |_| {}))
    }
}
