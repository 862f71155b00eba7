//! `TaskGroup`: structured concurrency (asyncio's `TaskGroup`).
//!
//! Each member future is wrapped in a `Member` that records a failure (an `Err` output or
//! a panic) and holds a `MemberGuard`. The guard's `Drop` runs after the member's future
//! has been dropped, whether it finished or was cancelled, and only then counts the
//! member as gone; `join` resolves when the count reaches zero, so "cancellation is
//! complete when reported". The first failure aborts every other member.
use super::{AbortHandle, Id, JoinHandle};
use crate::error;
use crate::loom::sync::{Arc, Mutex};
use crate::runtime::Handle;
use std::fmt;
use std::future::Future;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// A set of tasks that succeed or fail together (asyncio's `TaskGroup`).
///
/// [`spawn`](TaskGroup::spawn) starts members on the current runtime;
/// [`join`](TaskGroup::join) waits until every member has finished. A member fails when it
/// returns `Err` or panics; the first failure aborts all other members, and `join` then
/// returns a [`GroupError`] listing every failure in order. Dropping the group, or the
/// future returned by `join`, aborts the members still running.
///
/// ```
/// runtime::run(async {
///     let group = runtime::TaskGroup::new();
///     let a = group.spawn(async { Ok::<_, String>(1) });
///     let b = group.spawn(async { Ok::<_, String>(2) });
///     group.join().await.unwrap();
///     assert_eq!(a.await.unwrap().unwrap() + b.await.unwrap().unwrap(), 3);
/// });
/// ```
pub struct TaskGroup {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<GroupState>,
}

#[derive(Default)]
struct GroupState {
    /// Members whose future has not been dropped yet.
    pending: usize,
    /// Abort handles of live members, by member key.
    members: slab::Slab<Option<AbortHandle>>,
    failures: Vec<GroupFailure>,
    cancelling: bool,
    join_waker: Option<Waker>,
}

/// What a group member's output says about success.
///
/// Implemented for `()` (never fails) and `Result<T, E>` (fails on `Err`, described with
/// `E`'s `Display`).
///
/// ```
/// use runtime::GroupMember;
/// assert_eq!(().failure(), None);
/// assert_eq!(Ok::<u8, String>(1).failure(), None);
/// assert_eq!(Err::<u8, _>("disk full").failure().as_deref(), Some("disk full"));
/// ```
pub trait GroupMember {
    /// A description of the failure, or `None` on success.
    ///
    /// ```
    /// use runtime::GroupMember;
    /// struct Status(u16);
    /// impl GroupMember for Status {
    ///     fn failure(&self) -> Option<String> {
    ///         (self.0 >= 400).then(|| format!("HTTP {}", self.0))
    ///     }
    /// }
    /// assert_eq!(Status(404).failure().as_deref(), Some("HTTP 404"));
    /// ```
    fn failure(&self) -> Option<String>;
}

impl GroupMember for () {
    fn failure(&self) -> Option<String> {
        None
    }
}

impl<T, E: fmt::Display> GroupMember for Result<T, E> {
    fn failure(&self) -> Option<String> {
        self.as_ref().err().map(|e| e.to_string())
    }
}

/// One failed member of a [`TaskGroup`].
///
/// ```
/// runtime::run(async {
///     let group = runtime::TaskGroup::new();
///     let _ = group.spawn(async { Err::<(), _>("bad input") });
///     let err = group.join().await.unwrap_err();
///     let failure: &runtime::GroupFailure = &err.failures()[0];
///     assert_eq!(failure.message(), "bad input");
/// });
/// ```
#[derive(Debug, Clone)]
pub struct GroupFailure {
    id: Id,
    panicked: bool,
    message: String,
}

impl GroupFailure {
    /// The failed task's id.
    ///
    /// ```
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let h = group.spawn(async { Err::<(), _>("bad input") });
    ///     let id = h.id();
    ///     let err = group.join().await.unwrap_err();
    ///     assert_eq!(err.failures()[0].id(), id);
    /// });
    /// ```
    pub fn id(&self) -> Id {
        self.id
    }

    /// Whether the member panicked (otherwise it returned `Err`).
    ///
    /// ```
    /// async fn crash() {
    ///     panic!("boom")
    /// }
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let _ = group.spawn(crash());
    ///     let err = group.join().await.unwrap_err();
    ///     assert!(err.failures()[0].is_panic());
    /// });
    /// ```
    pub fn is_panic(&self) -> bool {
        self.panicked
    }

