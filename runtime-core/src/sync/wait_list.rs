//! The intrusive waiter list every primitive of `sync` (and the I/O driver's readiness
//! waiters) is built on.
//!
//! A waiting future embeds a [`Node`]: the node *is* the list entry, so waiting allocates
//! nothing. The list is a doubly linked list of pinned nodes, owned by a primitive and
//! only reachable through that primitive's lock: every method of [`WaitList`] takes
//! `&mut self`, and the `&mut` is the proof that the caller holds the lock. Waking is
//! FIFO: a primitive pops from the front, hands the popped node its permit, value or
//! "notified" mark through [`WaitList::pop_front_with`], takes the node's waker, and wakes
//! it after releasing the lock (collect them in a [`WakeList`]).
//!
//! All of this module's `unsafe` is here; primitives use only the safe API below. A node
//! that was handed something and is dropped before it is polled is the primitive's
//! business: its future's `Drop` locks, calls [`WaitList::remove`], reads what it was
//! given with [`WaitList::data`] and passes it on.
//!
//! # Invariants
//!
//! 1. **One list per node.** A node's first [`WaitList::enqueue`] stamps it with the
//!    list's id (`list_id`, unique in the process, drawn lazily on the list's first
//!    enqueue). Every owner-side method (`enqueue`, `remove`, `is_queued`, `data`) checks
//!    the stamp against `self` and panics on a mismatch, so a node's fields are only ever
//!    touched under the lock of the one list it belongs to.
//! 2. **Linked nodes belong to the list.** While `linked` is `true` the node is in its
//!    list's chain; its `links`, `waker` and `data` are read and written only by a holder
//!    of `&mut` that list (rule 1 for the owner's side, the chain for the list's side).
//! 3. **Unlinked nodes belong to their owner.** Only the owner, through `Pin<&mut Node>`,
//!    links a node, so an unlinked node is touched by its owner alone (still through the
//!    list's methods, which keep rule 1).
//! 4. **Unlink is the last touch.** Every list-side operation that unlinks a node does
//!    all its reads and writes of that node first and stores `linked = false` last, with
//!    `Release`. [`Node`]'s `Drop` loads `linked` with `Acquire`: seeing `false`, no
//!    other thread can touch the node again, so its memory may go.
//! 5. **Pinned until unlinked.** A node is pinned (`Pin<&mut Node>` on every method), so
//!    its address stays valid until its `Drop` runs (the `Pin` drop guarantee, which also
//!    covers a leaked future: its memory is never reused). A node dropped while still
//!    linked means its owner forgot to `remove` it: the process aborts rather than leave
//!    the list a dangling pointer.
//!
//! Moving or dropping a [`WaitList`] never touches its nodes: they link to each other, not
//! to the list (a list dropped with nodes still linked can only happen when their futures
//! were leaked, whose memory is never freed).
use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use crate::util::abort::abort_on_broken_invariant;
use std::fmt;
use std::marker::PhantomPinned;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::Waker;

crate::loom::static_atomic! {
    /// The next wait list id; 0 means "no id drawn yet".
    static NEXT_LIST_ID: AtomicU64 = 1;
}

/// A FIFO list of waiting futures' [`Node`]s; see the module docs.
pub(crate) struct WaitList<T> {
    head: Option<NonNull<Node<T>>>,
    tail: Option<NonNull<Node<T>>>,
    len: usize,
    /// Drawn on the first enqueue (0 until then), so a list nobody waits on costs nothing.
    id: u64,
}

/// A waiter: embed it in the waiting future and keep the future pinned.
pub(crate) struct Node<T> {
    /// `true` while in a list's chain (rule 2); the last thing a list-side unlink writes
    /// (rule 4).
    linked: AtomicBool,
    /// The id of the list this node was first enqueued on; 0 before that. Written only by
    /// the owner (rule 3), so a relaxed atomic is enough.
    list_id: AtomicU64,
    inner: UnsafeCell<Inner<T>>,
    _pin: PhantomPinned,
}

struct Inner<T> {
    prev: Option<NonNull<Node<T>>>,
    next: Option<NonNull<Node<T>>>,
    waker: Option<Waker>,
    data: T,
}

