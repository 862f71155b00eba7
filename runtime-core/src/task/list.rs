//! `OwnedTasks`: the registry of a runtime's live tasks.
//!
//! Every bound task is linked into one shard (chosen by its id) of intrusive doubly
//! linked lists threaded through `Header::owned`; the list holds one reference. Spawns on
//! different threads mostly take different shard locks, so the registry does not
//! serialize them. Shutdown sets `closed` and then drains every shard; a bind checks
//! `closed` under its shard's lock, so a task is either drained by shutdown or refused
//! and cancelled at once (`loom_registry_bind_vs_close`).
use super::raw::{Header, RawTask};
use super::{Notified, Schedule, Task};
use crate::loom::sync::atomic::{AtomicBool, Ordering::*};
use crate::loom::sync::Mutex;
use crossbeam_utils::CachePadded;
use std::marker::PhantomData;
use std::ptr::NonNull;

/// The registry of one runtime.
pub(crate) struct OwnedTasks<S: 'static> {
    shards: Box<[CachePadded<Mutex<Shard>>]>,
    mask: usize,
    closed: AtomicBool,
    _p: PhantomData<fn(S)>,
}

struct Shard {
    head: Option<NonNull<Header>>,
    len: usize,
}

// SAFETY: the raw pointers in a shard are only followed while its mutex is held, and the
// tasks they point to are `Send` (see `RawTask`).
unsafe impl Send for Shard {}

impl<S: Schedule> OwnedTasks<S> {
    /// A registry with at least `shards` shards (rounded up to a power of two).
    pub(crate) fn new(shards: usize) -> OwnedTasks<S> {
        let n = shards.max(1).next_power_of_two();
        OwnedTasks {
            shards: (0..n)
                .map(|_| CachePadded::new(Mutex::new(Shard { head: None, len: 0 })))
                .collect(),
            mask: n - 1,
            closed: AtomicBool::new(false),
            _p: PhantomData,
        }
    }

    fn shard(&self, raw: RawTask) -> &Mutex<Shard> {
        &self.shards[(raw.id().as_u64() as usize) & self.mask]
    }

    /// Links a freshly allocated task (holding its three initial references). Returns the
    /// Notified to schedule, or `None` when the registry is closed: the task was then
    /// cancelled on this thread and its handle yields a cancellation error.
    pub(crate) fn bind(&self, raw: RawTask) -> Option<Notified<S>> {
        {
            let mut shard = self.shard(raw).lock();
            if !self.closed.load(Acquire) {
                // SAFETY: we hold the shard lock, and a fresh task is in no list.
                unsafe { shard.push_front(raw.header_ptr()) };
                // SAFETY: a fresh task's three initial references are ours (rule 1); this
                // one becomes the Notified.
                return Some(Notified(unsafe { Task::from_raw(raw) }));
            }
        }
        // Closed: cancel now with the registry's reference, then drop the Notified's.
        // SAFETY: the registry's initial reference of a task never linked (rules 1, 5).
        unsafe { raw.shutdown() };
        // SAFETY: the Notified's initial reference, still ours; dropping it gives it up.
        drop(Notified::<S>(unsafe { Task::from_raw(raw) }));
        None
    }

    /// Unlinks `task` if it is still linked; returns the registry's reference.
    pub(crate) fn remove(&self, task: &Task<S>) -> Option<Task<S>> {
        let raw = task.raw();
        let mut shard = self.shard(raw).lock();
        // SAFETY: the shard lock is held and a task can only be linked in its own shard.
        let removed = unsafe { shard.remove(raw.header_ptr()) };
        // SAFETY: unlinking hands us the registry's reference (rules 1, 5).
        removed.then(|| unsafe { Task::from_raw(raw) })
    }

    /// Refuses further binds and cancels every linked task, on this thread.
    pub(crate) fn close_and_shutdown_all(&self) {
        self.closed.store(true, Release);
        for shard in self.shards.iter() {
            loop {
                let batch: Vec<RawTask> = {
                    let mut s = shard.lock();
                    let mut batch = Vec::with_capacity(s.len.min(256));
                    while batch.len() < 256 {
                        // SAFETY: the shard lock is held.
                        match unsafe { s.pop_front() } {
                            // SAFETY: a linked task is alive, the registry holding a
                            // reference (rule 1); popping hands that reference to us.
                            Some(ptr) => batch.push(unsafe { RawTask::from_raw(ptr) }),
                            None => break,
                        }
                    }
                    batch
                };
                if batch.is_empty() {
                    break;
                }
                for raw in batch {
                    // SAFETY: the registry's reference of a task we unlinked (rules 1, 5).
                    unsafe { raw.shutdown() };
                }
            }
        }
    }

    /// Whether [`close_and_shutdown_all`](Self::close_and_shutdown_all) started.
    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Acquire)
    }

    /// Number of live (linked) tasks.
    pub(crate) fn len(&self) -> usize {
        self.shards.iter().map(|s| s.lock().len).sum()
    }
}

impl Shard {
    /// # Safety
    /// The shard lock is held and `node` is in no list.
    unsafe fn push_front(&mut self, node: NonNull<Header>) {
        // SAFETY: the node is alive (the caller holds references) and unlinked; the list
        // fields are guarded by the shard lock we hold.
        unsafe {
            let h = node.as_ref();
            h.owned.next.with_mut(|n| *n = self.head);
            h.owned.prev.with_mut(|p| *p = None);
            if let Some(old) = self.head {
                old.as_ref().owned.prev.with_mut(|p| *p = Some(node));
            }
        }
        self.head = Some(node);
        self.len += 1;
    }

    /// # Safety
    /// The shard lock is held.
    unsafe fn pop_front(&mut self) -> Option<NonNull<Header>> {
        let node = self.head?;
        // SAFETY: linked nodes are alive (the list holds a reference each); the lock is held.
        unsafe {
            let h = node.as_ref();
            let next = h.owned.next.with(|n| *n);
            self.head = next;
            if let Some(next) = next {
                next.as_ref().owned.prev.with_mut(|p| *p = None);
            }
            h.owned.next.with_mut(|n| *n = None);
            h.owned.prev.with_mut(|p| *p = None);
        }
        self.len -= 1;
        Some(node)
    }

    /// Unlinks `node` when it is in this list; returns whether it was.
    ///
    /// # Safety
    /// The shard lock is held; `node` is alive and either in this list or in none.
    unsafe fn remove(&mut self, node: NonNull<Header>) -> bool {
        // SAFETY: see the function's contract; neighbours are linked, hence alive.
        unsafe {
            let h = node.as_ref();
            let prev = h.owned.prev.with(|p| *p);
            let next = h.owned.next.with(|n| *n);
            match prev {
                Some(prev) => prev.as_ref().owned.next.with_mut(|n| *n = next),
                None => {
                    if self.head != Some(node) {
                        // Not linked (never bound, or already drained by shutdown).
                        return false;
                    }
                    self.head = next;
                }
            }
            if let Some(next) = next {
                next.as_ref().owned.prev.with_mut(|p| *p = prev);
            }
            h.owned.next.with_mut(|n| *n = None);
            h.owned.prev.with_mut(|p| *p = None);
        }
        self.len -= 1;
        true
    }
}
