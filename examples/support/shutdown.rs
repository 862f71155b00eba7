//! The graceful-shutdown plumbing the server examples (`graceful_shutdown`, `http_hello`)
//! share: an accept loop that hands each connection a shutdown announcement (a `watch`)
//! and a liveness token (an `mpsc::Sender` it drops when it ends), the wait for SIGTERM
//! or ctrl-c, the drain with a deadline, and the self-sent SIGTERM of the demo runs.
//!
//! The asyncio equivalent is `loop.add_signal_handler(SIGTERM, ...)` setting an `Event`,
//! `server.close()`, and `asyncio.wait(connections, timeout=...)`.
use std::future::{poll_fn, Future};
use std::net::SocketAddr;
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use runtime::net::{TcpListener, TcpStream};
use runtime::signal::unix::{signal, SignalKind};
use runtime::sync::{mpsc, watch};
use runtime::JoinHandle;

/// How long open connections get to finish once shutdown starts.
pub const DRAIN_DEADLINE: Duration = Duration::from_secs(5);

/// A running accept loop and what it needs to shut down.
pub struct Server {
    acceptor: JoinHandle<()>,
    shutdown: watch::Sender<bool>,
    alive: mpsc::Receiver<()>,
}

impl Server {
    /// Accepts connections on `listener` and calls `on_conn(stream, peer, shutdown,
    /// alive)` for each (which spawns its task): `shutdown` changes when shutdown
    /// starts, `alive` is to be dropped when the connection ends. A failed `accept` (at
    /// the fd limit, EMFILE, and the like) backs off 100 ms instead of spinning.
    pub fn start<F>(listener: TcpListener, mut on_conn: F) -> Server
    where
        F: FnMut(TcpStream, SocketAddr, watch::Receiver<bool>, mpsc::Sender<()>) + Send + 'static,
    {
        let (shutdown, shutdown_rx) = watch::channel(false);
        let (alive_tx, alive) = mpsc::channel::<()>(1);
        let acceptor = runtime::spawn(async move {
            loop {
                match listener.accept().await {
                    Ok((stream, peer)) => {
                        on_conn(stream, peer, shutdown_rx.clone(), alive_tx.clone())
                    }
                    Err(e) => {
                        eprintln!("server: accept failed: {e}; retrying in 100 ms");
                        runtime::sleep(Duration::from_millis(100)).await;
                    }
                }
            }
        });
        Server {
            acceptor,
            shutdown,
            alive,
        }
    }

    /// Waits for SIGTERM or ctrl-c; then stops accepting (the listener closes with the
    /// accept loop's task), tells every connection, and waits for them all to end, up
    /// to [`DRAIN_DEADLINE`].
    pub async fn run_until_signal(mut self) -> std::io::Result<()> {
        let which = shutdown_signal().await?;
        println!("-- {which}: no new connections; open ones finish their request");
        self.acceptor.abort();
        let _ = self.acceptor.await;
        self.shutdown.send_replace(true);
        // Every connection holds a sender; `recv` returns `None` once all have gone.
        match runtime::timeout(DRAIN_DEADLINE, self.alive.recv()).await {
            Ok(None) => println!("-- every connection closed"),
            Ok(Some(())) => unreachable!("nobody sends on the liveness channel"),
            Err(_) => println!("-- {DRAIN_DEADLINE:?} passed; exiting with connections open"),
        }
        Ok(())
    }
}

/// Waits for SIGTERM or ctrl-c (SIGINT); says which.
async fn shutdown_signal() -> std::io::Result<&'static str> {
    let mut term = signal(SignalKind::terminate())?;
    let mut ctrl_c = pin!(runtime::signal::ctrl_c());
    poll_fn(|cx| {
        if term.poll_recv(cx).is_ready() {
            return Poll::Ready(Ok("SIGTERM"));
        }
        ctrl_c.as_mut().poll(cx).map(|r| r.map(|()| "ctrl-c"))
    })
    .await
}

/// For the demo runs: the program sends itself SIGTERM after `delay`.
pub fn sigterm_self_after(delay: Duration) {
    runtime::spawn(async move {
        runtime::sleep(delay).await;
        println!("-- sending SIGTERM to myself");
        // SAFETY: `kill` on our own pid with a valid signal number has no memory
        // effects; the SIGTERM handler is installed (`run_until_signal` runs).
        unsafe { libc::kill(libc::getpid(), libc::SIGTERM) };
    });
}
