//! Blocking a plain thread on a future: the engine of the `blocking_*` calls of `sync`
//! (`Receiver::blocking_recv`, `Mutex::blocking_lock`, ...).
use crate::error;
use crate::scheduler::park::{Park, ParkThread};
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};

/// Runs `fut` to completion on this thread, parking it (on the scheduler's token parker,
/// whose wakeups are never lost: `loom_park_*`) while the future is pending.
///
/// Panics, naming `what` (the public call, like "`Mutex::blocking_lock`"), when called on a
/// runtime thread: blocking a worker would stall every task queued on it, and could
/// deadlock waiting for a task that needs that very worker.
#[track_caller]
pub(crate) fn block_on_thread<F: Future>(what: &str, fut: F) -> F::Output {
    if crate::scheduler::context::in_runtime() {
        panic!("{what}{}", error::BLOCKING_IN_RUNTIME);
    }
    let mut park = ParkThread::new();
    let waker = park.unpark().into_waker();
    let mut cx = Context::from_waker(&waker);
    let mut fut = pin!(fut);
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
        park.park();
    }
}

#[cfg(all(test, not(runtime_loom)))]
mod tests {
    use super::block_on_thread;
    use std::task::Poll;

    #[test]
    fn parks_until_another_thread_wakes_it() {
        let mut waker_sent = false;
        let out = block_on_thread(
            "test",
            std::future::poll_fn(move |cx| {
                if waker_sent {
                    return Poll::Ready(7);
                }
                waker_sent = true;
                let waker = cx.waker().clone();
                crate::loom::thread::spawn(move || {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                    waker.wake();
                });
                Poll::Pending
            }),
        );
        assert_eq!(out, 7);
    }

    #[test]
    #[should_panic(expected = "`Mutex::blocking_lock` cannot block a runtime thread")]
    fn refuses_a_runtime_thread() {
        let rt = crate::Builder::new_current_thread().build().unwrap();
        rt.block_on(async { block_on_thread("`Mutex::blocking_lock`", async {}) });
    }
}
