//! What [`UdpSocket`](super::UdpSocket) and [`UnixDatagram`](super::UnixDatagram) share:
//! a registered datagram socket and its operations, which differ between the two only in
//! the address type.
//!
//! # Waiting, and who may wait
//!
//! The `async` operations wait on the source's waiter list
//! ([`ScheduledIo::ready`](crate::io::scheduled_io::ScheduledIo::ready)), so any number
//! of tasks may `recv` (or `send`) on one socket shared through an `Arc`: every waiter
//! wakes on an edge, each tries its call, and those that meet `WouldBlock` clear the
//! readiness they saw and wait again (`scheduled_io.rs`, rule 2: an edge that arrived
//! during the call keeps it set). The `poll_*` operations keep one waker per direction
//! instead, the last one given, as tokio's do.
//!
//! # Readiness and short reads
//!
//! Unlike the stream operations of `PollEvented`, a datagram read that filled less than
//! the buffer says nothing about what is left queued: each call takes one datagram. So
//! readiness is cleared only on `WouldBlock`, never after a short read.
//!
//! A socket shut down for reading is the exception to "wait again after `WouldBlock`":
//! its `READ_CLOSED` readiness is never cleared, so a second wait would return at once
//! and the read would spin. A read that finds nothing queued there ends instead: `recv`
//! with 0 (as a blocking `recv(2)` does), `recv_from` with an `UnexpectedEof` error.
//!
//! # Buffers
//!
//! Reads go through `recv(2)`/`recvfrom(2)` straight into the caller's memory, which
//! for [`ReadBuf`] may be uninitialized; a datagram longer than the buffer is truncated
//! as the OS truncates it (the rest is discarded).
use crate::io::poll_evented::{sys, PollEvented};
use crate::io::ready::Interest;
use crate::io::scheduled_io::{ReadyEvent, ScheduledIo};
use crate::io::ReadBuf;
use std::fmt;
use std::io;
use std::mem::MaybeUninit;
use std::os::fd::{AsRawFd, RawFd};
use std::task::{ready, Context, Poll};

/// A datagram socket registered with the current runtime's driver.
pub(crate) struct Datagram<E: mio::event::Source> {
    io: PollEvented<E>,
}

/// Reads that find nothing queued on a socket shut down for reading return this instead
/// of waiting (`recv` reads 0, as a blocking `recv(2)` does; `recv_from` fails, having
/// no sender to report).
pub(crate) fn eof_error<R>() -> io::Result<R> {
    Err(io::Error::new(
        io::ErrorKind::UnexpectedEof,
        crate::error::DATAGRAM_READ_SHUT_DOWN,
    ))
}

impl<E: mio::event::Source + AsRawFd> Datagram<E> {
    /// Registers `io` (already non-blocking) for reading and writing.
    pub(crate) fn new(io: E) -> io::Result<Self> {
        Ok(Datagram {
            io: PollEvented::new(io)?,
        })
    }

    /// The socket.
    pub(crate) fn get_ref(&self) -> &E {
        self.io.get_ref()
    }

    /// Deregisters the socket and hands it back.
    pub(crate) fn into_inner(self) -> io::Result<E> {
        self.io.into_inner()
    }

    fn fd(&self) -> RawFd {
        self.get_ref().as_raw_fd()
    }

    fn shared(&self) -> &ScheduledIo {
        self.io.registration().shared()
    }

    /// Waits until the socket is ready for `interest` (or failed); any number of tasks
    /// may wait at once.
    pub(crate) async fn ready(&self, interest: Interest) -> io::Result<()> {
        self.shared().ready(interest).await?;
        Ok(())
    }

