//! [`Children`]: a fixed set of futures polled in the parent's task, each with its own
//! waker, the engine under `gather`, `try_gather`, `wait` and `as_completed`.
use super::ready::{Child, ReadySet, Refill};
use crate::task::coop;
use std::fmt;
use std::future::Future;
use std::ops::ControlFlow;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// Whether the children spend the cooperative budget themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Budget {
    /// Arbitrary futures: the parent spends one unit per child that completes.
    Spend,
    /// `JoinHandle`s, which spend their own unit when ready: the parent only checks that
    /// budget is left before each child poll, so a completion costs one unit, not two.
    Check,
}

/// How a call to [`Children::poll_children`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scan {
    /// Every child that could make progress was polled; the parent's waker is registered
    /// (or was woken: something is queued already).
    Idle,
    /// The task's budget is spent: the parent woke itself and should return `Pending`.
    Exhausted,
    /// The callback asked to stop; the rest waits for the next call.
    Stopped,
}

/// A running child: its future and, once polled, its waker.
struct Running<F> {
    future: F,
    child: Option<Child>,
}

/// The children of one combinator.
pub(crate) struct Children<F> {
    /// One slot per child, in input order; `None` once the child finished (or was taken
    /// out). Never resized, never moved out of while pinned (rule 1).
    slots: Box<[Option<Running<F>>]>,
    set: ReadySet,
    /// Children `0..first_polled` have been polled at least once.
    first_polled: usize,
    remaining: usize,
    budget: Budget,
}

// The futures live in a heap slice that never moves (rule 1): moving a `Children` moves
// only the pointer.
impl<F> Unpin for Children<F> {}

impl<F: Future> Children<F> {
    pub(crate) fn new(futures: impl IntoIterator<Item = F>, budget: Budget) -> Children<F> {
        let slots: Box<[Option<Running<F>>]> = futures
            .into_iter()
            .map(|future| {
                Some(Running {
                    future,
                    child: None,
                })
            })
            .collect();
        Children {
            remaining: slots.len(),
            slots,
            set: ReadySet::new(),
            first_polled: 0,
            budget,
        }
    }

    /// Children in all.
    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }

    /// Children not finished yet.
    pub(crate) fn remaining(&self) -> usize {
        self.remaining
    }

    /// Polls every child that has never been polled and every child woken since, each
    /// once (a child woken again meanwhile at most twice), and hands each output to
    /// `on_ready` with the child's input index. When it returns `Idle`, the parent's
    /// waker (`cx`'s) is registered or has been woken, so no child wake is lost.
    pub(crate) fn poll_children(
        &mut self,
        cx: &mut Context<'_>,
        mut on_ready: impl FnMut(usize, F::Output) -> ControlFlow<()>,
    ) -> Scan {
        let mut drained = false;
        loop {
            while self.first_polled < self.slots.len() {
                let index = self.first_polled;
                if !budget_left(cx) {
                    return Scan::Exhausted;
                }
                self.first_polled += 1;
                let child = self.set.child(index);
                if let Some(out) = self.poll_one(index, Some(child)) {
                    if on_ready(index, out).is_break() {
                        return Scan::Stopped;
                    }
                }
                if self.first_polled == self.slots.len() {
                    self.set.drop_spare();
                }
            }
            while let Some(index) = self.set.pop() {
                if self.slots[index].is_none() {
                    continue; // a finished child's stale entry (rule 4)
                }
                if !budget_left(cx) {
                    self.set.unpop(index);
                    return Scan::Exhausted;
                }
                if let Some(out) = self.poll_one(index, None) {
                    if on_ready(index, out).is_break() {
                        return Scan::Stopped;
                    }
                }
            }
            // Nothing left in hand: take what was woken meanwhile, once per poll, so a
            // child that wakes itself on every poll cannot keep us here (rule 3).
            match self.set.refill(cx.waker(), !drained) {
                Refill::Registered => return Scan::Idle,
                Refill::Drained => drained = true,
                Refill::Busy => {
                    cx.waker().wake_by_ref();
                    return Scan::Idle;
                }
            }
        }
    }

    /// Polls child `index` once (with `new` as its waker on its first poll); on
    /// completion, drops its future and returns its output.
    fn poll_one(&mut self, index: usize, new: Option<Child>) -> Option<F::Output> {
        let slot = &mut self.slots[index];
        let running = slot.as_mut().expect("polled child is running");
        if let Some(new) = new {
            running.child = Some(new);
        }
        let child = running.child.as_ref().expect("a polled child has a waker");
        ReadySet::begin_poll(child);
        let mut cx = Context::from_waker(child.waker());
        // Rule 1: `slots` is a heap slice never resized; only `into_pending` moves futures
        // out, and only `Unpin` ones; a slot's future is dropped in place.
        // SAFETY: by rule 1 the future stays at this address until dropped (`Pin`).
        let future = unsafe { Pin::new_unchecked(&mut running.future) };
        let out = match future.poll(&mut cx) {
            Poll::Ready(out) => out,
            Poll::Pending => return None,
        };
        if self.budget == Budget::Spend {
            spend_one();
        }
        let done = slot.take().expect("polled child is running");
        let Running { future, child } = done;
        drop(future);
        if let Some(child) = child {
            self.set.recycle(child);
        }
        self.remaining -= 1;
        Some(out)
    }

    /// Drops every child still running, in input order.
    pub(crate) fn clear(&mut self) {
        for slot in self.slots.iter_mut() {
            // Dropped in place (rule 1).
            *slot = None;
        }
        self.remaining = 0;
    }
}

