//! `ScheduledIo`: the per-source state the driver and the tasks share.
//!
//! # The readiness word
//!
//! One `AtomicUsize` holds, from the low bits up: the source's [`Ready`] set (bits 0-5),
//! the [`SHUTDOWN`] bit (6), and a tick (bits 8 and up) that counts the driver events
//! delivered to this source. Two ideas from tokio's `ScheduledIo` and async-io's
//! `Source` ticks, in one shape of our own:
//!
//! 1. **Set bumps the tick.** The driver ORs an event's readiness into the word and bumps
//!    the tick in one read-modify-write ([`ScheduledIo::set_readiness`]); a source's
//!    tick counts its own events, so it does not depend on how the driver numbers turns.
//! 2. **Clear only what was seen.** A task reads the word ([`ScheduledIo::readiness`],
//!    a [`ReadyEvent`] carrying the tick), does its I/O, and on `WouldBlock` calls
//!    [`ScheduledIo::clear_readiness`] with that event: it clears the bits only if the
//!    tick is unchanged. An event that arrived in between bumped the tick, so its
//!    readiness stays set and the task's next wait returns at once: edge-triggered
//!    readiness is never lost (`loom_io_clear_after_would_block_vs_event`). The closed
//!    bits are never cleared: after a hang-up no further edge will come.
//! 3. **Shutdown is sticky.** [`ScheduledIo::shutdown`] sets `SHUTDOWN` and wakes every
//!    waiter; every later wait returns the shutdown error at once.
//!
//! # Waiters
//!
//! Any number of tasks may wait on one source. Each waiting future ([`Readiness`])
//! embeds a `sync::wait_list` node recording its [`Interest`]; read-side waiters
//! (readable, priority) queue on one list and writable ones on another, both under one
//! mutex. The rule that makes a wakeup impossible to lose is `sync`'s rule 1: a waiter
//! re-reads the word and enqueues in one critical section, and the driver changes the
//! word *before* it takes the lock to wake ([`ScheduledIo::wake`]); so either the waiter
//! sees the new readiness or the driver sees the waiter
//! (`loom_io_waker_registration_vs_event`). A wake pops only the waiters whose interest
//! the readiness matches, every one of them (readiness is a broadcast, not a permit), and
//! calls their wakers after releasing the lock.
use super::ready::{Interest, Ready};
use crate::loom::sync::atomic::{AtomicUsize, Ordering::AcqRel, Ordering::Acquire};
use crate::loom::sync::Mutex;
use crate::sync::wait_list::{Node, WaitList, WakeList};
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

/// The runtime shut down; every wait fails from then on.
const SHUTDOWN: usize = 1 << 6;
/// Where the tick starts in the word.
const TICK_SHIFT: u32 = 8;
/// The largest tick; it wraps to 0 after it (a stale event would need 2^56 events in
/// between to be mistaken for a current one).
const TICK_MAX: usize = usize::MAX >> TICK_SHIFT;

/// Per-source readiness and waiters; see the module docs.
pub(crate) struct ScheduledIo {
    readiness: AtomicUsize,
    waiters: Mutex<Waiters>,
}

#[derive(Default)]
struct Waiters {
    /// Waiters whose interest includes reading or priority.
    reader: WaitList<Interest>,
    /// Waiters for writability only.
    writer: WaitList<Interest>,
    /// The waker of [`ScheduledIo::poll_ready`] for reading: one per direction, for the
    /// `poll_*` style (`AsyncRead`), where a future cannot hold a pinned node.
    read_slot: Option<Waker>,
    /// The same, for writing.
    write_slot: Option<Waker>,
}

impl Waiters {
    fn list(&mut self, interest: Interest) -> &mut WaitList<Interest> {
        if interest.is_readable() || interest.is_priority() {
            &mut self.reader
        } else {
            &mut self.writer
        }
    }
}

/// A snapshot of a source's readiness for one interest, with the tick it was read at.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct ReadyEvent {
    /// The readiness bits that match the interest asked for.
    pub(crate) ready: Ready,
    tick: usize,
    shutdown: bool,
}

impl ReadyEvent {
    fn from_word(word: usize, interest: Interest) -> ReadyEvent {
        ReadyEvent {
            ready: Ready::from_usize(word) & interest.mask(),
            tick: word >> TICK_SHIFT,
            shutdown: word & SHUTDOWN != 0,
        }
    }
}

