//! [`TcpListener`]: a socket that accepts TCP connections.
use super::stream::TcpStream;
use crate::io::poll_evented::PollEvented;
use crate::io::ready::Interest;
use crate::net::stream::async_io;
use crate::net::{each_addr, ToSocketAddrs};
use std::io;
use std::net::SocketAddr;
use std::os::fd::OwnedFd;
use std::task::{ready, Context, Poll};

/// A TCP server socket (asyncio's `start_server`): [`bind`](Self::bind) it, then
/// [`accept`](Self::accept) connections in a loop, usually spawning a task for each.
///
/// `accept` returns the errors the system gives, `EMFILE` (too many open files) among
/// them: a serving loop should sleep briefly and retry then, not spin.
///
/// # Examples
///
/// ```
/// use runtime::net::{TcpListener, TcpStream};
/// use std::time::Duration;
///
/// # runtime::run(async {
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let addr = listener.local_addr()?;
/// runtime::spawn(async move {
///     loop {
///         match listener.accept().await {
///             Ok((conn, _peer)) => {
///                 runtime::spawn(async move {
///                     let mut buf = [0u8; 1024];
///                     loop {
///                         match conn.read(&mut buf).await {
///                             Ok(0) | Err(_) => break,
///                             Ok(n) => {
///                                 if conn.write_all(&buf[..n]).await.is_err() {
///                                     break;
///                                 }
///                             }
///                         }
///                     }
///                 });
///             }
///             // Out of file descriptors, say: back off instead of spinning.
///             Err(_) => runtime::sleep(Duration::from_millis(100)).await,
///         }
///     }
/// });
/// let client = TcpStream::connect(addr).await?;
/// client.write_all(b"echo").await?;
/// let mut buf = [0u8; 4];
/// let n = client.read(&mut buf).await?;
/// assert_eq!(&buf[..n], b"echo");
/// # std::io::Result::Ok(())
/// # }).unwrap();
/// ```
pub struct TcpListener {
    io: PollEvented<mio::net::TcpListener>,
}

impl TcpListener {
    /// Binds a listener to `addr` (`SO_REUSEADDR` set, backlog 1024), trying each
    /// address it resolves to until one binds. Port 0 picks a free port; see
    /// [`local_addr`](Self::local_addr).
    ///
    /// # Errors
    ///
    /// The last address's error: `AddrInUse` when another socket listens there,
    /// `PermissionDenied` for a privileged port, a resolution error, or an error
    /// outside a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// assert_ne!(listener.local_addr()?.port(), 0);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<TcpListener> {
        each_addr(addr, |a| async move {
            TcpListener::new(mio::net::TcpListener::bind(a)?)
        })
        .await
    }

    /// Registers a listening socket with the current runtime.
    pub(crate) fn new(listener: mio::net::TcpListener) -> io::Result<TcpListener> {
        Ok(TcpListener {
            io: PollEvented::new_with_interest(listener, Interest::READABLE)?,
        })
    }

    /// Waits for a connection and returns it with the peer's address. Any number of
    /// tasks may accept on one listener at once.
    ///
    /// # Errors
    ///
    /// What `accept(2)` says: `EMFILE`/`ENFILE` when out of file descriptors (back off
    /// and retry: the pending connection stays queued), `ECONNABORTED`, ... and the
    /// runtime-shutdown error.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (conn, peer) = listener.accept().await?;
    /// assert_eq!(peer, client.local_addr()?);
    /// assert_eq!(conn.peer_addr()?, peer);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (sock, addr) = async_io(&self.io, Interest::READABLE, |l| l.accept()).await?;
        Ok((TcpStream::new(sock)?, addr))
    }

    /// The `poll` form of [`accept`](Self::accept), for hand-written futures and
    /// streams of connections. It keeps one waker, the last one given: poll it from
    /// one task at a time.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let _client = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_conn, _peer) = std::future::poll_fn(|cx| listener.poll_accept(cx)).await?;
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        let (sock, addr) = ready!(self.io.poll_io(cx, Interest::READABLE, |l| l.accept()))?;
        Poll::Ready(TcpStream::new(sock).map(|s| (s, addr)))
    }

    /// The address the listener is bound to.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// assert!(listener.local_addr()?.ip().is_loopback());
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// Makes a `TcpListener` of a listening `std::net::TcpListener`, switching it to
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
    /// let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let addr = std_listener.local_addr()?;
    /// let listener = runtime::net::TcpListener::from_std(std_listener)?;
    /// assert_eq!(listener.local_addr()?, addr);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        listener.set_nonblocking(true)?;
        TcpListener::new(mio::net::TcpListener::from_std(listener))
    }

    /// Deregisters the listener and hands it back as a `std::net::TcpListener`, still
    /// in non-blocking mode (call `set_nonblocking(false)` for blocking use).
    ///
    /// # Errors
    ///
    /// When deregistering fails.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let std_listener = listener.into_std()?;
    /// std_listener.set_nonblocking(false)?;
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn into_std(self) -> io::Result<std::net::TcpListener> {
        let listener = self.io.into_inner()?;
        Ok(std::net::TcpListener::from(OwnedFd::from(listener)))
    }

    /// Sets the time-to-live of the packets of accepted connections (`IP_TTL`).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// listener.set_ttl(42)?;
    /// assert_eq!(listener.ttl()?, 42);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.get_ref().set_ttl(ttl)
    }

    /// The time-to-live of the listener's packets (`IP_TTL`).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// assert!(listener.ttl()? > 0);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.get_ref().ttl()
    }
}

crate::net::stream_api::impl_fd_and_debug!(TcpListener, io);
