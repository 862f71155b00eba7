//! [`UnixDatagram`]: Unix-domain datagram sockets on the runtime's I/O driver.
//!
//! The operations are those of every datagram socket (`net/datagram.rs`); this folder
//! adds the path addresses (`poll.rs`: the `poll_*` forms). Like a UDP socket, a `UnixDatagram` is used through `&self`
//! and may be shared between tasks through an `Arc`. Unlike UDP, delivery is reliable
//! and ordered: a sender whose peer's queue is full waits (`send` is pending, `try_send`
//! says `WouldBlock`) instead of losing datagrams.
use super::datagram::{eof_error, Datagram};
use crate::io::ready::Interest;
use std::io;
use std::net::Shutdown;
use std::os::unix::net::SocketAddr;
use std::path::Path;

mod poll;

/// A Unix-domain datagram socket, registered with the runtime's I/O driver.
///
/// Made bound to a path ([`bind`](Self::bind)), unbound ([`unbound`](Self::unbound)),
/// or as one of a connected pair ([`pair`](Self::pair)). Datagrams go to a path with
/// [`send_to`](Self::send_to), or to the connected peer with [`send`](Self::send).
///
/// # Examples
///
/// ```
/// # runtime::run(async {
/// use runtime::net::UnixDatagram;
///
/// let (a, b) = UnixDatagram::pair()?;
/// a.send(b"ping").await?;
/// let mut buf = [0u8; 64];
/// let n = b.recv(&mut buf).await?;
/// assert_eq!(&buf[..n], b"ping");
/// # std::io::Result::Ok(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct UnixDatagram {
    io: Datagram<mio::net::UnixDatagram>,
}

impl UnixDatagram {
    fn new(socket: mio::net::UnixDatagram) -> io::Result<UnixDatagram> {
        Ok(UnixDatagram {
            io: Datagram::new(socket)?,
        })
    }

    /// Creates a socket bound to `path`, which must not exist yet (the socket file
    /// stays after the socket closes: remove it yourself).
    ///
    /// # Errors
    ///
    /// `AddrInUse` if `path` exists, what `bind(2)` reports otherwise, or an error saying
    /// there is no runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::net::UnixDatagram;
    /// let path = std::env::temp_dir().join(format!("doc-bind-{}.sock", std::process::id()));
    /// let server = UnixDatagram::bind(&path)?;
    /// let client = UnixDatagram::unbound()?;
    /// client.send_to(b"hi", &path).await?;
    /// let mut buf = [0u8; 8];
    /// assert_eq!(server.recv(&mut buf).await?, 2);
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixDatagram> {
        UnixDatagram::new(mio::net::UnixDatagram::bind(path)?)
    }

