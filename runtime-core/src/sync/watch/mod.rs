//! A value many tasks observe: one [`Sender`] replaces it, any number of [`Receiver`]s
//! read the latest and wait for the next change (tokio's `sync::watch`).
//!
//! A watch channel keeps only the latest value: a receiver that falls behind skips the
//! values it missed and sees the newest. That makes it **the usual way to broadcast
//! "shut down"** (or a new configuration): every task holds a receiver, the owner sends
//! once, and each task notices at its next `changed().await`, or at its next `borrow()`
//! when it polls rather than waits. Dropping the sender is itself a signal: every
//! `changed()` then fails with [`RecvError`](error::RecvError).
//!
//! ```
//! use runtime::sync::watch;
//!
//! runtime::run(async {
//!     let (shutdown, rx) = watch::channel(false);
//!     let mut workers = Vec::new();
//!     for id in 0..4 {
//!         let mut rx = rx.clone();
//!         workers.push(runtime::spawn(async move {
//!             let mut served = 0;
//!             while !*rx.borrow_and_update() {
//!                 served += 1; // a unit of work
//!                 // Wait for the next change; an error means the sender is gone.
//!                 if rx.changed().await.is_err() {
//!                     break;
//!                 }
//!             }
//!             (id, served)
//!         }));
//!     }
//!     shutdown.send(true).unwrap();
//!     for w in workers {
//!         w.await.unwrap();
//!     }
//! });
//! ```
//!
//! # Design
//!
//! The value sits behind a reader-writer lock; a state word holds the version (bumped by
//! 2 per change, under the write lock, so a reader holding the read lock sees the version
//! that matches the value) and a `CLOSED` bit set when the last sender goes. Waiting uses
//! two [`Notify`]s: `changed()` waiters on one (woken by `notify_waiters` after each
//! change), [`Sender::closed`] waiters on the other. A waiter creates its `Notified`
//! before it compares versions, and `notify_waiters` reaches every `Notified` created
//! before it, so a change between the check and the wait is never missed.
pub mod error;
mod receiver;

use self::error::SendError;
use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::{Arc, RwLock};
use crate::sync::Notify;
use std::fmt;
use std::ops::Deref;
use std::pin::pin;

use crate::loom::sync::RwLockReadGuard as ReadGuard;

/// Bit 0 of the state word: every sender is gone.
const CLOSED: usize = 1;
/// One change of the value.
const STEP: usize = 2;

struct Shared<T> {
    value: RwLock<T>,
    /// Version (`STEP` per change) | `CLOSED`.
    state: AtomicUsize,
    receivers: AtomicUsize,
    senders: AtomicUsize,
    /// `changed()` waiters.
    notify_rx: Notify,
    /// `Sender::closed()` waiters.
    notify_tx: Notify,
}

impl<T> Shared<T> {
    fn version(&self) -> usize {
        self.state.load(SeqCst) & !CLOSED
    }
}

/// Creates a watch channel holding `init`; see the [module docs](self).
///
/// The receiver starts having seen `init`: its first `changed()` waits for a new value.
///
/// ```
/// use runtime::sync::watch;
///
/// runtime::run(async {
///     let (tx, mut rx) = watch::channel("hello");
///     runtime::spawn(async move { tx.send("world").unwrap() });
///     rx.changed().await.unwrap();
///     assert_eq!(*rx.borrow(), "world");
/// });
/// ```
pub fn channel<T>(init: T) -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        value: RwLock::new(init),
        state: AtomicUsize::new(0),
        receivers: AtomicUsize::new(1),
        senders: AtomicUsize::new(1),
        notify_rx: Notify::new(),
        notify_tx: Notify::new(),
    });
    let rx = Receiver {
        shared: shared.clone(),
        version: 0,
    };
    (Sender { shared }, rx)
}

