//! [`TcpSocket`]: a TCP socket not yet connected or listening, for setting options
//! that must come first (`SO_REUSEADDR`, `SO_REUSEPORT`, buffer sizes, binding a
//! client to a local address).
use super::{TcpListener, TcpStream};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::time::Duration;

/// A TCP socket before [`connect`](Self::connect) or [`listen`](Self::listen), for the
/// options that must be set first.
///
/// # Examples
///
/// ```
/// use runtime::net::TcpSocket;
///
/// # runtime::run(async {
/// let socket = TcpSocket::new_v4()?;
/// socket.set_reuseaddr(true)?;
/// socket.bind("127.0.0.1:0".parse().unwrap())?;
/// let listener = socket.listen(128)?;
///
/// let client = TcpSocket::new_v4()?;
/// client.set_nodelay(true)?;
/// let stream = client.connect(listener.local_addr()?).await?;
/// let (_conn, peer) = listener.accept().await?;
/// assert_eq!(peer, stream.local_addr()?);
/// # std::io::Result::Ok(())
/// # }).unwrap();
/// ```
pub struct TcpSocket {
    inner: Socket,
}

impl TcpSocket {
    /// A new IPv4 TCP socket (close-on-exec).
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn new_v4() -> io::Result<TcpSocket> {
        TcpSocket::new(Domain::IPV4)
    }

    /// A new IPv6 TCP socket (close-on-exec).
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v6()?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn new_v6() -> io::Result<TcpSocket> {
        TcpSocket::new(Domain::IPV6)
    }

    fn new(domain: Domain) -> io::Result<TcpSocket> {
        Ok(TcpSocket {
            inner: Socket::new(domain, Type::STREAM, Some(Protocol::TCP))?,
        })
    }

