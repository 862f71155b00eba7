//! [`Receiver`]'s methods and `changed()`'s wait.
use super::error::RecvError;
use super::{Receiver, Ref, Shared, CLOSED, STEP};
use crate::loom::sync::atomic::Ordering::SeqCst;
use crate::loom::sync::Arc;
use crate::task::coop;
use std::fmt;
use std::future::poll_fn;
use std::pin::pin;
use std::task::Poll;

impl<T> Receiver<T> {
    /// A read lock on the latest value, without marking it seen ([`Ref::has_changed`]
    /// tells whether it was unseen).
    ///
    /// ```
    /// let (tx, rx) = runtime::sync::watch::channel(1);
    /// tx.send(2).unwrap();
    /// assert!(rx.borrow().has_changed());
    /// assert!(rx.has_changed().unwrap(), "borrow does not mark it seen");
    /// ```
    pub fn borrow(&self) -> Ref<'_, T> {
        let inner = self.shared.value.read();
        let has_changed = self.shared.version() != self.version;
        Ref { inner, has_changed }
    }

    /// A read lock on the latest value, marking it seen: `changed()` then waits for the
    /// next one.
    ///
    /// ```
    /// let (tx, mut rx) = runtime::sync::watch::channel(1);
    /// tx.send(2).unwrap();
    /// assert_eq!(*rx.borrow_and_update(), 2);
    /// assert!(!rx.has_changed().unwrap());
    /// ```
    pub fn borrow_and_update(&mut self) -> Ref<'_, T> {
        let inner = self.shared.value.read();
        let version = self.shared.version();
        let has_changed = version != self.version;
        self.version = version;
        Ref { inner, has_changed }
    }

    /// Whether a value this receiver has not seen is there; fails once the sender is
    /// dropped (as tokio's: check `borrow().has_changed()` for a last unseen value).
    ///
    /// ```
    /// let (tx, rx) = runtime::sync::watch::channel(1);
    /// assert!(!rx.has_changed().unwrap());
    /// tx.send(2).unwrap();
    /// assert!(rx.has_changed().unwrap());
    /// drop(tx);
    /// assert!(rx.has_changed().is_err());
    /// ```
    pub fn has_changed(&self) -> Result<bool, RecvError> {
        let state = self.shared.state.load(SeqCst);
        if state & CLOSED != 0 {
            return Err(RecvError(()));
        }
        Ok(state & !CLOSED != self.version)
    }

    /// Marks the current value unseen, so the next `changed()` completes at once.
    ///
    /// ```
    /// let (_tx, mut rx) = runtime::sync::watch::channel(0);
    /// rx.mark_changed();
    /// assert!(rx.has_changed().unwrap());
    /// ```
    pub fn mark_changed(&mut self) {
        self.version = self.shared.version().wrapping_sub(STEP);
    }

    /// Marks the current value seen, without borrowing it.
    ///
    /// ```
    /// let (tx, mut rx) = runtime::sync::watch::channel(0);
    /// tx.send(1).unwrap();
    /// rx.mark_unchanged();
    /// assert!(!rx.has_changed().unwrap());
    /// ```
    pub fn mark_unchanged(&mut self) {
        self.version = self.shared.version();
    }

    /// Waits for a value this receiver has not seen, and marks it seen (read it with
    /// [`borrow`](Self::borrow)). Completes at once when there is one already. Fails when
    /// the sender was dropped and every value was seen.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: dropped before it completes, it has marked nothing seen, so the next
    /// call sees the same change.
    ///
    /// ```
    /// runtime::run(async {
    ///     let (tx, mut rx) = runtime::sync::watch::channel(0);
    ///     std::thread::spawn(move || tx.send(1).unwrap());
    ///     rx.changed().await.unwrap();
    ///     assert_eq!(*rx.borrow(), 1);
    ///     // The sender is gone and the value was seen:
    ///     assert!(rx.changed().await.is_err());
    /// });
    /// ```
    pub async fn changed(&mut self) -> Result<(), RecvError> {
        changed_impl(&self.shared, &mut self.version).await
    }

    /// Waits until the value satisfies `f` (checked first on the current value, then on
    /// each new one), marks it seen and returns it locked. Fails when the sender was
    /// dropped and no value satisfies `f`.
    ///
    /// `f` runs under the read lock: keep it short.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: values it looked at are marked seen, which a later call checks again
    /// anyway.
    ///
    /// ```
    /// runtime::run(async {
    ///     let (tx, mut rx) = runtime::sync::watch::channel(0);
    ///     std::thread::spawn(move || {
    ///         for i in 1..=5 {
    ///             tx.send(i).unwrap();
    ///         }
    ///     });
    ///     assert!(*rx.wait_for(|v| *v >= 3).await.unwrap() >= 3);
    /// });
    /// ```
    pub async fn wait_for(
        &mut self,
        mut f: impl FnMut(&T) -> bool,
    ) -> Result<Ref<'_, T>, RecvError> {
        let mut closed = false;
        loop {
            {
                let inner = self.shared.value.read();
                let version = self.shared.version();
                let has_changed = version != self.version;
                self.version = version;
                if (!closed || has_changed) && f(&inner) {
                    return Ok(Ref { inner, has_changed });
                }
            }
            if closed {
                return Err(RecvError(()));
            }
            // On a scratch copy: the next round marks the new value seen itself, so the
            // returned `Ref::has_changed` says it was unseen.
            let mut seen = self.version;
            closed = changed_impl(&self.shared, &mut seen).await.is_err();
        }
    }

    /// Whether both receivers belong to the same channel.
    ///
    /// ```
    /// let (_tx, rx) = runtime::sync::watch::channel(0);
    /// assert!(rx.same_channel(&rx.clone()));
    /// ```
    pub fn same_channel(&self, other: &Receiver<T>) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

/// `changed()`: a new version, or the close, after creating the `Notified` that a later
/// change would wake (see the module docs). Spends one unit of budget when it completes.
async fn changed_impl<T>(shared: &Shared<T>, version: &mut usize) -> Result<(), RecvError> {
    let mut notified = pin!(shared.notify_rx.notified());
    poll_fn(|cx| {
        let coop = std::task::ready!(coop::poll_proceed(cx));
        loop {
            let state = shared.state.load(SeqCst);
            let current = state & !CLOSED;
            let done = if current != *version {
                *version = current;
                Some(Ok(()))
            } else if state & CLOSED != 0 {
                Some(Err(RecvError(())))
            } else {
                None
            };
            if let Some(out) = done {
                coop.made_progress();
                return Poll::Ready(out);
            }
            // Nothing new: wait for the next change (or, woken with nothing new, make a
            // fresh `Notified` and look again).
            if notified
                .as_mut()
                .poll_notified(Some(cx.waker()))
                .is_pending()
            {
                return Poll::Pending;
            }
            notified.set(shared.notify_rx.notified());
        }
    })
    .await
}

impl<T> Clone for Receiver<T> {
    /// A receiver that has seen what this one has seen.
    fn clone(&self) -> Receiver<T> {
        self.shared.receivers.fetch_add(1, SeqCst);
        Receiver {
            shared: self.shared.clone(),
            version: self.version,
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        if self.shared.receivers.fetch_sub(1, SeqCst) == 1 {
            self.shared.notify_tx.notify_waiters();
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("value", &*self.borrow())
            .field("has_changed", &self.has_changed())
            .finish()
    }
}
