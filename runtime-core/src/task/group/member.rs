//! A member's future wrapper: it records failures (a panic always; an `Err` only for
//! `spawn_fallible` members) and, through its guard, counts the member as gone once its
//! future has been dropped.
use super::report::{GroupFailure, GroupMember};
use super::state::Live;
use crate::task::{AbortHandle, Id};
use std::future::Future;
use std::marker::PhantomData;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

/// How a member's output is judged.
pub(super) trait Verdict<O> {
    /// A description of the failure the output reports, or `None`.
    fn failure(out: &O) -> Option<String>;
}

/// `spawn`: any output is a success; only a panic fails the group.
pub(super) enum AnyOutput {}

/// `spawn_fallible`: the output's [`GroupMember::failure`] decides.
pub(super) enum FallibleOutput {}

impl<O> Verdict<O> for AnyOutput {
    fn failure(_: &O) -> Option<String> {
        None
    }
}

impl<O: GroupMember> Verdict<O> for FallibleOutput {
    fn failure(out: &O) -> Option<String> {
        out.failure()
    }
}

/// The bound that keeps `TaskGroup::spawn` from silently accepting a `Result` member.
///
/// Public in a private module, so users can name neither the trait nor its `Kind`s.
pub mod sealed {
    /// Implemented twice for a [`GroupMember`](crate::GroupMember) output (a `Result`):
    /// once as a plain value, once as a fallible one. `TaskGroup::spawn`'s `Kind` is then
    /// ambiguous, a compile error (E0283) whose note names this trait: spawn such members
    /// with `spawn_fallible`, whose `Err` fails the group as `spawn`'s did before
    /// `spawn_fallible` existed. Every other output has one impl and compiles.
    pub trait ResultNeedsSpawnFallible<Kind> {}

    /// `Kind` of every output.
    #[derive(Debug)]
    pub enum Plain {}

    /// `Kind` of outputs that can report a failure.
    #[derive(Debug)]
    pub enum Fallible {}

    impl<T> ResultNeedsSpawnFallible<Plain> for T {}
    impl<T: crate::GroupMember> ResultNeedsSpawnFallible<Fallible> for T {}
}

pin_project_lite::pin_project! {
    /// A member's future with its failure detector; `guard` drops after `future`.
    ///
    /// The future is dropped by hand (in `poll` once it is ready, or in `drop`) so that a
    /// panic from its destructor, like an exception raised in a cancelled asyncio task's
    /// `finally`, is recorded as a failure of the group too.
    pub(super) struct Member<F, V> {
        #[pin]
        future: Option<F>,
        guard: MemberGuard,
        verdict: PhantomData<fn() -> V>,
    }

    impl<F, V> PinnedDrop for Member<F, V> {
        fn drop(this: Pin<&mut Self>) {
            let mut this = this.project();
            if this.future.is_none() {
                return;
            }
            if let Err(payload) = catch_unwind(AssertUnwindSafe(|| this.future.set(None))) {
                let message = crate::task::panic_message(&*payload).to_string();
                this.guard.fail(true, message);
                // The task's JoinHandle reports the panic as well.
                resume_unwind(payload);
            }
        }
    }
}

impl<F, V> Member<F, V> {
    pub(super) fn new(future: F, live: Live<AbortHandle>, id: Id) -> Self {
        Member {
            future: Some(future),
            guard: MemberGuard { live, id },
            verdict: PhantomData,
        }
    }
}

impl<F, V> Future for Member<F, V>
where
    F: Future,
    V: Verdict<F::Output>,
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
                if let Some(message) = V::failure(&out) {
                    this.guard.fail(false, message);
                }
                Poll::Ready(out)
            }
            Err(payload) => {
                let message = crate::task::panic_message(&*payload).to_string();
                this.guard.fail(true, message);
                resume_unwind(payload)
            }
        }
    }
}

/// Counts its member as gone when dropped (its `Live` token does), after the member's
/// future.
pub(super) struct MemberGuard {
    live: Live<AbortHandle>,
    /// The member's task id, for its failure.
    id: Id,
}

impl MemberGuard {
    /// Records a failure; the first one aborts every other member.
    fn fail(&self, panicked: bool, message: String) {
        self.live.state().fail(GroupFailure {
            id: self.id,
            panicked,
            message,
        });
    }
}
