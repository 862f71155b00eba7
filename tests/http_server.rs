//! hyper 1.x servers and clients on the runtime (`runtime::hyper`): HTTP/1.1 and HTTP/2
//! answers, many keep-alive clients, streamed request bodies, client timeouts, hyper's
//! header-read timeout on the runtime's timers, hyper's vectored writes, and an upgraded
//! connection spoken through the runtime's I/O traits.
#![cfg(feature = "hyper")]

mod support;

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::io::{AsyncReadExt, AsyncWriteExt};
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::{Body, Frame, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use runtime::hyper::{Executor, Io, Timer};
use runtime::net::{TcpListener, TcpStream};
use runtime::sync::{mpsc, oneshot};
use support::{on_both_flavors, patient};

/// What the test server answers:
/// - `/`: "Hello, World!" as text/plain;
/// - `/echo`: the request body, with `x-frames` the number of data frames it came in;
/// - `/slow`: "late" after 30 s (for client timeouts);
/// - `/upgrade`: 101, then upper-cases whatever the client sends on the upgraded bytes.
async fn handle(mut req: Request<Incoming>) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let res = match req.uri().path() {
        "/" => Response::builder()
            .header("content-type", "text/plain")
            .header("x-served-by", "runtime")
            .body(Full::new(Bytes::from_static(b"Hello, World!"))),
        "/echo" => {
            let mut body = req.into_body();
            let (mut frames, mut all) = (0, Vec::new());
            while let Some(frame) = body.frame().await {
                if let Ok(data) = frame?.into_data() {
                    frames += 1;
                    all.extend_from_slice(&data);
                }
            }
            Response::builder()
                .header("x-frames", frames.to_string())
                .body(Full::new(Bytes::from(all)))
        }
        "/slow" => {
            runtime::sleep(Duration::from_secs(30)).await;
            Response::builder().body(Full::new(Bytes::from_static(b"late")))
        }
        "/upgrade" => {
            let upgrade = hyper::upgrade::on(&mut req);
            runtime::spawn(async move {
                let mut io = Io::new(upgrade.await.expect("the upgrade completes"));
                let mut buf = [0u8; 5];
                io.read_exact(&mut buf).await.unwrap();
                buf.make_ascii_uppercase();
                io.write_all(&buf).await.unwrap();
                io.flush().await.unwrap();
            });
            Response::builder()
                .status(StatusCode::SWITCHING_PROTOCOLS)
                .header("connection", "upgrade")
                .header("upgrade", "shout")
                .body(Full::default())
        }
        _ => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Full::default()),
    };
    Ok(res.expect("a valid response"))
}

/// Which protocol a test server speaks.
#[derive(Clone, Copy)]
enum Proto {
    Http1,
    Http2,
}

/// Serves `handle` on a fresh loopback port until the runtime ends; returns the address
/// and a count of accepted connections.
async fn server(proto: Proto) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    runtime::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            count.fetch_add(1, SeqCst);
            let io = Io::new(stream);
            runtime::spawn(async move {
                let _ = match proto {
                    Proto::Http1 => {
                        hyper::server::conn::http1::Builder::new()
                            .timer(Timer::new())
                            .serve_connection(io, service_fn(handle))
                            .with_upgrades()
                            .await
                    }
                    Proto::Http2 => {
                        hyper::server::conn::http2::Builder::new(Executor::new())
                            .timer(Timer::new())
                            .serve_connection(io, service_fn(handle))
                            .await
                    }
                };
            });
        }
    });
    (addr, accepted)
}

/// An HTTP/1.1 client connection to `addr`, its connection task running.
async fn client_h1<B>(addr: SocketAddr) -> hyper::client::conn::http1::SendRequest<B>
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let io = Io::new(TcpStream::connect(addr).await.unwrap());
    let (sender, conn) = hyper::client::conn::http1::handshake(io).await.unwrap();
    runtime::spawn(conn.with_upgrades());
    sender
}

fn get(path: &str) -> Request<Empty<Bytes>> {
    Request::get(path)
        .header("host", "localhost")
        .body(Empty::new())
        .unwrap()
}

async fn body_text(res: Response<Incoming>) -> String {
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn http1_answers_with_the_body_and_headers() {
    on_both_flavors(|| async {
        let (addr, _) = server(Proto::Http1).await;
        let mut sender = client_h1(addr).await;
        let res = sender.send_request(get("/")).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.version(), hyper::Version::HTTP_11);
        assert_eq!(res.headers()["content-type"], "text/plain");
        assert_eq!(res.headers()["x-served-by"], "runtime");
        assert_eq!(res.headers()["content-length"], "13");
        assert_eq!(body_text(res).await, "Hello, World!");

        // A keep-alive connection takes the next request once it is ready again.
        sender.ready().await.unwrap();
        let res = sender.send_request(get("/nowhere")).await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    });
}

