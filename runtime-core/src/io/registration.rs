//! Registering sources with the driver: `IoHandle` (the registry side of a runtime's
//! driver, usable from any thread) and `Registration` (one source's token and its
//! [`ScheduledIo`]).
//!
//! # Tokens and when a source's memory goes
//!
//! A source's mio token is its key in the handle's slab, whose entry holds an
//! `Arc<ScheduledIo>`; the [`Registration`] holds another. Deregistering (or dropping the
//! registration) removes the source from the poller at once, but its key only goes on
//! the `pending_release` list: the driver takes those keys out of the slab at the start
//! of its next turn ([`IoHandle::release_pending`]), before it polls again. So a key
//! is never reused while a poll that may still report it (one in flight on the driver's
//! thread when the source was deregistered, or events collected but not yet dispatched)
//! can look it up: such an event reaches the deregistered source, never a newcomer that
//! took its key (tokio's deferred release, on a slab instead of raw pointers, so there
//! is no `unsafe` here and a late event can at worst set readiness nobody reads).
use super::ready::{Interest, Ready};
use super::scheduled_io::ScheduledIo;
use super::tokens::Tokens;
use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::Arc;
use std::fmt;
use std::io;

/// The registry side of a runtime's driver; shared by the driver and every registration.
pub(crate) struct IoHandle {
    registry: mio::Registry,
    tokens: Tokens,
    /// Registered sources; while zero, busy workers skip polling the driver.
    registered: AtomicUsize,
}

/// A source registered with a runtime's driver; deregisters it when dropped (if
/// [`deregister`](Self::deregister) was not called).
pub(crate) struct Registration {
    handle: Arc<IoHandle>,
    key: usize,
    shared: Arc<ScheduledIo>,
    /// Whether the key still waits to go on the release list.
    live: bool,
}

impl IoHandle {
    pub(crate) fn new(registry: mio::Registry) -> IoHandle {
        IoHandle {
            registry,
            tokens: Tokens::new(),
            registered: AtomicUsize::new(0),
        }
    }

    /// The I/O driver of the current runtime.
    pub(crate) fn current() -> io::Result<Arc<IoHandle>> {
        let handle = crate::scheduler::context::current()
            .ok_or_else(|| io::Error::other(crate::error::NO_RUNTIME))?;
        Ok(handle.io()?.clone())
    }

    /// How many sources are registered.
    pub(crate) fn registered(&self) -> usize {
        self.registered.load(SeqCst)
    }

    /// Registers `source` for `interest` (edge-triggered), from any thread.
    pub(crate) fn register(
        self: &Arc<Self>,
        source: &mut impl mio::event::Source,
        interest: Interest,
    ) -> io::Result<Registration> {
        let (key, shared) = self.tokens.insert()?;
        if let Err(e) = self
            .registry
            .register(source, mio::Token(key), interest.to_mio())
        {
            // Never in the poller, so no poll can report the key: free it at once.
            self.tokens.remove_unseen(key);
            return Err(e);
        }
        self.registered.fetch_add(1, SeqCst);
        Ok(Registration {
            handle: self.clone(),
            key,
            shared,
            live: true,
        })
    }

    /// The driver, at the start of a turn: frees the keys deregistered since the last
    /// one (module docs).
    pub(crate) fn release_pending(&self) {
        self.tokens.release_pending();
    }

    /// The driver, after a poll: sets the readiness of each event's source, then wakes
    /// its waiters. `scratch` is the driver's reused buffer.
    pub(crate) fn dispatch<'a>(
        &self,
        events: impl Iterator<Item = &'a mio::event::Event>,
        scratch: &mut Vec<(Arc<ScheduledIo>, Ready)>,
    ) {
        let events = events.map(|e| (e.token().0, Ready::from_event(e)));
        self.tokens.dispatch(events, scratch);
    }

    /// Shuts every source down (their waits fail with the shutdown error) and refuses
    /// new registrations.
    pub(crate) fn shutdown(&self) {
        self.tokens.shutdown();
    }

    fn release(&self, key: usize) {
        self.tokens.release(key);
        self.registered.fetch_sub(1, SeqCst);
    }
}