/// The sending half of a [`watch`](self) channel: replaces the value and wakes the
/// receivers. Cloneable; the channel closes when the last clone is dropped.
///
/// Sending never blocks on tasks and needs no runtime: call it from any thread.
///
/// ```
/// use runtime::sync::watch;
///
/// let (tx, rx) = watch::channel(0);
/// std::thread::spawn(move || tx.send(1).unwrap()).join().unwrap();
/// assert_eq!(*rx.borrow(), 1);
/// ```
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// The receiving half of a [`watch`](self) channel: reads the latest value and waits for
/// changes. Each clone tracks which version it has seen.
///
/// ```
/// use runtime::sync::watch;
///
/// runtime::run(async {
///     let (tx, mut rx) = watch::channel("starting");
///     let mut other = rx.clone();
///     tx.send("running").unwrap();
///     rx.changed().await.unwrap();
///     other.changed().await.unwrap(); // each clone sees each change
///     assert_eq!(*other.borrow(), "running");
/// });
/// ```
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    /// The version this receiver has seen (never has `CLOSED` set).
    version: usize,
}

/// A read lock on the value of a [`watch`](self) channel, from `borrow`.
///
/// While it lives, the sender cannot store a new value: drop it soon, never hold it
/// across an `.await`, and don't borrow again while holding it (with a sender waiting to
/// write, the second borrow would wait for the first: a deadlock).
///
/// ```
/// let (_tx, rx) = runtime::sync::watch::channel(String::from("config"));
/// let value: runtime::sync::watch::Ref<'_, String> = rx.borrow();
/// assert_eq!(value.len(), 6);
/// ```
pub struct Ref<'a, T> {
    inner: ReadGuard<'a, T>,
    has_changed: bool,
}

impl<T> Ref<'_, T> {
    /// Whether this value was unseen by the receiver when it was borrowed (always `false`
    /// from [`Sender::borrow`] and [`Receiver::borrow`] of a seen value).
    ///
    /// ```
    /// let (tx, mut rx) = runtime::sync::watch::channel(1);
    /// tx.send(2).unwrap();
    /// assert!(rx.borrow_and_update().has_changed());
    /// assert!(!rx.borrow_and_update().has_changed());
    /// ```
    pub fn has_changed(&self) -> bool {
        self.has_changed
    }
}

impl<T> Deref for Ref<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: fmt::Debug> fmt::Debug for Ref<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl<T> Sender<T> {
    /// A sender with no receiver yet (make them with [`subscribe`](Self::subscribe)).
    ///
    /// ```
    /// let tx = runtime::sync::watch::Sender::new(0);
    /// assert!(tx.is_closed());
    /// let rx = tx.subscribe();
    /// assert_eq!(*rx.borrow(), 0);
    /// ```
    pub fn new(init: T) -> Sender<T> {
        let (tx, _) = channel(init);
        tx
    }

