//! [`Barrier`]: `n` tasks wait for each other, then all go on (tokio's `sync::Barrier`,
//! with asyncio's cancellation).
//!
//! The count of arrived tasks and the waiters live in one lock (rule 1 of `sync`'s module
//! docs). The `n`-th arrival trips the barrier: it drains every queued waiter, marking
//! each released, resets the count for the next generation and is the leader (rule 2). A
//! waiter dropped while still queued leaves the line and is no longer counted, so the
//! barrier waits for a replacement (asyncio's `Barrier` under cancellation): no other task
//! is released early or held forever because a counted task went away. One dropped after
//! the trip took nothing another waiter needs.
use crate::loom::sync::Mutex;
use crate::sync::wait_list::{Node, WaitList, WakeList};
use crate::task::coop;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Lets `n` tasks wait until all of them reached the same point.
///
/// Each [`wait`](Self::wait) counts one arrival; the `n`-th releases all of them, and is
/// told it is the leader. The barrier is then ready for the next round (a new generation):
/// it can be reused any number of times.
///
/// Unlike tokio's, a waiting task that is cancelled (its `wait` future dropped before the
/// barrier trips) no longer counts, as with asyncio's `Barrier`: the barrier needs another
/// arrival in its place.
///
/// ```
/// use runtime::sync::Barrier;
/// use std::sync::Arc;
///
/// runtime::run(async {
///     let barrier = Arc::new(Barrier::new(3));
///     let mut tasks = Vec::new();
///     for _ in 0..3 {
///         let barrier = barrier.clone();
///         tasks.push(runtime::spawn(async move { barrier.wait().await.is_leader() }));
///     }
///     let mut leaders = 0;
///     for t in tasks {
///         leaders += t.await.unwrap() as usize;
///     }
///     assert_eq!(leaders, 1);
/// });
/// ```
pub struct Barrier {
    n: usize,
    state: Mutex<State>,
}

struct State {
    /// Tasks of this generation waiting (queued) so far.
    arrived: usize,
    /// Completed rounds.
    generation: u64,
    /// `true` in a node: released by the trip of its generation.
    waiters: WaitList<bool>,
}

impl Barrier {
    /// A barrier for `n` tasks. `n == 0` behaves as `n == 1` (as tokio's): every `wait`
    /// completes at once, as the leader.
    ///
    /// ```
    /// let barrier = runtime::sync::Barrier::new(2);
    /// # drop(barrier);
    /// ```
    pub fn new(n: usize) -> Barrier {
        Barrier {
            n: n.max(1),
            state: Mutex::new(State {
                arrived: 0,
                generation: 0,
                waiters: WaitList::new(),
            }),
        }
    }

    /// Waits until `n` tasks are waiting, counting this one; the last to arrive is the
    /// leader ([`BarrierWaitResult::is_leader`]).
    ///
    /// The task counts from its first poll (the future does nothing before).
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: dropped before the barrier trips, the future is no longer counted, so
    /// it neither releases the others early nor makes the round miss a task; dropped after
    /// the trip, it takes nothing from anyone.
    ///
    /// ```
    /// use runtime::sync::Barrier;
    ///
    /// runtime::run(async {
    ///     let barrier = Barrier::new(1);
    ///     assert!(barrier.wait().await.is_leader());
    ///     assert!(barrier.wait().await.is_leader()); // reusable
    /// });
    /// ```
    pub fn wait(&self) -> BarrierWait<'_> {
        BarrierWait {
            barrier: self,
            phase: Phase::Init,
            node: Node::new(false),
        }
    }
}

#[cfg(all(test, runtime_loom))]
impl Barrier {
    /// Arrivals counted in the current round, for the loom models.
    pub(crate) fn arrived(&self) -> usize {
        self.state.lock().arrived
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = self.state.lock();
        f.debug_struct("Barrier")
            .field("n", &self.n)
            .field("arrived", &st.arrived)
            .field("generation", &st.generation)
            .finish()
    }
}

/// What [`Barrier::wait`] returns: whether this task was the leader of its round.
///
/// ```
/// use runtime::sync::{Barrier, BarrierWaitResult};
///
/// runtime::run(async {
///     let result: BarrierWaitResult = Barrier::new(1).wait().await;
///     assert!(result.is_leader());
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarrierWaitResult(bool);

impl BarrierWaitResult {
    /// `true` for exactly one task per round: the one whose arrival tripped the barrier.
    ///
    /// ```
    /// runtime::run(async {
    ///     let barrier = runtime::sync::Barrier::new(1);
    ///     assert!(barrier.wait().await.is_leader());
    /// });
    /// ```
    pub fn is_leader(&self) -> bool {
        self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Not counted yet.
    Init,
    /// Counted and queued (or released and not yet polled).
    Waiting,
    /// Returned `Ready`; `true` for the leader.
    Done(bool),
}

pin_project_lite::pin_project! {
    /// The future of [`Barrier::wait`].
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: see [`Barrier::wait`].
    ///
    /// ```
    /// use runtime::sync::{Barrier, BarrierWait};
    ///
    /// runtime::run(async {
    ///     let barrier = Barrier::new(1);
    ///     let wait: BarrierWait<'_> = barrier.wait();
    ///     assert!(wait.await.is_leader());
    /// });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct BarrierWait<'a> {
        barrier: &'a Barrier,
        phase: Phase,
        #[pin]
        node: Node<bool>,
    }

    impl PinnedDrop for BarrierWait<'_> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if !this.node.was_enqueued() {
                return;
            }
            let mut st = this.barrier.state.lock();
            if st.waiters.remove(this.node) {
                // Still waiting for this round: no longer counted.
                st.arrived -= 1;
            }
        }
    }
}

impl Future for BarrierWait<'_> {
    type Output = BarrierWaitResult;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<BarrierWaitResult> {
        let coop = std::task::ready!(coop::poll_proceed(cx));
        let this = self.project();
        let barrier = *this.barrier;
        let mut node = this.node;
        let mut wakers = WakeList::new();
        {
            let mut st = barrier.state.lock();
            match *this.phase {
                Phase::Done(leader) => return Poll::Ready(BarrierWaitResult(leader)),
                Phase::Waiting => {
                    if *st.waiters.data(node.as_mut()) {
                        *this.phase = Phase::Done(false);
                        coop.made_progress();
                        return Poll::Ready(BarrierWaitResult(false));
                    }
                    st.waiters.enqueue(node, cx.waker());
                    return Poll::Pending;
                }
                Phase::Init => {}
            }
            if st.arrived + 1 < barrier.n {
                st.arrived += 1;
                st.waiters.enqueue(node, cx.waker());
                *this.phase = Phase::Waiting;
                return Poll::Pending;
            }
            // The n-th arrival: release the round and start the next.
            st.arrived = 0;
            st.generation += 1;
            st.waiters
                .drain_with(|released| *released = true, &mut wakers);
        }
        wakers.wake_all();
        *this.phase = Phase::Done(true);
        coop.made_progress();
        Poll::Ready(BarrierWaitResult(true))
    }
}

impl fmt::Debug for BarrierWait<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BarrierWait")
            .field("phase", &self.phase)
            .finish()
    }
}
