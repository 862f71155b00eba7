//! A one-shot channel: asyncio's `Future`. A value is set once, from anywhere (a callback,
//! another thread, a task), and awaited once.
//!
//! ```
//! use runtime::sync::oneshot;
//!
//! runtime::run(async {
//!     let (tx, rx) = oneshot::channel();
//!     // asyncio: `loop.call_soon_threadsafe(fut.set_result, 42)` from a callback.
//!     std::thread::spawn(move || tx.send(42).unwrap());
//!     assert_eq!(rx.await, Ok(42));
//! });
//! ```
//!
//! # Shape
//!
//! One allocation holds a state word, the value cell and one waker cell per side; the
//! two handles point at it. There is no reference count: each handle sets its own
//! "dropped" bit as its last touch, and the handle that sees the other's bit frees the
//! allocation. Create, send and receive on one task costs one compare-and-swap (the send)
//! and two loads (the receive and the receiver's drop).
//!
//! # Invariants
//!
//! Every state change is a method of `State` (`state.rs`); the bits are:
//! `RX_TASK_SET` (the receiver's waker cell holds a waker the sender may read),
//! `TX_TASK_SET` (the same for the sender's waker cell, read by the receiver),
//! `COMPLETE` (the sender is done: it sent a value or was dropped),
//! `CLOSED` (the receiver closed or was dropped: no value will be taken any more),
//! `TX_DROPPED` / `RX_DROPPED` (that handle will never touch the allocation again).
//! Every read-modify-write is `AcqRel`, every load `Acquire`.
//!
//! 1. **Freeing.** Each handle's last touch of the allocation is the read-modify-write
//!    that sets its `*_DROPPED` bit, or a load that sees the other handle's bit (then it
//!    sets nothing). A handle frees the allocation exactly when, at that last step, it
//!    sees the other's bit: bits are only ever set by read-modify-writes, so exactly one
//!    of the two sees the other's, and it frees after the other's last touch.
//! 2. **The value cell** belongs to the sender until `COMPLETE` is set (the sender writes
//!    it, and takes it back if it finds `CLOSED` before setting `COMPLETE`) and to the
//!    receiver after it saw `COMPLETE` (the sender never touches it again).
//! 3. **The receiver's waker cell** is written only by the receiver, only while
//!    `RX_TASK_SET` is clear (it clears the bit first) and only after a state access that
//!    showed `COMPLETE` clear; it publishes the waker by setting `RX_TASK_SET`. The sender
//!    reads it only after its own `COMPLETE`-setting step saw `RX_TASK_SET`; from then on
//!    the receiver never writes it (every receiver write is preceded by a state access
//!    that would now show `COMPLETE`). Both may read it at once while the bit is set.
//! 4. **The sender's waker cell** mirrors rule 3 with `TX_TASK_SET` and `CLOSED`: written
//!    by the sender while the bit is clear and `CLOSED` was not seen, read by the receiver
//!    only after its `CLOSED`-setting step saw `TX_TASK_SET`.
//! 5. **A waking handle stays alive.** A handle whose last state change obliges it to
//!    wake the other side (rule 3 or 4) leaves its `*_DROPPED` bit clear in that change,
//!    wakes, then sets the bit in a second step (rule 1): the allocation cannot be freed
//!    under the waker it reads.
use crate::loom::cell::UnsafeCell;
use crate::task::coop;
use std::fmt;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll, Waker};

/// Creates a one-shot channel: the [`Sender`] sets the value once, the [`Receiver`] awaits
/// it (asyncio's `loop.create_future()`).
///
/// ```
/// use runtime::sync::oneshot;
///
/// runtime::run(async {
///     let (tx, rx) = oneshot::channel::<&str>();
///     runtime::spawn(async move { tx.send("done").unwrap() });
///     assert_eq!(rx.await.unwrap(), "done");
/// });
/// ```
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let inner = Box::new(Inner {
        state: State::new(),
        value: UnsafeCell::new(None),
        rx_waker: UnsafeCell::new(None),
        tx_waker: UnsafeCell::new(None),
    });
    let ptr = NonNull::from(Box::leak(inner));
    (Sender { inner: ptr }, Receiver { inner: ptr })
}

/// Sets the value of a [`channel`]. `send` never blocks and needs no runtime, so it may be
/// called from a callback or any thread.
pub struct Sender<T> {
    inner: NonNull<Inner<T>>,
}

