//! [`UnixListener`]: a socket that accepts Unix-domain stream connections.
use super::stream::UnixStream;
use crate::io::poll_evented::PollEvented;
use crate::io::ready::Interest;
use crate::net::stream::async_io;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::net::SocketAddr;
use std::path::Path;
use std::task::{ready, Context, Poll};

/// A Unix-domain server socket bound to a path. The socket file stays after the
/// listener is dropped: remove it yourself (binding fails with `AddrInUse` while it
/// exists).
///
/// # Examples
///
/// ```
/// use runtime::net::{UnixListener, UnixStream};
///
/// # runtime::run(async {
/// let path = std::env::temp_dir().join(format!("runtime-doc-l-{}.sock", std::process::id()));
/// # let _ = std::fs::remove_file(&path);
/// let listener = UnixListener::bind(&path)?;
/// let server = runtime::spawn(async move {
///     let (conn, _) = listener.accept().await?;
///     conn.write_all(b"welcome").await
/// });
/// let client = UnixStream::connect(&path).await?;
/// let mut buf = [0u8; 64];
/// let n = client.read(&mut buf).await?;
/// assert_eq!(&buf[..n], b"welcome");
/// server.await.unwrap()?;
/// std::fs::remove_file(&path)?;
/// # std::io::Result::Ok(())
/// # }).unwrap();
/// ```
pub struct UnixListener {
    io: PollEvented<mio::net::UnixListener>,
}

impl UnixListener {
    /// Binds a listener to `path`, creating the socket file there; call it inside a
    /// runtime.
    ///
    /// # Errors
    ///
    /// `AddrInUse` when a file exists at `path`, `NotFound` for a missing directory,
    /// `PermissionDenied`, or an error outside a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let path = std::env::temp_dir().join(format!("runtime-doc-b-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = runtime::net::UnixListener::bind(&path)?;
    /// assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_path()));
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixListener> {
        UnixListener::new(mio::net::UnixListener::bind(path)?)
    }

    fn new(listener: mio::net::UnixListener) -> io::Result<UnixListener> {
        Ok(UnixListener {
            io: PollEvented::new_with_interest(listener, Interest::READABLE)?,
        })
    }

    /// Waits for a connection and returns it with the peer's (usually unnamed)
    /// address. Any number of tasks may accept on one listener at once.
    ///
    /// # Errors
    ///
    /// What `accept(2)` says (`EMFILE` when out of file descriptors: back off and
    /// retry), and the runtime-shutdown error.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let path = std::env::temp_dir().join(format!("runtime-doc-a-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = runtime::net::UnixListener::bind(&path)?;
    /// let _client = runtime::net::UnixStream::connect(&path).await?;
    /// let (_conn, peer) = listener.accept().await?;
    /// assert!(peer.is_unnamed());
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        let (sock, addr) = async_io(&self.io, Interest::READABLE, |l| l.accept()).await?;
        Ok((UnixStream::new(sock)?, addr))
    }

    /// The `poll` form of [`accept`](Self::accept). It keeps one waker, the last one
    /// given: poll it from one task at a time.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let path = std::env::temp_dir().join(format!("runtime-doc-p-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = runtime::net::UnixListener::bind(&path)?;
    /// let _client = runtime::net::UnixStream::connect(&path).await?;
    /// let (_conn, _peer) = std::future::poll_fn(|cx| listener.poll_accept(cx)).await?;
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
        let (sock, addr) = ready!(self.io.poll_io(cx, Interest::READABLE, |l| l.accept()))?;
        Poll::Ready(UnixStream::new(sock).map(|s| (s, addr)))
    }

    /// The address the listener is bound to.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let path = std::env::temp_dir().join(format!("runtime-doc-d-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = runtime::net::UnixListener::bind(&path)?;
    /// assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_path()));
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// Makes a `UnixListener` of a listening `std::os::unix::net::UnixListener`,
    /// switching it to non-blocking mode.
    ///
    /// # Errors
    ///
    /// Outside a runtime, after it shut down, or when the socket cannot be registered.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let path = std::env::temp_dir().join(format!("runtime-doc-s-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let std_listener = std::os::unix::net::UnixListener::bind(&path)?;
    /// let listener = runtime::net::UnixListener::from_std(std_listener)?;
    /// assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_path()));
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn from_std(listener: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
        listener.set_nonblocking(true)?;
        UnixListener::new(mio::net::UnixListener::from_std(listener))
    }

    /// Deregisters the listener and hands it back as a
    /// `std::os::unix::net::UnixListener`, still in non-blocking mode.
    ///
    /// # Errors
    ///
    /// When deregistering fails.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let path = std::env::temp_dir().join(format!("runtime-doc-i-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = runtime::net::UnixListener::bind(&path)?;
    /// let std_listener = listener.into_std()?;
    /// std_listener.set_nonblocking(false)?;
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixListener> {
        let listener = self.io.into_inner()?;
        Ok(std::os::unix::net::UnixListener::from(OwnedFd::from(
            listener,
        )))
    }
}

crate::net::stream_api::impl_fd_and_debug!(UnixListener, io);
