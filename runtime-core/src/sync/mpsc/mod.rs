//! Multi-producer, single-consumer channels: [`channel`] with a bound and back-pressure,
//! [`unbounded_channel`] without (the role of asyncio's `Queue` between producer tasks and
//! one consumer).
//!
//! ```
//! use runtime::sync::mpsc;
//!
//! runtime::run(async {
//!     let (tx, mut rx) = mpsc::channel(16);
//!     for id in 0..3 {
//!         let tx = tx.clone();
//!         runtime::spawn(async move { tx.send(id).await.unwrap() });
//!     }
//!     drop(tx);
//!     let mut got = Vec::new();
//!     while let Some(id) = rx.recv().await {
//!         got.push(id);
//!     }
//!     got.sort();
//!     assert_eq!(got, [0, 1, 2]);
//! });
//! ```
//!
//! Messages of one sender arrive in the order it sent them. A bounded channel holds at
//! most its capacity: `send` waits for room, and waiting senders get it first come first
//! served. The channel closes for senders when the receiver is closed or dropped, and for
//! the receiver when every sender is dropped (after it received what was buffered).
mod bounded;
mod chan;
pub mod error;
mod unbounded;

pub use bounded::{Permit, Receiver, Sender};
pub use unbounded::{UnboundedReceiver, UnboundedSender};

use crate::loom::sync::Arc;
use chan::{Chan, Rx};

/// A bounded channel holding at most `capacity` messages; senders wait for room.
///
/// # Panics
///
/// When `capacity` is 0.
///
/// ```
/// use runtime::sync::mpsc;
///
/// runtime::run(async {
///     let (tx, mut rx) = mpsc::channel(1);
///     tx.send("a").await.unwrap();
///     assert!(tx.try_send("b").is_err()); // full
///     assert_eq!(rx.recv().await, Some("a"));
/// });
/// ```
#[track_caller]
pub fn channel<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    assert!(capacity > 0, "{}", crate::error::MPSC_ZERO_CAPACITY);
    let chan = Arc::new(Chan::new(capacity));
    (Sender::new(chan.clone()), Receiver::new(Rx::new(chan)))
}

/// A channel without a bound: `send` never waits (memory is the limit).
///
/// ```
/// use runtime::sync::mpsc;
///
/// runtime::run(async {
///     let (tx, mut rx) = mpsc::unbounded_channel();
///     tx.send(1).unwrap();
///     drop(tx);
///     assert_eq!(rx.recv().await, Some(1));
///     assert_eq!(rx.recv().await, None);
/// });
/// ```
pub fn unbounded_channel<T>() -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    let chan = Arc::new(Chan::new(0));
    (
        UnboundedSender::new(chan.clone()),
        UnboundedReceiver::new(Rx::new(chan)),
    )
}

pin_project_lite::pin_project! {
    /// The future of `Sender::closed` (both kinds).
    pub(crate) struct Closed<'a, T> {
        chan: &'a Chan<T>,
        #[pin]
        node: crate::sync::wait_list::Node<()>,
    }

    impl<T> PinnedDrop for Closed<'_, T> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if this.node.was_enqueued() {
                this.chan.cancel_closed(this.node);
            }
        }
    }
}

impl<'a, T> Closed<'a, T> {
    fn new(chan: &'a Chan<T>) -> Self {
        Closed {
            chan,
            node: crate::sync::wait_list::Node::new(()),
        }
    }
}

impl<T> std::future::Future for Closed<'_, T> {
    type Output = ();

    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        let coop = std::task::ready!(crate::task::coop::poll_proceed(cx));
        let this = self.project();
        let out = this.chan.poll_closed(this.node, cx);
        if out.is_ready() {
            coop.made_progress();
        }
        out
    }
}
