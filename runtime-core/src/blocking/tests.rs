//! Loom models of a blocking task's job against `abort` (rule 2 of the module docs) and
//! against being dropped unrun (rule 1): the closure runs at most once, is dropped
//! exactly once, and the `JoinHandle` always resolves, to its output only if it ran.
use super::new_job;
use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::Arc;
use crate::loom::thread;
use crate::JoinHandle;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// Counts calls and drops of the closure it travels in.
struct Probe {
    ran: Arc<AtomicUsize>,
    dropped: Arc<AtomicUsize>,
}

impl Drop for Probe {
    fn drop(&mut self) {
        self.dropped.fetch_add(1, SeqCst);
    }
}

fn probe() -> (Probe, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let ran = Arc::new(AtomicUsize::new(0));
    let dropped = Arc::new(AtomicUsize::new(0));
    let p = Probe {
        ran: ran.clone(),
        dropped: dropped.clone(),
    };
    (p, ran, dropped)
}

/// The handle's result, which must be there by now.
fn result(mut join: JoinHandle<u32>) -> Result<u32, crate::JoinError> {
    let mut cx = Context::from_waker(Waker::noop());
    match Pin::new(&mut join).poll(&mut cx) {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("the handle did not resolve"),
    }
}

#[test]
fn loom_blocking_abort_vs_job_start() {
    crate::loom::model(|| {
        let (p, ran, dropped) = probe();
        let (join, job) = new_job(1, None, move || {
            p.ran.fetch_add(1, SeqCst);
            7
        });
        let abort = join.abort_handle();
        let pool_thread = thread::spawn(move || job.run());
        abort.abort();
        pool_thread.join().unwrap();
        assert_eq!(
            dropped.load(SeqCst),
            1,
            "the closure is dropped exactly once"
        );
        match result(join) {
            Ok(out) => {
                assert_eq!(out, 7);
                assert_eq!(ran.load(SeqCst), 1);
            }
            Err(e) => {
                assert!(e.is_cancelled());
                assert_eq!(ran.load(SeqCst), 0, "a cancelled closure never runs");
            }
        }
    });
}

#[test]
fn loom_blocking_abort_vs_job_dropped_unrun() {
    crate::loom::model(|| {
        let (p, ran, dropped) = probe();
        let (join, job) = new_job(1, None, move || {
            p.ran.fetch_add(1, SeqCst);
            7
        });
        let abort = join.abort_handle();
        // The pool shuts down and drops the queued job while the task is aborted.
        let pool_thread = thread::spawn(move || drop(job));
        abort.abort();
        pool_thread.join().unwrap();
        assert_eq!(dropped.load(SeqCst), 1);
        assert_eq!(ran.load(SeqCst), 0);
        assert!(result(join).unwrap_err().is_cancelled());
    });
}
