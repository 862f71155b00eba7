//! [`TcpStream`]: a connected TCP socket.
use super::tcp_doc_setup;
use crate::net::stream::Stream;
use crate::net::stream_api::{stream_read_api, stream_write_api};
use crate::net::{each_addr, ToSocketAddrs};
use std::io;
use std::net::SocketAddr;
use std::os::fd::OwnedFd;
use std::time::Duration;

/// A TCP connection (asyncio's `open_connection` pair in one value): read and write
/// with the `async fn`s here, or through `futures_io::AsyncRead`/`AsyncWrite`;
/// [`split`](Self::split) or [`into_split`](Self::into_split) it to read and write at
/// once.
///
/// Dropping it closes the connection.
///
/// # Examples
///
/// ```
/// use runtime::net::{TcpListener, TcpStream};
///
/// # runtime::run(async {
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let addr = listener.local_addr()?;
/// let server = runtime::spawn(async move {
///     let (conn, _) = listener.accept().await?;
///     let mut buf = [0u8; 64];
///     let n = conn.read(&mut buf).await?;
///     conn.write_all(&buf[..n]).await
/// });
/// let stream = TcpStream::connect(addr).await?;
/// stream.write_all(b"hello").await?;
/// let mut buf = [0u8; 64];
/// let n = stream.read(&mut buf).await?;
/// assert_eq!(&buf[..n], b"hello");
/// server.await.unwrap()?;
/// # std::io::Result::Ok(())
/// # }).unwrap();
/// ```
pub struct TcpStream {
    inner: Stream<mio::net::TcpStream>,
}

impl TcpStream {
    /// Connects to `addr`, trying each address it resolves to until one accepts.
    ///
    /// # Errors
    ///
    /// The last address's error: `ConnectionRefused` when nothing listens there,
    /// `TimedOut`, a resolution error, or the runtime-shutdown error.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert_eq!(stream.peer_addr()?, listener.local_addr()?);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub async fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
        each_addr(addr, |a| async move {
            TcpStream::connect_mio(mio::net::TcpStream::connect(a)?).await
        })
        .await
    }

    /// Registers a socket whose non-blocking connect has started and waits for it.
    pub(crate) async fn connect_mio(sock: mio::net::TcpStream) -> io::Result<TcpStream> {
        let stream = TcpStream::new(sock)?;
        stream.inner.connected().await?;
        Ok(stream)
    }

    /// Registers a connected (or connecting) socket with the current runtime.
    pub(crate) fn new(sock: mio::net::TcpStream) -> io::Result<TcpStream> {
        Ok(TcpStream {
            inner: Stream::new(sock)?,
        })
    }

    pub(crate) fn stream(&self) -> &Stream<mio::net::TcpStream> {
        &self.inner
    }

    /// Makes a `TcpStream` of a connected `std::net::TcpStream`, switching it to
    /// non-blocking mode.
    ///
    /// # Errors
    ///
    /// Outside a runtime, after it shut down, or when the socket cannot be registered.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let std_stream = std::net::TcpStream::connect(listener.local_addr()?)?;
    /// let stream = runtime::net::TcpStream::from_std(std_stream)?;
    /// assert_eq!(stream.peer_addr()?, listener.local_addr()?);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        stream.set_nonblocking(true)?;
        TcpStream::new(mio::net::TcpStream::from_std(stream))
    }

    /// Deregisters the socket and hands it back as a `std::net::TcpStream`, still in
    /// non-blocking mode (call `set_nonblocking(false)` for blocking use).
    ///
    /// # Errors
    ///
    /// When deregistering fails.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    #[doc = tcp_doc_setup!()]
    /// let std_stream = stream.into_std()?;
    /// std_stream.set_nonblocking(false)?;
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn into_std(self) -> io::Result<std::net::TcpStream> {
        let sock = self.inner.into_inner()?;
        Ok(std::net::TcpStream::from(OwnedFd::from(sock)))
    }

    /// The address of the peer.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    #[doc = tcp_doc_setup!()]
    /// assert_eq!(stream.peer_addr()?, peer.local_addr()?);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().peer_addr()
    }

    /// The local address of the socket.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    #[doc = tcp_doc_setup!()]
    /// assert_eq!(stream.local_addr()?, peer.peer_addr()?);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }

    /// Turns Nagle's algorithm off (`TCP_NODELAY`): small writes leave at once instead
    /// of waiting to be merged, at the cost of more packets.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    #[doc = tcp_doc_setup!()]
    /// stream.set_nodelay(true)?;
    /// assert!(stream.nodelay()?);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.inner.get_ref().set_nodelay(nodelay)
    }

    /// Whether Nagle's algorithm is off (`TCP_NODELAY`).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    #[doc = tcp_doc_setup!()]
    /// assert!(!stream.nodelay()?);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn nodelay(&self) -> io::Result<bool> {
        self.inner.get_ref().nodelay()
    }

    /// Sets the time-to-live of the packets sent (`IP_TTL`).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    #[doc = tcp_doc_setup!()]
    /// stream.set_ttl(42)?;
    /// assert_eq!(stream.ttl()?, 42);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.inner.get_ref().set_ttl(ttl)
    }

    /// The time-to-live of the packets sent (`IP_TTL`).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    #[doc = tcp_doc_setup!()]
    /// assert!(stream.ttl()? > 0);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        self.inner.get_ref().ttl()
    }

    /// Sets `SO_LINGER`: with `Some(d)`, closing the socket waits up to `d` for unsent
    /// data to leave (in the background: a non-blocking socket's close never blocks);
    /// `Some(Duration::ZERO)` makes closing reset the connection (the peer sees
    /// `ConnectionReset`, and no `TIME_WAIT` is left); `None` is the default.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    #[doc = tcp_doc_setup!()]
    /// stream.set_linger(Some(std::time::Duration::ZERO))?;
    /// assert_eq!(stream.linger()?, Some(std::time::Duration::ZERO));
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn set_linger(&self, linger: Option<Duration>) -> io::Result<()> {
        socket2::SockRef::from(self.inner.get_ref()).set_linger(linger)
    }

    /// The `SO_LINGER` setting; see [`set_linger`](Self::set_linger).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    #[doc = tcp_doc_setup!()]
    /// assert_eq!(stream.linger()?, None);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        socket2::SockRef::from(self.inner.get_ref()).linger()
    }

    /// Takes the socket's pending error (`SO_ERROR`), if any, clearing it.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    #[doc = tcp_doc_setup!()]
    /// assert!(stream.take_error()?.is_none());
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.inner.get_ref().take_error()
    }
}

impl TcpStream {
    stream_read_api!(tcp_doc_setup!(), "let io = &stream;");
    stream_write_api!(tcp_doc_setup!(), "let io = &stream;");
}

crate::net::stream_api::impl_fd_and_debug!(TcpStream, inner);