// SAFETY: the list holds pointers to nodes whose contents (a `Waker`, which is Send +
// Sync, and a `T`) are only touched by a holder of `&mut WaitList` (rule 2); sending the
// list sends access to those `T`s, hence `T: Send`.
unsafe impl<T: Send> Send for WaitList<T> {}
// SAFETY: `&WaitList` allows nothing but `len`/`is_empty`, which read plain fields.
unsafe impl<T: Send> Sync for WaitList<T> {}
// SAFETY: a node's contents are touched either under its list's lock (rule 2) or by its
// owner through `Pin<&mut Node>` (rule 3); both are fine from any thread when `T: Send`.
unsafe impl<T: Send> Send for Node<T> {}
// SAFETY: `&Node` gives access to nothing (every method takes `Pin<&mut Node>` or goes
// through the list), so sharing one across threads is harmless.
unsafe impl<T: Send> Sync for Node<T> {}

impl<T> Node<T> {
    /// A node that is in no list yet, holding `data`.
    pub(crate) fn new(data: T) -> Node<T> {
        Node {
            linked: AtomicBool::new(false),
            list_id: AtomicU64::new(0),
            inner: UnsafeCell::new(Inner {
                prev: None,
                next: None,
                waker: None,
                data,
            }),
            _pin: PhantomPinned,
        }
    }

    /// Whether the node is in a list right now. Only a hint without the list's lock; use
    /// it to skip locking in `Drop` when the node was never enqueued or has been woken and
    /// read, never to decide what the node was given.
    pub(crate) fn was_enqueued(&self) -> bool {
        self.list_id.load(Ordering::Relaxed) != 0
    }
}

impl<T> Drop for Node<T> {
    fn drop(&mut self) {
        // Rule 4: `Acquire` pairs with the `Release` store of the unlinking thread.
        if self.linked.load(Ordering::Acquire) {
            abort_on_broken_invariant("a wait list node was dropped while still queued");
        }
    }
}

impl<T> WaitList<T> {
    /// An empty list.
    pub(crate) const fn new() -> WaitList<T> {
        WaitList {
            head: None,
            tail: None,
            len: 0,
            id: 0,
        }
    }

