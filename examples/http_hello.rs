//! "Hello, World!" over HTTP/1.1 with hyper on the runtime, and a graceful shutdown.
//!
//! The server keeps connections alive between requests. On SIGTERM or ctrl-c it stops
//! accepting, tells every open connection through a `watch` channel, lets each finish
//! the request it is serving (hyper's `graceful_shutdown`), waits for them up to a
//! deadline, and exits.
//!
//! Run as is (`cargo run --release --example http_hello --features hyper`), it shows
//! itself: a client fetches `/` three times over one keep-alive connection, then asks
//! for `/slow` (300 ms of "work"), and while that request is in flight the program
//! sends itself SIGTERM. The slow answer still arrives; then the connection closes.
//! With `-- --serve` it serves on 127.0.0.1:3000 until you press ctrl-c (try
//! `curl -i http://127.0.0.1:3000/`). The accept loop, the signal wait and the drain are
//! `examples/support/shutdown.rs`, shared with `graceful_shutdown`.
use std::convert::Infallible;
use std::future::{poll_fn, Future};
use std::net::SocketAddr;
use std::pin::pin;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use runtime::hyper::{Io, Timer};
use runtime::net::{TcpListener, TcpStream};
use runtime::sync::{mpsc, watch};

#[path = "support/shutdown.rs"]
mod shutdown;
use shutdown::{sigterm_self_after, Server};

async fn hello(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    if req.uri().path() == "/slow" {
        runtime::sleep(Duration::from_millis(300)).await;
    }
    Ok(Response::new(Full::new(Bytes::from_static(
        b"Hello, World!",
    ))))
}

/// One connection, served until the client leaves, or until shutdown is announced and
/// the request in flight (if any) is answered. `_alive` is dropped on return: that is
/// how `main` counts open connections.
async fn serve(stream: TcpStream, mut shutdown: watch::Receiver<bool>, _alive: mpsc::Sender<()>) {
    let conn = http1::Builder::new()
        .timer(Timer::new())
        .header_read_timeout(Duration::from_secs(10))
        .serve_connection(Io::new(stream), service_fn(hello));
    let mut conn = pin!(conn);
    // A change (or the sender gone) means: finish what is in flight, then close.
    let mut changed = pin!(shutdown.changed());
    let mut told = false;
    let result = poll_fn(|cx| {
        if !told && changed.as_mut().poll(cx).is_ready() {
            conn.as_mut().graceful_shutdown();
            told = true;
        }
        conn.as_mut().poll(cx)
    })
    .await;
    if let Err(e) = result {
        eprintln!("server: connection error: {e}");
    }
}

/// The client part: one keep-alive connection, three quick requests and a slow one.
async fn client(addr: SocketAddr) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let io = Io::new(TcpStream::connect(addr).await?);
    let (mut sender, conn) = hyper::client::conn::http1::handshake(io).await?;
    let conn = runtime::spawn(conn);
    for path in ["/", "/", "/", "/slow"] {
        let req = Request::get(path)
            .header("host", addr.to_string())
            .body(Empty::<Bytes>::new())?;
        sender.ready().await?; // the previous exchange is over: the connection takes another
        let res = sender.send_request(req).await?;
        let status = res.status();
        let body = res.into_body().collect().await?.to_bytes();
        println!(
            "client: GET {path} -> {status} {:?}",
            String::from_utf8_lossy(&body)
        );
    }
    // The server closes the connection after the slow answer (it is shutting down).
    drop(sender);
    conn.await??;
    println!("client: the connection is closed");
    Ok(())
}

#[runtime::main]
async fn main() -> std::io::Result<()> {
    let serve_forever = std::env::args().any(|a| a == "--serve");
    let listener = if serve_forever {
        TcpListener::bind("127.0.0.1:3000").await?
    } else {
        TcpListener::bind("127.0.0.1:0").await?
    };
    let addr = listener.local_addr()?;
    println!("serving on http://{addr}/");

    let server = Server::start(listener, |stream, _, shutdown, alive| {
        runtime::spawn(serve(stream, shutdown, alive));
    });

    let mut demo = None;
    if !serve_forever {
        demo = Some(runtime::spawn(client(addr)));
        // The three quick requests take well under 150 ms; the slow one is then in
        // flight.
        sigterm_self_after(Duration::from_millis(150));
    }

    server.run_until_signal().await?;
    if let Some(demo) = demo {
        demo.await
            .expect("the client task finishes")
            .map_err(std::io::Error::other)?;
    }
    println!("-- bye");
    Ok(())
}
