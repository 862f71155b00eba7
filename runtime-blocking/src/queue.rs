//! The pool's job queue: an unbounded MPMC channel.
//!
//! This is the only module that names `crossbeam-channel` (STYLE.md, Loom).
//! crossbeam-channel is not loom-aware, so under `cfg(runtime_loom)` the same
//! interface is served by [`stand_in`]: a `VecDeque` behind the shim's `Mutex`, with
//! the shim's `Condvar` for blocked receivers. Loom then sees every push, pop and
//! wakeup, and the pool's protocol above it is checked as written.
//!
//! The interface is the part of crossbeam's the pool uses:
//!
//! - [`unbounded`] makes a `(Sender, Receiver)` pair; both halves are `Clone`.
//! - `Sender::send` never blocks; it hands the value back only once every receiver
//!   is gone.
//! - `Receiver::{try_recv, recv, recv_timeout}` return queued values first, and
//!   [`RecvError::Disconnected`] only once the queue is empty *and* every sender is
//!   gone. Dropping the last sender wakes every blocked receiver.
//! - Values still queued when the last half drops are dropped with the channel.
//!
//! With crossbeam, a send wakes one blocked receiver without a lock shared by all
//! senders, which is what lets an idle pool thread pick up a job without a lock
//! convoy.

/// Why a receive returned no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RecvError {
    /// Nothing arrived: the queue was empty (`try_recv`) or stayed empty until the
    /// timeout (`recv_timeout`).
    Empty,
    /// The queue is empty and every sender is gone: nothing will ever arrive.
    Disconnected,
}

#[cfg(not(runtime_loom))]
pub(crate) use self::channel::{unbounded, Receiver, Sender};
#[cfg(runtime_loom)]
pub(crate) use self::stand_in::{unbounded, Receiver, Sender};

/// The real queue: thin wrappers over `crossbeam_channel`.
#[cfg(not(runtime_loom))]
mod channel {
    use super::RecvError;
    use std::time::Duration;

    /// Makes an unbounded channel.
    pub(crate) fn unbounded<T>() -> (Sender<T>, Receiver<T>) {
        let (tx, rx) = crossbeam_channel::unbounded();
        (Sender(tx), Receiver(rx))
    }

    /// The sending half.
    #[derive(Debug, Clone)]
    pub(crate) struct Sender<T>(crossbeam_channel::Sender<T>);

    impl<T> Sender<T> {
        /// Queues `value`, or hands it back when every receiver is gone.
        pub(crate) fn send(&self, value: T) -> Result<(), T> {
            self.0.send(value).map_err(|e| e.into_inner())
        }
    }

    /// The receiving half.
    #[derive(Debug, Clone)]
    pub(crate) struct Receiver<T>(crossbeam_channel::Receiver<T>);

    impl<T> Receiver<T> {
        pub(crate) fn try_recv(&self) -> Result<T, RecvError> {
            self.0.try_recv().map_err(|e| match e {
                crossbeam_channel::TryRecvError::Empty => RecvError::Empty,
                crossbeam_channel::TryRecvError::Disconnected => RecvError::Disconnected,
            })
        }

        pub(crate) fn recv(&self) -> Result<T, RecvError> {
            self.0.recv().map_err(|_| RecvError::Disconnected)
        }

        pub(crate) fn recv_timeout(&self, timeout: Duration) -> Result<T, RecvError> {
            self.0.recv_timeout(timeout).map_err(|e| match e {
                crossbeam_channel::RecvTimeoutError::Timeout => RecvError::Empty,
                crossbeam_channel::RecvTimeoutError::Disconnected => RecvError::Disconnected,
            })
        }

        pub(crate) fn len(&self) -> usize {
            self.0.len()
        }

        pub(crate) fn is_empty(&self) -> bool {
            self.0.is_empty()
        }
    }
}

/// The loom stand-in: a `VecDeque` under the shim's `Mutex`, blocked receivers on
/// the shim's `Condvar`. Also compiled for unit tests, which check that it behaves
/// like the crossbeam side.
///
/// Under loom, `recv_timeout` with a zero duration times out at once and any other
/// duration waits for a send or a disconnect only (see `crate::loom`).
#[cfg(any(runtime_loom, test))]
pub(crate) mod stand_in {
    use super::RecvError;
    use crate::loom::sync::{Arc, Condvar, Mutex};
    use std::collections::VecDeque;
    use std::time::{Duration, Instant};

    #[derive(Debug)]
    struct Chan<T> {
        state: Mutex<State<T>>,
        /// Signalled on every send (one waiter) and on disconnect (all waiters).
        ready: Condvar,
    }

    #[derive(Debug)]
    struct State<T> {
        items: VecDeque<T>,
        senders: usize,
        receivers: usize,
    }

    /// Makes an unbounded channel.
    pub(crate) fn unbounded<T>() -> (Sender<T>, Receiver<T>) {
        let chan = Arc::new(Chan {
            state: Mutex::new(State {
                items: VecDeque::new(),
                senders: 1,
                receivers: 1,
            }),
            ready: Condvar::new(),
        });
        (Sender(chan.clone()), Receiver(chan))
    }

    /// The sending half.
    #[derive(Debug)]
    pub(crate) struct Sender<T>(Arc<Chan<T>>);

    impl<T> Sender<T> {
        /// Queues `value`, or hands it back when every receiver is gone.
        pub(crate) fn send(&self, value: T) -> Result<(), T> {
            let mut state = self.0.state.lock();
            if state.receivers == 0 {
                return Err(value);
            }
            state.items.push_back(value);
            drop(state);
            self.0.ready.notify_one();
            Ok(())
        }
    }

