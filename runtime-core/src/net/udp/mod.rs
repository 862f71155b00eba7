//! [`UdpSocket`]: UDP on the runtime's I/O driver.
//!
//! The operations are those of every datagram socket (`net/datagram.rs`); this file
//! adds the IP addresses, `options.rs` the socket options (broadcast, multicast, TTL),
//! `poll.rs` the `poll_*` forms and `sys.rs` the `recvfrom(2)` call.
//!
//! A `UdpSocket` is used through `&self`, so several tasks may share one through an
//! `Arc` (one sending while others receive, or several receiving: each datagram goes to
//! one of them).
use super::datagram::{eof_error, recv_into, Datagram};
use super::ToSocketAddrs;
use crate::io::ready::Interest;
use std::io;
use std::net::SocketAddr;
use std::os::fd::AsRawFd;

mod options;
mod poll;
mod sys;

/// A UDP socket, registered with the runtime's I/O driver.
///
/// Unbound on its own, a UDP socket sends datagrams to any address with
/// [`send_to`](Self::send_to) and receives from anyone with
/// [`recv_from`](Self::recv_from). After [`connect`](Self::connect) it has a default
/// peer: [`send`](Self::send) and [`recv`](Self::recv) talk to it alone, and datagrams
/// from other addresses are dropped by the OS.
///
/// Every method takes `&self`: share the socket between tasks with an `Arc`.
///
/// # Examples
///
/// An echo on loopback:
///
/// ```
/// # runtime::run(async {
/// use runtime::net::UdpSocket;
///
/// let server = UdpSocket::bind("127.0.0.1:0").await?;
/// let client = UdpSocket::bind("127.0.0.1:0").await?;
/// client.send_to(b"ping", server.local_addr()?).await?;
///
/// let mut buf = [0u8; 64];
/// let (n, from) = server.recv_from(&mut buf).await?;
/// server.send_to(&buf[..n], from).await?;
///
/// let (n, _) = client.recv_from(&mut buf).await?;
/// assert_eq!(&buf[..n], b"ping");
/// # std::io::Result::Ok(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct UdpSocket {
    io: Datagram<mio::net::UdpSocket>,
}

