//! [`Notify`]: wake one task or all of them, with no data (tokio's `sync::Notify`).
//!
//! # State word
//!
//! `state` packs two things:
//!
//! - bits 0-1: `EMPTY` (nobody waits, no permit), `WAITING` (the wait list is not empty),
//!   `NOTIFIED` (one stored permit, nobody waits);
//! - the rest: the **generation**, how many times `notify_waiters` ran. A [`Notified`]
//!   records it when it is created, and counts as woken once it changed: that is how
//!   `notify_waiters` reaches futures that exist but were never polled.
//!
//! Rules (rule numbers of `sync`'s module docs in brackets):
//!
//! 1. `EMPTY <-> NOTIFIED` may change without the lock (`notify_one` storing a permit, a
//!    `Notified` consuming it), by compare-and-swap: the lock-free fast paths.
//! 2. Every change into or out of `WAITING`, and every generation change, happens under
//!    the wait list's lock, and `WAITING` holds exactly while the list is not empty. So a
//!    holder of the lock who reads `WAITING` can pop a waiter without racing anyone, and a
//!    waiter that enqueues under the lock sees every earlier `notify_waiters` [1].
//! 3. A waiter popped by `notify_one` is handed `One`, one by `notify_waiters` `All`
//!    [2]; a dropped waiter that was handed `One` and never saw it hands it on to the next
//!    waiter, or stores it as the permit [3].
use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::Mutex;
use crate::sync::wait_list::{Node, WaitList, WakeList};
use crate::task::coop;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

const EMPTY: usize = 0;
const WAITING: usize = 1;
const NOTIFIED: usize = 2;
const STATE_MASK: usize = 0b11;
const GEN_ONE: usize = 1 << 2;

fn get_state(word: usize) -> usize {
    word & STATE_MASK
}

fn set_state(word: usize, state: usize) -> usize {
    (word & !STATE_MASK) | state
}

fn generation(word: usize) -> usize {
    word & !STATE_MASK
}

/// What a queued waiter was handed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// Nothing yet.
    #[default]
    Waiting,
    /// A `notify_one` permit: passed on if the waiter is dropped without seeing it.
    One,
    /// A `notify_waiters` wakeup: meant for this waiter only.
    All,
}

/// Wakes tasks waiting for an event that carries no data.
///
/// A `Notify` is a permit of at most one plus a FIFO line of waiters:
///
/// - [`notify_one`](Self::notify_one) wakes the first waiter in line, or, when nobody
///   waits, stores one permit that the next [`notified().await`](Self::notified) consumes
///   at once (a second call while a permit is stored changes nothing);
/// - [`notify_waiters`](Self::notify_waiters) wakes every waiter that exists at the call,
///   including [`Notified`] futures created before it that have not been polled yet, and
///   stores no permit.
///
/// `notify_one` with nobody waiting takes no lock (one compare-and-swap), so a `Notify`
/// works well as a doorbell from other threads, callbacks or `Drop` impls. To broadcast a
/// state ("shut down") rather than an event, use [`watch`](crate::sync::watch), which keeps
/// the latest value for late comers.
///
/// ```
/// use runtime::sync::Notify;
/// use std::sync::Arc;
///
/// runtime::run(async {
///     let notify = Arc::new(Notify::new());
///     let waiter = {
///         let notify = notify.clone();
///         runtime::spawn(async move {
///             notify.notified().await;
///             "woken"
///         })
///     };
///     notify.notify_one();
///     assert_eq!(waiter.await.unwrap(), "woken");
/// });
/// ```
pub struct Notify {
    state: AtomicUsize,
    waiters: Mutex<WaitList<Slot>>,
}

impl Notify {
    /// A `Notify` with no stored permit and nobody waiting.
    ///
    /// ```
    /// let notify = runtime::sync::Notify::new();
    /// notify.notify_one(); // stores the permit
    /// ```
    pub fn new() -> Notify {
        Notify {
            state: AtomicUsize::new(EMPTY),
            waiters: Mutex::new(WaitList::new()),
        }
    }

    /// [`new`](Self::new) usable in a `static`.
    ///
    /// ```
    /// use runtime::sync::Notify;
    ///
    /// static DOORBELL: Notify = Notify::const_new();
    ///
    /// runtime::run(async {
    ///     DOORBELL.notify_one();
    ///     DOORBELL.notified().await;
    /// });
    /// ```
    #[cfg(not(runtime_loom))]
    pub const fn const_new() -> Notify {
        Notify {
            state: AtomicUsize::new(EMPTY),
            waiters: Mutex::new(WaitList::new()),
        }
    }

