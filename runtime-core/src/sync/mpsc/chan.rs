//! The core both channel kinds share: the buffer and waiters under one lock, the free
//! slots of a bounded channel in one atomic word, and the receiver's local batch.
//!
//! # How a message moves
//!
//! A sender takes a slot (bounded only) from the capacity word with one compare-and-swap
//! while there is room and no sender waits ahead of it, then pushes under the lock and
//! takes the receiver's waker if one is registered: the receiver registers only when it
//! found nothing, so a busy receiver costs senders no wake. The receiver swaps the whole
//! shared buffer for its empty local one under the lock and drains the local one without
//! it, giving each slot back as its message leaves.
//!
//! # The capacity word
//!
//! `cap = free_slots * ONE | CLOSED | WAITERS`.
//!
//! 1. `CLOSED` is set once, by the receiver's close, before it takes the lock to mark
//!    the state closed; a set `CLOSED` fails every acquire.
//! 2. `WAITERS` is set and cleared only under the lock and is set exactly while senders
//!    wait in `State::senders`. A sender enqueues only after its compare-and-swap set
//!    `WAITERS` on a word with no free slot, so a release that ran before it is visible
//!    in the word (and the slot taken instead), and a release after it sees `WAITERS`.
//! 3. A release that sees `WAITERS` or `CLOSED` takes the lock and hands its slots to the
//!    waiters in order (rule 2 of `sync`: hand-off, then wake); only a release that sees
//!    neither adds to the word without the lock. So free slots are never left in the
//!    word while a sender waits, and the lock-free acquire cannot pass a waiter.
//! 4. A slot is consumed when its message is pushed, or given back (`release`) when the
//!    push finds the receiver closed or a waiting send that was handed one is dropped.
use super::error::{SendError, TryRecvError};
use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::loom::sync::Mutex;
use crate::sync::wait_list::{Node, WaitList, WakeList};
use crate::task::coop;
use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

const WAITERS: usize = 1;
const CLOSED: usize = 2;
const ONE: usize = 4;

/// What a waiting sender was handed.
#[derive(Default, Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Slot {
    #[default]
    Waiting,
    /// A slot: push the message.
    Permit,
    /// The receiver closed.
    Closed,
}

/// The outcome of a lock-free acquire.
pub(super) enum TryAcquire {
    Acquired,
    Full,
    Closed,
}

pub(super) struct Chan<T> {
    /// See the module docs; unbounded channels use only `CLOSED`.
    cap: AtomicUsize,
    /// The bound; 0 for an unbounded channel.
    bound: usize,
    /// Live sender handles.
    tx_count: AtomicUsize,
    state: Mutex<State<T>>,
}

pub(super) struct State<T> {
    queue: VecDeque<T>,
    /// Registered by the receiver when it found nothing.
    rx_waker: Option<Waker>,
    /// Every sender was dropped.
    tx_closed: bool,
    /// The receiver closed or was dropped.
    rx_closed: bool,
    /// Sends waiting for a slot, first come first served.
    senders: WaitList<Slot>,
    /// `Sender::closed` futures.
    closed_waiters: WaitList<()>,
}

impl<T> Chan<T> {
    /// A channel for `bound` messages (0: unbounded), with one sender.
    pub(super) fn new(bound: usize) -> Chan<T> {
        Chan {
            cap: AtomicUsize::new(bound * ONE),
            bound,
            tx_count: AtomicUsize::new(1),
            state: Mutex::new(State {
                queue: VecDeque::new(),
                rx_waker: None,
                tx_closed: false,
                rx_closed: false,
                senders: WaitList::new(),
                closed_waiters: WaitList::new(),
            }),
        }
    }

    pub(super) fn bound(&self) -> usize {
        self.bound
    }

    /// Free slots now.
    pub(super) fn capacity(&self) -> usize {
        self.cap.load(Ordering::Acquire) / ONE
    }

    pub(super) fn is_closed(&self) -> bool {
        self.cap.load(Ordering::Acquire) & CLOSED != 0
    }

    // ----- senders -----

