//! [`wait`]: asyncio's `wait` over `JoinHandle`s, with [`ReturnWhen`] and the
//! [`WaitOutput`] trait that tells a failed output apart.
use super::children::{Budget, Children, Scan};
use crate::error;
use crate::task::{JoinError, JoinHandle};
use std::fmt;
use std::future::Future;
use std::ops::ControlFlow;
use std::pin::Pin;
use std::task::{Context, Poll};

/// When [`wait`] returns (asyncio's `FIRST_COMPLETED`, `FIRST_EXCEPTION`, `ALL_COMPLETED`).
///
/// ```
/// assert_eq!(runtime::ReturnWhen::default(), runtime::ReturnWhen::AllCompleted);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ReturnWhen {
    /// As soon as at least one task has finished (every task found finished by then is
    /// in the done list).
    ///
    /// ```
    /// runtime::run(async {
    ///     let fast = runtime::spawn(async { 1 });
    ///     let slow = runtime::spawn(std::future::pending::<i32>());
    ///     let (done, pending) = runtime::wait([fast, slow], runtime::ReturnWhen::FirstCompleted).await;
    ///     assert_eq!(done.len(), 1);
    ///     pending[0].abort();
    /// });
    /// ```
    FirstCompleted,
    /// As soon as a task fails, that is resolves to a [`JoinError`] (it panicked or was
    /// cancelled) or to an output whose [`WaitOutput::is_exception`] is true (an `Err`);
    /// if none fails, when all have finished.
    ///
    /// ```
    /// runtime::run(async {
    ///     let ok = runtime::spawn(async { Ok(1) });
    ///     let bad = runtime::spawn(async { Err("refused") });
    ///     let slow = runtime::spawn(std::future::pending::<Result<i32, &str>>());
    ///     let (done, pending) =
    ///         runtime::wait([ok, bad, slow], runtime::ReturnWhen::FirstException).await;
    ///     assert!(done.iter().any(|r| matches!(r, Ok(Err("refused")))));
    ///     assert!(!pending.is_empty(), "`slow` is still running");
    ///     pending.iter().for_each(|task| task.abort());
    /// });
    /// ```
    FirstException,
    /// When every task has finished (the default, as in asyncio).
    ///
    /// ```
    /// runtime::run(async {
    ///     let tasks = (0..3).map(|i| runtime::spawn(async move { i }));
    ///     let (done, pending) = runtime::wait(tasks, runtime::ReturnWhen::AllCompleted).await;
    ///     assert_eq!(done.len(), 3);
    ///     assert!(pending.is_empty());
    /// });
    /// ```
    #[default]
    AllCompleted,
}

/// Tells [`wait`]'s [`ReturnWhen::FirstException`] whether a task's output is a failure.
///
/// Rust has no exceptions: a task fails by panicking (a [`JoinError`]) or by returning
/// `Err`. Without specialization `wait` cannot look inside an arbitrary `T`, so the tasks'
/// output type implements this trait: `Result` says `true` for `Err`; `()`, the numbers,
/// `bool`, `char`, strings, `Vec`, `Option` (a `None` is not an exception), tuples of up to
/// four and the collections say `false`; `Box` asks what it holds. For an output type of your own,
/// implement it in one line (the method's default is `false`) or with your own rule.
///
/// ```
/// struct Reply {
///     status: u16,
/// }
///
/// // Either never an exception...
/// // impl runtime::task::WaitOutput for Reply {}
/// // ...or with a rule of your own:
/// impl runtime::task::WaitOutput for Reply {
///     fn is_exception(&self) -> bool {
///         self.status >= 500
///     }
/// }
///
/// runtime::run(async {
///     let tasks = [200, 503].map(|status| runtime::spawn(async move { Reply { status } }));
///     let (done, _) = runtime::wait(tasks, runtime::ReturnWhen::FirstException).await;
///     assert!(done.iter().any(|r| r.as_ref().unwrap().status == 503));
/// });
/// ```
pub trait WaitOutput {
    /// Whether this output counts as an exception for [`ReturnWhen::FirstException`].
    ///
    /// ```
    /// use runtime::task::WaitOutput;
    /// assert!(Err::<(), &str>("no").is_exception());
    /// assert!(!Ok::<(), &str>(()).is_exception());
    /// assert!(!5u8.is_exception());
    /// ```
    fn is_exception(&self) -> bool {
        false
    }
}

impl<T, E> WaitOutput for Result<T, E> {
    fn is_exception(&self) -> bool {
        self.is_err()
    }
}

impl<T: WaitOutput + ?Sized> WaitOutput for Box<T> {
    fn is_exception(&self) -> bool {
        (**self).is_exception()
    }
}

macro_rules! never_an_exception {
    ($($t:ty),* $(,)?) => {
        $(impl WaitOutput for $t {})*
    };
}

never_an_exception!(
    (),
    bool,
    char,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    f32,
    f64,
    String,
    &'static str,
    std::time::Duration,
);

impl<T> WaitOutput for Option<T> {}
impl<A> WaitOutput for (A,) {}
impl<A, B> WaitOutput for (A, B) {}
impl<A, B, C> WaitOutput for (A, B, C) {}
impl<A, B, C, D> WaitOutput for (A, B, C, D) {}
impl<T> WaitOutput for Vec<T> {}
impl<K, V, S> WaitOutput for std::collections::HashMap<K, V, S> {}
impl<T, S> WaitOutput for std::collections::HashSet<T, S> {}
impl<K, V> WaitOutput for std::collections::BTreeMap<K, V> {}
impl<T> WaitOutput for std::collections::BTreeSet<T> {}
impl<T> WaitOutput for std::collections::VecDeque<T> {}
impl<T: ?Sized> WaitOutput for std::sync::Arc<T> {}