    /// A future that completes when this `Notify` is notified: by a `notify_one` (now, or
    /// one whose permit is stored), or by a `notify_waiters` called after this call.
    ///
    /// The future records the `notify_waiters` count when it is created, so a
    /// `notify_waiters` between `notified()` and the first poll is not missed. It joins the
    /// line of `notify_one` waiters when first polled, or at
    /// [`Notified::enable`].
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: dropping the future leaves the line; a `notify_one` permit it was
    /// handed but never returned goes to the next waiter (or is stored), so no wakeup is
    /// lost.
    ///
    /// ```
    /// use runtime::sync::Notify;
    ///
    /// runtime::run(async {
    ///     let notify = Notify::new();
    ///     let notified = notify.notified();
    ///     notify.notify_waiters(); // reaches `notified`, created before the call
    ///     notified.await;
    /// });
    /// ```
    pub fn notified(&self) -> Notified<'_> {
        let word = self.state.load(SeqCst);
        Notified {
            notify: self,
            state: NotifiedState::Init,
            generation: generation(word),
            node: Node::new(Slot::Waiting),
        }
    }

    /// Wakes the first task in line; with nobody waiting, stores a permit for the next
    /// `notified().await` instead (at most one is stored).
    ///
    /// Never blocks on other tasks and needs no runtime: call it from any thread.
    ///
    /// ```
    /// use runtime::sync::Notify;
    ///
    /// runtime::run(async {
    ///     let notify = Notify::new();
    ///     notify.notify_one();
    ///     notify.notify_one(); // still one permit
    ///     notify.notified().await; // completes at once
    /// });
    /// ```
    pub fn notify_one(&self) {
        let mut word = self.state.load(SeqCst);
        // Rule 1: store the permit without the lock while nobody waits.
        while get_state(word) != WAITING {
            match self
                .state
                .compare_exchange(word, set_state(word, NOTIFIED), SeqCst, SeqCst)
            {
                Ok(_) => return,
                Err(actual) => word = actual,
            }
        }
        let waker = {
            let mut waiters = self.waiters.lock();
            self.notify_locked(&mut waiters)
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Hands one `notify_one` to the first waiter, or stores the permit; returns the
    /// waker to call once the lock is released. Called with the lock held.
    fn notify_locked(&self, waiters: &mut WaitList<Slot>) -> Option<Waker> {
        let word = self.state.load(SeqCst);
        if get_state(word) == WAITING {
            // Rule 2: WAITING means the line is not empty, so this pops a waiter.
            if let Some(waker) = waiters.pop_front_with(|slot| *slot = Slot::One) {
                if waiters.is_empty() {
                    // Nobody else changes a WAITING word (rule 2).
                    self.state.store(set_state(word, EMPTY), SeqCst);
                }
                return waker;
            }
        }
        // The line is empty: store the permit. Only rule 1's swaps can race us here.
        let _ = self
            .state
            .fetch_update(SeqCst, SeqCst, |w| Some(set_state(w, NOTIFIED)));
        None
    }

    /// Wakes every task waiting at this call, including those whose [`Notified`] was
    /// created but not yet polled. Stores no permit: a `notified()` created after this call
    /// waits for the next notification.
    ///
    /// ```
    /// use runtime::sync::Notify;
    ///
    /// runtime::run(async {
    ///     let notify = Notify::new();
    ///     let first = notify.notified();
    ///     let second = notify.notified();
    ///     // Neither was polled yet; both were created before the call, so both are woken.
    ///     notify.notify_waiters();
    ///     first.await;
    ///     second.await;
    ///     // No permit was stored: a `notified()` created now waits for the next call.
    ///     let mut late = std::pin::pin!(notify.notified());
    ///     assert!(!late.as_mut().enable());
    /// });
    /// ```
    pub fn notify_waiters(&self) {
        let mut wakers = WakeList::new();
        {
            let mut waiters = self.waiters.lock();
            let word = self.state.load(SeqCst);
            // Rule 2: a new generation under the lock. A stored permit stays (an
            // `EMPTY <-> NOTIFIED` swap may race us, hence the update loop).
            let _ = self.state.fetch_update(SeqCst, SeqCst, |w| {
                let next = generation(w).wrapping_add(GEN_ONE);
                Some(match get_state(w) {
                    WAITING => next | EMPTY,
                    s => next | s,
                })
            });
            if get_state(word) == WAITING {
                waiters.drain_with(|slot| *slot = Slot::All, &mut wakers);
            }
        }
        wakers.wake_all();
    }
}

impl Default for Notify {
    fn default() -> Notify {
        Notify::new()
    }
}

impl fmt::Debug for Notify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = self.state.load(SeqCst);
        f.debug_struct("Notify")
            .field("permit", &(get_state(word) == NOTIFIED))
            .field("waiting", &(get_state(word) == WAITING))
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NotifiedState {
    /// Not in line yet.
    Init,
    /// In line (or popped and handed a slot not yet read).
    Waiting,
    /// Notified; returned or about to return `Ready`.
    Done,
}

pin_project_lite::pin_project! {
    /// The future of [`Notify::notified`]: completes once notified.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: dropped after a `notify_one` picked it but before it returned
    /// `Ready`, it passes the notification on to the next waiter, or stores it as the
    /// permit.
    ///
    /// ```
    /// use runtime::sync::{Notified, Notify};
    ///
    /// runtime::run(async {
    ///     let notify = Notify::new();
    ///     let notified: Notified<'_> = notify.notified();
    ///     notify.notify_one(); // picks nobody yet: stored as the permit
    ///     notified.await;
    /// });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Notified<'a> {
        notify: &'a Notify,
        state: NotifiedState,
        generation: usize,
        #[pin]
        node: Node<Slot>,
    }

    impl PinnedDrop for Notified<'_> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if *this.state != NotifiedState::Waiting || !this.node.was_enqueued() {
                return;
            }
            let notify = *this.notify;
            let mut node = this.node;
            let waker = {
                let mut waiters = notify.waiters.lock();
                let queued = waiters.remove(node.as_mut());
                let handed = std::mem::take(waiters.data(node.as_mut()));
                if queued {
                    if waiters.is_empty() {
                        let word = notify.state.load(SeqCst);
                        if get_state(word) == WAITING {
                            notify.state.store(set_state(word, EMPTY), SeqCst);
                        }
                    }
                    None
                } else if handed == Slot::One {
                    // Rule 3: the notification was ours and nobody saw it: pass it on.
                    notify.notify_locked(&mut waiters)
                } else {
                    None
                }
            };
            if let Some(w) = waker {
                w.wake();
            }
        }
    }
}

