//! [`Io<T>`]: the bridge between hyper's `rt::Read`/`rt::Write` and the runtime's
//! streams, both ways.
//!
//! Reads hand hyper's buffer to the stream as uninitialized memory and back: the bytes
//! are never zero-filled first. Both conversions rest on the two buffers' one shared
//! invariant: what is filled is initialized, and nothing ever de-initializes a byte.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use ::hyper::rt::{Read, ReadBufCursor, Write};
use pin_project_lite::pin_project;

use crate::io::{AsyncReadBuf, ReadBuf};

pin_project! {
    /// A stream seen through hyper's I/O traits, or a hyper I/O object seen through the
    /// runtime's.
    ///
    /// - Around any [`runtime::net`](crate::net) stream (TCP, Unix, their halves, `&`
    ///   references: anything [`AsyncReadBuf`] + `futures_io::AsyncWrite`), it is
    ///   hyper's `rt::Read` + `rt::Write`, what `serve_connection` and `handshake` take.
    ///   A read goes into hyper's own buffer, uninitialized, in one `recv(2)`.
    /// - Around a hyper `rt::Read`/`rt::Write` (an upgraded connection,
    ///   `hyper::upgrade::Upgraded`), it is `futures_io::AsyncRead`/`AsyncWrite` and
    ///   [`AsyncReadBuf`], for the ecosystem's `copy`, `read_exact` and friends.
    ///
    /// hyper's `is_write_vectored` is `false` (`Io` cannot tell whether `T`'s vectored
    /// write is a real one): by default hyper copies a message's head and body into one
    /// buffer and sends it in one `send(2)`, the cheaper way for small bodies. For large
    /// bodies, `writev(true)` on hyper's `http1::Builder` has hyper hand the head and each
    /// body chunk over as separate slices, uncopied; `Io` passes them to `T`'s
    /// `poll_write_vectored`, which on our streams is one `sendmsg(2)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::hyper::Io;
    ///
    /// # runtime::run(async {
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let io = Io::new(stream); // ready for hyper's `serve_connection` or `handshake`
    /// assert!(io.inner().peer_addr().is_ok());
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    #[derive(Debug)]
    pub struct Io<T> {
        #[pin]
        inner: T,
    }
}

impl<T> Io<T> {
    /// Wraps `inner`.
    ///
    /// ```
    /// let io = runtime::hyper::Io::new(std::io::empty());
    /// # drop(io);
    /// ```
    pub fn new(inner: T) -> Io<T> {
        Io { inner }
    }

    /// The wrapped value.
    ///
    /// ```
    /// let io = runtime::hyper::Io::new(5);
    /// assert_eq!(*io.inner(), 5);
    /// ```
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// The wrapped value, mutably.
    ///
    /// ```
    /// let mut io = runtime::hyper::Io::new(5);
    /// *io.inner_mut() += 1;
    /// assert_eq!(io.into_inner(), 6);
    /// ```
    pub fn inner_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// The wrapped value, pinned.
    ///
    /// ```
    /// let mut io = std::pin::pin!(runtime::hyper::Io::new(5));
    /// assert_eq!(*io.as_mut().inner_pin_mut(), 5);
    /// ```
    pub fn inner_pin_mut(self: Pin<&mut Self>) -> Pin<&mut T> {
        self.project().inner
    }

    /// Unwraps it.
    ///
    /// ```
    /// assert_eq!(runtime::hyper::Io::new(5).into_inner(), 5);
    /// ```
    pub fn into_inner(self) -> T {
        self.inner
    }
}

impl<T: AsyncReadBuf> Read for Io<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let n = {
            // SAFETY: `ReadBufCursor::as_mut` asks that no initialized byte be
            // de-initialized. The slice goes only into our `ReadBuf`, which writes
            // initialized bytes and nothing else (its invariant 2), and so do the
            // `AsyncReadBuf` implementations it is handed to (the trait's contract).
            let mut ours = ReadBuf::uninit(unsafe { buf.as_mut() });
            ready!(self.project().inner.poll_read_buf(cx, &mut ours))?;
            ours.filled().len()
        };
        // SAFETY: `advance` asks that the `n` bytes be initialized: they are the
        // filled part of our `ReadBuf` over the same memory, which is initialized
        // (its invariant 1-2).
        unsafe { buf.advance(n) };
        Poll::Ready(Ok(()))
    }
}

impl<T: futures_io::AsyncWrite> Write for Io<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.project().inner.poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.project().inner.poll_write_vectored(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_close(cx)
    }
}

impl<T: Read> AsyncReadBuf for Io<T> {
    fn poll_read_buf(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let n = {
            // SAFETY: `unfilled_mut` asks that no uninitialized byte be written into
            // its initialized part. hyper's `ReadBuf` writes only initialized bytes,
            // and the `Read` implementation it is handed to may not de-initialize any
            // (the `ReadBufCursor::as_mut` contract).
            let mut theirs = ::hyper::rt::ReadBuf::uninit(unsafe { buf.unfilled_mut() });
            ready!(self.project().inner.poll_read(cx, theirs.unfilled()))?;
            theirs.filled().len()
        };
        // SAFETY: `assume_init` asks that the first `n` unfilled bytes be initialized:
        // they are hyper's `ReadBuf`'s filled part over the same memory, which it keeps
        // initialized.
        unsafe { buf.assume_init(n) };
        buf.advance(n);
        Poll::Ready(Ok(()))
    }
}

impl<T: Read> futures_io::AsyncRead for Io<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let mut theirs = ::hyper::rt::ReadBuf::new(buf);
        ready!(self.project().inner.poll_read(cx, theirs.unfilled()))?;
        Poll::Ready(Ok(theirs.filled().len()))
    }
}

impl<T: Write> futures_io::AsyncWrite for Io<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.project().inner.poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.project().inner.poll_write_vectored(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_shutdown(cx)
    }
}