    /// Allows binding to an address whose previous connections linger in `TIME_WAIT`
    /// (`SO_REUSEADDR`); what a server restarting on its port wants.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// socket.set_reuseaddr(true)?;
    /// assert!(socket.reuseaddr()?);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_reuseaddr(&self, reuseaddr: bool) -> io::Result<()> {
        self.inner.set_reuse_address(reuseaddr)
    }

    /// Whether `SO_REUSEADDR` is set.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// assert!(!socket.reuseaddr()?);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn reuseaddr(&self) -> io::Result<bool> {
        self.inner.reuse_address()
    }

    /// Allows several sockets to bind the same address and port (`SO_REUSEPORT`): the
    /// kernel spreads incoming connections over their listeners.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// socket.set_reuseport(true)?;
    /// assert!(socket.reuseport()?);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_reuseport(&self, reuseport: bool) -> io::Result<()> {
        self.inner.set_reuse_port(reuseport)
    }

    /// Whether `SO_REUSEPORT` is set.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// assert!(!socket.reuseport()?);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn reuseport(&self) -> io::Result<bool> {
        self.inner.reuse_port()
    }

    /// Sets the size of the send buffer (`SO_SNDBUF`); the kernel may round it (Linux
    /// doubles it for its own bookkeeping).
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// socket.set_send_buffer_size(64 * 1024)?;
    /// assert!(socket.send_buffer_size()? >= 64 * 1024);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_send_buffer_size(&self, size: u32) -> io::Result<()> {
        self.inner.set_send_buffer_size(size as usize)
    }

    /// The size of the send buffer (`SO_SNDBUF`).
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// assert!(socket.send_buffer_size()? > 0);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn send_buffer_size(&self) -> io::Result<u32> {
        self.inner.send_buffer_size().map(saturate)
    }

    /// Sets the size of the receive buffer (`SO_RCVBUF`); the kernel may round it
    /// (Linux doubles it for its own bookkeeping).
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// socket.set_recv_buffer_size(64 * 1024)?;
    /// assert!(socket.recv_buffer_size()? >= 64 * 1024);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_recv_buffer_size(&self, size: u32) -> io::Result<()> {
        self.inner.set_recv_buffer_size(size as usize)
    }

    /// The size of the receive buffer (`SO_RCVBUF`).
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// assert!(socket.recv_buffer_size()? > 0);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn recv_buffer_size(&self) -> io::Result<u32> {
        self.inner.recv_buffer_size().map(saturate)
    }

    /// Sets `TCP_NODELAY` for the connection to come; see
    /// [`TcpStream::set_nodelay`].
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// socket.set_nodelay(true)?;
    /// assert!(socket.nodelay()?);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.inner.set_tcp_nodelay(nodelay)
    }

    /// Whether `TCP_NODELAY` is set.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// assert!(!socket.nodelay()?);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn nodelay(&self) -> io::Result<bool> {
        self.inner.tcp_nodelay()
    }

    /// Sets `SO_LINGER` for the connection to come; see [`TcpStream::set_linger`].
    /// `Some(Duration::ZERO)` makes closing reset the connection, so a client that
    /// opens many short connections leaves no `TIME_WAIT` behind.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// socket.set_linger(Some(std::time::Duration::ZERO))?;
    /// assert_eq!(socket.linger()?, Some(std::time::Duration::ZERO));
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_linger(&self, linger: Option<Duration>) -> io::Result<()> {
        self.inner.set_linger(linger)
    }

    /// The `SO_LINGER` setting.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// assert_eq!(socket.linger()?, None);
    /// # std::io::Result::Ok(())
    /// ```
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        self.inner.linger()
    }

    /// Binds the socket to `addr` (port 0 picks a free port).
    ///
    /// # Errors
    ///
    /// `AddrInUse`, `AddrNotAvailable`, `PermissionDenied`, ... as `bind(2)` says.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// socket.bind("127.0.0.1:0".parse().unwrap())?;
    /// assert!(socket.local_addr()?.ip().is_loopback());
    /// # std::io::Result::Ok(())
    /// ```
    pub fn bind(&self, addr: SocketAddr) -> io::Result<()> {
        self.inner.bind(&SockAddr::from(addr))
    }

    /// The address the socket is bound to.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = runtime::net::TcpSocket::new_v6()?;
    /// socket.bind("[::1]:0".parse().unwrap())?;
    /// assert!(socket.local_addr()?.is_ipv6());
    /// # std::io::Result::Ok(())
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()?.as_socket().ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, crate::error::NOT_AN_IP_ADDRESS)
        })
    }

    /// Connects to `addr`, consuming the socket; registers the connection with the
    /// current runtime.
    ///
    /// # Errors
    ///
    /// `ConnectionRefused` when nothing listens there, `TimedOut`, ..., or an error
    /// outside a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// let stream = socket.connect(listener.local_addr()?).await?;
    /// assert_eq!(stream.peer_addr()?, listener.local_addr()?);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub async fn connect(self, addr: SocketAddr) -> io::Result<TcpStream> {
        self.inner.set_nonblocking(true)?;
        match self.inner.connect(&SockAddr::from(addr)) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {}
            Err(e) => return Err(e),
        }
        let std_stream = std::net::TcpStream::from(self.inner);
        TcpStream::connect_mio(mio::net::TcpStream::from_std(std_stream)).await
    }

    /// Starts listening with room for `backlog` pending connections, consuming the
    /// socket; registers the listener with the current runtime.
    ///
    /// # Errors
    ///
    /// `AddrInUse` (an unbound socket gets a free port, so only after `bind`), or an
    /// error outside a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// socket.bind("127.0.0.1:0".parse().unwrap())?;
    /// let listener = socket.listen(1024)?;
    /// assert!(listener.local_addr()?.ip().is_loopback());
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn listen(self, backlog: u32) -> io::Result<TcpListener> {
        self.inner.set_nonblocking(true)?;
        self.inner
            .listen(i32::try_from(backlog).unwrap_or(i32::MAX))?;
        let std_listener = std::net::TcpListener::from(self.inner);
        TcpListener::new(mio::net::TcpListener::from_std(std_listener))
    }

    /// Makes a `TcpSocket` of a `std::net::TcpStream` that is not connected yet, to
    /// set options on a socket made elsewhere (by a launcher, say).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::fd::{FromRawFd, IntoRawFd};
    ///
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// // A socket made by other code and handed over as a std stream:
    /// // SAFETY: the descriptor comes from `into_raw_fd`, so it is open and owned.
    /// let std_stream = unsafe { std::net::TcpStream::from_raw_fd(socket.into_raw_fd()) };
    /// let socket = runtime::net::TcpSocket::from_std_stream(std_stream);
    /// socket.set_reuseaddr(true)?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn from_std_stream(stream: std::net::TcpStream) -> TcpSocket {
        TcpSocket {
            inner: Socket::from(stream),
        }
    }
}

/// A buffer size as `u32` (Linux never reports more; saturate rather than wrap).
fn saturate(size: usize) -> u32 {
    u32::try_from(size).unwrap_or(u32::MAX)
}

impl AsRawFd for TcpSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

impl AsFd for TcpSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl std::os::fd::IntoRawFd for TcpSocket {
    fn into_raw_fd(self) -> RawFd {
        self.inner.into_raw_fd()
    }
}

impl fmt::Debug for TcpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}
