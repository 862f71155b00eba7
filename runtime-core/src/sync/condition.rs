//! [`Condition`]: asyncio's `Condition`, over this module's [`Mutex`].
//!
//! The condition owns its mutex and a [`WaitList`] of waiters. `wait` queues its node
//! *before* it releases the mutex (both in its first poll), so a notifier, which can only
//! change the data under the mutex, either changed it before the waiter checked its
//! predicate or finds the waiter queued: no notification falls in between, which is why
//! `notify` does not need the lock (asyncio's does, as a check). `notify(n)` pops up to
//! `n` waiters, marks them notified and wakes them after releasing the list's lock. A
//! waiter dropped after it was notified and before `wait` returned passes the
//! notification to the next waiter (asyncio 3.13 does the same), so cancelling a waiter
//! never loses a wakeup.
use super::mutex::{Mutex, MutexGuard};
use super::wait_list::{Node, WaitList, WakeList};
use crate::error;
use crate::loom::sync::Mutex as ListLock;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// asyncio's `Condition`: a [`Mutex`] holding a `T`, plus a line of tasks waiting for the
/// data to change.
///
/// ```
/// use runtime::sync::Condition;
/// use std::sync::Arc;
///
/// runtime::run(async {
///     let cond = Arc::new(Condition::new(Vec::new()));
///     let consumer = runtime::spawn({
///         let cond = cond.clone();
///         async move {
///             let guard = cond.lock().await; // `async with cond:`
///             let mut guard = cond.wait_for(guard, |items| !items.is_empty()).await;
///             guard.pop()
///         }
///     });
///     cond.lock().await.push(42);
///     cond.notify_all();
///     assert_eq!(consumer.await.unwrap(), Some(42));
/// });
/// ```
pub struct Condition<T> {
    mutex: Mutex<T>,
    /// Each node holds whether it was notified.
    waiters: ListLock<WaitList<bool>>,
}

impl<T> Condition<T> {
    /// A condition whose mutex holds `value`.
    ///
    /// ```
    /// let cond = runtime::sync::Condition::new(0);
    /// assert_eq!(*cond.mutex().try_lock().unwrap(), 0);
    /// ```
    pub fn new(value: T) -> Condition<T> {
        Condition {
            mutex: Mutex::new(value),
            waiters: ListLock::new(WaitList::new()),
        }
    }

    /// The underlying mutex (asyncio's `Condition(lock)` argument).
    ///
    /// ```
    /// let cond = runtime::sync::Condition::new(1);
    /// assert!(cond.mutex().try_lock().is_ok());
    /// ```
    pub fn mutex(&self) -> &Mutex<T> {
        &self.mutex
    }

