//! Cooperative budget: a task gets `runtime_timer::coop::BUDGET` (128) polls of runtime
//! resources per tick.
//!
//! Runtime resources (JoinHandles, channels, timers, sockets) call [`poll_proceed`]
//! before doing work. When the running task has used up its budget they return
//! `Pending` after waking the task, so a future that is always ready (a channel that never
//! empties) still gives its thread back to the scheduler. Outside a task the budget is
//! unconstrained.
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

// The budget's thread-local lives in runtime-timer, the leaf every crate can reach, so
// that timers, channels, locks and sockets all spend the same budget (see its docs).
pub(crate) use runtime_timer::coop::{poll_proceed, with_budget};

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
