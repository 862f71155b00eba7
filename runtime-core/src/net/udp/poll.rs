//! [`UdpSocket`]'s `poll_*` operations, for hand-written futures and poll-based traits.
//! Each keeps one waker per direction, the last one given; the `async` methods have no
//! such limit.
use super::sys;
use super::UdpSocket;
use crate::io::ReadBuf;
use crate::net::datagram::eof_error;
use std::io;
use std::net::SocketAddr;
use std::os::fd::AsRawFd;
use std::task::{Context, Poll};

impl UdpSocket {
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
    /// use runtime::net::UdpSocket;
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// let n = std::future::poll_fn(|cx| a.poll_send(cx, b"hi")).await?;
    /// assert_eq!(n, 2);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io.poll_send(cx, buf)
    }

    /// The `poll_*` form of [`recv`](Self::recv): receives one datagram from the
    /// connected peer into `buf`'s unfilled part, which may be uninitialized (nothing is
    /// zero-filled). Only the last call's waker is woken.
    ///
    /// # Errors
    ///
    /// As [`recv`](Self::recv).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::{io::ReadBuf, net::UdpSocket};
    /// use std::mem::MaybeUninit;
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// b.connect(a.local_addr()?).await?;
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// let mut storage = [MaybeUninit::<u8>::uninit(); 64];
    /// let mut buf = ReadBuf::uninit(&mut storage);
    /// std::future::poll_fn(|cx| b.poll_recv(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), b"hi");
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.io.poll_recv(cx, buf)
    }

    /// The `poll_*` form of [`send_to`](Self::send_to), to an address already resolved.
    /// Only the last call's waker is woken.
    ///
    /// # Errors
    ///
    /// What `sendto(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::net::UdpSocket;
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let to = UdpSocket::bind("127.0.0.1:0").await?.local_addr()?;
    /// let n = std::future::poll_fn(|cx| a.poll_send_to(cx, b"hi", to)).await?;
    /// assert_eq!(n, 2);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write(cx, |s| s.send_to(buf, target))
    }

    /// The `poll_*` form of [`recv_from`](Self::recv_from): receives one datagram into
    /// `buf`'s unfilled part (which may be uninitialized) and returns its sender. Only
    /// the last call's waker is woken.
    ///
    /// # Errors
    ///
    /// As [`recv_from`](Self::recv_from).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::{io::ReadBuf, net::UdpSocket};
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// let mut storage = [0u8; 64];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// let from = std::future::poll_fn(|cx| b.poll_recv_from(cx, &mut buf)).await?;
    /// assert_eq!((buf.filled(), from), (&b"hi"[..], a.local_addr()?));
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        let fd = self.as_raw_fd();
        self.io
            .poll_recv_with(cx, buf, |b| sys::recv_from(fd, b, 0), eof_error)
    }

    /// The `poll_*` form of [`peek_from`](Self::peek_from): the datagram stays queued.
    /// Only the last call's waker is woken.
    ///
    /// # Errors
    ///
    /// As [`recv_from`](Self::recv_from).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::{io::ReadBuf, net::UdpSocket};
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// let mut storage = [0u8; 64];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// let from = std::future::poll_fn(|cx| b.poll_peek_from(cx, &mut buf)).await?;
    /// assert_eq!(b.recv_from(&mut [0u8; 64]).await?, (2, from));
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn poll_peek_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        let fd = self.as_raw_fd();
        let peek = |b: &mut _| sys::recv_from(fd, b, libc::MSG_PEEK);
        self.io.poll_recv_with(cx, buf, peek, eof_error)
    }
}