/// Awaits the value of a [`channel`]: `rx.await` is `Ok(value)`, or `Err(RecvError)` when
/// the sender was dropped without sending. Polled again after it returned the value, it
/// returns `Err(RecvError)`.
///
/// # Cancel safety
///
/// Awaiting `&mut rx` is cancel-safe: the value is taken only when the await completes,
/// so a dropped await (a lost `select` branch) leaves it for the next one.
///
/// ```
/// use runtime::sync::oneshot;
///
/// runtime::run(async {
///     let (tx, mut rx) = oneshot::channel();
///     let gave_up = runtime::timeout(std::time::Duration::from_millis(1), &mut rx).await;
///     assert!(gave_up.is_err());
///     tx.send(1).unwrap();
///     assert_eq!(rx.await, Ok(1));
/// });
/// ```
#[must_use = "a Receiver does nothing unless `.await`ed or polled; dropping it closes the channel"]
pub struct Receiver<T> {
    inner: NonNull<Inner<T>>,
}

pub mod error;
mod state;

use error::{RecvError, TryRecvError};
use state::{
    Complete, Last, State, CLOSED, COMPLETE, RX_DROPPED, RX_TASK_SET, TX_DROPPED, TX_TASK_SET,
};

struct Inner<T> {
    state: State,
    value: UnsafeCell<Option<T>>,
    rx_waker: UnsafeCell<Option<Waker>>,
    tx_waker: UnsafeCell<Option<Waker>>,
}

impl<T> Inner<T> {
    /// Takes the value.
    ///
    /// # Safety
    ///
    /// The caller is the receiver and has seen `COMPLETE` (rule 2).
    unsafe fn take_value(&self) -> Option<T> {
        // SAFETY: per the contract the cell is the receiver's (rule 2).
        self.value.with_mut(|p| unsafe { (*p).take() })
    }

    /// Registers `waker` in `cell` under rule 3 (`bit` = `RX_TASK_SET`, `done` =
    /// `COMPLETE`) or rule 4 (`TX_TASK_SET`, `CLOSED`): `true` when registered and still
    /// waiting, `false` when `done` turned up meanwhile.
    ///
    /// # Safety
    ///
    /// The caller owns the side of `cell` (the receiver for `rx_waker`, the sender for
    /// `tx_waker`) and passes the matching bits.
    unsafe fn register(
        &self,
        cell: &UnsafeCell<Option<Waker>>,
        bit: usize,
        done: usize,
        waker: &Waker,
    ) -> bool {
        let cur = self.state.load();
        if cur & done != 0 {
            return false;
        }
        if cur & bit != 0 {
            // SAFETY: the bit is set, so only shared reads happen (rule 3/4).
            let same = cell.with(|p| unsafe { &*p }.as_ref().is_some_and(|w| w.will_wake(waker)));
            if same {
                return true;
            }
            if self.state.unset_task(bit) & done != 0 {
                // The other side saw the bit and may be reading the cell: leave it.
                return false;
            }
        }
        // SAFETY: the bit is clear and `done` was not set at our last state access, so
        // the other side will not read the cell until we set the bit again (rule 3/4).
        cell.with_mut(|p| unsafe { *p = Some(waker.clone()) });
        self.state.set_task(bit) & done == 0
    }
}

/// Wakes the waker in `cell` without taking it.
///
/// # Safety
///
/// The caller may read `cell` (rule 3 or 4: the other side published it and will not
/// write it again).
unsafe fn wake_cell(cell: &UnsafeCell<Option<Waker>>) {
    cell.with(|p| {
        // SAFETY: per the contract only shared reads of the cell happen now (rule 3/4).
        if let Some(w) = unsafe { &*p } {
            w.wake_by_ref();
        }
    });
}

/// Frees the allocation.
///
/// # Safety
///
/// The caller is the handle rule 1 names as the one to free, at its last step.
unsafe fn free<T>(inner: NonNull<Inner<T>>) {
    // SAFETY: allocated by `Box` in `channel`; per the contract (rule 1) nobody touches
    // it again.
    drop(unsafe { Box::from_raw(inner.as_ptr()) });
}

impl<T> Sender<T> {
    fn inner(&self) -> &Inner<T> {
        // SAFETY: the allocation lives until this handle's last step (rule 1), which is in
        // `send` or `drop`, both consuming the handle.
        unsafe { self.inner.as_ref() }
    }