/// The error every I/O wait returns once the runtime has shut down.
pub(crate) fn shutdown_error() -> io::Error {
    io::Error::other(crate::error::IO_DRIVER_SHUTDOWN)
}

impl ScheduledIo {
    /// A source with no readiness and no waiters.
    pub(crate) fn new() -> ScheduledIo {
        ScheduledIo {
            readiness: AtomicUsize::new(0),
            waiters: Mutex::new(Waiters::default()),
        }
    }

    /// The driver's side: replaces the readiness by `f(readiness)` and bumps the tick
    /// (rule 1); returns the new readiness. Wake the waiters with [`wake`](Self::wake)
    /// afterwards, never before.
    pub(crate) fn set_readiness(&self, f: impl Fn(Ready) -> Ready) -> Ready {
        let mut new = Ready::EMPTY;
        // The closure never returns `None`, so this cannot fail.
        let _ = self.readiness.fetch_update(AcqRel, Acquire, |word| {
            let tick = ((word >> TICK_SHIFT) + 1) & TICK_MAX;
            new = f(Ready::from_usize(word));
            Some((tick << TICK_SHIFT) | (word & SHUTDOWN) | new.as_usize())
        });
        new
    }

    /// The readiness for `interest` now, with its tick.
    pub(crate) fn readiness(&self, interest: Interest) -> ReadyEvent {
        ReadyEvent::from_word(self.readiness.load(Acquire), interest)
    }

    /// The task's side, after an operation returned `WouldBlock`: clears `event`'s bits
    /// (but the closed ones) if no driver event arrived since it was read (rule 2).
    pub(crate) fn clear_readiness(&self, event: ReadyEvent) {
        let clear = event.ready - Ready::READ_CLOSED - Ready::WRITE_CLOSED;
        if clear.is_empty() {
            return;
        }
        let _ = self.readiness.fetch_update(AcqRel, Acquire, |word| {
            (word >> TICK_SHIFT == event.tick).then_some(word & !clear.as_usize())
        });
    }

    /// Wakes every waiter whose interest `ready` matches; call it after
    /// [`set_readiness`](Self::set_readiness).
    pub(crate) fn wake(&self, ready: Ready) {
        let matches = |interest: &Interest| interest.mask().intersects(ready);
        // The `poll_*` users (every stream's `AsyncRead`/`AsyncWrite`, hyper's I/O)
        // wait in the two slots only: their wake needs no list of wakers.
        let (mut listed, mut read_waker, mut write_waker) = (None, None, None);
        {
            let mut waiters = self.waiters.lock();
            if !waiters.reader.is_empty() || !waiters.writer.is_empty() {
                let mut wakers = WakeList::new();
                waiters
                    .reader
                    .drain_matching_with(matches, |_| {}, &mut wakers);
                waiters
                    .writer
                    .drain_matching_with(matches, |_| {}, &mut wakers);
                listed = Some(wakers);
            }
            if matches(&Interest::READABLE) {
                read_waker = waiters.read_slot.take();
            }
            if matches(&Interest::WRITABLE) {
                write_waker = waiters.write_slot.take();
            }
        }
        if let Some(wakers) = listed {
            wakers.wake_all();
        }
        for waker in [read_waker, write_waker].into_iter().flatten() {
            waker.wake();
        }
    }

    /// Marks the source shut down and wakes every waiter (rule 3).
    pub(crate) fn shutdown(&self) {
        self.readiness.fetch_or(SHUTDOWN, AcqRel);
        self.wake(Ready::ALL);
    }

    /// Whether [`shutdown`](Self::shutdown) was called.
    pub(crate) fn is_shutdown(&self) -> bool {
        self.readiness.load(Acquire) & SHUTDOWN != 0
    }

