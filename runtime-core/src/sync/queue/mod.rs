//! asyncio's queues: [`Queue`] (first in, first out), [`PriorityQueue`] (smallest first)
//! and [`LifoQueue`] (last in, first out), for many producers and many consumers.
//!
//! All three are one type, [`GenericQueue`], over a [`Container`] that decides the order
//! ([`Fifo`], [`Priority`], [`Lifo`]), as asyncio's subclasses override `_put`/`_get`.
//! The methods take `&self`; share a queue between tasks and threads with an `Arc` (it is
//! `Send + Sync` when its items are `Send`).
//!
//! # How waiting works
//!
//! The items, the counters and three wait lists (getters, putters, joiners) live under
//! one lock (the invariants are in `state.rs`). A `put` that finds a getter waiting stores
//! its item and *promises* one stored item to the first waiting getter, then wakes it; the
//! woken getter takes the item that is next when it runs (for a `PriorityQueue`, the
//! smallest at that moment). A promised item stays in the queue (it counts in
//! [`qsize`](GenericQueue::qsize)), but only the getter it was promised to can take it,
//! so a getter that arrives later never overtakes one that waited. A `get` that frees a
//! place in a full queue promises it to the first waiting putter the same way; the putter
//! keeps its item until it runs, so a `put` that is dropped never puts (as a cancelled
//! `await queue.put(x)` in asyncio).
//!
//! Items are never handed to a future directly, so dropping one loses nothing: a getter
//! or putter dropped between its wakeup and its next poll passes its promise to the next
//! waiter in line, or, with nobody waiting, frees it for anyone. No item is lost or
//! delivered twice, and a bounded queue never holds more than `maxsize` items.
mod container;
mod error;
mod future;
mod state;

pub use container::{Container, Fifo, Lifo, Priority};
pub use error::{GetError, PutError, QueueEmpty, QueueFull, QueueShutDown};
pub use future::{Get, Join, Put};

use crate::error::QUEUE_TASK_DONE_TOO_MANY;
use crate::loom::sync::Mutex;
use crate::sync::wait_list::WakeList;
use state::State;
use std::fmt;

/// asyncio's `Queue`: first in, first out, for many producers and many consumers.
///
/// `Queue::new(maxsize)` (0: unbounded); [`put`](GenericQueue::put) waits while the queue
/// is full, [`get`](GenericQueue::get) while it is empty; [`task_done`] and
/// [`join`](GenericQueue::join) let a producer wait until every item was processed;
/// [`shutdown`](GenericQueue::shutdown) ends it as Python 3.13 does. See
/// [`GenericQueue`] for every method.
///
/// The asyncio docs' worker example: three workers sleep for the durations they take
/// from the queue; `main` waits until every item is done, then cancels the workers.
///
/// ```
/// use runtime::sync::Queue;
/// use std::sync::Arc;
/// use std::time::Duration;
///
/// async fn worker(name: String, queue: Arc<Queue<Duration>>) {
///     loop {
///         let sleep_for = queue.get().await.unwrap();
///         runtime::sleep(sleep_for).await;
///         queue.task_done();
///         println!("{name} has slept for {sleep_for:?}");
///     }
/// }
///
/// // Paused time: the sleeps take no real time, and the total is exact.
/// let rt = runtime::Builder::new_current_thread().start_paused(true).build().unwrap();
/// rt.block_on(async {
///     let queue = Arc::new(Queue::new(0));
///     let mut total = Duration::ZERO;
///     for i in 0..20u64 {
///         let sleep_for = Duration::from_millis(50 + i * 37 % 950);
///         total += sleep_for;
///         queue.put_nowait(sleep_for).unwrap();
///     }
///     let tasks: Vec<_> = (0..3)
///         .map(|i| runtime::spawn(worker(format!("worker-{i}"), queue.clone())))
///         .collect();
///
///     let started_at = runtime::time::Instant::now();
///     queue.join().await;
///     let slept = started_at.elapsed();
///
///     for task in &tasks {
///         task.abort();
///     }
///     for task in tasks {
///         assert!(task.await.unwrap_err().is_cancelled());
///     }
///     println!("3 workers slept in parallel for {slept:?}");
///     println!("total expected sleep time: {total:?}");
///     assert!(slept >= total / 3 && slept < total);
/// });
/// ```
///
/// [`task_done`]: GenericQueue::task_done
pub type Queue<T> = GenericQueue<Fifo<T>>;

