//! `PollEvented`: a mio source registered with the current runtime's driver, the
//! building block of the socket types.
//!
//! An operation goes: wait for readiness (a [`ReadyEvent`] with its tick), try the
//! non-blocking call, and on `WouldBlock` clear exactly that event's readiness and wait
//! again ([`PollEvented::poll_io`], [`PollEvented::try_io`]). Because the clear only
//! applies to the tick it saw (`scheduled_io.rs`, rule 2), an edge that arrived during
//! the call keeps the readiness set and the next wait returns at once.
use super::read_buf::ReadBuf;
use super::ready::Interest;
use super::registration::{IoHandle, Registration};
use super::scheduled_io::ReadyEvent;
use std::fmt;
use std::io;
use std::os::fd::AsRawFd;
use std::task::{ready, Context, Poll};

/// A registered source; deregisters it when dropped.
pub(crate) struct PollEvented<E: mio::event::Source> {
    /// Always `Some` but in `into_inner` and `drop`.
    io: Option<E>,
    registration: Registration,
}

impl<E: mio::event::Source> PollEvented<E> {
    /// Registers `io` for reading and writing with the current runtime's driver.
    pub(crate) fn new(io: E) -> io::Result<Self> {
        PollEvented::new_with_interest(io, Interest::READABLE.add(Interest::WRITABLE))
    }

    /// Registers `io` for `interest` with the current runtime's driver.
    pub(crate) fn new_with_interest(mut io: E, interest: Interest) -> io::Result<Self> {
        let registration = IoHandle::current()?.register(&mut io, interest)?;
        Ok(PollEvented {
            io: Some(io),
            registration,
        })
    }

    /// The source's readiness and waiters.
    pub(crate) fn registration(&self) -> &Registration {
        &self.registration
    }

    /// The source.
    pub(crate) fn get_ref(&self) -> &E {
        self.io.as_ref().expect("present until drop")
    }

    /// Deregisters the source and hands it back.
    pub(crate) fn into_inner(mut self) -> io::Result<E> {
        let mut io = self.io.take().expect("present until drop");
        self.registration.deregister(&mut io)?;
        Ok(io)
    }

    /// Waits until the source is readable (or read-closed, or failed).
    pub(crate) fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<ReadyEvent>> {
        self.registration
            .shared()
            .poll_ready(cx, Interest::READABLE)
    }

    /// Waits until the source is writable (or write-closed, or failed).
    pub(crate) fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<ReadyEvent>> {
        self.registration
            .shared()
            .poll_ready(cx, Interest::WRITABLE)
    }

    /// Runs `f` once the source is ready for `interest` (`READABLE` or `WRITABLE`),
    /// again after each `WouldBlock`, until it returns anything else.
    pub(crate) fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        interest: Interest,
        mut f: impl FnMut(&E) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        let shared = self.registration.shared();
        loop {
            let event = ready!(shared.poll_ready(cx, interest))?;
            match f(self.get_ref()) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => shared.clear_readiness(event),
                out => return Poll::Ready(out),
            }
        }
    }

    /// Runs `f` now if the source looks ready for `interest`, else fails with
    /// `WouldBlock`; a `WouldBlock` from `f` clears the readiness it saw.
    pub(crate) fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce(&E) -> io::Result<R>,
    ) -> io::Result<R> {
        let shared = self.registration.shared();
        let event = shared.readiness(interest);
        if event.ready.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let out = f(self.get_ref());
        if matches!(&out, Err(e) if e.kind() == io::ErrorKind::WouldBlock) {
            shared.clear_readiness(event);
        }
        out
    }
}

