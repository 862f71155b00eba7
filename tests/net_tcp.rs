//! TCP: echo under load, half-close, and the errors a connection meets (refused, in
//! use, reset by the peer, broken pipe), each surfacing as its `io::ErrorKind`; both
//! runtime flavors.
mod support;

use runtime::net::{TcpListener, TcpSocket, TcpStream};
use std::io::ErrorKind;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use support::on_both_flavors;

/// Reads until end of stream.
async fn read_to_end(stream: &TcpStream) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf).await? {
            0 => return Ok(out),
            n => out.extend_from_slice(&buf[..n]),
        }
    }
}

/// Reads exactly `len` bytes.
async fn read_exactly(stream: &TcpStream, len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    let mut got = 0;
    while got < len {
        let n = stream.read(&mut out[got..]).await.unwrap();
        assert!(n > 0, "end of stream after {got} of {len} bytes");
        got += n;
    }
    out
}

/// A listener on a free loopback port, and a connected (client, server) pair.
async fn connected_pair() -> (TcpListener, TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, peer) = listener.accept().await.unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
    (listener, client, server)
}

/// A server echoing every connection in its own task, and 200 clients at once, each
/// sending 16 KiB of its own pattern (more than one socket buffer's worth in flight
/// with the echo) and checking every byte that comes back.
#[test]
fn echo_server_with_200_concurrent_clients() {
    on_both_flavors(|| async {
        const CLIENTS: usize = 200;
        const LEN: usize = 16 * 1024;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = runtime::spawn(async move {
            for _ in 0..CLIENTS {
                let (conn, _) = listener.accept().await.unwrap();
                let _echo = runtime::spawn(async move {
                    let mut buf = vec![0u8; 4096];
                    loop {
                        match conn.read(&mut buf).await.unwrap() {
                            0 => break,
                            n => conn.write_all(&buf[..n]).await.unwrap(),
                        }
                    }
                });
            }
        });
        let clients: Vec<_> = (0..CLIENTS)
            .map(|i| {
                runtime::spawn(async move {
                    let stream = TcpStream::connect(addr).await.unwrap();
                    let data: Vec<u8> = (0..LEN).map(|j| (i * 7 + j) as u8).collect();
                    let (reader, writer) = stream.into_split();
                    let sent = data.clone();
                    let write = runtime::spawn(async move {
                        writer.write_all(&sent).await.unwrap();
                    });
                    let mut got = vec![0u8; LEN];
                    let mut filled = 0;
                    while filled < LEN {
                        let n = reader.read(&mut got[filled..]).await.unwrap();
                        assert!(n > 0, "client {i}: end of stream at {filled}");
                        filled += n;
                    }
                    write.await.unwrap();
                    assert!(got == data, "client {i}: the echo differs");
                })
            })
            .collect();
        for c in clients {
            c.await.unwrap();
        }
        server.await.unwrap();
    });
}

/// The client shuts its writing half down; the server reads the request to end of
/// stream, still writes its answer, and the client reads all of it.
#[test]
fn half_close_server_reads_eof_and_still_writes_back() {
    on_both_flavors(|| async {
        let (_listener, client, server) = connected_pair().await;
        let server = runtime::spawn(async move {
            let request = read_to_end(&server).await.unwrap();
            assert_eq!(request, b"request");
            server.write_all(b"response to ").await.unwrap();
            server.write_all(&request).await.unwrap();
        });
        client.write_all(b"request").await.unwrap();
        client.shutdown().unwrap();
        assert_eq!(read_to_end(&client).await.unwrap(), b"response to request");
        server.await.unwrap();
        // Writing after the shutdown fails; reading is over.
        assert_eq!(
            client.write(b"late").await.unwrap_err().kind(),
            ErrorKind::BrokenPipe
        );
    });
}

/// A peer that closes with `SO_LINGER 0` resets the connection: a read sees
/// `ConnectionReset`, and a write after that `BrokenPipe` (no `SIGPIPE` kills us).
#[test]
fn peer_reset_then_read_is_connection_reset_and_write_is_broken_pipe() {
    on_both_flavors(|| async {
        let (_listener, client, server) = connected_pair().await;
        server.set_linger(Some(Duration::ZERO)).unwrap();
        drop(server);
        let mut buf = [0u8; 16];
        let err = client.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}");
        let err = client.write_all(b"anyone there?").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BrokenPipe, "{err}");
    });
}

/// Connecting where nothing listens is `ConnectionRefused`, through `TcpStream` and
/// through `TcpSocket`.
#[test]
fn connect_refused() {
    on_both_flavors(|| async {
        let addr = {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            listener.local_addr().unwrap()
        };
        let err = TcpStream::connect(addr).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
        let err = TcpSocket::new_v4()
            .unwrap()
            .connect(addr)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
    });
}

/// A second bind to a listening address is `AddrInUse`, also through `TcpSocket`.
#[test]
fn second_bind_is_addr_in_use() {
    on_both_flavors(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let err = TcpListener::bind(addr).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        let err = socket.bind(addr).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");
    });
}