/// asyncio's `PriorityQueue`: the smallest item first (as Python's `heapq`), equal items
/// in the order they were put. Use a `(priority, data)` tuple, or
/// [`std::cmp::Reverse`] for largest first. See [`GenericQueue`] for every method.
///
/// The items' `Ord` runs while the queue is locked: it must not use the queue.
///
/// ```
/// use runtime::sync::PriorityQueue;
///
/// runtime::run(async {
///     let q = PriorityQueue::new(0);
///     q.put((2, "write docs")).await.unwrap();
///     q.put((1, "fix the bug")).await.unwrap();
///     q.put((3, "lunch")).await.unwrap();
///     assert_eq!(q.get().await.unwrap(), (1, "fix the bug"));
///     assert_eq!(q.get().await.unwrap(), (2, "write docs"));
/// });
/// ```
pub type PriorityQueue<T> = GenericQueue<Priority<T>>;

/// asyncio's `LifoQueue`: the item put last comes out first (a stack). See
/// [`GenericQueue`] for every method.
///
/// ```
/// use runtime::sync::LifoQueue;
///
/// runtime::run(async {
///     let q = LifoQueue::new(0);
///     for i in 0..3 {
///         q.put(i).await.unwrap();
///     }
///     assert_eq!(q.get().await.unwrap(), 2);
///     assert_eq!(q.get().await.unwrap(), 1);
/// });
/// ```
pub type LifoQueue<T> = GenericQueue<Lifo<T>>;

/// The one implementation behind [`Queue`], [`PriorityQueue`] and [`LifoQueue`]: a queue
/// whose [`Container`] `C` decides which item comes out next. Name it through those
/// aliases.
///
/// ```
/// use runtime::sync::queue::{Fifo, GenericQueue};
///
/// let q: GenericQueue<Fifo<&str>> = runtime::sync::Queue::new(0);
/// q.put_nowait("a").unwrap();
/// assert_eq!(q.get_nowait().unwrap(), "a");
/// ```
pub struct GenericQueue<C> {
    /// 0: unbounded. Also in `state`, for the transitions.
    maxsize: usize,
    state: Mutex<State<C>>,
}

impl<C: Container> GenericQueue<C> {
    /// A queue that holds at most `maxsize` items; 0 means no limit (asyncio's default).
    ///
    /// ```
    /// let bounded = runtime::sync::Queue::<u32>::new(10);
    /// let unbounded = runtime::sync::Queue::<u32>::new(0);
    /// assert_eq!((bounded.maxsize(), unbounded.maxsize()), (10, 0));
    /// ```
    pub fn new(maxsize: usize) -> Self {
        GenericQueue {
            maxsize,
            state: Mutex::new(State::new(maxsize)),
        }
    }

    /// The most items the queue holds; 0 when unbounded.
    ///
    /// ```
    /// assert_eq!(runtime::sync::LifoQueue::<u8>::new(4).maxsize(), 4);
    /// ```
    pub fn maxsize(&self) -> usize {
        self.maxsize
    }

    /// How many items are in the queue now, counting those promised to a woken `get` that
    /// has not taken them yet (as asyncio counts items a woken getter has not taken).
    ///
    /// ```
    /// let q = runtime::sync::Queue::new(0);
    /// q.put_nowait(1).unwrap();
    /// q.put_nowait(2).unwrap();
    /// assert_eq!(q.qsize(), 2);
    /// ```
    pub fn qsize(&self) -> usize {
        self.state.lock().items.len()
    }

    /// Whether the queue holds no item (`qsize() == 0`).
    ///
    /// ```
    /// let q = runtime::sync::Queue::new(0);
    /// assert!(q.empty());
    /// q.put_nowait(()).unwrap();
    /// assert!(!q.empty());
    /// ```
    pub fn empty(&self) -> bool {
        self.qsize() == 0
    }

