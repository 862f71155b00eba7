//! The bounded channel's handles.
use super::chan::{Chan, Rx, Slot, State, TryAcquire};
use super::error::{SendError, TryRecvError, TrySendError};
use super::Closed;
use crate::loom::sync::Arc;
use crate::sync::wait_list::Node;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

/// Sends into a bounded [`channel`](super::channel); clone it for more producers.
pub struct Sender<T> {
    chan: Arc<Chan<T>>,
}

/// Receives from a bounded [`channel`](super::channel).
pub struct Receiver<T> {
    rx: Rx<T>,
}

impl<T> Sender<T> {
    pub(super) fn new(chan: Arc<Chan<T>>) -> Self {
        Sender { chan }
    }

    /// Sends `value`, waiting for room while the channel is full. `Err` gives the value
    /// back when the receiver was closed or dropped.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe in the sense that matters: dropping the future before it completes
    /// sends nothing (the value is dropped with it) and loses no capacity: a slot it was
    /// already handed goes to the next waiting sender.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// runtime::run(async {
    ///     let (tx, mut rx) = mpsc::channel(8);
    ///     tx.send(1).await.unwrap();
    ///     assert_eq!(rx.recv().await, Some(1));
    /// });
    /// ```
    pub async fn send(&self, value: T) -> Result<(), SendError<T>> {
        SendFut {
            reserve: Reserve::new(&self.chan),
            value: Some(value),
        }
        .await
    }

    /// Waits for a free slot and holds it: the [`Permit`] sends without waiting (or gives
    /// the slot back when dropped). `Err` when the receiver was closed or dropped.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: dropping the future before it completes holds no slot; a slot it was
    /// already handed goes to the next waiting sender.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// runtime::run(async {
    ///     let (tx, mut rx) = mpsc::channel(1);
    ///     let permit = tx.reserve().await.unwrap();
    ///     assert!(tx.try_send(0).is_err()); // the slot is held
    ///     permit.send(1);
    ///     assert_eq!(rx.recv().await, Some(1));
    /// });
    /// ```
    pub async fn reserve(&self) -> Result<Permit<'_, T>, SendError<()>> {
        Reserve::new(&self.chan).await
    }

    /// Sends `value` if there is room now, without waiting.
    ///
    /// ```
    /// use runtime::sync::mpsc::{self, error::TrySendError};
    ///
    /// let (tx, rx) = mpsc::channel(1);
    /// assert!(tx.try_send(1).is_ok());
    /// assert_eq!(tx.try_send(2), Err(TrySendError::Full(2)));
    /// drop(rx);
    /// assert_eq!(tx.try_send(3), Err(TrySendError::Closed(3)));
    /// ```
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        match self.chan.try_acquire() {
            TryAcquire::Acquired => self.chan.push(value).map_err(TrySendError::from),
            TryAcquire::Full => Err(TrySendError::Full(value)),
            TryAcquire::Closed => Err(TrySendError::Closed(value)),
        }
    }

    /// Sends from a plain (non-runtime) thread, blocking it while the channel is full.
    ///
    /// # Panics
    ///
    /// On a runtime thread.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::channel(1);
    /// std::thread::spawn(move || tx.blocking_send(5).unwrap());
    /// assert_eq!(rx.blocking_recv(), Some(5));
    /// ```
    #[track_caller]
    pub fn blocking_send(&self, value: T) -> Result<(), SendError<T>> {
        crate::util::block::block_on_thread("`mpsc::Sender::blocking_send`", self.send(value))
    }

    /// Resolves once the receiver is closed or dropped.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// runtime::run(async {
    ///     let (tx, rx) = mpsc::channel::<()>(1);
    ///     runtime::spawn(async move { drop(rx) });
    ///     tx.closed().await;
    ///     assert!(tx.is_closed());
    /// });
    /// ```
    pub async fn closed(&self) {
        Closed::new(&self.chan).await
    }

    /// Whether the receiver was closed or dropped.
    ///
    /// ```
    /// let (tx, rx) = runtime::sync::mpsc::channel::<()>(1);
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Free slots now.
    ///
    /// ```
    /// let (tx, _rx) = runtime::sync::mpsc::channel(4);
    /// tx.try_send(()).unwrap();
    /// assert_eq!(tx.capacity(), 3);
    /// ```
    pub fn capacity(&self) -> usize {
        self.chan.capacity()
    }

    /// The bound the channel was created with.
    ///
    /// ```
    /// let (tx, _rx) = runtime::sync::mpsc::channel::<()>(4);
    /// assert_eq!(tx.max_capacity(), 4);
    /// ```
    pub fn max_capacity(&self) -> usize {
        self.chan.bound()
    }

    /// Whether both senders feed the same channel.
    ///
    /// ```
    /// let (tx, _rx) = runtime::sync::mpsc::channel::<()>(1);
    /// let (other, _rx2) = runtime::sync::mpsc::channel::<()>(1);
    /// assert!(tx.same_channel(&tx.clone()));
    /// assert!(!tx.same_channel(&other));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.chan, &other.chan)
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.chan.add_sender();
        Sender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.chan.drop_sender();
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("capacity", &self.capacity())
            .field("max_capacity", &self.max_capacity())
            .field("closed", &self.is_closed())
            .finish()
    }
}