    impl<T> Clone for Sender<T> {
        fn clone(&self) -> Self {
            self.0.state.lock().senders += 1;
            Self(self.0.clone())
        }
    }

    impl<T> Drop for Sender<T> {
        fn drop(&mut self) {
            let mut state = self.0.state.lock();
            state.senders -= 1;
            let last = state.senders == 0;
            drop(state);
            if last {
                self.0.ready.notify_all();
            }
        }
    }

    /// The receiving half.
    #[derive(Debug)]
    pub(crate) struct Receiver<T>(Arc<Chan<T>>);

    impl<T> Receiver<T> {
        pub(crate) fn try_recv(&self) -> Result<T, RecvError> {
            let mut state = self.0.state.lock();
            match state.items.pop_front() {
                Some(value) => Ok(value),
                None if state.senders == 0 => Err(RecvError::Disconnected),
                None => Err(RecvError::Empty),
            }
        }

        pub(crate) fn recv(&self) -> Result<T, RecvError> {
            let mut state = self.0.state.lock();
            loop {
                if let Some(value) = state.items.pop_front() {
                    return Ok(value);
                }
                if state.senders == 0 {
                    return Err(RecvError::Disconnected);
                }
                self.0.ready.wait(&mut state);
            }
        }

        pub(crate) fn recv_timeout(&self, timeout: Duration) -> Result<T, RecvError> {
            let deadline = Instant::now().checked_add(timeout);
            let mut state = self.0.state.lock();
            loop {
                if let Some(value) = state.items.pop_front() {
                    return Ok(value);
                }
                if state.senders == 0 {
                    return Err(RecvError::Disconnected);
                }
                let left = match deadline {
                    Some(deadline) => deadline.saturating_duration_since(Instant::now()),
                    None => timeout,
                };
                if self.0.ready.wait_timeout(&mut state, left) {
                    // One last look, like crossbeam: a value that arrived as the
                    // timeout fired is still taken.
                    return match state.items.pop_front() {
                        Some(value) => Ok(value),
                        None if state.senders == 0 => Err(RecvError::Disconnected),
                        None => Err(RecvError::Empty),
                    };
                }
            }
        }

        pub(crate) fn len(&self) -> usize {
            self.0.state.lock().items.len()
        }

        pub(crate) fn is_empty(&self) -> bool {
            self.0.state.lock().items.is_empty()
        }
    }

    impl<T> Clone for Receiver<T> {
        fn clone(&self) -> Self {
            self.0.state.lock().receivers += 1;
            Self(self.0.clone())
        }
    }

    impl<T> Drop for Receiver<T> {
        fn drop(&mut self) {
            self.0.state.lock().receivers -= 1;
        }
    }
}

/// The same behaviour checks, run against crossbeam and against the stand-in.
#[cfg(all(test, not(runtime_loom)))]
mod tests {
    use super::RecvError;
    use std::time::{Duration, Instant};

    macro_rules! queue_tests {
        ($name:ident, $path:path) => {
            mod $name {
                use super::*;
                use $path as q;

                #[test]
                fn fifo_then_empty_then_disconnected() {
                    let (tx, rx) = q::unbounded();
                    tx.send(1).unwrap();
                    tx.send(2).unwrap();
                    assert_eq!(rx.len(), 2);
                    assert!(!rx.is_empty());
                    assert_eq!(rx.try_recv(), Ok(1));
                    assert_eq!(rx.recv(), Ok(2));
                    assert_eq!(rx.try_recv(), Err(RecvError::Empty));
                    tx.send(3).unwrap();
                    drop(tx);
                    // Queued values come out before the disconnect is reported.
                    assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok(3));
                    assert_eq!(rx.try_recv(), Err(RecvError::Disconnected));
                    assert_eq!(rx.recv(), Err(RecvError::Disconnected));
                    assert!(rx.is_empty());
                }

                #[test]
                fn recv_timeout_times_out_when_nothing_arrives() {
                    let (tx, rx) = q::unbounded::<u8>();
                    let start = Instant::now();
                    assert_eq!(
                        rx.recv_timeout(Duration::from_millis(20)),
                        Err(RecvError::Empty)
                    );
                    assert!(start.elapsed() >= Duration::from_millis(15));
                    assert_eq!(rx.recv_timeout(Duration::ZERO), Err(RecvError::Empty));
                    drop(tx);
                }

                #[test]
                fn dropping_the_last_sender_wakes_blocked_receivers() {
                    let (tx, rx) = q::unbounded::<u8>();
                    let tx2 = tx.clone();
                    let rx2 = rx.clone();
                    let waiter = crate::loom::thread::spawn(move || rx2.recv());
                    std::thread::sleep(Duration::from_millis(20));
                    drop(tx);
                    drop(tx2);
                    assert_eq!(waiter.join().unwrap(), Err(RecvError::Disconnected));
                }

                #[test]
                fn send_wakes_a_blocked_receiver() {
                    let (tx, rx) = q::unbounded::<u8>();
                    let waiter = crate::loom::thread::spawn(move || {
                        rx.recv_timeout(Duration::from_secs(30))
                    });
                    std::thread::sleep(Duration::from_millis(20));
                    tx.send(9).unwrap();
                    assert_eq!(waiter.join().unwrap(), Ok(9));
                }

                #[test]
                fn send_hands_the_value_back_without_receivers() {
                    let (tx, rx) = q::unbounded::<u8>();
                    drop(rx);
                    assert_eq!(tx.send(4), Err(4));
                }
            }
        };
    }

    queue_tests!(crossbeam, super::super::channel);
    queue_tests!(stand_in, super::super::stand_in);
}
