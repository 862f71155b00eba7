//! [`gather`] and [`try_gather`]: many futures polled concurrently in the calling task,
//! their outputs in input order.
use super::children::{Budget, Children, Scan};
use crate::error;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::ops::ControlFlow;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Runs every future concurrently in the calling task and returns their outputs in input
/// order (asyncio's `gather`).
///
/// The futures are polled by the task that awaits the `Gather`, not spawned: a wake of one
/// future polls only that future (each gets its own waker), so a completion costs O(1)
/// however many are still pending. A panic in one of them unwinds through the `Gather`
/// (asyncio's default `return_exceptions=False`; the other futures are dropped with it).
/// To run them on other threads, spawn them and gather the [`JoinHandle`]s: a panic then
/// arrives as a [`JoinError`] in its slot (asyncio's `return_exceptions=True`).
///
/// Each future that completes spends one unit of the task's cooperative budget, so a
/// gather of many ready futures yields to the scheduler now and then.
///
/// ```
/// use std::time::Duration;
///
/// async fn factorial(n: u64) -> u64 {
///     runtime::sleep(Duration::from_millis(10 * n)).await;
///     (1..=n).product()
/// }
///
/// runtime::run(async {
///     let out = runtime::gather([factorial(4), factorial(2), factorial(3)]).await;
///     assert_eq!(out, [24, 2, 6]); // input order, not completion order
///
///     let tasks = (1..=3).map(|i| runtime::spawn(async move { i * 10 }));
///     let joined: Vec<_> = runtime::gather(tasks).await;
///     assert_eq!(joined.into_iter().map(Result::unwrap).collect::<Vec<_>>(), [10, 20, 30]);
/// });
/// ```
///
/// [`JoinHandle`]: crate::task::JoinHandle
/// [`JoinError`]: crate::task::JoinError
pub fn gather<I>(futures: I) -> Gather<<I::Item as IntoFuture>::IntoFuture>
where
    I: IntoIterator,
    I::Item: IntoFuture,
{
    Gather {
        inner: InOrder::new(futures),
    }
}

/// The future returned by [`gather`]: resolves to every output, in input order.
///
/// ```
/// runtime::run(async {
///     let gathering: runtime::task::Gather<std::future::Ready<u8>> =
///         runtime::gather([std::future::ready(1), std::future::ready(2)]);
///     assert_eq!(gathering.len(), 2);
///     assert_eq!(gathering.await, [1, 2]);
/// });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Gather<F: Future> {
    inner: InOrder<F>,
}

impl<F: Future> Gather<F> {
    /// How many futures it gathers.
    ///
    /// ```
    /// let empty = runtime::gather(Vec::<std::future::Ready<()>>::new());
    /// assert_eq!(empty.len(), 0);
    /// assert!(empty.is_empty());
    /// ```
    pub fn len(&self) -> usize {
        self.inner.children.len()
    }

    /// Whether it gathers no future at all (it then resolves at once to an empty `Vec`).
    ///
    /// ```
    /// runtime::run(async {
    ///     let empty = runtime::gather(Vec::<std::future::Ready<()>>::new());
    ///     assert!(empty.is_empty());
    ///     assert!(empty.await.is_empty());
    /// });
    /// ```
    pub fn is_empty(&self) -> bool {
        self.inner.children.len() == 0
    }
}

impl<F: Future> Future for Gather<F> {
    type Output = Vec<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // `Gather` is `Unpin`: its futures live in `Children`' heap slice.
        match std::task::ready!(self.get_mut().inner.poll(cx, |_| false)) {
            Ok(outputs) => Poll::Ready(outputs),
            Err(_) => unreachable!("no output stops a gather"),
        }
    }
}

impl<F: Future> fmt::Debug for Gather<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt_as("Gather", f)
    }
}

/// Like [`gather`], for futures that return `Result`: `Ok` with every value in input order,
/// or the first `Err` as soon as it happens, after dropping every other future still
/// running.
///
/// Like [`gather`] it polls the futures in the calling task, one waker each, and spends one
/// unit of the cooperative budget per completed future. Dropped futures are dropped on
/// the calling task, before the `Err` is returned.
///
/// ```
/// async fn parse(s: &str) -> Result<u32, String> {
///     if s == "slow" {
///         std::future::pending::<()>().await;
///     }
///     s.parse().map_err(|_| format!("not a number: {s}"))
/// }
///
/// runtime::run(async {
///     assert_eq!(runtime::try_gather(["1", "2", "3"].map(parse)).await, Ok(vec![1, 2, 3]));
///     // The error comes back at once; the slow one is dropped.
///     let failed = runtime::try_gather(["slow", "x"].map(parse)).await;
///     assert_eq!(failed, Err("not a number: x".to_string()));
/// });
/// ```
pub fn try_gather<I, T, E>(futures: I) -> TryGather<<I::Item as IntoFuture>::IntoFuture>
where
    I: IntoIterator,
    I::Item: IntoFuture<Output = Result<T, E>>,
{
    TryGather {
        inner: InOrder::new(futures),
    }
}