impl Notified<'_> {
    /// Joins the line of waiters without polling, so that a `notify_one` from now on
    /// picks this future (in FIFO order) even if it is only awaited later. Returns `true`
    /// when the future is already notified (its `.await` completes at once).
    ///
    /// Whether or not it is enabled, a `Notified` sees every `notify_waiters` called after
    /// its creation.
    ///
    /// ```
    /// use runtime::sync::Notify;
    /// use std::pin::pin;
    ///
    /// runtime::run(async {
    ///     let notify = Notify::new();
    ///     let mut first = pin!(notify.notified());
    ///     assert!(!first.as_mut().enable()); // in line now
    ///     notify.notify_one(); // picks `first`, stores no permit
    ///     first.await;
    /// });
    /// ```
    pub fn enable(self: Pin<&mut Self>) -> bool {
        self.poll_notified(None).is_ready()
    }

    /// Polls without spending budget: `waker` is `None` to enable only (the node queues
    /// with a no-op waker, which a later poll replaces).
    pub(crate) fn poll_notified(self: Pin<&mut Self>, waker: Option<&Waker>) -> Poll<()> {
        let this = self.project();
        let notify = *this.notify;
        let mut node = this.node;
        match *this.state {
            NotifiedState::Done => return Poll::Ready(()),
            NotifiedState::Waiting => {
                let mut waiters = notify.waiters.lock();
                if *waiters.data(node.as_mut()) != Slot::Waiting {
                    *waiters.data(node.as_mut()) = Slot::Waiting;
                    *this.state = NotifiedState::Done;
                    return Poll::Ready(());
                }
                if let Some(w) = waker {
                    // Queued (rule 3: an unqueued waiting node was handed a slot).
                    waiters.enqueue(node, w);
                }
                return Poll::Pending;
            }
            NotifiedState::Init => {}
        }
        let mut word = notify.state.load(SeqCst);
        // Fast path (rule 1): a new generation, or a stored permit, without the lock.
        loop {
            if generation(word) != *this.generation {
                *this.state = NotifiedState::Done;
                return Poll::Ready(());
            }
            if get_state(word) != NOTIFIED {
                break;
            }
            match notify
                .state
                .compare_exchange(word, set_state(word, EMPTY), SeqCst, SeqCst)
            {
                Ok(_) => {
                    *this.state = NotifiedState::Done;
                    return Poll::Ready(());
                }
                Err(actual) => word = actual,
            }
        }
        let mut waiters = notify.waiters.lock();
        let mut word = notify.state.load(SeqCst);
        loop {
            // Rule 2: generations change under the lock, so this check is final.
            if generation(word) != *this.generation {
                *this.state = NotifiedState::Done;
                return Poll::Ready(());
            }
            let next = match get_state(word) {
                WAITING => break,
                EMPTY => set_state(word, WAITING),
                _ => set_state(word, EMPTY),
            };
            match notify.state.compare_exchange(word, next, SeqCst, SeqCst) {
                Ok(_) if get_state(word) == NOTIFIED => {
                    *this.state = NotifiedState::Done;
                    return Poll::Ready(());
                }
                Ok(_) => break,
                Err(actual) => word = actual,
            }
        }
        waiters.enqueue(node, waker.unwrap_or(Waker::noop()));
        *this.state = NotifiedState::Waiting;
        Poll::Pending
    }
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let coop = std::task::ready!(coop::poll_proceed(cx));
        let ready = self.poll_notified(Some(cx.waker()));
        if ready.is_ready() {
            coop.made_progress();
        }
        ready
    }
}

impl fmt::Debug for Notified<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notified")
            .field("state", &self.state)
            .finish()
    }
}