#[test]
fn http2_over_prior_knowledge_multiplexes_requests_on_one_connection() {
    on_both_flavors(|| async {
        let (addr, accepted) = server(Proto::Http2).await;
        let io = Io::new(TcpStream::connect(addr).await.unwrap());
        let (sender, conn) = hyper::client::conn::http2::Builder::new(Executor::new())
            .timer(Timer::new())
            .handshake::<_, Empty<Bytes>>(io)
            .await
            .unwrap();
        runtime::spawn(conn);
        let requests = (0..20).map(|_| {
            let mut sender = sender.clone();
            async move {
                sender.ready().await.unwrap();
                sender.send_request(get("http://localhost/")).await.unwrap()
            }
        });
        for res in runtime::gather(requests).await {
            assert_eq!(res.status(), StatusCode::OK);
            assert_eq!(res.version(), hyper::Version::HTTP_2);
            assert_eq!(res.headers()["x-served-by"], "runtime");
            assert_eq!(body_text(res).await, "Hello, World!");
        }
        assert_eq!(accepted.load(SeqCst), 1, "one connection carried them all");
    });
}

#[test]
fn a_hundred_keep_alive_clients_at_once() {
    on_both_flavors(|| async {
        let (addr, accepted) = server(Proto::Http1).await;
        let clients = (0..100).map(|_| {
            runtime::spawn(async move {
                let mut sender = client_h1(addr).await;
                for _ in 0..10 {
                    sender.ready().await.unwrap();
                    let res = sender.send_request(get("/")).await.unwrap();
                    assert_eq!(body_text(res).await, "Hello, World!");
                }
            })
        });
        for done in patient(runtime::gather(clients)).await {
            done.unwrap();
        }
        assert_eq!(
            accepted.load(SeqCst),
            100,
            "each client kept its connection alive"
        );
    });
}

/// A request body from a channel: each message is one data frame, sent when the test
/// says so.
struct ChannelBody(mpsc::UnboundedReceiver<Bytes>);

impl Body for ChannelBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0
            .poll_recv(cx)
            .map(|chunk| chunk.map(|c| Ok(Frame::data(c))))
    }
}

/// Starts a POST to `/echo` on `sender` whose body is streamed from the returned
/// channel (dropping it ends the body); the task resolves to the response.
fn post_echo_streamed(
    mut sender: hyper::client::conn::http1::SendRequest<ChannelBody>,
) -> (
    mpsc::UnboundedSender<Bytes>,
    runtime::JoinHandle<hyper::Result<Response<Incoming>>>,
) {
    let (tx, rx) = mpsc::unbounded_channel();
    let req = Request::post("/echo")
        .header("host", "localhost")
        .body(ChannelBody(rx))
        .unwrap();
    (
        tx,
        runtime::spawn(async move { sender.send_request(req).await }),
    )
}

#[test]
fn a_request_body_streamed_in_chunks_arrives_whole() {
    on_both_flavors(|| async {
        let (addr, _) = server(Proto::Http1).await;
        let sender = client_h1(addr).await;
        let (tx, response) = post_echo_streamed(sender);
        for i in 0..5 {
            tx.send(Bytes::from(format!("chunk {i};"))).unwrap();
            runtime::sleep(Duration::from_millis(20)).await;
        }
        drop(tx); // end of body
        let res = patient(response).await.unwrap().unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let frames: usize = res.headers()["x-frames"].to_str().unwrap().parse().unwrap();
        assert!(
            frames >= 2,
            "the body came as a stream, not one piece ({frames} frames)"
        );
        assert_eq!(
            body_text(res).await,
            "chunk 0;chunk 1;chunk 2;chunk 3;chunk 4;"
        );
    });
}

/// A stream that counts the vectored writes that reach it, so a test can see hyper's
/// `writev(true)` go through `Io` to the socket's vectored write.
struct CountingStream {
    inner: TcpStream,
    vectored: Arc<AtomicUsize>,
}

impl runtime::io::AsyncReadBuf for CountingStream {
    fn poll_read_buf(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut runtime::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read_buf(cx, buf)
    }
}

impl futures_util::io::AsyncWrite for CountingStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        if bufs.len() > 1 {
            self.vectored.fetch_add(1, SeqCst);
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_close(cx)
    }
}

