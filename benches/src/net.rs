//! The TCP workloads over loopback, each written once and generic over [`NetRt`], the
//! socket half of the adapters: tokio's `tokio::net`, smol's `async_io::Async<TcpStream>` /
//! `Async<TcpListener>` (through `futures_lite`'s `AsyncReadExt`/`AsyncWriteExt`), and a
//! runtime-less floor on plain mio poll loops ([`floor`]). The `runtime` rows land with
//! `runtime::net` (`Ours`, through its `futures_io` traits like [`SmolMulti`]'s).
//!
//! Cases (criterion ids `net/<case>/<runtime>`, multi-thread runtimes with [`WORKERS`]
//! workers; tokio is built with I/O and timers enabled, [`Tokio::multi_thread_net`]):
//!
//! - [`CASE_TCP_ECHO_64`] / [`CASE_TCP_ECHO_4K`] ([`tcp_echo`]): [`ECHO_CONNECTIONS`]
//!   connections, each doing [`ECHO_ROUND_TRIPS`] round trips of [`MSG_SMALL`] /
//!   [`MSG_LARGE`] bytes: the client task writes the message (`write_all`) and reads the
//!   echo (`read_exact`); the server spawns one task per accepted connection that reads
//!   whatever arrived into a [`ECHO_BUF`]-byte buffer and writes it back, until EOF.
//!   Connections are set up (connected, accepted, `TCP_NODELAY` on both ends) before the
//!   clock starts; one iteration is the time from spawning the client tasks until the last
//!   one has its last echo;
//! - [`CASE_ACCEPT_CONNECT`] ([`accept_connect`]): [`ACCEPT_CLIENTS`] client tasks make
//!   [`ACCEPT_CONNECTIONS`] connections between them, one after another each: connect, set
//!   `SO_LINGER 0` (socket2), read the one byte the server writes, close (a reset, so no
//!   socket is left in TIME_WAIT and a long run does not exhaust the ephemeral ports). The
//!   server is one accept-loop task that writes the byte on each accepted stream and drops
//!   it. One iteration is from binding the listener until the last connection is done.
//!
//! ```
//! use runtime_benches::net::{accept_connect, floor, tcp_echo};
//! use runtime_benches::{SmolMulti, Tokio};
//!
//! let tokio = Tokio::multi_thread_net(2);
//! let smol = SmolMulti::new(2);
//! for msg_len in [64, 4096] {
//!     tcp_echo(&tokio, 4, 10, msg_len);
//!     tcp_echo(&smol, 4, 10, msg_len);
//!     floor::tcp_echo(4, 10, msg_len);
//! }
//! accept_connect(&tokio, 20, 2);
//! accept_connect(&smol, 20, 2);
//! floor::accept_connect(20, 2);
//! ```
use crate::{Latch, Ours, Rt, SmolMulti, Tokio};
use async_io::Async;
use socket2::SockRef;
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

pub mod floor;

/// Criterion group prefix: ids read `net/<case>/<runtime>`.
pub const GROUP_NET: &str = "net";
/// Function id of the runtime-less mio floor inside a group.
pub const ID_MIO_FLOOR: &str = "mio_floor";

/// Case: echo round trips of [`MSG_SMALL`] bytes.
pub const CASE_TCP_ECHO_64: &str = "tcp_echo_64";
/// Case: echo round trips of [`MSG_LARGE`] bytes.
pub const CASE_TCP_ECHO_4K: &str = "tcp_echo_4k";
/// Case: connections accepted and connected per second.
pub const CASE_ACCEPT_CONNECT: &str = "accept_connect";

