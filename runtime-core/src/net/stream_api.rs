//! The public surface TCP and Unix streams share, written once: macros that expand,
//! per stream type, to the reading and writing methods, the split halves, `reunite`, and
//! the `futures_io` traits, each delegating to the generic [`Stream`](super::stream)
//! machinery.
//!
//! A macro instead of generic public types so each transport keeps its own names
//! (`tcp::OwnedReadHalf`, `unix::OwnedReadHalf`, as tokio spells them) and its own doc
//! examples: every doc example is assembled from a `setup` snippet, which makes a
//! connected `stream` and its `peer`, and a `get` snippet, which makes `io` (the value
//! whose method is shown) from `stream`.

/// The reading methods, inside an `impl` block of a type with
/// `fn stream(&self) -> &Stream<_>`.
macro_rules! stream_read_api {
    ($setup:expr, $get:literal) => {
        /// Reads what has arrived into `buf`, waiting until something has; `Ok(0)` is
        /// end of stream (the peer shut its writing down), or an empty `buf`.
        ///
        /// Any number of tasks may wait at once; dropping the future (an aborted task)
        /// leaves the socket as it was.
        ///
        /// # Examples
        ///
        /// ```
        /// # runtime::run(async {
        #[doc = $setup]
        #[doc = $get]
        /// peer.write_all(b"hello").await?;
        /// let mut buf = [0u8; 64];
        /// let n = io.read(&mut buf).await?;
        /// assert_eq!(&buf[..n], b"hello");
        /// # std::io::Result::Ok(())
        /// # }).unwrap();
        /// ```
        pub async fn read(&self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.stream().read(buf).await
        }

        /// Reads what has arrived into `buf`'s unfilled part, which may be
        /// uninitialized memory (no zero-filling), and advances its filled part;
        /// returns how many bytes came, `0` at end of stream.
        ///
        /// # Examples
        ///
        /// ```
        /// # runtime::run(async {
        #[doc = $setup]
        #[doc = $get]
        /// peer.write_all(b"hello").await?;
        /// let mut storage = Vec::with_capacity(64);
        /// let mut buf = runtime::io::ReadBuf::uninit(storage.spare_capacity_mut());
        /// io.read_buf(&mut buf).await?;
        /// assert_eq!(buf.filled(), b"hello");
        /// # std::io::Result::Ok(())
        /// # }).unwrap();
        /// ```
        pub async fn read_buf(&self, buf: &mut $crate::io::ReadBuf<'_>) -> std::io::Result<usize> {
            self.stream().read_buf(buf).await
        }

        /// Reads what has arrived into `buf` without taking it off the socket: the next
        /// read returns the same bytes.
        ///
        /// # Examples
        ///
        /// ```
        /// # runtime::run(async {
        #[doc = $setup]
        #[doc = $get]
        /// peer.write_all(b"hello").await?;
        /// let mut buf = [0u8; 64];
        /// let n = io.peek(&mut buf).await?;
        /// assert_eq!(&buf[..n], b"hello");
        /// let n = io.read(&mut buf).await?;
        /// assert_eq!(&buf[..n], b"hello");
        /// # std::io::Result::Ok(())
        /// # }).unwrap();
        /// ```
        pub async fn peek(&self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.stream().peek(buf).await
        }

        /// Waits until the socket looks readable (data, end of stream or an error), for
        /// use with [`try_read`](Self::try_read). It may wake spuriously: a `try_read`
        /// can still fail with `WouldBlock`. Any number of tasks may wait at once, and
        /// all of them wake.
        ///
        /// # Examples
        ///
        /// ```
        /// # runtime::run(async {
        #[doc = $setup]
        #[doc = $get]
        /// peer.write_all(b"hello").await?;
        /// let mut buf = [0u8; 64];
        /// let n = loop {
        ///     io.readable().await?;
        ///     match io.try_read(&mut buf) {
        ///         Ok(n) => break n,
        ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
        ///         Err(e) => return Err(e),
        ///     }
        /// };
        /// assert_eq!(&buf[..n], b"hello");
        /// # std::io::Result::Ok(())
        /// # }).unwrap();
        /// ```
        pub async fn readable(&self) -> std::io::Result<()> {
            self.stream()
                .ready($crate::io::ready::Interest::READABLE)
                .await
        }

        /// Reads what has arrived into `buf` without waiting: `WouldBlock` when nothing
        /// has (then await [`readable`](Self::readable)); `Ok(0)` is end of stream.
        ///
        /// # Examples
        ///
        /// ```
        /// # runtime::run(async {
        #[doc = $setup]
        #[doc = $get]
        /// let mut buf = [0u8; 64];
        /// let err = io.try_read(&mut buf).unwrap_err();
        /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
        /// # std::io::Result::Ok(())
        /// # }).unwrap();
        /// ```
        pub fn try_read(&self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.stream().try_read(buf)
        }

        /// [`try_read`](Self::try_read) into a [`ReadBuf`](crate::io::ReadBuf), which
        /// may be uninitialized memory; advances its filled part.
        ///
        /// # Examples
        ///
        /// ```
        /// # runtime::run(async {
        #[doc = $setup]
        #[doc = $get]
        /// peer.write_all(b"hello").await?;
        /// let mut storage = Vec::with_capacity(64);
        /// let mut buf = runtime::io::ReadBuf::uninit(storage.spare_capacity_mut());
        /// loop {
        ///     io.readable().await?;
        ///     match io.try_read_buf(&mut buf) {
        ///         Ok(_) => break,
        ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
        ///         Err(e) => return Err(e),
        ///     }
        /// }
        /// assert_eq!(buf.filled(), b"hello");
        /// # std::io::Result::Ok(())
        /// # }).unwrap();
        /// ```
        pub fn try_read_buf(&self, buf: &mut $crate::io::ReadBuf<'_>) -> std::io::Result<usize> {
            self.stream().try_read_buf(buf)
        }

        /// The `poll` form of [`read_buf`](Self::read_buf), for hand-written futures
        /// and buffered readers; `Ready(Ok(()))` with nothing filled is end of stream.
        /// It keeps one waker, the last one given: poll it from one task at a time.
        ///
        /// # Examples
        ///
        /// ```
        /// # runtime::run(async {
        #[doc = $setup]
        #[doc = $get]
        /// peer.write_all(b"hello").await?;
        /// let mut storage = [0u8; 64];
        /// let mut buf = runtime::io::ReadBuf::new(&mut storage);
        /// std::future::poll_fn(|cx| io.poll_read_buf(cx, &mut buf)).await?;
        /// assert_eq!(buf.filled(), b"hello");
        /// # std::io::Result::Ok(())
        /// # }).unwrap();
        /// ```
        pub fn poll_read_buf(
            &self,
            cx: &mut std::task::Context<'_>,
            buf: &mut $crate::io::ReadBuf<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            self.stream().poll_read_buf(cx, buf)
        }

        /// The `poll` form of [`peek`](Self::peek). It keeps one waker, the last one
        /// given: poll it from one task at a time.
        ///
        /// # Examples
        ///
        /// ```
        /// # runtime::run(async {
        #[doc = $setup]
        #[doc = $get]
        /// peer.write_all(b"hello").await?;
        /// let mut buf = [0u8; 64];
        /// let n = std::future::poll_fn(|cx| io.poll_peek(cx, &mut buf)).await?;
        /// assert_eq!(&buf[..n], b"hello");
        /// # std::io::Result::Ok(())
        /// # }).unwrap();
        /// ```
        pub fn poll_peek(
            &self,
            cx: &mut std::task::Context<'_>,
            buf: &mut [u8],
        ) -> std::task::Poll<std::io::Result<usize>> {
            self.stream().poll_evented().poll_peek(cx, buf)
        }

        /// Polls for read readiness, the `poll` form of [`readable`](Self::readable).
        /// It keeps one waker, the last one given: poll it from one task at a time.
        ///
        /// # Examples
        ///
        /// ```
        /// # runtime::run(async {
        #[doc = $setup]
        #[doc = $get]
        /// peer.write_all(b"hello").await?;
        /// std::future::poll_fn(|cx| io.poll_read_ready(cx)).await?;
        /// let mut buf = [0u8; 64];
        /// assert_eq!(io.try_read(&mut buf)?, 5);
        /// # std::io::Result::Ok(())
        /// # }).unwrap();
        /// ```
        pub fn poll_read_ready(
            &self,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            self.stream()
                .poll_evented()
                .poll_read_ready(cx)
                .map_ok(|_| ())
        }
    };
}

