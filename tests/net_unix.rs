//! Unix-domain streams: a listener on a temporary path, `pair`, split halves, the
//! `futures_io` traits, half-close and peer close, peer credentials; both runtime
//! flavors.
mod support;

use futures_util::io::{AsyncReadExt, AsyncWriteExt};
use runtime::net::{UnixListener, UnixStream};
use std::io::ErrorKind;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;
use support::on_both_flavors;

/// A socket path in the temporary directory, unique to this process and call, removed
/// when dropped.
struct TempPath(PathBuf);

impl TempPath {
    fn new() -> TempPath {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "runtime-net-unix-{}-{}.sock",
            std::process::id(),
            NEXT.fetch_add(1, SeqCst)
        );
        let path = std::env::temp_dir().join(name);
        let _ = std::fs::remove_file(&path);
        TempPath(path)
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

async fn read_to_end(stream: &UnixStream) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf).await.unwrap() {
            0 => return out,
            n => out.extend_from_slice(&buf[..n]),
        }
    }
}

/// A listener on a temporary path serves clients that connect by path; the file is
/// removed afterwards; a second bind to the path is `AddrInUse`, connecting to a
/// missing path fails.
#[test]
fn listener_on_a_temp_path_round_trip() {
    on_both_flavors(|| async {
        let path = TempPath::new();
        let listener = UnixListener::bind(&path.0).unwrap();
        assert_eq!(
            listener.local_addr().unwrap().as_pathname(),
            Some(path.0.as_path())
        );
        let err = UnixListener::bind(&path.0).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");
        let server = runtime::spawn(async move {
            for _ in 0..10 {
                let (conn, _) = listener.accept().await.unwrap();
                // The client is this process.
                let cred = conn.peer_cred().unwrap();
                assert_eq!(cred.pid(), Some(std::process::id() as i32));
                // SAFETY: `getuid` has no preconditions.
                assert_eq!(cred.uid(), unsafe { libc::getuid() });
                let _serve = runtime::spawn(async move {
                    let request = read_to_end(&conn).await;
                    conn.write_all(&request).await.unwrap();
                    conn.write_all(b" back").await.unwrap();
                });
            }
        });
        let clients: Vec<_> = (0..10)
            .map(|i| {
                let path = path.0.clone();
                runtime::spawn(async move {
                    let stream = UnixStream::connect(&path).await.unwrap();
                    assert_eq!(
                        stream.peer_addr().unwrap().as_pathname(),
                        Some(path.as_path())
                    );
                    let msg = format!("client {i}");
                    stream.write_all(msg.as_bytes()).await.unwrap();
                    stream.shutdown().unwrap();
                    assert_eq!(read_to_end(&stream).await, format!("{msg} back").as_bytes());
                })
            })
            .collect();
        for c in clients {
            c.await.unwrap();
        }
        server.await.unwrap();
        let missing = TempPath::new();
        assert!(UnixStream::connect(&missing.0).await.is_err());
        let file = path.0.clone();
        drop(path);
        assert!(!file.exists(), "the socket file was left behind");
    });
}