/// Concurrent connections of the echo cases.
pub const ECHO_CONNECTIONS: usize = 32;
/// Round trips per connection and iteration of the echo cases.
pub const ECHO_ROUND_TRIPS: usize = 2_000;
/// Message length of [`CASE_TCP_ECHO_64`].
pub const MSG_SMALL: usize = 64;
/// Message length of [`CASE_TCP_ECHO_4K`].
pub const MSG_LARGE: usize = 4096;
/// The echo server's read buffer: one read takes a whole [`MSG_LARGE`] message when it
/// has arrived whole.
pub const ECHO_BUF: usize = 4096;
/// Connections per iteration of [`CASE_ACCEPT_CONNECT`], over all clients.
pub const ACCEPT_CONNECTIONS: usize = 1_000;
/// Concurrent client tasks of [`CASE_ACCEPT_CONNECT`].
pub const ACCEPT_CLIENTS: usize = 4;
/// The byte the [`CASE_ACCEPT_CONNECT`] server writes on every accepted connection.
pub const ACCEPT_BYTE: u8 = 0x5a;
/// Where the listeners bind: loopback, a port picked by the OS.
pub const LOCALHOST: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0);

/// The socket operations a workload needs from a runtime, on top of [`Rt`]: the thinnest
/// adapter over each runtime's own TCP types. Socket options are set by the workloads
/// through `socket2::SockRef`, hence `AsFd` on the stream.
pub trait NetRt: Rt + 'static {
    /// The runtime's TCP listener.
    type Listener: Send + Sync + 'static;
    /// The runtime's TCP stream.
    type Stream: AsFd + Send + 'static;

    /// Binds a listener to `addr`.
    fn bind(addr: SocketAddr) -> impl Future<Output = io::Result<Self::Listener>> + Send;

    /// The address `listener` is bound to.
    fn local_addr(listener: &Self::Listener) -> io::Result<SocketAddr>;

    /// Accepts the next connection.
    fn accept(
        listener: &Self::Listener,
    ) -> impl Future<Output = io::Result<Self::Stream>> + Send + '_;

    /// Connects to `addr`.
    fn connect(addr: SocketAddr) -> impl Future<Output = io::Result<Self::Stream>> + Send;

    /// Reads what has arrived into `buf` (waiting for at least one byte); 0 at EOF.
    fn read<'a>(
        stream: &'a mut Self::Stream,
        buf: &'a mut [u8],
    ) -> impl Future<Output = io::Result<usize>> + Send + 'a;

    /// Reads exactly `buf.len()` bytes.
    fn read_exact<'a>(
        stream: &'a mut Self::Stream,
        buf: &'a mut [u8],
    ) -> impl Future<Output = io::Result<()>> + Send + 'a;

    /// Writes all of `buf`.
    fn write_all<'a>(
        stream: &'a mut Self::Stream,
        buf: &'a [u8],
    ) -> impl Future<Output = io::Result<()>> + Send + 'a;
}

impl Tokio {
    /// tokio's multi-thread flavor with `workers` worker threads, I/O and timers enabled
    /// (the other groups build tokio without its I/O driver, which changes how it parks).
    pub fn multi_thread_net(workers: usize) -> Tokio {
        Tokio(
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(workers)
                .enable_io()
                .enable_time()
                .build()
                .expect("build tokio runtime"),
        )
    }
}

impl NetRt for Tokio {
    type Listener = tokio::net::TcpListener;
    type Stream = tokio::net::TcpStream;

    async fn bind(addr: SocketAddr) -> io::Result<Self::Listener> {
        tokio::net::TcpListener::bind(addr).await
    }

    fn local_addr(listener: &Self::Listener) -> io::Result<SocketAddr> {
        listener.local_addr()
    }

    async fn accept(listener: &Self::Listener) -> io::Result<Self::Stream> {
        listener.accept().await.map(|(stream, _)| stream)
    }

    async fn connect(addr: SocketAddr) -> io::Result<Self::Stream> {
        tokio::net::TcpStream::connect(addr).await
    }

    async fn read<'a>(stream: &'a mut Self::Stream, buf: &'a mut [u8]) -> io::Result<usize> {
        tokio::io::AsyncReadExt::read(stream, buf).await
    }

    async fn read_exact<'a>(stream: &'a mut Self::Stream, buf: &'a mut [u8]) -> io::Result<()> {
        tokio::io::AsyncReadExt::read_exact(stream, buf)
            .await
            .map(drop)
    }

    async fn write_all<'a>(stream: &'a mut Self::Stream, buf: &'a [u8]) -> io::Result<()> {
        tokio::io::AsyncWriteExt::write_all(stream, buf).await
    }
}

