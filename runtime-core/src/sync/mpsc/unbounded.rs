//! The unbounded channel's handles.
use super::chan::{Chan, Rx};
use super::error::{SendError, TryRecvError};
use super::Closed;
use crate::loom::sync::Arc;
use std::fmt;
use std::task::{Context, Poll};

/// Sends into an [`unbounded_channel`](super::unbounded_channel); clone it for more
/// producers.
pub struct UnboundedSender<T> {
    chan: Arc<Chan<T>>,
}

/// Receives from an [`unbounded_channel`](super::unbounded_channel).
pub struct UnboundedReceiver<T> {
    rx: Rx<T>,
}

impl<T> UnboundedSender<T> {
    pub(super) fn new(chan: Arc<Chan<T>>) -> Self {
        UnboundedSender { chan }
    }

    /// Sends `value` at once (never waits, needs no runtime). `Err` gives it back when
    /// the receiver was closed or dropped.
    ///
    /// ```
    /// let (tx, mut rx) = runtime::sync::mpsc::unbounded_channel();
    /// tx.send("x").unwrap();
    /// assert_eq!(rx.try_recv(), Ok("x"));
    /// ```
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        self.chan.push(value)
    }

    /// Resolves once the receiver is closed or dropped.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe.
    ///
    /// ```
    /// runtime::run(async {
    ///     let (tx, rx) = runtime::sync::mpsc::unbounded_channel::<()>();
    ///     runtime::spawn(async move { drop(rx) });
    ///     tx.closed().await;
    /// });
    /// ```
    pub async fn closed(&self) {
        Closed::new(&self.chan).await
    }

    /// Whether the receiver was closed or dropped.
    ///
    /// ```
    /// let (tx, rx) = runtime::sync::mpsc::unbounded_channel::<()>();
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Whether both senders feed the same channel.
    ///
    /// ```
    /// let (tx, _rx) = runtime::sync::mpsc::unbounded_channel::<()>();
    /// assert!(tx.same_channel(&tx.clone()));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.chan, &other.chan)
    }
}

impl<T> Clone for UnboundedSender<T> {
    fn clone(&self) -> Self {
        self.chan.add_sender();
        UnboundedSender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for UnboundedSender<T> {
    fn drop(&mut self) {
        self.chan.drop_sender();
    }
}

impl<T> fmt::Debug for UnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedSender")
            .field("closed", &self.is_closed())
            .finish()
    }
}

impl<T> UnboundedReceiver<T> {
    pub(super) fn new(rx: Rx<T>) -> Self {
        UnboundedReceiver { rx }
    }

    /// Receives the next message; `None` once every sender is dropped (or
    /// [`close`](Self::close) was called) and everything buffered was received.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: a message is taken only when the future completes.
    ///
    /// ```
    /// runtime::run(async {
    ///     let (tx, mut rx) = runtime::sync::mpsc::unbounded_channel();
    ///     tx.send(1).unwrap();
    ///     assert_eq!(rx.recv().await, Some(1));
    /// });
    /// ```
    pub async fn recv(&mut self) -> Option<T> {
        self.rx.recv().await
    }

    /// Polls for the next message (see [`Receiver::poll_recv`](super::Receiver::poll_recv)).
    ///
    /// ```
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let (tx, mut rx) = runtime::sync::mpsc::unbounded_channel();
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(rx.poll_recv(&mut cx).is_pending());
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.poll_recv(&mut cx), Poll::Ready(Some(1)));
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.rx.poll_recv(cx)
    }

    /// Receives a message if one is buffered, without waiting.
    ///
    /// ```
    /// use runtime::sync::mpsc::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = mpsc::unbounded_channel::<u8>();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.rx.try_recv()
    }

    /// Receives on a plain (non-runtime) thread, blocking it while the channel is empty.
    ///
    /// # Panics
    ///
    /// On a runtime thread.
    ///
    /// ```
    /// let (tx, mut rx) = runtime::sync::mpsc::unbounded_channel();
    /// std::thread::spawn(move || tx.send(1).unwrap());
    /// assert_eq!(rx.blocking_recv(), Some(1));
    /// ```
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Option<T> {
        crate::util::block::block_on_thread("`mpsc::UnboundedReceiver::blocking_recv`", self.recv())
    }

    /// Closes the channel for senders; buffered messages can still be received.
    ///
    /// ```
    /// let (tx, mut rx) = runtime::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// rx.close();
    /// assert!(tx.send(2).is_err());
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn close(&mut self) {
        self.rx.close();
    }

    /// Messages buffered now.
    ///
    /// ```
    /// let (tx, rx) = runtime::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.rx.len()
    }

    /// Whether no message is buffered now.
    ///
    /// ```
    /// let (_tx, rx) = runtime::sync::mpsc::unbounded_channel::<()>();
    /// assert!(rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.rx.is_empty()
    }

    /// Whether the channel is closed (every sender gone, or closed); buffered messages
    /// may remain.
    ///
    /// ```
    /// let (tx, rx) = runtime::sync::mpsc::unbounded_channel::<()>();
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.rx.is_closed()
    }
}

impl<T> fmt::Debug for UnboundedReceiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedReceiver")
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}
