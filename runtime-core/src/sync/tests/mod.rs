//! Loom models of the wait list and the primitives, and the scaffolding they share.
mod loom_barrier;
mod loom_event;
mod loom_locks;
mod loom_mpsc;
mod loom_notify;
mod loom_oneshot;
mod loom_queue;
mod loom_wait_list;
mod loom_watch;

use std::future::Future;
use std::task::{Context, Poll, Waker};

pub(super) use crate::loom::model;

/// Polls `fut` until it is ready, parking while it waits for its waker: a lost wakeup
/// shows up as a loom deadlock.
pub(crate) fn block_on<F: Future>(fut: F) -> F::Output {
    crate::util::block::block_on_thread("a loom model", fut)
}

/// Polls `fut` once with a waker that records nothing.
pub(crate) fn poll_once<F: Future + Unpin>(fut: &mut F) -> Poll<F::Output> {
    let mut cx = Context::from_waker(Waker::noop());
    std::pin::Pin::new(fut).poll(&mut cx)
}
