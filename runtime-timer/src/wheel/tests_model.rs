//! Model-based property test: random inserts, removes, resets and clock
//! advances against a reference (a `BTreeMap` of live deadlines). Every live
//! timer fires exactly once, never early, never late, never after its removal;
//! the next deadline is never later than the earliest live one; and jumping
//! from next deadline to next deadline fires each timer at its exact deadline.

use super::*;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

const MS: u64 = TICK_NS;
const SEC: u64 = 1_000 * MS;
const DAY: u64 = 86_400 * SEC;
const YEAR: u64 = 365 * DAY;

#[derive(Clone, Debug)]
enum Op {
    /// Insert at `now + offset` (saturating), or at an absolute past time.
    Insert(Deadline),
    /// Remove the timer with this id (any id ever issued, live or not).
    Remove(usize),
    /// Reset the timer with this id.
    Reset(usize, Deadline),
    /// Move time forward by this much (saturating).
    Advance(u64),
    /// Move time to the wheel's next deadline.
    AdvanceToNext,
}

#[derive(Clone, Debug)]
enum Deadline {
    After(u64),
    Past(u64),
    Never,
}

fn offset() -> impl Strategy<Value = u64> {
    prop_oneof![
        4 => 0..3 * MS,                      // same and next ticks, sub-ms exact
        4 => 0..200 * MS,                    // levels 0-1
        3 => 0..10 * 60 * SEC,               // levels 2-3
        2 => 0..40 * DAY,                    // levels 4-5
        2 => 2 * YEAR..5 * YEAR,             // around and beyond the horizon
        1 => 5 * YEAR..400 * YEAR,           // far beyond it
        1 => u64::MAX - YEAR..u64::MAX,      // saturates to near NEVER
    ]
}

fn deadline() -> impl Strategy<Value = Deadline> {
    prop_oneof![
        12 => offset().prop_map(Deadline::After),
        1 => any::<u64>().prop_map(Deadline::Past),
        1 => Just(Deadline::Never),
    ]
}

fn step() -> impl Strategy<Value = u64> {
    prop_oneof![
        5 => 0..2 * MS,
        4 => 0..100 * MS,
        2 => 0..DAY,
        1 => 0..3 * YEAR,
        1 => Just(100 * YEAR),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => deadline().prop_map(Op::Insert),
        2 => any::<usize>().prop_map(Op::Remove),
        2 => (any::<usize>(), deadline()).prop_map(|(id, d)| Op::Reset(id, d)),
        4 => step().prop_map(Op::Advance),
        2 => Just(Op::AdvanceToNext),
    ]
}

struct Model {
    wheel: Wheel<usize>,
    /// id -> deadline of every live timer.
    live: BTreeMap<usize, u64>,
    keys: Vec<Key>,
    now: u64,
}

impl Model {
    fn new() -> Self {
        Self {
            wheel: Wheel::new(),
            live: BTreeMap::new(),
            keys: Vec::new(),
            now: 0,
        }
    }

    fn absolute(&self, deadline: &Deadline) -> u64 {
        match *deadline {
            Deadline::After(offset) => self.now.saturating_add(offset),
            Deadline::Past(at) => at % (self.now + 1),
            Deadline::Never => NEVER,
        }
    }

    fn pick(&self, id: usize) -> Option<usize> {
        (!self.keys.is_empty()).then(|| id % self.keys.len())
    }

    /// Advances both to `now` and checks that exactly the due timers fired.
    fn advance(&mut self, now: u64) -> Result<BTreeMap<usize, u64>, TestCaseError> {
        self.now = self.now.max(now.min(NEVER - 1));
        let mut fired = BTreeSet::new();
        let mut twice = None;
        self.wheel.poll(now, &mut |id| {
            if !fired.insert(id) {
                twice = Some(id);
            }
        });
        prop_assert_eq!(twice, None, "a timer fired twice in one poll");
        let due: BTreeSet<usize> = self
            .live
            .iter()
            .filter(|&(_, &deadline)| deadline <= self.now)
            .map(|(&id, _)| id)
            .collect();
        for id in &fired {
            let deadline = self.live.get(id).copied();
            prop_assert!(deadline.is_some(), "timer {} fired but is not live", id);
            prop_assert!(
                deadline <= Some(self.now),
                "timer {} fired early: deadline {:?}, now {}",
                id,
                deadline,
                self.now
            );
        }
        // Never late: everything due fired in this very poll.
        prop_assert_eq!(
            &fired,
            &due,
            "now {}: fired set differs from due set",
            self.now
        );
        let fired = fired
            .into_iter()
            .map(|id| (id, self.live.remove(&id).unwrap_or_default()))
            .collect();
        self.check_next()?;
        Ok(fired)
    }

