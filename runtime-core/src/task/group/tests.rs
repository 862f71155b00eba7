//! Loom models of the group's state word (`state.rs`), each a pair of operations that race
//! on it, checked against the module header's rules: the last member's wake against
//! `join` (rules 4 and 5), a spawn through a handle against `join` closing the group
//! (rule 2), a spawn against a cancellation, a failure and the group's drop (rule 3), and
//! a cancellation against `join` closing the group; and the members' reference to the state
//! (rule 6) as the count drops to zero and rises again. Loom reports an `Arc` that is never
//! freed, so every model also checks that the members' reference is given back.
use super::report::GroupFailure;
use super::state::{GroupState, Live, MemberTask};
use crate::loom::sync::atomic::AtomicBool;
use crate::loom::sync::atomic::Ordering::SeqCst;
use crate::loom::sync::{Arc, Mutex};
use crate::loom::thread;
use crate::task::tests::{model, Flag};
use crate::task::{GroupError, Id};
use std::task::{Context, Poll, Waker};

/// A member's task as the models see it: flags instead of a scheduler.
#[derive(Clone)]
struct TestTask(Arc<TaskFlags>);

struct TaskFlags {
    id: Id,
    aborted: AtomicBool,
    finished: AtomicBool,
    /// Woken once `finished` is set: a done callback, as `AbortHandle` gives `join`.
    waiter: Mutex<Option<Waker>>,
}

impl TestTask {
    fn new() -> TestTask {
        TestTask(Arc::new(TaskFlags {
            id: Id::next(),
            aborted: AtomicBool::new(false),
            finished: AtomicBool::new(false),
            waiter: Mutex::new(None),
        }))
    }

    /// What a task does after its member's guard has dropped: publish completion.
    fn publish_finished(&self) {
        self.0.finished.store(true, SeqCst);
        let waiter = self.0.waiter.lock().take();
        if let Some(waker) = waiter {
            waker.wake();
        }
    }

    fn was_aborted(&self) -> bool {
        self.0.aborted.load(SeqCst)
    }
}

impl MemberTask for TestTask {
    fn abort(&self) {
        self.0.aborted.store(true, SeqCst);
    }
    fn is_finished(&self) -> bool {
        self.0.finished.load(SeqCst)
    }
    fn id(&self) -> Id {
        self.0.id
    }
    fn wake_when_finished(&self, waker: Waker) {
        let mut waiter = self.0.waiter.lock();
        if self.is_finished() {
            drop(waiter);
            waker.wake();
        } else {
            *waiter = Some(waker);
        }
    }
}

type State = GroupState<TestTask>;

/// A member as the models see it: its token (the guard inside its future) and its task.
type Member = (Live<TestTask>, TestTask);

/// A spawn as `Shared::spawn` does it, without the runtime: count, then register.
fn spawn(state: &Arc<State>) -> Option<Member> {
    let live = State::begin_spawn(state).ok()?;
    let task = TestTask::new();
    state.register(task.clone());
    Some((live, task))
}

/// A member ending: its guard drops (the future is gone), then its task publishes.
fn finish((live, task): Member) -> TestTask {
    drop(live);
    task.publish_finished();
    task
}

fn poll_join(state: &State, waker: &Waker) -> Poll<Result<(), GroupError>> {
    state.poll_join(&mut Context::from_waker(waker))
}

/// `join`'s next poll once every other thread is done, after one that was pending: that
/// one must have come with a wake (a lost wake leaves `join` pending forever), and this
/// one must be ready.
fn woken_then_ready(state: &State, flag: &Flag, waker: &Waker) -> Result<(), GroupError> {
    assert!(flag.is_set(), "join is pending and nobody woke it");
    match poll_join(state, waker) {
        Poll::Ready(report) => report,
        Poll::Pending => panic!("join is pending with every member gone"),
    }
}

#[test]
fn loom_group_last_member_vs_join() {
    model(|| {
        let state = Arc::new(State::new());
        let member = spawn(&state).expect("the group is open");
        let task = member.1.clone();
        let th = thread::spawn(move || finish(member));
        let flag = Flag::new();
        let waker = Waker::from(flag.clone());
        if let Poll::Ready(report) = poll_join(&state, &waker) {
            // Rule 5: ready only once the member's task has published completion.
            assert!(
                task.is_finished(),
                "join returned before its member finished"
            );
            report.unwrap();
            th.join().unwrap();
            return;
        }
        th.join().unwrap();
        // Rule 4: the member's wake is not lost.
        woken_then_ready(&state, &flag, &waker).unwrap();
    });
}

