//! The registry of live tasks: spawn (bind) against shutdown (close).
use super::*;
use crate::loom::thread;

#[test]
fn loom_registry_bind_vs_close() {
    model(|| {
        let sched = TestSched::new();
        let drops = Arc::new(AtomicUsize::new(0));
        let s2 = sched.clone();
        let d = drops.clone();
        let th = thread::spawn(move || {
            let (join, notified) = spawn_on(
                &s2,
                Counted {
                    inner: std::future::pending::<()>(),
                    drops: d,
                },
            );
            if let Some(n) = notified {
                s2.schedule(n);
            }
            join
        });
        sched.shutdown();
        let mut join = th.join().unwrap();
        // Either shutdown drained it or bind refused it: cancelled either way, once.
        sched.shutdown();
        assert_eq!(drops.load(SeqCst), 1);
        match poll_once(&mut join, Waker::noop()) {
            Poll::Ready(Err(e)) => assert!(e.is_cancelled()),
            _ => panic!("task must be cancelled"),
        }
        drop(join);
        assert_all_freed(sched);
    });
}