    pub(super) fn add_sender(&self) {
        self.tx_count.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn drop_sender(&self) {
        if self.tx_count.fetch_sub(1, Ordering::AcqRel) != 1 {
            return;
        }
        let waker = {
            let mut st = self.state.lock();
            st.tx_closed = true;
            st.rx_waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Takes a slot without the lock (module rule 3: never past a waiting sender).
    pub(super) fn try_acquire(&self) -> TryAcquire {
        let mut cur = self.cap.load(Ordering::Acquire);
        loop {
            if cur & CLOSED != 0 {
                return TryAcquire::Closed;
            }
            if cur & WAITERS != 0 || cur < ONE {
                return TryAcquire::Full;
            }
            match self
                .cap
                .compare_exchange(cur, cur - ONE, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return TryAcquire::Acquired,
                Err(actual) => cur = actual,
            }
        }
    }

    /// Pushes a message (holding a slot when bounded): `Err` with the value when the
    /// receiver closed, its slot given back.
    pub(super) fn push(&self, value: T) -> Result<(), SendError<T>> {
        let (res, waker) = {
            let mut st = self.state.lock();
            self.push_locked(&mut st, value)
        };
        if let Some(w) = waker {
            w.wake();
        }
        res
    }

    /// Pushes under the lock (holding a slot when bounded); returns the receiver's
    /// waker to wake after unlocking.
    pub(super) fn push_locked(
        &self,
        st: &mut State<T>,
        value: T,
    ) -> (Result<(), SendError<T>>, Option<Waker>) {
        if st.rx_closed {
            if self.bound != 0 {
                // Rule 4: the slot goes back; the channel is closed, nobody waits.
                self.cap.fetch_add(ONE, Ordering::AcqRel);
            }
            return (Err(SendError(value)), None);
        }
        st.queue.push_back(value);
        (Ok(()), st.rx_waker.take())
    }

    /// Gives `n` slots back: to waiting senders first, in order (module rule 3).
    pub(super) fn release(&self, n: usize) {
        let mut cur = self.cap.load(Ordering::Acquire);
        loop {
            if cur & (WAITERS | CLOSED) != 0 {
                break;
            }
            match self
                .cap
                .compare_exchange(cur, cur + n * ONE, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return,
                Err(actual) => cur = actual,
            }
        }
        let mut wakers = WakeList::new();
        {
            let mut st = self.state.lock();
            self.release_locked(&mut st, n, &mut wakers);
        }
        wakers.wake_all();
    }

    fn release_locked(&self, st: &mut State<T>, mut n: usize, wakers: &mut WakeList) {
        while n > 0 {
            match st.senders.pop_front_with(|s| *s = Slot::Permit) {
                Some(w) => {
                    n -= 1;
                    if let Some(w) = w {
                        wakers.push(w);
                    }
                }
                None => break,
            }
        }
        if st.senders.is_empty() {
            self.cap.fetch_and(!WAITERS, Ordering::AcqRel);
        }
        if n > 0 {
            self.cap.fetch_add(n * ONE, Ordering::AcqRel);
        }
    }

    /// One poll of a bounded send or reserve whose lock-free attempt found no room:
    /// `Ok` with what `with_slot` made of the slot it got (under the lock; the waker it
    /// returns is woken after), `Err(())` when the receiver closed.
    pub(super) fn poll_slot<R>(
        &self,
        mut node: Pin<&mut Node<Slot>>,
        cx: &mut Context<'_>,
        with_slot: impl FnOnce(&Self, &mut State<T>) -> (R, Option<Waker>),
    ) -> Poll<Result<R, ()>> {
        let mut st = self.state.lock();
        match std::mem::take(st.senders.data(node.as_mut())) {
            Slot::Permit => return Poll::Ready(Ok(self.finish_locked(st, with_slot))),
            Slot::Closed => return Poll::Ready(Err(())),
            Slot::Waiting => {}
        }
        if st.senders.is_queued(node.as_mut()) {
            st.senders.enqueue(node, cx.waker());
            return Poll::Pending;
        }
        // Module rule 2: take a slot or announce a waiter, in one word change.
        let mut cur = self.cap.load(Ordering::Acquire);
        loop {
            if cur & CLOSED != 0 {
                return Poll::Ready(Err(()));
            }
            let (new, got) = if cur >= ONE && st.senders.is_empty() {
                (cur - ONE, true)
            } else {
                (cur | WAITERS, false)
            };
            match self
                .cap
                .compare_exchange(cur, new, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) if got => return Poll::Ready(Ok(self.finish_locked(st, with_slot))),
                Ok(_) => break,
                Err(actual) => cur = actual,
            }
        }
        st.senders.enqueue(node, cx.waker());
        Poll::Pending
    }

    fn finish_locked<R>(
        &self,
        mut st: crate::loom::sync::MutexGuard<'_, State<T>>,
        with_slot: impl FnOnce(&Self, &mut State<T>) -> (R, Option<Waker>),
    ) -> R {
        let (out, waker) = with_slot(self, &mut st);
        drop(st);
        if let Some(w) = waker {
            w.wake();
        }
        out
    }

    /// A waiting send's drop: leaves the line and passes on a slot it was handed (rule 3
    /// of `sync`).
    pub(super) fn cancel_send(&self, mut node: Pin<&mut Node<Slot>>) {
        let mut wakers = WakeList::new();
        {
            let mut st = self.state.lock();
            let was_queued = st.senders.remove(node.as_mut());
            let handed = std::mem::take(st.senders.data(node));
            if handed == Slot::Permit {
                self.release_locked(&mut st, 1, &mut wakers);
            } else if was_queued && st.senders.is_empty() {
                self.cap.fetch_and(!WAITERS, Ordering::AcqRel);
            }
        }
        wakers.wake_all();
    }

    /// One poll of `Sender::closed`.
    pub(super) fn poll_closed(&self, node: Pin<&mut Node<()>>, cx: &mut Context<'_>) -> Poll<()> {
        if self.is_closed() {
            return Poll::Ready(());
        }
        let mut st = self.state.lock();
        if st.rx_closed {
            return Poll::Ready(());
        }
        st.closed_waiters.enqueue(node, cx.waker());
        Poll::Pending
    }

    /// A `Sender::closed` future's drop.
    pub(super) fn cancel_closed(&self, node: Pin<&mut Node<()>>) {
        self.state.lock().closed_waiters.remove(node);
    }

    // ----- the receiver -----

    /// Closes the channel for senders; with `drop_buffer` (the receiver's drop) also
    /// takes the buffered messages out, to be dropped outside the lock.
    fn close(&self, drop_buffer: bool) -> VecDeque<T> {
        self.cap.fetch_or(CLOSED, Ordering::AcqRel);
        let mut wakers = WakeList::new();
        let buffer = {
            let mut st = self.state.lock();
            st.rx_closed = true;
            st.senders.drain_with(|s| *s = Slot::Closed, &mut wakers);
            self.cap.fetch_and(!WAITERS, Ordering::AcqRel);
            st.closed_waiters.drain_with(|_| {}, &mut wakers);
            if drop_buffer {
                std::mem::take(&mut st.queue)
            } else {
                VecDeque::new()
            }
        };
        wakers.wake_all();
        buffer
    }
}

/// The receiver's side: the channel and its local batch.
pub(super) struct Rx<T> {
    chan: crate::loom::sync::Arc<Chan<T>>,
    /// Messages taken from the shared buffer in one swap, drained without the lock.
    local: VecDeque<T>,
}

impl<T> Rx<T> {
    pub(super) fn new(chan: crate::loom::sync::Arc<Chan<T>>) -> Rx<T> {
        Rx {
            chan,
            local: VecDeque::new(),
        }
    }

    /// The next message of the local batch, its slot given back.
    fn pop_local(&mut self) -> Option<T> {
        let v = self.local.pop_front()?;
        if self.chan.bound != 0 {
            self.chan.release(1);
        }
        Some(v)
    }

    /// Refills the local batch; `Err(true)`: nothing and nothing will come; `Err(false)`:
    /// nothing yet, `waker` registered if given.
    fn refill(&mut self, waker: Option<&Waker>) -> Result<(), bool> {
        let mut st = self.chan.state.lock();
        if !st.queue.is_empty() {
            std::mem::swap(&mut st.queue, &mut self.local);
            return Ok(());
        }
        if st.rx_closed || st.tx_closed {
            return Err(true);
        }
        if let Some(w) = waker {
            match &st.rx_waker {
                Some(old) if old.will_wake(w) => {}
                _ => st.rx_waker = Some(w.clone()),
            }
        }
        Err(false)
    }

    pub(super) async fn recv(&mut self) -> Option<T> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    pub(super) fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let coop = std::task::ready!(coop::poll_proceed(cx));
        if self.local.is_empty() {
            match self.refill(Some(cx.waker())) {
                Ok(()) => {}
                Err(true) => {
                    coop.made_progress();
                    return Poll::Ready(None);
                }
                Err(false) => return Poll::Pending,
            }
        }
        coop.made_progress();
        Poll::Ready(self.pop_local())
    }

    pub(super) fn try_recv(&mut self) -> Result<T, TryRecvError> {
        if self.local.is_empty() {
            self.refill(None).map_err(|closed| {
                if closed {
                    TryRecvError::Disconnected
                } else {
                    TryRecvError::Empty
                }
            })?;
        }
        Ok(self.pop_local().expect("refilled"))
    }

    pub(super) fn close(&mut self) {
        drop(self.chan.close(false));
    }

    /// Whether the channel is closed for the receiver's side (every sender gone, or
    /// closed).
    pub(super) fn is_closed(&self) -> bool {
        let st = self.chan.state.lock();
        st.rx_closed || st.tx_closed
    }

    /// Messages buffered now.
    pub(super) fn len(&self) -> usize {
        self.local.len() + self.chan.state.lock().queue.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T> Drop for Rx<T> {
    fn drop(&mut self) {
        // The buffered messages drop here, outside the lock.
        drop(self.chan.close(true));
    }
}