/// Whether the task has budget left for one more child poll; if not, wakes the parent
/// (it yields, and goes on where it stopped when polled again).
///
/// The parent only checks here, and charges a completed child afterwards
/// ([`spend_one`]): had it taken the unit before the poll, a child that spends budget
/// itself (a `JoinHandle`) would find none left whenever the parent took the last unit,
/// and return `Pending` (waking itself) instead of its output.
fn budget_left(cx: &mut Context<'_>) -> bool {
    if runtime_timer::coop::has_budget_remaining() {
        return true;
    }
    cx.waker().wake_by_ref();
    false
}

/// Charges one unit for a completed child, if the task has one left (the child may have
/// spent the last one itself; the parent's next `budget_left` then yields).
fn spend_one() {
    let mut cx = Context::from_waker(Waker::noop());
    if let Poll::Ready(unit) = coop::poll_proceed(&mut cx) {
        unit.made_progress();
    }
}

impl<F: Future + Unpin> Children<F> {
    /// The children still running, in input order; they may be moved, being `Unpin`.
    pub(crate) fn into_pending(mut self) -> Vec<F> {
        let mut pending = Vec::with_capacity(self.remaining);
        for slot in self.slots.iter_mut() {
            if let Some(running) = slot.take() {
                pending.push(running.future);
            }
        }
        self.remaining = 0;
        pending
    }
}

impl<F> fmt::Debug for Children<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Children")
            .field("len", &self.slots.len())
            .field("remaining", &self.remaining)
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, not(runtime_loom)))]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    /// A child that is ready at once but, like a `JoinHandle`, spends a unit of budget.
    struct Spender(Rc<Cell<usize>>);

    impl Future for Spender {
        type Output = ();

        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            self.0.set(self.0.get() + 1);
            let unit = std::task::ready!(coop::poll_proceed(cx));
            unit.made_progress();
            Poll::Ready(())
        }
    }

    #[test]
    fn children_that_spend_budget_are_never_polled_in_vain() {
        // A child that spends budget itself must never be polled with none left for it:
        // it would return `Pending` instead of its output, and be polled again later.
        for (budget, units_per_child) in [(Budget::Spend, 2), (Budget::Check, 1)] {
            let polls = Rc::new(Cell::new(0));
            let mut children = Children::new((0..1_000).map(|_| Spender(polls.clone())), budget);
            let mut done = 0;
            let mut cx = Context::from_waker(Waker::noop());
            let scan = runtime_timer::coop::with_budget(|| {
                children.poll_children(&mut cx, |_, ()| {
                    done += 1;
                    ControlFlow::Continue(())
                })
            });
            assert_eq!(scan, Scan::Exhausted, "{budget:?}");
            assert_eq!(done, 128 / units_per_child, "{budget:?}");
            assert_eq!(polls.get(), done, "{budget:?}: a child was polled in vain");
        }
    }
}
