//! Synchronization for tasks: asyncio's `Future`, `Queue`, `Lock`, `Event`, `Semaphore`,
//! `Condition` and `Barrier`, plus channels (`oneshot`, `mpsc`, `watch`), `Notify` and
//! `RwLock`.
//!
//! ```
//! use runtime::sync::oneshot;
//!
//! runtime::run(async {
//!     let (tx, rx) = oneshot::channel();
//!     std::thread::spawn(move || tx.send(42).unwrap());
//!     assert_eq!(rx.await.unwrap(), 42);
//! });
//! ```
//!
//! # One waiter mechanism
//!
//! Every primitive that makes a task wait keeps its waiters on a `WaitList`
//! (`wait_list.rs`): an intrusive FIFO list whose nodes live inside the waiting futures,
//! so waiting allocates nothing. The list lives in the primitive's lock with the state it
//! guards (permits, queued items, the set flag), which gives the rules every primitive
//! here keeps:
//!
//! 1. **Check and enqueue under one lock.** A waiting future checks the condition it waits
//!    for and enqueues its node in one critical section, and whoever makes the condition
//!    true changes the state and pops waiters in one critical section: no wakeup falls
//!    between the check and the enqueue.
//! 2. **Hand-off, then wake.** A waker hands the popped node what it waited for (a
//!    permit, a "notified" mark) while it holds the lock, and calls the wakers only after
//!    releasing it (`WakeList`), so a woken task never finds the lock still held.
//! 3. **Cancel passes it on.** A waiting future's `Drop` takes the lock, removes its node
//!    if it is still queued, and gives anything it was handed but did not consume (permits,
//!    a notification) to the next waiter: dropping a future between its wake and its poll
//!    loses nothing.
//! 4. **Budget.** Every wait that completes spends one unit of the cooperative budget
//!    (`task::coop`), so a task looping on an always-ready primitive still yields.
//!
//! The module's `unsafe` lives in three places, each with its rules at its top:
//! `wait_list.rs`; `oneshot/` (a state word and value cell, the known-fast shape for the
//! hottest path); and the data cells of `Mutex` and `RwLock` (a guard derefs its lock's
//! `UnsafeCell`, under one rule stated in each module's docs).
pub(crate) mod wait_list;

mod barrier;
mod batch_semaphore;
mod condition;
mod event;
mod mutex;
mod notify;
mod rwlock;
mod semaphore;

pub mod mpsc;
pub mod oneshot;
pub mod queue;
pub mod watch;

pub use barrier::{Barrier, BarrierWait, BarrierWaitResult};
pub use condition::Condition;
pub use event::{Event, EventWait};
pub use mutex::{MappedMutexGuard, Mutex, MutexGuard, OwnedMutexGuard, TryLockError};
pub use notify::{Notified, Notify};
pub use queue::{LifoQueue, PriorityQueue, Queue};
pub use rwlock::{
    OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock, RwLockReadGuard, RwLockWriteGuard,
};
pub use semaphore::{
    AcquireError, OwnedSemaphorePermit, Semaphore, SemaphorePermit, TryAcquireError,
};

#[cfg(all(test, runtime_loom))]
pub(crate) mod tests; // `io`'s models share its `block_on`