#[test]
fn loom_group_two_members_vs_join() {
    model(|| {
        let state = Arc::new(State::new());
        let a = spawn(&state).expect("the group is open");
        let b = spawn(&state).expect("the group is open");
        let th = thread::spawn(move || finish(a));
        let flag = Flag::new();
        let waker = Waker::from(flag.clone());
        assert!(poll_join(&state, &waker).is_pending(), "b is still live");
        let b = finish(b);
        let a = th.join().unwrap();
        woken_then_ready(&state, &flag, &waker).unwrap();
        assert!(a.is_finished() && b.is_finished());
    });
}

#[test]
fn loom_group_spawn_through_handle_vs_join() {
    model(|| {
        let state = Arc::new(State::new());
        let s = state.clone();
        // A member's sibling, spawned through a handle while `join` closes the group.
        let th = thread::spawn(move || spawn(&s).map(finish));
        let flag = Flag::new();
        let waker = Waker::from(flag.clone());
        let first = poll_join(&state, &waker);
        let spawned = th.join().unwrap();
        match first {
            // Rule 2: closed first, so the spawn was refused, or counted first, so `join`
            // waited for it (rule 5: until its task finished).
            Poll::Ready(report) => {
                report.unwrap();
                if let Some(task) = spawned {
                    assert!(task.is_finished(), "join returned before a counted member");
                }
            }
            Poll::Pending => {
                woken_then_ready(&state, &flag, &waker).unwrap();
                assert!(spawned.is_some(), "join waited for a refused spawn");
            }
        }
        assert!(spawn(&state).is_none(), "a joined group takes no member");
    });
}

#[test]
fn loom_group_spawn_vs_cancel() {
    model(|| {
        let state = Arc::new(State::new());
        let s = state.clone();
        let th = thread::spawn(move || spawn(&s).expect("the group is open"));
        state.cancel(true);
        let member = th.join().unwrap();
        // Rule 3: aborted by the canceller, or by itself at registration.
        assert!(member.1.was_aborted(), "a member escaped the cancellation");
        assert!(state.is_cancelling());
        finish(member);
    });
}

#[test]
fn loom_group_spawn_vs_failure() {
    model(|| {
        let state = Arc::new(State::new());
        let failing = spawn(&state).expect("the group is open");
        let s = state.clone();
        let th = thread::spawn(move || spawn(&s).expect("the group is open"));
        failing.0.state().fail(GroupFailure {
            id: failing.1.id(),
            panicked: false,
            message: "bad input".into(),
        });
        let sibling = th.join().unwrap();
        assert!(sibling.1.was_aborted(), "a member escaped the failure");
        let failing = finish(failing);
        assert!(
            !failing.was_aborted(),
            "the failing member aborts only the others"
        );
        finish(sibling);
    });
}

#[test]
fn loom_group_spawn_vs_drop() {
    model(|| {
        let state = Arc::new(State::new());
        let s = state.clone();
        let th = thread::spawn(move || spawn(&s));
        state.close_and_abort();
        // Rules 2 and 3: refused, or aborted.
        if let Some(member) = th.join().unwrap() {
            assert!(
                member.1.was_aborted(),
                "a member outlived its dropped group"
            );
            finish(member);
        }
        assert!(spawn(&state).is_none());
    });
}

#[test]
fn loom_group_last_member_vs_respawn_and_drop() {
    model(|| {
        // Rule 6: the last member gives the members' reference up while a spawn through a
        // handle raises the count again and the group is then dropped; the state is
        // freed exactly once, after its last use (loom reports a leak or a use after free).
        let state = Arc::new(State::new());
        let member = spawn(&state).expect("the group is open");
        let th = thread::spawn(move || drop(finish(member)));
        if let Some(sibling) = spawn(&state) {
            finish(sibling);
        }
        state.close_and_abort();
        drop(state);
        th.join().unwrap();
    });
}

#[test]
fn loom_group_cancel_vs_join() {
    model(|| {
        let state = Arc::new(State::new());
        let s = state.clone();
        let th = thread::spawn(move || s.cancel(true));
        let waker = Waker::from(Flag::new());
        let Poll::Ready(report) = poll_join(&state, &waker) else {
            panic!("join is pending in a group that never had a member");
        };
        th.join().unwrap();
        // An `abort_all` either comes before `join` closed the group, which reports it,
        // or after, when it does nothing at all.
        match report {
            Ok(()) => assert!(!state.is_cancelling(), "cancelled after join reported Ok"),
            Err(e) => assert!(e.is_aborted() && state.is_cancelling()),
        }
    });
}