    /// Sets the value, waking the receiver. Never blocks, needs no runtime: call it from
    /// any thread or callback. Returns the value back when the receiver was dropped or
    /// closed.
    ///
    /// ```
    /// use runtime::sync::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel();
    /// drop(rx);
    /// assert_eq!(tx.send(5), Err(5));
    /// ```
    pub fn send(self, value: T) -> Result<(), T> {
        let this = ManuallyDrop::new(self);
        let ptr = this.inner;
        let inner = this.inner();
        if inner.state.load() & CLOSED != 0 {
            // SAFETY: the sender's last step (rule 1), through the drop path.
            unsafe { sender_last(ptr) };
            return Err(value);
        }
        // SAFETY: `COMPLETE` is not set yet (only we set it), so the cell is ours (rule 2).
        inner.value.with_mut(|p| unsafe { *p = Some(value) });
        match inner.state.complete(true) {
            // SAFETY: `Sent`: rules 1 and 5, as `sender_finish` requires.
            Complete::Sent(last) => unsafe { sender_finish(ptr, last) },
            Complete::Closed => {
                // SAFETY: `COMPLETE` is still clear: the cell is ours (rule 2).
                let value = inner.value.with_mut(|p| unsafe { (*p).take() });
                // SAFETY: the sender's last step (rule 1), through the drop path.
                unsafe { sender_last(ptr) };
                return Err(value.expect("the value we just stored"));
            }
        }
        Ok(())
    }

    /// Whether the receiver was dropped or closed (a send would fail).
    ///
    /// ```
    /// use runtime::sync::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel::<()>();
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.inner().state.load() & CLOSED != 0
    }

    /// Resolves once the receiver is dropped or closed: a producer learns that nobody
    /// wants its value any more.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: dropping the future loses nothing; await `closed` again later.
    ///
    /// ```
    /// use runtime::sync::oneshot;
    ///
    /// runtime::run(async {
    ///     let (mut tx, rx) = oneshot::channel::<()>();
    ///     runtime::spawn(async move { drop(rx) });
    ///     tx.closed().await;
    ///     assert!(tx.is_closed());
    /// });
    /// ```
    pub async fn closed(&mut self) {
        std::future::poll_fn(|cx| self.poll_closed(cx)).await
    }

    /// Polls for the receiver's close: `Ready` once it is dropped or closed, else
    /// `Pending` with `cx`'s waker registered (replacing an earlier one).
    ///
    /// ```
    /// use runtime::sync::oneshot;
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let (mut tx, rx) = oneshot::channel::<()>();
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(tx.poll_closed(&mut cx).is_pending());
    /// drop(rx);
    /// assert!(tx.poll_closed(&mut cx).is_ready());
    /// ```
    pub fn poll_closed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let coop = std::task::ready!(coop::poll_proceed(cx));
        let inner = self.inner();
        // SAFETY: we are the sender, registering on the sender's cell with rule 4's bits.
        let waiting = unsafe { inner.register(&inner.tx_waker, TX_TASK_SET, CLOSED, cx.waker()) };
        if waiting {
            return Poll::Pending;
        }
        coop.made_progress();
        Poll::Ready(())
    }
}

/// Finishes a send or a sender drop after [`State::complete`] set `COMPLETE`.
///
/// # Safety
///
/// `last` is what the sender's `complete` returned for `inner`; the sender does nothing
/// after this.
unsafe fn sender_finish<T>(inner: NonNull<Inner<T>>, last: Last) {
    match last {
        Last::Leave => {}
        // SAFETY: rule 1, the receiver is gone.
        Last::Free => unsafe { free(inner) },
        Last::WakeThenDrop => {
            // SAFETY: we are alive (rule 5).
            let r = unsafe { inner.as_ref() };
            // SAFETY: our `COMPLETE` step saw `RX_TASK_SET` (rule 3).
            unsafe { wake_cell(&r.rx_waker) };
            if r.state.set_dropped(TX_DROPPED) {
                // SAFETY: rule 1: the receiver had set its bit.
                unsafe { free(inner) };
            }
        }
    }
}

/// The sender's last step without a value: a drop, or a send that found the receiver
/// closed.
///
/// # Safety
///
/// Called once, by the sender, as its last touch.
unsafe fn sender_last<T>(inner: NonNull<Inner<T>>) {
    // SAFETY: the sender is alive until the step below (rule 1).
    let state = &unsafe { inner.as_ref() }.state;
    match state.complete(false) {
        // SAFETY: what `complete` returned, as required (rules 1 and 5).
        Complete::Sent(last) => unsafe { sender_finish(inner, last) },
        Complete::Closed => unreachable!("`complete(false)` never refuses"),
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        // SAFETY: the handle's last touch (rule 1).
        unsafe { sender_last(self.inner) }
    }
}