#[test]
fn hypers_vectored_writes_go_through_io_whole() {
    on_both_flavors(|| async {
        let (addr, _) = server(Proto::Http1).await;
        let vectored = Arc::new(AtomicUsize::new(0));
        let stream = CountingStream {
            inner: TcpStream::connect(addr).await.unwrap(),
            vectored: vectored.clone(),
        };
        // `writev(true)`: hyper queues the head and each body chunk as separate slices
        // instead of copying them into one buffer.
        let (sender, conn) = hyper::client::conn::http1::Builder::new()
            .writev(true)
            .handshake(Io::new(stream))
            .await
            .unwrap();
        runtime::spawn(conn);
        let (tx, response) = post_echo_streamed(sender);
        let mut expected = Vec::new();
        for i in 0..16u8 {
            let chunk = vec![b'a' + i; 64 * 1024];
            expected.extend_from_slice(&chunk);
            tx.send(Bytes::from(chunk)).unwrap();
        }
        drop(tx);
        let res = patient(response).await.unwrap().unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body = res.into_body().collect().await.unwrap().to_bytes();
        assert!(body == expected, "the 1 MiB echo came back altered");
        assert!(
            vectored.load(SeqCst) > 0,
            "hyper's vectored writes never reached the stream's poll_write_vectored"
        );
    });
}

#[test]
fn a_client_timeout_gives_up_on_a_slow_server() {
    on_both_flavors(|| async {
        let (addr, _) = server(Proto::Http1).await;
        let mut sender = client_h1::<Empty<Bytes>>(addr).await;
        let started = std::time::Instant::now();
        let res = runtime::timeout(
            Duration::from_millis(100),
            sender.send_request(get("/slow")),
        )
        .await;
        assert!(res.is_err(), "the 30 s answer cannot beat a 100 ms timeout");
        assert!(started.elapsed() >= Duration::from_millis(100));
        assert!(started.elapsed() < Duration::from_secs(20));
        // The half-sent exchange leaves this connection unusable; a new one works.
        let mut sender = client_h1(addr).await;
        let res = sender.send_request(get("/")).await.unwrap();
        assert_eq!(body_text(res).await, "Hello, World!");
    });
}

#[test]
fn hypers_header_read_timeout_runs_on_the_runtimes_timers() {
    on_both_flavors(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (done_tx, done_rx) = oneshot::channel();
        runtime::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            let res = hyper::server::conn::http1::Builder::new()
                .timer(Timer::new())
                .header_read_timeout(Duration::from_millis(300))
                .serve_connection(Io::new(stream), service_fn(handle))
                .await;
            let _ = done_tx.send(res.map_err(|e| e.to_string()));
        });

        // Two requests back to back: the second request's timer is the first's, reset.
        let stream = TcpStream::connect(addr).await.unwrap();
        let started = std::time::Instant::now();
        for _ in 0..2 {
            stream
                .write_all(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
                .await
                .unwrap();
            let mut buf = [0u8; 1024];
            let n = stream.read(&mut buf).await.unwrap();
            assert!(
                buf[..n].ends_with(b"Hello, World!"),
                "{:?}",
                String::from_utf8_lossy(&buf[..n])
            );
        }
        // Then half a request head, and silence: the server gives up on it.
        stream.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        let mut buf = [0u8; 1024];
        let n = patient(stream.read(&mut buf)).await.unwrap_or(0);
        let text = String::from_utf8_lossy(&buf[..n]).into_owned();
        assert!(n == 0 || text.starts_with("HTTP/1.1 408"), "{text:?}");
        let served = patient(done_rx).await.unwrap();
        assert!(served.is_err(), "the connection ended on the timeout");
        assert!(started.elapsed() >= Duration::from_millis(300));
    });
}

#[test]
fn the_timer_resets_a_sleep_in_place_and_reads_the_paused_clock() {
    use hyper::rt::Timer as _;

    let rt = support::rt_paused();
    rt.block_on(async {
        let timer = Timer::new();
        let start = timer.now();
        runtime::time::advance(Duration::from_secs(5)).await;
        assert_eq!(
            timer.now() - start,
            Duration::from_secs(5),
            "now is the runtime's clock"
        );

        let mut sleep = timer.sleep(Duration::from_secs(3600));
        let before: *const () = &*sleep as *const _ as *const ();
        timer.reset(&mut sleep, timer.now() + Duration::from_secs(2));
        let after: *const () = &*sleep as *const _ as *const ();
        assert_eq!(before, after, "reset kept the same allocation");
        let t0 = runtime::time::Instant::now();
        sleep.await;
        assert_eq!(
            t0.elapsed(),
            Duration::from_secs(2),
            "the new deadline holds"
        );

        // A `Sleep` that is not ours is replaced, not downcast.
        struct Foreign;
        impl std::future::Future for Foreign {
            type Output = ();
            fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
                Poll::Pending
            }
        }
        impl hyper::rt::Sleep for Foreign {}
        let mut foreign: Pin<Box<dyn hyper::rt::Sleep>> = Box::pin(Foreign);
        timer.reset(&mut foreign, timer.now() + Duration::from_secs(1));
        assert!(!foreign.as_ref().get_ref().is::<Foreign>());
        let t0 = runtime::time::Instant::now();
        foreign.await;
        assert_eq!(t0.elapsed(), Duration::from_secs(1));
    });
}

