//! [`UnixStream`]: a connected Unix-domain stream socket.
use super::unix_doc_setup;
use crate::net::stream::Stream;
use crate::net::stream_api::{stream_read_api, stream_write_api};
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::net::SocketAddr;
use std::path::Path;

/// A Unix-domain stream connection: the same reading, writing, splitting and
/// `futures_io` surface as [`TcpStream`](crate::net::TcpStream), between processes on
/// one machine.
///
/// # Examples
///
/// ```
/// use runtime::net::UnixStream;
///
/// # runtime::run(async {
/// let (a, b) = UnixStream::pair()?;
/// a.write_all(b"hello").await?;
/// let mut buf = [0u8; 64];
/// let n = b.read(&mut buf).await?;
/// assert_eq!(&buf[..n], b"hello");
/// # std::io::Result::Ok(())
/// # }).unwrap();
/// ```
pub struct UnixStream {
    inner: Stream<mio::net::UnixStream>,
}

impl UnixStream {
    /// Connects to the socket bound at `path`.
    ///
    /// # Errors
    ///
    /// `NotFound` when nothing is bound there, `ConnectionRefused` when the socket
    /// there does not listen, or an error outside a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let path = std::env::temp_dir().join(format!("runtime-doc-{}.sock", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// let listener = runtime::net::UnixListener::bind(&path)?;
    /// let stream = runtime::net::UnixStream::connect(&path).await?;
    /// let (_conn, _) = listener.accept().await?;
    /// assert_eq!(stream.peer_addr()?.as_pathname(), Some(path.as_path()));
    /// std::fs::remove_file(&path)?;
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub async fn connect<P: AsRef<Path>>(path: P) -> io::Result<UnixStream> {
        let stream = UnixStream::new(mio::net::UnixStream::connect(path)?)?;
        stream.inner.connected().await?;
        Ok(stream)
    }

    /// A pair of connected, unnamed sockets (`socketpair(2)`).
    ///
    /// # Errors
    ///
    /// Out of file descriptors, or outside a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let (a, b) = runtime::net::UnixStream::pair()?;
    /// b.write_all(b"hi").await?;
    /// let mut buf = [0u8; 2];
    /// assert_eq!(a.read(&mut buf).await?, 2);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = mio::net::UnixStream::pair()?;
        Ok((UnixStream::new(a)?, UnixStream::new(b)?))
    }

    /// Registers a connected (or connecting) socket with the current runtime.
    pub(crate) fn new(sock: mio::net::UnixStream) -> io::Result<UnixStream> {
        Ok(UnixStream {
            inner: Stream::new(sock)?,
        })
    }

    pub(crate) fn stream(&self) -> &Stream<mio::net::UnixStream> {
        &self.inner
    }

    /// Makes a `UnixStream` of a connected `std::os::unix::net::UnixStream`, switching
    /// it to non-blocking mode.
    ///
    /// # Errors
    ///
    /// Outside a runtime, after it shut down, or when the socket cannot be registered.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let (a, b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = runtime::net::UnixStream::from_std(a)?;
    /// let b = runtime::net::UnixStream::from_std(b)?;
    /// a.write_all(b"x").await?;
    /// let mut buf = [0u8; 1];
    /// assert_eq!(b.read(&mut buf).await?, 1);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        stream.set_nonblocking(true)?;
        UnixStream::new(mio::net::UnixStream::from_std(stream))
    }

    /// Deregisters the socket and hands it back as a `std::os::unix::net::UnixStream`,
    /// still in non-blocking mode (call `set_nonblocking(false)` for blocking use).
    ///
    /// # Errors
    ///
    /// When deregistering fails.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    #[doc = unix_doc_setup!()]
    /// let std_stream = stream.into_std()?;
    /// std_stream.set_nonblocking(false)?;
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixStream> {
        let sock = self.inner.into_inner()?;
        Ok(std::os::unix::net::UnixStream::from(OwnedFd::from(sock)))
    }

    /// The local address of the socket (unnamed for a client or a `pair`).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    #[doc = unix_doc_setup!()]
    /// assert!(stream.local_addr()?.is_unnamed());
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }

    /// The address of the peer (the listener's path for a connected client).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    #[doc = unix_doc_setup!()]
    /// assert!(stream.peer_addr()?.is_unnamed());
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().peer_addr()
    }

    /// The credentials (user, group, process) of the peer, as the kernel recorded them
    /// when the connection was made (`SO_PEERCRED`).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    #[doc = unix_doc_setup!()]
    /// assert_eq!(stream.peer_cred()?.pid(), Some(std::process::id() as i32));
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn peer_cred(&self) -> io::Result<super::UCred> {
        use std::os::fd::AsFd;
        super::ucred::peer_cred(self.inner.get_ref().as_fd())
    }

    /// Takes the socket's pending error (`SO_ERROR`), if any, clearing it.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    #[doc = unix_doc_setup!()]
    /// assert!(stream.take_error()?.is_none());
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.inner.get_ref().take_error()
    }
}

impl UnixStream {
    stream_read_api!(unix_doc_setup!(), "let io = &stream;");
    stream_write_api!(unix_doc_setup!(), "let io = &stream;");
}

crate::net::stream_api::impl_fd_and_debug!(UnixStream, inner);
