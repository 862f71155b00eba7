//! `recvfrom(2)` into possibly uninitialized memory, and the sender's address decoded
//! from the kernel's `sockaddr_storage`.
use std::io;
use std::mem::{self, MaybeUninit};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::fd::RawFd;

/// Receives one datagram into `dst` (which may be uninitialized) with `flags`
/// (`MSG_PEEK` to leave it queued); returns its length, truncated to `dst`, and its
/// sender.
pub(super) fn recv_from(
    fd: RawFd,
    dst: &mut [MaybeUninit<u8>],
    flags: libc::c_int,
) -> io::Result<(usize, SocketAddr)> {
    // SAFETY: an all-zero `sockaddr_storage` is a valid (unspecified) address.
    let mut storage: libc::sockaddr_storage = unsafe { mem::zeroed() };
    let mut len = mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    let n = crate::io::poll_evented::sys::retry(|| {
        len = mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        // SAFETY: `dst` is valid for `dst.len()` bytes of writes and `storage` for `len`
        // bytes for the call's duration; the kernel writes no more than that into either
        // and never reads `dst`.
        unsafe {
            libc::recvfrom(
                fd,
                dst.as_mut_ptr().cast(),
                dst.len(),
                flags,
                (&mut storage as *mut libc::sockaddr_storage).cast(),
                &mut len,
            )
        }
    })?;
    Ok((n, to_socket_addr(&storage, len)?))
}

/// The IP address in `storage` (whose first `len` bytes the kernel filled).
fn to_socket_addr(
    storage: &libc::sockaddr_storage,
    len: libc::socklen_t,
) -> io::Result<SocketAddr> {
    let len = len as usize;
    match storage.ss_family as libc::c_int {
        libc::AF_INET if len >= mem::size_of::<libc::sockaddr_in>() => {
            // SAFETY: the family says the storage holds a `sockaddr_in`, which
            // `sockaddr_storage` is large and aligned enough for.
            let a =
                unsafe { &*(storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
            Ok(SocketAddr::V4(SocketAddrV4::new(
                Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr)),
                u16::from_be(a.sin_port),
            )))
        }
        libc::AF_INET6 if len >= mem::size_of::<libc::sockaddr_in6>() => {
            // SAFETY: as above, for `sockaddr_in6`.
            let a = unsafe {
                &*(storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>()
            };
            Ok(SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(a.sin6_addr.s6_addr),
                u16::from_be(a.sin6_port),
                a.sin6_flowinfo,
                a.sin6_scope_id,
            )))
        }
        family => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("recvfrom reported a sender of address family {family}, not IPv4 or IPv6"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_both_families() {
        let v4: SocketAddr = "127.0.0.1:4242".parse().unwrap();
        let v6: SocketAddr = "[::1]:4343".parse().unwrap();
        for addr in [v4, v6] {
            let sock = std::net::UdpSocket::bind(SocketAddr::new(addr.ip(), 0));
            let Ok(sock) = sock else {
                continue; // no IPv6 here
            };
            let peer = std::net::UdpSocket::bind(SocketAddr::new(addr.ip(), 0)).unwrap();
            peer.send_to(b"abc", sock.local_addr().unwrap()).unwrap();
            let mut buf = [MaybeUninit::uninit(); 2];
            use std::os::fd::AsRawFd;
            let (n, from) = recv_from(sock.as_raw_fd(), &mut buf, 0).unwrap();
            assert_eq!(n, 2, "truncated to the buffer");
            assert_eq!(from, peer.local_addr().unwrap());
        }
    }
}