#[test]
fn an_upgraded_connection_reads_and_writes_through_io() {
    on_both_flavors(|| async {
        let (addr, _) = server(Proto::Http1).await;
        let mut sender = client_h1(addr).await;
        let req = Request::get("/upgrade")
            .header("host", "localhost")
            .header("connection", "upgrade")
            .header("upgrade", "shout")
            .body(Empty::<Bytes>::new())
            .unwrap();
        let res = sender.send_request(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::SWITCHING_PROTOCOLS);
        let mut io = Io::new(hyper::upgrade::on(res).await.unwrap());
        io.write_all(b"hello").await.unwrap();
        // Read back through `AsyncReadBuf`, into uninitialized memory.
        let mut storage = Vec::with_capacity(16);
        let mut buf = runtime::io::ReadBuf::uninit(storage.spare_capacity_mut());
        while buf.filled().len() < 5 {
            let before = buf.filled().len();
            std::future::poll_fn(|cx| {
                runtime::io::AsyncReadBuf::poll_read_buf(Pin::new(&mut io), cx, &mut buf)
            })
            .await
            .unwrap();
            assert!(
                buf.filled().len() > before,
                "end of stream before the answer"
            );
        }
        assert_eq!(buf.filled(), b"HELLO");
    });
}

#[test]
fn the_executor_outside_a_runtime_points_to_with_handle() {
    use hyper::rt::Executor as _;

    let err = std::panic::catch_unwind(|| Executor::new().execute(async {}))
        .expect_err("no runtime to spawn on");
    let msg = err.downcast_ref::<String>().expect("a formatted message");
    assert!(msg.contains("Executor::with_handle"), "{msg}");

    // With a handle it works from this plain thread.
    let rt = support::rt_multi(1);
    let (tx, rx) = std::sync::mpsc::channel();
    Executor::with_handle(rt.handle().clone()).execute(async move { tx.send(()).unwrap() });
    rx.recv_timeout(support::PATIENCE).expect("the task ran");
}

#[test]
fn graceful_shutdown_finishes_the_request_in_flight_then_closes() {
    on_both_flavors(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (started_tx, started_rx) = oneshot::channel::<()>();
        let started_tx = Arc::new(std::sync::Mutex::new(Some(started_tx)));
        let (shutdown_tx, mut shutdown_rx) = runtime::sync::watch::channel(false);
        let server = runtime::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            let service = service_fn(move |_req: Request<Incoming>| {
                let started = started_tx.lock().unwrap().take();
                async move {
                    if let Some(tx) = started {
                        let _ = tx.send(());
                    }
                    runtime::sleep(Duration::from_millis(200)).await;
                    Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"finished"))))
                }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(Timer::new())
                .serve_connection(Io::new(stream), service);
            let mut conn = std::pin::pin!(conn);
            let mut changed = std::pin::pin!(shutdown_rx.changed());
            let mut told = false;
            std::future::poll_fn(|cx| {
                if !told && changed.as_mut().poll(cx).is_ready() {
                    conn.as_mut().graceful_shutdown();
                    told = true;
                }
                conn.as_mut().poll(cx)
            })
            .await
            .map_err(|e| e.to_string())
        });

        let mut sender = client_h1::<Empty<Bytes>>(addr).await;
        let in_flight = runtime::spawn(async move {
            let res = sender.send_request(get("/work")).await.unwrap();
            (body_text(res).await, sender)
        });
        patient(started_rx).await.unwrap();
        shutdown_tx.send_replace(true);
        let (body, mut sender) = patient(in_flight).await.unwrap();
        assert_eq!(body, "finished", "the request in flight was answered");
        assert_eq!(
            patient(server).await.unwrap(),
            Ok(()),
            "the connection ended cleanly"
        );
        let again = match sender.ready().await {
            Ok(()) => sender.send_request(get("/")).await.map(drop),
            Err(closed) => Err(closed),
        };
        assert!(
            again.is_err(),
            "the connection is closed after the shutdown"
        );
    });
}
