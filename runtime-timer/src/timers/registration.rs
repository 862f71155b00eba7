//! [`Registration`]: one timer in a [`Timers`](super::Timers) shard, as `Sleep` holds it: its
//! poll, its reset (lazy when later, rule L1 in `entry`) and its cancel.

use super::{Fire, Shard, ShutdownError, SPARE};
use crate::entry::state::Status;
use crate::entry::Shared;
use crate::error;
use crate::instant::Instant;
use crate::loom::sync::Arc;
use crate::wheel::Key;
use std::fmt;
use std::task::{Context, Poll};

/// One timer in a [`Timers`](super::Timers) shard, owned by the future that waits for it.
///
/// Polling it takes no lock; resetting it to a later deadline takes none either
/// while it is pending (the driver files it again when the old deadline comes),
/// and otherwise moves it in its wheel (O(1), one lock of its shard); dropping
/// it cancels it (one lock of its shard, none once it fired). It may be polled,
/// reset and dropped on any thread, not only the worker that registered it; it
/// stays in the shard it was registered in.
///
/// ```
/// use runtime_timer::{Instant, Timers};
/// use std::time::Duration;
///
/// let start = Instant::now();
/// let timers = Timers::new(start, 4, |_| {});
/// let mut timeout = timers.register(2, start + Duration::from_secs(30));
/// timeout.reset(start + Duration::from_secs(60)); // pushed back, same key
/// assert_eq!(timeout.deadline(), start + Duration::from_secs(60));
/// assert_eq!(timers.process(start + Duration::from_secs(30)), 0);
/// drop(timeout); // the guarded work finished first: cancelled
/// assert_eq!(timers.next_deadline(), None);
/// ```
#[must_use = "dropping a Registration cancels the timer"]
pub struct Registration {
    pub(super) shard: Arc<Shard>,
    /// `None` only once `drop` gave it to the shard's spares.
    pub(super) entry: Option<Arc<Shared>>,
    /// The wheel key of the current epoch's copy; `None` once shut down.
    pub(super) key: Option<Key>,
    pub(super) epoch: u64,
    pub(super) deadline: Instant,
    /// `deadline` in ns since the shard's start: what the entry's deadline word
    /// holds (L1), and the wheel's filed deadline or later.
    pub(super) when: u64,
}

impl Registration {
    fn entry(&self) -> &Arc<Shared> {
        self.entry
            .as_ref()
            .expect(error::REGISTRATION_WITHOUT_ENTRY)
    }

    /// The instant the timer fires at.
    #[must_use]
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// `true` once the timer fired (for its current deadline).
    #[must_use]
    pub fn is_elapsed(&self) -> bool {
        self.entry().state().load().status() == Status::Fired
    }

    /// `true` once [`poll_elapsed`](Self::poll_elapsed) would return `Ready`:
    /// the timer fired, or its runtime shut down.
    pub(crate) fn is_done(&self) -> bool {
        self.entry().state().load().status().is_done()
    }

    /// `Ready(Ok(()))` once the deadline passed and a driver fired the timer,
    /// `Ready(Err(ShutdownError))` if its runtime shut down first; otherwise
    /// stores `cx`'s waker (replacing the previous one) to be woken then.
    /// Lock-free.
    pub fn poll_elapsed(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), ShutdownError>> {
        self.entry().poll(cx).map(|status| match status {
            Status::Shutdown => Err(ShutdownError(())),
            _ => Ok(()),
        })
    }

    /// Moves the timer to `deadline`, whether it fired already or not: it is
    /// pending again until then. A pending timer moved later takes no lock: it
    /// stays filed at its old deadline, where the driver files it again (rule
    /// L1 in `entry`). Otherwise O(1) under its shard's lock; a fire of the old
    /// deadline still in flight on another thread is ignored (at most one
    /// spurious wake).
    pub fn reset(&mut self, deadline: Instant) {
        let ns = self.shard.ns(deadline);
        let later = ns >= self.when;
        self.deadline = deadline;
        self.when = ns;
        if later && self.key.is_some() && self.entry().extend_deadline(ns, self.epoch) {
            return;
        }
        self.reset_locked(ns);
    }

    /// [`reset`](Self::reset) under the shard lock, to `ns` (E2).
    fn reset_locked(&mut self, ns: u64) {
        let mut inner = self.shard.inner.lock();
        if inner.closed {
            self.epoch = self
                .entry()
                .state()
                .transition_to_next_epoch(self.epoch, Status::Shutdown);
            self.key = None;
            return;
        }
        self.entry().set_deadline(ns);
        if ns <= inner.wheel.now() {
            // The wheel went past the new deadline already: fired now (E4 holds:
            // the wheel no longer holds this epoch's copy once it is removed).
            let removed = self
                .key
                .take()
                .and_then(|key| self.shard.remove(&mut inner.wheel, key));
            self.epoch = self
                .entry()
                .state()
                .transition_to_next_epoch(self.epoch, Status::Fired);
            drop(inner);
            drop(removed);
            return;
        }
        // E2: if the wheel still holds this epoch's copy, move it; otherwise it
        // was popped (fired, or firing on another thread): start a new epoch.
        if !self.key.is_some_and(|key| inner.wheel.reset(key, ns)) {
            self.epoch = self
                .entry()
                .state()
                .transition_to_next_epoch(self.epoch, Status::Pending);
            let fire = Fire {
                entry: self.entry().clone(),
                epoch: self.epoch,
            };
            self.key = Some(inner.wheel.insert(ns, fire));
        }
        // The shard's published next deadline only needs to stay a lower bound: a
        // timer pushed back leaves it as is, and a driver that wakes for it then
        // finds nothing due and publishes the exact value.
        let earlier = self.shard.lower_next(ns);
        drop(inner);
        self.shard.notify(earlier);
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let Some(key) = self.key else { return };
        if self.entry().state().load().status().is_done() {
            return; // E4: the wheel no longer holds it
        }
        let recycled = {
            let mut inner = self.shard.inner.lock();
            let removed = self.shard.remove(&mut inner.wheel, key);
            // Not the last reference (this one lives): only a decrement.
            removed.and_then(|fire| {
                drop(fire);
                recycle(&mut self.entry, &mut inner.spare)
            })
        };
        // Its old waker, released unlocked: a waker's drop is foreign code.
        drop(recycled);
    }
}

/// In `Registration::drop`, under the shard lock, once the wheel's copy is
/// gone: gives the entry to the shard's spares, as new, if nothing else
/// references it (a driver may still hold a popped copy of an older epoch) and
/// there is room. Returns its old contents (its waker) to drop after the lock.
fn recycle(entry: &mut Option<Arc<Shared>>, spare: &mut Vec<Arc<Shared>>) -> Option<Shared> {
    if spare.len() >= SPARE {
        return None;
    }
    let mut taken = entry.take()?;
    let Some(shared) = Arc::get_mut(&mut taken) else {
        *entry = Some(taken);
        return None;
    };
    let old = std::mem::replace(shared, Shared::new(Status::Pending, 0));
    spare.push(taken);
    Some(old)
}

impl fmt::Debug for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registration")
            .field("deadline", &self.deadline)
            .field("state", &self.entry().state().load())
            .finish_non_exhaustive()
    }
}
