//! `Driver`: a `mio::Poll` plus the `mio::Waker` that interrupts it, and the dispatch of
//! its events to the registered sources (`registration.rs`).
//!
//! Each turn ([`Driver::park`]) first frees the tokens deregistered since the last one,
//! then polls for at most `max_io_events_per_tick` ([`EVENTS_PER_TICK`] by default) events, then sets each event's readiness
//! on its source and wakes the matching waiters. More ready sources than that wait for
//! the next turn (epoll keeps them), so one turn never holds a worker for long.
//!
//! mio is not loom-aware: under `runtime_loom` the driver is a loom condvar with the same
//! interface, so the park models can swap it in (registration needs a real poller, so
//! it does not exist there; `ScheduledIo` is modelled on its own).

/// Events collected per driver turn (tokio's default; `max_io_events_per_tick`).
pub(crate) const EVENTS_PER_TICK: usize = 1024;

#[cfg(not(runtime_loom))]
mod imp {
    use crate::io::registration::IoHandle;
    use crate::io::scheduled_io::ScheduledIo;
    use crate::loom::sync::Arc;
    use std::io;
    use std::time::Duration;

    const WAKE_TOKEN: mio::Token = mio::Token(usize::MAX);

    /// The poller; owned by one parked worker at a time.
    pub(crate) struct Driver {
        poll: mio::Poll,
        events: mio::Events,
        io: Arc<IoHandle>,
        /// Sources to wake after a turn, reused.
        scratch: Vec<(Arc<ScheduledIo>, crate::io::ready::Ready)>,
    }

    /// Interrupts a worker blocked in [`Driver::park`].
    pub(crate) struct DriverHandle {
        waker: mio::Waker,
    }

    impl Driver {
        /// A driver that collects at most `max_events` events per turn.
        pub(crate) fn new(max_events: usize) -> io::Result<(Driver, DriverHandle)> {
            let poll = mio::Poll::new()?;
            let waker = mio::Waker::new(poll.registry(), WAKE_TOKEN)?;
            let io = Arc::new(IoHandle::new(poll.registry().try_clone()?));
            Ok((
                Driver {
                    poll,
                    events: mio::Events::with_capacity(max_events),
                    io,
                    scratch: Vec::new(),
                },
                DriverHandle { waker },
            ))
        }

        /// Blocks until woken, an event arrives, or `timeout` passes (`None`: no limit;
        /// zero: only collect what is ready).
        pub(crate) fn park(&mut self, timeout: Option<Duration>) {
            self.io.release_pending();
            match self.poll.poll(&mut self.events, timeout) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => return,
                Err(e) => panic!("runtime: the I/O driver failed to poll: {e}"),
            }
            // The wake token only ends the wait (no source has its key: a slab key is
            // never `usize::MAX`).
            let events = self.events.iter().filter(|e| e.token() != WAKE_TOKEN);
            self.io.dispatch(events, &mut self.scratch);
        }

        /// Whether any source is registered (else parking in the poll is pointless).
        pub(crate) fn has_sources(&self) -> bool {
            self.io.registered() > 0
        }

        /// The registry side, for registrations from any thread.
        pub(crate) fn io(&self) -> &Arc<IoHandle> {
            &self.io
        }
    }

    impl DriverHandle {
        pub(crate) fn unpark(&self) {
            if let Err(e) = self.waker.wake() {
                panic!("runtime: could not wake the I/O driver: {e}");
            }
        }
    }
}

#[cfg(runtime_loom)]
mod imp {
    use crate::loom::sync::{Arc, Condvar, Mutex};
    use std::io;
    use std::time::Duration;

    struct Inner {
        woken: Mutex<bool>,
        condvar: Condvar,
        /// Threads inside `park`; more than one breaks the single-owner rule.
        owners: crate::loom::sync::atomic::AtomicUsize,
    }

    /// The loom stand-in for the poller.
    pub(crate) struct Driver(Arc<Inner>);

    /// The loom stand-in for `mio::Waker`.
    pub(crate) struct DriverHandle(Arc<Inner>);

    impl Driver {
        pub(crate) fn new(_max_events: usize) -> io::Result<(Driver, DriverHandle)> {
            let inner = Arc::new(Inner {
                woken: Mutex::new(false),
                condvar: Condvar::new(),
                owners: crate::loom::sync::atomic::AtomicUsize::new(0),
            });
            Ok((Driver(inner.clone()), DriverHandle(inner)))
        }

        /// Nothing registers with the stand-in.
        pub(crate) fn has_sources(&self) -> bool {
            false
        }

        pub(crate) fn park(&mut self, timeout: Option<Duration>) {
            use crate::loom::sync::atomic::Ordering::SeqCst;
            let before = self.0.owners.fetch_add(1, SeqCst);
            assert_eq!(before, 0, "two workers own the driver at once");
            self.park_inner(timeout);
            self.0.owners.fetch_sub(1, SeqCst);
        }

        fn park_inner(&mut self, timeout: Option<Duration>) {
            let mut woken = self.0.woken.lock();
            if timeout != Some(Duration::ZERO) {
                while !*woken {
                    self.0.condvar.wait(&mut woken);
                }
            }
            *woken = false;
        }
    }

    impl DriverHandle {
        pub(crate) fn unpark(&self) {
            *self.0.woken.lock() = true;
            self.0.condvar.notify_one();
        }
    }
}

pub(crate) use imp::{Driver, DriverHandle};
