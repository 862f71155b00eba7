//! Sockets: TCP, UDP and Unix-domain, registered with the runtime's I/O driver.
//!
//! Every socket type is created inside a runtime (in a task, in `block_on`, or under
//! [`Handle::enter`](crate::Handle::enter)) and belongs to that runtime's driver; using
//! it after the runtime shut down fails with an error that says so.
//!
//! Addresses are anything [`ToSocketAddrs`]: host names are resolved on the blocking
//! pool ([`lookup_host`]).
//!
//! # Streams
//!
//! [`TcpStream`] and [`UnixStream`] share one implementation (`stream.rs`, with the
//! public surface written once in `stream_api.rs` and `split.rs`): `async fn` reads and
//! writes that any number of tasks may await on one socket, `try_*` forms for use after
//! `readable()`/`writable()`, `split`/`into_split` halves, and `futures_io::AsyncRead`/
//! `AsyncWrite` on the streams, on `&` references to them, and on their halves.
mod addr;
// The socket types sit on `io::poll_evented`, which loom builds leave out.
#[cfg(not(runtime_loom))]
mod datagram;
#[cfg(not(runtime_loom))]
mod split;
#[cfg(not(runtime_loom))]
mod stream;
#[cfg(not(runtime_loom))]
mod stream_api;
#[cfg(not(runtime_loom))]
pub mod tcp;
#[cfg(not(runtime_loom))]
mod udp;
#[cfg(not(runtime_loom))]
pub mod unix;
#[cfg(not(runtime_loom))]
mod unix_datagram;

#[cfg_attr(runtime_loom, allow(unused_imports))] // the socket types are not loom-built
pub(crate) use addr::each_addr;
#[cfg_attr(runtime_loom, allow(unused_imports))] // the socket types are not loom-built
pub(crate) use addr::to_socket_addrs;
pub use addr::{lookup_host, ToSocketAddrs};
#[cfg(not(runtime_loom))]
pub use tcp::{TcpListener, TcpSocket, TcpStream};
#[cfg(not(runtime_loom))]
pub use udp::UdpSocket;
#[cfg(not(runtime_loom))]
pub use unix::{UnixListener, UnixStream};
#[cfg(not(runtime_loom))]
pub use unix_datagram::UnixDatagram;
