//! `runtime::net::UnixDatagram`, on both runtime flavors: pairs, sockets bound to temp
//! paths (`send_to` a path, `recv_from` naming the sender), connecting, truncation, a
//! sender waiting on a full queue, shutdown, and the std conversions.

mod support;

use runtime::net::UnixDatagram;
use std::io::ErrorKind;
use std::net::Shutdown;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;

use support::PATIENCE;

/// A fresh socket path in the temp dir, removed when dropped.
struct TempPath(PathBuf);

impl TempPath {
    fn new() -> TempPath {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "runtime-net-unix-datagram-{}-{}.sock",
            std::process::id(),
            NEXT.fetch_add(1, SeqCst)
        );
        let path = std::env::temp_dir().join(name);
        let _ = std::fs::remove_file(&path); // a leftover from a killed run
        TempPath(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn pair_round_trip() {
    support::on_both_flavors(|| async {
        let (a, b) = UnixDatagram::pair().unwrap();
        let b = Arc::new(b);
        let echo = {
            let b = b.clone();
            runtime::spawn(async move {
                let mut buf = [0u8; 64];
                for _ in 0..3 {
                    let n = b.recv(&mut buf).await.unwrap();
                    b.send(&buf[..n]).await.unwrap();
                }
            })
        };
        let mut buf = [0u8; 64];
        for msg in [&b"one"[..], b"", b"three three"] {
            assert_eq!(a.send(msg).await.unwrap(), msg.len());
            let n = support::patient(a.recv(&mut buf)).await.unwrap();
            assert_eq!(&buf[..n], msg);
        }
        support::patient(echo).await.unwrap();
        assert!(a.local_addr().unwrap().is_unnamed());
        assert!(a.peer_addr().unwrap().is_unnamed());
    });
}

#[test]
fn bound_sockets_send_to_paths_and_recv_from_names_the_sender() {
    support::on_both_flavors(|| async {
        let (pa, pb) = (TempPath::new(), TempPath::new());
        let a = UnixDatagram::bind(pa.path()).unwrap();
        let b = UnixDatagram::bind(pb.path()).unwrap();
        assert_eq!(a.local_addr().unwrap().as_pathname(), Some(pa.path()));

        a.send_to(b"to b", pb.path()).await.unwrap();
        let mut buf = [0u8; 16];
        let (n, from) = support::patient(b.recv_from(&mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"to b");
        assert_eq!(from.as_pathname(), Some(pa.path()));

        // Answer the sender at the path it reported.
        b.send_to(b"to a", from.as_pathname().unwrap())
            .await
            .unwrap();
        let (n, from) = support::patient(a.recv_from(&mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"to a");
        assert_eq!(from.as_pathname(), Some(pb.path()));

        // An unbound sender is unnamed.
        let anon = UnixDatagram::unbound().unwrap();
        anon.writable().await.unwrap();
        anon.try_send_to(b"anon", pb.path()).unwrap();
        b.readable().await.unwrap();
        let (n, from) = b.try_recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"anon");
        assert!(from.is_unnamed());
    });
}

#[test]
fn bind_to_an_existing_path_fails_and_send_to_nowhere_fails() {
    support::on_both_flavors(|| async {
        let p = TempPath::new();
        let _a = UnixDatagram::bind(p.path()).unwrap();
        let err = UnixDatagram::bind(p.path()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AddrInUse);
        let nowhere = TempPath::new();
        let s = UnixDatagram::unbound().unwrap();
        let err = s.send_to(b"x", nowhere.path()).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
    });
}

#[test]
fn connected_socket_sends_and_receives_with_its_peer() {
    support::on_both_flavors(|| async {
        let (ps, pc) = (TempPath::new(), TempPath::new());
        let server = UnixDatagram::bind(ps.path()).unwrap();
        let client = UnixDatagram::bind(pc.path()).unwrap();
        client.connect(ps.path()).unwrap();
        assert_eq!(client.peer_addr().unwrap().as_pathname(), Some(ps.path()));
        client.send(b"hello").await.unwrap();
        let mut buf = [0u8; 16];
        let (n, from) = support::patient(server.recv_from(&mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"hello");
        server
            .send_to(b"world", from.as_pathname().unwrap())
            .await
            .unwrap();
        let n = support::patient(client.recv(&mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"world");
    });
}

#[test]
fn a_long_datagram_is_truncated_to_the_buffer() {
    support::on_both_flavors(|| async {
        let (a, b) = UnixDatagram::pair().unwrap();
        let long: Vec<u8> = (0..200u8).collect();
        a.send(&long).await.unwrap();
        a.send(b"next").await.unwrap();
        let mut small = [0u8; 7];
        assert_eq!(support::patient(b.recv(&mut small)).await.unwrap(), 7);
        assert_eq!(&small[..], &long[..7]);
        let mut buf = [0u8; 256];
        let n = support::patient(b.recv(&mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"next");
    });
}

#[test]
fn a_sender_waits_while_the_peer_queue_is_full() {
    support::on_both_flavors(|| async {
        let (a, b) = UnixDatagram::pair().unwrap();
        let mut sent = 0u32;
        // A try sees the driver's readiness, empty until its first event.
        a.writable().await.unwrap();
        loop {
            match a.try_send(&sent.to_le_bytes()) {
                Ok(_) => sent += 1,
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) => panic!("{e}"),
            }
        }
        assert!(sent > 0);
        let a = Arc::new(a);
        let blocked = {
            let a = a.clone();
            runtime::spawn(async move { a.send(&sent.to_le_bytes()).await.unwrap() })
        };
        for _ in 0..10 {
            runtime::yield_now().await;
        }
        assert!(!blocked.is_finished(), "the queue is still full");
        // Drain everything, the late datagram included, in order.
        let mut buf = [0u8; 4];
        for i in 0..=sent {
            support::patient(b.recv(&mut buf)).await.unwrap();
            assert_eq!(u32::from_le_bytes(buf), i);
        }
        support::patient(blocked).await.unwrap();
    });
}

#[test]
fn try_recv_is_would_block_when_empty() {
    support::on_both_flavors(|| async {
        let (a, b) = UnixDatagram::pair().unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(
            b.try_recv(&mut buf).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
        a.send(b"x").await.unwrap();
        // Readiness comes only from the driver's events, and the datagram is queued
        // before its event: once readable, the try finds it.
        support::patient(b.readable()).await.unwrap();
        assert_eq!(b.try_recv(&mut buf).unwrap(), 1);
    });
}

#[test]
fn shutdown_ends_reads_and_writes() {
    support::on_both_flavors(|| async {
        let (a, b) = UnixDatagram::pair().unwrap();
        a.shutdown(Shutdown::Write).unwrap();
        let err = a.send(b"x").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BrokenPipe);
        assert!(a.take_error().unwrap().is_none());

        // Shut down for reading: what is queued is still read, then end of stream
        // (the socket stays "readable" forever, so a waiting read must not spin).
        b.send(b"queued").await.unwrap(); // to `a`, whose writing half only is shut
        let (_x, y) = (b, a);
        y.shutdown(Shutdown::Read).unwrap();
        let mut buf = [0u8; 8];
        let n = support::patient(y.recv(&mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"queued");
        assert_eq!(support::patient(y.recv(&mut buf)).await.unwrap(), 0);
        assert_eq!(
            support::patient(y.recv(&mut buf)).await.unwrap(),
            0,
            "and again"
        );
        assert_eq!(y.try_recv(&mut buf).unwrap(), 0);
        let err = support::patient(y.recv_from(&mut buf)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof, "{err}");
        let err = y.try_recv_from(&mut buf).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof, "{err}");
    });
}

#[test]
fn from_std_and_into_std_keep_the_socket() {
    support::on_both_flavors(|| async {
        let (a, b) = std::os::unix::net::UnixDatagram::pair().unwrap();
        // Left in blocking mode on purpose: `from_std` (behind `try_from`) switches it.
        let a = UnixDatagram::try_from(a).unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(
            a.try_recv(&mut buf).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
        b.send(b"std").unwrap();
        let n = support::patient(a.recv(&mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"std");
        let a = a.into_std().unwrap();
        a.set_nonblocking(false).unwrap();
        a.set_read_timeout(Some(PATIENCE)).unwrap();
        b.send(b"back").unwrap();
        let n = a.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"back");
    });
}

#[test]
fn poll_operations() {
    support::on_both_flavors(|| async {
        let (a, b) = UnixDatagram::pair().unwrap();
        let n = std::future::poll_fn(|cx| a.poll_send(cx, b"polled"))
            .await
            .unwrap();
        assert_eq!(n, 6);
        let mut storage = [std::mem::MaybeUninit::<u8>::uninit(); 16];
        let mut buf = runtime::io::ReadBuf::uninit(&mut storage);
        support::patient(std::future::poll_fn(|cx| b.poll_recv(cx, &mut buf)))
            .await
            .unwrap();
        assert_eq!(buf.filled(), b"polled");

        // Bound sockets: poll_send_to a path, poll_recv_from names the sender.
        let (pa, pb) = (TempPath::new(), TempPath::new());
        let x = UnixDatagram::bind(pa.path()).unwrap();
        let y = UnixDatagram::bind(pb.path()).unwrap();
        std::future::poll_fn(|cx| x.poll_send_to(cx, b"to y", pb.path()))
            .await
            .unwrap();
        let mut storage = [0u8; 16];
        let mut buf = runtime::io::ReadBuf::new(&mut storage);
        let from = support::patient(std::future::poll_fn(|cx| y.poll_recv_from(cx, &mut buf)))
            .await
            .unwrap();
        assert_eq!(buf.filled(), b"to y");
        assert_eq!(from.as_pathname(), Some(pa.path()));
    });
}