impl fmt::Debug for IoHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IoHandle")
            .field("registered", &self.registered())
            .finish_non_exhaustive()
    }
}

impl Registration {
    /// The source's readiness and waiters.
    pub(crate) fn shared(&self) -> &ScheduledIo {
        &self.shared
    }

    /// Takes `source` out of the poller, from any thread; the key is freed at the
    /// driver's next turn (module docs). `source` must be the one registered.
    pub(crate) fn deregister(&mut self, source: &mut impl mio::event::Source) -> io::Result<()> {
        let result = self.handle.registry.deregister(source);
        if self.live {
            self.live = false;
            self.handle.release(self.key);
        }
        result
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        if self.live {
            // The source is closed with its owner (which removes it from the poller), or
            // was deregistered explicitly; either way the key waits for the next turn.
            self.handle.release(self.key);
        }
    }
}

impl fmt::Debug for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registration")
            .field("token", &self.key)
            .field("io", &self.shared)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::driver::Driver;
    use std::future::Future;
    use std::io::{Read, Write};
    use std::time::Duration;

    fn key(reg: &Registration) -> usize {
        reg.key
    }

    /// A deregistered key is reused only after the driver's next turn began; events are
    /// dispatched to the source their token names.
    #[test]
    fn keys_wait_for_the_next_turn_and_events_reach_their_source() {
        let (mut driver, _wake) = Driver::new(crate::io::driver::EVENTS_PER_TICK).unwrap();
        let io = driver.io().clone();
        let (mut a, _a_peer) = mio::net::UnixStream::pair().unwrap();
        let (mut c, mut c_peer) = mio::net::UnixStream::pair().unwrap();
        let mut first = io.register(&mut a, Interest::READABLE).unwrap();
        let first_key = key(&first);
        first.deregister(&mut a).unwrap();
        let second = io.register(&mut c, Interest::READABLE).unwrap();
        assert_ne!(key(&second), first_key, "released before the driver's turn");
        assert_eq!(io.registered(), 1);

        c_peer.write_all(b"x").unwrap();
        let mut turns = 0;
        while !second
            .shared()
            .readiness(Interest::READABLE)
            .ready
            .is_readable()
        {
            driver.park(Some(Duration::from_millis(50)));
            turns += 1;
            assert!(turns < 100, "the event never reached its source");
        }
        // That turn released the first key: the next registration may take it.
        let mut d = mio::net::UnixStream::pair().unwrap().0;
        let third = io.register(&mut d, Interest::WRITABLE).unwrap();
        assert_eq!(key(&third), first_key);
        assert!(third
            .shared()
            .readiness(Interest::READABLE)
            .ready
            .is_empty());
    }

    /// Two tasks awaiting `readable` on one socket are both woken; a read through the
    /// registration, a `WouldBlock` clear and a second wait work on a real runtime.
    #[test]
    fn two_tasks_awaiting_readable_on_one_socket_are_both_woken() {
        let rt = crate::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap();
        rt.block_on(async {
            let (mut a, mut b) = mio::net::UnixStream::pair().unwrap();
            let io = IoHandle::current().unwrap();
            let reg = Arc::new(io.register(&mut a, Interest::READABLE).unwrap());
            let waiters: Vec<_> = (0..2)
                .map(|_| {
                    let reg = reg.clone();
                    crate::spawn(async move {
                        reg.shared()
                            .ready(Interest::READABLE)
                            .await
                            .map(|e| e.ready)
                    })
                })
                .collect();
            while reg.shared().num_waiters() < 2 {
                crate::yield_now().await;
            }
            b.write_all(b"ping").unwrap();
            for w in waiters {
                assert!(w.await.unwrap().unwrap().is_readable());
            }
            let mut buf = [0u8; 8];
            let n = a.read(&mut buf).unwrap();
            assert_eq!(&buf[..n], b"ping");
            let seen = reg.shared().readiness(Interest::READABLE);
            assert_eq!(
                a.read(&mut buf).unwrap_err().kind(),
                io::ErrorKind::WouldBlock
            );
            reg.shared().clear_readiness(seen);
            let writer = crate::loom::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(20));
                b.write_all(b"pong").unwrap();
                b
            });
            reg.shared().ready(Interest::READABLE).await.unwrap();
            let n = a.read(&mut buf).unwrap();
            assert_eq!(&buf[..n], b"pong");
            let _b = writer.join().unwrap();
            let mut reg = Arc::try_unwrap(reg).unwrap();
            reg.deregister(&mut a).unwrap();
            assert_eq!(io.registered(), 0);
        });
    }

    /// Shutting the runtime down fails a pending wait and later registrations.
    #[test]
    fn shutdown_fails_pending_waits_and_new_registrations() {
        let rt = crate::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap();
        let (mut a, _b) = mio::net::UnixStream::pair().unwrap();
        let (io, reg) = rt.block_on(async {
            let io = IoHandle::current().unwrap();
            let reg = io.register(&mut a, Interest::READABLE).unwrap();
            (io, reg)
        });
        let mut wait = Box::pin(reg.shared().ready(Interest::READABLE));
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(wait.as_mut().poll(&mut cx).is_pending());
        drop(rt);
        let err = match wait.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(Err(e)) => e,
            other => panic!("the shutdown error expected, got {other:?}"),
        };
        assert!(err.to_string().contains("shut down"), "{err}");
        let (mut c, _d) = mio::net::UnixStream::pair().unwrap();
        assert!(io.register(&mut c, Interest::READABLE).is_err());
    }

    /// A current-thread runtime that registers nothing never creates its I/O driver, and
    /// shuts down without one; after that, no driver is created and registering fails
    /// with the shutdown error. One that registers creates its driver then.
    #[test]
    fn current_thread_driver_is_created_by_the_first_registration_only() {
        let current_thread = |rt: &crate::Runtime| match &rt.handle().inner {
            crate::scheduler::Handle::CurrentThread(h) => h.clone(),
            crate::scheduler::Handle::MultiThread(_) => unreachable!("a current-thread runtime"),
        };
        let rt = crate::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let inner = current_thread(&rt);
        rt.block_on(async {
            crate::spawn(async {}).await.unwrap();
            crate::sleep(Duration::from_millis(2)).await;
        });
        assert!(!inner.has_io_driver());
        drop(rt);
        assert!(!inner.has_io_driver());
        let err = inner.io().unwrap_err();
        assert!(err.to_string().contains("shut down"), "{err}");
        assert!(!inner.has_io_driver());

        let rt = crate::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let inner = current_thread(&rt);
        let (mut a, _b) = mio::net::UnixStream::pair().unwrap();
        let mut reg = rt.block_on(async {
            assert!(!inner.has_io_driver());
            let io = IoHandle::current().unwrap();
            assert!(inner.has_io_driver());
            io.register(&mut a, Interest::READABLE).unwrap()
        });
        let mut wait = Box::pin(reg.shared().ready(Interest::READABLE));
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(wait.as_mut().poll(&mut cx).is_pending());
        drop(rt);
        assert!(matches!(
            wait.as_mut().poll(&mut cx),
            std::task::Poll::Ready(Err(_))
        ));
        drop(wait);
        reg.deregister(&mut a).unwrap();
    }

    /// A current-thread runtime asleep in its driver (a source is registered) still
    /// wakes for a timer, on time, and for a wake from another thread.
    #[test]
    fn current_thread_parked_in_driver_wakes_for_timers_and_remote_wakes() {
        let rt = crate::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let (mut a, _b) = mio::net::UnixStream::pair().unwrap();
            let io = IoHandle::current().unwrap();
            let mut reg = io.register(&mut a, Interest::READABLE).unwrap();
            let start = std::time::Instant::now();
            crate::sleep(Duration::from_millis(5)).await;
            let slept = start.elapsed();
            assert!(slept >= Duration::from_millis(5), "{slept:?}");
            assert!(slept < Duration::from_secs(2), "{slept:?}");
            let (tx, rx) = crate::sync::oneshot::channel();
            let sender = crate::loom::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(20));
                tx.send(7).unwrap();
            });
            assert_eq!(rx.await.unwrap(), 7);
            sender.join().unwrap();
            reg.deregister(&mut a).unwrap();
        });
    }
}
