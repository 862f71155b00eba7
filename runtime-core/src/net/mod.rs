//! Sockets: TCP, UDP and Unix-domain, registered with the runtime's I/O driver.
//!
//! Every socket type is created inside a runtime (in a task, in `block_on`, or under
//! [`Handle::enter`](crate::Handle::enter)) and belongs to that runtime's driver; using
//! it after the runtime shut down fails with an error that says so.
//!
//! Addresses are anything [`ToSocketAddrs`]: host names are resolved on the blocking
//! pool ([`lookup_host`]).
mod addr;

#[allow(unused_imports)] // used by the socket types
pub(crate) use addr::{each_addr, to_socket_addrs};
pub use addr::{lookup_host, ToSocketAddrs};
