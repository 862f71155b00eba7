//! The state behind a queue's lock, and the transitions its operations share.
//!
//! # Invariants (all under the lock)
//!
//! 1. **Promised items.** `promised_items` counts the items a `put` promised to a getter it
//!    woke (its node's slot is [`GetSlot::Item`]) that the getter has not yet taken or
//!    given back. They are still in `items`, so `promised_items <= items.len()`, except
//!    after an immediate shutdown, which drops every item and sets `promised_items` to 0
//!    for good (no item is put after a shutdown): a getter holding a promise then finds
//!    `items` empty and `promised_items == 0`.
//! 2. **Getters wait only for nothing.** While `getters` is not empty, every stored item
//!    is promised (`items.len() == promised_items`): a `put` promises its item to the
//!    first waiting getter, and a getter waits only when nothing unpromised is stored. So
//!    a new `get` never overtakes a waiting one.
//! 3. **Promised room.** `promised_room` counts the free places a `get` promised to a
//!    putter it woke ([`PutSlot::Room`]) that the putter has not yet filled or given back.
//!    A bounded queue has room for a new item when `items.len() + promised_room <
//!    maxsize`, so `items.len()` never exceeds `maxsize`.
//! 4. **Putters wait only for room.** While `putters` is not empty there is no room
//!    (rule 3's sum is at least `maxsize`): room freed by a `get` is promised to the
//!    first waiting putter at once. So a new `put` never overtakes a waiting one.
//! 5. **Unfinished.** `unfinished` counts items put and not yet marked done with
//!    `task_done` (less the items an immediate shutdown dropped); when it reaches 0 every
//!    joiner is handed `true` and woken.
//! 6. **Shut down.** Once `shut_down` is set, nothing is put again, and the `getters` and
//!    `putters` lists were drained with [`GetSlot::ShutDown`]/[`PutSlot::ShutDown`]; a
//!    node that finds `shut_down` set never queues again.
//!
//! A promise handed to a waiter that is dropped before it polls goes to the next waiter
//! of its list, or back to everyone when the list is empty ([`State::release_item`],
//! [`State::release_room`]): no item and no room is ever lost.
use super::container::Container;
use crate::sync::wait_list::{WaitList, WakeList};
use std::task::Waker;

/// What a waiting `get` was handed.
#[derive(Default, Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum GetSlot {
    /// Nothing yet.
    #[default]
    Waiting,
    /// One of the stored items is promised to this getter (rule 1).
    Item,
    /// The queue was shut down while this getter waited for an item.
    ShutDown,
}

/// What a waiting `put` was handed.
#[derive(Default, Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum PutSlot {
    /// Nothing yet.
    #[default]
    Waiting,
    /// A free place is promised to this putter (rule 3).
    Room,
    /// The queue was shut down while this putter waited for room.
    ShutDown,
}

pub(super) struct State<C> {
    pub(super) items: C,
    /// 0: unbounded.
    pub(super) maxsize: usize,
    pub(super) promised_items: usize,
    pub(super) promised_room: usize,
    pub(super) unfinished: usize,
    pub(super) shut_down: bool,
    pub(super) getters: WaitList<GetSlot>,
    pub(super) putters: WaitList<PutSlot>,
    /// Slot: `true` once `unfinished` reached 0 after the joiner queued.
    pub(super) joiners: WaitList<bool>,
}

impl<C: Container> State<C> {
    pub(super) fn new(maxsize: usize) -> Self {
        State {
            items: C::default(),
            maxsize,
            promised_items: 0,
            promised_room: 0,
            unfinished: 0,
            shut_down: false,
            getters: WaitList::new(),
            putters: WaitList::new(),
            joiners: WaitList::new(),
        }
    }

    /// Whether a new item may be stored now (rule 3).
    pub(super) fn has_room(&self) -> bool {
        self.maxsize == 0 || self.items.len() + self.promised_room < self.maxsize
    }

    /// Whether a stored item is not promised to anyone (rule 1).
    pub(super) fn can_take(&self) -> bool {
        self.items.len() > self.promised_items
    }