/// The writing methods, inside an `impl` block of a type with
/// `fn stream(&self) -> &Stream<_>`.
macro_rules! stream_write_api {
    ($setup:expr, $get:literal) => {
        /// Writes as much of `buf` as the socket takes, waiting until it takes
        /// something; returns how many bytes it took.
        ///
        /// # Examples
        ///
        /// ```
        /// # runtime::run(async {
        #[doc = $setup]
        #[doc = $get]
        /// let n = io.write(b"hello").await?;
        /// assert_eq!(n, 5);
        /// let mut buf = [0u8; 64];
        /// let n = peer.read(&mut buf).await?;
        /// assert_eq!(&buf[..n], b"hello");
        /// # std::io::Result::Ok(())
        /// # }).unwrap();
        /// ```
        pub async fn write(&self, buf: &[u8]) -> std::io::Result<usize> {
            self.stream().write(buf).await
        }

        /// Writes all of `buf`, waiting as often as the socket's buffer fills up.
        ///
        /// # Errors
        ///
        /// The first write error (`BrokenPipe` or `ConnectionReset` once the peer is
        /// gone); what was written before it stays written.
        ///
        /// # Examples
        ///
        /// ```
        /// # runtime::run(async {
        #[doc = $setup]
        #[doc = $get]
        /// io.write_all(b"hello").await?;
        /// let mut buf = [0u8; 64];
        /// let n = peer.read(&mut buf).await?;
        /// assert_eq!(&buf[..n], b"hello");
        /// # std::io::Result::Ok(())
        /// # }).unwrap();
        /// ```
        pub async fn write_all(&self, buf: &[u8]) -> std::io::Result<()> {
            self.stream().write_all(buf).await
        }

        /// Waits until the socket looks writable (room in its buffer, or an error), for
        /// use with [`try_write`](Self::try_write). It may wake spuriously. Any number
        /// of tasks may wait at once, and all of them wake.
        ///
        /// # Examples
        ///
        /// ```
        /// # runtime::run(async {
        #[doc = $setup]
        #[doc = $get]
        /// let n = loop {
        ///     io.writable().await?;
        ///     match io.try_write(b"hello") {
        ///         Ok(n) => break n,
        ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
        ///         Err(e) => return Err(e),
        ///     }
        /// };
        /// assert_eq!(n, 5);
        /// # std::io::Result::Ok(())
        /// # }).unwrap();
        /// ```
        pub async fn writable(&self) -> std::io::Result<()> {
            self.stream()
                .ready($crate::io::ready::Interest::WRITABLE)
                .await
        }

        /// Writes as much of `buf` as the socket takes now, without waiting:
        /// `WouldBlock` when its buffer is full (then await
        /// [`writable`](Self::writable)).
        ///
        /// # Examples
        ///
        /// ```
        /// # runtime::run(async {
        #[doc = $setup]
        #[doc = $get]
        /// io.writable().await?;
        /// assert_eq!(io.try_write(b"hello")?, 5);
        /// # std::io::Result::Ok(())
        /// # }).unwrap();
        /// ```
        pub fn try_write(&self, buf: &[u8]) -> std::io::Result<usize> {
            self.stream().try_write(buf)
        }

        /// Polls for write readiness, the `poll` form of [`writable`](Self::writable).
        /// It keeps one waker, the last one given: poll it from one task at a time.
        ///
        /// # Examples
        ///
        /// ```
        /// # runtime::run(async {
        #[doc = $setup]
        #[doc = $get]
        /// std::future::poll_fn(|cx| io.poll_write_ready(cx)).await?;
        /// assert_eq!(io.try_write(b"hello")?, 5);
        /// # std::io::Result::Ok(())
        /// # }).unwrap();
        /// ```
        pub fn poll_write_ready(
            &self,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            self.stream()
                .poll_evented()
                .poll_write_ready(cx)
                .map_ok(|_| ())
        }

        /// Shuts the writing direction of the socket down (`shutdown(2)` with
        /// `SHUT_WR`): the peer reads end of stream after what was sent; reading from
        /// this socket goes on. What `AsyncWrite::poll_close` does.
        ///
        /// # Examples
        ///
        /// ```
        /// # runtime::run(async {
        #[doc = $setup]
        #[doc = $get]
        /// io.write_all(b"bye").await?;
        /// io.shutdown()?;
        /// let mut got = Vec::new();
        /// let mut buf = [0u8; 64];
        /// loop {
        ///     match peer.read(&mut buf).await? {
        ///         0 => break,
        ///         n => got.extend_from_slice(&buf[..n]),
        ///     }
        /// }
        /// assert_eq!(got, b"bye");
        /// # std::io::Result::Ok(())
        /// # }).unwrap();
        /// ```
        pub fn shutdown(&self) -> std::io::Result<()> {
            self.stream().shutdown_write()
        }
    };
}

