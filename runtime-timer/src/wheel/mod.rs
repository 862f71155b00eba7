//! [`Wheel`]: a hierarchical timing wheel (Varghese & Lauck, "Hashed and
//! Hierarchical Timing Wheels: Data Structures for the Efficient Implementation
//! of a Timer Facility", SOSP 1987, scheme 7), single-threaded and pure: it
//! never reads a clock, so callers and tests drive time by hand.
//!
//! # Time
//!
//! Deadlines and "now" are `u64` nanoseconds since the wheel's start (the driver
//! converts its `Instant`s). The wheel works in *ticks* of 1 ms
//! (`tick = ns / 1_000_000`) but keeps every entry's exact deadline, and fires an
//! entry only once `now >= deadline` exactly: never early, and never a whole tick
//! late just because of the tick grid. [`NEVER`] (`u64::MAX`, about 584 years
//! after the start) is a deadline that never fires.
//!
//! # Levels
//!
//! Six levels of 64 slots. A slot of level `l` spans `64^l` ticks, a whole level
//! `64^(l+1)`: level 0 has one slot per millisecond for the next 64 ms, level 1
//! one per 64 ms for the next 4 s, then 4.4 min, 4.7 h, 12.4 days, and level 5
//! turns once in `64^6` ms, about 2.18 years ([`HORIZON`]).
//!
//! An entry goes to the level of the highest 6-bit digit in which its tick
//! differs from `elapsed` (the tick the wheel has processed up to), and there
//! to the slot named by its own digit at that level, so
//!
//! 1. **level `l < 5` holds only ticks in the same `64^(l+1)` block as
//!    `elapsed`**, in a slot after `elapsed`'s own (level 0: at or after it);
//! 2. every entry of a lower level is due before every slot of a higher one,
//!    so the next slot to process is the first occupied slot of the lowest
//!    occupied level, found with one `rotate_right` + `trailing_zeros` on the
//!    level's 64-bit occupancy word: [`next_expiration`](Wheel::next_expiration)
//!    is O(levels);
//! 3. insert, remove and reset link or unlink one node of an index-linked list:
//!    O(1), whatever the number of timers.
//!
//! # Cascade
//!
//! [`advance`](Wheel::advance) processes the occupied slots whose start has
//! come, in time order. Processing a slot moves `elapsed` to the slot's start
//! and re-inserts each of its entries: due ones (deadline ≤ now) go to the
//! ready list that [`pop`](Wheel::pop) empties; the others land on a lower level,
//! because relative to the new `elapsed` they differ in a lower digit (rule 1).
//! An entry therefore moves down at most five times before it fires.
//!
//! An entry of level 0 whose millisecond has come but whose exact deadline lies
//! later in that millisecond stays in its slot; [`next_deadline`](Wheel::next_deadline)
//! reports its exact deadline, so a driver can park until then (punctual firing)
//! instead of until the next tick.
//!
//! # The current millisecond
//!
//! Firing at exact deadlines means a driver may advance many times within one
//! millisecond. So the first time the current tick's slot is processed, what is
//! not due yet is sorted by deadline and kept in order (`sorted` names that tick):
//! later advances within the tick only take due entries off the front, O(fired),
//! instead of walking the whole slot each time (with thousands of timers in one
//! millisecond that walk cost more CPU than the millisecond lasts). An entry
//! inserted into that slot while it is sorted is put in its place (a walk of the
//! slot; such inserts are due within the millisecond, so rare).
//!
//! # Horizon
//!
//! A tick that differs from `elapsed` above level 5 (more than one turn of the
//! top level ahead) still goes to level 5, in the slot of its own level-5 digit.
//! The top level is a ring: a slot's expiry is the *next* time its start comes
//! round after `elapsed`, which is never after the entry's tick. When that slot
//! is processed the entry is re-inserted: still far, it waits in the top level
//! for another turn; within the horizon, it cascades like any other. So a
//! deadline years away, or [`NEVER`], neither fires early nor overflows
//! anything; it costs one re-insertion per 2.18-year turn.
//!
//! # Next deadline
//!
//! Each slot keeps the minimum deadline of its entries, updated on insert and
//! recomputed when the slot is processed. Removing an entry leaves it as is,
//! so it is a lower bound: a driver may wake once too early after a cancel (and
//! the wake processes the slot, making it exact again), but never late.

mod slab;
#[cfg(all(test, not(runtime_loom)))]
mod tests;
#[cfg(all(test, not(runtime_loom)))]
mod tests_model;

