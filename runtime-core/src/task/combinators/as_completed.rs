//! [`as_completed`]: a stream of task results in completion order.
use super::children::{Budget, Children, Scan};
use crate::task::{JoinError, JoinHandle};
use futures_core::{FusedStream, Stream};
use std::fmt;
use std::ops::ControlFlow;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The results of the tasks behind `handles`, as they finish (asyncio's `as_completed`),
/// as a [`Stream`]; [`AsCompleted::next`] reads it without a stream library.
///
/// Each task gets its own waker, so every item costs O(1) however many tasks are still
/// running. Tasks that had already finished come first, in input order. Dropping the
/// stream detaches the tasks not yet yielded (their handles are dropped); abort them first
/// to cancel them. The handles spend the cooperative budget as when awaited one by one.
///
/// ```
/// use std::time::Duration;
///
/// // Paused time: the example runs in no time, always in the same order.
/// let rt = runtime::Builder::new_current_thread().start_paused(true).build().unwrap();
/// rt.block_on(async {
///     let tasks = [30, 10, 20].map(|ms| {
///         runtime::spawn(async move {
///             runtime::sleep(Duration::from_millis(ms)).await;
///             ms
///         })
///     });
///     let mut results = runtime::as_completed(tasks);
///     let mut order = Vec::new();
///     while let Some(res) = results.next().await {
///         order.push(res.unwrap());
///     }
///     assert_eq!(order, [10, 20, 30]);
/// });
/// ```
pub fn as_completed<T, I>(handles: I) -> AsCompleted<T>
where
    I: IntoIterator<Item = JoinHandle<T>>,
{
    AsCompleted {
        children: Children::new(handles, Budget::Check),
    }
}

/// The stream returned by [`as_completed`]: yields each task's `Result<T, JoinError>` as
/// it finishes, then ends.
///
/// ```
/// use futures_core::Stream;
///
/// fn assert_stream<S: Stream>(_: &S) {}
///
/// runtime::run(async {
///     let results: runtime::task::AsCompleted<u8> =
///         runtime::as_completed([runtime::spawn(async { 7 })]);
///     assert_stream(&results);
/// });
/// ```
#[must_use = "streams do nothing unless polled; dropping `AsCompleted` detaches its tasks"]
pub struct AsCompleted<T> {
    children: Children<JoinHandle<T>>,
}

impl<T> AsCompleted<T> {
    /// The next result to come, or `None` once every task's result has been yielded
    /// (the stream's `next`, without a stream library).
    ///
    /// ```
    /// runtime::run(async {
    ///     let mut results = runtime::as_completed([runtime::spawn(async { "done" })]);
    ///     assert_eq!(results.next().await.unwrap().unwrap(), "done");
    ///     assert!(results.next().await.is_none());
    /// });
    /// ```
    pub async fn next(&mut self) -> Option<Result<T, JoinError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// How many results are still to come.
    ///
    /// ```
    /// runtime::run(async {
    ///     let mut results = runtime::as_completed([runtime::spawn(async {})]);
    ///     assert_eq!(results.len(), 1);
    ///     results.next().await;
    ///     assert_eq!(results.len(), 0);
    ///     assert!(results.is_empty());
    /// });
    /// ```
    pub fn len(&self) -> usize {
        self.children.remaining()
    }

    /// Whether every result has been yielded.
    ///
    /// ```
    /// let results = runtime::as_completed(Vec::<runtime::JoinHandle<()>>::new());
    /// assert!(results.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.children.remaining() == 0
    }
}

impl<T> Stream for AsCompleted<T> {
    type Item = Result<T, JoinError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.children.remaining() == 0 {
            return Poll::Ready(None);
        }
        let mut item = None;
        let scan = this.children.poll_children(cx, |_, out| {
            item = Some(out);
            ControlFlow::Break(())
        });
        match item {
            Some(item) => Poll::Ready(Some(item)),
            None => {
                debug_assert_ne!(scan, Scan::Stopped);
                Poll::Pending
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.children.remaining();
        (n, Some(n))
    }
}

impl<T> FusedStream for AsCompleted<T> {
    fn is_terminated(&self) -> bool {
        self.children.remaining() == 0
    }
}

impl<T> fmt::Debug for AsCompleted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsCompleted")
            .field("len", &self.children.len())
            .field("remaining", &self.children.remaining())
            .finish()
    }
}
