//! [`Executor`]: hyper's `rt::Executor` on the runtime's scheduler.

use std::future::Future;

use crate::Handle;

/// hyper's `rt::Executor`: runs the tasks hyper starts (an HTTP/2 connection's
/// streams, a client connection's background work) as runtime tasks.
///
/// [`Executor::new`] spawns on the runtime of the thread hyper calls it from, which
/// is a runtime task in every ordinary use; [`Executor::with_handle`] spawns on a given
/// runtime from anywhere. The task is detached: its `JoinHandle` is dropped.
///
/// # Panics
///
/// [`Executor::new`]'s `execute` panics when called outside a runtime, with a message
/// that points to [`Executor::with_handle`], which works from anywhere.
///
/// # Examples
///
/// An HTTP/2 server needs one (over prior knowledge, no TLS):
///
/// ```
/// use hyper::server::conn::http2;
/// use runtime::hyper::{Executor, Timer};
///
/// let builder = http2::Builder::new(Executor::new()).timer(Timer::new()).clone();
/// # drop(builder);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Executor {
    handle: Option<Handle>,
}

impl Executor {
    /// An executor that spawns on the current runtime.
    ///
    /// ```
    /// let executor = runtime::hyper::Executor::new();
    /// # drop(executor);
    /// ```
    pub fn new() -> Executor {
        Executor { handle: None }
    }

    /// An executor that spawns on `handle`'s runtime, from any thread.
    ///
    /// ```
    /// use hyper::rt::Executor as _;
    ///
    /// let rt = runtime::Runtime::new().unwrap();
    /// let executor = runtime::hyper::Executor::with_handle(rt.handle().clone());
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// executor.execute(async move { tx.send(7).unwrap() });
    /// assert_eq!(rx.recv().unwrap(), 7);
    /// ```
    pub fn with_handle(handle: Handle) -> Executor {
        Executor {
            handle: Some(handle),
        }
    }
}

impl<F> ::hyper::rt::Executor<F> for Executor
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn execute(&self, fut: F) {
        match &self.handle {
            Some(handle) => drop(handle.spawn(fut)),
            None => match Handle::try_current() {
                Ok(handle) => drop(handle.spawn(fut)),
                Err(_) => panic!("{}", crate::error::HYPER_EXECUTOR_NO_RUNTIME),
            },
        }
    }
}