    /// What to return after the call returned `out` for `event`, or `None` to wait for
    /// the next event (its readiness cleared).
    ///
    /// A socket shut down for reading stays readable (`READ_CLOSED` is never cleared)
    /// yet says `WouldBlock` once its queue is empty; waiting again would return at
    /// once and spin, so such a read ends with `eof()` instead.
    fn settle<R>(
        &self,
        event: ReadyEvent,
        out: io::Result<R>,
        eof: Option<&(dyn Fn() -> io::Result<R> + Sync)>,
    ) -> Option<io::Result<R>> {
        match out {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => match eof {
                Some(eof) if event.ready.is_read_closed() => Some(eof()),
                _ => {
                    self.shared().clear_readiness(event);
                    None
                }
            },
            out => Some(out),
        }
    }

    async fn async_io<R>(
        &self,
        interest: Interest,
        mut f: impl FnMut(&E) -> io::Result<R>,
        eof: Option<&(dyn Fn() -> io::Result<R> + Sync)>,
    ) -> io::Result<R> {
        loop {
            let event = self.shared().ready(interest).await?;
            if let Some(out) = self.settle(event, f(self.get_ref()), eof) {
                return out;
            }
        }
    }

    fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        interest: Interest,
        mut f: impl FnMut(&E) -> io::Result<R>,
        eof: Option<&(dyn Fn() -> io::Result<R> + Sync)>,
    ) -> Poll<io::Result<R>> {
        loop {
            let event = ready!(self.shared().poll_ready(cx, interest))?;
            if let Some(out) = self.settle(event, f(self.get_ref()), eof) {
                return Poll::Ready(out);
            }
        }
    }

    fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce(&E) -> io::Result<R>,
        eof: Option<&(dyn Fn() -> io::Result<R> + Sync)>,
    ) -> io::Result<R> {
        let event = self.shared().readiness(interest);
        if event.ready.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        self.settle(event, f(self.get_ref()), eof)
            .unwrap_or_else(|| Err(io::ErrorKind::WouldBlock.into()))
    }

    /// Runs the receive call `f` once the socket is readable, again after each
    /// `WouldBlock`, until it returns anything else; `eof()` on a socket shut down for
    /// reading with nothing queued. Any number of tasks may wait at once.
    pub(crate) async fn read<R>(
        &self,
        f: impl FnMut(&E) -> io::Result<R>,
        eof: impl Fn() -> io::Result<R> + Sync,
    ) -> io::Result<R> {
        self.async_io(Interest::READABLE, f, Some(&eof)).await
    }

    /// Runs the send call `f` once the socket is writable, again after each
    /// `WouldBlock`. Any number of tasks may wait at once.
    pub(crate) async fn write<R>(&self, f: impl FnMut(&E) -> io::Result<R>) -> io::Result<R> {
        self.async_io(Interest::WRITABLE, f, None).await
    }

    /// [`read`](Self::read) now if the socket looks readable, else `WouldBlock`.
    pub(crate) fn try_read<R>(
        &self,
        f: impl FnOnce(&E) -> io::Result<R>,
        eof: impl Fn() -> io::Result<R> + Sync,
    ) -> io::Result<R> {
        self.try_io(Interest::READABLE, f, Some(&eof))
    }

    /// [`write`](Self::write) now if the socket looks writable, else `WouldBlock`.
    pub(crate) fn try_write<R>(&self, f: impl FnOnce(&E) -> io::Result<R>) -> io::Result<R> {
        self.try_io(Interest::WRITABLE, f, None)
    }

    /// The `poll_*` form of [`read`](Self::read): one waker per direction.
    pub(crate) fn poll_read<R>(
        &self,
        cx: &mut Context<'_>,
        f: impl FnMut(&E) -> io::Result<R>,
        eof: impl Fn() -> io::Result<R> + Sync,
    ) -> Poll<io::Result<R>> {
        self.poll_io(cx, Interest::READABLE, f, Some(&eof))
    }

    /// The `poll_*` form of [`write`](Self::write): one waker per direction.
    pub(crate) fn poll_write<R>(
        &self,
        cx: &mut Context<'_>,
        f: impl FnMut(&E) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        self.poll_io(cx, Interest::WRITABLE, f, None)
    }

    /// Sends `buf` as one datagram to the connected peer.
    pub(crate) async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        let fd = self.fd();
        self.write(|_| sys::send(fd, buf)).await
    }

    /// Receives one datagram from the connected peer into `buf`; 0 at end of stream.
    pub(crate) async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        let fd = self.fd();
        self.read(|_| recv_into(buf, |b| recv(fd, b)), || Ok(0))
            .await
    }

    /// Sends now if the socket looks writable, else `WouldBlock`.
    pub(crate) fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        let fd = self.fd();
        self.try_write(|_| sys::send(fd, buf))
    }

    /// Receives now if the socket looks readable, else `WouldBlock`.
    pub(crate) fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        let fd = self.fd();
        self.try_read(|_| recv_into(buf, |b| recv(fd, b)), || Ok(0))
    }

    /// The `poll_*` form of [`send`](Self::send).
    pub(crate) fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let fd = self.fd();
        self.poll_write(cx, |_| sys::send(fd, buf))
    }

    /// The `poll_*` form of [`recv`](Self::recv), into `buf`'s unfilled part (which
    /// may be uninitialized); nothing filled at end of stream.
    pub(crate) fn poll_recv(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let fd = self.fd();
        self.poll_recv_with(cx, buf, |b| Ok((recv(fd, b)?, ())), || Ok(()))
    }

    /// Receives one datagram into `buf`'s unfilled part with `f`, a call that writes
    /// into possibly uninitialized memory and returns the length and whatever else it
    /// learned (the sender's address); at end of stream, fills nothing and returns
    /// `eof()`. One waker per direction.
    pub(crate) fn poll_recv_with<A>(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
        mut f: impl FnMut(&mut [MaybeUninit<u8>]) -> io::Result<(usize, A)>,
        eof: impl Fn() -> io::Result<A> + Sync,
    ) -> Poll<io::Result<A>> {
        let eof = || eof().map(|a| (0, a));
        let (n, extra) = ready!(self.poll_io(
            cx,
            Interest::READABLE,
            |_| {
                // SAFETY: `f` is a receive call, which writes only initialized bytes
                // (`unfilled_mut`'s contract).
                f(unsafe { buf.unfilled_mut() })
            },
            Some(&eof),
        ))?;
        // SAFETY: the kernel initialized the `n` bytes it wrote.
        unsafe { buf.assume_init(n) };
        buf.advance(n);
        Poll::Ready(Ok(extra))
    }
}

