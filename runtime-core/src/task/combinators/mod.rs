//! asyncio's combinators: [`gather`], [`try_gather`], [`wait`] with [`ReturnWhen`],
//! [`as_completed`] and [`wait_for`].
//!
//! | asyncio | runtime |
//! |---|---|
//! | `await asyncio.gather(*aws)` | [`gather`]`(futures).await -> Vec<T>` (input order) |
//! | `gather` that stops at the first error | [`try_gather`]`(futures).await -> Result<Vec<T>, E>` |
//! | `await asyncio.wait(tasks, return_when=...)` | [`wait`]`(handles, ReturnWhen::..).await -> (done, pending)` |
//! | `for aw in asyncio.as_completed(tasks)` | [`as_completed`]`(handles)`, a `Stream` |
//! | `await asyncio.wait_for(task, s)` | [`wait_for`]`(Duration, handle).await` |
//! | `asyncio.shield(task)` | nothing to do: dropping a `JoinHandle` detaches its task |
//!
//! # How they poll: O(1) per completion
//!
//! `gather` and `try_gather` poll their futures inside the calling task; `wait` and
//! `as_completed` poll `JoinHandle`s the same way. All four sit on `Children`
//! (`children.rs`): a fixed slice of futures, each polled with its own waker, and a ready
//! set (`ready.rs`) in which a child's waker records the child's index before waking the
//! parent. A parent poll therefore touches only the children that were woken (and, once,
//! every child for its first poll), never every pending one: the shape of
//! `futures::stream::FuturesUnordered`, with an index queue instead of an intrusive list.
//!
//! # Invariants
//!
//! 1. **Pinning.** The children's futures live in a boxed slice that is never resized or
//!    reallocated. A future is never moved out of its slot while it may be pinned: it is
//!    dropped in place (its slot overwritten with `None`), or moved out only when it is
//!    `Unpin` (`wait`'s pending handles). Hence `Children` is `Unpin`, and so are the
//!    combinators built on it; polling a child pins it where it lies.
//! 2. **Queued flag.** A child's index is in the shared queue (or in the parent's
//!    batch) at most once: a wake sets the child's `queued` flag and queues the index only
//!    if the flag was clear; the parent clears it (`swap`, `AcqRel`) just before it polls
//!    the child, so a wake that arrives during or after that poll queues it again and
//!    none is lost. A wake folded into an earlier one synchronizes with the parent
//!    through the flag.
//! 3. **Parent waker.** When a parent poll has nothing left in hand (every child polled
//!    once, its batch handled), it takes the shared queue under the set's one mutex. If
//!    the queue is empty it stores its waker there and returns: the first child wake after
//!    that takes the waker and wakes it outside the lock; later wakes only queue their
//!    index. Otherwise it drains the queue into its batch and handles it; it drains at most
//!    once per poll, and when more is queued after that it wakes itself and returns, so a
//!    child that wakes itself on every poll cannot keep the parent in one endless poll.
//!    A parent that returns `Ready` (an `as_completed` item) registers nothing.
//! 4. **Stale entries.** A finished child's slot is `None`, and its index may still sit in
//!    the queue: the parent skips such entries. A finished child's waker is reused for the
//!    next child polled for the first time only when nobody else holds it
//!    (`Arc::get_mut`), with its flag reset: so children that finish on their first poll
//!    cost no allocation.
//! 5. **Budget.** A child is polled only while the task has cooperative budget left; the
//!    parent checks without taking a unit, and charges one for each child that completes
//!    afterwards, unless the child is a `JoinHandle`, which spends its own. (Taking the
//!    unit before the poll would leave a `JoinHandle` child none whenever the parent took
//!    the last one: it would return `Pending` instead of its output.) With the budget
//!    spent, the parent wakes itself and keeps its place (the next unpolled child, the
//!    rest of its batch).
//!
//! The flag protocol of rule 2 has loom models, `loom_ready_*` in `task/tests/`.
mod as_completed;
mod children;
mod gather;
mod ready;
mod wait;
mod wait_for;

pub use as_completed::{as_completed, AsCompleted};
pub use gather::{gather, try_gather, Gather, TryGather};
pub use wait::{wait, ReturnWhen, Wait, WaitOutput};
pub use wait_for::{wait_for, WaitFor};

#[cfg(all(test, runtime_loom))]
pub(crate) use ready::{ReadySet, Refill};
