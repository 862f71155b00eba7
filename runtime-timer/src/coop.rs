//! The cooperative budget, shared by every crate of the runtime.
//!
//! A task gets [`BUDGET`] polls of runtime resources per tick. Every leaf future that
//! can be ready on every poll (an elapsed [`Sleep`](crate::Sleep), due
//! [`Interval`](crate::Interval) ticks, a `JoinHandle` of a finished task, a channel
//! with messages, a free lock, a socket with data) calls [`poll_proceed`] before doing
//! its work. While budget is left, that spends one unit (refunded if the resource turns
//! out not to be ready); once it is spent, the resource wakes the task and returns
//! `Pending`, so the task goes back to its scheduler and every other runnable task, due
//! timer and I/O event gets its turn. That is what keeps
//! `while !flag { sleep(Duration::ZERO).await }` from starving the task that sets the flag.
//!
//! The budget is a thread-local `Cell` in this crate because this crate is the leaf that
//! every other crate of the runtime can reach (`runtime-core` wraps every task poll in
//! [`with_budget`]); reading it is a plain thread-local access, with no indirect call.
//! Outside a task poll (a plain thread, a foreign executor) the budget is unconstrained:
//! [`poll_proceed`] always proceeds.
//!
//! The rules follow tokio's `coop` module: a unit is spent only by a poll that makes
//! progress; [`with_unconstrained`] lifts the limit for one call (how
//! [`Timeout`](crate::Timeout) still checks its deadline after its future spent the last
//! unit).
//!
//! ```
//! use runtime_timer::coop;
//! use std::task::{Context, Poll, Waker};
//!
//! let mut cx = Context::from_waker(Waker::noop());
//! let mut ready = 0;
//! coop::with_budget(|| {
//!     while let Poll::Ready(unit) = coop::poll_proceed(&mut cx) {
//!         unit.made_progress(); // the resource was ready: the unit stays spent
//!         ready += 1;
//!     }
//! });
//! assert_eq!(ready, coop::BUDGET as usize);
//! ```
use std::cell::Cell;
use std::task::{Context, Poll};

/// Polls of runtime resources a task may make in one tick before it must yield.
pub const BUDGET: u8 = 128;

crate::loom::thread_local! {
    /// The running task's remaining budget; `None` outside a task poll (unconstrained).
    static CURRENT: Cell<Option<u8>> = const { Cell::new(None) };
}

/// Restores a saved budget on drop (also when the closure unwinds).
struct Restore(Option<u8>);

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = CURRENT.try_with(|c| c.set(self.0));
    }
}

/// Runs `f` (one poll of a task) with a fresh budget of [`BUDGET`] units, restoring the
/// previous budget afterwards.
///
/// ```
/// use runtime_timer::coop;
///
/// assert!(coop::has_budget_remaining()); // unconstrained outside a task
/// coop::with_budget(|| assert!(coop::has_budget_remaining()));
/// ```
#[inline]
pub fn with_budget<R>(f: impl FnOnce() -> R) -> R {
    with_set(Some(BUDGET), f)
}

/// Runs `f` without a budget: resources it polls always proceed. For a poll that must
/// happen even though the task spent its budget (a timeout's deadline check).
///
/// ```
/// use runtime_timer::coop;
/// use std::task::{Context, Waker};
///
/// let mut cx = Context::from_waker(Waker::noop());
/// coop::with_budget(|| {
///     while let std::task::Poll::Ready(unit) = coop::poll_proceed(&mut cx) {
///         unit.made_progress();
///     }
///     assert!(!coop::has_budget_remaining());
///     coop::with_unconstrained(|| assert!(coop::poll_proceed(&mut cx).is_ready()));
///     assert!(!coop::has_budget_remaining(), "the spent budget is back afterwards");
/// });
/// ```
#[inline]
pub fn with_unconstrained<R>(f: impl FnOnce() -> R) -> R {
    with_set(None, f)
}

#[inline]
fn with_set<R>(budget: Option<u8>, f: impl FnOnce() -> R) -> R {
    let prev = CURRENT.with(|c| c.replace(budget));
    let _restore = Restore(prev);
    f()
}

/// `false` when the running task has spent its budget (so the next [`poll_proceed`]
/// returns `Pending`); `true` while units are left and outside a task.
///
/// ```
/// assert!(runtime_timer::coop::has_budget_remaining());
/// ```
#[inline]
#[must_use]
pub fn has_budget_remaining() -> bool {
    CURRENT.try_with(|c| c.get() != Some(0)).unwrap_or(true)
}

