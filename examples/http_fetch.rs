//! An HTTP client with a connection pool, on hyper's client connections and the
//! runtime's TCP: the asyncio twin is an `aiohttp.ClientSession` used under
//! `asyncio.timeout` (or `wait_for`).
//!
//! `cargo run --release --example http_fetch --features hyper` starts a small local
//! server (so the program needs no network), then fetches 40 pages with at most 4 in
//! flight: the pool opens 4 connections and reuses them. A last request to a page that
//! takes 5 s gives up after 300 ms (`runtime::timeout`), and its connection is not put
//! back. Pass URLs (`-- http://127.0.0.1:3000/ ...`, plain HTTP only) to fetch those
//! instead.
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{Request, Response, Uri};
use runtime::hyper::{Io, Timer};
use runtime::net::{TcpListener, TcpStream};
use runtime::sync::Semaphore;

type Error = Box<dyn std::error::Error + Send + Sync>;
/// A client connection's request side; the connection itself runs as a task.
type Conn = SendRequest<Empty<Bytes>>;

/// The pool: idle keep-alive connections per `host:port`.
#[derive(Clone, Default)]
struct Pool {
    idle: Arc<Mutex<HashMap<String, Vec<Conn>>>>,
    opened: Arc<AtomicUsize>,
}

impl Pool {
    /// GET `uri`: on an idle connection if one is alive, else on a new one, which goes
    /// back to the pool once the whole body has been read.
    async fn get(&self, uri: &Uri) -> Result<(u16, Bytes), Error> {
        let host = uri.authority().ok_or("the URL has no host")?.to_string();
        let idle = self
            .idle
            .lock()
            .unwrap()
            .get_mut(&host)
            .and_then(|v| v.pop());
        // An idle connection is used once it is ready for another request; one that
        // the server closed meanwhile fails `ready` and is dropped.
        let mut sender = match idle {
            Some(mut sender) if !sender.is_closed() => match sender.ready().await {
                Ok(()) => sender,
                Err(_) => self.connect(&host).await?,
            },
            _ => self.connect(&host).await?,
        };
        let req = Request::get(uri.path())
            .header("host", &host)
            .body(Empty::new())?;
        let res: Response<_> = sender.send_request(req).await?;
        let status = res.status().as_u16();
        let body = res.into_body().collect().await?.to_bytes();
        self.idle
            .lock()
            .unwrap()
            .entry(host)
            .or_default()
            .push(sender);
        Ok((status, body))
    }

    async fn connect(&self, host: &str) -> Result<Conn, Error> {
        let io = Io::new(TcpStream::connect(host).await?);
        let (sender, conn) = hyper::client::conn::http1::handshake(io).await?;
        runtime::spawn(conn); // drives the connection; ends when the sender is dropped
        self.opened.fetch_add(1, Relaxed);
        Ok(sender)
    }
}

/// The local server the demo fetches from: `/page/N` answers at once, `/slow` in 5 s.
async fn local_server() -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    runtime::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let service =
                hyper::service::service_fn(|req: Request<hyper::body::Incoming>| async move {
                    if req.uri().path() == "/slow" {
                        runtime::sleep(Duration::from_secs(5)).await;
                    }
                    let body = format!("this is {}", req.uri().path());
                    Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(body))))
                });
            runtime::spawn(
                hyper::server::conn::http1::Builder::new()
                    .timer(Timer::new())
                    .serve_connection(Io::new(stream), service),
            );
        }
    });
    Ok(format!("http://{addr}"))
}

#[runtime::main]
async fn main() -> Result<(), Error> {
    let pool = Pool::default();
    let mut urls: Vec<String> = std::env::args().skip(1).collect();
    let local = urls.is_empty();
    if local {
        let base = local_server().await?;
        urls = (0..40).map(|i| format!("{base}/page/{i}")).collect();
        urls.push(format!("{base}/slow"));
    }
    let slow = local.then(|| urls.pop().expect("the slow URL"));

    // At most 4 requests in flight (asyncio: a Semaphore around each fetch).
    let limit = Arc::new(Semaphore::new(4));
    let fetches = urls.into_iter().map(|url| {
        let (pool, limit) = (pool.clone(), limit.clone());
        runtime::spawn(async move {
            let _permit = limit.acquire().await.expect("the semaphore stays open");
            let uri: Uri = url.parse()?;
            let (status, body) = runtime::timeout(Duration::from_secs(5), pool.get(&uri)).await??;
            Ok::<_, Error>(format!(
                "{url} -> {status} {:?}",
                String::from_utf8_lossy(&body)
            ))
        })
    });
    for line in runtime::gather(fetches).await {
        println!("{}", line??);
    }
    let opened = pool.opened.load(Relaxed);
    println!("-- {opened} connections opened");

    if let Some(url) = slow {
        let uri: Uri = url.parse()?;
        match runtime::timeout(Duration::from_millis(300), pool.get(&uri)).await {
            Ok(res) => println!("{url} -> {:?}", res?),
            Err(_) => println!("{url} -> gave up after 300 ms"),
        }
    }
    Ok(())
}
