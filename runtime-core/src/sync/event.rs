//! [`Event`]: asyncio's `Event`, a flag tasks wait on.
//!
//! The flag lives twice: in the lock with the wait list (the truth a waiter checks
//! before it enqueues, rule 1 of `sync`'s module docs) and in an atomic mirror written
//! only under that lock, which `is_set` and the fast paths read without locking. A set
//! drains every queued waiter and marks each `true` under the lock (rule 2), so a waiter
//! that was waiting when `set` ran returns even if `clear` runs before it is polled, as in
//! asyncio.
use crate::loom::sync::atomic::{AtomicBool, Ordering::SeqCst};
use crate::loom::sync::Mutex;
use crate::sync::wait_list::{Node, WaitList, WakeList};
use crate::task::coop;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A flag that tasks can wait for (asyncio's `Event`).
///
/// [`set`](Self::set) sets it and wakes every waiting task; [`clear`](Self::clear) resets
/// it; [`wait`](Self::wait) completes at once while it is set, else when it is next set.
/// A task that was waiting when `set` ran completes even if the flag is cleared again
/// before the task runs (asyncio's semantics); a [`wait`](Self::wait) future that was
/// never polled is not waiting yet and looks at the flag when first polled.
///
/// `set` and `clear` never block on other tasks and need no runtime: call them from any
/// thread or callback.
///
/// ```
/// use runtime::sync::Event;
/// use std::sync::Arc;
///
/// runtime::run(async {
///     let ready = Arc::new(Event::new());
///     let mut workers = Vec::new();
///     for i in 0..3 {
///         let ready = ready.clone();
///         workers.push(runtime::spawn(async move {
///             ready.wait().await;
///             i
///         }));
///     }
///     ready.set();
///     for (i, w) in workers.into_iter().enumerate() {
///         assert_eq!(w.await.unwrap(), i);
///     }
///     assert!(ready.is_set());
/// });
/// ```
pub struct Event {
    /// Mirror of `State::set`, stored only under the lock.
    flag: AtomicBool,
    state: Mutex<State>,
}

struct State {
    set: bool,
    /// `true` in a node: it was waiting when the event was set.
    waiters: WaitList<bool>,
}

impl Event {
    /// A cleared event.
    ///
    /// ```
    /// let event = runtime::sync::Event::new();
    /// assert!(!event.is_set());
    /// ```
    pub fn new() -> Event {
        Event {
            flag: AtomicBool::new(false),
            state: Mutex::new(State {
                set: false,
                waiters: WaitList::new(),
            }),
        }
    }

    /// Whether the event is set.
    ///
    /// ```
    /// let event = runtime::sync::Event::new();
    /// event.set();
    /// assert!(event.is_set());
    /// ```
    pub fn is_set(&self) -> bool {
        self.flag.load(SeqCst)
    }

    /// Sets the event and wakes every task waiting for it; later [`wait`](Self::wait)s
    /// complete at once until [`clear`](Self::clear). Setting a set event does nothing.
    ///
    /// ```
    /// use runtime::sync::Event;
    ///
    /// runtime::run(async {
    ///     let event = Event::new();
    ///     event.set();
    ///     event.wait().await; // at once
    /// });
    /// ```
    pub fn set(&self) {
        if self.flag.load(SeqCst) {
            return;
        }
        let mut wakers = WakeList::new();
        {
            let mut st = self.state.lock();
            if !st.set {
                st.set = true;
                self.flag.store(true, SeqCst);
                st.waiters.drain_with(|woken| *woken = true, &mut wakers);
            }
        }
        wakers.wake_all();
    }

    /// Clears the event: [`wait`](Self::wait)s from now on wait for the next
    /// [`set`](Self::set). Tasks already woken by a `set` still complete.
    ///
    /// ```
    /// let event = runtime::sync::Event::new();
    /// event.set();
    /// event.clear();
    /// assert!(!event.is_set());
    /// ```
    pub fn clear(&self) {
        if !self.flag.load(SeqCst) {
            return;
        }
        let mut st = self.state.lock();
        st.set = false;
        self.flag.store(false, SeqCst);
    }

    /// Waits until the event is set: completes at once when it is set now.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: waiting consumes nothing, so dropping the future takes nothing from
    /// other waiters.
    ///
    /// ```
    /// use runtime::sync::Event;
    /// use std::sync::Arc;
    ///
    /// runtime::run(async {
    ///     let event = Arc::new(Event::new());
    ///     let setter = event.clone();
    ///     std::thread::spawn(move || setter.set());
    ///     event.wait().await;
    /// });
    /// ```
    pub fn wait(&self) -> EventWait<'_> {
        EventWait {
            event: self,
            queued: false,
            node: Node::new(false),
        }
    }
}

impl Default for Event {
    fn default() -> Event {
        Event::new()
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("is_set", &self.is_set())
            .finish()
    }
}

pin_project_lite::pin_project! {
    /// The future of [`Event::wait`].
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: dropping it only takes it out of the line.
    ///
    /// ```
    /// use runtime::sync::{Event, EventWait};
    ///
    /// runtime::run(async {
    ///     let event = Event::new();
    ///     let wait: EventWait<'_> = event.wait();
    ///     event.set();
    ///     wait.await;
    /// });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct EventWait<'a> {
        event: &'a Event,
        queued: bool,
        #[pin]
        node: Node<bool>,
    }

    impl PinnedDrop for EventWait<'_> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if this.node.was_enqueued() {
                this.event.state.lock().waiters.remove(this.node);
            }
        }
    }
}

impl Future for EventWait<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let coop = std::task::ready!(coop::poll_proceed(cx));
        let this = self.project();
        if !*this.queued && this.event.flag.load(SeqCst) {
            coop.made_progress();
            return Poll::Ready(());
        }
        let mut st = this.event.state.lock();
        let mut node = this.node;
        let ready = if *this.queued {
            // Woken by a `set`, whatever the flag says now.
            *st.waiters.data(node.as_mut())
        } else {
            st.set
        };
        if ready {
            coop.made_progress();
            return Poll::Ready(());
        }
        st.waiters.enqueue(node, cx.waker());
        *this.queued = true;
        Poll::Pending
    }
}

impl fmt::Debug for EventWait<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventWait")
            .field("queued", &self.queued)
            .finish()
    }
}
