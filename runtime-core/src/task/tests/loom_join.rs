//! The JoinHandle's waker against completion.
use super::*;
use crate::loom::thread;

#[test]
fn loom_join_waker_vs_complete() {
    model(|| {
        let sched = TestSched::new();
        let (mut join, notified) = spawn_on(&sched, async { 3 });
        let notified = notified.unwrap();
        let th = thread::spawn(move || notified.run());
        let flag = Flag::new();
        let waker = Waker::from(flag.clone());
        let first = poll_once(&mut join, &waker);
        th.join().unwrap();
        match first {
            Poll::Ready(r) => assert_eq!(r.unwrap(), 3),
            Poll::Pending => {
                // The completer must have woken us, and the output must be there.
                assert!(flag.is_set(), "join waker lost");
                assert_eq!(
                    poll_once(&mut join, &waker).map(|r| r.unwrap()),
                    Poll::Ready(3)
                );
            }
        }
        drop(join);
        assert_all_freed(sched);
    });
}

#[test]
fn loom_join_waker_replace_vs_complete() {
    model(|| {
        let sched = TestSched::new();
        let (mut join, notified) = spawn_on(&sched, async { 5 });
        let notified = notified.unwrap();
        let flag1 = Flag::new();
        let flag2 = Flag::new();
        let w1 = Waker::from(flag1.clone());
        let w2 = Waker::from(flag2.clone());
        assert!(poll_once(&mut join, &w1).is_pending());
        let th = thread::spawn(move || notified.run());
        let second = poll_once(&mut join, &w2);
        th.join().unwrap();
        if second.is_pending() {
            assert!(
                flag2.is_set(),
                "the replacement waker must be the one woken"
            );
            assert!(poll_once(&mut join, &w2).is_ready());
        }
        drop(join);
        assert_all_freed(sched);
    });
}

#[test]
fn loom_join_handle_drop_with_waker_vs_complete() {
    model(|| {
        let sched = TestSched::new();
        let (mut join, notified) = spawn_on(&sched, async { 1 });
        let flag = Flag::new();
        let waker = Waker::from(flag.clone());
        assert!(poll_once(&mut join, &waker).is_pending());
        let notified = notified.unwrap();
        let th = thread::spawn(move || notified.run());
        drop(join);
        th.join().unwrap();
        // The waker's clone in the trailer must have been dropped by one side.
        assert_eq!(
            std::sync::Arc::strong_count(&flag),
            2,
            "join waker leaked or double-dropped"
        );
        assert_all_freed(sched);
    });
}
