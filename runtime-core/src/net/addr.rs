//! Addresses: [`ToSocketAddrs`] for everything the socket types accept, and
//! [`lookup_host`], which resolves host names on the blocking pool.
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::pin::Pin;
use std::vec;

/// What the socket types accept as an address: a `SocketAddr`, an `(IpAddr, u16)`, a
/// slice of addresses, or a `"host:port"` string (or `(&str, u16)`), whose host name is
/// resolved off the workers, on the blocking pool.
///
/// Literal addresses (`"127.0.0.1:8080"`, `"[::1]:80"`) are parsed in place without
/// touching the pool. The trait is sealed: its method is the runtime's own business.
///
/// # Examples
///
/// ```
/// # runtime::run(async {
/// use std::net::SocketAddr;
/// let addrs: Vec<SocketAddr> = runtime::net::lookup_host("127.0.0.1:80").await?.collect();
/// assert_eq!(addrs, ["127.0.0.1:80".parse::<SocketAddr>().unwrap()]);
/// # std::io::Result::Ok(())
/// # }).unwrap();
/// ```
pub trait ToSocketAddrs: sealed::ToSocketAddrsPriv {}

/// Resolves `host` (anything [`ToSocketAddrs`]) to its socket addresses. A host name is
/// resolved with the system resolver on the blocking pool, so a slow DNS answer never
/// blocks a worker.
///
/// # Errors
///
/// What the resolver says (an unknown host, no network), or an `InvalidInput` error for
/// a string that is not `host:port`.
///
/// # Examples
///
/// ```
/// # runtime::run(async {
/// for addr in runtime::net::lookup_host("localhost:8080").await? {
///     assert_eq!(addr.port(), 8080);
///     assert!(addr.ip().is_loopback());
/// }
/// # std::io::Result::Ok(())
/// # }).unwrap();
/// ```
pub async fn lookup_host<T: ToSocketAddrs>(
    host: T,
) -> io::Result<impl Iterator<Item = SocketAddr>> {
    to_socket_addrs(host).await
}

/// The crate's way to resolve an address argument.
pub(crate) async fn to_socket_addrs<T: ToSocketAddrs>(
    addr: T,
) -> io::Result<vec::IntoIter<SocketAddr>> {
    use sealed::Resolve;
    match addr.resolve() {
        Resolve::Ready(addrs) => addrs.map(Vec::into_iter),
        Resolve::Blocking(job) => job.await.map(Vec::into_iter),
    }
}

#[cfg_attr(runtime_loom, allow(dead_code))] // the socket types are not loom-built
/// Tries each address in turn with `f` and returns the first success, or the last
/// error (or an `InvalidInput` error when there were no addresses).
pub(crate) async fn each_addr<T, R, F, Fut>(addr: T, mut f: F) -> io::Result<R>
where
    T: ToSocketAddrs,
    F: FnMut(SocketAddr) -> Fut,
    Fut: Future<Output = io::Result<R>>,
{
    let mut last = None;
    for a in to_socket_addrs(addr).await? {
        match f(a).await {
            Ok(r) => return Ok(r),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            crate::error::NO_SOCKET_ADDRESSES,
        )
    }))
}

pub(crate) mod sealed {
    use super::*;

    /// A resolution: done already, or running on the blocking pool.
    #[allow(missing_debug_implementations)] // never leaves the crate
    pub enum Resolve {
        /// Literal addresses.
        Ready(io::Result<Vec<SocketAddr>>),
        /// A host name being resolved.
        Blocking(Pin<Box<dyn Future<Output = io::Result<Vec<SocketAddr>>> + Send>>),
    }

    /// The sealed half of [`ToSocketAddrs`].
    pub trait ToSocketAddrsPriv {
        /// Starts resolving `self`.
        fn resolve(&self) -> Resolve;
    }

