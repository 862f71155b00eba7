//! `Event`'s races: a set against a waiter's first poll, and a set-then-clear against the
//! re-poll of a waiter the set woke.
use super::{block_on, model, poll_once};
use crate::loom::sync::Arc;
use crate::loom::thread;
use crate::sync::Event;

/// A `set` racing the first poll (flag check, lock, enqueue): the waiter sees the flag or
/// is drained.
#[test]
fn loom_event_set_vs_wait() {
    model(|| {
        let event = Arc::new(Event::new());
        let setter = {
            let event = event.clone();
            thread::spawn(move || event.set())
        };
        block_on(event.wait());
        setter.join().unwrap();
        assert!(event.is_set());
    });
}

/// A waiter that was queued when `set` ran completes even if `clear` follows at once,
/// whenever its re-poll lands.
#[test]
fn loom_event_set_then_clear_vs_woken_waiter() {
    model(|| {
        let event = Arc::new(Event::new());
        let mut waiter = Box::pin(event.wait());
        assert!(poll_once(&mut waiter).is_pending());
        let setter = {
            let event = event.clone();
            thread::spawn(move || {
                event.set();
                event.clear();
            })
        };
        block_on(waiter);
        setter.join().unwrap();
        assert!(!event.is_set());
    });
}
