//! The combinators' ready set (`task/combinators/ready.rs`): a child's wake against the
//! parent's poll of that child (the `queued` flag, rule 2), and wakes of two children
//! against the parent's registration (rule 3). Each model checks that no wake is lost:
//! either the parent saw the event in its poll, or it was woken and finds the index queued.
use super::*;
use crate::loom::sync::atomic::Ordering::{Acquire, Release};
use crate::loom::thread;
use crate::task::combinators::{ReadySet, Refill};

/// What `Children::poll_children` does with the ready set: handle the batch, refill it
/// once, handle it, then register (or wake itself when more is queued).
fn parent_poll(set: &mut ReadySet, waker: &Waker, mut handle: impl FnMut(usize)) {
    let mut drained = false;
    loop {
        while let Some(index) = set.pop() {
            handle(index);
        }
        match set.refill(waker, !drained) {
            Refill::Registered => return,
            Refill::Drained => drained = true,
            Refill::Busy => {
                waker.wake_by_ref();
                return;
            }
        }
    }
}

#[test]
fn loom_ready_wake_vs_poll_of_the_same_child() {
    model(|| {
        let mut set = ReadySet::new();
        let child = set.child(0);
        // The child's first poll (pending), then an earlier wake: the child is queued
        // and its flag set, and the parent has not polled it again yet.
        parent_poll(&mut set, &Waker::from(Flag::new()), |_| unreachable!());
        ReadySet::begin_poll(&child);
        child.waker().wake_by_ref();
        let event = Arc::new(AtomicBool::new(false));
        let (e, w) = (event.clone(), child.waker().clone());
        // A second wake, racing with the parent's poll: it may fold into the first one.
        let th = thread::spawn(move || {
            e.store(true, Release);
            w.wake();
        });
        let parent = Flag::new();
        let parent_waker = Waker::from(parent.clone());
        let seen = std::cell::Cell::new(false);
        let poll_child = |index| {
            assert_eq!(index, 0);
            ReadySet::begin_poll(&child);
            seen.set(seen.get() | event.load(Acquire));
        };
        parent_poll(&mut set, &parent_waker, poll_child);
        th.join().unwrap();
        if !seen.get() {
            assert!(parent.is_set(), "the child's wake was lost");
            parent_poll(&mut set, &parent_waker, poll_child);
            assert!(
                seen.get(),
                "the woken child is queued and sees what its waker published"
            );
        }
    });
}

#[test]
fn loom_ready_two_children_wake_against_registration() {
    model(|| {
        let mut set = ReadySet::new();
        let a = set.child(0);
        let b = set.child(1);
        let (wa, wb) = (a.waker().clone(), b.waker().clone());
        let ta = thread::spawn(move || wa.wake());
        let tb = thread::spawn(move || wb.wake());
        let first = Flag::new();
        let mut got = Vec::new();
        parent_poll(&mut set, &Waker::from(first.clone()), |i| got.push(i));
        ta.join().unwrap();
        tb.join().unwrap();
        if got.len() < 2 {
            assert!(
                first.is_set(),
                "a wake after registration must wake the parent"
            );
            let second = Flag::new();
            parent_poll(&mut set, &Waker::from(second.clone()), |i| got.push(i));
            assert!(!second.is_set());
        }
        got.sort_unstable();
        assert_eq!(got, [0, 1], "each woken child queued exactly once");
    });
}

#[test]
fn loom_ready_concurrent_wakes_of_one_child_queue_it_once() {
    model(|| {
        let mut set = ReadySet::new();
        let parent = Flag::new();
        parent_poll(&mut set, &Waker::from(parent.clone()), |_| unreachable!());
        let a = set.child(0);
        let (w1, w2) = (a.waker().clone(), a.waker().clone());
        let t1 = thread::spawn(move || w1.wake());
        let t2 = thread::spawn(move || w2.wake());
        t1.join().unwrap();
        t2.join().unwrap();
        assert!(parent.is_set());
        let mut got = Vec::new();
        parent_poll(&mut set, &Waker::from(Flag::new()), |i| got.push(i));
        assert_eq!(got, [0], "queued once");
    });
}