/// Our sockets: `runtime::net`, through the `futures_io` traits (as smol's), so the
/// client's `read_exact` and `write_all` are futures-lite's, the same code as smol's rows.
impl NetRt for Ours {
    type Listener = runtime::net::TcpListener;
    type Stream = runtime::net::TcpStream;

    async fn bind(addr: SocketAddr) -> io::Result<Self::Listener> {
        runtime::net::TcpListener::bind(addr).await
    }

    fn local_addr(listener: &Self::Listener) -> io::Result<SocketAddr> {
        listener.local_addr()
    }

    async fn accept(listener: &Self::Listener) -> io::Result<Self::Stream> {
        listener.accept().await.map(|(stream, _)| stream)
    }

    async fn connect(addr: SocketAddr) -> io::Result<Self::Stream> {
        runtime::net::TcpStream::connect(addr).await
    }

    async fn read<'a>(stream: &'a mut Self::Stream, buf: &'a mut [u8]) -> io::Result<usize> {
        futures_lite::AsyncReadExt::read(stream, buf).await
    }

    async fn read_exact<'a>(stream: &'a mut Self::Stream, buf: &'a mut [u8]) -> io::Result<()> {
        futures_lite::AsyncReadExt::read_exact(stream, buf).await
    }

    async fn write_all<'a>(stream: &'a mut Self::Stream, buf: &'a [u8]) -> io::Result<()> {
        futures_lite::AsyncWriteExt::write_all(stream, buf).await
    }
}

/// smol's sockets: `async_io::Async` around std's, driven by async-io's reactor. The
/// [`SmolMulti`] workers block in `futures_lite::future::block_on`, as in the other
/// groups, so the reactor is polled by async-io's own "async-io" thread.
impl NetRt for SmolMulti {
    type Listener = Async<TcpListener>;
    type Stream = Async<TcpStream>;

    async fn bind(addr: SocketAddr) -> io::Result<Self::Listener> {
        Async::<TcpListener>::bind(addr)
    }

    fn local_addr(listener: &Self::Listener) -> io::Result<SocketAddr> {
        listener.get_ref().local_addr()
    }

    async fn accept(listener: &Self::Listener) -> io::Result<Self::Stream> {
        listener.accept().await.map(|(stream, _)| stream)
    }

    async fn connect(addr: SocketAddr) -> io::Result<Self::Stream> {
        Async::<TcpStream>::connect(addr).await
    }

    async fn read<'a>(stream: &'a mut Self::Stream, buf: &'a mut [u8]) -> io::Result<usize> {
        futures_lite::AsyncReadExt::read(stream, buf).await
    }

    async fn read_exact<'a>(stream: &'a mut Self::Stream, buf: &'a mut [u8]) -> io::Result<()> {
        futures_lite::AsyncReadExt::read_exact(stream, buf).await
    }

    async fn write_all<'a>(stream: &'a mut Self::Stream, buf: &'a [u8]) -> io::Result<()> {
        futures_lite::AsyncWriteExt::write_all(stream, buf).await
    }
}

/// Turns Nagle's algorithm off: a request/response exchange must not wait on delayed ACKs.
fn set_nodelay<S: AsFd>(stream: &S) {
    SockRef::from(stream)
        .set_tcp_nodelay(true)
        .expect("set TCP_NODELAY");
}

/// `SO_LINGER 0`: closing resets the connection instead of leaving it in TIME_WAIT.
fn set_linger_zero<S: AsFd>(stream: &S) {
    SockRef::from(stream)
        .set_linger(Some(Duration::ZERO))
        .expect("set SO_LINGER 0");
}

/// The message a client sends: `len` bytes of a counting pattern, so a misplaced byte
/// shows in the echo.
pub fn message(len: usize) -> Vec<u8> {
    (0..len).map(|i| i as u8).collect()
}

