//! Unit tests of the wheel's placement, cascade, horizon and bookkeeping.

use super::*;

const MS: u64 = TICK_NS;
const SEC: u64 = 1_000 * MS;
const DAY: u64 = 86_400 * SEC;
const YEAR: u64 = 365 * DAY;

fn fired_at<T>(wheel: &mut Wheel<T>, now: u64) -> Vec<T> {
    let mut out = Vec::new();
    wheel.poll(now, &mut |value| out.push(value));
    out
}

#[test]
fn position_picks_the_highest_differing_digit() {
    assert_eq!(position(0, 0), (0, 0));
    assert_eq!(position(0, 63), (0, 63));
    assert_eq!(position(0, 64), (1, 1));
    assert_eq!(position(10, 70), (1, 1));
    assert_eq!(position(64, 127), (0, 63));
    assert_eq!(position(0, 4095), (1, 63));
    assert_eq!(position(0, 4096), (2, 1));
    assert_eq!(position(0, HORIZON - 1), (5, 63));
    // Beyond the horizon: the top level, slot of the tick's own top digit.
    assert_eq!(position(0, HORIZON), (5, 0));
    assert_eq!(position(0, HORIZON + (3 << 30)), (5, 3));
    assert_eq!(position(0, NEVER / TICK_NS).0, 5);
}

#[test]
fn fires_at_the_exact_deadline_never_before() {
    let mut wheel = Wheel::new();
    wheel.insert(3 * MS + 250_000, 'a');
    assert!(
        fired_at(&mut wheel, 3 * MS).is_empty(),
        "same tick, 250 us early"
    );
    assert_eq!(wheel.next_deadline(), Some(3 * MS + 250_000));
    assert!(fired_at(&mut wheel, 3 * MS + 249_999).is_empty());
    assert_eq!(fired_at(&mut wheel, 3 * MS + 250_000), ['a']);
    assert!(wheel.is_empty());
    assert_eq!(wheel.next_deadline(), None);
    assert_eq!(wheel.next_expiration(), None);
}

#[test]
fn a_late_poll_fires_everything_due_once() {
    let mut wheel = Wheel::new();
    for (i, deadline) in [1, 64, 65, 4_095, 4_096, 300_000, 20_000_000]
        .into_iter()
        .enumerate()
    {
        wheel.insert(deadline * MS, i);
    }
    let mut fired = fired_at(&mut wheel, 300_000 * MS);
    fired.sort_unstable();
    assert_eq!(fired, [0, 1, 2, 3, 4, 5]);
    assert_eq!(wheel.len(), 1);
    assert_eq!(wheel.next_deadline(), Some(20_000_000 * MS));
    assert_eq!(fired_at(&mut wheel, 20_000_000 * MS), [6]);
}

#[test]
fn stepping_one_tick_at_a_time_fires_each_on_its_tick() {
    let mut wheel = Wheel::new();
    let deadlines = [1u64, 2, 63, 64, 65, 127, 128, 4_095, 4_096, 4_097, 10_000];
    for &deadline in &deadlines {
        wheel.insert(deadline * MS, deadline);
    }
    for tick in 0..=10_000u64 {
        let fired = fired_at(&mut wheel, tick * MS);
        let expected: Vec<u64> = deadlines.iter().copied().filter(|&d| d == tick).collect();
        assert_eq!(fired, expected, "tick {tick}");
    }
    assert!(wheel.is_empty());
}

#[test]
fn next_deadline_is_exact_at_every_level() {
    for deadline in [
        7 * MS + 1,
        90 * MS + 3,
        5 * SEC + 7,
        10 * 60 * SEC + 11,
        5 * 3_600 * SEC + 13,
        20 * DAY + 17,
        YEAR + 19,
    ] {
        let mut wheel = Wheel::new();
        wheel.insert(deadline, ());
        wheel.insert(deadline + 5 * MS, ());
        assert_eq!(wheel.next_deadline(), Some(deadline), "{deadline}");
        // Jump to it: whatever cascades on the way, it fires there, not before.
        assert_eq!(fired_at(&mut wheel, deadline - 1).len(), 0);
        assert_eq!(wheel.next_deadline(), Some(deadline));
        assert_eq!(fired_at(&mut wheel, deadline).len(), 1);
        assert_eq!(wheel.next_deadline(), Some(deadline + 5 * MS));
    }
}

#[test]
fn next_expiration_is_the_next_cascade() {
    let mut wheel = Wheel::new();
    wheel.insert(100 * MS + 5, ());
    // Level 1, slot 1 (ticks 64..128): processed at tick 64.
    assert_eq!(wheel.next_expiration(), Some(64));
    wheel.advance(64 * MS);
    assert_eq!(wheel.next_expiration(), Some(100));
    assert_eq!(wheel.next_deadline(), Some(100 * MS + 5));
}