/// `futures_io::AsyncRead` and [`AsyncReadBuf`](crate::io::AsyncReadBuf) for each
/// listed type (all have `fn stream(&self)`).
macro_rules! impl_async_read {
    ($($ty:ty),*) => {$(
        impl $crate::io::AsyncReadBuf for $ty {
            fn poll_read_buf(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut $crate::io::ReadBuf<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.stream().poll_read_buf(cx, buf)
            }
        }

        impl futures_io::AsyncRead for $ty {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut [u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                self.stream().poll_read(cx, buf)
            }
        }
    )*};
}

/// `futures_io::AsyncWrite` for each listed type (all have `fn stream(&self)`):
/// vectored writes in one `sendmsg(2)`, `poll_flush` a no-op (nothing is buffered),
/// `poll_close` shuts the writing direction down.
macro_rules! impl_async_write {
    ($($ty:ty),*) => {$(
        impl futures_io::AsyncWrite for $ty {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                self.stream().poll_write(cx, buf)
            }

            fn poll_write_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                self.stream().poll_write_vectored(cx, bufs)
            }

            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                _cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::task::Poll::Ready(Ok(()))
            }

            fn poll_close(
                self: std::pin::Pin<&mut Self>,
                _cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::task::Poll::Ready(self.stream().shutdown_write())
            }
        }
    )*};
}

pub(crate) use {impl_async_read, impl_async_write, stream_read_api, stream_write_api};

/// `AsRawFd`, `AsFd` and `Debug` for a socket type whose field `$field` has
/// `get_ref()` (a `PollEvented` or a `Stream`), all three showing the mio source.
macro_rules! impl_fd_and_debug {
    ($ty:ty, $field:ident) => {
        impl std::os::fd::AsRawFd for $ty {
            fn as_raw_fd(&self) -> std::os::fd::RawFd {
                self.$field.get_ref().as_raw_fd()
            }
        }

        impl std::os::fd::AsFd for $ty {
            fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
                self.$field.get_ref().as_fd()
            }
        }

        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.$field.get_ref().fmt(f)
            }
        }
    };
}

pub(crate) use impl_fd_and_debug;