    /// Number of queued nodes.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Whether no node is queued.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn id(&mut self) -> u64 {
        if self.id == 0 {
            self.id = NEXT_LIST_ID.fetch_add(1, Ordering::Relaxed);
        }
        self.id
    }

    /// Rule 1: `node` may be used with this list.
    #[track_caller]
    fn check(&self, node: &Node<T>) {
        let stamp = node.list_id.load(Ordering::Relaxed);
        if stamp != 0 && stamp != self.id {
            panic!("a wait list node was used with a list it does not belong to");
        }
    }

    /// Queues `node` at the back with `waker`, or, when it is queued already, refreshes
    /// its waker (keeping its place in line).
    #[track_caller]
    pub(crate) fn enqueue(&mut self, node: Pin<&mut Node<T>>, waker: &Waker) {
        let id = self.id();
        self.check(&node);
        node.list_id.store(id, Ordering::Relaxed);
        let ptr = NonNull::from(&*node);
        if node.linked.load(Ordering::Relaxed) {
            node.inner.with_mut(|inner| {
                // SAFETY: the node is linked in this list (checked above) and we hold
                // `&mut self`, so nobody else touches it (rule 2).
                let inner = unsafe { &mut *inner };
                match &inner.waker {
                    Some(w) if w.will_wake(waker) => {}
                    _ => inner.waker = Some(waker.clone()),
                }
            });
            return;
        }
        let old_tail = self.tail;
        node.inner.with_mut(|inner| {
            // SAFETY: the node is unlinked, so only its owner (us, through `Pin<&mut>`)
            // touches it (rule 3).
            let inner = unsafe { &mut *inner };
            inner.prev = old_tail;
            inner.next = None;
            inner.waker = Some(waker.clone());
        });
        match old_tail {
            // SAFETY: `tail` is linked in this list and we hold `&mut self` (rule 2); its
            // memory is valid until it is unlinked (rule 5).
            Some(tail) => unsafe { set_next(tail, Some(ptr)) },
            None => self.head = Some(ptr),
        }
        self.tail = Some(ptr);
        self.len += 1;
        node.linked.store(true, Ordering::Relaxed);
    }

    /// Whether `node` is queued on this list (not yet woken, not removed).
    #[track_caller]
    pub(crate) fn is_queued(&self, node: Pin<&mut Node<T>>) -> bool {
        self.check(&node);
        node.linked.load(Ordering::Relaxed)
    }

    /// Takes `node` out of the line if it is queued; returns whether it was. Call it from
    /// the waiting future's `Drop` (and when it gives up waiting), then read what the node
    /// was given with [`data`](Self::data).
    #[track_caller]
    pub(crate) fn remove(&mut self, node: Pin<&mut Node<T>>) -> bool {
        self.check(&node);
        if !node.linked.load(Ordering::Relaxed) {
            return false;
        }
        let ptr = NonNull::from(&*node);
        // SAFETY: the node is linked in this list (checked) and we hold `&mut self`.
        unsafe { self.unlink(ptr) };
        // The owner unlinks its own node here, so no other thread can be about to drop it;
        // `Release` anyway keeps rule 4 uniform.
        node.linked.store(false, Ordering::Release);
        true
    }

    /// What `node` holds: what the owner put there, or what a waker handed it in
    /// [`pop_front_with`](Self::pop_front_with) / [`drain_with`](Self::drain_with).
    #[track_caller]
    pub(crate) fn data<'a>(&'a mut self, node: Pin<&'a mut Node<T>>) -> &'a mut T {
        self.check(&node);
        node.inner.with_mut(|inner| {
            // SAFETY: linked: it is in this list (rule 1) and we hold `&mut self` (rule 2);
            // unlinked: only its owner, who lent us `Pin<&mut>` for `'a`, touches it
            // (rule 3). The borrow ends with both `&mut self` and the node's pin.
            unsafe { &mut (*inner).data }
        })
    }

    /// The data of the node at the front of the line.
    pub(crate) fn front_mut(&mut self) -> Option<&mut T> {
        let head = self.head?;
        // SAFETY: `head` is linked in this list and we hold `&mut self` (rule 2); the
        // borrow ends with `&mut self`, before anyone could unlink or drop it.
        Some(unsafe { &mut (*inner_ptr(head)).data })
    }

    /// Unlinks the front node after letting `f` hand it what it waited for, and returns its
    /// waker (wake it after releasing the lock). `None` when the line is empty.
    pub(crate) fn pop_front_with(&mut self, f: impl FnOnce(&mut T)) -> Option<Option<Waker>> {
        let head = self.head?;
        // SAFETY: `head` is linked in this list and we hold `&mut self` (rule 2).
        let waker = unsafe {
            let inner = &mut *inner_ptr(head);
            f(&mut inner.data);
            let waker = inner.waker.take();
            self.unlink(head);
            waker
        };
        // Rule 4: the last touch.
        // SAFETY: the node is still valid: its owner cannot drop it before seeing this
        // store (rule 4) or taking our lock.
        unsafe { head.as_ref() }
            .linked
            .store(false, Ordering::Release);
        Some(waker)
    }

    /// Unlinks every node after letting `f` hand each what it waited for, front to back,
    /// and puts their wakers in `wakers`.
    pub(crate) fn drain_with(&mut self, mut f: impl FnMut(&mut T), wakers: &mut WakeList) {
        while let Some(waker) = self.pop_front_with(&mut f) {
            if let Some(w) = waker {
                wakers.push(w);
            }
        }
    }

    /// Unlinks every node whose data `pred` accepts, front to back, after letting `f` hand
    /// it what it waited for, and puts their wakers in `wakers`; the others keep their
    /// place (the I/O driver wakes only the waiters whose interest an event matches).
    pub(crate) fn drain_matching_with(
        &mut self,
        mut pred: impl FnMut(&T) -> bool,
        mut f: impl FnMut(&mut T),
        wakers: &mut WakeList,
    ) {
        let mut cur = self.head;
        while let Some(node) = cur {
            // SAFETY: `node` is linked in this list and we hold `&mut self` (rule 2); we
            // read its successor before unlinking it, and touch it no more after its
            // `linked` store (rule 4).
            unsafe {
                let inner = &mut *inner_ptr(node);
                cur = inner.next;
                if !pred(&inner.data) {
                    continue;
                }
                f(&mut inner.data);
                if let Some(w) = inner.waker.take() {
                    wakers.push(w);
                }
                self.unlink(node);
                node.as_ref().linked.store(false, Ordering::Release);
            }
        }
    }

    /// Removes `ptr` from the chain.
    ///
    /// # Safety
    ///
    /// `ptr` is linked in this list (rule 2) and the caller holds `&mut self`.
    unsafe fn unlink(&mut self, ptr: NonNull<Node<T>>) {
        // SAFETY: per this function's contract the node and its neighbours are linked in
        // this list, which we hold exclusively.
        unsafe {
            let inner = &mut *inner_ptr(ptr);
            let (prev, next) = (inner.prev.take(), inner.next.take());
            match prev {
                Some(p) => set_next(p, next),
                None => self.head = next,
            }
            match next {
                Some(n) => (*inner_ptr(n)).prev = prev,
                None => self.tail = prev,
            }
        }
        self.len -= 1;
    }
}

