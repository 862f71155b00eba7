//! [`wait_for`]: asyncio's `wait_for` for a task: a deadline that cancels the task and
//! reports only once the task's future is gone.
use crate::error;
use crate::task::{JoinError, JoinHandle};
use crate::time::{timeout, Elapsed, Timeout};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Waits for the task behind `handle` for at most `duration` (asyncio's `wait_for`, with
/// the arguments in [`timeout`](crate::time::timeout)'s order).
///
/// If the task finishes in time, its result is `Ok(result)`, exactly what awaiting the
/// handle gives. Otherwise the task is aborted and `wait_for` returns `Err(Elapsed)` only
/// once the task's future has been dropped (its `Drop` impls, asyncio's `finally` blocks,
/// have run), never before. If the task finished before the abort took effect, its
/// result wins and is returned as `Ok`, so an output is never lost.
///
/// The output type is that of `timeout(duration, handle)`: switching from one to the
/// other changes what happens to the task on timeout (`timeout` only drops the handle,
/// which detaches the task: asyncio's `wait_for(shield(task))`), not the types.
///
/// ```
/// use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
/// use std::sync::Arc;
/// use std::time::Duration;
///
/// struct SetOnDrop(Arc<AtomicBool>); // the task's `finally`
/// impl Drop for SetOnDrop {
///     fn drop(&mut self) {
///         self.0.store(true, SeqCst);
///     }
/// }
///
/// let rt = runtime::Builder::new_current_thread().start_paused(true).build().unwrap();
/// rt.block_on(async {
///     let quick = runtime::spawn(async { 42 });
///     assert!(matches!(runtime::wait_for(Duration::from_secs(1), quick).await, Ok(Ok(42))));
///
///     let cleaned_up = Arc::new(AtomicBool::new(false));
///     let guard = SetOnDrop(cleaned_up.clone());
///     let stuck = runtime::spawn(async move {
///         let _guard = guard;
///         runtime::sleep(Duration::from_secs(3600)).await;
///     });
///     let start = runtime::time::Instant::now();
///     let res = runtime::wait_for(Duration::from_secs(1), stuck).await;
///     assert!(res.is_err());
///     assert_eq!(start.elapsed(), Duration::from_secs(1));
///     assert!(cleaned_up.load(SeqCst), "the task's future is gone when wait_for returns");
/// });
/// ```
pub fn wait_for<T>(duration: Duration, handle: JoinHandle<T>) -> WaitFor<T> {
    WaitFor {
        state: State::Racing(timeout(duration, handle)),
    }
}

/// The future returned by [`wait_for`].
///
/// ```
/// use std::time::Duration;
///
/// runtime::run(async {
///     let task = runtime::spawn(async { 1 });
///     let waiting: runtime::task::WaitFor<i32> = runtime::wait_for(Duration::from_secs(1), task);
///     assert_eq!(waiting.await.unwrap().unwrap(), 1);
/// });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them; dropping a `WaitFor` detaches its task"]
pub struct WaitFor<T> {
    state: State<T>,
}

enum State<T> {
    /// The handle against the deadline.
    Racing(Timeout<JoinHandle<T>>),
    /// The deadline passed: the task is aborted, and we wait for its future to be dropped.
    Aborting(JoinHandle<T>, Elapsed),
    Done,
}

impl<T> Future for WaitFor<T> {
    type Output = Result<Result<T, JoinError>, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // `WaitFor` is `Unpin`: `JoinHandle` and `Sleep` (so `Timeout` of them) are.
        let this = self.get_mut();
        loop {
            match &mut this.state {
                State::Racing(racing) => {
                    let elapsed = match Pin::new(&mut *racing).poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(Ok(res)) => {
                            this.state = State::Done;
                            return Poll::Ready(Ok(res));
                        }
                        Poll::Ready(Err(elapsed)) => elapsed,
                    };
                    let State::Racing(racing) = std::mem::replace(&mut this.state, State::Done)
                    else {
                        unreachable!()
                    };
                    let handle = racing.into_inner();
                    handle.abort();
                    this.state = State::Aborting(handle, elapsed);
                }
                State::Aborting(handle, elapsed) => {
                    let res = std::task::ready!(Pin::new(handle).poll(cx));
                    let elapsed = *elapsed;
                    this.state = State::Done;
                    return Poll::Ready(match res {
                        Err(e) if e.is_cancelled() => Err(elapsed),
                        // Finished (or panicked) before the abort took effect.
                        res => Ok(res),
                    });
                }
                State::Done => panic!("{}", error::COMBINATOR_POLLED_AFTER_COMPLETION),
            }
        }
    }
}

impl<T> fmt::Debug for WaitFor<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("WaitFor");
        match &self.state {
            State::Racing(t) => d
                .field("task", &t.get_ref().id())
                .field("deadline", &t.deadline())
                .field("state", &"running"),
            State::Aborting(h, _) => d.field("task", &h.id()).field("state", &"aborting"),
            State::Done => d.field("state", &"done"),
        };
        d.finish()
    }
}