    /// Resolves `host` with the system resolver on the blocking pool.
    fn blocking(host: String) -> Resolve {
        let job = crate::spawn_blocking(move || {
            std::net::ToSocketAddrs::to_socket_addrs(&host).map(Iterator::collect)
        });
        Resolve::Blocking(Box::pin(async move {
            job.await.unwrap_or_else(|e| {
                Err(io::Error::other(format!(
                    "host name resolution failed: {e}"
                )))
            })
        }))
    }

    macro_rules! literal {
        ($($t:ty),*) => {$(
            impl ToSocketAddrs for $t {}
            impl ToSocketAddrsPriv for $t {
                fn resolve(&self) -> Resolve {
                    Resolve::Ready(std::net::ToSocketAddrs::to_socket_addrs(self).map(Iterator::collect))
                }
            }
        )*};
    }
    literal!(
        SocketAddr,
        SocketAddrV4,
        SocketAddrV6,
        (IpAddr, u16),
        (Ipv4Addr, u16),
        (Ipv6Addr, u16)
    );

    impl ToSocketAddrs for [SocketAddr] {}
    impl ToSocketAddrsPriv for [SocketAddr] {
        fn resolve(&self) -> Resolve {
            Resolve::Ready(Ok(self.to_vec()))
        }
    }

    impl<const N: usize> ToSocketAddrs for [SocketAddr; N] {}
    impl<const N: usize> ToSocketAddrsPriv for [SocketAddr; N] {
        fn resolve(&self) -> Resolve {
            Resolve::Ready(Ok(self.to_vec()))
        }
    }

    impl ToSocketAddrs for str {}
    impl ToSocketAddrsPriv for str {
        fn resolve(&self) -> Resolve {
            match self.parse::<SocketAddr>() {
                Ok(addr) => Resolve::Ready(Ok(vec![addr])),
                Err(_) => blocking(self.to_owned()),
            }
        }
    }

    impl ToSocketAddrs for String {}
    impl ToSocketAddrsPriv for String {
        fn resolve(&self) -> Resolve {
            self.as_str().resolve()
        }
    }

    impl ToSocketAddrs for (&str, u16) {}
    impl ToSocketAddrsPriv for (&str, u16) {
        fn resolve(&self) -> Resolve {
            let (host, port) = *self;
            if let Ok(ip) = host.parse::<IpAddr>() {
                return Resolve::Ready(Ok(vec![SocketAddr::new(ip, port)]));
            }
            let host = host.to_owned();
            let job = crate::spawn_blocking(move || {
                std::net::ToSocketAddrs::to_socket_addrs(&(host.as_str(), port))
                    .map(Iterator::collect)
            });
            Resolve::Blocking(Box::pin(async move {
                job.await.unwrap_or_else(|e| {
                    Err(io::Error::other(format!(
                        "host name resolution failed: {e}"
                    )))
                })
            }))
        }
    }

    impl ToSocketAddrs for (String, u16) {}
    impl ToSocketAddrsPriv for (String, u16) {
        fn resolve(&self) -> Resolve {
            (self.0.as_str(), self.1).resolve()
        }
    }

    impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}
    impl<T: ToSocketAddrsPriv + ?Sized> ToSocketAddrsPriv for &T {
        fn resolve(&self) -> Resolve {
            (**self).resolve()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_resolve_without_the_pool() {
        use sealed::{Resolve, ToSocketAddrsPriv};
        for r in [
            "127.0.0.1:1".resolve(),
            ("::1", 2).resolve(),
            (Ipv4Addr::LOCALHOST, 3).resolve(),
        ] {
            assert!(matches!(r, Resolve::Ready(Ok(ref v)) if v.len() == 1));
        }
    }

    #[test]
    fn a_bad_string_is_an_error() {
        let rt = crate::Runtime::new().unwrap();
        let err = rt.block_on(to_socket_addrs("no port here")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{err}");
    }

    #[test]
    fn no_addresses_is_an_invalid_input_error() {
        let rt = crate::Runtime::new().unwrap();
        let empty: &[SocketAddr] = &[];
        let err = rt
            .block_on(each_addr(empty, |_| async { Ok(()) }))
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }
}