pub use slab::Key;
use slab::{ListId, Slab, FREE, NIL, READY};
use std::fmt;

/// Bits of a tick each level resolves.
const SLOT_BITS: u32 = 6;
/// Slots per level.
const SLOTS: usize = 1 << SLOT_BITS;
/// Levels of the wheel.
const LEVELS: usize = 6;
/// The top level, whose slots form a ring (see "Horizon").
const TOP: usize = LEVELS - 1;
/// Nanoseconds per tick: the wheel's resolution is 1 ms.
pub const TICK_NS: u64 = 1_000_000;
/// Ticks in one turn of the top level: `64^6` ms, about 2.18 years. Deadlines
/// further ahead wait in the top level and are re-inserted as it turns.
pub const HORIZON: u64 = 1 << (SLOT_BITS * LEVELS as u32);
/// A deadline that never fires (`u64::MAX` ns, about 584 years after the start).
pub const NEVER: u64 = u64::MAX;

/// A hierarchical timing wheel of values `T` with nanosecond deadlines: O(1)
/// insert, remove and reset, O(levels) next expiration (see the module docs).
///
/// It is single-threaded and never reads a clock: [`advance`](Self::advance)
/// moves it to a time the caller read, and [`pop`](Self::pop) hands out what
/// became due. The runtime keeps one per worker behind a lock
/// ([`Timers`](crate::Timers)).
///
/// ```
/// use runtime_timer::Wheel;
///
/// const MS: u64 = 1_000_000; // deadlines are nanoseconds since the start
///
/// let mut wheel = Wheel::new();
/// let a = wheel.insert(5 * MS + 300, "a");
/// let _b = wheel.insert(70 * MS, "b");
/// let c = wheel.insert(9 * MS, "c");
/// assert_eq!(wheel.remove(c), Some("c"));
///
/// // The exact next deadline, not the start of its millisecond.
/// assert_eq!(wheel.next_deadline(), Some(5 * MS + 300));
///
/// let mut fired = Vec::new();
/// wheel.poll(5 * MS, &mut |value| fired.push(value)); // 300 ns early: nothing
/// assert!(fired.is_empty());
/// wheel.poll(5 * MS + 300, &mut |value| fired.push(value));
/// assert_eq!(fired, ["a"]);
/// assert_eq!(wheel.remove(a), None); // it fired: the key is stale
///
/// wheel.poll(u64::MAX, &mut |value| fired.push(value));
/// assert_eq!(fired, ["a", "b"]);
/// assert!(wheel.is_empty());
/// ```
pub struct Wheel<T> {
    slab: Slab<T>,
    levels: [Level; LEVELS],
    /// Head of the ready list: entries found due, waiting for [`pop`](Self::pop).
    ready: u32,
    /// The tick processed up to: every slot whose expiry is before it is empty.
    elapsed: u64,
    /// The latest time [`advance`](Self::advance) was given, in ns.
    now: u64,
    /// The tick whose level-0 slot is sorted by deadline ("The current
    /// millisecond"), or [`NEVER`].
    sorted: u64,
    len: usize,
}

/// One level: 64 list heads, their occupancy bits and their minimum deadlines.
#[derive(Debug)]
struct Level {
    /// Bit `s` set iff slot `s` is non-empty.
    occupied: u64,
    heads: [u32; SLOTS],
    /// A lower bound on the deadlines in each slot ([`NEVER`] when empty).
    min: [u64; SLOTS],
}

impl Level {
    const fn new() -> Self {
        Self {
            occupied: 0,
            heads: [NIL; SLOTS],
            min: [NEVER; SLOTS],
        }
    }
}

/// The (level, slot) of a tick relative to `elapsed` (`tick >= elapsed`): the
/// level of the highest 6-bit digit where they differ, capped at the top level,
/// and the tick's own digit there.
fn position(elapsed: u64, tick: u64) -> (usize, usize) {
    debug_assert!(tick >= elapsed, "{tick} < {elapsed}");
    let masked = (elapsed ^ tick) | (SLOTS as u64 - 1);
    let significant = u64::BITS - 1 - masked.leading_zeros();
    let level = ((significant / SLOT_BITS) as usize).min(TOP);
    let slot = (tick >> (level as u32 * SLOT_BITS)) as usize % SLOTS;
    (level, slot)
}

