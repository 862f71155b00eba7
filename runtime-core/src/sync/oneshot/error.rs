//! The errors of a [`Receiver`](super::Receiver) whose [`Sender`](super::Sender) was dropped without sending (or
//! after [`Receiver::close`](super::Receiver::close) with nothing sent).
//!
//! ```
//! use runtime::sync::oneshot;
//!
//! runtime::run(async {
//!     let (tx, rx) = oneshot::channel::<u8>();
//!     drop(tx);
//!     assert_eq!(rx.await, Err(oneshot::error::RecvError(())));
//! });
//! ```
use std::fmt;

/// The sender was dropped without sending a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecvError(pub ());

impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "the oneshot sender was dropped without sending a value: keep the Sender \
             alive until it sends, or handle the missing value",
        )
    }
}

impl std::error::Error for RecvError {}

/// Why [`Receiver::try_recv`](super::Receiver::try_recv) returned no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryRecvError {
    /// No value yet; the sender may still send one.
    Empty,
    /// No value will come: the sender was dropped, the value was already taken, or
    /// the receiver was closed before a value was sent.
    Closed,
}

impl fmt::Display for TryRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TryRecvError::Empty => {
                "no value has been sent yet: try again later, or `.await` the receiver"
            }
            TryRecvError::Closed => {
                "the channel is closed: the sender was dropped, the value was already \
                 taken, or the receiver was closed before a value arrived"
            }
        })
    }
}

impl std::error::Error for TryRecvError {}
