//! The futures of a queue's waiting operations: [`Put`], [`Get`] and [`Join`].
//!
//! Each embeds a wait list node and follows `sync`'s rules: check and enqueue under the
//! queue's lock, consume what it was handed on its next poll, and pass a promise it never
//! used to the next waiter when it is dropped (see `state.rs`).
use super::container::Container;
use super::error::QueueShutDown;
use super::state::{GetSlot, PutSlot};
use super::GenericQueue;
use crate::error::{QUEUE_GET_POLLED_AFTER_COMPLETION, QUEUE_PUT_POLLED_AFTER_COMPLETION};
use crate::sync::wait_list::Node;
use crate::task::coop;
use std::fmt;
use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pin_project_lite::pin_project! {
    /// The future of [`GenericQueue::put`]: resolves once the item is in the queue, or to
    /// [`QueueShutDown`] with the item when the queue is (or gets) shut down first.
    ///
    /// ```
    /// runtime::run(async {
    ///     let q = runtime::sync::Queue::new(1);
    ///     let put: runtime::sync::queue::Put<'_, _> = q.put("job");
    ///     put.await.unwrap();
    ///     assert_eq!(q.qsize(), 1);
    /// });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Put<'a, C: Container> {
        queue: &'a GenericQueue<C>,
        item: Option<C::Item>,
        #[pin]
        node: Node<PutSlot>,
    }

    impl<'a, C: Container> PinnedDrop for Put<'a, C> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            let mut node = this.node;
            // Completed (`item` taken) or never queued: the node holds nothing.
            if this.item.is_none() || !node.was_enqueued() {
                return;
            }
            let waker = {
                let mut st = this.queue.state.lock();
                st.putters.remove(node.as_mut());
                match mem::take(st.putters.data(node)) {
                    // Room promised to us goes to the next putter (cancel-safety).
                    PutSlot::Room => st.release_room(),
                    PutSlot::Waiting | PutSlot::ShutDown => None,
                }
            };
            if let Some(w) = waker {
                w.wake();
            }
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`GenericQueue::get`]: resolves to the next item, or to
    /// [`QueueShutDown`] once the queue is shut down and empty.
    ///
    /// ```
    /// runtime::run(async {
    ///     let q = runtime::sync::Queue::new(0);
    ///     q.put_nowait(3).unwrap();
    ///     let get: runtime::sync::queue::Get<'_, _> = q.get();
    ///     assert_eq!(get.await, Ok(3));
    /// });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Get<'a, C: Container> {
        queue: &'a GenericQueue<C>,
        done: bool,
        #[pin]
        node: Node<GetSlot>,
    }

    impl<'a, C: Container> PinnedDrop for Get<'a, C> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            let mut node = this.node;
            if *this.done || !node.was_enqueued() {
                return;
            }
            let waker = {
                let mut st = this.queue.state.lock();
                st.getters.remove(node.as_mut());
                match mem::take(st.getters.data(node)) {
                    // An item promised to us goes to the next getter (cancel-safety).
                    GetSlot::Item => st.release_item(),
                    GetSlot::Waiting | GetSlot::ShutDown => None,
                }
            };
            if let Some(w) = waker {
                w.wake();
            }
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`GenericQueue::join`]: resolves once every item put has been marked
    /// done with [`task_done`](GenericQueue::task_done).
    ///
    /// ```
    /// runtime::run(async {
    ///     let q = runtime::sync::Queue::<u8>::new(0);
    ///     let join: runtime::sync::queue::Join<'_, _> = q.join();
    ///     join.await; // nothing was put
    /// });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Join<'a, C: Container> {
        queue: &'a GenericQueue<C>,
        done: bool,
        #[pin]
        node: Node<bool>,
    }

    impl<'a, C: Container> PinnedDrop for Join<'a, C> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            let node = this.node;
            if *this.done || !node.was_enqueued() {
                return;
            }
            // "Done" is a broadcast: a joiner has nothing to pass on.
            this.queue.state.lock().joiners.remove(node);
        }
    }
}

impl<'a, C: Container> Put<'a, C> {
    pub(super) fn new(queue: &'a GenericQueue<C>, item: C::Item) -> Self {
        Put {
            queue,
            item: Some(item),
            node: Node::new(PutSlot::Waiting),
        }
    }
}