/// The list id of a (level, slot).
fn list_id(level: usize, slot: usize) -> ListId {
    // At most 5 * 64 + 63 = 383: fits.
    (level * SLOTS + slot) as ListId
}

impl<T> Wheel<T> {
    /// An empty wheel at time 0.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            slab: Slab::new(),
            levels: [const { Level::new() }; LEVELS],
            ready: NIL,
            elapsed: 0,
            now: 0,
            sorted: NEVER,
            len: 0,
        }
    }

    /// Number of entries stored (waiting or due but not popped).
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// `true` when no entry is stored.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The latest time given to [`advance`](Self::advance) (ns since the start).
    #[must_use]
    pub fn now(&self) -> u64 {
        self.now
    }

    /// Stores `value` to fire at `deadline` (ns since the start). A deadline at
    /// or before [`now`](Self::now) is due at once: the next [`pop`](Self::pop)
    /// returns it. O(1).
    ///
    /// # Panics
    ///
    /// With 4 billion entries stored.
    #[track_caller]
    pub fn insert(&mut self, deadline: u64, value: T) -> Key {
        let key = self.slab.alloc(value, deadline);
        self.place(key.index);
        self.len += 1;
        key
    }

    /// Takes the entry out of the wheel, if it is still there (neither popped
    /// nor removed). O(1).
    pub fn remove(&mut self, key: Key) -> Option<T> {
        let index = self.slab.find(key)?;
        self.unlink(index);
        self.len -= 1;
        Some(self.slab.free(index))
    }

    /// Moves a stored entry to a new deadline, keeping its key. O(1). Returns
    /// `false` (and changes nothing) if the entry is no longer stored.
    pub fn reset(&mut self, key: Key, deadline: u64) -> bool {
        let Some(index) = self.slab.find(key) else {
            return false;
        };
        self.unlink(index);
        self.slab.node_mut(index).deadline = deadline;
        self.place(index);
        true
    }

    /// The deadline of a stored entry.
    #[must_use]
    pub fn deadline(&self, key: Key) -> Option<u64> {
        let index = self.slab.find(key)?;
        Some(self.slab.node(index).deadline)
    }

    /// The tick (ms since the start) at which the next slot is due to be
    /// processed: the current tick if an entry is due already, `None` iff the
    /// wheel is empty. A slot of a higher level expires at its start, so this is
    /// when the next cascade is due, which may be before the next deadline
    /// (see [`next_deadline`](Self::next_deadline) for that). O(levels).
    #[must_use]
    pub fn next_expiration(&self) -> Option<u64> {
        if self.ready != NIL {
            return Some(self.elapsed);
        }
        self.next_slot().map(|(_, _, expiry)| expiry)
    }

    /// When the next entry is due, in ns since the start: never later than the
    /// earliest stored deadline, and equal to it unless an entry of the same
    /// slot was removed since the slot was last processed (then it is that
    /// entry's deadline, a lower bound). [`now`](Self::now) when an entry is due
    /// already; `None` when the wheel is empty or holds only [`NEVER`] entries.
    /// O(levels), plus a scan of the top level's occupied slots (at most 64)
    /// when only the top level holds entries.
    #[must_use]
    pub fn next_deadline(&self) -> Option<u64> {
        if self.ready != NIL {
            return Some(self.now);
        }
        let min = (0..TOP)
            .find_map(|level| {
                let (slot, _) = self.next_slot_in(level)?;
                Some(self.levels[level].min[slot])
            })
            .unwrap_or_else(|| {
                // Far entries share the top level's ring with near ones, so its
                // first slot is not always its earliest: take the least of all.
                let top = &self.levels[TOP];
                let mut bits = top.occupied;
                let mut min = NEVER;
                while bits != 0 {
                    min = min.min(top.min[bits.trailing_zeros() as usize]);
                    bits &= bits - 1;
                }
                min
            });
        (min != NEVER).then_some(min)
    }

    /// Moves the wheel to `now` (ns since the start): every entry with
    /// `deadline <= now` becomes due, for [`pop`](Self::pop) to hand out,
    /// cascading the slots whose time has come. A `now` earlier than the wheel's
    /// [`now`](Self::now) changes nothing. [`NEVER`] entries never become due.
    pub fn advance(&mut self, now: u64) {
        let now = now.min(NEVER - 1);
        if now < self.now {
            return;
        }
        self.now = now;
        let now_tick = now / TICK_NS;
        while let Some((level, slot, expiry)) = self.next_slot() {
            if expiry > now_tick || (level == 0 && self.levels[0].min[slot] > now) {
                // Not due yet; or the current tick's slot, holding only
                // deadlines later in this tick (its minimum is a lower bound).
                break;
            }
            self.elapsed = expiry;
            if level == 0 && expiry == now_tick {
                // The current tick: take what is due, keep the rest sorted.
                self.advance_current(slot, now);
                break;
            }
            let mut index = self.take_slot(level, slot);
            while index != NIL {
                let next = self.slab.node(index).next;
                self.place(index);
                index = next;
            }
        }
        self.elapsed = now_tick;
    }

    /// Moves the due entries of the current tick's slot to the ready list,
    /// sorting the slot the first time ("The current millisecond").
    fn advance_current(&mut self, slot: usize, now: u64) {
        let list = list_id(0, slot);
        if self.sorted != self.elapsed {
            let mut index = self.take_slot(0, slot);
            let mut later = Vec::new();
            while index != NIL {
                let node = self.slab.node(index);
                let next = node.next;
                if node.deadline <= now {
                    self.link(index, READY);
                } else {
                    later.push((node.deadline, index));
                }
                index = next;
            }
            // Linking pushes to the front: link the latest first.
            later.sort_unstable_by(|a, b| b.cmp(a));
            for &(_, index) in &later {
                self.link(index, list);
            }
            if let Some(&(first, _)) = later.last() {
                let level = &mut self.levels[0];
                level.occupied |= 1 << slot;
                level.min[slot] = first;
            }
            self.sorted = self.elapsed;
            return;
        }
        loop {
            let head = self.levels[0].heads[slot];
            if head == NIL || self.slab.node(head).deadline > now {
                break;
            }
            self.unlink(head);
            self.link(head, READY);
        }
    }

    /// The due entry [`pop`](Self::pop) would take next, and its key, without
    /// taking it: the caller may [`reset`](Self::reset) it to a later deadline
    /// instead (the timers' lazy reset). O(1).
    #[must_use]
    pub fn peek(&self) -> Option<(Key, &T)> {
        let index = self.ready;
        if index == NIL {
            return None;
        }
        let node = self.slab.node(index);
        let key = Key {
            index,
            generation: node.generation,
        };
        node.value.as_ref().map(|value| (key, value))
    }

    /// Takes one due entry, if any (after [`advance`](Self::advance)).
    pub fn pop(&mut self) -> Option<T> {
        let index = self.ready;
        if index == NIL {
            return None;
        }
        self.unlink(index);
        self.len -= 1;
        Some(self.slab.free(index))
    }

    /// [`advance`](Self::advance) to `now`, then hand every due entry to `fire`.
    pub fn poll(&mut self, now: u64, fire: &mut impl FnMut(T)) {
        self.advance(now);
        while let Some(value) = self.pop() {
            fire(value);
        }
    }

    /// Takes every stored entry out, due or not, in no particular order.
    pub fn drain(&mut self) -> Vec<T> {
        self.sorted = NEVER;
        let mut out = Vec::with_capacity(self.len);
        for index in 0..self.slab.nodes.len() {
            let index = index as u32; // the slab never holds more than u32::MAX
            if self.slab.node(index).list != FREE {
                self.unlink(index);
                out.push(self.slab.free(index));
            }
        }
        self.len = 0;
        out
    }

    /// Files a node that is on no list: ready if due, else in its slot.
    fn place(&mut self, index: u32) {
        let deadline = self.slab.node(index).deadline;
        if deadline <= self.now {
            self.link(index, READY);
            return;
        }
        // `deadline > now >= elapsed * TICK_NS`, so `tick >= elapsed`.
        let tick = deadline / TICK_NS;
        let (level, slot) = position(self.elapsed, tick);
        if tick == self.sorted {
            self.link_sorted(index, list_id(level, slot), deadline);
        } else {
            self.link(index, list_id(level, slot));
        }
        let level = &mut self.levels[level];
        level.occupied |= 1 << slot;
        level.min[slot] = level.min[slot].min(deadline);
    }

    /// The next slot to process: the first occupied slot of the lowest
    /// occupied level, with its expiry tick.
    fn next_slot(&self) -> Option<(usize, usize, u64)> {
        (0..LEVELS).find_map(|level| {
            let (slot, expiry) = self.next_slot_in(level)?;
            Some((level, slot, expiry))
        })
    }

    /// The first occupied slot of `level` in time order, and its expiry tick.
    fn next_slot_in(&self, level: usize) -> Option<(usize, u64)> {
        let occupied = self.levels[level].occupied;
        if occupied == 0 {
            return None;
        }
        let shift = level as u32 * SLOT_BITS;
        let current = (self.elapsed >> shift) as u32 % SLOTS as u32;
        // The top level's current slot holds only far entries (a whole turn
        // away), so its search starts after it; lower levels hold nothing before
        // `elapsed`'s own slot (rule 1).
        let from = if level == TOP {
            (current + 1) % SLOTS as u32
        } else {
            current
        };
        let slot = ((from + occupied.rotate_right(from).trailing_zeros()) % SLOTS as u32) as usize;
        let span = 1u64 << (shift + SLOT_BITS);
        let mut expiry = (self.elapsed & !(span - 1)) + ((slot as u64) << shift);
        if level == TOP && expiry <= self.elapsed {
            expiry += span;
        }
        debug_assert!(
            expiry > self.elapsed || (level == 0 && expiry == self.elapsed),
            "slot {slot} of level {level} expired unprocessed (elapsed {})",
            self.elapsed
        );
        Some((slot, expiry))
    }

    /// Empties a slot and returns the head of its former list.
    fn take_slot(&mut self, level: usize, slot: usize) -> u32 {
        if level == 0 && self.sorted != NEVER && self.sorted % SLOTS as u64 == slot as u64 {
            self.sorted = NEVER;
        }
        let level = &mut self.levels[level];
        level.occupied &= !(1 << slot);
        level.min[slot] = NEVER;
        std::mem::replace(&mut level.heads[slot], NIL)
        // The taken nodes keep stale `list`/`prev` fields until `place`
        // relinks each of them, which it does before anything else reads them.
    }

    fn head_mut(&mut self, list: ListId) -> &mut u32 {
        if list == READY {
            &mut self.ready
        } else {
            let list = usize::from(list);
            &mut self.levels[list / SLOTS].heads[list % SLOTS]
        }
    }

    /// Pushes a node that is on no list onto the front of `list`.
    fn link(&mut self, index: u32, list: ListId) {
        let head = *self.head_mut(list);
        let node = self.slab.node_mut(index);
        node.prev = NIL;
        node.next = head;
        node.list = list;
        if head != NIL {
            self.slab.node_mut(head).prev = index;
        }
        *self.head_mut(list) = index;
    }

    /// Links a node that is on no list into the sorted `list` before the first
    /// node with a later deadline.
    fn link_sorted(&mut self, index: u32, list: ListId, deadline: u64) {
        let mut prev = NIL;
        let mut next = *self.head_mut(list);
        while next != NIL && self.slab.node(next).deadline <= deadline {
            prev = next;
            next = self.slab.node(next).next;
        }
        if prev == NIL {
            self.link(index, list);
            return;
        }
        let node = self.slab.node_mut(index);
        node.prev = prev;
        node.next = next;
        node.list = list;
        self.slab.node_mut(prev).next = index;
        if next != NIL {
            self.slab.node_mut(next).prev = index;
        }
    }

    /// Takes a node off its list, clearing the slot's bit when it empties.
    fn unlink(&mut self, index: u32) {
        let node = self.slab.node(index);
        let (prev, next, list) = (node.prev, node.next, node.list);
        if prev == NIL {
            *self.head_mut(list) = next;
        } else {
            self.slab.node_mut(prev).next = next;
        }
        if next != NIL {
            self.slab.node_mut(next).prev = prev;
        }
        if prev == NIL && next == NIL && list != READY {
            let (level, slot) = (usize::from(list) / SLOTS, usize::from(list) % SLOTS);
            let level = &mut self.levels[level];
            level.occupied &= !(1 << slot);
            level.min[slot] = NEVER;
        } else if prev == NIL
            && next != NIL
            && self.sorted != NEVER
            && list == list_id(0, (self.sorted % SLOTS as u64) as usize)
        {
            // The sorted slot's minimum stays exact: its new head.
            let min = self.slab.node(next).deadline;
            self.levels[0].min[usize::from(list)] = min;
        }
    }
}

impl<T> Default for Wheel<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> fmt::Debug for Wheel<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wheel")
            .field("len", &self.len)
            .field("now", &self.now)
            .field("elapsed", &self.elapsed)
            .field("next_deadline", &self.next_deadline())
            .finish_non_exhaustive()
    }
}
