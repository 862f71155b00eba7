//! Sockets and runtime shutdown: a listener whose task is blocked in `accept` closes
//! with the runtime, and a socket used after its runtime is gone fails with the error
//! that says so; both runtime flavors.
mod support;

use runtime::net::{TcpListener, TcpStream, UnixStream};
use std::io::ErrorKind;
use std::time::Duration;

/// A task blocked in `accept` when the runtime is dropped: its listener is closed with
/// it, so connecting to the port afterwards is refused.
#[test]
fn listener_blocked_in_accept_closes_at_runtime_drop() {
    for rt in [support::rt(), support::rt_multi(2)] {
        let (accepting, addr) = rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let accepting = runtime::spawn(async move {
                let _ = listener.accept().await;
                unreachable!("nobody connects");
            });
            runtime::sleep(Duration::from_millis(20)).await;
            (accepting, addr)
        });
        assert!(!accepting.is_finished());
        drop(rt);
        let err = std::net::TcpStream::connect(addr).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
    }
}

/// A stream that outlives its runtime: every wait on it fails with the shutdown error
/// (never hangs), whichever runtime polls it afterwards.
#[test]
fn socket_used_after_its_runtime_is_gone_fails_with_the_shutdown_error() {
    for rt in [support::rt(), support::rt_multi(2)] {
        let (stream, peer, tcp) = rt.block_on(async {
            let (a, b) = UnixStream::pair().unwrap();
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let tcp = TcpStream::connect(listener.local_addr().unwrap())
                .await
                .unwrap();
            (a, b, tcp)
        });
        drop(rt);
        let other = support::rt();
        other.block_on(async {
            let mut buf = [0u8; 8];
            let err = stream.read(&mut buf).await.unwrap_err();
            assert!(err.to_string().contains("runtime was shut down"), "{err}");
            let err = tcp.readable().await.unwrap_err();
            assert!(err.to_string().contains("runtime was shut down"), "{err}");
            let err = peer.write_all(b"x").await.unwrap_err();
            assert!(err.to_string().contains("runtime was shut down"), "{err}");
            // New sockets belong to the new runtime and work.
            let (a, b) = UnixStream::pair().unwrap();
            a.write_all(b"ok").await.unwrap();
            assert_eq!(b.read(&mut buf).await.unwrap(), 2);
        });
    }
}