/// Spends one unit of the running task's budget, or, when none is left, wakes the task
/// (`cx`'s waker) and returns `Pending`. The returned [`RestoreOnPending`] gives the unit
/// back when dropped, unless [`RestoreOnPending::made_progress`] says the resource was
/// ready.
///
/// ```
/// use runtime_timer::coop;
/// use std::task::{Context, Poll, Waker};
///
/// let mut cx = Context::from_waker(Waker::noop());
/// coop::with_budget(|| {
///     for _ in 0..1_000 {
///         // A resource that is never ready spends nothing: the unit comes back on drop.
///         assert!(coop::poll_proceed(&mut cx).is_ready());
///     }
/// });
/// ```
#[inline]
pub fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    let spent = CURRENT.try_with(|c| match c.get() {
        Some(0) => None,
        Some(n) => {
            c.set(Some(n - 1));
            Some(true)
        }
        None => Some(false),
    });
    match spent {
        Ok(Some(spent)) => Poll::Ready(RestoreOnPending(Cell::new(spent))),
        Ok(None) => {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
        // The thread is exiting: no budget to keep.
        Err(_) => Poll::Ready(RestoreOnPending(Cell::new(false))),
    }
}

/// One unit of budget taken by [`poll_proceed`]: given back on drop unless
/// [`made_progress`](Self::made_progress) is called.
#[derive(Debug)]
#[must_use = "dropping the guard at once refunds the unit: call `made_progress()` when the resource was ready"]
pub struct RestoreOnPending(Cell<bool>);

impl RestoreOnPending {
    /// The resource was ready: the unit stays spent.
    #[inline]
    pub fn made_progress(&self) {
        self.0.set(false);
    }
}

impl Drop for RestoreOnPending {
    #[inline]
    fn drop(&mut self) {
        if self.0.get() {
            // One unit back, on top of whatever nested resources spent meanwhile
            // (restoring a snapshot would erase their spending).
            let _ = CURRENT.try_with(|c| {
                if let Some(n) = c.get() {
                    c.set(Some(n.saturating_add(1).min(BUDGET)));
                }
            });
        }
    }
}

#[cfg(all(test, not(runtime_loom)))]
mod tests {
    use super::*;
    use std::task::Waker;

    fn spend_all(cx: &mut Context<'_>) -> usize {
        let mut n = 0;
        while let Poll::Ready(unit) = poll_proceed(cx) {
            unit.made_progress();
            n += 1;
            assert!(n <= BUDGET as usize, "the budget must run out");
        }
        n
    }

    #[test]
    fn a_tick_has_budget_units_and_then_wakes_and_pends() {
        let (waker, count) = crate::entry::tests::CountingWaker::new();
        let mut cx = Context::from_waker(&waker);
        with_budget(|| {
            assert_eq!(spend_all(&mut cx), BUDGET as usize);
            assert_eq!(count.get(), 1, "the exhausted poll woke the task");
            assert!(!has_budget_remaining());
        });
        assert!(
            has_budget_remaining(),
            "unconstrained again outside the tick"
        );
    }

    #[test]
    fn the_budget_is_fresh_on_every_tick() {
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..3 {
            with_budget(|| assert_eq!(spend_all(&mut cx), BUDGET as usize));
        }
    }

    #[test]
    fn a_refund_keeps_what_nested_resources_spent() {
        let mut cx = Context::from_waker(Waker::noop());
        with_budget(|| {
            let outer = poll_proceed(&mut cx);
            for _ in 0..10 {
                let Poll::Ready(inner) = poll_proceed(&mut cx) else {
                    panic!("budget left")
                };
                inner.made_progress();
            }
            drop(outer); // refunded: 128 - 10 left
            assert_eq!(spend_all(&mut cx), BUDGET as usize - 10);
        });
    }

    #[test]
    fn unconstrained_lifts_the_limit_and_restores_it() {
        let mut cx = Context::from_waker(Waker::noop());
        with_budget(|| {
            spend_all(&mut cx);
            with_unconstrained(|| assert_eq!(spend_all_bounded(&mut cx, 500), 500));
            assert!(!has_budget_remaining());
        });
    }

    fn spend_all_bounded(cx: &mut Context<'_>, max: usize) -> usize {
        (0..max)
            .take_while(|_| match poll_proceed(cx) {
                Poll::Ready(unit) => {
                    unit.made_progress();
                    true
                }
                Poll::Pending => false,
            })
            .count()
    }

    #[test]
    fn a_panicking_tick_restores_the_outer_budget() {
        let mut cx = Context::from_waker(Waker::noop());
        with_budget(|| {
            spend_all(&mut cx);
            let caught = std::panic::catch_unwind(|| with_budget(|| panic!("boom")));
            assert!(caught.is_err());
            assert!(!has_budget_remaining(), "the outer tick's budget is back");
        });
    }
}