/// `total` split over `parts`: the share of part `i` (the first `total % parts` parts get
/// one more).
pub fn share(total: usize, parts: usize, i: usize) -> usize {
    total / parts + usize::from(i < total % parts)
}

/// The echo server's connection task: reads what arrived, writes it back, until EOF.
async fn echo_server<R: NetRt>(mut stream: R::Stream, served: Latch) {
    set_nodelay(&stream);
    let mut buf = vec![0; ECHO_BUF];
    loop {
        let n = R::read(&mut stream, &mut buf).await.expect("server read");
        if n == 0 {
            break;
        }
        R::write_all(&mut stream, &buf[..n])
            .await
            .expect("server write");
    }
    served.count_down();
}

/// An echo client: `round_trips` times writes `msg` and reads its echo back.
async fn echo_client<R: NetRt>(mut stream: R::Stream, round_trips: usize, msg: Vec<u8>) {
    let mut buf = vec![0; msg.len()];
    for _ in 0..round_trips {
        R::write_all(&mut stream, &msg).await.expect("client write");
        R::read_exact(&mut stream, &mut buf)
            .await
            .expect("client read");
    }
    assert!(
        round_trips == 0 || buf == msg,
        "the echo differs from the message"
    );
}

/// [`CASE_TCP_ECHO_64`] / [`CASE_TCP_ECHO_4K`]: `connections` connections to an echo
/// server on `rt`, each doing `round_trips` round trips of `msg_len` bytes; returns the
/// time from spawning the client tasks until the last finished (set-up and the server
/// tasks' ending are outside it).
pub fn tcp_echo<R: NetRt>(
    rt: &R,
    connections: usize,
    round_trips: usize,
    msg_len: usize,
) -> Duration {
    rt.block_on(async move {
        let listener = R::bind(LOCALHOST).await.expect("bind");
        let addr = R::local_addr(&listener).expect("local address");
        let served = Latch::new(connections);
        let accepting = {
            let served = served.clone();
            R::spawn(async move {
                for _ in 0..connections {
                    let stream = R::accept(&listener).await.expect("accept");
                    R::detach(R::spawn(echo_server::<R>(stream, served.clone())));
                }
            })
        };
        let mut clients = Vec::with_capacity(connections);
        for _ in 0..connections {
            let stream = R::connect(addr).await.expect("connect");
            set_nodelay(&stream);
            clients.push(stream);
        }
        accepting.await;

        let start = Instant::now();
        let tasks: Vec<_> = clients
            .into_iter()
            .map(|stream| R::spawn(echo_client::<R>(stream, round_trips, message(msg_len))))
            .collect();
        for task in tasks {
            task.await;
        }
        let elapsed = start.elapsed();
        served.wait().await;
        elapsed
    })
}

/// [`CASE_ACCEPT_CONNECT`]: `clients` tasks make `connections` connections between them
/// to an accept loop on `rt`; returns the time from binding until the last one is done.
pub fn accept_connect<R: NetRt>(rt: &R, connections: usize, clients: usize) -> Duration {
    rt.block_on(async move {
        let start = Instant::now();
        let listener = R::bind(LOCALHOST).await.expect("bind");
        let addr = R::local_addr(&listener).expect("local address");
        let server = R::spawn(async move {
            for _ in 0..connections {
                let mut stream = R::accept(&listener).await.expect("accept");
                R::write_all(&mut stream, &[ACCEPT_BYTE])
                    .await
                    .expect("server write");
            }
        });
        let tasks: Vec<_> = (0..clients)
            .map(|i| {
                let n = share(connections, clients, i);
                R::spawn(async move {
                    for _ in 0..n {
                        let mut stream = R::connect(addr).await.expect("connect");
                        set_linger_zero(&stream);
                        let mut byte = [0];
                        R::read_exact(&mut stream, &mut byte)
                            .await
                            .expect("client read");
                        assert_eq!(byte[0], ACCEPT_BYTE);
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await;
        }
        server.await;
        start.elapsed()
    })
}