#[test]
fn deadlines_beyond_the_horizon_wait_and_fire_exactly() {
    let far = 3 * YEAR + 123;
    assert!(far / MS > HORIZON);
    let mut wheel = Wheel::new();
    wheel.insert(far, "far");
    wheel.insert(HORIZON * MS + 1, "edge");
    assert_eq!(wheel.next_deadline(), Some(HORIZON * MS + 1));
    // Walk two years in 11-day steps: the top level turns under them.
    let mut now = 0;
    while now < 2 * YEAR {
        now += 11 * DAY;
        assert!(fired_at(&mut wheel, now).is_empty(), "{now}");
    }
    assert_eq!(fired_at(&mut wheel, HORIZON * MS + 1), ["edge"]);
    assert_eq!(wheel.next_deadline(), Some(far));
    assert!(fired_at(&mut wheel, far - 1).is_empty());
    assert_eq!(fired_at(&mut wheel, far), ["far"]);
}

#[test]
fn a_far_deadline_reached_in_one_jump_fires_once() {
    let mut wheel = Wheel::new();
    wheel.insert(200 * YEAR, 1);
    wheel.insert(100 * YEAR, 0);
    assert_eq!(wheel.next_deadline(), Some(100 * YEAR));
    assert!(fired_at(&mut wheel, 100 * YEAR - 1).is_empty());
    assert_eq!(fired_at(&mut wheel, 150 * YEAR), [0]);
    assert_eq!(fired_at(&mut wheel, 250 * YEAR), [1]);
}

#[test]
fn never_never_fires_nor_overflows() {
    let mut wheel = Wheel::new();
    let key = wheel.insert(NEVER, "never");
    wheel.insert(NEVER - 1, "last");
    assert_eq!(wheel.next_deadline(), Some(NEVER - 1));
    assert!(fired_at(&mut wheel, 500 * YEAR).is_empty());
    assert_eq!(
        fired_at(&mut wheel, NEVER),
        ["last"],
        "now saturates below NEVER"
    );
    assert_eq!(wheel.next_deadline(), None, "only NEVER is left");
    assert_eq!(wheel.len(), 1);
    assert!(fired_at(&mut wheel, NEVER).is_empty());
    assert_eq!(wheel.remove(key), Some("never"));
}

#[test]
fn a_past_deadline_is_due_at_once() {
    let mut wheel = Wheel::new();
    wheel.advance(50 * MS + 10);
    wheel.insert(3 * MS, 'p');
    wheel.insert(50 * MS + 10, 'n');
    assert_eq!(wheel.next_deadline(), Some(50 * MS + 10));
    assert_eq!(wheel.next_expiration(), Some(50));
    let mut fired = fired_at(&mut wheel, 50 * MS + 10);
    fired.sort_unstable();
    assert_eq!(fired, ['n', 'p']);
}

#[test]
fn time_never_moves_back() {
    let mut wheel = Wheel::new();
    wheel.advance(10 * MS);
    wheel.advance(5 * MS);
    assert_eq!(wheel.now(), 10 * MS);
    wheel.insert(7 * MS, ());
    assert_eq!(
        fired_at(&mut wheel, 6 * MS).len(),
        1,
        "due relative to 10 ms"
    );
}

#[test]
fn remove_and_reset_are_by_key_and_keys_go_stale() {
    let mut wheel = Wheel::new();
    let a = wheel.insert(10 * MS, 'a');
    let b = wheel.insert(20 * MS, 'b');
    assert_eq!(wheel.deadline(a), Some(10 * MS));
    assert!(wheel.reset(a, 30 * MS));
    assert_eq!(wheel.deadline(a), Some(30 * MS));
    assert_eq!(wheel.next_deadline(), Some(20 * MS));
    assert_eq!(fired_at(&mut wheel, 25 * MS), ['b']);
    assert!(!wheel.reset(b, 40 * MS), "fired: stale");
    assert_eq!(wheel.remove(b), None);
    let c = wheel.insert(35 * MS, 'c'); // reuses b's node
    assert_ne!(b, c);
    assert_eq!(wheel.remove(b), None);
    assert_eq!(wheel.deadline(b), None);
    assert_eq!(wheel.remove(a), Some('a'));
    assert_eq!(wheel.remove(a), None);
    assert_eq!(wheel.len(), 1);
    assert_eq!(fired_at(&mut wheel, 35 * MS), ['c']);
}

#[test]
fn reset_of_a_due_entry_takes_it_off_the_ready_list() {
    let mut wheel = Wheel::new();
    let key = wheel.insert(MS, ());
    wheel.advance(2 * MS);
    assert_eq!(wheel.next_deadline(), Some(2 * MS), "due");
    assert!(wheel.reset(key, 9 * MS));
    assert_eq!(wheel.pop(), None);
    assert_eq!(wheel.next_deadline(), Some(9 * MS));
}