    /// Waits until the source is ready for `interest` (some of it), or the runtime shuts
    /// down. Spends one unit of the cooperative budget when it completes.
    pub(crate) fn ready(&self, interest: Interest) -> Readiness<'_> {
        Readiness {
            io: self,
            interest,
            node: Node::new(interest),
        }
    }

    /// The `poll_*` form of [`ready`](Self::ready) for one direction (`READABLE` or
    /// `WRITABLE`): one waker per direction is kept, the last one given, so one task at a
    /// time may poll each direction this way (any number may await [`ready`]).
    pub(crate) fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        interest: Interest,
    ) -> Poll<io::Result<ReadyEvent>> {
        let coop = ready!(crate::task::coop::poll_proceed(cx));
        if let Some(out) = ScheduledIo::outcome(self.readiness(interest)) {
            coop.made_progress();
            return Poll::Ready(out);
        }
        let mut waiters = self.waiters.lock();
        // Rule 1 of `sync`, as in `Readiness::poll`.
        if let Some(out) = ScheduledIo::outcome(self.readiness(interest)) {
            drop(waiters);
            coop.made_progress();
            return Poll::Ready(out);
        }
        let slot = if interest.is_readable() {
            &mut waiters.read_slot
        } else {
            &mut waiters.write_slot
        };
        match slot {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    /// Queued waiters, both directions.
    #[cfg(test)]
    pub(crate) fn num_waiters(&self) -> usize {
        let waiters = self.waiters.lock();
        waiters.reader.len() + waiters.writer.len()
    }

    /// The outcome of a wait for `interest` when the word is `event`, if it is final.
    fn outcome(event: ReadyEvent) -> Option<io::Result<ReadyEvent>> {
        if event.shutdown {
            Some(Err(shutdown_error()))
        } else if !event.ready.is_empty() {
            Some(Ok(event))
        } else {
            None
        }
    }
}

impl Default for ScheduledIo {
    fn default() -> Self {
        ScheduledIo::new()
    }
}

impl fmt::Debug for ScheduledIo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = self.readiness.load(Acquire);
        f.debug_struct("ScheduledIo")
            .field("ready", &Ready::from_usize(word))
            .field("tick", &(word >> TICK_SHIFT))
            .field("shutdown", &(word & SHUTDOWN != 0))
            .finish()
    }
}

pin_project_lite::pin_project! {
    /// The future of [`ScheduledIo::ready`]; its wait-list node is pinned with it.
    pub(crate) struct Readiness<'a> {
        io: &'a ScheduledIo,
        interest: Interest,
        #[pin]
        node: Node<Interest>,
    }

    impl PinnedDrop for Readiness<'_> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if this.node.was_enqueued() {
                this.io.waiters.lock().list(*this.interest).remove(this.node);
            }
        }
    }
}

impl Future for Readiness<'_> {
    type Output = io::Result<ReadyEvent>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let (io, interest) = (*this.io, *this.interest);
        let coop = ready!(crate::task::coop::poll_proceed(cx));
        if let Some(out) = ScheduledIo::outcome(io.readiness(interest)) {
            coop.made_progress();
            return Poll::Ready(out);
        }
        let mut waiters = io.waiters.lock();
        // Rule 1 of `sync`: re-read under the lock the driver wakes under.
        if let Some(out) = ScheduledIo::outcome(io.readiness(interest)) {
            drop(waiters);
            coop.made_progress();
            return Poll::Ready(out);
        }
        waiters.list(interest).enqueue(this.node, cx.waker());
        Poll::Pending
    }
}

impl fmt::Debug for Readiness<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Readiness")
            .field("interest", &self.interest)
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, not(runtime_loom)))]
mod tests {
    use super::*;
    use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use std::sync::Arc;
    use std::task::{Wake, Waker};

