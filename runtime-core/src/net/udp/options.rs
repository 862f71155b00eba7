//! [`UdpSocket`]'s socket options: broadcast, multicast and TTL.
use super::UdpSocket;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};

impl UdpSocket {
    /// Sets `SO_BROADCAST`: whether the socket may send to a broadcast address.
    ///
    /// # Errors
    ///
    /// What `setsockopt(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.set_broadcast(true)?;
    /// assert!(socket.broadcast()?);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.io.get_ref().set_broadcast(on)
    }

    /// Whether `SO_BROADCAST` is set (see [`set_broadcast`](Self::set_broadcast)).
    ///
    /// # Errors
    ///
    /// What `getsockopt(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(!socket.broadcast()?);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn broadcast(&self) -> io::Result<bool> {
        self.io.get_ref().broadcast()
    }

    /// Sets `IP_MULTICAST_LOOP`: whether multicast datagrams this socket sends are
    /// looped back to the local host's members.
    ///
    /// # Errors
    ///
    /// What `setsockopt(2)` reports (an IPv6 socket may refuse it).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.set_multicast_loop_v4(false)?;
    /// assert!(!socket.multicast_loop_v4()?);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn set_multicast_loop_v4(&self, on: bool) -> io::Result<()> {
        self.io.get_ref().set_multicast_loop_v4(on)
    }

    /// Whether `IP_MULTICAST_LOOP` is set (on by default).
    ///
    /// # Errors
    ///
    /// What `getsockopt(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(socket.multicast_loop_v4()?);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn multicast_loop_v4(&self) -> io::Result<bool> {
        self.io.get_ref().multicast_loop_v4()
    }

    /// Sets `IP_MULTICAST_TTL`: how many hops this socket's multicast datagrams may
    /// take (1, the default, keeps them on the local network).
    ///
    /// # Errors
    ///
    /// What `setsockopt(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.set_multicast_ttl_v4(4)?;
    /// assert_eq!(socket.multicast_ttl_v4()?, 4);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn set_multicast_ttl_v4(&self, ttl: u32) -> io::Result<()> {
        self.io.get_ref().set_multicast_ttl_v4(ttl)
    }

    /// The `IP_MULTICAST_TTL` (see [`set_multicast_ttl_v4`](Self::set_multicast_ttl_v4)).
    ///
    /// # Errors
    ///
    /// What `getsockopt(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_eq!(socket.multicast_ttl_v4()?, 1);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn multicast_ttl_v4(&self) -> io::Result<u32> {
        self.io.get_ref().multicast_ttl_v4()
    }

    /// Sets `IPV6_MULTICAST_LOOP`: whether multicast datagrams this socket sends are
    /// looped back to the local host's members.
    ///
    /// # Errors
    ///
    /// What `setsockopt(2)` reports (an IPv4 socket refuses it).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// // Skipped where the host has no IPv6.
    /// if let Ok(socket) = runtime::net::UdpSocket::bind("[::1]:0").await {
    ///     socket.set_multicast_loop_v6(false)?;
    ///     assert!(!socket.multicast_loop_v6()?);
    /// }
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn set_multicast_loop_v6(&self, on: bool) -> io::Result<()> {
        self.io.get_ref().set_multicast_loop_v6(on)
    }

    /// Whether `IPV6_MULTICAST_LOOP` is set (on by default).
    ///
    /// # Errors
    ///
    /// What `getsockopt(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// if let Ok(socket) = runtime::net::UdpSocket::bind("[::1]:0").await {
    ///     assert!(socket.multicast_loop_v6()?);
    /// }
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn multicast_loop_v6(&self) -> io::Result<bool> {
        self.io.get_ref().multicast_loop_v6()
    }

    /// Sets `IP_TTL`: the time-to-live of the unicast datagrams this socket sends.
    ///
    /// # Errors
    ///
    /// What `setsockopt(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.set_ttl(42)?;
    /// assert_eq!(socket.ttl()?, 42);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.get_ref().set_ttl(ttl)
    }

    /// The `IP_TTL` (see [`set_ttl`](Self::set_ttl)).
    ///
    /// # Errors
    ///
    /// What `getsockopt(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(socket.ttl()? > 0);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.get_ref().ttl()
    }

    /// Joins the IPv4 multicast group `multiaddr` on the interface whose address is
    /// `interface` (`Ipv4Addr::UNSPECIFIED` lets the OS choose).
    ///
    /// # Errors
    ///
    /// What `setsockopt(2)` reports (no multicast-capable interface, not a multicast
    /// address).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use std::net::Ipv4Addr;
    /// let socket = runtime::net::UdpSocket::bind("0.0.0.0:0").await?;
    /// let group = Ipv4Addr::new(239, 255, 0, 1);
    /// // Joins through the loopback interface: no network needed.
    /// socket.join_multicast_v4(group, Ipv4Addr::LOCALHOST)?;
    /// socket.leave_multicast_v4(group, Ipv4Addr::LOCALHOST)?;
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn join_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.io.get_ref().join_multicast_v4(&multiaddr, &interface)
    }

    /// Leaves the IPv4 multicast group `multiaddr` on `interface` (see
    /// [`join_multicast_v4`](Self::join_multicast_v4)).
    ///
    /// # Errors
    ///
    /// What `setsockopt(2)` reports (`AddrNotAvailable` for a group not joined).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use std::net::Ipv4Addr;
    /// let socket = runtime::net::UdpSocket::bind("0.0.0.0:0").await?;
    /// let group = Ipv4Addr::new(239, 255, 0, 2);
    /// assert!(socket.leave_multicast_v4(group, Ipv4Addr::LOCALHOST).is_err());
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn leave_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.io.get_ref().leave_multicast_v4(&multiaddr, &interface)
    }

    /// Joins the IPv6 multicast group `multiaddr` on the interface with index
    /// `interface` (0 lets the OS choose).
    ///
    /// # Errors
    ///
    /// What `setsockopt(2)` reports.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// use std::net::Ipv6Addr;
    /// // Skipped where the host has no IPv6 or no IPv6 multicast route.
    /// if let Ok(socket) = runtime::net::UdpSocket::bind("[::1]:0").await {
    ///     let group: Ipv6Addr = "ff01::1234".parse().unwrap(); // interface-local
    ///     if socket.join_multicast_v6(&group, 1).is_ok() {
    ///         socket.leave_multicast_v6(&group, 1)?;
    ///     }
    /// }
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn join_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.io.get_ref().join_multicast_v6(multiaddr, interface)
    }

    /// Leaves the IPv6 multicast group `multiaddr` on interface `interface` (see
    /// [`join_multicast_v6`](Self::join_multicast_v6)).
    ///
    /// # Errors
    ///
    /// What `setsockopt(2)` reports (for a group not joined, for one).
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// if let Ok(socket) = runtime::net::UdpSocket::bind("[::1]:0").await {
    ///     let group: std::net::Ipv6Addr = "ff01::4321".parse().unwrap();
    ///     assert!(socket.leave_multicast_v6(&group, 1).is_err());
    /// }
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn leave_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.io.get_ref().leave_multicast_v6(multiaddr, interface)
    }
}
