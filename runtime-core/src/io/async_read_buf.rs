//! [`AsyncReadBuf`]: reading into a [`ReadBuf`] that may be uninitialized memory, the
//! form of read that adapters such as `runtime::hyper::Io` need to hand a protocol
//! library's own buffer straight to `recv(2)`.

use std::io;
use std::ops::DerefMut;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::ReadBuf;

/// Reads bytes into a [`ReadBuf`], whose unfilled part may be uninitialized: no
/// zero-filling before each read, unlike `futures_io::AsyncRead`, which takes `&mut
/// [u8]`.
///
/// Every stream of [`runtime::net`](crate::net) implements it (the stream, `&` the
/// stream, and its read halves), and so does `runtime::hyper::Io` around any of hyper's
/// `rt::Read` types.
///
/// # Contract
///
/// `Poll::Ready(Ok(()))` with `buf.filled()` grown by `n > 0` bytes means `n` bytes
/// arrived; with nothing added (and room left in `buf`) it means end of stream.
/// `Poll::Pending` means the current task will be woken when reading may make progress.
/// An implementation never de-initializes bytes of `buf`, and fills only bytes it wrote.
///
/// # Examples
///
/// ```
/// use runtime::io::{AsyncReadBuf, ReadBuf};
/// use std::pin::Pin;
///
/// # runtime::run(async {
/// let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
/// let mut stream = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
/// let (peer, _) = listener.accept().await?;
/// peer.write_all(b"hello").await?;
///
/// let mut storage = Vec::with_capacity(64);
/// let mut buf = ReadBuf::uninit(storage.spare_capacity_mut());
/// std::future::poll_fn(|cx| Pin::new(&mut stream).poll_read_buf(cx, &mut buf)).await?;
/// assert_eq!(buf.filled(), b"hello");
/// # std::io::Result::Ok(())
/// # }).unwrap();
/// ```
pub trait AsyncReadBuf {
    /// Reads what has arrived into `buf`'s unfilled part and advances its filled part;
    /// see the [contract](AsyncReadBuf#contract).
    fn poll_read_buf(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>>;
}

impl<T: AsyncReadBuf + Unpin + ?Sized> AsyncReadBuf for &mut T {
    fn poll_read_buf(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut **self).poll_read_buf(cx, buf)
    }
}

impl<T: AsyncReadBuf + Unpin + ?Sized> AsyncReadBuf for Box<T> {
    fn poll_read_buf(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut **self).poll_read_buf(cx, buf)
    }
}

impl<P> AsyncReadBuf for Pin<P>
where
    P: DerefMut + Unpin,
    P::Target: AsyncReadBuf,
{
    fn poll_read_buf(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.get_mut().as_mut().poll_read_buf(cx, buf)
    }
}