impl<T> Default for WaitList<T> {
    fn default() -> Self {
        WaitList::new()
    }
}

impl<T> fmt::Debug for WaitList<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitList").field("len", &self.len).finish()
    }
}

impl<T> fmt::Debug for Node<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Node")
            .field("queued", &self.linked.load(Ordering::Relaxed))
            .finish()
    }
}

/// The raw pointer to a node's contents.
///
/// # Safety
///
/// `node` points to a live node.
unsafe fn inner_ptr<T>(node: NonNull<Node<T>>) -> *mut Inner<T> {
    // SAFETY: the node is live (contract); `with_mut` hands out the cell's pointer, whose
    // use the callers justify by rule 2.
    unsafe { node.as_ref() }.inner.with_mut(|p| p)
}

/// Sets `node.next`.
///
/// # Safety
///
/// `node` is linked in a list the caller holds `&mut` (rule 2).
unsafe fn set_next<T>(node: NonNull<Node<T>>, next: Option<NonNull<Node<T>>>) {
    // SAFETY: per the contract the node is live and ours to write.
    unsafe { (*inner_ptr(node)).next = next };
}

/// Wakers collected under a lock, to be woken after it is released (waking under the lock
/// would let the woken task contend for it at once). Holds 32 inline; more spill to the
/// heap.
///
/// Invariant: `inline[..len]` are initialized wakers owned by the list; `inline[len..]`
/// are uninitialized. Building one writes nothing to the array, and dropping one touches
/// only the `len` wakers it holds.
pub(crate) struct WakeList {
    inline: [MaybeUninit<Waker>; 32],
    len: usize,
    spill: Vec<Waker>,
}

impl WakeList {
    /// An empty list.
    pub(crate) fn new() -> WakeList {
        WakeList {
            inline: [const { MaybeUninit::uninit() }; 32],
            len: 0,
            spill: Vec::new(),
        }
    }

    /// Adds a waker.
    pub(crate) fn push(&mut self, waker: Waker) {
        if self.len < self.inline.len() {
            self.inline[self.len].write(waker);
            self.len += 1;
        } else {
            self.spill.push(waker);
        }
    }

    /// Wakes every collected waker, in the order pushed.
    pub(crate) fn wake_all(mut self) {
        let len = std::mem::replace(&mut self.len, 0);
        for slot in &self.inline[..len] {
            // SAFETY: `slot` is among the first `len` slots, initialized (the invariant);
            // `self.len` is 0 now, so each waker is read out once and `drop` will not
            // read it again, even if a `wake` panics (the rest then leak, never
            // double-drop).
            let waker = unsafe { slot.assume_init_read() };
            waker.wake();
        }
        for w in std::mem::take(&mut self.spill) {
            w.wake();
        }
    }
}

impl Drop for WakeList {
    fn drop(&mut self) {
        for slot in &mut self.inline[..self.len] {
            // SAFETY: the first `len` slots are initialized and owned by the list (the
            // invariant); each is dropped once, here.
            unsafe { slot.assume_init_drop() };
        }
    }
}

impl Default for WakeList {
    fn default() -> Self {
        WakeList::new()
    }
}

impl fmt::Debug for WakeList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WakeList")
            .field("len", &(self.len + self.spill.len()))
            .finish()
    }
}