impl<'a, C: Container> Get<'a, C> {
    pub(super) fn new(queue: &'a GenericQueue<C>) -> Self {
        Get {
            queue,
            done: false,
            node: Node::new(GetSlot::Waiting),
        }
    }
}

impl<'a, C: Container> Join<'a, C> {
    pub(super) fn new(queue: &'a GenericQueue<C>) -> Self {
        Join {
            queue,
            done: false,
            node: Node::new(false),
        }
    }
}

impl<C: Container> Future for Put<'_, C> {
    type Output = Result<(), QueueShutDown<C::Item>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = ready!(coop::poll_proceed(cx));
        let this = self.project();
        let mut node = this.node;
        assert!(this.item.is_some(), "{QUEUE_PUT_POLLED_AFTER_COMPLETION}");
        let mut st = this.queue.state.lock();
        let put = match mem::take(st.putters.data(node.as_mut())) {
            PutSlot::Room => {
                // Our promised room (state rule 3) becomes our item's place.
                st.promised_room -= 1;
                !st.shut_down
            }
            PutSlot::ShutDown => false,
            PutSlot::Waiting => {
                if st.putters.is_queued(node.as_mut()) || (!st.shut_down && !st.has_room()) {
                    st.putters.enqueue(node, cx.waker());
                    return Poll::Pending;
                }
                !st.shut_down
            }
        };
        let item = this.item.take().expect(QUEUE_PUT_POLLED_AFTER_COMPLETION);
        if !put {
            drop(st);
            coop.made_progress();
            return Poll::Ready(Err(QueueShutDown(item)));
        }
        let waker = st.push(item);
        drop(st);
        coop.made_progress();
        if let Some(w) = waker {
            w.wake();
        }
        Poll::Ready(Ok(()))
    }
}

impl<C: Container> Future for Get<'_, C> {
    type Output = Result<C::Item, QueueShutDown>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Checked first: polling again could queue the node, which `Drop` then skips.
        assert!(!self.done, "{QUEUE_GET_POLLED_AFTER_COMPLETION}");
        let coop = ready!(coop::poll_proceed(cx));
        let this = self.project();
        let mut node = this.node;
        let mut st = this.queue.state.lock();
        let taken = match mem::take(st.getters.data(node.as_mut())) {
            // `None`: an immediate shutdown dropped the promised item (state rule 1).
            GetSlot::Item => st.take_promised(),
            GetSlot::ShutDown => None,
            GetSlot::Waiting => {
                if st.getters.is_queued(node.as_mut()) || (!st.shut_down && !st.can_take()) {
                    st.getters.enqueue(node, cx.waker());
                    return Poll::Pending;
                }
                // `None`: shut down, and nothing unpromised is left.
                st.try_take()
            }
        };
        drop(st);
        *this.done = true;
        coop.made_progress();
        Poll::Ready(match taken {
            Some((item, waker)) => {
                if let Some(w) = waker {
                    w.wake();
                }
                Ok(item)
            }
            None => Err(QueueShutDown(())),
        })
    }
}

impl<C: Container> Future for Join<'_, C> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.done {
            // Done stays done (and a node that `Drop` skips is never queued again).
            return Poll::Ready(());
        }
        let coop = ready!(coop::poll_proceed(cx));
        let this = self.project();
        let mut node = this.node;
        let mut st = this.queue.state.lock();
        let done = mem::take(st.joiners.data(node.as_mut()));
        if !done && (st.joiners.is_queued(node.as_mut()) || st.unfinished > 0) {
            st.joiners.enqueue(node, cx.waker());
            return Poll::Pending;
        }
        drop(st);
        *this.done = true;
        coop.made_progress();
        Poll::Ready(())
    }
}

impl<C: Container> fmt::Debug for Put<'_, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Put")
            .field("done", &self.item.is_none())
            .field("node", &self.node)
            .finish_non_exhaustive()
    }
}

impl<C: Container> fmt::Debug for Get<'_, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Get")
            .field("done", &self.done)
            .field("node", &self.node)
            .finish_non_exhaustive()
    }
}

impl<C: Container> fmt::Debug for Join<'_, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Join")
            .field("done", &self.done)
            .field("node", &self.node)
            .finish_non_exhaustive()
    }
}
