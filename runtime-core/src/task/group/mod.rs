//! `TaskGroup`: structured concurrency (asyncio's `TaskGroup`).
//!
//! Each member future is wrapped in a `Member` (`member.rs`) that records a failure (a
//! panic; for `spawn_fallible` members also an `Err` output) and holds a `MemberGuard`.
//! The guard's `Drop` runs after the member's future has been dropped, whether it finished
//! or was cancelled, and only then counts the member as gone; `join` resolves when the
//! count reaches zero, so "cancellation is complete when reported". The first failure
//! aborts every other member.
//!
//! # Invariants
//!
//! The state (`state.rs`) is one atomic word, `CLOSED | CANCELLING | live members`, and one
//! lock over the members' abort handles, the failures and `join`'s waker, each on a cache
//! line of its own. A member touches the word once when spawned and once when its future
//! is gone, and the lock once, at spawn; the lock is shared with the workers only on the
//! rare paths (a failure, a cancellation, the last member waking `join`).
//!
//! 1. **Count.** The live count is raised before a member's task is spawned and lowered by
//!    its guard after its future is gone, so a count of zero means no member future exists.
//! 2. **Closing.** `join` sets `CLOSED` with a compare-exchange from a word whose count is
//!    zero; a spawn raises the count with one RMW on the same word and, if that finds
//!    `CLOSED`, lowers it again and is refused with [`GroupClosed`]. The two are ordered
//!    on the word: a spawn through a [`GroupHandle`] either comes first (`join` waits for
//!    it) or is refused: never both, never lost. Dropping the group sets `CLOSED` too.
//! 3. **Cancelling.** `CANCELLING` (and the drop's `CLOSED`) is set under the lock, in the
//!    critical section that collects the registered handles to abort; a spawn registers
//!    its handle and reads the flags under the same lock. So every member is either seen
//!    by the canceller or aborts itself at spawn.
//! 4. **Waking `join`.** The member that lowers the count to zero then takes the lock and
//!    wakes `join`'s waker; `join` stores its waker under the lock and reads the count
//!    again there. Whichever takes the lock second sees what the other did.
//! 5. **Finished when joined.** A member's guard drops with its future, a moment before its
//!    task publishes completion (on another worker, its handle may still say
//!    `is_finished() == false`). Every member's handle is registered before its task can
//!    run and stays until it reports finished (pruned when the list doubles), and `join`,
//!    once it has closed the group, waits until every one of them reports finished (woken
//!    by a done callback on the first one that has not, never spinning): as in asyncio,
//!    every member's handle is done when `join` returns.
//! 6. **Lifetime.** A member holds no `Arc`: its guard holds a `Live` token, a pointer to
//!    the state counted in the word. While the count is above zero the members together
//!    hold one reference to the state, taken (`Arc::into_raw`) by the spawn that raises
//!    the count from zero, before its token exists, and given up by the token that lowers
//!    it to zero, after its last use of the state. So a token's pointer is valid while it
//!    exists, and the `Arc`'s count is not one more cache line moving with every member.
//!
//! The `loom_group_*` models (`group/tests.rs`) check rules 2 to 6 with every pair of
//! operations that race on the word.
mod handle;
mod member;
mod report;
mod state;
#[cfg(all(test, runtime_loom))]
mod tests;

pub use handle::GroupHandle;
use member::sealed;
pub use report::{GroupClosed, GroupError, GroupFailure, GroupMember};

