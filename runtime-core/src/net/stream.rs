//! `Stream<E>`: the byte-stream machinery TCP and Unix streams share, on a
//! [`PollEvented`] source.
//!
//! Two ways to wait, for two kinds of caller:
//!
//! - The `async fn`s (`read`, `write`, `readable`, ...) wait on the source's waiter
//!   lists (`ScheduledIo::ready`): any number of tasks may wait on one socket at once,
//!   and a future dropped mid-wait (an aborted task) unlinks its node.
//! - The `poll_*` functions (behind `futures_io::AsyncRead`/`AsyncWrite`) keep one waker
//!   per direction (`ScheduledIo::poll_ready`), as `poll`-style traits must: one task at
//!   a time may poll each direction.
//!
//! Both clear readiness only for the tick they saw (`io/scheduled_io.rs`, rule 2), and a
//! short read or write clears it too: the socket's buffer was drained (or the peer's
//! filled), so the next call waits for the driver's next edge instead of spending a
//! syscall to learn `WouldBlock`.
use crate::io::poll_evented::PollEvented;
use crate::io::ready::Interest;
use crate::io::ReadBuf;
use std::fmt;
use std::io;
use std::net::Shutdown;
use std::os::fd::{AsFd, AsRawFd};
use std::task::{Context, Poll};

/// A connected byte stream registered with the driver.
pub(crate) struct Stream<E: mio::event::Source> {
    io: PollEvented<E>,
}

/// Waits for `interest` on the waiter list and runs `f`, again after each `WouldBlock`
/// (clearing what it saw), until `f` returns anything else.
pub(crate) async fn async_io<E: mio::event::Source, R>(
    io: &PollEvented<E>,
    interest: Interest,
    mut f: impl FnMut(&E) -> io::Result<R>,
) -> io::Result<R> {
    let shared = io.registration().shared();
    loop {
        let event = shared.ready(interest).await?;
        match f(io.get_ref()) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => shared.clear_readiness(event),
            out => return out,
        }
    }
}

impl<E: mio::event::Source + AsRawFd + AsFd> Stream<E> {
    /// Registers `io` with the current runtime's driver.
    pub(crate) fn new(io: E) -> io::Result<Stream<E>> {
        Ok(Stream {
            io: PollEvented::new(io)?,
        })
    }

    /// The registered source.
    pub(crate) fn poll_evented(&self) -> &PollEvented<E> {
        &self.io
    }

    /// The source.
    pub(crate) fn get_ref(&self) -> &E {
        self.io.get_ref()
    }

    /// Deregisters the source and hands it back.
    pub(crate) fn into_inner(self) -> io::Result<E> {
        self.io.into_inner()
    }

    /// Waits for `interest` and runs `f` (a `try_*` operation, which clears readiness
    /// itself on `WouldBlock`) until it returns anything but `WouldBlock`; a transfer of
    /// fewer than `want` bytes clears the readiness the wait saw (module docs).
    /// Waits until a connect started on the source (non-blocking, `EINPROGRESS`)
    /// finished: the socket turns writable (or fails), then `SO_ERROR` says whether the
    /// connect failed (`ConnectionRefused`, ...) and `getpeername` whether it completed.
    pub(crate) async fn connected(&self) -> io::Result<()> {
        async_io(&self.io, Interest::WRITABLE, |io| {
            let sock = socket2::SockRef::from(io);
            if let Some(e) = sock.take_error()? {
                return Err(e);
            }
            match sock.peer_addr() {
                Ok(_) => Ok(()),
                Err(e) if e.kind() == io::ErrorKind::NotConnected => {
                    Err(io::ErrorKind::WouldBlock.into())
                }
                Err(e) => Err(e),
            }
        })
        .await
    }

    async fn transfer(
        &self,
        interest: Interest,
        want: usize,
        mut f: impl FnMut() -> io::Result<usize>,
    ) -> io::Result<usize> {
        let shared = self.io.registration().shared();
        loop {
            let event = shared.ready(interest).await?;
            match f() {
                Ok(n) => {
                    if n > 0 && n < want {
                        shared.clear_readiness(event);
                    }
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
        }
    }

    pub(crate) async fn read_buf(&self, buf: &mut ReadBuf<'_>) -> io::Result<usize> {
        let want = buf.remaining();
        self.transfer(Interest::READABLE, want, || self.io.try_read_buf(buf))
            .await
    }

    pub(crate) async fn read(&self, dst: &mut [u8]) -> io::Result<usize> {
        self.read_buf(&mut ReadBuf::new(dst)).await
    }

    pub(crate) async fn peek(&self, dst: &mut [u8]) -> io::Result<usize> {
        async_io(&self.io, Interest::READABLE, |io| {
            let sock = socket2::SockRef::from(io);
            let uninit = as_uninit(&mut *dst);
            sock.peek(uninit)
        })
        .await
    }

    pub(crate) async fn write(&self, src: &[u8]) -> io::Result<usize> {
        self.transfer(Interest::WRITABLE, src.len(), || self.io.try_write(src))
            .await
    }

    pub(crate) async fn write_all(&self, mut src: &[u8]) -> io::Result<()> {
        while !src.is_empty() {
            match self.write(src).await? {
                0 => return Err(io::ErrorKind::WriteZero.into()),
                n => src = &src[n..],
            }
        }
        Ok(())
    }

    pub(crate) async fn ready(&self, interest: Interest) -> io::Result<()> {
        self.io.registration().shared().ready(interest).await?;
        Ok(())
    }

    pub(crate) fn try_read(&self, dst: &mut [u8]) -> io::Result<usize> {
        self.io.try_read_buf(&mut ReadBuf::new(dst))
    }

    pub(crate) fn try_read_buf(&self, buf: &mut ReadBuf<'_>) -> io::Result<usize> {
        self.io.try_read_buf(buf)
    }

    pub(crate) fn try_write(&self, src: &[u8]) -> io::Result<usize> {
        self.io.try_write(src)
    }

    pub(crate) fn poll_read_buf(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.io.poll_read_buf(cx, buf)
    }

    pub(crate) fn poll_read(
        &self,
        cx: &mut Context<'_>,
        dst: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_read(cx, dst)
    }

    pub(crate) fn poll_write(&self, cx: &mut Context<'_>, src: &[u8]) -> Poll<io::Result<usize>> {
        self.io.poll_write(cx, src)
    }

    pub(crate) fn poll_write_vectored(
        &self,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_vectored(cx, bufs)
    }

    /// Shuts the write direction down: the peer reads end of stream once it has read
    /// what was sent; reading goes on.
    pub(crate) fn shutdown_write(&self) -> io::Result<()> {
        socket2::SockRef::from(self.io.get_ref()).shutdown(Shutdown::Write)
    }
}

/// Views an initialized slice as possibly-uninitialized bytes, for `peek`.
fn as_uninit(dst: &mut [u8]) -> &mut [std::mem::MaybeUninit<u8>] {
    let len = dst.len();
    // SAFETY: `MaybeUninit<u8>` has `u8`'s layout, and the slice keeps `dst`'s borrow;
    // the one caller hands it to `recv(2)`, which writes only initialized bytes, so
    // `dst` stays initialized.
    unsafe { std::slice::from_raw_parts_mut(dst.as_mut_ptr().cast(), len) }
}

impl<E: mio::event::Source + fmt::Debug> fmt::Debug for Stream<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.get_ref().fmt(f)
    }
}