    /// Creates a pair of sockets connected to each other, bound to no path.
    ///
    /// # Errors
    ///
    /// What `socketpair(2)` reports, or an error saying there is no runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let (a, b) = runtime::net::UnixDatagram::pair()?;
    /// b.send(b"hi").await?;
    /// assert_eq!(a.recv(&mut [0u8; 8]).await?, 2);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        let (a, b) = mio::net::UnixDatagram::pair()?;
        Ok((UnixDatagram::new(a)?, UnixDatagram::new(b)?))
    }

    /// Creates a socket bound to no path: it can send, and receive replies only once
    /// [`connect`](Self::connect)ed (a receiver cannot answer an unnamed sender).
    ///
    /// # Errors
    ///
    /// What `socket(2)` reports, or an error saying there is no runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let socket = runtime::net::UnixDatagram::unbound()?;
    /// assert!(socket.local_addr()?.is_unnamed());
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn unbound() -> io::Result<UnixDatagram> {
        UnixDatagram::new(mio::net::UnixDatagram::unbound()?)
    }

    /// Connects the socket to the socket bound at `path`: [`send`](Self::send) then
    /// sends there, and only datagrams from there are received.
    ///
    /// # Errors
    ///
    /// `NotFound` if nothing is bound at `path`, `ConnectionRefused` if nobody listens
    /// there any more, or what `connect(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::net::UnixDatagram;
    /// let path = std::env::temp_dir().join(format!("doc-connect-{}.sock", std::process::id()));
    /// let server = UnixDatagram::bind(&path)?;
    /// let client = UnixDatagram::unbound()?;
    /// client.connect(&path)?;
    /// client.send(b"hi").await?;
    /// assert_eq!(server.recv(&mut [0u8; 8]).await?, 2);
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn connect<P: AsRef<Path>>(&self, path: P) -> io::Result<()> {
        self.io.get_ref().connect(path)
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
    /// let (a, b) = std::os::unix::net::UnixDatagram::pair()?;
    /// let a = runtime::net::UnixDatagram::from_std(a)?;
    /// b.send(b"hi")?;
    /// assert_eq!(a.recv(&mut [0u8; 8]).await?, 2);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn from_std(socket: std::os::unix::net::UnixDatagram) -> io::Result<UnixDatagram> {
        socket.set_nonblocking(true)?;
        UnixDatagram::new(mio::net::UnixDatagram::from_std(socket))
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
    /// let (a, b) = runtime::net::UnixDatagram::pair()?;
    /// let a = a.into_std()?;
    /// a.send(b"hi")?;
    /// assert_eq!(b.recv(&mut [0u8; 8]).await?, 2);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixDatagram> {
        self.io.into_inner().map(Into::into)
    }

    /// The address the socket is bound to (unnamed for [`unbound`](Self::unbound) and
    /// [`pair`](Self::pair) sockets).
    ///
    /// # Errors
    ///
    /// What `getsockname(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let path = std::env::temp_dir().join(format!("doc-local-{}.sock", std::process::id()));
    /// let socket = runtime::net::UnixDatagram::bind(&path)?;
    /// assert_eq!(socket.local_addr()?.as_pathname(), Some(path.as_path()));
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// The address of the connected peer.
    ///
    /// # Errors
    ///
    /// `NotConnected` if the socket is not connected.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let (a, _b) = runtime::net::UnixDatagram::pair()?;
    /// assert!(a.peer_addr()?.is_unnamed());
    /// let lone = runtime::net::UnixDatagram::unbound()?;
    /// assert_eq!(lone.peer_addr().unwrap_err().kind(), std::io::ErrorKind::NotConnected);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// Waits until the socket may have a datagram to read (or an error to report). Any
    /// number of tasks may wait.
    ///
    /// # Errors
    ///
    /// If the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let (a, b) = runtime::net::UnixDatagram::pair()?;
    /// a.send(b"hi").await?;
    /// b.readable().await?;
    /// assert_eq!(b.try_recv(&mut [0u8; 8])?, 2);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.io.ready(Interest::READABLE).await
    }

    /// Waits until the socket may take a datagram to send. Any number of tasks may
    /// wait.
    ///
    /// # Errors
    ///
    /// If the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let (a, _b) = runtime::net::UnixDatagram::pair()?;
    /// a.writable().await?;
    /// assert_eq!(a.try_send(b"hi")?, 2);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.io.ready(Interest::WRITABLE).await
    }

    /// Sends `buf` as one datagram to the connected peer, waiting while the peer's
    /// queue is full.
    ///
    /// # Errors
    ///
    /// `NotConnected` without a peer, `ConnectionRefused` if the peer closed, or what
    /// `send(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let (a, _b) = runtime::net::UnixDatagram::pair()?;
    /// assert_eq!(a.send(b"hello").await?, 5);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io.send(buf).await
    }

    /// Receives one datagram into `buf`; returns its length. A datagram longer than
    /// `buf` is truncated to it. Once the socket is [`shutdown`](Self::shutdown) for
    /// reading and nothing is left queued, returns 0.
    ///
    /// # Errors
    ///
    /// What `recv(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let (a, b) = runtime::net::UnixDatagram::pair()?;
    /// a.send(b"hello").await?;
    /// let mut buf = [0u8; 64];
    /// let n = b.recv(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"hello");
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.recv(buf).await
    }

    /// Sends `buf` as one datagram to the socket bound at `target`.
    ///
    /// # Errors
    ///
    /// `NotFound` if nothing is bound at `target`, `ConnectionRefused` if its socket is
    /// closed, or what `sendto(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::net::UnixDatagram;
    /// let path = std::env::temp_dir().join(format!("doc-send-to-{}.sock", std::process::id()));
    /// let server = UnixDatagram::bind(&path)?;
    /// let client = UnixDatagram::unbound()?;
    /// assert_eq!(client.send_to(b"hi", &path).await?, 2);
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub async fn send_to<P: AsRef<Path>>(&self, buf: &[u8], target: P) -> io::Result<usize> {
        let target = target.as_ref();
        self.io.write(|s| s.send_to(buf, target)).await
    }

    /// Receives one datagram into `buf`; returns its length (truncated to `buf`) and the
    /// sender's address (unnamed for an unbound sender).
    ///
    /// # Errors
    ///
    /// `UnexpectedEof` once the socket is [`shutdown`](Self::shutdown) for reading and
    /// nothing is left queued, or what `recvfrom(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::net::UnixDatagram;
    /// let dir = std::env::temp_dir();
    /// let (pa, pb) = (dir.join(format!("doc-rf-a-{}.sock", std::process::id())),
    ///                 dir.join(format!("doc-rf-b-{}.sock", std::process::id())));
    /// let (a, b) = (UnixDatagram::bind(&pa)?, UnixDatagram::bind(&pb)?);
    /// a.send_to(b"hi", &pb).await?;
    /// let (n, from) = b.recv_from(&mut [0u8; 8]).await?;
    /// assert_eq!((n, from.as_pathname()), (2, Some(pa.as_path())));
    /// std::fs::remove_file(&pa)?;
    /// std::fs::remove_file(&pb)?;
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io.read(|s| s.recv_from(buf), eof_error).await
    }

    /// Sends to the connected peer now if the socket looks writable, else fails with
    /// `WouldBlock` (wait with [`writable`](Self::writable)).
    ///
    /// # Errors
    ///
    /// `WouldBlock` (also when the peer's queue is full), or as [`send`](Self::send).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let (a, b) = runtime::net::UnixDatagram::pair()?;
    /// a.writable().await?;
    /// assert_eq!(a.try_send(b"hi")?, 2);
    /// assert_eq!(b.recv(&mut [0u8; 8]).await?, 2);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io.try_send(buf)
    }

    /// Receives a datagram now if one is there, else fails with `WouldBlock` (wait with
    /// [`readable`](Self::readable)).
    ///
    /// # Errors
    ///
    /// `WouldBlock`, or as [`recv`](Self::recv).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let (_a, b) = runtime::net::UnixDatagram::pair()?;
    /// let err = b.try_recv(&mut [0u8; 8]).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.try_recv(buf)
    }

    /// Sends to the socket bound at `target` now if the socket looks writable, else
    /// fails with `WouldBlock`.
    ///
    /// # Errors
    ///
    /// `WouldBlock`, or as [`send_to`](Self::send_to).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use runtime::net::UnixDatagram;
    /// let path = std::env::temp_dir().join(format!("doc-try-send-to-{}.sock", std::process::id()));
    /// let server = UnixDatagram::bind(&path)?;
    /// let client = UnixDatagram::unbound()?;
    /// client.writable().await?;
    /// assert_eq!(client.try_send_to(b"hi", &path)?, 2);
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn try_send_to<P: AsRef<Path>>(&self, buf: &[u8], target: P) -> io::Result<usize> {
        self.io.try_write(|s| s.send_to(buf, target))
    }

    /// Receives a datagram and its sender's address now if one is there, else fails
    /// with `WouldBlock`.
    ///
    /// # Errors
    ///
    /// `WouldBlock`, or as [`recv_from`](Self::recv_from).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let (a, b) = runtime::net::UnixDatagram::pair()?;
    /// a.send(b"hi").await?;
    /// b.readable().await?;
    /// let (n, from) = b.try_recv_from(&mut [0u8; 8])?;
    /// assert_eq!(n, 2);
    /// assert!(from.is_unnamed());
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io.try_read(|s| s.recv_from(buf), eof_error)
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
    /// let (a, _b) = runtime::net::UnixDatagram::pair()?;
    /// assert!(a.take_error()?.is_none());
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.get_ref().take_error()
    }

    /// Shuts down the reading half, the writing half, or both. After `Shutdown::Read`,
    /// receives return what is still queued, then 0 at once ([`recv_from`] fails with
    /// `UnexpectedEof`, having no sender to name); after `Shutdown::Write`, sends fail
    /// with `BrokenPipe`.
    ///
    /// [`recv_from`]: Self::recv_from
    ///
    /// # Errors
    ///
    /// What `shutdown(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use std::net::Shutdown;
    /// let (a, _b) = runtime::net::UnixDatagram::pair()?;
    /// a.shutdown(Shutdown::Write)?;
    /// assert_eq!(a.send(b"hi").await.unwrap_err().kind(), std::io::ErrorKind::BrokenPipe);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.get_ref().shutdown(how)
    }
}

super::datagram::impl_as_fd!(UnixDatagram);

impl TryFrom<std::os::unix::net::UnixDatagram> for UnixDatagram {
    type Error = io::Error;

    /// [`UnixDatagram::from_std`].
    fn try_from(socket: std::os::unix::net::UnixDatagram) -> io::Result<UnixDatagram> {
        UnixDatagram::from_std(socket)
    }
}
