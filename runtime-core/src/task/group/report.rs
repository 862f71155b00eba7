//! What a [`TaskGroup`](super::TaskGroup) reports: which outputs count as failures
//! ([`GroupMember`]), each failure ([`GroupFailure`]), the whole outcome of `join`
//! ([`GroupError`]), and a spawn into a group that is gone ([`GroupClosed`]).
use crate::error;
use crate::task::Id;
use std::fmt;

/// What a member's output says about success, for
/// [`spawn_fallible`](super::TaskGroup::spawn_fallible).
///
/// Implemented for `Result<T, E>` (fails on `Err`, described with `E`'s `Display`);
/// implement it for your own status types.
///
/// ```
/// use runtime::GroupMember;
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
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let _ = group.spawn_fallible(async { Status(503) });
    ///     let err = group.join().await.unwrap_err();
    ///     assert_eq!(err.failures()[0].message(), "HTTP 503");
    /// });
    /// ```
    fn failure(&self) -> Option<String>;
}

impl<T, E: fmt::Display> GroupMember for Result<T, E> {
    fn failure(&self) -> Option<String> {
        self.as_ref().err().map(|e| e.to_string())
    }
}

/// One failed member of a [`TaskGroup`](super::TaskGroup).
///
/// ```
/// runtime::run(async {
///     let group = runtime::TaskGroup::new();
///     let _ = group.spawn_fallible(async { Err::<(), _>("bad input") });
///     let err = group.join().await.unwrap_err();
///     let failure: &runtime::GroupFailure = &err.failures()[0];
///     assert_eq!(failure.message(), "bad input");
/// });
/// ```
#[derive(Debug, Clone)]
pub struct GroupFailure {
    pub(super) id: Id,
    pub(super) panicked: bool,
    pub(super) message: String,
}

impl GroupFailure {
    /// The failed task's id.
    ///
    /// ```
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let h = group.spawn_fallible(async { Err::<(), _>("bad input") });
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

/// Why [`TaskGroup::join`](super::TaskGroup::join) failed: every failure, in the order they
/// happened (asyncio's `ExceptionGroup`), and whether the group was aborted with
/// [`abort_all`](super::TaskGroup::abort_all) (asyncio's `CancelledError` re-raised by the
/// group).
///
/// ```
/// runtime::run(async {
///     let group = runtime::TaskGroup::new();
///     let _ = group.spawn_fallible(async { Err::<(), _>("bad input") });
///     let err: runtime::GroupError = group.join().await.unwrap_err();
///     assert!(err.to_string().contains("bad input"));
///     assert!(!err.is_aborted());
/// });
/// ```
#[derive(Debug, Clone)]
pub struct GroupError {
    pub(super) failures: Vec<GroupFailure>,
    pub(super) aborted: bool,
}

impl GroupError {
    /// The failures, first one first. Empty when the group was aborted and no member
    /// failed.
    ///
    /// ```
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let _ = group.spawn_fallible(async { Err::<(), _>("first") });
    ///     let err = group.join().await.unwrap_err();
    ///     assert_eq!(err.failures().len(), 1);
    ///     assert_eq!(err.failures()[0].message(), "first");
    /// });
    /// ```
    pub fn failures(&self) -> &[GroupFailure] {
        &self.failures
    }

    /// Whether [`abort_all`](super::TaskGroup::abort_all) was called before `join`
    /// returned: the members' work was not done, even if none of them failed.
    ///
    /// ```
    /// runtime::run(async {
    ///     let group = runtime::TaskGroup::new();
    ///     let _ = group.spawn(std::future::pending::<()>());
    ///     group.abort_all();
    ///     let err = group.join().await.unwrap_err();
    ///     assert!(err.is_aborted());
    ///     assert!(err.failures().is_empty());
    /// });
    /// ```
    pub fn is_aborted(&self) -> bool {
        self.aborted
    }
}

impl fmt::Display for GroupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.failures.len();
        if self.aborted {
            f.write_str(error::GROUP_ABORTED)?;
            if n == 0 {
                return Ok(());
            }
            f.write_str("; ")?;
        }
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

/// A spawn through a [`GroupHandle`](super::GroupHandle) into a group whose `join` has
/// returned, or which was dropped (asyncio: "TaskGroup is finished"). The future was
/// dropped without running.
///
/// ```
/// runtime::run(async {
///     let group = runtime::TaskGroup::new();
///     let handle = group.handle();
///     group.join().await.unwrap();
///     let err: runtime::GroupClosed = handle.spawn(async { 1 }).unwrap_err();
///     assert!(err.to_string().contains("finished"));
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupClosed(pub(super) ());

impl fmt::Display for GroupClosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(error::GROUP_CLOSED)
    }
}

impl std::error::Error for GroupClosed {}
