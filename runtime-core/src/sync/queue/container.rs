//! The three orders a queue can hand its items out in, behind one trait, so
//! [`GenericQueue`](super::GenericQueue) is written once (asyncio's `Queue` subclasses
//! override `_put`/`_get`/`_qsize` the same way).
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::fmt;

mod sealed {
    pub trait Sealed {}
}

/// How a [`GenericQueue`](super::GenericQueue) stores its items and which one it hands
/// out next: [`Fifo`], [`Lifo`] or [`Priority`]. Sealed: the queue's bookkeeping relies
/// on `len` counting exactly what `push` added and `pop` has not yet taken.
///
/// ```
/// use runtime::sync::queue::{Container, Fifo, GenericQueue};
///
/// fn drain<C: Container>(q: &GenericQueue<C>) -> Vec<C::Item> {
///     std::iter::from_fn(|| q.get_nowait().ok()).collect()
/// }
/// let q = runtime::sync::Queue::new(0);
/// q.put_nowait(1).unwrap();
/// q.put_nowait(2).unwrap();
/// assert_eq!(drain(&q), [1, 2]);
/// ```
pub trait Container: sealed::Sealed + Default {
    /// The items' type.
    type Item;
    /// Stores `item`.
    #[doc(hidden)]
    fn push(&mut self, item: Self::Item);
    /// Takes the item that is next in this container's order.
    #[doc(hidden)]
    fn pop(&mut self) -> Option<Self::Item>;
    /// How many items are stored.
    #[doc(hidden)]
    fn len(&self) -> usize;
    /// Whether no item is stored.
    #[doc(hidden)]
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// First in, first out: the container of [`Queue`](crate::sync::Queue).
///
/// ```
/// let q: runtime::sync::queue::GenericQueue<runtime::sync::queue::Fifo<u8>> =
///     runtime::sync::Queue::new(0);
/// q.put_nowait(1).unwrap();
/// q.put_nowait(2).unwrap();
/// assert_eq!(q.get_nowait().unwrap(), 1);
/// ```
pub struct Fifo<T>(VecDeque<T>);

/// Last in, first out: the container of [`LifoQueue`](crate::sync::LifoQueue).
///
/// ```
/// let q: runtime::sync::queue::GenericQueue<runtime::sync::queue::Lifo<u8>> =
///     runtime::sync::LifoQueue::new(0);
/// q.put_nowait(1).unwrap();
/// q.put_nowait(2).unwrap();
/// assert_eq!(q.get_nowait().unwrap(), 2);
/// ```
pub struct Lifo<T>(Vec<T>);

/// Smallest first, equal items in the order they were put: the container of
/// [`PriorityQueue`](crate::sync::PriorityQueue) (a binary heap, like Python's `heapq`,
/// with a sequence number to keep equal items first in, first out).
///
/// ```
/// let q: runtime::sync::queue::GenericQueue<runtime::sync::queue::Priority<u8>> =
///     runtime::sync::PriorityQueue::new(0);
/// q.put_nowait(2).unwrap();
/// q.put_nowait(1).unwrap();
/// assert_eq!(q.get_nowait().unwrap(), 1);
/// ```
pub struct Priority<T> {
    heap: BinaryHeap<Reverse<(T, u64)>>,
    /// The sequence number of the next push.
    seq: u64,
}

impl<T> sealed::Sealed for Fifo<T> {}
impl<T> sealed::Sealed for Lifo<T> {}
impl<T> sealed::Sealed for Priority<T> {}

impl<T> Default for Fifo<T> {
    fn default() -> Self {
        Fifo(VecDeque::new())
    }
}

impl<T> Default for Lifo<T> {
    fn default() -> Self {
        Lifo(Vec::new())
    }
}

impl<T: Ord> Default for Priority<T> {
    fn default() -> Self {
        Priority {
            heap: BinaryHeap::new(),
            seq: 0,
        }
    }
}

impl<T> Container for Fifo<T> {
    type Item = T;
    fn push(&mut self, item: T) {
        self.0.push_back(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop_front()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T> Container for Lifo<T> {
    type Item = T;
    fn push(&mut self, item: T) {
        self.0.push(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T: Ord> Container for Priority<T> {
    type Item = T;
    fn push(&mut self, item: T) {
        // `(item, seq)` orders by the item, then by arrival; `Reverse` turns the max-heap
        // into a min-heap. 2^64 pushes do not happen, so the sequence never wraps.
        self.heap.push(Reverse((item, self.seq)));
        self.seq += 1;
    }
    fn pop(&mut self) -> Option<T> {
        self.heap.pop().map(|Reverse((item, _))| item)
    }
    fn len(&self) -> usize {
        self.heap.len()
    }
}

impl<T> fmt::Debug for Fifo<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fifo").field("len", &self.0.len()).finish()
    }
}

impl<T> fmt::Debug for Lifo<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lifo").field("len", &self.0.len()).finish()
    }
}

impl<T> fmt::Debug for Priority<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Priority")
            .field("len", &self.heap.len())
            .finish()
    }
}

#[cfg(all(test, not(runtime_loom)))]
mod tests {
    use super::*;

    fn drain<C: Container>(mut c: C, items: impl IntoIterator<Item = C::Item>) -> Vec<C::Item> {
        let mut n = 0;
        for i in items {
            c.push(i);
            n += 1;
        }
        assert_eq!(c.len(), n);
        std::iter::from_fn(|| c.pop()).collect()
    }

    #[test]
    fn orders() {
        assert_eq!(drain(Fifo::default(), [3, 1, 2]), [3, 1, 2]);
        assert_eq!(drain(Lifo::default(), [3, 1, 2]), [2, 1, 3]);
        assert_eq!(drain(Priority::default(), [3, 1, 2, 1]), [1, 1, 2, 3]);
    }

    /// Equal priorities come out in the order they were put (compared by key only).
    #[test]
    fn priority_is_fifo_among_equals() {
        #[derive(Debug, PartialEq, Eq)]
        struct Job(u8, &'static str);
        impl PartialOrd for Job {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }
        impl Ord for Job {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.0.cmp(&other.0)
            }
        }
        let out = drain(
            Priority::default(),
            [
                Job(2, "a"),
                Job(1, "b"),
                Job(2, "c"),
                Job(1, "d"),
                Job(2, "e"),
            ],
        );
        let names: Vec<_> = out.iter().map(|j| j.1).collect();
        assert_eq!(names, ["b", "d", "a", "c", "e"]);
    }
}