/// Waits for the tasks behind `handles` until `return_when` says so (asyncio's `wait`),
/// and returns `(done, pending)`: the finished tasks' results in completion order, and
/// the handles of the tasks still running, in input order.
///
/// The pending tasks keep running: await, [`wait`] again, or abort their handles (dropping
/// a handle detaches its task). `wait` itself never cancels anything. With no handles it
/// returns two empty lists at once (asyncio raises `ValueError`). Each task gets its own
/// waker, so one completion costs O(1) however many are still pending. The handles spend
/// the cooperative budget as when awaited one by one.
///
/// For a deadline, put the `Wait` under [`timeout`](crate::time::timeout) by reference and
/// take what is done so far with [`Wait::into_parts`] when it elapses.
///
/// ```
/// use runtime::ReturnWhen;
/// use std::time::Duration;
///
/// // Paused time, so the example runs in no time and always in the same order.
/// let rt = runtime::Builder::new_current_thread().start_paused(true).build().unwrap();
/// rt.block_on(async {
///     let tasks = [30, 10, 20].map(|ms| {
///         runtime::spawn(async move {
///             runtime::sleep(Duration::from_millis(ms)).await;
///             ms
///         })
///     });
///     let (done, pending) = runtime::wait(tasks, ReturnWhen::FirstCompleted).await;
///     assert_eq!(done.into_iter().map(Result::unwrap).collect::<Vec<_>>(), [10]);
///     assert_eq!(pending.len(), 2);
///
///     let (rest, none) = runtime::wait(pending, ReturnWhen::AllCompleted).await;
///     assert_eq!(rest.into_iter().map(Result::unwrap).collect::<Vec<_>>(), [20, 30]);
///     assert!(none.is_empty());
/// });
/// ```
pub fn wait<T, I>(handles: I, return_when: ReturnWhen) -> Wait<T>
where
    I: IntoIterator<Item = JoinHandle<T>>,
    T: WaitOutput,
{
    let children = Children::new(handles, Budget::Check);
    Wait {
        done: Vec::new(),
        failed: false,
        children: Some(children),
        return_when,
    }
}

/// The future returned by [`wait`]: resolves to `(done, pending)`.
///
/// ```
/// runtime::run(async {
///     let w: runtime::task::Wait<u8> =
///         runtime::wait([runtime::spawn(async { 1 })], runtime::ReturnWhen::AllCompleted);
///     let (done, pending) = w.await;
///     assert_eq!(done.len() + pending.len(), 1);
/// });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them; dropping a `Wait` detaches its tasks"]
pub struct Wait<T> {
    done: Vec<Result<T, JoinError>>,
    failed: bool,
    /// `None` once it returned.
    children: Option<Children<JoinHandle<T>>>,
    return_when: ReturnWhen,
}

// Results and handles are never pinned.
impl<T> Unpin for Wait<T> {}

impl<T> Wait<T> {
    /// Gives up waiting: the results collected so far (completion order) and the handles
    /// of the tasks still running (input order). For `wait` under a deadline.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// runtime::run(async {
    ///     let quick = runtime::spawn(async { 1 });
    ///     let stuck = runtime::spawn(std::future::pending::<i32>());
    ///     let mut waiting = runtime::wait([quick, stuck], runtime::ReturnWhen::AllCompleted);
    ///     let res = runtime::timeout(Duration::from_millis(20), &mut waiting).await;
    ///     assert!(res.is_err(), "the stuck task never finishes");
    ///     let (done, pending) = waiting.into_parts();
    ///     assert_eq!(done.len(), 1);
    ///     pending[0].abort();
    /// });
    /// ```
    pub fn into_parts(mut self) -> (Vec<Result<T, JoinError>>, Vec<JoinHandle<T>>) {
        let pending = self
            .children
            .take()
            .map(Children::into_pending)
            .unwrap_or_default();
        (std::mem::take(&mut self.done), pending)
    }
}

impl<T: WaitOutput> Future for Wait<T> {
    type Output = (Vec<Result<T, JoinError>>, Vec<JoinHandle<T>>);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let children = this
            .children
            .as_mut()
            .expect(error::COMBINATOR_POLLED_AFTER_COMPLETION);
        let first_exception = this.return_when == ReturnWhen::FirstException;
        let done = &mut this.done;
        let failed = &mut this.failed;
        let scan = children.poll_children(cx, |_, out| {
            let exception = match &out {
                Ok(v) => v.is_exception(),
                Err(_) => true,
            };
            done.push(out);
            if exception && first_exception {
                *failed = true;
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        });
        let finished = match this.return_when {
            _ if children.remaining() == 0 => true,
            ReturnWhen::FirstCompleted => !this.done.is_empty(),
            ReturnWhen::FirstException => this.failed,
            ReturnWhen::AllCompleted => false,
        };
        if !finished {
            debug_assert_ne!(scan, Scan::Stopped);
            return Poll::Pending;
        }
        let pending = this
            .children
            .take()
            .map(Children::into_pending)
            .unwrap_or_default();
        Poll::Ready((std::mem::take(&mut this.done), pending))
    }
}

impl<T> fmt::Debug for Wait<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("return_when", &self.return_when)
            .field("done", &self.done.len())
            .field(
                "pending",
                &self.children.as_ref().map_or(0, Children::remaining),
            )
            .finish()
    }
}