    /// Stores `value` and wakes every receiver waiting in `changed()`; fails, giving the
    /// value back, when there is no receiver (the value is then not stored).
    ///
    /// ```
    /// let (tx, rx) = runtime::sync::watch::channel(0);
    /// tx.send(1).unwrap();
    /// assert_eq!(*rx.borrow(), 1);
    /// ```
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        if self.is_closed() {
            return Err(SendError(value));
        }
        self.send_replace(value);
        Ok(())
    }

    /// Stores `value` whether or not there are receivers, wakes the waiting ones, and
    /// returns the previous value.
    ///
    /// ```
    /// let tx = runtime::sync::watch::Sender::new(1);
    /// assert_eq!(tx.send_replace(2), 1);
    /// assert_eq!(*tx.borrow(), 2);
    /// ```
    pub fn send_replace(&self, value: T) -> T {
        let old = {
            let mut current = self.shared.value.write();
            let old = std::mem::replace(&mut *current, value);
            self.shared.state.fetch_add(STEP, SeqCst);
            old
        };
        self.shared.notify_rx.notify_waiters();
        old
    }

    /// Modifies the value in place and wakes the receivers, even if `modify` changed
    /// nothing.
    ///
    /// ```
    /// let (tx, rx) = runtime::sync::watch::channel(vec![1]);
    /// tx.send_modify(|v| v.push(2));
    /// assert_eq!(*rx.borrow(), [1, 2]);
    /// ```
    pub fn send_modify(&self, modify: impl FnOnce(&mut T)) {
        self.send_if_modified(|v| {
            modify(v);
            true
        });
    }

    /// Modifies the value in place; when `modify` returns `true`, counts it as a new value
    /// and wakes the receivers. Returns what `modify` returned. Works with no receivers.
    ///
    /// `modify` runs under the write lock: keep it short, and don't touch the channel from
    /// it. If it panics, the panic propagates, the receivers are not woken and the version
    /// is unchanged (whatever it wrote to the value stays).
    ///
    /// ```
    /// let (tx, rx) = runtime::sync::watch::channel(5);
    /// assert!(!tx.send_if_modified(|v| std::mem::replace(v, 5) != 5));
    /// assert!(!rx.has_changed().unwrap());
    /// assert!(tx.send_if_modified(|v| std::mem::replace(v, 6) != 6));
    /// assert!(rx.has_changed().unwrap());
    /// ```
    pub fn send_if_modified(&self, modify: impl FnOnce(&mut T) -> bool) -> bool {
        {
            let mut value = self.shared.value.write();
            if !modify(&mut value) {
                return false;
            }
            // Under the write lock: a reader sees a version that matches the value.
            self.shared.state.fetch_add(STEP, SeqCst);
        }
        self.shared.notify_rx.notify_waiters();
        true
    }

    /// A read lock on the current value ([`Ref::has_changed`] is `false`).
    ///
    /// ```
    /// let tx = runtime::sync::watch::Sender::new("up");
    /// assert_eq!(*tx.borrow(), "up");
    /// ```
    pub fn borrow(&self) -> Ref<'_, T> {
        Ref {
            inner: self.shared.value.read(),
            has_changed: false,
        }
    }

    /// Whether every receiver was dropped (a later [`subscribe`](Self::subscribe) reopens
    /// the channel for `send`).
    ///
    /// ```
    /// let (tx, rx) = runtime::sync::watch::channel(());
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.receiver_count() == 0
    }

    /// Completes once every receiver is dropped (at once if none is left).
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: it consumes nothing.
    ///
    /// ```
    /// runtime::run(async {
    ///     let (tx, rx) = runtime::sync::watch::channel(0);
    ///     runtime::spawn(async move { drop(rx) });
    ///     tx.closed().await;
    ///     assert!(tx.send(1).is_err());
    /// });
    /// ```
    pub async fn closed(&self) {
        loop {
            let mut notified = pin!(self.shared.notify_tx.notified());
            notified.as_mut().enable();
            if self.is_closed() {
                return;
            }
            notified.await;
        }
    }

    /// A new receiver that has seen the current value.
    ///
    /// ```
    /// let tx = runtime::sync::watch::Sender::new(1);
    /// let rx = tx.subscribe();
    /// assert!(!rx.has_changed().unwrap());
    /// ```
    pub fn subscribe(&self) -> Receiver<T> {
        self.shared.receivers.fetch_add(1, SeqCst);
        Receiver {
            version: self.shared.version(),
            shared: self.shared.clone(),
        }
    }

    /// How many receivers exist.
    ///
    /// ```
    /// let (tx, rx) = runtime::sync::watch::channel(0);
    /// let _rx2 = rx.clone();
    /// assert_eq!(tx.receiver_count(), 2);
    /// ```
    pub fn receiver_count(&self) -> usize {
        self.shared.receivers.load(SeqCst)
    }

    /// How many senders (clones of this one included) exist.
    ///
    /// ```
    /// let (tx, _rx) = runtime::sync::watch::channel(0);
    /// let _tx2 = tx.clone();
    /// assert_eq!(tx.sender_count(), 2);
    /// ```
    pub fn sender_count(&self) -> usize {
        self.shared.senders.load(SeqCst)
    }

    /// Whether both senders belong to the same channel.
    ///
    /// ```
    /// let (tx, _rx) = runtime::sync::watch::channel(0);
    /// assert!(tx.same_channel(&tx.clone()));
    /// ```
    pub fn same_channel(&self, other: &Sender<T>) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Sender<T> {
        self.shared.senders.fetch_add(1, SeqCst);
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if self.shared.senders.fetch_sub(1, SeqCst) == 1 {
            self.shared.state.fetch_or(CLOSED, SeqCst);
            self.shared.notify_rx.notify_waiters();
        }
    }
}

impl<T: Default> Default for Sender<T> {
    fn default() -> Sender<T> {
        Sender::new(T::default())
    }
}

impl<T: fmt::Debug> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("value", &*self.borrow())
            .field("receivers", &self.receiver_count())
            .finish()
    }
}