pin_project_lite::pin_project! {
    /// A waiting `Sender::send`: a [`Reserve`] that fills the slot it gets. (`reserve`
    /// first: it leaves the line before an unsent value drops, as fields drop in order.)
    struct SendFut<'a, T> {
        #[pin]
        reserve: Reserve<'a, T>,
        value: Option<T>,
    }
}

fn take<T>(value: &mut Option<T>) -> T {
    value.take().expect("a send polled after it completed")
}

impl<T> Future for SendFut<'_, T> {
    type Output = Result<(), SendError<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let chan = this.reserve.chan;
        let value = this.value;
        // A slot handed in line is filled under the lock that handed it.
        let out = ready!(this
            .reserve
            .poll_slot(cx, |chan, st| chan.push_locked(st, take(value))));
        Poll::Ready(match out {
            Ok(Some(res)) => res,
            Ok(None) => chan.push(take(value)),
            Err(()) => Err(SendError(take(value))),
        })
    }
}

pin_project_lite::pin_project! {
    /// A waiting `Sender::reserve`, and the wait for a slot inside a `send`: its drop
    /// leaves the line and passes on a slot it was handed (rule 3 of `sync`).
    struct Reserve<'a, T> {
        chan: &'a Chan<T>,
        #[pin]
        node: Node<Slot>,
    }

    impl<T> PinnedDrop for Reserve<'_, T> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if this.node.was_enqueued() {
                this.chan.cancel_send(this.node);
            }
        }
    }
}

impl<'a, T> Reserve<'a, T> {
    fn new(chan: &'a Chan<T>) -> Self {
        Reserve {
            chan,
            node: Node::new(Slot::Waiting),
        }
    }

    /// One poll for a slot, lock-free while not in line: `Ok(None)` when it took one
    /// lock-free (the caller uses it), `Ok(Some(_))` with what `with_slot` made of one
    /// handed under the lock, `Err(())` when the receiver closed. Spends a unit of the
    /// budget when ready.
    fn poll_slot<R>(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        with_slot: impl FnOnce(&Chan<T>, &mut State<T>) -> (R, Option<Waker>),
    ) -> Poll<Result<Option<R>, ()>> {
        let coop = ready!(crate::task::coop::poll_proceed(cx));
        let this = self.project();
        let got = if this.node.was_enqueued() {
            TryAcquire::Full
        } else {
            this.chan.try_acquire()
        };
        let out = match got {
            TryAcquire::Acquired => Poll::Ready(Ok(None)),
            TryAcquire::Closed => Poll::Ready(Err(())),
            TryAcquire::Full => this.chan.poll_slot(this.node, cx, |chan, st| {
                let (out, waker) = with_slot(chan, st);
                (Some(out), waker)
            }),
        };
        if out.is_ready() {
            coop.made_progress();
        }
        out
    }
}