#[cfg(all(test, not(runtime_loom)))]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::task::Wake;

    struct Count(crate::loom::sync::atomic::AtomicUsize);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    fn waker() -> (Arc<Count>, Waker) {
        let c = Arc::new(Count(crate::loom::sync::atomic::AtomicUsize::new(0)));
        (c.clone(), Waker::from(c))
    }

    #[test]
    fn fifo_order_and_data_hand_off() {
        let mut list = WaitList::<u32>::new();
        let (_, w) = waker();
        let mut a = Box::pin(Node::new(1));
        let mut b = Box::pin(Node::new(2));
        let mut c = Box::pin(Node::new(3));
        list.enqueue(a.as_mut(), &w);
        list.enqueue(b.as_mut(), &w);
        list.enqueue(c.as_mut(), &w);
        list.enqueue(a.as_mut(), &w); // re-enqueue keeps the place
        assert_eq!(list.len(), 3);
        assert_eq!(list.front_mut().copied(), Some(1));
        assert!(list.pop_front_with(|d| *d += 10).unwrap().is_some());
        assert!(!list.is_queued(a.as_mut()));
        assert_eq!(*list.data(a.as_mut()), 11);
        assert!(list.remove(c.as_mut()));
        assert!(!list.remove(c.as_mut()));
        assert_eq!(list.front_mut().copied(), Some(2));
        list.pop_front_with(|_| {});
        assert!(list.is_empty());
        assert!(list.pop_front_with(|_| {}).is_none());
    }

    #[test]
    fn remove_from_middle_and_ends_keeps_links() {
        let mut list = WaitList::<u32>::new();
        let (_, w) = waker();
        let mut nodes: Vec<_> = (0..5).map(|i| Box::pin(Node::new(i))).collect();
        for n in &mut nodes {
            list.enqueue(n.as_mut(), &w);
        }
        assert!(list.remove(nodes[2].as_mut()));
        assert!(list.remove(nodes[0].as_mut()));
        assert!(list.remove(nodes[4].as_mut()));
        let mut order = Vec::new();
        let mut wakers = WakeList::new();
        list.drain_with(|d| order.push(*d), &mut wakers);
        assert_eq!(order, [1, 3]);
        // Re-queue after a wake: the node goes to the back again.
        list.enqueue(nodes[1].as_mut(), &w);
        list.enqueue(nodes[3].as_mut(), &w);
        list.enqueue(nodes[0].as_mut(), &w);
        let mut order = Vec::new();
        list.drain_with(|d| order.push(*d), &mut WakeList::new());
        assert_eq!(order, [1, 3, 0]);
    }

    #[test]
    fn drain_matching_keeps_the_others_in_order() {
        let mut list = WaitList::<u32>::new();
        let (count, w) = waker();
        let mut nodes: Vec<_> = (0..5).map(|i| Box::pin(Node::new(i))).collect();
        for n in &mut nodes {
            list.enqueue(n.as_mut(), &w);
        }
        let mut wakers = WakeList::new();
        list.drain_matching_with(|d| d % 2 == 0, |d| *d += 10, &mut wakers);
        wakers.wake_all();
        assert_eq!(count.0.load(Ordering::SeqCst), 3);
        assert_eq!(list.len(), 2);
        assert_eq!(*list.data(nodes[0].as_mut()), 10);
        assert_eq!(*list.data(nodes[4].as_mut()), 14);
        let mut order = Vec::new();
        list.drain_with(|d| order.push(*d), &mut WakeList::new());
        assert_eq!(order, [1, 3]);
    }

    #[test]
    fn wake_list_wakes_inline_and_spilled() {
        let (count, w) = waker();
        let mut list = WakeList::new();
        for _ in 0..40 {
            list.push(w.clone());
        }
        list.wake_all();
        assert_eq!(count.0.load(Ordering::SeqCst), 40);
    }

    #[test]
    fn wake_list_dropped_unwoken_releases_every_waker_once() {
        let count = Arc::new(Count(crate::loom::sync::atomic::AtomicUsize::new(0)));
        for n in [0, 1, 32, 33, 40] {
            let mut list = WakeList::new();
            for _ in 0..n {
                list.push(Waker::from(count.clone()));
            }
            assert_eq!(Arc::strong_count(&count), n + 1);
            drop(list);
            assert_eq!(
                Arc::strong_count(&count),
                1,
                "{n} wakers, each dropped once"
            );
        }
        let mut list = WakeList::new();
        for _ in 0..3 {
            list.push(Waker::from(count.clone()));
        }
        list.wake_all();
        assert_eq!(
            Arc::strong_count(&count),
            1,
            "woken wakers are consumed, not leaked"
        );
        assert_eq!(count.0.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn refreshing_a_queued_waker_replaces_it() {
        let mut list = WaitList::<()>::new();
        let (first, w1) = waker();
        let (second, w2) = waker();
        let mut n = Box::pin(Node::new(()));
        list.enqueue(n.as_mut(), &w1);
        list.enqueue(n.as_mut(), &w2);
        list.pop_front_with(|_| {}).unwrap().unwrap().wake();
        assert_eq!(first.0.load(Ordering::SeqCst), 0);
        assert_eq!(second.0.load(Ordering::SeqCst), 1);
    }

    #[test]
    #[should_panic(expected = "does not belong")]
    fn a_node_used_with_another_list_panics() {
        let mut one = WaitList::<()>::new();
        let mut other = WaitList::<()>::new();
        let (_, w) = waker();
        let mut n = Box::pin(Node::new(()));
        one.enqueue(n.as_mut(), &w);
        one.remove(n.as_mut());
        other.enqueue(n.as_mut(), &w);
    }
}
