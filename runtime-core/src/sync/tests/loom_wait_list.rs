//! The wait list's races, on a one-permit test semaphore built the way every primitive is
//! (rules 1-3 of `sync`'s module docs): a wake racing the woken waiter's drop, a wake-all
//! racing an enqueue, a close racing an enqueue.
use super::{block_on, model, poll_once};
use crate::loom::sync::atomic::{AtomicBool, Ordering::SeqCst};
use crate::loom::sync::{Arc, Mutex};
use crate::loom::thread;
use crate::sync::wait_list::{Node, WaitList, WakeList};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

#[derive(Default)]
struct State {
    permits: usize,
    closed: bool,
    waiters: WaitList<Slot>,
}

/// What a waiter was handed.
#[derive(Default, Clone, Copy, PartialEq, Debug)]
enum Slot {
    #[default]
    Waiting,
    Permit,
    Closed,
}

struct TestSem {
    state: Mutex<State>,
    /// Orders the first model's threads (set once a waiter is queued).
    gate: AtomicBool,
}

impl Default for TestSem {
    fn default() -> Self {
        TestSem {
            state: Mutex::new(State::default()),
            gate: AtomicBool::new(false),
        }
    }
}

impl TestSem {
    fn release(&self) {
        let waker = {
            let mut st = self.state.lock();
            match st.waiters.pop_front_with(|s| *s = Slot::Permit) {
                Some(w) => w,
                None => {
                    st.permits += 1;
                    None
                }
            }
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    fn close(&self) {
        let mut wakers = WakeList::new();
        {
            let mut st = self.state.lock();
            st.closed = true;
            st.waiters.drain_with(|s| *s = Slot::Closed, &mut wakers);
        }
        wakers.wake_all();
    }

    fn acquire(&self) -> Acquire<'_> {
        Acquire {
            sem: self,
            node: Node::new(Slot::Waiting),
        }
    }
}

pin_project_lite::pin_project! {
    /// Waits for a permit; its node is pinned with it, so no `unsafe` is needed here.
    struct Acquire<'a> {
        sem: &'a TestSem,
        #[pin]
        node: Node<Slot>,
    }

    impl PinnedDrop for Acquire<'_> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            let (sem, mut node) = (*this.sem, this.node);
            if !node.was_enqueued() {
                return;
            }
            let handed = {
                let mut st = sem.state.lock();
                st.waiters.remove(node.as_mut());
                std::mem::take(st.waiters.data(node))
            };
            // Rule 3: a permit handed to a waiter that never consumed it goes on.
            if handed == Slot::Permit {
                sem.release();
            }
        }
    }
}

impl Future for Acquire<'_> {
    /// `true`: got a permit; `false`: closed.
    type Output = bool;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
        let this = self.project();
        let (sem, mut node) = (*this.sem, this.node);
        let mut st = sem.state.lock();
        // Consume what was handed over, so `Drop` does not pass it on again.
        match std::mem::take(st.waiters.data(node.as_mut())) {
            Slot::Permit => return Poll::Ready(true),
            Slot::Closed => return Poll::Ready(false),
            Slot::Waiting => {}
        }
        if st.waiters.is_queued(node.as_mut()) {
            st.waiters.enqueue(node, cx.waker());
            return Poll::Pending;
        }
        if st.closed {
            return Poll::Ready(false);
        }
        if st.permits > 0 {
            st.permits -= 1;
            return Poll::Ready(true);
        }
        st.waiters.enqueue(node, cx.waker());
        Poll::Pending
    }
}

/// A permit handed to a waiter that is dropped before it polls again reaches the next
/// waiter; the dropped waiter never keeps it.
#[test]
fn loom_wait_list_wake_vs_drop_of_woken_waiter() {
    model(|| {
        let sem = Arc::new(TestSem::default());
        let first = {
            let sem = sem.clone();
            thread::spawn(move || {
                let mut a = Box::pin(sem.acquire());
                assert!(poll_once(&mut a).is_pending());
                // Tell the main thread we are queued, then give up waiting.
                sem.release_gate();
                drop(a);
            })
        };
        let mut b = Box::pin(sem.acquire());
        // Wait until `first` is queued, so `b` queues behind it.
        while !sem.gate_open() {
            thread::yield_now();
        }
        assert!(poll_once(&mut b).is_pending());
        let releaser = {
            let sem = sem.clone();
            thread::spawn(move || sem.release())
        };
        assert!(block_on(b), "the permit reached the second waiter");
        releaser.join().unwrap();
        first.join().unwrap();
        assert_eq!(sem.state.lock().permits, 0, "one permit, used once");
    });
}

/// A close racing a waiter's first poll: the waiter either sees `closed` or is queued and
/// drained; it never sleeps forever.
#[test]
fn loom_wait_list_close_vs_enqueue() {
    model(|| {
        let sem = Arc::new(TestSem::default());
        let closer = {
            let sem = sem.clone();
            thread::spawn(move || sem.close())
        };
        assert!(!block_on(sem.acquire()));
        closer.join().unwrap();
        assert!(sem.state.lock().waiters.is_empty());
    });
}

/// Waking every waiter while another enqueues: each waiter is either woken by the drain
/// or sees its result at its first poll, and the list ends empty.
#[test]
fn loom_wait_list_wake_all_vs_enqueue() {
    model(|| {
        let sem = Arc::new(TestSem::default());
        let waiter = {
            let sem = sem.clone();
            thread::spawn(move || block_on(sem.acquire()))
        };
        let waiter2 = {
            let sem = sem.clone();
            thread::spawn(move || block_on(sem.acquire()))
        };
        sem.close();
        assert!(!waiter.join().unwrap());
        assert!(!waiter2.join().unwrap());
        assert!(sem.state.lock().waiters.is_empty());
    });
}

impl TestSem {
    /// Opens the ordering gate of the first model.
    fn release_gate(&self) {
        self.gate.store(true, SeqCst);
    }
    fn gate_open(&self) -> bool {
        self.gate.load(SeqCst)
    }
}
