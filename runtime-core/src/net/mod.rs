//! Sockets: TCP, UDP and Unix-domain, registered with the runtime's I/O driver.
//!
//! Every socket type is created inside a runtime (in a task, in `block_on`, or under
//! [`Handle::enter`](crate::Handle::enter)) and belongs to that runtime's driver; using
//! it after the runtime shut down fails with an error that says so.
//!
//! Addresses are anything [`ToSocketAddrs`]: host names are resolved on the blocking
//! pool ([`lookup_host`]).
mod addr;
// The socket types sit on `io::poll_evented`, which loom builds leave out.
#[cfg(not(runtime_loom))]
mod datagram;
#[cfg(not(runtime_loom))]
mod udp;
#[cfg(not(runtime_loom))]
mod unix_datagram;

#[allow(unused_imports)] // used by the socket types
pub(crate) use addr::{each_addr, to_socket_addrs};
pub use addr::{lookup_host, ToSocketAddrs};
#[cfg(not(runtime_loom))]
pub use udp::UdpSocket;
#[cfg(not(runtime_loom))]
pub use unix_datagram::UnixDatagram;