impl UdpSocket {
    /// Binds a socket to `addr`, trying each address it resolves to in turn until one
    /// binds. Port 0 lets the OS pick a free port ([`local_addr`](Self::local_addr)
    /// tells which).
    ///
    /// # Errors
    ///
    /// The last address's error (an address in use is `AddrInUse`), an error from
    /// resolving `addr`, or one saying there is no runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_ne!(socket.local_addr()?.port(), 0);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<UdpSocket> {
        super::each_addr(addr, |a| {
            std::future::ready(mio::net::UdpSocket::bind(a).and_then(UdpSocket::new))
        })
        .await
    }

    fn new(socket: mio::net::UdpSocket) -> io::Result<UdpSocket> {
        Ok(UdpSocket {
            io: Datagram::new(socket)?,
        })
    }

    /// Wraps a standard library socket, switching it to non-blocking mode.
    ///
    /// # Errors
    ///
    /// If the mode cannot be set, or there is no runtime to register with.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let std_socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// let addr = std_socket.local_addr()?;
    /// let socket = runtime::net::UdpSocket::from_std(std_socket)?;
    /// assert_eq!(socket.local_addr()?, addr);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        socket.set_nonblocking(true)?;
        UdpSocket::new(mio::net::UdpSocket::from_std(socket))
    }

    /// Deregisters the socket and returns it as a standard library socket, still in
    /// non-blocking mode (call `set_nonblocking(false)` on it to block).
    ///
    /// # Errors
    ///
    /// If deregistering fails.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let addr = socket.local_addr()?;
    /// let std_socket = socket.into_std()?;
    /// assert_eq!(std_socket.local_addr()?, addr);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn into_std(self) -> io::Result<std::net::UdpSocket> {
        self.io.into_inner().map(Into::into)
    }

    /// The address the socket is bound to.
    ///
    /// # Errors
    ///
    /// What `getsockname(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(socket.local_addr()?.ip().is_loopback());
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// The address of the peer the socket is connected to.
    ///
    /// # Errors
    ///
    /// `NotConnected` if [`connect`](Self::connect) was not called.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::net::UdpSocket;
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_eq!(a.peer_addr().unwrap_err().kind(), std::io::ErrorKind::NotConnected);
    /// a.connect(b.local_addr()?).await?;
    /// assert_eq!(a.peer_addr()?, b.local_addr()?);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// Connects the socket to `addr` (the first address it resolves to that connects):
    /// [`send`](Self::send) then sends there, and only datagrams from there are
    /// received. Connecting a UDP socket sends nothing.
    ///
    /// # Errors
    ///
    /// The last address's error, or an error from resolving `addr`.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::net::UdpSocket;
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// b.connect(a.local_addr()?).await?;
    /// a.send(b"hi").await?;
    /// let mut buf = [0u8; 8];
    /// assert_eq!(b.recv(&mut buf).await?, 2);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub async fn connect<A: ToSocketAddrs>(&self, addr: A) -> io::Result<()> {
        let socket = self.io.get_ref();
        super::each_addr(addr, |a| std::future::ready(socket.connect(a))).await
    }

    /// Waits until the socket may have a datagram to read (or an error to report); then
    /// [`try_recv`](Self::try_recv) or [`try_recv_from`](Self::try_recv_from) may still
    /// say `WouldBlock` if another task took it first. Any number of tasks may wait.
    ///
    /// # Errors
    ///
    /// If the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::net::UdpSocket;
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"x", b.local_addr()?).await?;
    /// let mut buf = [0u8; 8];
    /// loop {
    ///     b.readable().await?;
    ///     match b.try_recv_from(&mut buf) {
    ///         Ok((n, _)) => break assert_eq!(n, 1),
    ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
    ///         Err(e) => return Err(e),
    ///     }
    /// }
    /// # Ok(())
    /// # }).unwrap();
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.io.ready(Interest::READABLE).await
    }

    /// Waits until the socket may take a datagram to send; then
    /// [`try_send`](Self::try_send) or [`try_send_to`](Self::try_send_to) may still say
    /// `WouldBlock`. Any number of tasks may wait.
    ///
    /// # Errors
    ///
    /// If the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::net::UdpSocket;
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.writable().await?;
    /// assert_eq!(a.try_send_to(b"x", b.local_addr()?)?, 1);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.io.ready(Interest::WRITABLE).await
    }

    /// Sends `buf` as one datagram to the connected peer; returns how many bytes were
    /// sent (all of them: a datagram is never split).
    ///
    /// # Errors
    ///
    /// `NotConnected` (or `DestinationAddrRequired`) without [`connect`](Self::connect);
    /// `ConnectionRefused` if an earlier datagram met a closed port; a datagram too large
    /// for UDP fails as the OS says.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::net::UdpSocket;
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// assert_eq!(a.send(b"hello").await?, 5);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io.send(buf).await
    }

    /// Receives one datagram from the connected peer into `buf`; returns its length. A
    /// datagram longer than `buf` is truncated to it (the rest is lost).
    ///
    /// # Errors
    ///
    /// `ConnectionRefused` when a datagram sent to the peer met a closed port (the OS
    /// reports the ICMP error on the next call), or what `recv(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::net::UdpSocket;
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// b.connect(a.local_addr()?).await?;
    /// a.send_to(b"hello", b.local_addr()?).await?;
    /// let mut buf = [0u8; 3];
    /// assert_eq!(b.recv(&mut buf).await?, 3); // truncated
    /// assert_eq!(&buf, b"hel");
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.recv(buf).await
    }

    /// Sends `buf` as one datagram to `target` (its first address, if it resolves to
    /// several).
    ///
    /// # Errors
    ///
    /// An error from resolving `target` (`InvalidInput` if it resolves to nothing), or
    /// what `sendto(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::net::UdpSocket;
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// let port = b.local_addr()?.port();
    /// assert_eq!(a.send_to(b"hello", ("127.0.0.1", port)).await?, 5);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub async fn send_to<A: ToSocketAddrs>(&self, buf: &[u8], target: A) -> io::Result<usize> {
        let target = super::to_socket_addrs(target)
            .await?
            .next()
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    crate::error::NO_SOCKET_ADDRESSES,
                )
            })?;
        self.io.write(|s| s.send_to(buf, target)).await
    }

    /// Receives one datagram into `buf`; returns its length and its sender. A datagram
    /// longer than `buf` is truncated to it.
    ///
    /// # Errors
    ///
    /// What `recvfrom(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::net::UdpSocket;
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"hello", b.local_addr()?).await?;
    /// let mut buf = [0u8; 64];
    /// let (n, from) = b.recv_from(&mut buf).await?;
    /// assert_eq!((&buf[..n], from), (&b"hello"[..], a.local_addr()?));
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let fd = self.as_raw_fd();
        self.io
            .read(|_| recv_into(buf, |b| sys::recv_from(fd, b, 0)), eof_error)
            .await
    }

    /// Like [`recv_from`](Self::recv_from), but leaves the datagram queued: the next
    /// receive returns it again.
    ///
    /// # Errors
    ///
    /// What `recvfrom(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::net::UdpSocket;
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"hello", b.local_addr()?).await?;
    /// let mut buf = [0u8; 64];
    /// let (n, from) = b.peek_from(&mut buf).await?;
    /// assert_eq!(b.recv_from(&mut buf).await?, (n, from));
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let fd = self.as_raw_fd();
        let peek = |b: &mut _| sys::recv_from(fd, b, libc::MSG_PEEK);
        self.io.read(|_| recv_into(buf, peek), eof_error).await
    }

    /// Sends to the connected peer now if the socket looks writable, else fails with
    /// `WouldBlock` (wait with [`writable`](Self::writable)).
    ///
    /// # Errors
    ///
    /// `WouldBlock`, or as [`send`](Self::send).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::net::UdpSocket;
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// a.writable().await?;
    /// assert_eq!(a.try_send(b"hi")?, 2);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io.try_send(buf)
    }

    /// Receives from the connected peer now if a datagram is there, else fails with
    /// `WouldBlock` (wait with [`readable`](Self::readable)).
    ///
    /// # Errors
    ///
    /// `WouldBlock`, or as [`recv`](Self::recv).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.connect(socket.local_addr()?).await?;
    /// let mut buf = [0u8; 8];
    /// let err = socket.try_recv(&mut buf).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.try_recv(buf)
    }

    /// Sends to `target` now if the socket looks writable, else fails with
    /// `WouldBlock`.
    ///
    /// # Errors
    ///
    /// `WouldBlock`, or what `sendto(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::net::UdpSocket;
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.writable().await?;
    /// assert_eq!(a.try_send_to(b"hi", b.local_addr()?)?, 2);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn try_send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        self.io.try_write(|s| s.send_to(buf, target))
    }

    /// Receives a datagram and its sender now if one is there, else fails with
    /// `WouldBlock`.
    ///
    /// # Errors
    ///
    /// `WouldBlock`, or as [`recv_from`](Self::recv_from).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::net::UdpSocket;
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// b.readable().await?;
    /// let mut buf = [0u8; 8];
    /// assert_eq!(b.try_recv_from(&mut buf)?, (2, a.local_addr()?));
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let fd = self.as_raw_fd();
        self.io
            .try_read(|_| recv_into(buf, |b| sys::recv_from(fd, b, 0)), eof_error)
    }

    /// Like [`try_recv_from`](Self::try_recv_from), but leaves the datagram queued.
    ///
    /// # Errors
    ///
    /// `WouldBlock`, or as [`recv_from`](Self::recv_from).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::net::UdpSocket;
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"hi", b.local_addr()?).await?;
    /// b.readable().await?;
    /// let mut buf = [0u8; 8];
    /// let peeked = b.try_peek_from(&mut buf)?;
    /// assert_eq!(b.try_recv_from(&mut buf)?, peeked);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn try_peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let fd = self.as_raw_fd();
        let peek = |b: &mut _| sys::recv_from(fd, b, libc::MSG_PEEK);
        self.io.try_read(|_| recv_into(buf, peek), eof_error)
    }

    /// Takes the socket's pending error (`SO_ERROR`), clearing it.
    ///
    /// # Errors
    ///
    /// If the option cannot be read.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(socket.take_error()?.is_none());
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.get_ref().take_error()
    }
}

super::datagram::impl_as_fd!(UdpSocket);

impl TryFrom<std::net::UdpSocket> for UdpSocket {
    type Error = io::Error;

    /// [`UdpSocket::from_std`].
    fn try_from(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        UdpSocket::from_std(socket)
    }
}