/// Byte-stream operations for socket sources: reads straight into uninitialized memory
/// (`recv(2)` writes through a raw pointer, never reads it) and writes that never raise
/// `SIGPIPE` (`MSG_NOSIGNAL`).
///
/// A read or write that moved fewer bytes than asked for drained the socket's buffer (or
/// filled the peer's), so it clears the readiness it saw: the next call waits for the
/// driver's next edge instead of spending a syscall to learn `WouldBlock`.
impl<E: mio::event::Source + AsRawFd> PollEvented<E> {
    /// Reads into `buf`'s unfilled part; `Ready(Ok(()))` with nothing filled is end of
    /// stream (or a `buf` with no room left).
    pub(crate) fn poll_read_buf(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let shared = self.registration.shared();
        loop {
            let event = ready!(shared.poll_ready(cx, Interest::READABLE))?;
            // SAFETY: `recv` only writes initialized bytes into the slice, so bytes that
            // were initialized stay so (`unfilled_mut`'s contract).
            let unfilled = unsafe { buf.unfilled_mut() };
            let want = unfilled.len();
            match sys::recv(self.get_ref().as_raw_fd(), unfilled, 0) {
                Ok(n) => {
                    // SAFETY: the kernel initialized the `n` bytes it wrote.
                    unsafe { buf.assume_init(n) };
                    buf.advance(n);
                    if n > 0 && n < want {
                        shared.clear_readiness(event);
                    }
                    return Poll::Ready(Ok(()));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => shared.clear_readiness(event),
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    /// Reads into `dst` (an initialized slice); `Ready(Ok(0))` is end of stream.
    pub(crate) fn poll_read(
        &self,
        cx: &mut Context<'_>,
        dst: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let mut buf = ReadBuf::new(dst);
        ready!(self.poll_read_buf(cx, &mut buf))?;
        Poll::Ready(Ok(buf.filled().len()))
    }

    /// Peeks into `dst` without consuming what it reads.
    pub(crate) fn poll_peek(
        &self,
        cx: &mut Context<'_>,
        dst: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let fd = self.get_ref().as_raw_fd();
        self.poll_io(cx, Interest::READABLE, |_| {
            let mut buf = ReadBuf::new(&mut *dst);
            // SAFETY: `recv` writes only initialized bytes.
            let n = sys::recv(fd, unsafe { buf.unfilled_mut() }, libc::MSG_PEEK)?;
            Ok(n)
        })
    }

    /// Writes from `src`, as much as the socket takes now.
    pub(crate) fn poll_write(&self, cx: &mut Context<'_>, src: &[u8]) -> Poll<io::Result<usize>> {
        let shared = self.registration.shared();
        loop {
            let event = ready!(shared.poll_ready(cx, Interest::WRITABLE))?;
            match sys::send(self.get_ref().as_raw_fd(), src) {
                Ok(n) => {
                    if n > 0 && n < src.len() {
                        shared.clear_readiness(event);
                    }
                    return Poll::Ready(Ok(n));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => shared.clear_readiness(event),
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    /// Writes from several buffers in one `sendmsg(2)`.
    pub(crate) fn poll_write_vectored(
        &self,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let fd = self.get_ref().as_raw_fd();
        self.poll_io(cx, Interest::WRITABLE, |_| sys::send_vectored(fd, bufs))
    }

    /// Reads now if the socket looks readable, else `WouldBlock`.
    pub(crate) fn try_read_buf(&self, buf: &mut ReadBuf<'_>) -> io::Result<usize> {
        let fd = self.get_ref().as_raw_fd();
        self.try_io(Interest::READABLE, |_| {
            // SAFETY: `recv` writes only initialized bytes.
            let n = sys::recv(fd, unsafe { buf.unfilled_mut() }, 0)?;
            // SAFETY: the kernel initialized the `n` bytes it wrote.
            unsafe { buf.assume_init(n) };
            buf.advance(n);
            Ok(n)
        })
    }

    /// Writes now if the socket looks writable, else `WouldBlock`.
    pub(crate) fn try_write(&self, src: &[u8]) -> io::Result<usize> {
        let fd = self.get_ref().as_raw_fd();
        self.try_io(Interest::WRITABLE, |_| sys::send(fd, src))
    }
}

/// The raw socket calls behind the stream operations (and the datagram sockets of
/// `net`).
pub(crate) mod sys {
    use std::io;
    use std::mem::MaybeUninit;
    use std::os::fd::RawFd;

    /// `recv(2)` into `dst`, which may be uninitialized.
    pub(crate) fn recv(
        fd: RawFd,
        dst: &mut [MaybeUninit<u8>],
        flags: libc::c_int,
    ) -> io::Result<usize> {
        retry(|| {
            // SAFETY: `dst` is valid for `dst.len()` bytes of writes for the call's
            // duration; the kernel writes no more than that and never reads it.
            unsafe { libc::recv(fd, dst.as_mut_ptr().cast(), dst.len(), flags) }
        })
    }

    /// `send(2)` with `MSG_NOSIGNAL`: a closed peer is `BrokenPipe`, not `SIGPIPE`.
    pub(crate) fn send(fd: RawFd, src: &[u8]) -> io::Result<usize> {
        retry(|| {
            // SAFETY: `src` is valid for `src.len()` bytes of reads for the call.
            unsafe { libc::send(fd, src.as_ptr().cast(), src.len(), libc::MSG_NOSIGNAL) }
        })
    }

    /// `sendmsg(2)` of several buffers, with `MSG_NOSIGNAL`.
    pub(super) fn send_vectored(fd: RawFd, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        // SAFETY: an all-zero `msghdr` is valid (no name, no control data).
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        // `IoSlice` is ABI-compatible with `iovec` on unix (its documented guarantee);
        // the kernel only reads through the pointer.
        msg.msg_iov = bufs.as_ptr() as *mut libc::iovec;
        msg.msg_iovlen = bufs.len().min(libc::c_int::MAX as usize) as _;
        retry(|| {
            // SAFETY: `msg` points at `bufs`, valid for reads for the call's duration.
            unsafe { libc::sendmsg(fd, &msg, libc::MSG_NOSIGNAL) }
        })
    }

    /// Runs the system call `call` again while it fails with `EINTR`; `-1` is an error
    /// (`errno`), anything else a byte count.
    pub(crate) fn retry(mut call: impl FnMut() -> isize) -> io::Result<usize> {
        loop {
            match call() {
                -1 => {
                    let e = io::Error::last_os_error();
                    if e.kind() != io::ErrorKind::Interrupted {
                        return Err(e);
                    }
                }
                n => return Ok(n as usize),
            }
        }
    }
}

impl<E: mio::event::Source> Drop for PollEvented<E> {
    fn drop(&mut self) {
        if let Some(mut io) = self.io.take() {
            // Nothing to report to: the source closes right after.
            let _ = self.registration.deregister(&mut io);
        }
    }
}

impl<E: mio::event::Source + fmt::Debug> fmt::Debug for PollEvented<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PollEvented")
            .field("io", &self.io)
            .field("registration", &self.registration)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::poll_fn;
    use std::io::{Read, Write};
    use std::sync::Arc;

    /// Both flavors: the multi-thread runtime's workers share its driver; the
    /// current-thread runtime parks in its own once a source is registered.
    fn runtimes() -> [crate::Runtime; 2] {
        [
            crate::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .build()
                .unwrap(),
            crate::runtime::Builder::new_current_thread()
                .build()
                .unwrap(),
        ]
    }

    /// 64 KiB each way through a Unix socket pair, each end driven by its own task
    /// through `poll_io` (the writer meets `WouldBlock` when the socket buffer fills).
    #[test]
    fn unix_stream_pair_round_trip_through_poll_io() {
        for rt in runtimes() {
            unix_stream_pair_round_trip(&rt);
        }
    }

    fn unix_stream_pair_round_trip(rt: &crate::Runtime) {
        rt.block_on(async {
            let (a, b) = mio::net::UnixStream::pair().unwrap();
            let a = Arc::new(PollEvented::new(a).unwrap());
            let b = PollEvented::new(b).unwrap();
            const LEN: usize = 64 * 1024;
            let writer = {
                let a = a.clone();
                crate::spawn(async move {
                    let data: Vec<u8> = (0..LEN).map(|i| i as u8).collect();
                    let mut sent = 0;
                    while sent < LEN {
                        sent += poll_fn(|cx| {
                            a.poll_io(cx, Interest::WRITABLE, |mut s| s.write(&data[sent..]))
                        })
                        .await
                        .unwrap();
                    }
                })
            };
            let mut got = Vec::with_capacity(LEN);
            let mut buf = [0u8; 4096];
            while got.len() < LEN {
                let n = poll_fn(|cx| b.poll_io(cx, Interest::READABLE, |mut s| s.read(&mut buf)))
                    .await
                    .unwrap();
                assert!(n > 0, "early EOF");
                got.extend_from_slice(&buf[..n]);
            }
            writer.await.unwrap();
            assert!(got.iter().enumerate().all(|(i, &x)| x == i as u8));
            // Nothing left: a try fails with WouldBlock, and clears what it saw.
            let err = b
                .try_io(Interest::READABLE, |mut s| s.read(&mut buf))
                .unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
            // A closed peer reads as EOF.
            drop(Arc::try_unwrap(a).unwrap().into_inner().unwrap());
            let n = poll_fn(|cx| b.poll_io(cx, Interest::READABLE, |mut s| s.read(&mut buf)))
                .await
                .unwrap();
            assert_eq!(n, 0);
        });
    }

    /// A TCP listener and a client on loopback: accept through `poll_io`, then echo.
    #[test]
    fn tcp_accept_and_echo() {
        for rt in runtimes() {
            tcp_accept_and_echo_on(&rt);
        }
    }

    fn tcp_accept_and_echo_on(rt: &crate::Runtime) {
        rt.block_on(async {
            let addr = "127.0.0.1:0".parse().unwrap();
            let listener = PollEvented::new(mio::net::TcpListener::bind(addr).unwrap()).unwrap();
            let addr = listener.get_ref().local_addr().unwrap();
            let client = crate::spawn(async move {
                let stream = PollEvented::new(mio::net::TcpStream::connect(addr).unwrap()).unwrap();
                poll_fn(|cx| stream.poll_io(cx, Interest::WRITABLE, |mut s| s.write(b"hello")))
                    .await
                    .unwrap();
                let mut buf = [0u8; 5];
                let mut got = 0;
                while got < 5 {
                    let n = poll_fn(|cx| {
                        stream.poll_io(cx, Interest::READABLE, |mut s| s.read(&mut buf[got..]))
                    })
                    .await
                    .unwrap();
                    assert!(n > 0, "early EOF");
                    got += n;
                }
                buf
            });
            let (conn, _) = poll_fn(|cx| listener.poll_io(cx, Interest::READABLE, |l| l.accept()))
                .await
                .unwrap();
            let conn = PollEvented::new(conn).unwrap();
            let mut buf = [0u8; 5];
            let mut got = 0;
            while got < 5 {
                let n = poll_fn(|cx| {
                    conn.poll_io(cx, Interest::READABLE, |mut s| s.read(&mut buf[got..]))
                })
                .await
                .unwrap();
                assert!(n > 0, "early EOF");
                got += n;
            }
            poll_fn(|cx| conn.poll_io(cx, Interest::WRITABLE, |mut s| s.write(&buf)))
                .await
                .unwrap();
            assert_eq!(&client.await.unwrap(), b"hello");
        });
    }

    /// A current-thread runtime asleep on its condvar (no driver exists yet: it has
    /// registered nothing) wakes for I/O on a source that another thread registers, the
    /// driver's creation included, and arms with the runtime's waker: the creating thread
    /// unparks it so it re-parks in the driver (`scheduler/park.rs`, rule 5). Without
    /// that, the runtime sleeps until the 10 s timeout and the test fails.
    #[test]
    fn current_thread_asleep_without_driver_wakes_for_io_registered_elsewhere() {
        use crate::loom::sync::Mutex;
        use std::task::{Context, Poll, Waker};
        use std::time::{Duration, Instant};
        let rt = crate::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let crate::scheduler::Handle::CurrentThread(inner) = &rt.handle().inner else {
            unreachable!("a current-thread runtime")
        };
        let inner = inner.clone();
        let source = Arc::new(Mutex::new(None::<PollEvented<mio::net::UnixStream>>));
        let main_waker = Arc::new(Mutex::new(None::<Waker>));
        let (a, mut b) = mio::net::UnixStream::pair().unwrap();
        let other = {
            let (handle, source, main_waker) =
                (rt.handle().clone(), source.clone(), main_waker.clone());
            crate::loom::thread::spawn(move || {
                // Let the runtime thread fall asleep on its condvar first.
                std::thread::sleep(Duration::from_millis(20));
                let _enter = handle.enter();
                let a = PollEvented::new(a).unwrap();
                let waker = main_waker.lock().clone().expect("block_on polled first");
                // Only the readable event can wake the runtime now.
                assert!(a
                    .poll_read_ready(&mut Context::from_waker(&waker))
                    .is_pending());
                *source.lock() = Some(a);
                std::thread::sleep(Duration::from_millis(20));
                b.write_all(b"x").unwrap();
                b
            })
        };
        let start = Instant::now();
        let res = rt.block_on(async {
            assert!(!inner.has_io_driver(), "no source registered yet");
            crate::timeout(
                Duration::from_secs(10),
                poll_fn(|cx| {
                    *main_waker.lock() = Some(cx.waker().clone());
                    match &*source.lock() {
                        Some(a) => a.poll_read_ready(cx).map(|r| r.map(|_| ())),
                        None => Poll::Pending,
                    }
                }),
            )
            .await
        });
        let took = start.elapsed();
        res.expect("woken by the I/O event, not the timeout")
            .unwrap();
        assert!(took < Duration::from_secs(5), "{took:?}");
        assert!(inner.has_io_driver());
        let _b = other.join().unwrap();
    }

    /// The stream ops through a driver that hands out one event per turn: 32 pairs,
    /// each written once and read into uninitialized memory, all arrive (the rest wait
    /// in the OS for later turns), on both flavors.
    #[test]
    fn one_event_per_turn_still_delivers_every_event() {
        for mut b in [
            crate::runtime::Builder::new_multi_thread(),
            crate::runtime::Builder::new_current_thread(),
        ] {
            let rt = b
                .worker_threads(2)
                .max_io_events_per_tick(1)
                .build()
                .unwrap();
            rt.block_on(async {
                let mut readers = Vec::new();
                let mut writers = Vec::new();
                for i in 0..32u8 {
                    let (a, b) = mio::net::UnixStream::pair().unwrap();
                    let b = PollEvented::new(b).unwrap();
                    readers.push(crate::spawn(async move {
                        let mut spare = Vec::<u8>::with_capacity(16);
                        let mut buf = ReadBuf::uninit(spare.spare_capacity_mut());
                        poll_fn(|cx| b.poll_read_buf(cx, &mut buf)).await.unwrap();
                        buf.filled().to_vec()
                    }));
                    writers.push((PollEvented::new(a).unwrap(), i));
                }
                crate::yield_now().await;
                for (a, i) in &writers {
                    let n = poll_fn(|cx| a.poll_write(cx, &[*i, *i])).await.unwrap();
                    assert_eq!(n, 2);
                }
                for (i, r) in readers.into_iter().enumerate() {
                    assert_eq!(r.await.unwrap(), [i as u8, i as u8]);
                }
            });
        }
    }
}