    /// Whether the queue has no room for one more item now, so that
    /// [`put_nowait`](Self::put_nowait) would fail: `qsize() == maxsize()`, or room a
    /// `get` freed is promised to a woken `put` that has not filled it yet. Never true
    /// for an unbounded queue.
    ///
    /// ```
    /// let q = runtime::sync::Queue::new(1);
    /// assert!(!q.full());
    /// q.put_nowait(()).unwrap();
    /// assert!(q.full());
    /// ```
    pub fn full(&self) -> bool {
        !self.state.lock().has_room()
    }

    /// Puts `item` into the queue, waiting while it is full. Putters that wait get room
    /// in the order they started waiting. Fails with [`QueueShutDown`] holding the item
    /// when the queue is shut down before the item is in.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: dropping the future before it completes leaves the item out of the
    /// queue (it is dropped with the future), and room that was promised to it goes to
    /// the next waiting putter.
    ///
    /// ```
    /// use runtime::sync::Queue;
    /// use std::sync::Arc;
    ///
    /// runtime::run(async {
    ///     let q = Arc::new(Queue::new(1));
    ///     q.put(1).await.unwrap();
    ///     let q2 = q.clone();
    ///     let producer = runtime::spawn(async move { q2.put(2).await }); // waits: full
    ///     assert_eq!(q.get().await, Ok(1));
    ///     producer.await.unwrap().unwrap();
    ///     assert_eq!(q.get().await, Ok(2));
    /// });
    /// ```
    pub fn put(&self, item: C::Item) -> Put<'_, C> {
        Put::new(self, item)
    }

    /// Puts `item` into the queue if there is room now; otherwise returns it in
    /// [`PutError::Full`] (or [`PutError::ShutDown`] after a shutdown).
    ///
    /// ```
    /// use runtime::sync::queue::{PutError, QueueFull};
    ///
    /// let q = runtime::sync::Queue::new(1);
    /// q.put_nowait("a").unwrap();
    /// assert_eq!(q.put_nowait("b"), Err(PutError::Full(QueueFull("b"))));
    /// ```
    pub fn put_nowait(&self, item: C::Item) -> Result<(), PutError<C::Item>> {
        let waker = {
            let mut st = self.state.lock();
            if st.shut_down {
                return Err(PutError::ShutDown(QueueShutDown(item)));
            }
            if !st.has_room() {
                return Err(PutError::Full(QueueFull(item)));
            }
            st.push(item)
        };
        if let Some(w) = waker {
            w.wake();
        }
        Ok(())
    }

    /// Takes the next item, waiting while the queue is empty. Getters that wait get items
    /// in the order they started waiting. After [`shutdown`](Self::shutdown) it still
    /// returns the items left (none after an immediate shutdown), then
    /// [`QueueShutDown`].
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: dropping the future before it completes takes no item; an item that
    /// was promised to it goes to the next waiting getter, or stays in the queue.
    ///
    /// ```
    /// use runtime::sync::Queue;
    /// use std::sync::Arc;
    ///
    /// runtime::run(async {
    ///     let q = Arc::new(Queue::new(0));
    ///     let q2 = q.clone();
    ///     let consumer = runtime::spawn(async move { q2.get().await }); // waits: empty
    ///     q.put("hello").await.unwrap();
    ///     assert_eq!(consumer.await.unwrap(), Ok("hello"));
    /// });
    /// ```
    pub fn get(&self) -> Get<'_, C> {
        Get::new(self)
    }

    /// Takes the next item if one is there now; otherwise [`GetError::Empty`] (or
    /// [`GetError::ShutDown`] once the queue is shut down and empty). Items promised to a
    /// woken [`get`](Self::get) are not taken.
    ///
    /// ```
    /// use runtime::sync::queue::{GetError, QueueEmpty};
    ///
    /// let q = runtime::sync::Queue::new(0);
    /// q.put_nowait(1).unwrap();
    /// assert_eq!(q.get_nowait(), Ok(1));
    /// assert_eq!(q.get_nowait(), Err(GetError::Empty(QueueEmpty)));
    /// ```
    pub fn get_nowait(&self) -> Result<C::Item, GetError> {
        let (item, waker) = {
            let mut st = self.state.lock();
            match st.try_take() {
                Some(taken) => taken,
                None if st.shut_down => return Err(GetError::ShutDown(QueueShutDown(()))),
                None => return Err(GetError::Empty(QueueEmpty)),
            }
        };
        if let Some(w) = waker {
            w.wake();
        }
        Ok(item)
    }

    /// Marks one item taken from the queue as processed. Every [`put`](Self::put) counts
    /// one unfinished item and every `task_done` one finished; [`join`](Self::join) waits
    /// until none is unfinished.
    ///
    /// # Panics
    ///
    /// When called more times than items were put (asyncio raises `ValueError`).
    ///
    /// ```
    /// runtime::run(async {
    ///     let q = runtime::sync::Queue::new(0);
    ///     q.put("job").await.unwrap();
    ///     let _job = q.get().await.unwrap();
    ///     // ... process it ...
    ///     q.task_done();
    ///     q.join().await; // returns at once: nothing is unfinished
    /// });
    /// ```
    #[track_caller]
    pub fn task_done(&self) {
        let counted = self.state.lock().task_done();
        // A `match`, not a closure, so `#[track_caller]` names the caller.
        match counted {
            None => panic!("{QUEUE_TASK_DONE_TOO_MANY}"),
            Some(Some(joiners)) => joiners.wake_all(),
            Some(None) => {}
        }
    }

    /// Waits until every item put into the queue has been marked done with
    /// [`task_done`](Self::task_done) (returns at once when nothing is unfinished).
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: it only waits.
    ///
    /// ```
    /// use runtime::sync::Queue;
    /// use std::sync::Arc;
    ///
    /// runtime::run(async {
    ///     let q = Arc::new(Queue::new(0));
    ///     q.put_nowait(1).unwrap();
    ///     let q2 = q.clone();
    ///     runtime::spawn(async move {
    ///         let _ = q2.get().await;
    ///         q2.task_done();
    ///     });
    ///     q.join().await;
    ///     assert!(q.empty());
    /// });
    /// ```
    pub fn join(&self) -> Join<'_, C> {
        Join::new(self)
    }

    /// Shuts the queue down, as Python 3.13's `Queue.shutdown`: from now on
    /// [`put`](Self::put) and [`put_nowait`](Self::put_nowait) fail with
    /// [`QueueShutDown`], and [`get`](Self::get) returns the items left, then fails once
    /// the queue is empty. Waiting putters, and getters that wait on an empty queue, are
    /// woken with the error.
    ///
    /// With `immediate`, the items left are also dropped (after the lock is released)
    /// and counted done, so [`join`](Self::join) returns once the items already taken
    /// are done; every `get` fails from then on. Calling it again is harmless (and with
    /// `immediate` still drops what is left).
    ///
    /// ```
    /// use runtime::sync::Queue;
    ///
    /// runtime::run(async {
    ///     let q = Queue::new(0);
    ///     q.put(1).await.unwrap();
    ///     q.put(2).await.unwrap();
    ///     q.shutdown(false);
    ///     assert!(q.put(3).await.is_err());
    ///     assert_eq!(q.get().await, Ok(1)); // what was left drains
    ///     q.shutdown(true); // drops 2 and counts it done
    ///     assert!(q.get().await.is_err());
    ///     q.task_done(); // for item 1
    ///     q.join().await;
    /// });
    /// ```
    pub fn shutdown(&self, immediate: bool) {
        let mut wakers = WakeList::new();
        let dropped = self.state.lock().shutdown(immediate, &mut wakers);
        wakers.wake_all();
        drop(dropped);
    }
}

impl<C: Container> Default for GenericQueue<C> {
    /// An unbounded queue (`new(0)`).
    fn default() -> Self {
        GenericQueue::new(0)
    }
}

impl<C: Container> fmt::Debug for GenericQueue<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = self.state.lock();
        f.debug_struct("GenericQueue")
            .field("maxsize", &self.maxsize)
            .field("qsize", &st.items.len())
            .field("unfinished", &st.unfinished)
            .field("shut_down", &st.shut_down)
            .finish_non_exhaustive()
    }
}