#[test]
fn a_cancel_leaves_a_lower_bound_that_one_wake_repairs() {
    let mut wheel = Wheel::new();
    let early = wheel.insert(5 * MS + 100, 'e');
    wheel.insert(5 * MS + 900, 'l');
    wheel.remove(early);
    let bound = wheel.next_deadline().expect("one left");
    assert!(bound <= 5 * MS + 900);
    assert!(fired_at(&mut wheel, bound).is_empty());
    assert_eq!(wheel.next_deadline(), Some(5 * MS + 900), "exact again");
    // Removing the last entry of a slot clears it at once.
    let mut wheel = Wheel::new();
    let only = wheel.insert(70 * MS, ());
    wheel.remove(only);
    assert_eq!(wheel.next_deadline(), None);
    assert_eq!(wheel.next_expiration(), None);
}

#[test]
fn many_timers_in_one_slot_fire_together() {
    let mut wheel = Wheel::new();
    let keys: Vec<Key> = (0..1_000u64).map(|i| wheel.insert(8 * MS + i, i)).collect();
    for key in keys.iter().step_by(2) {
        assert!(wheel.remove(*key).is_some());
    }
    let fired = fired_at(&mut wheel, 8 * MS + 500);
    assert_eq!(fired.len(), 250);
    assert!(fired.iter().all(|i| i % 2 == 1 && *i <= 500));
    assert_eq!(wheel.next_deadline(), Some(8 * MS + 501));
    assert_eq!(fired_at(&mut wheel, 9 * MS).len(), 250);
}

#[test]
fn drain_takes_everything() {
    let mut wheel = Wheel::default();
    for deadline in [0, MS, SEC, YEAR, 10 * YEAR, NEVER] {
        wheel.insert(deadline, deadline);
    }
    wheel.advance(1);
    let mut all = wheel.drain();
    all.sort_unstable();
    assert_eq!(all, [0, MS, SEC, YEAR, 10 * YEAR, NEVER]);
    assert!(wheel.is_empty());
    assert_eq!(wheel.next_deadline(), None);
    assert_eq!(wheel.pop(), None);
    wheel.insert(2 * MS, 7);
    assert_eq!(fired_at(&mut wheel, 2 * MS), [7], "usable after a drain");
}

#[test]
fn debug_shows_the_counts() {
    let mut wheel = Wheel::new();
    wheel.insert(5, ());
    let text = format!("{wheel:?}");
    assert!(
        text.starts_with("Wheel { len: 1, now: 0, elapsed: 0"),
        "{text}"
    );
}

#[test]
fn many_deadlines_in_the_current_tick_fire_in_order_without_rewalking() {
    let mut wheel = Wheel::new();
    // 1,000 deadlines spread over tick 5, inserted out of order.
    for i in 0..1_000u64 {
        let offset = (i * 7_919) % 1_000 * 1_000; // a permutation of 0..1000 µs
        wheel.insert(5 * MS + offset, offset);
    }
    let mut fired = Vec::new();
    // Advance in 1 µs steps through the tick: each step fires exactly the due ones.
    for step in 0..1_000u64 {
        let now = 5 * MS + step * 1_000;
        wheel.poll(now, &mut |value| fired.push(value));
        assert_eq!(fired.len() as u64, step + 1, "at {now}");
        assert_eq!(*fired.last().unwrap(), step * 1_000);
        if step < 999 {
            assert_eq!(
                wheel.next_deadline(),
                Some(now + 1_000),
                "exact, not a bound"
            );
        }
    }
    assert!(wheel.is_empty());
}

#[test]
fn the_sorted_current_tick_keeps_inserts_removals_and_resets_in_order() {
    let mut wheel = Wheel::new();
    let a = wheel.insert(3 * MS + 100, "a");
    let b = wheel.insert(3 * MS + 900, "b");
    assert!(fired_at(&mut wheel, 3 * MS + 100) == ["a"]);
    assert_eq!(wheel.remove(a), None);
    // The slot is sorted now: an insert between, and one before everything.
    wheel.insert(3 * MS + 500, "mid");
    let first = wheel.insert(3 * MS + 200, "first");
    assert_eq!(wheel.next_deadline(), Some(3 * MS + 200));
    // Removing the head keeps the minimum exact.
    assert_eq!(wheel.remove(first), Some("first"));
    assert_eq!(wheel.next_deadline(), Some(3 * MS + 500));
    // Reset within the tick, and out of it.
    assert!(wheel.reset(b, 3 * MS + 300));
    assert_eq!(wheel.next_deadline(), Some(3 * MS + 300));
    assert!(fired_at(&mut wheel, 3 * MS + 499) == ["b"]);
    let late = wheel.insert(3 * MS + 999_999, "late");
    assert!(wheel.reset(late, 4 * MS + 1));
    assert!(fired_at(&mut wheel, 3 * MS + 999_999) == ["mid"]);
    assert!(fired_at(&mut wheel, 4 * MS) == Vec::<&str>::new());
    assert!(fired_at(&mut wheel, 4 * MS + 1) == ["late"]);
    // The next tick's slot sorts afresh.
    wheel.insert(4 * MS + 50, "x");
    wheel.insert(4 * MS + 20, "y");
    let mut both = fired_at(&mut wheel, 4 * MS + 60);
    both.sort_unstable();
    assert_eq!(both, ["x", "y"]);
    assert!(wheel.is_empty());
}
