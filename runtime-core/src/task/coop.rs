//! Cooperative budget: a task gets [`BUDGET`] polls of runtime resources per tick.
//!
//! Runtime resources (JoinHandles, channels, timers, sockets) call [`poll_proceed`]
//! before doing work. When the running task has used up its budget they return
//! `Pending` after waking the task, so a future that is always ready (a channel that never
//! empties) still gives its thread back to the scheduler. Outside a task the budget is
//! unconstrained.
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Polls of runtime resources a task may make before it must yield.
pub(crate) const BUDGET: u8 = 128;

crate::loom::thread_local! {
    static CURRENT: Cell<Option<u8>> = const { Cell::new(None) };
}

/// Runs `f` (one task poll) with a fresh budget, restoring the previous one afterwards.
pub(crate) fn with_budget<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(Option<u8>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let _ = CURRENT.try_with(|c| c.set(self.0));
        }
    }
    let prev = CURRENT.with(|c| c.replace(Some(BUDGET)));
    let _restore = Restore(prev);
    f()
}

/// Spends one unit of budget, or returns `Pending` (after waking the task) when none is
/// left. The returned guard refunds the unit unless [`RestoreOnPending::made_progress`]
/// is called.
pub(crate) fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    let prev = CURRENT.try_with(|c| {
        let cur = c.get();
        match cur {
            Some(0) => Err(()),
            Some(n) => {
                c.set(Some(n - 1));
                Ok(cur)
            }
            None => Ok(None),
        }
    });
    match prev {
        Ok(Ok(prev)) => Poll::Ready(RestoreOnPending(Cell::new(prev))),
        Ok(Err(())) => {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
        Err(_) => Poll::Ready(RestoreOnPending(Cell::new(None))),
    }
}

/// Refunds a unit of budget on drop unless progress was made.
#[derive(Debug)]
pub(crate) struct RestoreOnPending(Cell<Option<u8>>);

impl RestoreOnPending {
    pub(crate) fn made_progress(&self) {
        self.0.set(None);
    }
}

impl Drop for RestoreOnPending {
    fn drop(&mut self) {
        if let Some(prev) = self.0.get() {
            let _ = CURRENT.try_with(|c| c.set(Some(prev)));
        }
    }
}

/// Spends one unit of the cooperative budget, yielding to the scheduler when it is
/// exhausted. Call it in loops that do work without awaiting runtime resources.
///
/// ```
/// runtime::run(async {
///     for _ in 0..1_000 {
///         runtime::task::consume_budget().await;
///     }
/// });
/// ```
pub async fn consume_budget() {
    let mut done = false;
    std::future::poll_fn(move |cx| {
        if done {
            return Poll::Ready(());
        }
        let guard = std::task::ready!(poll_proceed(cx));
        guard.made_progress();
        done = true;
        Poll::Ready(())
    })
    .await
}

/// Yields once to the scheduler: the task goes to the back of the run queue, so every
/// other runnable task runs before it resumes (asyncio's `await asyncio.sleep(0)`).
///
/// ```
/// let rt = runtime::Builder::new_current_thread().build().unwrap();
/// rt.block_on(async {
///     let h = runtime::spawn(async { 1 });
///     runtime::yield_now().await; // lets the spawned task run
///     assert!(h.is_finished());
/// });
/// ```
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future returned by [`yield_now`].
///
/// ```
/// runtime::run(async {
///     let fut: runtime::task::YieldNow = runtime::yield_now();
///     fut.await;
/// });
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        // Waking ourselves while running sets NOTIFIED; the scheduler requeues the task at
        // the back of the queue when this poll returns (`Schedule::yield_now`).
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
