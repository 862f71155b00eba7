//! `Barrier`'s races: two arrivals at once, and a queued waiter's cancellation against the
//! arrival that would trip the barrier.
use super::{block_on, model, poll_once};
use crate::loom::sync::Arc;
use crate::loom::thread;
use crate::sync::Barrier;
use std::task::Poll;

/// Two arrivals racing: both are released, exactly one leads, the count is reset.
#[test]
fn loom_barrier_two_arrivals() {
    model(|| {
        let barrier = Arc::new(Barrier::new(2));
        let other = {
            let barrier = barrier.clone();
            thread::spawn(move || block_on(barrier.wait()).is_leader())
        };
        let mine = block_on(barrier.wait()).is_leader();
        assert!(mine != other.join().unwrap(), "exactly one leader");
        assert_eq!(barrier.arrived(), 0);
    });
}

/// A queued waiter dropped while the second arrival comes: either the arrival trips the
/// barrier (the dropped waiter had been released) or it finds the waiter gone and waits;
/// the count always matches the waiters in line.
#[test]
fn loom_barrier_cancel_vs_trip() {
    model(|| {
        // Leaked, so that a waiting future can move to another thread.
        let barrier: &'static Barrier = Box::leak(Box::new(Barrier::new(2)));
        let mut first = Box::pin(barrier.wait());
        assert!(poll_once(&mut first).is_pending());
        let canceller = thread::spawn(move || drop(first));
        let mut second = Box::pin(barrier.wait());
        let tripped = poll_once(&mut second);
        canceller.join().unwrap();
        match tripped {
            Poll::Ready(r) => {
                assert!(r.is_leader());
                assert_eq!(barrier.arrived(), 0);
            }
            Poll::Pending => {
                assert_eq!(barrier.arrived(), 1, "only `second` counts");
                let third = block_on(barrier.wait());
                assert!(third.is_leader());
                assert!(matches!(poll_once(&mut second), Poll::Ready(r) if !r.is_leader()));
            }
        }
    });
}