impl<T> Receiver<T> {
    fn inner(&self) -> &Inner<T> {
        // SAFETY: the allocation lives until this handle's last step (rule 1), in `drop`.
        unsafe { self.inner.as_ref() }
    }

    /// Takes the value if it is there, without waiting.
    ///
    /// `Err(Empty)` while the sender may still send; `Err(Closed)` when it was dropped,
    /// the value was already taken, or the receiver was closed with nothing sent.
    ///
    /// ```
    /// use runtime::sync::oneshot::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = oneshot::channel();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let inner = self.inner();
        let state = inner.state.load();
        if state & COMPLETE != 0 {
            // SAFETY: we are the receiver and saw `COMPLETE` (rule 2).
            return unsafe { inner.take_value() }.ok_or(TryRecvError::Closed);
        }
        if state & CLOSED != 0 {
            return Err(TryRecvError::Closed);
        }
        Err(TryRecvError::Empty)
    }

    /// Closes the channel without dropping the receiver: later sends fail and
    /// [`Sender::closed`] resolves. A value sent before the close can still be taken with
    /// [`try_recv`](Self::try_recv).
    ///
    /// ```
    /// use runtime::sync::oneshot;
    ///
    /// let (tx, mut rx) = oneshot::channel();
    /// rx.close();
    /// assert_eq!(tx.send(1), Err(1));
    /// ```
    pub fn close(&mut self) {
        let inner = self.inner();
        if let Last::WakeThenDrop = inner.state.close(false) {
            // SAFETY: our `CLOSED` step saw `TX_TASK_SET` (rule 4).
            unsafe { wake_cell(&inner.tx_waker) };
        }
    }

    /// Blocks this (non-runtime) thread until the value arrives.
    ///
    /// # Panics
    ///
    /// On a runtime thread: blocking it could stall the very task that would send.
    ///
    /// ```
    /// use runtime::sync::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel();
    /// std::thread::spawn(move || tx.send("hi").unwrap());
    /// assert_eq!(rx.blocking_recv(), Ok("hi"));
    /// ```
    #[track_caller]
    pub fn blocking_recv(self) -> Result<T, RecvError> {
        crate::util::block::block_on_thread("`oneshot::Receiver::blocking_recv`", self)
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = std::task::ready!(coop::poll_proceed(cx));
        let inner = self.inner();
        let state = inner.state.load();
        if state & (COMPLETE | CLOSED) == 0 {
            // SAFETY: we are the receiver, registering on its cell with rule 3's bits.
            let waiting =
                unsafe { inner.register(&inner.rx_waker, RX_TASK_SET, COMPLETE, cx.waker()) };
            if waiting {
                return Poll::Pending;
            }
        }
        coop.made_progress();
        if inner.state.load() & COMPLETE != 0 {
            // SAFETY: we are the receiver and saw `COMPLETE` (rule 2).
            return Poll::Ready(unsafe { inner.take_value() }.ok_or(RecvError(())));
        }
        // Closed by `close` with nothing sent.
        Poll::Ready(Err(RecvError(())))
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let ptr = self.inner;
        let inner = self.inner();
        match inner.state.close(true) {
            Last::Leave => {}
            // SAFETY: rule 1, the sender is gone.
            Last::Free => unsafe { free(ptr) },
            Last::WakeThenDrop => {
                // SAFETY: our `CLOSED` step saw `TX_TASK_SET` (rule 4); we are alive
                // until `set_dropped` (rule 5).
                unsafe { wake_cell(&inner.tx_waker) };
                if inner.state.set_dropped(RX_DROPPED) {
                    // SAFETY: rule 1, the sender had set its bit.
                    unsafe { free(ptr) };
                }
            }
        }
    }
}

// SAFETY: the handles only move a `T` between threads (rule 2) and wake wakers, which are
// `Send + Sync`.
unsafe impl<T: Send> Send for Sender<T> {}
// SAFETY: `&Sender` only reads the state word (rules 1-5 hold for either thread).
unsafe impl<T: Send> Sync for Sender<T> {}
// SAFETY: as for `Sender`.
unsafe impl<T: Send> Send for Receiver<T> {}
// SAFETY: `&Receiver` gives access to nothing.
unsafe impl<T: Send> Sync for Receiver<T> {}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("closed", &self.is_closed())
            .finish()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.inner().state.load();
        f.debug_struct("Receiver")
            .field("complete", &(state & COMPLETE != 0))
            .field("closed", &(state & CLOSED != 0))
            .finish()
    }
}
