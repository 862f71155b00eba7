//! The errors of [`watch`](super).
use std::fmt;

/// [`Sender::send`](super::Sender::send) found no receiver; the value comes back in `.0`.
///
/// ```
/// let (tx, rx) = runtime::sync::watch::channel(0);
/// drop(rx);
/// let err = tx.send(1).unwrap_err();
/// assert_eq!(err.0, 1);
/// ```
#[derive(PartialEq, Eq, Clone, Copy)]
pub struct SendError<T>(pub T);

impl<T> fmt::Debug for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SendError").finish_non_exhaustive()
    }
}

impl<T> fmt::Display for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "sending on a watch channel whose receivers were all dropped: the value was not \
             stored and comes back in the error; call `Sender::subscribe` first, or use \
             `send_replace` to store it anyway",
        )
    }
}

impl<T> std::error::Error for SendError<T> {}

/// The [`Sender`](super::Sender) (every clone of it) was dropped, so no new value will
/// come; [`Receiver::borrow`](super::Receiver::borrow) still shows the last one.
///
/// ```
/// runtime::run(async {
///     let (tx, mut rx) = runtime::sync::watch::channel(0);
///     drop(tx);
///     assert!(rx.changed().await.is_err());
/// });
/// ```
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub struct RecvError(pub(super) ());

impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "the watch channel's sender was dropped: no new value will come; `borrow()` \
             still shows the last one",
        )
    }
}

impl std::error::Error for RecvError {}
