//! `JoinError`: why a task produced no output.
use super::harness::Payload;
use super::id::Id;
use std::any::Any;
use std::fmt;

/// A task did not produce its output: it was cancelled, or it panicked.
///
/// asyncio's `task.cancelled()` is [`is_cancelled`](JoinError::is_cancelled) and
/// `task.exception()` is [`is_panic`](JoinError::is_panic) with the payload from
/// [`into_panic`](JoinError::into_panic).
///
/// ```
/// runtime::run(async {
///     let h = runtime::spawn(async { panic!("boom") });
///     let err = h.await.unwrap_err();
///     assert!(err.is_panic());
///     assert_eq!(*err.into_panic().downcast::<&str>().unwrap(), "boom");
/// });
/// ```
pub struct JoinError {
    id: Id,
    repr: Repr,
}

enum Repr {
    Cancelled,
    /// The payload, and its message taken out when the error was made, so `&JoinError`
    /// never needs to look at the payload.
    Panic(Payload, Box<str>),
}

// SAFETY: the only non-`Sync` part is the panic payload (`dyn Any + Send`). Shared
// references to a `JoinError` never reach it (Display and Debug use the message copied
// out at construction); it is only moved out by value in `try_into_panic`.
unsafe impl Sync for JoinError {}

impl JoinError {
    pub(crate) fn cancelled(id: Id) -> JoinError {
        JoinError {
            id,
            repr: Repr::Cancelled,
        }
    }

    pub(crate) fn panic(id: Id, payload: Payload) -> JoinError {
        JoinError {
            id,
            repr: {
                let message: Box<str> = Box::from(panic_message(&*payload));
                Repr::Panic(payload, message)
            },
        }
    }

    /// The task was aborted, or its runtime shut down, before it finished (asyncio's
    /// `task.cancelled()`).
    ///
    /// ```
    /// runtime::run(async {
    ///     let h = runtime::spawn(std::future::pending::<()>());
    ///     h.abort();
    ///     assert!(h.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self.repr, Repr::Cancelled)
    }

    /// The task panicked.
    ///
    /// ```
    /// runtime::run(async {
    ///     let err = runtime::spawn(async { panic!("boom") }).await.unwrap_err();
    ///     assert!(err.is_panic() && !err.is_cancelled());
    /// });
    /// ```
    pub fn is_panic(&self) -> bool {
        matches!(self.repr, Repr::Panic(..))
    }

    /// The panic payload, e.g. to re-raise it with `std::panic::resume_unwind`.
    ///
    /// ```
    /// runtime::run(async {
    ///     let err = runtime::spawn(async { panic!("boom") }).await.unwrap_err();
    ///     let payload = err.into_panic();
    ///     assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
    /// });
    /// ```
    ///
    /// # Panics
    /// When the task was cancelled rather than panicking; use
    /// [`try_into_panic`](JoinError::try_into_panic) to check first.
    #[track_caller]
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        match self.try_into_panic() {
            Ok(p) => p,
            Err(_) => panic!("{}", crate::error::INTO_PANIC_ON_CANCELLED),
        }
    }

    /// The panic payload, or the error back when the task was cancelled.
    ///
    /// ```
    /// runtime::run(async {
    ///     let h = runtime::spawn(std::future::pending::<()>());
    ///     h.abort();
    ///     let err = h.await.unwrap_err().try_into_panic().unwrap_err();
    ///     assert!(err.is_cancelled());
    /// });
    /// ```
    pub fn try_into_panic(self) -> Result<Box<dyn Any + Send + 'static>, JoinError> {
        match self.repr {
            Repr::Panic(p, _) => Ok(p),
            Repr::Cancelled => Err(self),
        }
    }

    /// The id of the task that failed.
    ///
    /// ```
    /// runtime::run(async {
    ///     let h = runtime::spawn(async { panic!("boom") });
    ///     let id = h.id();
    ///     assert_eq!(h.await.unwrap_err().id(), id);
    /// });
    /// ```
    pub fn id(&self) -> Id {
        self.id
    }
}

/// The text of a panic payload, when it is a string.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "non-string panic payload"
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Cancelled => write!(f, "task {} was cancelled", self.id),
            Repr::Panic(_, msg) => write!(f, "task {} panicked with message {:?}", self.id, msg),
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Cancelled => write!(f, "JoinError::Cancelled({:?})", self.id),
            Repr::Panic(_, msg) => write!(f, "JoinError::Panic({:?}, {:?}, ...)", self.id, msg),
        }
    }
}

impl std::error::Error for JoinError {}

impl From<JoinError> for std::io::Error {
    fn from(e: JoinError) -> std::io::Error {
        std::io::Error::other(e.to_string())
    }
}