/// `recv(2)` of one datagram.
fn recv(fd: RawFd, dst: &mut [MaybeUninit<u8>]) -> io::Result<usize> {
    sys::recv(fd, dst, 0)
}

/// Runs the receive call `f` on an initialized buffer.
pub(crate) fn recv_into<R>(
    buf: &mut [u8],
    f: impl FnOnce(&mut [MaybeUninit<u8>]) -> io::Result<R>,
) -> io::Result<R> {
    let mut buf = ReadBuf::new(buf);
    // SAFETY: `f` is a receive call, which writes only initialized bytes.
    f(unsafe { buf.unfilled_mut() })
}

/// `AsRawFd` and `AsFd` for a socket type whose `io` field is a [`Datagram`].
macro_rules! impl_as_fd {
    ($ty:ty) => {
        impl std::os::fd::AsRawFd for $ty {
            fn as_raw_fd(&self) -> std::os::fd::RawFd {
                std::os::fd::AsRawFd::as_raw_fd(self.io.get_ref())
            }
        }

        impl std::os::fd::AsFd for $ty {
            fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
                std::os::fd::AsFd::as_fd(self.io.get_ref())
            }
        }
    };
}
pub(crate) use impl_as_fd;

impl<E: mio::event::Source + fmt::Debug> fmt::Debug for Datagram<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.fmt(f)
    }
}