impl<'a, T> Future for Reserve<'a, T> {
    type Output = Result<Permit<'a, T>, SendError<()>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let chan = self.chan;
        let out = ready!(self.poll_slot(cx, |_, _| ((), None)));
        Poll::Ready(match out {
            Ok(_) => Ok(Permit { chan }),
            Err(()) => Err(SendError(())),
        })
    }
}

/// A slot of a bounded channel held by [`Sender::reserve`]: [`send`](Self::send) fills
/// it without waiting; dropping it gives the slot back.
pub struct Permit<'a, T> {
    chan: &'a Chan<T>,
}

impl<T> Permit<'_, T> {
    /// Sends `value` into the held slot. If the receiver closed meanwhile, the value is
    /// dropped (the channel accepted the reservation before it closed).
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// runtime::run(async {
    ///     let (tx, mut rx) = mpsc::channel(1);
    ///     tx.reserve().await.unwrap().send("x");
    ///     assert_eq!(rx.recv().await, Some("x"));
    /// });
    /// ```
    pub fn send(self, value: T) {
        let chan = self.chan;
        std::mem::forget(self);
        // A closed receiver gives the slot back inside `push`; the value drops here.
        let _ = chan.push(value);
    }
}

impl<T> Drop for Permit<'_, T> {
    fn drop(&mut self) {
        self.chan.release(1);
    }
}

impl<T> fmt::Debug for Permit<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit").finish_non_exhaustive()
    }
}

impl<T> Receiver<T> {
    pub(super) fn new(rx: Rx<T>) -> Self {
        Receiver { rx }
    }

    /// Receives the next message; `None` once the channel is closed (every sender
    /// dropped, or [`close`](Self::close) called) and everything buffered was received.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: a message is taken only when the future completes, so dropping it
    /// (in a `select`) loses none.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// runtime::run(async {
    ///     let (tx, mut rx) = mpsc::channel(2);
    ///     tx.send(1).await.unwrap();
    ///     drop(tx);
    ///     assert_eq!(rx.recv().await, Some(1));
    ///     assert_eq!(rx.recv().await, None);
    /// });
    /// ```
    pub async fn recv(&mut self) -> Option<T> {
        self.rx.recv().await
    }

    /// Polls for the next message: `Ready(Some)`, `Ready(None)` when closed and drained,
    /// or `Pending` with `cx`'s waker registered.
    ///
    /// ```
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let (tx, mut rx) = runtime::sync::mpsc::channel(1);
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(rx.poll_recv(&mut cx).is_pending());
    /// tx.try_send(1).unwrap();
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
    /// let (tx, mut rx) = mpsc::channel(1);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.try_send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
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
    /// let (tx, mut rx) = runtime::sync::mpsc::channel(1);
    /// std::thread::spawn(move || tx.blocking_send(1).unwrap());
    /// assert_eq!(rx.blocking_recv(), Some(1));
    /// ```
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Option<T> {
        crate::util::block::block_on_thread("`mpsc::Receiver::blocking_recv`", self.recv())
    }

    /// Closes the channel for senders (their sends fail from now on, waiting ones
    /// included) while the messages already buffered can still be received.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// runtime::run(async {
    ///     let (tx, mut rx) = mpsc::channel(2);
    ///     tx.send(1).await.unwrap();
    ///     rx.close();
    ///     assert!(tx.send(2).await.is_err());
    ///     assert_eq!(rx.recv().await, Some(1));
    ///     assert_eq!(rx.recv().await, None);
    /// });
    /// ```
    pub fn close(&mut self) {
        self.rx.close();
    }

    /// Messages buffered now.
    ///
    /// ```
    /// let (tx, rx) = runtime::sync::mpsc::channel(2);
    /// tx.try_send(1).unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.rx.len()
    }

    /// Whether no message is buffered now.
    ///
    /// ```
    /// let (_tx, rx) = runtime::sync::mpsc::channel::<()>(2);
    /// assert!(rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.rx.is_empty()
    }

    /// Whether the channel is closed (every sender gone or [`close`](Self::close)
    /// called); buffered messages may remain.
    ///
    /// ```
    /// let (tx, rx) = runtime::sync::mpsc::channel::<()>(2);
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.rx.is_closed()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}