    struct Count(AtomicUsize);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, SeqCst);
        }
    }
    fn counting() -> (Arc<Count>, Waker) {
        let c = Arc::new(Count(AtomicUsize::new(0)));
        (c.clone(), Waker::from(c))
    }
    fn poll<F: Future>(f: Pin<&mut F>, w: &Waker) -> Poll<F::Output> {
        f.poll(&mut Context::from_waker(w))
    }

    #[test]
    fn a_stale_clear_keeps_the_newer_event() {
        let io = ScheduledIo::new();
        io.set_readiness(|r| r | Ready::READABLE);
        let seen = io.readiness(Interest::READABLE);
        assert!(seen.ready.is_readable());
        // An event lands between the read and the clear.
        io.set_readiness(|r| r | Ready::READABLE);
        io.clear_readiness(seen);
        assert!(io.readiness(Interest::READABLE).ready.is_readable());
        // A current clear takes effect, but never clears the closed bits.
        io.set_readiness(|r| r | Ready::READ_CLOSED);
        io.clear_readiness(io.readiness(Interest::READABLE));
        let now = io.readiness(Interest::READABLE);
        assert_eq!(now.ready, Ready::READ_CLOSED);
    }

    #[test]
    fn a_wake_reaches_only_matching_waiters_and_all_of_them() {
        let io = ScheduledIo::new();
        let (reads, rw) = counting();
        let (writes, ww) = counting();
        let mut r1 = Box::pin(io.ready(Interest::READABLE));
        let mut r2 = Box::pin(io.ready(Interest::READABLE));
        let mut w1 = Box::pin(io.ready(Interest::WRITABLE));
        assert!(poll(r1.as_mut(), &rw).is_pending());
        assert!(poll(r2.as_mut(), &rw).is_pending());
        assert!(poll(w1.as_mut(), &ww).is_pending());
        let ready = io.set_readiness(|r| r | Ready::WRITABLE);
        io.wake(ready);
        assert_eq!((reads.0.load(SeqCst), writes.0.load(SeqCst)), (0, 1));
        let ev = match poll(w1.as_mut(), &ww) {
            Poll::Ready(Ok(ev)) => ev,
            other => panic!("writable expected, got {other:?}"),
        };
        assert_eq!(ev.ready, Ready::WRITABLE);
        let ready = io.set_readiness(|r| r | Ready::READABLE);
        io.wake(ready);
        assert_eq!(reads.0.load(SeqCst), 2, "both readers are woken");
        assert!(poll(r1.as_mut(), &rw).is_ready());
        assert!(poll(r2.as_mut(), &rw).is_ready());
        assert_eq!(io.waiters.lock().reader.len(), 0);
    }

    #[test]
    fn poll_ready_keeps_one_waker_per_direction() {
        let io = ScheduledIo::new();
        let (reads, rw) = counting();
        let (writes, ww) = counting();
        let mut cx = Context::from_waker(&rw);
        assert!(io.poll_ready(&mut cx, Interest::READABLE).is_pending());
        assert!(io.poll_ready(&mut cx, Interest::READABLE).is_pending()); // same waker kept
        assert!(io
            .poll_ready(&mut Context::from_waker(&ww), Interest::WRITABLE)
            .is_pending());
        io.wake(io.set_readiness(|r| r | Ready::READABLE));
        assert_eq!((reads.0.load(SeqCst), writes.0.load(SeqCst)), (1, 0));
        match io.poll_ready(&mut cx, Interest::READABLE) {
            Poll::Ready(Ok(ev)) => assert_eq!(ev.ready, Ready::READABLE),
            other => panic!("readable expected, got {other:?}"),
        }
        io.shutdown();
        assert_eq!(writes.0.load(SeqCst), 1, "shutdown wakes the write slot");
        assert!(matches!(
            io.poll_ready(&mut cx, Interest::WRITABLE),
            Poll::Ready(Err(_))
        ));
    }

    #[test]
    fn dropping_a_queued_waiter_unlinks_it() {
        let io = ScheduledIo::new();
        let (_, w) = counting();
        let mut r = Box::pin(io.ready(Interest::READABLE));
        assert!(poll(r.as_mut(), &w).is_pending());
        assert_eq!(io.waiters.lock().reader.len(), 1);
        drop(r);
        assert_eq!(io.waiters.lock().reader.len(), 0);
    }

    #[test]
    fn shutdown_fails_pending_and_later_waits() {
        let io = ScheduledIo::new();
        let (count, w) = counting();
        let mut r = Box::pin(io.ready(Interest::READABLE));
        assert!(poll(r.as_mut(), &w).is_pending());
        io.shutdown();
        assert!(io.is_shutdown());
        assert_eq!(count.0.load(SeqCst), 1);
        let err = match poll(r.as_mut(), &w) {
            Poll::Ready(Err(e)) => e,
            other => panic!("error expected, got {other:?}"),
        };
        assert!(err.to_string().contains("shut down"));
        let mut later = Box::pin(io.ready(Interest::WRITABLE));
        assert!(matches!(poll(later.as_mut(), &w), Poll::Ready(Err(_))));
    }
}