    /// Stores `item` (the caller checked `has_room` or holds a promise of room, and the
    /// queue is not shut down), counts it unfinished and promises an item to the first
    /// waiting getter (rule 2). Returns the getter's waker.
    pub(super) fn push(&mut self, item: C::Item) -> Option<Waker> {
        debug_assert!(!self.shut_down);
        self.items.push(item);
        self.unfinished += 1;
        let waker = self.getters.pop_front_with(|s| *s = GetSlot::Item)?;
        self.promised_items += 1;
        waker
    }

    /// Takes an unpromised item, if any, promising the room it frees (rule 4).
    pub(super) fn try_take(&mut self) -> Option<(C::Item, Option<Waker>)> {
        if !self.can_take() {
            return None;
        }
        let item = self.items.pop()?;
        Some((item, self.grant_room()))
    }

    /// Takes the item promised to the caller; `None` when an immediate shutdown dropped it
    /// (rule 1).
    pub(super) fn take_promised(&mut self) -> Option<(C::Item, Option<Waker>)> {
        let item = self.items.pop()?;
        self.promised_items -= 1;
        Some((item, self.grant_room()))
    }

    /// Shuts the queue down (rule 6), draining the waiters into `wakers`. With
    /// `immediate`, also empties the queue, counting the dropped items done, and returns
    /// them so that the caller drops them after releasing the lock (their `Drop` is user
    /// code).
    pub(super) fn shutdown(&mut self, immediate: bool, wakers: &mut WakeList) -> Option<C> {
        self.shut_down = true;
        let dropped = immediate.then(|| std::mem::take(&mut self.items));
        if let Some(dropped) = &dropped {
            let n = dropped.len();
            self.unfinished = self.unfinished.saturating_sub(n);
            self.promised_items = 0;
            if self.unfinished == 0 {
                self.joiners.drain_with(|done| *done = true, wakers);
            }
        }
        self.getters.drain_with(|s| *s = GetSlot::ShutDown, wakers);
        self.putters.drain_with(|s| *s = PutSlot::ShutDown, wakers);
        dropped
    }

    /// Promises the room one `get` freed to the first waiting putter (rule 4).
    fn grant_room(&mut self) -> Option<Waker> {
        if !self.has_room() {
            return None;
        }
        let waker = self.putters.pop_front_with(|s| *s = PutSlot::Room)?;
        self.promised_room += 1;
        waker
    }
}

impl<C> State<C> {
    /// A getter holding a promised item gives it up: it passes to the next waiting getter,
    /// or becomes free for anyone. Returns the next getter's waker.
    pub(super) fn release_item(&mut self) -> Option<Waker> {
        if self.promised_items == 0 {
            // An immediate shutdown dropped the items and every promise with them (rule 1).
            return None;
        }
        match self.getters.pop_front_with(|s| *s = GetSlot::Item) {
            Some(waker) => waker,
            None => {
                self.promised_items -= 1;
                None
            }
        }
    }

    /// A putter holding promised room gives it up: it passes to the next waiting putter,
    /// or becomes free for anyone. Returns the next putter's waker.
    pub(super) fn release_room(&mut self) -> Option<Waker> {
        match self.putters.pop_front_with(|s| *s = PutSlot::Room) {
            Some(waker) => waker,
            None => {
                self.promised_room -= 1;
                None
            }
        }
    }

    /// Marks one item done (rule 5): `None` when nothing was unfinished; else the joiners
    /// to wake, collected only when the count reached 0 with joiners waiting (so the
    /// common call builds no `WakeList`).
    pub(super) fn task_done(&mut self) -> Option<Option<WakeList>> {
        if self.unfinished == 0 {
            return None;
        }
        self.unfinished -= 1;
        if self.unfinished > 0 || self.joiners.is_empty() {
            return Some(None);
        }
        let mut wakers = WakeList::new();
        self.joiners.drain_with(|done| *done = true, &mut wakers);
        Some(Some(wakers))
    }
}
