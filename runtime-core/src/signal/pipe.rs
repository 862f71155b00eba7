//! One [`Signal`](super::unix::Signal)'s self-pipe: the action the process-wide handler
//! runs, and the read end the driver watches. Rules 1-5 are in the module header
//! (`signal/mod.rs`).
use crate::io::poll_evented::PollEvented;
use crate::io::ready::Interest;
use crate::io::ReadBuf;
use signal_hook_registry::SigId;
use std::io;
use std::os::fd::AsRawFd;
use std::os::raw::c_int;
use std::task::{ready, Context, Poll};

/// Bytes read per `recv(2)` while draining; one byte is one delivery, so one call
/// almost always empties the pipe.
const DRAIN_CHUNK: usize = 64;

/// A registered action and the read end of the socket pair it writes to.
#[derive(Debug)]
pub(super) struct SelfPipe {
    /// The registry's name for our action, for `unregister` in `Drop`.
    id: SigId,
    /// The read end, registered with the current runtime's driver for reading.
    rx: PollEvented<mio::net::UnixStream>,
}

impl SelfPipe {
    /// Creates the pair, registers the read end with the current runtime's driver, then
    /// installs the action for `signum`. `signum` must already be checked: a FORBIDDEN
    /// one makes the registry panic.
    pub(super) fn new(signum: c_int) -> io::Result<SelfPipe> {
        // Both ends non-blocking and close-on-exec (mio).
        let (tx, rx) = mio::net::UnixStream::pair()?;
        // First, so that outside a runtime nothing is installed.
        let rx = PollEvented::new_with_interest(rx, Interest::READABLE)?;
        // Rule 2: `tx` moves into the action, and nothing else keeps it.
        let action = move || notify(&tx);
        // SAFETY: `action` is async-signal-safe and cannot panic (rule 1): it makes one
        // `send(2)` on a descriptor that stays open while the action exists (rule 2),
        // ignores the result, and touches no global, lock or allocator. `signum` is not
        // FORBIDDEN (checked by the caller), so `register` does not panic.
        let id = unsafe { signal_hook_registry::register(signum, action) }?;
        Ok(SelfPipe { id, rx })
    }

    /// `Ready(Some(()))` once at least one delivery arrived since the last one returned,
    /// having drained the pipe (rule 4); `Ready(None)` once the runtime has shut down.
    pub(super) fn poll_recv(&self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        let mut chunk = [0u8; DRAIN_CHUNK];
        // A short read clears the readiness it saw; an edge newer than it survives.
        match ready!(self.rx.poll_read(cx, &mut chunk)) {
            Ok(n) if n > 0 => {
                if n == DRAIN_CHUNK {
                    self.drain(&mut chunk);
                }
                Poll::Ready(Some(()))
            }
            // End of stream cannot happen while the action holds the write end (rule 2);
            // an error is the driver's shutdown error (nothing else can fail on our own
            // socket pair). Either way no delivery can arrive any more.
            Ok(_) | Err(_) => Poll::Ready(None),
        }
    }

    /// Reads until the pipe is empty (`WouldBlock` clears the readiness it saw).
    fn drain(&self, chunk: &mut [u8; DRAIN_CHUNK]) {
        while let Ok(DRAIN_CHUNK) = self.rx.try_read_buf(&mut ReadBuf::new(chunk)) {}
    }
}

impl Drop for SelfPipe {
    fn drop(&mut self) {
        // Rule 5: the action goes before the read end (a field, dropped after this).
        signal_hook_registry::unregister(self.id);
    }
}

/// The action: one byte into the pipe, from inside the signal handler.
fn notify(tx: &mio::net::UnixStream) {
    let byte = 1u8;
    // `MSG_DONTWAIT`: never block inside a handler (the socket is non-blocking already);
    // `MSG_NOSIGNAL`: a reader that is gone is `EPIPE`, not a `SIGPIPE` (rule 5).
    // The result is ignored: `EAGAIN` means a delivery is already pending (rule 3), and
    // `EPIPE` that nobody listens any more.
    // SAFETY: `send(2)` is async-signal-safe (POSIX.1-2008, 2.4.3); the pointer and
    // length describe `byte`, a live local; the descriptor is open (rule 2).
    let _ = unsafe {
        libc::send(
            tx.as_raw_fd(),
            (&raw const byte).cast(),
            1,
            libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL,
        )
    };
}