/// A task aborted while it waits in `read` leaves the socket usable: another task
/// reads the data that arrives afterwards (the aborted waiter was unlinked, so the
/// wake reaches the new reader).
#[test]
fn task_aborted_mid_read_leaves_the_socket_usable() {
    on_both_flavors(|| async {
        let (_listener, client, server) = connected_pair().await;
        let server = Arc::new(server);
        let blocked = {
            let server = server.clone();
            runtime::spawn(async move {
                let mut buf = [0u8; 16];
                let _ = server.read(&mut buf).await;
                unreachable!("nothing was sent before the abort");
            })
        };
        runtime::sleep(Duration::from_millis(20)).await;
        assert!(!blocked.is_finished());
        blocked.abort();
        assert!(blocked.await.unwrap_err().is_cancelled());
        let reader = {
            let server = server.clone();
            runtime::spawn(async move { read_exactly(&server, 5).await })
        };
        runtime::sleep(Duration::from_millis(10)).await;
        client.write_all(b"after").await.unwrap();
        assert_eq!(reader.await.unwrap(), b"after");
    });
}

/// A read pending when the peer closes returns 0 (end of stream).
#[test]
fn peer_closing_while_a_read_is_pending_ends_the_read_with_zero() {
    on_both_flavors(|| async {
        let (_listener, client, server) = connected_pair().await;
        let reader = runtime::spawn(async move {
            let mut buf = [0u8; 16];
            server.read(&mut buf).await.unwrap()
        });
        runtime::sleep(Duration::from_millis(20)).await;
        assert!(!reader.is_finished());
        drop(client);
        assert_eq!(reader.await.unwrap(), 0);
    });
}

/// Two tasks awaiting `readable()` on one shared socket are both woken by one write,
/// and `try_read` then takes the data.
#[test]
fn two_tasks_awaiting_readable_both_wake() {
    on_both_flavors(|| async {
        let (_listener, client, server) = connected_pair().await;
        let server = Arc::new(server);
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let server = server.clone();
                runtime::spawn(async move { server.readable().await.unwrap() })
            })
            .collect();
        runtime::sleep(Duration::from_millis(20)).await;
        assert!(waiters.iter().all(|w| !w.is_finished()));
        client.write_all(b"ping").await.unwrap();
        for w in waiters {
            w.await.unwrap();
        }
        let mut buf = [0u8; 16];
        let n = loop {
            match server.try_read(&mut buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => server.readable().await.unwrap(),
                Err(e) => panic!("{e}"),
            }
        };
        assert_eq!(&buf[..n], b"ping");
        assert_eq!(
            server.try_read(&mut buf).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
    });
}

/// `connect` resolves a host name (on the blocking pool) and tries its addresses;
/// `TcpSocket` options reach the sockets they make; `peek` leaves the data in place.
#[test]
fn connect_by_name_socket_options_and_peek() {
    on_both_flavors(|| async {
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        socket.set_recv_buffer_size(64 * 1024).unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(16).unwrap();
        let port = listener.local_addr().unwrap().port();
        let client = TcpStream::connect(("localhost", port)).await;
        // `localhost` may resolve to ::1 first; `connect` goes on to 127.0.0.1.
        let client = client.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        client.set_nodelay(true).unwrap();
        assert!(client.nodelay().unwrap());
        client.set_ttl(33).unwrap();
        assert_eq!(client.ttl().unwrap(), 33);
        assert_eq!(client.peer_addr().unwrap(), server.local_addr().unwrap());
        client.write_all(b"peekaboo").await.unwrap();
        let mut buf = [0u8; 8];
        let mut n = 0;
        while n < 8 {
            n = server.peek(&mut buf).await.unwrap();
        }
        assert_eq!(&buf, b"peekaboo");
        assert_eq!(read_exactly(&server, 8).await, b"peekaboo");
    });
}

/// `from_std` and `into_std` move sockets between std and the runtime.
#[test]
fn std_round_trip() {
    on_both_flavors(|| async {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr: SocketAddr = std_listener.local_addr().unwrap();
        let listener = TcpListener::from_std(std_listener).unwrap();
        let std_client = std::net::TcpStream::connect(addr).unwrap();
        let client = TcpStream::from_std(std_client).unwrap();
        let (server, _) = listener.accept().await.unwrap();
        client.write_all(b"via std").await.unwrap();
        assert_eq!(read_exactly(&server, 7).await, b"via std");
        let mut std_server = server.into_std().unwrap();
        std_server.set_nonblocking(false).unwrap();
        std::io::Write::write_all(&mut std_server, b"back").unwrap();
        assert_eq!(read_exactly(&client, 4).await, b"back");
        let std_listener = listener.into_std().unwrap();
        assert_eq!(std_listener.local_addr().unwrap(), addr);
    });
}

/// The socket types and their halves move between threads and are shared by
/// reference; the futures of their `async fn`s are `Send` (the tasks above spawn them
/// on the multi-thread runtime).
#[test]
fn socket_types_are_send_and_sync() {
    use runtime::net::{tcp, unix, UnixListener, UnixStream};
    fn both<T: Send + Sync>() {
        support::assert_send::<T>();
        support::assert_sync::<T>();
    }
    both::<TcpListener>();
    both::<TcpStream>();
    both::<TcpSocket>();
    both::<tcp::ReadHalf<'static>>();
    both::<tcp::WriteHalf<'static>>();
    both::<tcp::OwnedReadHalf>();
    both::<tcp::OwnedWriteHalf>();
    both::<tcp::ReuniteError>();
    both::<UnixListener>();
    both::<UnixStream>();
    both::<unix::OwnedReadHalf>();
    both::<unix::OwnedWriteHalf>();
    both::<unix::ReuniteError>();
}