/// The future returned by [`try_gather`].
///
/// ```
/// runtime::run(async {
///     let all: runtime::task::TryGather<std::future::Ready<Result<u8, ()>>> =
///         runtime::try_gather([std::future::ready(Ok(1)), std::future::ready(Ok(2))]);
///     assert_eq!(all.len(), 2);
///     assert_eq!(all.await, Ok(vec![1, 2]));
/// });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct TryGather<F: Future> {
    inner: InOrder<F>,
}

impl<F: Future> TryGather<F> {
    /// How many futures it gathers.
    ///
    /// ```
    /// let two = runtime::try_gather([1, 2].map(|n| async move { Ok::<_, ()>(n) }));
    /// assert_eq!(two.len(), 2);
    /// assert!(!two.is_empty());
    /// ```
    pub fn len(&self) -> usize {
        self.inner.children.len()
    }

    /// Whether it gathers no future at all (it then resolves at once to `Ok` of an empty
    /// `Vec`).
    ///
    /// ```
    /// runtime::run(async {
    ///     let none = runtime::try_gather(Vec::<std::future::Ready<Result<(), ()>>>::new());
    ///     assert!(none.is_empty());
    ///     assert_eq!(none.await, Ok(vec![]));
    /// });
    /// ```
    pub fn is_empty(&self) -> bool {
        self.inner.children.len() == 0
    }
}

impl<F, T, E> Future for TryGather<F>
where
    F: Future<Output = Result<T, E>>,
{
    type Output = Result<Vec<T>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let outputs = match std::task::ready!(self.get_mut().inner.poll(cx, Result::is_err)) {
            Ok(outputs) => outputs,
            Err(failed) => return Poll::Ready(Err(failed.err().expect("stopped at an Err"))),
        };
        Poll::Ready(Ok(outputs
            .into_iter()
            .map(|o| match o {
                Ok(v) => v,
                Err(_) => unreachable!("an Err stops a try_gather"),
            })
            .collect()))
    }
}

impl<F: Future> fmt::Debug for TryGather<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt_as("TryGather", f)
    }
}

/// What [`Gather`] and [`TryGather`] share: the futures and their outputs by input index.
struct InOrder<F: Future> {
    children: Children<F>,
    outputs: Vec<Option<F::Output>>,
    done: bool,
}

// The futures sit in `Children`' heap slice (rule 1); outputs are never pinned.
impl<F: Future> Unpin for InOrder<F> {}

impl<F: Future> InOrder<F> {
    fn new<I>(futures: I) -> InOrder<F>
    where
        I: IntoIterator,
        I::Item: IntoFuture<IntoFuture = F>,
    {
        let children = Children::new(
            futures.into_iter().map(IntoFuture::into_future),
            Budget::Spend,
        );
        let outputs = std::iter::repeat_with(|| None)
            .take(children.len())
            .collect();
        InOrder {
            children,
            outputs,
            done: false,
        }
    }

    /// Polls the futures; `Ok` with every output in input order once all finished, or
    /// `Err` with the first output `stops` picks, after dropping every other future.
    fn poll(
        &mut self,
        cx: &mut Context<'_>,
        mut stops: impl FnMut(&F::Output) -> bool,
    ) -> Poll<Result<Vec<F::Output>, F::Output>> {
        assert!(!self.done, "{}", error::COMBINATOR_POLLED_AFTER_COMPLETION);
        let outputs = &mut self.outputs;
        let mut stopped = None;
        let scan = self.children.poll_children(cx, |index, out| {
            if stops(&out) {
                stopped = Some(out);
                return ControlFlow::Break(());
            }
            outputs[index] = Some(out);
            ControlFlow::Continue(())
        });
        if let Some(out) = stopped {
            self.done = true;
            // The rest is dropped before the output is reported.
            self.children.clear();
            self.outputs = Vec::new();
            return Poll::Ready(Err(out));
        }
        if self.children.remaining() > 0 {
            debug_assert_ne!(scan, Scan::Stopped);
            return Poll::Pending;
        }
        self.done = true;
        let outputs = std::mem::take(&mut self.outputs);
        Poll::Ready(Ok(outputs
            .into_iter()
            .map(|o| o.expect("every gathered future finished"))
            .collect()))
    }

    fn fmt_as(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(name)
            .field("len", &self.children.len())
            .field("remaining", &self.children.remaining())
            .finish()
    }
}
