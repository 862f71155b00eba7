//! The queue's errors, named after asyncio's exceptions: [`QueueFull`], [`QueueEmpty`],
//! [`QueueShutDown`], and the two `*_nowait` results that can be either ([`PutError`],
//! [`GetError`]).
use crate::error::{QUEUE_EMPTY, QUEUE_FULL, QUEUE_SHUT_DOWN};
use std::fmt;

/// `put_nowait` found the queue full (asyncio's `QueueFull`); holds the item back.
///
/// ```
/// use runtime::sync::queue::{PutError, QueueFull};
///
/// let q = runtime::sync::Queue::new(1);
/// q.put_nowait("a").unwrap();
/// let Err(PutError::Full(QueueFull(item))) = q.put_nowait("b") else { panic!() };
/// assert_eq!(item, "b");
/// ```
#[derive(PartialEq, Eq, Clone, Copy)]
pub struct QueueFull<T>(pub T);

/// `get_nowait` found no item (asyncio's `QueueEmpty`).
///
/// ```
/// use runtime::sync::queue::{GetError, QueueEmpty};
///
/// let q = runtime::sync::Queue::<u8>::new(0);
/// assert_eq!(q.get_nowait(), Err(GetError::Empty(QueueEmpty)));
/// ```
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub struct QueueEmpty;

/// The queue was shut down (asyncio's `QueueShutDown`): returned by `put` with the item
/// that was not put (`T`), and by `get` once no item is left (`T = ()`).
///
/// ```
/// use runtime::sync::queue::QueueShutDown;
///
/// runtime::run(async {
///     let q = runtime::sync::Queue::new(0);
///     q.shutdown(false);
///     assert_eq!(q.put(7).await, Err(QueueShutDown(7)));
///     assert_eq!(q.get().await, Err(QueueShutDown(())));
/// });
/// ```
#[derive(PartialEq, Eq, Clone, Copy)]
pub struct QueueShutDown<T = ()>(pub T);

/// Why `put_nowait` did not put its item; both variants hold the item back.
///
/// ```
/// use runtime::sync::queue::PutError;
///
/// let q = runtime::sync::Queue::new(1);
/// q.put_nowait(1).unwrap();
/// let err = q.put_nowait(2).unwrap_err();
/// assert!(err.is_full());
/// assert_eq!(err.into_inner(), 2);
/// q.shutdown(false);
/// assert!(q.put_nowait(3).unwrap_err().is_shut_down());
/// ```
#[derive(PartialEq, Eq, Clone, Copy)]
pub enum PutError<T> {
    /// The queue is full.
    Full(QueueFull<T>),
    /// The queue was shut down.
    ShutDown(QueueShutDown<T>),
}

/// Why `get_nowait` returned no item.
///
/// ```
/// use runtime::sync::queue::{GetError, QueueShutDown};
///
/// let q = runtime::sync::Queue::<u8>::new(0);
/// assert!(q.get_nowait().unwrap_err().is_empty());
/// q.shutdown(false);
/// assert_eq!(q.get_nowait(), Err(GetError::ShutDown(QueueShutDown(()))));
/// ```
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum GetError {
    /// No item is in the queue (or every item is already promised to a woken `get`).
    Empty(QueueEmpty),
    /// The queue was shut down and no item is left.
    ShutDown(QueueShutDown),
}

impl<T> QueueFull<T> {
    /// The item that was not put.
    ///
    /// ```
    /// assert_eq!(runtime::sync::queue::QueueFull(5).into_inner(), 5);
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> QueueShutDown<T> {
    /// The item that was not put.
    ///
    /// ```
    /// assert_eq!(runtime::sync::queue::QueueShutDown(5).into_inner(), 5);
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> PutError<T> {
    /// The item that was not put.
    ///
    /// ```
    /// let q = runtime::sync::Queue::new(1);
    /// q.put_nowait('a').unwrap();
    /// assert_eq!(q.put_nowait('b').unwrap_err().into_inner(), 'b');
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            PutError::Full(QueueFull(item)) | PutError::ShutDown(QueueShutDown(item)) => item,
        }
    }

    /// Whether the queue was full.
    ///
    /// ```
    /// let q = runtime::sync::Queue::new(1);
    /// q.put_nowait(()).unwrap();
    /// assert!(q.put_nowait(()).unwrap_err().is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        matches!(self, PutError::Full(_))
    }

    /// Whether the queue was shut down.
    ///
    /// ```
    /// let q = runtime::sync::Queue::new(0);
    /// q.shutdown(false);
    /// assert!(q.put_nowait(()).unwrap_err().is_shut_down());
    /// ```
    pub fn is_shut_down(&self) -> bool {
        matches!(self, PutError::ShutDown(_))
    }
}

impl GetError {
    /// Whether the queue had no item to take (but was not shut down).
    ///
    /// ```
    /// assert!(runtime::sync::Queue::<u8>::new(0).get_nowait().unwrap_err().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        matches!(self, GetError::Empty(_))
    }

    /// Whether the queue was shut down and no item was left.
    ///
    /// ```
    /// let q = runtime::sync::Queue::<u8>::new(0);
    /// q.shutdown(false);
    /// assert!(q.get_nowait().unwrap_err().is_shut_down());
    /// ```
    pub fn is_shut_down(&self) -> bool {
        matches!(self, GetError::ShutDown(_))
    }
}

impl<T> From<QueueFull<T>> for PutError<T> {
    fn from(e: QueueFull<T>) -> Self {
        PutError::Full(e)
    }
}

impl<T> From<QueueShutDown<T>> for PutError<T> {
    fn from(e: QueueShutDown<T>) -> Self {
        PutError::ShutDown(e)
    }
}

impl From<QueueEmpty> for GetError {
    fn from(e: QueueEmpty) -> Self {
        GetError::Empty(e)
    }
}

impl From<QueueShutDown> for GetError {
    fn from(e: QueueShutDown) -> Self {
        GetError::ShutDown(e)
    }
}

// The item need not be `Debug`: the errors print what happened, not the item (as tokio's
// `SendError`).
impl<T> fmt::Debug for QueueFull<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("QueueFull(..)")
    }
}

impl<T> fmt::Debug for QueueShutDown<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("QueueShutDown(..)")
    }
}

impl<T> fmt::Debug for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PutError::Full(e) => f.debug_tuple("Full").field(e).finish(),
            PutError::ShutDown(e) => f.debug_tuple("ShutDown").field(e).finish(),
        }
    }
}

impl<T> fmt::Display for QueueFull<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(QUEUE_FULL)
    }
}

impl fmt::Display for QueueEmpty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(QUEUE_EMPTY)
    }
}

impl<T> fmt::Display for QueueShutDown<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(QUEUE_SHUT_DOWN)
    }
}

impl<T> fmt::Display for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PutError::Full(e) => e.fmt(f),
            PutError::ShutDown(e) => e.fmt(f),
        }
    }
}

impl fmt::Display for GetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GetError::Empty(e) => e.fmt(f),
            GetError::ShutDown(e) => e.fmt(f),
        }
    }
}

impl<T> std::error::Error for QueueFull<T> {}
impl std::error::Error for QueueEmpty {}
impl<T> std::error::Error for QueueShutDown<T> {}
impl<T> std::error::Error for PutError<T> {}
impl std::error::Error for GetError {}
