//! Races on the state word: complete, abort, wake, poll, and dropping references.
use super::*;
use crate::loom::thread;
use std::future::ready;

#[test]
fn loom_complete_vs_abort() {
    model(|| {
        let sched = TestSched::new();
        let drops = Arc::new(AtomicUsize::new(0));
        let (mut join, notified) = spawn_on(
            &sched,
            Counted {
                inner: ready(7),
                drops: drops.clone(),
            },
        );
        let abort = join.abort_handle();
        let th = thread::spawn(move || abort.abort());
        notified.unwrap().run();
        th.join().unwrap();
        sched.run_all();
        match poll_once(&mut join, Waker::noop()) {
            Poll::Ready(Ok(v)) => assert_eq!(v, 7),
            Poll::Ready(Err(e)) => assert!(e.is_cancelled()),
            Poll::Pending => panic!("task neither completed nor cancelled"),
        }
        assert_eq!(drops.load(SeqCst), 1);
        drop(join);
        assert_all_freed(sched);
    });
}

#[test]
fn loom_complete_vs_join_handle_drop() {
    model(|| {
        let sched = TestSched::new();
        let out_drops = Arc::new(AtomicUsize::new(0));
        let d = out_drops.clone();
        struct Out(Arc<AtomicUsize>);
        impl Drop for Out {
            fn drop(&mut self) {
                self.0.fetch_add(1, SeqCst);
            }
        }
        let (join, notified) = spawn_on(&sched, async move { Out(d) });
        let th = thread::spawn(move || drop(join));
        notified.unwrap().run();
        th.join().unwrap();
        assert_eq!(out_drops.load(SeqCst), 1, "output dropped exactly once");
        assert_all_freed(sched);
    });
}

#[test]
fn loom_wake_vs_poll() {
    model(|| {
        let sched = TestSched::new();
        let gate = Gate::new();
        let g = gate.clone();
        let (mut join, notified) = spawn_on(&sched, async move { wait(&g).await });
        let th = thread::spawn(move || gate.open());
        notified.unwrap().run();
        th.join().unwrap();
        // A wake that raced the poll must have requeued the task.
        sched.run_all();
        assert!(matches!(
            poll_once(&mut join, Waker::noop()),
            Poll::Ready(Ok(()))
        ));
        drop(join);
        assert_all_freed(sched);
    });
}

#[test]
fn loom_wake_vs_drop_last_reference() {
    model(|| {
        let sched = TestSched::new();
        let gate = Gate::new();
        let g = gate.clone();
        let (join, notified) = spawn_on(&sched, async move { wait(&g).await });
        // Park the task on the gate (its waker now holds a reference).
        notified.unwrap().run();
        let th = thread::spawn(move || gate.open());
        drop(join);
        sched.run_all();
        th.join().unwrap();
        sched.run_all();
        assert_all_freed(sched);
    });
}

#[test]
fn loom_abort_vs_poll() {
    model(|| {
        let sched = TestSched::new();
        let drops = Arc::new(AtomicUsize::new(0));
        let (mut join, notified) = spawn_on(
            &sched,
            Counted {
                inner: std::future::pending::<()>(),
                drops: drops.clone(),
            },
        );
        let abort = join.abort_handle();
        let th = thread::spawn(move || abort.abort());
        notified.unwrap().run();
        th.join().unwrap();
        sched.run_all();
        // Cancellation is reported only after the future was dropped.
        match poll_once(&mut join, Waker::noop()) {
            Poll::Ready(Err(e)) => assert!(e.is_cancelled()),
            other => panic!("expected cancellation, got {:?}", other.map(|r| r.is_ok())),
        }
        assert_eq!(drops.load(SeqCst), 1);
        drop(join);
        assert_all_freed(sched);
    });
}

#[test]
fn loom_shutdown_vs_foreign_wake() {
    model(|| {
        let sched = TestSched::new();
        let drops = Arc::new(AtomicUsize::new(0));
        let gate = Gate::new();
        let g = gate.clone();
        let d = drops.clone();
        let (join, notified) = spawn_on(&sched, async move {
            let _c = Counted {
                inner: ready(()),
                drops: d,
            };
            wait(&g).await
        });
        notified.unwrap().run();
        let th = thread::spawn(move || gate.open());
        sched.shutdown();
        th.join().unwrap();
        sched.shutdown();
        assert_eq!(drops.load(SeqCst), 1, "future dropped exactly once");
        assert!(join.is_finished());
        drop(join);
        assert_all_freed(sched);
    });
}