    /// Locks the mutex (asyncio's `acquire()`, `async with cond:`).
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe, as [`Mutex::lock`].
    ///
    /// ```
    /// runtime::run(async {
    ///     let cond = runtime::sync::Condition::new(1);
    ///     *cond.lock().await += 1;
    ///     assert_eq!(*cond.lock().await, 2);
    /// });
    /// ```
    pub async fn lock(&self) -> MutexGuard<'_, T> {
        self.mutex.lock().await
    }

    /// Releases the lock, waits until notified, then locks again and returns the new
    /// guard (asyncio's `wait()`). Wake-ups can be spurious in effect (another task may
    /// change the data first): re-check the condition, or use
    /// [`wait_for`](Self::wait_for).
    ///
    /// Panics if `guard` belongs to another mutex.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: a waiter dropped after it was notified passes the notification to the
    /// next waiter. The guard is released by then (dropping the future never re-locks).
    ///
    /// ```
    /// use runtime::sync::Condition;
    /// use std::sync::Arc;
    ///
    /// runtime::run(async {
    ///     let cond = Arc::new(Condition::new(false));
    ///     let c = cond.clone();
    ///     let waiter = runtime::spawn(async move {
    ///         let mut ready = c.lock().await;
    ///         while !*ready {
    ///             ready = c.wait(ready).await;
    ///         }
    ///     });
    ///     *cond.lock().await = true;
    ///     cond.notify(1);
    ///     waiter.await.unwrap();
    /// });
    /// ```
    pub async fn wait<'a>(&'a self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        assert!(
            std::ptr::eq(MutexGuard::mutex(&guard), &self.mutex),
            "{}",
            error::CONDITION_FOREIGN_GUARD
        );
        Notified {
            cond: self,
            node: Node::new(false),
            guard: Some(guard),
            done: false,
        }
        .await;
        // Notified: if dropped while re-locking, the notification goes on.
        let pass_on = PassOn(self);
        let guard = self.mutex.lock().await;
        std::mem::forget(pass_on);
        guard
    }

    /// Waits until `predicate` holds on the data, checking it first and after each
    /// notification, always under the lock (asyncio's `wait_for`); returns the guard with
    /// the predicate true.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe, as [`wait`](Self::wait).
    ///
    /// ```
    /// use runtime::sync::Condition;
    /// use std::sync::Arc;
    ///
    /// runtime::run(async {
    ///     let cond = Arc::new(Condition::new(0));
    ///     let c = cond.clone();
    ///     let waiter = runtime::spawn(async move {
    ///         *c.wait_for(c.lock().await, |n| *n >= 3).await
    ///     });
    ///     for _ in 0..3 {
    ///         *cond.lock().await += 1;
    ///         cond.notify_all();
    ///         runtime::yield_now().await;
    ///     }
    ///     assert_eq!(waiter.await.unwrap(), 3);
    /// });
    /// ```
    pub async fn wait_for<'a>(
        &'a self,
        mut guard: MutexGuard<'a, T>,
        mut predicate: impl FnMut(&mut T) -> bool,
    ) -> MutexGuard<'a, T> {
        while !predicate(&mut guard) {
            guard = self.wait(guard).await;
        }
        guard
    }

    /// Wakes up to `n` tasks waiting in [`wait`](Self::wait), oldest first (asyncio's
    /// `notify(n)`). Tasks that start waiting later are not affected. Unlike asyncio, the
    /// lock need not be held (see the module docs for why nothing is lost).
    ///
    /// ```
    /// let cond = runtime::sync::Condition::new(());
    /// cond.notify(1); // nobody waits: nothing happens
    /// ```
    pub fn notify(&self, n: usize) {
        let mut wakers = WakeList::new();
        {
            let mut list = self.waiters.lock();
            for _ in 0..n {
                match list.pop_front_with(|notified| *notified = true) {
                    Some(Some(w)) => wakers.push(w),
                    Some(None) => {}
                    None => break,
                }
            }
        }
        wakers.wake_all();
    }

    /// Wakes every task waiting in [`wait`](Self::wait) (asyncio's `notify_all()`).
    ///
    /// ```
    /// let cond = runtime::sync::Condition::new(());
    /// cond.notify_all();
    /// ```
    pub fn notify_all(&self) {
        let mut wakers = WakeList::new();
        self.waiters
            .lock()
            .drain_with(|notified| *notified = true, &mut wakers);
        wakers.wake_all();
    }

    /// The data, through `&mut self`.
    ///
    /// ```
    /// let mut cond = runtime::sync::Condition::new(1);
    /// *cond.get_mut() = 2;
    /// assert_eq!(cond.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.mutex.get_mut()
    }

    /// The data, consuming the condition.
    ///
    /// ```
    /// assert_eq!(runtime::sync::Condition::new(5).into_inner(), 5);
    /// ```
    pub fn into_inner(self) -> T {
        self.mutex.into_inner()
    }
}

impl<T: Default> Default for Condition<T> {
    fn default() -> Self {
        Condition::new(T::default())
    }
}

impl<T: fmt::Debug> fmt::Debug for Condition<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condition")
            .field("mutex", &self.mutex)
            .field("waiters", &self.waiters.lock().len())
            .finish()
    }
}

/// Passes a notification on when dropped (a `wait` cancelled while re-locking).
struct PassOn<'a, T>(&'a Condition<T>);

impl<T> Drop for PassOn<'_, T> {
    fn drop(&mut self) {
        self.0.notify(1);
    }
}

pin_project_lite::pin_project! {
    /// Queues itself and releases the guard on its first poll; ready once notified.
    struct Notified<'a, T> {
        cond: &'a Condition<T>,
        #[pin]
        node: Node<bool>,
        guard: Option<MutexGuard<'a, T>>,
        // The notification was consumed by `wait`.
        done: bool,
    }

    impl<T> PinnedDrop for Notified<'_, T> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if *this.done || !this.node.was_enqueued() {
                return;
            }
            let notified = {
                let mut list = this.cond.waiters.lock();
                let mut node = this.node;
                list.remove(node.as_mut());
                *list.data(node)
            };
            if notified {
                this.cond.notify(1);
            }
        }
    }
}

impl<T> Future for Notified<'_, T> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.project();
        let mut node = this.node;
        let mut list = this.cond.waiters.lock();
        if let Some(guard) = this.guard.take() {
            // Queue first, then unlock: see the module docs.
            list.enqueue(node, cx.waker());
            drop(list);
            drop(guard);
            return Poll::Pending;
        }
        if list.is_queued(node.as_mut()) {
            list.enqueue(node, cx.waker());
            return Poll::Pending;
        }
        debug_assert!(
            *list.data(node),
            "a condition waiter left the line unnotified"
        );
        *this.done = true;
        Poll::Ready(())
    }
}
