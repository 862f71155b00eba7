//! `GroupHandle`: spawning into a running group, and cancelling it, from anywhere.
use super::member::{sealed, AnyOutput, FallibleOutput};
use super::report::{GroupClosed, GroupMember};
use super::Shared;
use crate::loom::sync::Arc;
use crate::task::JoinHandle;
use std::fmt;
use std::future::Future;

/// Spawns into a running [`TaskGroup`](super::TaskGroup) and cancels it, from its members
/// or from anywhere else (asyncio: `tg.create_task` from inside a member). Made by
/// [`TaskGroup::handle`](super::TaskGroup::handle); `Clone + Send + Sync`.
///
/// `join` waits for the members started through a handle too. Once `join` has returned,
/// or the group was dropped, spawns are refused with [`GroupClosed`]; while the group is
/// cancelling (a member failed, or it was cancelled), a spawned member is cancelled at
/// once.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
///
/// // A crawler: each page may discover more pages, spawned as siblings.
/// fn visit(tg: runtime::GroupHandle, seen: Arc<AtomicUsize>, depth: u32) {
///     let h = tg.clone();
///     let _member = tg.spawn(async move {
///         seen.fetch_add(1, Ordering::Relaxed);
///         if depth > 0 {
///             visit(h.clone(), seen.clone(), depth - 1);
///             visit(h, seen, depth - 1);
///         }
///     })
///     .expect("the group is running");
/// }
///
/// runtime::run(async {
///     let seen = Arc::new(AtomicUsize::new(0));
///     let group = runtime::TaskGroup::new();
///     visit(group.handle(), seen.clone(), 3);
///     group.join().await.unwrap(); // waits for all 15 pages
///     assert_eq!(seen.load(Ordering::Relaxed), 15);
/// });
/// ```
#[derive(Clone)]
pub struct GroupHandle {
    shared: Arc<Shared>,
}

impl GroupHandle {
    pub(super) fn new(shared: Arc<Shared>) -> GroupHandle {
        GroupHandle { shared }
    }

    /// Spawns `future` as a member on the current runtime, like
    /// [`TaskGroup::spawn`](super::TaskGroup::spawn): any output, only a panic fails the
    /// group, and a `Result` output is a compile error (use
    /// [`spawn_fallible`](GroupHandle::spawn_fallible)).
    ///
    /// # Errors
    /// [`GroupClosed`] if the group's `join` has returned or the group was dropped; the
    /// future is dropped without running.
    ///
    /// # Panics
    /// Outside a runtime, like [`spawn`](crate::spawn).
    ///
    /// ```
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let tg = group.handle();
    ///     let sibling = tg.spawn(async { "from the handle" }).unwrap();
    ///     group.join().await.unwrap();
    ///     assert_eq!(sibling.await.unwrap(), "from the handle");
    ///     assert!(tg.spawn(async {}).is_err()); // the group is finished
    /// });
    /// ```
    ///
    /// ```compile_fail,E0283
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     // error: `Result` members need `spawn_fallible`
    ///     let _ = group.handle().spawn(async { Err::<(), _>("disk full") });
    /// });
    /// ```
    #[track_caller]
    pub fn spawn<F, Kind>(&self, future: F) -> Result<JoinHandle<F::Output>, GroupClosed>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static + sealed::ResultNeedsSpawnFallible<Kind>,
    {
        Shared::spawn::<F, AnyOutput>(&self.shared, future)
    }

    /// Spawns `future` as a member whose `Err` fails the group, like
    /// [`TaskGroup::spawn_fallible`](super::TaskGroup::spawn_fallible).
    ///
    /// # Errors
    /// [`GroupClosed`] if the group's `join` has returned or the group was dropped; the
    /// future is dropped without running.
    ///
    /// # Panics
    /// Outside a runtime, like [`spawn`](crate::spawn).
    ///
    /// ```
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let tg = group.handle();
    ///     let _ = group.spawn(async move {
    ///         let _ = tg.spawn_fallible(async { Err::<(), _>("child failed") });
    ///     });
    ///     let err = group.join().await.unwrap_err();
    ///     assert_eq!(err.failures()[0].message(), "child failed");
    /// });
    /// ```
    #[track_caller]
    pub fn spawn_fallible<F>(&self, future: F) -> Result<JoinHandle<F::Output>, GroupClosed>
    where
        F: Future + Send + 'static,
        F::Output: GroupMember + Send + 'static,
    {
        Shared::spawn::<F, FallibleOutput>(&self.shared, future)
    }

    /// Ends the group early without failing it; see
    /// [`TaskGroup::cancel`](super::TaskGroup::cancel). Called from a member, it aborts
    /// that member too at its next `.await`; a member that returns right after finishes
    /// normally. Does nothing once the group is finished.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let tg = group.handle();
    ///     let slow = group.spawn(runtime::sleep(Duration::from_secs(3600)));
    ///     let found = group.spawn(async move {
    ///         runtime::sleep(Duration::from_millis(1)).await;
    ///         tg.cancel(); // found what we looked for: stop the others
    ///         "answer"
    ///     });
    ///     group.join().await.unwrap();
    ///     assert_eq!(found.await.unwrap(), "answer");
    ///     assert!(slow.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn cancel(&self) {
        self.shared.cancel(false);
    }

    /// Cancels the group from outside; see
    /// [`TaskGroup::abort_all`](super::TaskGroup::abort_all): `join` then returns a
    /// [`GroupError`](super::GroupError) whose `is_aborted()` is true. Does nothing once
    /// the group is finished.
    ///
    /// ```
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let _ = group.spawn(std::future::pending::<()>());
    ///     let tg = group.handle();
    ///     // Another task decides the group's work is no longer wanted.
    ///     drop(runtime::spawn(async move { tg.abort_all() }));
    ///     assert!(group.join().await.unwrap_err().is_aborted());
    /// });
    /// ```
    pub fn abort_all(&self) {
        self.shared.cancel(true);
    }

    /// Whether the group is cancelling its members; see
    /// [`TaskGroup::is_cancelling`](super::TaskGroup::is_cancelling).
    ///
    /// ```
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let tg = group.handle();
    ///     assert!(!tg.is_cancelling());
    ///     tg.cancel();
    ///     assert!(tg.is_cancelling());
    ///     assert!(tg.spawn(async {}).unwrap().await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn is_cancelling(&self) -> bool {
        self.shared.is_cancelling()
    }
}

impl fmt::Debug for GroupHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("GroupHandle").field(&*self.shared).finish()
    }
}
