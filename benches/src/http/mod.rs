//! HTTP/1.1 keep-alive "Hello, World!" on hyper 1.x, served by each runtime, and one fixed
//! load generator ([`loadgen`]) for all of them, so that only the server's runtime
//! differs.
//!
//! The server is the same hyper program on every runtime ([`HttpRt::serve_hello`]): an
//! accept loop task, one task per connection running
//! `http1::Builder::new().timer(..).serve_connection(io, service_fn(hello))`, where
//! `hello` answers every request with a 13-byte `Full` body. Only the adapters differ:
//!
//! | runtime | I/O | timer | listener |
//! |---|---|---|---|
//! | runtime | `runtime::hyper::Io` | `runtime::hyper::Timer` | `runtime::net::TcpListener` |
//! | tokio | `hyper_util::rt::TokioIo` | `hyper_util::rt::TokioTimer` | `tokio::net::TcpListener` |
//! | smol | `smol_hyper::rt::FuturesIo` | `smol_hyper::rt::SmolTimer` | `async_io::Async<TcpListener>` |
//!
//! Every server has a timer, as a production server does (hyper then runs its header
//! read timeout, re-armed for every request), and `TCP_NODELAY` on every accepted
//! stream.
//!
//! ```
//! use runtime_benches::http::{loadgen, HttpRt};
//! use runtime_benches::{Ours, SmolMulti, Tokio};
//!
//! for addr in [
//!     Ours::multi_thread(2).serve_hello(),
//!     Tokio::multi_thread_net(2).serve_hello(),
//!     SmolMulti::new(2).serve_hello(),
//! ] {
//!     let _ = addr; // the runtimes are dropped: these servers are gone
//! }
//! let rt = Ours::multi_thread(2);
//! let report = loadgen::run(rt.serve_hello(), 2, 4, 10);
//! assert_eq!(report.latencies.len(), 80);
//! ```
use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};

use crate::net::LOCALHOST;
use crate::{Ours, Rt, SmolMulti, Tokio};

pub mod loadgen;

/// Criterion group: ids read `http/<case>/<runtime>`.
pub const GROUP_HTTP: &str = "http";
/// Case: hello-world requests over keep-alive connections.
pub const CASE_HELLO_KEEPALIVE: &str = "hello_keepalive";
/// Load generator threads.
pub const CLIENT_THREADS: usize = 2;
/// Keep-alive connections per load generator thread.
pub const CONNS_PER_THREAD: usize = 32;
/// Requests per connection and iteration (criterion) or run (`http_load`'s default).
pub const REQUESTS_PER_CONN: usize = 100;
/// The body every server answers with.
pub const HELLO: &[u8] = b"Hello, World!";

/// The one service every server runs.
async fn hello(_req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(Response::new(Full::new(Bytes::from_static(HELLO))))
}

/// A runtime that can serve [`hello`] over HTTP/1.1.
pub trait HttpRt: Rt {
    /// Binds a loopback port and serves [`hello`] on it from a task of this runtime
    /// until the runtime is dropped; returns the address.
    fn serve_hello(&self) -> SocketAddr;
}

impl HttpRt for Ours {
    fn serve_hello(&self) -> SocketAddr {
        use runtime::hyper::{Io, Timer};
        let listener = self
            .block_on(runtime::net::TcpListener::bind(LOCALHOST))
            .expect("bind");
        let addr = listener.local_addr().expect("local_addr");
        Ours::detach(self.spawn_remote(async move {
            while let Ok((stream, _)) = listener.accept().await {
                stream.set_nodelay(true).expect("nodelay");
                Ours::detach(Ours::spawn(async move {
                    let _ = http1::Builder::new()
                        .timer(Timer::new())
                        .serve_connection(Io::new(stream), service_fn(hello))
                        .await;
                }));
            }
        }));
        addr
    }
}

impl HttpRt for Tokio {
    fn serve_hello(&self) -> SocketAddr {
        use hyper_util::rt::{TokioIo, TokioTimer};
        let listener = self
            .block_on(tokio::net::TcpListener::bind(LOCALHOST))
            .expect("bind");
        let addr = listener.local_addr().expect("local_addr");
        Tokio::detach(self.spawn_remote(async move {
            while let Ok((stream, _)) = listener.accept().await {
                stream.set_nodelay(true).expect("nodelay");
                Tokio::detach(Tokio::spawn(async move {
                    let _ = http1::Builder::new()
                        .timer(TokioTimer::new())
                        .serve_connection(TokioIo::new(stream), service_fn(hello))
                        .await;
                }));
            }
        }));
        addr
    }
}

impl HttpRt for SmolMulti {
    fn serve_hello(&self) -> SocketAddr {
        use smol_hyper::rt::{FuturesIo, SmolTimer};
        let listener = async_io::Async::<std::net::TcpListener>::bind(LOCALHOST).expect("bind");
        let addr = listener.get_ref().local_addr().expect("local_addr");
        SmolMulti::detach(self.spawn_remote(async move {
            while let Ok((stream, _)) = listener.accept().await {
                stream.get_ref().set_nodelay(true).expect("nodelay");
                SmolMulti::detach(SmolMulti::spawn(async move {
                    let _ = http1::Builder::new()
                        .timer(SmolTimer::new())
                        .serve_connection(FuturesIo::new(stream), service_fn(hello))
                        .await;
                }));
            }
        }));
        addr
    }
}
