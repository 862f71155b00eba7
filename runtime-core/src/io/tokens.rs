//! `Tokens`: the table from mio tokens to sources, with the deferred release that keeps
//! a token from being reused while a driver poll may still report it (the rule is in
//! `registration.rs`'s module docs). Kept apart from mio so loom can model it
//! (`loom_io_deregister_vs_driver_turn`).
use super::ready::Ready;
use super::scheduled_io::{shutdown_error, ScheduledIo};
use crate::loom::sync::{Arc, Mutex};
use slab::Slab;
use std::io;

/// Token -> source, shared by the driver and every registration.
pub(crate) struct Tokens {
    inner: Mutex<Inner>,
}

struct Inner {
    slab: Slab<Arc<ScheduledIo>>,
    /// Keys released since the driver's last turn started.
    pending_release: Vec<usize>,
    /// The runtime shut down: inserting fails from now on.
    shutdown: bool,
}

impl Tokens {
    pub(crate) fn new() -> Tokens {
        Tokens {
            inner: Mutex::new(Inner {
                slab: Slab::new(),
                pending_release: Vec::new(),
                shutdown: false,
            }),
        }
    }

    /// A new source and its key; fails once the runtime shut down.
    pub(crate) fn insert(&self) -> io::Result<(usize, Arc<ScheduledIo>)> {
        let shared = Arc::new(ScheduledIo::new());
        let mut inner = self.inner.lock();
        if inner.shutdown {
            return Err(shutdown_error());
        }
        Ok((inner.slab.insert(shared.clone()), shared))
    }

    /// Frees `key` at once: only for a key no poller ever saw.
    pub(crate) fn remove_unseen(&self, key: usize) {
        self.inner.lock().slab.remove(key);
    }

    /// Frees `key` at the driver's next turn.
    pub(crate) fn release(&self, key: usize) {
        self.inner.lock().pending_release.push(key);
    }

    /// The driver, at the start of a turn, before it polls: frees the released keys.
    pub(crate) fn release_pending(&self) {
        let mut inner = self.inner.lock();
        let Inner {
            slab,
            pending_release,
            ..
        } = &mut *inner;
        for key in pending_release.drain(..) {
            slab.remove(key);
        }
    }

    /// The driver, after a poll: sets each event's readiness on its key's source, then
    /// wakes its waiters outside the table's lock. `scratch` is the driver's reused
    /// buffer.
    pub(crate) fn dispatch(
        &self,
        events: impl Iterator<Item = (usize, Ready)>,
        scratch: &mut Vec<(Arc<ScheduledIo>, Ready)>,
    ) {
        {
            let inner = self.inner.lock();
            for (key, ready) in events {
                if let Some(io) = inner.slab.get(key) {
                    let now = io.set_readiness(|r| r | ready);
                    scratch.push((io.clone(), now));
                }
            }
        }
        for (io, ready) in scratch.drain(..) {
            io.wake(ready);
        }
    }

    /// Shuts every source down and refuses new ones.
    pub(crate) fn shutdown(&self) {
        let all: Vec<Arc<ScheduledIo>> = {
            let mut inner = self.inner.lock();
            if inner.shutdown {
                return;
            }
            inner.shutdown = true;
            inner.slab.iter().map(|(_, io)| io.clone()).collect()
        };
        for io in all {
            io.shutdown();
        }
    }
}