    /// The error's `Display` text, or the panic message.
    ///
    /// ```
    /// async fn crash() {
    ///     panic!("boom")
    /// }
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let _ = group.spawn(crash());
    ///     let err = group.join().await.unwrap_err();
    ///     assert_eq!(err.failures()[0].message(), "boom");
    /// });
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Every failure of a [`TaskGroup`], in the order they happened (asyncio's
/// `ExceptionGroup`).
///
/// ```
/// runtime::run(async {
///     let group = runtime::TaskGroup::new();
///     let _ = group.spawn(async { Err::<(), _>("bad input") });
///     let err: runtime::GroupError = group.join().await.unwrap_err();
///     assert!(err.to_string().contains("bad input"));
/// });
/// ```
#[derive(Debug, Clone)]
pub struct GroupError {
    failures: Vec<GroupFailure>,
}

impl GroupError {
    /// The failures, first one first.
    ///
    /// ```
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let _ = group.spawn(async { Err::<(), _>("first") });
    ///     let err = group.join().await.unwrap_err();
    ///     assert_eq!(err.failures().len(), 1);
    ///     assert_eq!(err.failures()[0].message(), "first");
    /// });
    /// ```
    pub fn failures(&self) -> &[GroupFailure] {
        &self.failures
    }
}

impl fmt::Display for GroupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.failures.len();
        write!(
            f,
            "{n} member{} of the task group failed",
            if n == 1 { "" } else { "s" }
        )?;
        for (i, x) in self.failures.iter().enumerate() {
            let sep = if i == 0 { ": " } else { "; " };
            let what = if x.panicked {
                "panicked"
            } else {
                "returned an error"
            };
            write!(f, "{sep}task {} {what}: {}", x.id, x.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for GroupError {}

impl Default for TaskGroup {
    fn default() -> Self {
        TaskGroup::new()
    }
}

impl TaskGroup {
    /// An empty group.
    ///
    /// ```
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     assert!(group.is_empty());
    ///     group.join().await.unwrap(); // nothing to wait for
    /// });
    /// ```
    pub fn new() -> TaskGroup {
        TaskGroup {
            shared: Arc::new(Shared {
                state: Mutex::new(GroupState::default()),
            }),
        }
    }

    /// Spawns `future` as a member on the current runtime.
    ///
    /// If the group is already cancelling (a member failed), the future is not run: the
    /// returned handle yields a cancelled [`JoinError`](crate::JoinError) (see
    /// [`is_cancelling`](TaskGroup::is_cancelling)).
    ///
    /// # Panics
    /// Outside a runtime, like [`spawn`](crate::spawn).
    ///
    /// ```
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let h = group.spawn(async { Ok::<_, std::io::Error>("data") });
    ///     group.join().await.unwrap();
    ///     assert_eq!(h.await.unwrap().unwrap(), "data");
    /// });
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: GroupMember + Send + 'static,
    {
        let handle = Handle::current();
        let key = {
            let mut st = self.shared.state.lock();
            st.pending += 1;
            st.members.insert(None)
        };
        let member = Member {
            future: Some(future),
            guard: MemberGuard {
                shared: self.shared.clone(),
                key,
            },
        };
        let shared = &self.shared;
        handle.inner.spawn(member, None, |join| {
            // The task cannot have run yet, so `key` is still ours.
            let abort = join.abort_handle();
            let mut st = shared.state.lock();
            let cancelling = st.cancelling;
            if let Some(slot) = st.members.get_mut(key) {
                *slot = Some(abort.clone());
            }
            drop(st);
            if cancelling {
                abort.abort();
            }
        })
    }

    /// Whether a member failed and the group is cancelling the others.
    ///
    /// ```
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let h = group.spawn(async { Err::<(), _>("bad input") });
    ///     let _ = h.await;
    ///     assert!(group.is_cancelling());
    ///     let late = group.spawn(async { Ok::<(), String>(()) });
    ///     assert!(late.await.unwrap_err().is_cancelled()); // never runs
    /// });
    /// ```
    pub fn is_cancelling(&self) -> bool {
        self.shared.state.lock().cancelling
    }

    /// Members that have not finished yet.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let _ = group.spawn(async {});
    ///     let _ = group.spawn(async {});
    ///     assert_eq!(group.len(), 2); // spawned, not run yet
    ///     group.join().await.unwrap();
    /// });
    /// ```
    pub fn len(&self) -> usize {
        self.shared.state.lock().pending
    }

    /// Whether every member has finished.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async {
    ///     let group = runtime::TaskGroup::new();
    ///     group.spawn(async {}).await.unwrap();
    ///     assert!(group.is_empty());
    /// });
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Waits until every member has finished (its future dropped), then reports.
    ///
    /// # Errors
    /// A [`GroupError`] listing every member that failed.
    ///
    /// ```
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let _ = group.spawn(async { Ok::<_, String>(()) });
    ///     let _ = group.spawn(async { Err::<(), _>("bad input".to_string()) });
    ///     let err = group.join().await.unwrap_err();
    ///     assert_eq!(err.failures().len(), 1);
    /// });
    /// ```
    pub fn join(self) -> Join {
        Join {
            group: Some(self),
            done: false,
        }
    }

    fn abort_all(&self) {
        let handles: Vec<AbortHandle> = {
            let st = self.shared.state.lock();
            st.members.iter().filter_map(|(_, a)| a.clone()).collect()
        };
        for h in handles {
            h.abort();
        }
    }
}

impl Drop for TaskGroup {
    fn drop(&mut self) {
        self.abort_all();
    }
}

impl fmt::Debug for TaskGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = self.shared.state.lock();
        f.debug_struct("TaskGroup")
            .field("pending", &st.pending)
            .field("failures", &st.failures.len())
            .field("cancelling", &st.cancelling)
            .finish()
    }
}

/// The future returned by [`TaskGroup::join`]. Dropping it aborts the members.
///
/// ```
/// runtime::run(async {
///     let group = runtime::TaskGroup::new();
///     let h = group.spawn(std::future::pending::<()>());
///     let join: runtime::task::GroupJoin = group.join();
///     drop(join); // aborts the members
///     assert!(h.await.unwrap_err().is_cancelled());
/// });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them; dropping this aborts the group"]
pub struct Join {
    group: Option<TaskGroup>,
    done: bool,
}

impl Future for Join {
    type Output = Result<(), GroupError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        assert!(!self.done, "{}", error::GROUP_JOIN_POLLED_AFTER_COMPLETION);
        let group = self.group.as_ref().expect("group present until done");
        let mut st = group.shared.state.lock();
        if st.pending > 0 {
            match &st.join_waker {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => st.join_waker = Some(cx.waker().clone()),
            }
            return Poll::Pending;
        }
        let failures = std::mem::take(&mut st.failures);
        drop(st);
        self.done = true;
        // Every member is gone: dropping the group aborts nothing.
        self.group = None;
        if failures.is_empty() {
            Poll::Ready(Ok(()))
        } else {
            Poll::Ready(Err(GroupError { failures }))
        }
    }
}

impl fmt::Debug for Join {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Join").field("group", &self.group).finish()
    }
}

