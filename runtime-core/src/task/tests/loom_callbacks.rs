//! Done-callback registration against completion.
use super::*;
use crate::loom::thread;

#[test]
fn loom_callback_vs_complete() {
    model(|| {
        let sched = TestSched::new();
        let (join, notified) = spawn_on(&sched, async { 2 });
        let runs = Arc::new(AtomicUsize::new(0));
        let r = runs.clone();
        let notified = notified.unwrap();
        let th = thread::spawn(move || notified.run());
        join.add_done_callback(move |o| {
            assert!(o.is_completed());
            r.fetch_add(1, SeqCst);
        });
        th.join().unwrap();
        assert_eq!(runs.load(SeqCst), 1, "callback lost or run twice");
        drop(join);
        assert_all_freed(sched);
    });
}

#[test]
fn loom_two_callbacks_vs_complete() {
    model(|| {
        let sched = TestSched::new();
        let (join, notified) = spawn_on(&sched, async {});
        let runs = Arc::new(AtomicUsize::new(0));
        let r1 = runs.clone();
        join.add_done_callback(move |_| {
            r1.fetch_add(1, SeqCst);
        });
        let notified = notified.unwrap();
        let th = thread::spawn(move || notified.run());
        let r2 = runs.clone();
        join.add_done_callback(move |_| {
            r2.fetch_add(10, SeqCst);
        });
        th.join().unwrap();
        assert_eq!(runs.load(SeqCst), 11, "each callback runs exactly once");
        drop(join);
        assert_all_freed(sched);
    });
}
