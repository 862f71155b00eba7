//! [`UnixDatagram`]'s `poll_*` operations, for hand-written futures and poll-based
//! traits. Each keeps one waker per direction, the last one given; the `async` methods
//! have no such limit.
use super::UnixDatagram;
use crate::io::ReadBuf;
use crate::net::datagram::eof_error;
use std::io;
use std::os::unix::net::SocketAddr;
use std::path::Path;
use std::task::{ready, Context, Poll};

impl UnixDatagram {
    /// The `poll_*` form of [`send`](Self::send), for hand-written futures. Only the
    /// waker of the last call is woken (one task at a time polls each direction this
    /// way; the `async` methods have no such limit).
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let (a, _b) = runtime::net::UnixDatagram::pair()?;
    /// let n = std::future::poll_fn(|cx| a.poll_send(cx, b"hi")).await?;
    /// assert_eq!(n, 2);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io.poll_send(cx, buf)
    }

    /// The `poll_*` form of [`recv`](Self::recv): receives one datagram into `buf`'s
    /// unfilled part, which may be uninitialized. Only the last call's waker is woken.
    ///
    /// # Errors
    ///
    /// As [`recv`](Self::recv).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use std::mem::MaybeUninit;
    /// let (a, b) = runtime::net::UnixDatagram::pair()?;
    /// a.send(b"hi").await?;
    /// let mut storage = [MaybeUninit::<u8>::uninit(); 64];
    /// let mut buf = runtime::io::ReadBuf::uninit(&mut storage);
    /// std::future::poll_fn(|cx| b.poll_recv(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), b"hi");
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.io.poll_recv(cx, buf)
    }

    /// The `poll_*` form of [`send_to`](Self::send_to). Only the last call's waker is
    /// woken.
    ///
    /// # Errors
    ///
    /// As [`send_to`](Self::send_to).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::net::UnixDatagram;
    /// let path = std::env::temp_dir().join(format!("doc-poll-send-to-{}.sock", std::process::id()));
    /// let server = UnixDatagram::bind(&path)?;
    /// let client = UnixDatagram::unbound()?;
    /// let n = std::future::poll_fn(|cx| client.poll_send_to(cx, b"hi", &path)).await?;
    /// assert_eq!(n, 2);
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn poll_send_to<P: AsRef<Path>>(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: P,
    ) -> Poll<io::Result<usize>> {
        let target = target.as_ref();
        self.io.poll_write(cx, |s| s.send_to(buf, target))
    }

    /// The `poll_*` form of [`recv_from`](Self::recv_from): receives one datagram into
    /// `buf`'s unfilled part and returns its sender. Only the last call's waker is woken.
    ///
    /// Unlike [`poll_recv`](Self::poll_recv), this zero-fills what of the unfilled part
    /// is not initialized yet (once: a reused `ReadBuf` remembers), because the sender's
    /// address type can only be made by the standard library's own `recv_from`.
    ///
    /// # Errors
    ///
    /// As [`recv_from`](Self::recv_from).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let (a, b) = runtime::net::UnixDatagram::pair()?;
    /// a.send(b"hi").await?;
    /// let mut storage = [0u8; 64];
    /// let mut buf = runtime::io::ReadBuf::new(&mut storage);
    /// let from = std::future::poll_fn(|cx| b.poll_recv_from(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), b"hi");
    /// assert!(from.is_unnamed());
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        let (n, from) =
            ready!(self
                .io
                .poll_read(cx, |s| s.recv_from(buf.initialize_unfilled()), eof_error))?;
        buf.advance(n);
        Poll::Ready(Ok(from))
    }
}