    /// `next_deadline` is a lower bound of the earliest live deadline, after now.
    fn check_next(&self) -> Result<(), TestCaseError> {
        prop_assert_eq!(self.wheel.len(), self.live.len());
        let earliest = self.live.values().copied().filter(|&d| d != NEVER).min();
        match (self.wheel.next_deadline(), earliest) {
            (Some(next), Some(earliest)) => {
                prop_assert!(
                    next <= earliest,
                    "next {} after earliest {}",
                    next,
                    earliest
                );
                prop_assert!(next > self.now, "next {} not after now {}", next, self.now);
            }
            (None, Some(earliest)) => prop_assert!(false, "lost deadline {}", earliest),
            (Some(next), None) => prop_assert!(next > self.now),
            (None, None) => {}
        }
        Ok(())
    }

    fn apply(&mut self, op: &Op) -> Result<(), TestCaseError> {
        match op {
            Op::Insert(deadline) => {
                let deadline = self.absolute(deadline);
                let id = self.keys.len();
                self.keys.push(self.wheel.insert(deadline, id));
                if deadline <= self.now {
                    // Due at once: the next poll hands it out.
                    self.live.insert(id, deadline);
                    self.advance(self.now)?;
                } else {
                    self.live.insert(id, deadline);
                    self.check_next()?;
                }
            }
            Op::Remove(id) => {
                if let Some(id) = self.pick(*id) {
                    let removed = self.wheel.remove(self.keys[id]);
                    prop_assert_eq!(removed, self.live.remove(&id).map(|_| id));
                }
            }
            Op::Reset(id, deadline) => {
                if let Some(id) = self.pick(*id) {
                    let deadline = self.absolute(deadline);
                    let live = self.live.contains_key(&id);
                    prop_assert_eq!(self.wheel.reset(self.keys[id], deadline), live);
                    if live {
                        self.live.insert(id, deadline);
                        self.advance(self.now)?;
                    }
                }
            }
            Op::Advance(step) => {
                self.advance(self.now.saturating_add(*step))?;
            }
            Op::AdvanceToNext => {
                if let Some(next) = self.wheel.next_deadline() {
                    self.advance(next)?;
                }
            }
        }
        Ok(())
    }

    /// Jumps from next deadline to next deadline until only `NEVER` timers
    /// are left: each jump lands on an exact deadline or repairs a stale bound.
    fn run_out(&mut self) -> Result<(), TestCaseError> {
        let mut budget = 4 * self.keys.len() + 8;
        while let Some(next) = self.wheel.next_deadline() {
            prop_assert!(budget > 0, "no progress towards {:?}", self.live);
            budget -= 1;
            for (id, deadline) in self.advance(next)? {
                // `next` is a lower bound of the earliest deadline and these
                // were due at `next`: each fired at its exact deadline.
                prop_assert_eq!(deadline, next, "timer {} fired off its deadline", id);
            }
        }
        prop_assert!(self.live.values().all(|&d| d == NEVER), "{:?}", self.live);
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn wheel_matches_a_sorted_map(ops in prop::collection::vec(op(), 1..120)) {
        let mut model = Model::new();
        for op in &ops {
            model.apply(op)?;
        }
        model.run_out()?;
    }
}

#[test]
fn run_out_fires_each_at_its_exact_deadline() {
    let mut model = Model::new();
    for deadline in [5 * MS + 7, 5 * MS + 9, 70 * MS, 3 * YEAR, NEVER] {
        model.apply(&Op::Insert(Deadline::After(deadline))).unwrap();
    }
    model.apply(&Op::Remove(0)).unwrap();
    model.run_out().unwrap();
    assert_eq!(model.wheel.len(), 1);
}