use super::{AbortHandle, Id, JoinHandle};
use crate::error;
use crate::loom::sync::Arc;
use crate::runtime::Handle;
use member::{AnyOutput, FallibleOutput, Member, Verdict};
use state::GroupState;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A set of tasks that succeed or fail together (asyncio's `TaskGroup`).
///
/// [`spawn`](TaskGroup::spawn) starts a member returning any value, which only a panic
/// fails; [`spawn_fallible`](TaskGroup::spawn_fallible) starts one returning a `Result`,
/// whose `Err` fails the group too. [`join`](TaskGroup::join) waits until every member has
/// finished, including members started meanwhile through a [`handle`](TaskGroup::handle).
/// The first failure aborts all other members, and `join` then returns a [`GroupError`]
/// listing every failure in order. [`cancel`](TaskGroup::cancel) ends the group early
/// without failing it; [`abort_all`](TaskGroup::abort_all) cancels it from outside, which
/// `join` reports. Dropping the group, or the future returned by `join`, aborts the
/// members still running.
///
/// ```
/// runtime::run(async {
///     let group = runtime::TaskGroup::new();
///     let a = group.spawn(async { 1 });
///     let b = group.spawn_fallible(async { Ok::<_, String>(2) });
///     group.join().await.unwrap();
///     assert_eq!(a.await.unwrap() + b.await.unwrap().unwrap(), 3);
/// });
/// ```
pub struct TaskGroup {
    shared: Arc<Shared>,
}

/// What a group, its handles and its members' guards share.
type Shared = GroupState<AbortHandle>;

impl Shared {
    /// Spawns a member of `this` judged by `V` on the current runtime. (An associated
    /// function: loom's `Arc` cannot be a method receiver.)
    #[track_caller]
    fn spawn<F, V>(this: &Arc<Self>, future: F) -> Result<JoinHandle<F::Output>, GroupClosed>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
        V: Verdict<F::Output> + 'static,
    {
        // First, as it may panic: nothing is counted yet.
        let handle = Handle::current();
        let live = GroupState::begin_spawn(this)?;
        let id = Id::next();
        let member = Member::<F, V>::new(future, live, id);
        // Rule 5: registered before the task can run.
        Ok(handle
            .inner
            .spawn_with_id(member, id, None, |join| this.register(join.abort_handle())))
    }
}

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
            shared: Arc::new(GroupState::new()),
        }
    }

    /// Spawns `future` as a member on the current runtime (asyncio's `tg.create_task`).
    /// Its output, any `T`, is read later through the returned handle; only a panic fails
    /// the group.
    ///
    /// A member returning `Result` (or another [`GroupMember`]) is a compile error here:
    /// spawn it with [`spawn_fallible`](TaskGroup::spawn_fallible), whose `Err` fails the
    /// group (what `spawn` did for such members before `spawn_fallible` existed). To keep
    /// an `Err` as a plain value, wrap it (`async { Some(fallible().await) }`).
    ///
    /// If the group is already cancelling, the future is not run: the returned handle
    /// yields a cancelled [`JoinError`](crate::JoinError) (see
    /// [`is_cancelling`](TaskGroup::is_cancelling)).
    ///
    /// # Panics
    /// Outside a runtime, like [`spawn`](crate::spawn).
    ///
    /// ```
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let h = group.spawn(async { 5 });
    ///     group.join().await.unwrap();
    ///     assert_eq!(h.await.unwrap(), 5);
    /// });
    /// ```
    ///
    /// ```compile_fail,E0283
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     // error: `Result` members need `spawn_fallible`
    ///     let _ = group.spawn(async { Err::<(), _>("disk full") });
    /// });
    /// ```
    #[track_caller]
    pub fn spawn<F, Kind>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static + sealed::ResultNeedsSpawnFallible<Kind>,
    {
        match Shared::spawn::<F, AnyOutput>(&self.shared, future) {
            Ok(join) => join,
            Err(GroupClosed(())) => unreachable!("a group is closed only once it is gone"),
        }
    }

    /// Spawns `future` as a member whose `Err` (or other [`GroupMember::failure`]) fails
    /// the group like a panic: the other members are aborted and `join` lists the error.
    ///
    /// Cancelled at once if the group is already cancelling, like
    /// [`spawn`](TaskGroup::spawn).
    ///
    /// # Panics
    /// Outside a runtime, like [`spawn`](crate::spawn).
    ///
    /// ```
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let ok = group.spawn_fallible(async { Ok::<_, std::io::Error>("data") });
    ///     let bad = group.spawn_fallible(async { Err::<(), _>("disk full") });
    ///     let err = group.join().await.unwrap_err();
    ///     assert_eq!(err.failures()[0].message(), "disk full");
    ///     assert_eq!(err.failures()[0].id(), bad.id());
    ///     let _ = ok.await; // done, or cancelled by the failure
    /// });
    /// ```
    #[track_caller]
    pub fn spawn_fallible<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: GroupMember + Send + 'static,
    {
        match Shared::spawn::<F, FallibleOutput>(&self.shared, future) {
            Ok(join) => join,
            Err(GroupClosed(())) => unreachable!("a group is closed only once it is gone"),
        }
    }

    /// A handle that spawns into this group from its members (or anywhere else) while the
    /// group runs, and cancels it (asyncio: `tg.create_task` called from inside a member).
    ///
    /// ```
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let tg = group.handle();
    ///     let parent = group.spawn(async move {
    ///         // A sibling, which `join` waits for as well.
    ///         tg.spawn(async { 2 }).unwrap().await.unwrap() * 21
    ///     });
    ///     group.join().await.unwrap();
    ///     assert_eq!(parent.await.unwrap(), 42);
    /// });
    /// ```
    pub fn handle(&self) -> GroupHandle {
        GroupHandle::new(self.shared.clone())
    }

    /// Ends the group early without failing it (asyncio 3.13's "terminate a task group"):
    /// every member still running is aborted, later spawns are cancelled at once, and
    /// `join` returns `Ok(())` unless a member failed. A member calling it (through a
    /// [`GroupHandle::cancel`]) is aborted at its next `.await`; if it returns instead, it
    /// finishes normally with its output.
    ///
    /// ```
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let forever = group.spawn(std::future::pending::<()>());
    ///     group.cancel();
    ///     group.join().await.unwrap(); // no failure
    ///     assert!(forever.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn cancel(&self) {
        self.shared.cancel(false);
    }

    /// Cancels the group from outside: every member still running is aborted, later
    /// spawns are cancelled at once, and `join` returns a [`GroupError`] whose
    /// [`is_aborted`](GroupError::is_aborted) is true (asyncio re-raises `CancelledError`
    /// from a cancelled group), listing any member that failed as well. Use
    /// [`cancel`](TaskGroup::cancel) to end the group without an error.
    ///
    /// ```
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let member = group.spawn(std::future::pending::<()>());
    ///     group.abort_all();
    ///     assert!(group.join().await.unwrap_err().is_aborted());
    ///     assert!(member.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn abort_all(&self) {
        self.shared.cancel(true);
    }

    /// Whether the group is cancelling its members: a member failed, or
    /// [`cancel`](TaskGroup::cancel) or [`abort_all`](TaskGroup::abort_all) was called.
    ///
    /// ```
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let h = group.spawn_fallible(async { Err::<(), _>("bad input") });
    ///     let _ = h.await;
    ///     assert!(group.is_cancelling());
    ///     let late = group.spawn(async {});
    ///     assert!(late.await.unwrap_err().is_cancelled()); // never runs
    /// });
    /// ```
    pub fn is_cancelling(&self) -> bool {
        self.shared.is_cancelling()
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
        self.shared.len()
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

    /// Waits until every member has finished (its future dropped), members spawned through
    /// a [`GroupHandle`] while it waits included, then reports. Once it has returned, the
    /// group is closed: spawns through its handles fail with [`GroupClosed`].
    ///
    /// # Errors
    /// A [`GroupError`] listing every member that failed, or saying the group was aborted
    /// ([`abort_all`](TaskGroup::abort_all)).
    ///
    /// ```
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let _ = group.spawn_fallible(async { Ok::<_, String>(()) });
    ///     let _ = group.spawn_fallible(async { Err::<(), _>("bad input".to_string()) });
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
}

impl Drop for TaskGroup {
    fn drop(&mut self) {
        // Closed first, so a member spawning while it is cancelled is refused.
        self.shared.close_and_abort();
    }
}

impl fmt::Debug for TaskGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.shared, f)
    }
}

impl<H: state::MemberTask> fmt::Debug for GroupState<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (failures, aborted) = self.failures_and_aborted();
        f.debug_struct("TaskGroup")
            .field("pending", &self.len())
            .field("failures", &failures)
            .field("cancelling", &self.is_cancelling())
            .field("aborted", &aborted)
            .field("closed", &self.is_closed())
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
        let report = std::task::ready!(group.shared.poll_join(cx));
        self.done = true;
        // Every member is gone: dropping the group aborts nothing.
        self.group = None;
        Poll::Ready(report)
    }
}

impl fmt::Debug for Join {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Join").field("group", &self.group).finish()
    }
}