pin_project_lite::pin_project! {
    /// A member's future with its failure detector; `guard` drops after `future`.
    ///
    /// The future is dropped by hand (in `poll` once it is ready, or in `drop`) so that a
    /// panic from its destructor, like an exception raised in a cancelled asyncio task's
    /// `finally`, is recorded as a failure of the group too.
    struct Member<F> {
        #[pin]
        future: Option<F>,
        guard: MemberGuard,
    }

    impl<F> PinnedDrop for Member<F> {
        fn drop(this: Pin<&mut Self>) {
            let mut this = this.project();
            if this.future.is_none() {
                return;
            }
            if let Err(payload) = catch_unwind(AssertUnwindSafe(|| this.future.set(None))) {
                let message = super::panic_message(&*payload).to_string();
                this.guard.fail(true, message);
                // The task's JoinHandle reports the panic as well.
                resume_unwind(payload);
            }
        }
    }
}

impl<F> Future for Member<F>
where
    F: Future,
    F::Output: GroupMember,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let mut this = self.project();
        let polled = catch_unwind(AssertUnwindSafe(|| {
            let fut = this
                .future
                .as_mut()
                .as_pin_mut()
                .expect("member polled after completion");
            let out = std::task::ready!(fut.poll(cx));
            // Drop the finished future here, inside the catch.
            this.future.set(None);
            Poll::Ready(out)
        }));
        match polled {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(out)) => {
                if let Some(message) = out.failure() {
                    this.guard.fail(false, message);
                }
                Poll::Ready(out)
            }
            Err(payload) => {
                let message = super::panic_message(&*payload).to_string();
                this.guard.fail(true, message);
                resume_unwind(payload)
            }
        }
    }
}

struct MemberGuard {
    shared: Arc<Shared>,
    key: usize,
}

impl MemberGuard {
    /// Records a failure; the first one aborts every other member.
    fn fail(&self, panicked: bool, message: String) {
        let to_abort: Vec<AbortHandle> = {
            let mut st = self.shared.state.lock();
            let id = match st.members.get(self.key) {
                Some(Some(a)) => a.id(),
                _ => unreachable!("a running member is registered"),
            };
            st.failures.push(GroupFailure {
                id,
                panicked,
                message,
            });
            if st.cancelling {
                Vec::new()
            } else {
                st.cancelling = true;
                st.members
                    .iter()
                    .filter(|(k, _)| *k != self.key)
                    .filter_map(|(_, a)| a.clone())
                    .collect()
            }
        };
        for a in to_abort {
            a.abort();
        }
    }
}

impl Drop for MemberGuard {
    fn drop(&mut self) {
        let waker = {
            let mut st = self.shared.state.lock();
            st.members.try_remove(self.key);
            st.pending -= 1;
            if st.pending == 0 {
                st.join_waker.take()
            } else {
                None
            }
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}
