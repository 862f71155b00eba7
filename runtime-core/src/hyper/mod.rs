//! hyper 1.x on `runtime` (feature `hyper`): the three pieces hyper asks of a runtime.
//!
//! | hyper asks for | runtime gives |
//! |---|---|
//! | `rt::Executor<F>` (HTTP/2 streams, client connection tasks) | [`Executor`]: spawns on the current runtime, or on a given [`Handle`](crate::Handle) |
//! | `rt::Timer` (header timeouts, keep-alive pings) | [`Timer`]: the runtime's timers and clock (paused time included); `reset` moves the existing `Sleep` in place |
//! | `rt::Read` / `rt::Write` (the connection's bytes) | [`Io<T>`]: wraps any `runtime::net` stream (reads go straight into hyper's uninitialized buffer), and the other way round wraps a hyper `Read`/`Write` (an upgraded connection) as `futures_io::AsyncRead`/`AsyncWrite` and [`AsyncReadBuf`](crate::io::AsyncReadBuf) |
//!
//! No other runtime runs underneath: hyper and h2 bring tokio's `sync` and `io-util`
//! parts and tokio-util's codec as libraries, never tokio's `rt`, `net` or `time`
//! (`cargo tree -p runtime --features hyper -e features -i tokio` shows it).
//!
//! # Examples
//!
//! An HTTP/1.1 server and a request to it:
//!
//! ```
//! use hyper::{body::Incoming, server::conn::http1, service::service_fn, Request, Response};
//! use runtime::hyper::{Io, Timer};
//! use runtime::net::{TcpListener, TcpStream};
//!
//! async fn hello(_: Request<Incoming>) -> Result<Response<String>, std::convert::Infallible> {
//!     Ok(Response::new("Hello, World!".to_string()))
//! }
//!
//! # runtime::run(async {
//! let listener = TcpListener::bind("127.0.0.1:0").await?;
//! let addr = listener.local_addr()?;
//! runtime::spawn(async move {
//!     let (stream, _) = listener.accept().await.unwrap();
//!     let conn = http1::Builder::new().timer(Timer::new())
//!         .serve_connection(Io::new(stream), service_fn(hello));
//!     conn.await.unwrap();
//! });
//!
//! let io = Io::new(TcpStream::connect(addr).await?);
//! let (mut sender, conn) = hyper::client::conn::http1::handshake::<_, String>(io).await.unwrap();
//! runtime::spawn(conn);
//! let req = Request::get("/").header("host", "localhost").body(String::new()).unwrap();
//! let res = sender.send_request(req).await.unwrap();
//! assert_eq!(res.status(), 200);
//! # std::io::Result::Ok(())
//! # }).unwrap();
//! ```
mod executor;
mod io;
mod timer;

pub use executor::Executor;
pub use io::Io;
pub use timer::Timer;
