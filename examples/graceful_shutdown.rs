//! A server that shuts down gracefully: on SIGTERM or ctrl-c it stops accepting, tells
//! every open connection through a `watch` channel, lets each finish the request it is
//! serving, waits for them up to a deadline, and exits.
//!
//! Run as is, it demonstrates itself: three clients send a request every 100 ms, each
//! request takes the server 150 ms, and after 600 ms the program sends itself SIGTERM.
//! Every request in flight at that moment still gets its answer; then each client sees
//! its connection closed. `cargo run --example graceful_shutdown -- --serve` instead
//! serves until you press ctrl-c (or `kill -TERM` it); try `nc 127.0.0.1 PORT`.
//!
//! The asyncio equivalent is `loop.add_signal_handler(SIGTERM, ...)` setting an
//! `Event`, `server.close()`, and `asyncio.wait(connections, timeout=...)`. The accept
//! loop, the signal wait and the drain are in `examples/support/shutdown.rs`, shared with
//! `http_hello`; this file is the connections' side.
use std::future::{poll_fn, Future};
use std::net::SocketAddr;
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use runtime::net::{TcpListener, TcpStream};
use runtime::sync::{mpsc, watch};

#[path = "support/shutdown.rs"]
mod shutdown;
use shutdown::{sigterm_self_after, Server};

/// Runs `fut` unless shutdown is announced first (`None` then).
async fn unless_shutdown<F: Future>(
    fut: F,
    shutdown: &mut watch::Receiver<bool>,
) -> Option<F::Output> {
    if *shutdown.borrow() {
        return None;
    }
    let mut fut = pin!(fut);
    let mut changed = pin!(shutdown.changed());
    poll_fn(|cx| {
        if let Poll::Ready(out) = fut.as_mut().poll(cx) {
            return Poll::Ready(Some(out));
        }
        // A change (or the sender gone) means: shut down.
        changed.as_mut().poll(cx).map(|_| None)
    })
    .await
}

/// One connection: answers each line with `done: <line>` after 150 ms of "work", until
/// the client leaves or shutdown is announced between two requests. `_alive` is
/// dropped on return: that is how `main` counts open connections.
async fn serve(
    stream: TcpStream,
    peer: SocketAddr,
    mut shutdown: watch::Receiver<bool>,
    _alive: mpsc::Sender<()>,
) -> std::io::Result<()> {
    let mut buf = [0u8; 256];
    loop {
        // Between requests: a shutdown ends the connection here.
        let Some(n) = unless_shutdown(stream.read(&mut buf), &mut shutdown).await else {
            println!("server: closing {peer} (shutting down)");
            return Ok(());
        };
        let n = n?;
        if n == 0 {
            return Ok(()); // the client left
        }
        // A request in flight is finished even if shutdown starts meanwhile.
        runtime::sleep(Duration::from_millis(150)).await;
        let line = String::from_utf8_lossy(&buf[..n]);
        stream
            .write_all(format!("done: {}\n", line.trim_end()).as_bytes())
            .await?;
    }
}

async fn client(addr: SocketAddr, id: usize) -> std::io::Result<()> {
    let stream = TcpStream::connect(addr).await?;
    let mut buf = [0u8; 256];
    for request in 0.. {
        stream
            .write_all(format!("client {id} request {request}\n").as_bytes())
            .await?;
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            println!("client {id}: the server closed the connection");
            return Ok(());
        }
        print!("client {id}: {}", String::from_utf8_lossy(&buf[..n]));
        runtime::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

#[runtime::main]
async fn main() -> std::io::Result<()> {
    let serve_forever = std::env::args().any(|a| a == "--serve");
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    println!("serving on {addr}");

    let server = Server::start(listener, |stream, peer, shutdown, alive| {
        runtime::spawn(async move {
            if let Err(e) = serve(stream, peer, shutdown, alive).await {
                eprintln!("server: {peer}: {e}");
            }
        });
    });

    let mut clients = Vec::new();
    if !serve_forever {
        for id in 0..3 {
            clients.push(runtime::spawn(client(addr, id)));
        }
        sigterm_self_after(Duration::from_millis(600));
    }

    server.run_until_signal().await?;
    for c in clients {
        c.await.expect("the client task finishes")?;
    }
    println!("-- bye");
    Ok(())
}
