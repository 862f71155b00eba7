//! Entry storage of the wheel: a generational slab of nodes that carry their own
//! list links, so every slot list is an index-linked, doubly linked list and
//! unlinking an entry is O(1) without a pointer or an `unsafe` block.
//!
//! A node's `generation` grows each time its index is freed, and a [`Key`] names
//! an index *and* a generation, so a key kept after its entry fired or was
//! removed matches nothing, even after the index was reused. The generation is
//! 64 bits wide: at a billion reuses of one index a second it would take 584
//! years to wrap, so a stale key can never alias a later entry.

use crate::error;

/// The "no node" link.
pub(super) const NIL: u32 = u32::MAX;

/// Which list a node is on (`level * 64 + slot`, [`READY`] or [`FREE`]).
pub(super) type ListId = u16;

/// The list of entries whose deadline has passed and that wait to be popped.
pub(super) const READY: ListId = 6 * 64;

/// Not on any list: the node is on the free list.
pub(super) const FREE: ListId = ListId::MAX;

/// Names one entry of a [`Wheel`](super::Wheel): returned by
/// [`insert`](super::Wheel::insert), taken by [`remove`](super::Wheel::remove) and
/// [`reset`](super::Wheel::reset).
///
/// A key outlives its entry harmlessly: once the entry fired or was removed, the
/// key matches nothing, even after its slot in the wheel's storage is reused.
///
/// ```
/// use runtime_timer::Wheel;
///
/// let mut wheel = Wheel::new();
/// let key = wheel.insert(5_000_000, "a");
/// assert_eq!(wheel.remove(key), Some("a"));
/// let other = wheel.insert(5_000_000, "b"); // may reuse the storage of "a"
/// assert_eq!(wheel.remove(key), None); // the old key is stale
/// assert_eq!(wheel.remove(other), Some("b"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub(super) index: u32,
    pub(super) generation: u64,
}

/// One entry and its links.
#[derive(Debug)]
pub(super) struct Node<T> {
    /// The timer's value; `None` only while the node is free.
    pub(super) value: Option<T>,
    /// Exact deadline in nanoseconds since the wheel's start.
    pub(super) deadline: u64,
    pub(super) prev: u32,
    /// Next node on the same list (the free list too).
    pub(super) next: u32,
    pub(super) list: ListId,
    pub(super) generation: u64,
}

/// Nodes by index, with a free list threaded through `next`.
#[derive(Debug)]
pub(super) struct Slab<T> {
    pub(super) nodes: Vec<Node<T>>,
    free: u32,
}

impl<T> Slab<T> {
    pub(super) const fn new() -> Self {
        Self {
            nodes: Vec::new(),
            free: NIL,
        }
    }

    /// Stores `value` in a node that is on no list yet.
    ///
    /// # Panics
    ///
    /// When the slab would need index `u32::MAX` (4 billion live timers).
    pub(super) fn alloc(&mut self, value: T, deadline: u64) -> Key {
        if self.free != NIL {
            let index = self.free;
            let node = &mut self.nodes[index as usize];
            self.free = node.next;
            node.value = Some(value);
            node.deadline = deadline;
            node.prev = NIL;
            node.next = NIL;
            return Key {
                index,
                generation: node.generation,
            };
        }
        let index = u32::try_from(self.nodes.len())
            .ok()
            .filter(|&index| index != NIL)
            .expect(error::TOO_MANY_TIMERS);
        self.nodes.push(Node {
            value: Some(value),
            deadline,
            prev: NIL,
            next: NIL,
            list: FREE,
            generation: 0,
        });
        Key {
            index,
            generation: 0,
        }
    }

    /// The index `key` names, if its entry is still stored.
    pub(super) fn find(&self, key: Key) -> Option<u32> {
        let node = self.nodes.get(key.index as usize)?;
        (node.generation == key.generation && node.list != FREE).then_some(key.index)
    }

    /// Frees a node that is already off its list and returns its value.
    pub(super) fn free(&mut self, index: u32) -> T {
        let node = &mut self.nodes[index as usize];
        node.generation += 1;
        node.list = FREE;
        node.prev = NIL;
        node.next = self.free;
        self.free = index;
        node.value.take().expect(error::NODE_WITHOUT_VALUE)
    }

    pub(super) fn node(&self, index: u32) -> &Node<T> {
        &self.nodes[index as usize]
    }

    pub(super) fn node_mut(&mut self, index: u32) -> &mut Node<T> {
        &mut self.nodes[index as usize]
    }
}