/// `pair` round trip, 256 KiB each way at once (both ends fill their buffers), a
/// pending read that the peer's close ends with 0, and `peek`.
#[test]
fn pair_round_trip_and_peer_close() {
    on_both_flavors(|| async {
        const LEN: usize = 256 * 1024;
        let (a, b) = UnixStream::pair().unwrap();
        let data: Vec<u8> = (0..LEN).map(|i| (i % 253) as u8).collect();
        let (ar, aw) = a.into_split();
        let (br, bw) = b.into_split();
        let sends = {
            let data = data.clone();
            runtime::spawn(async move {
                let (x, y) =
                    futures_util::future::join(aw.write_all(&data), bw.write_all(&data)).await;
                x.unwrap();
                y.unwrap();
                (aw, bw)
            })
        };
        let mut got_a = vec![0u8; LEN];
        let mut got_b = vec![0u8; LEN];
        let (mut ar_io, mut br_io) = (ar, br);
        let (x, y) =
            futures_util::future::join(ar_io.read_exact(&mut got_a), br_io.read_exact(&mut got_b))
                .await;
        x.unwrap();
        y.unwrap();
        assert!(got_a == data && got_b == data, "the data differs");
        let (aw, bw) = sends.await.unwrap();
        let a = ar_io.reunite(aw).unwrap();
        let b = bw.reunite(br_io).unwrap();

        b.write_all(b"peek").await.unwrap();
        let mut buf = [0u8; 4];
        let mut n = 0;
        while n < 4 {
            n = a.peek(&mut buf).await.unwrap();
        }
        assert_eq!(a.read(&mut buf).await.unwrap(), 4);

        let reader = runtime::spawn(async move {
            let mut buf = [0u8; 4];
            a.read(&mut buf).await.unwrap()
        });
        runtime::sleep(Duration::from_millis(20)).await;
        assert!(!reader.is_finished());
        drop(b);
        assert_eq!(reader.await.unwrap(), 0);
    });
}

/// Borrowed halves and the `futures_io` traits: `copy` from one half into the other
/// end, `close` shutting the writing direction down.
#[test]
fn split_halves_and_futures_io() {
    on_both_flavors(|| async {
        let (mut a, mut b) = UnixStream::pair().unwrap();
        // `AsyncReadExt::split` (by value) would win over the inherent `split` here.
        let (mut ar, mut aw) = UnixStream::split(&mut a);
        let (mut br, mut bw) = UnixStream::split(&mut b);
        let forward = async {
            // Everything `b` sends comes back through `a`'s copy.
            futures_util::io::copy(&mut ar, &mut aw).await.unwrap()
        };
        let talk = async {
            bw.write_all(b"through the copy").await.unwrap();
            bw.close().await.unwrap();
            let mut got = Vec::new();
            // `a`'s copy ends at b's close, but `a` stays open: read what came back.
            let mut buf = [0u8; 16];
            br.read_exact(&mut buf).await.unwrap();
            got.extend_from_slice(&buf);
            got
        };
        let (copied, got) = futures_util::future::join(forward, talk).await;
        assert_eq!(copied, 16);
        assert_eq!(got, b"through the copy");
        aw.shutdown().unwrap();
        let mut rest = Vec::new();
        assert_eq!(br.read_to_end(&mut rest).await.unwrap(), 0);
        // Mismatched owned halves are refused.
        let (a2, b2) = UnixStream::pair().unwrap();
        let (r, _w) = a2.into_split();
        let (_r, w) = b2.into_split();
        assert!(r.reunite(w).is_err());
    });
}

/// `readable()` waiters on one socket all wake; `try_write` and `try_read` move the
/// data; `from_std`/`into_std` work.
#[test]
fn readiness_try_io_and_std_conversions() {
    on_both_flavors(|| async {
        let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        let a = std::sync::Arc::new(UnixStream::from_std(a).unwrap());
        let b = UnixStream::from_std(b).unwrap();
        let waiters: Vec<_> = (0..3)
            .map(|_| {
                let a = a.clone();
                runtime::spawn(async move { a.readable().await.unwrap() })
            })
            .collect();
        runtime::sleep(Duration::from_millis(20)).await;
        b.writable().await.unwrap();
        assert_eq!(b.try_write(b"ready").unwrap(), 5);
        for w in waiters {
            w.await.unwrap();
        }
        let mut buf = [0u8; 8];
        assert_eq!(a.try_read(&mut buf).unwrap(), 5);
        assert_eq!(
            a.try_read(&mut buf).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
        let mut std_b = b.into_std().unwrap();
        std_b.set_nonblocking(false).unwrap();
        std::io::Write::write_all(&mut std_b, b"std").unwrap();
        assert_eq!(a.read(&mut buf).await.unwrap(), 3);
    });
}
