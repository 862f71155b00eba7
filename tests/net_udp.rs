//! `runtime::net::UdpSocket` on loopback, on both runtime flavors: round trips,
//! connected sockets, peeking, truncation, sharing one socket between tasks, ICMP
//! errors, options, IPv6, non-blocking tries, a long stream of datagrams, and sockets
//! whose runtime shuts down.

mod support;

use runtime::io::ReadBuf;
use runtime::net::UdpSocket;
use std::io::{self, ErrorKind};
use std::mem::MaybeUninit;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use support::{DropCounter, PATIENCE};

async fn loopback() -> UdpSocket {
    UdpSocket::bind("127.0.0.1:0").await.unwrap()
}

#[test]
fn send_to_and_recv_from_round_trip() {
    support::on_both_flavors(|| async {
        let server = loopback().await;
        let client = loopback().await;
        let server_addr = server.local_addr().unwrap();
        let echo = runtime::spawn(async move {
            let mut buf = [0u8; 64];
            for _ in 0..3 {
                let (n, from) = server.recv_from(&mut buf).await.unwrap();
                server.send_to(&buf[..n], from).await.unwrap();
            }
        });
        let mut buf = [0u8; 64];
        for msg in [&b"one"[..], b"two two", b""] {
            assert_eq!(client.send_to(msg, server_addr).await.unwrap(), msg.len());
            let (n, from) = support::patient(client.recv_from(&mut buf)).await.unwrap();
            assert_eq!(&buf[..n], msg);
            assert_eq!(from, server_addr);
        }
        support::patient(echo).await.unwrap();
    });
}

#[test]
fn send_to_takes_any_address_form() {
    support::on_both_flavors(|| async {
        let a = loopback().await;
        let b = loopback().await;
        let port = b.local_addr().unwrap().port();
        // (host, port) and "host:port" forms (literal hosts, so the test stays on IPv4:
        // "localhost" may resolve to ::1 first, which a v4 socket cannot send to).
        a.send_to(b"x", ("127.0.0.1", port)).await.unwrap();
        a.send_to(b"y", format!("127.0.0.1:{port}")).await.unwrap();
        let mut buf = [0u8; 4];
        assert_eq!(support::patient(b.recv(&mut buf)).await.unwrap(), 1);
        assert_eq!(support::patient(b.recv(&mut buf)).await.unwrap(), 1);
        let empty: &[SocketAddr] = &[];
        let err = a.send_to(b"z", empty).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    });
}

#[test]
fn connected_socket_sends_to_its_peer_and_ignores_other_senders() {
    support::on_both_flavors(|| async {
        let a = loopback().await;
        let b = loopback().await;
        let stranger = loopback().await;
        a.connect(b.local_addr().unwrap()).await.unwrap();
        b.connect(a.local_addr().unwrap()).await.unwrap();
        assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());

        // The stranger's datagram is sent before the peer's, and dropped by the OS.
        stranger
            .send_to(b"stranger", b.local_addr().unwrap())
            .await
            .unwrap();
        a.send(b"peer").await.unwrap();
        let mut buf = [0u8; 16];
        let n = support::patient(b.recv(&mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"peer");
        // Nothing else is queued: the stranger's datagram never arrived.
        runtime::sleep(Duration::from_millis(20)).await;
        assert_eq!(
            b.try_recv(&mut buf).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );

        b.send(b"back").await.unwrap();
        let n = support::patient(a.recv(&mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"back");
    });
}

#[test]
fn connect_takes_the_first_address_that_works() {
    support::on_both_flavors(|| async {
        let a = loopback().await;
        let b = loopback().await;
        let addrs = [b.local_addr().unwrap()];
        a.connect(&addrs[..]).await.unwrap();
        assert_eq!(a.peer_addr().unwrap(), addrs[0]);
        let err = a.connect(&[][..]).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    });
}

#[test]
fn peek_from_leaves_the_datagram_for_recv_from() {
    support::on_both_flavors(|| async {
        let a = loopback().await;
        let b = loopback().await;
        a.send_to(b"first", b.local_addr().unwrap()).await.unwrap();
        a.send_to(b"second", b.local_addr().unwrap()).await.unwrap();
        let mut buf = [0u8; 16];
        let (n, from) = support::patient(b.peek_from(&mut buf)).await.unwrap();
        assert_eq!((&buf[..n], from), (&b"first"[..], a.local_addr().unwrap()));
        let (n, _) = b.peek_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"first", "peeking twice sees the same datagram");
        let (n, _) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"first");
        let (n, _) = support::patient(b.recv_from(&mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"second");
    });
}

#[test]
fn a_datagram_longer_than_the_buffer_is_truncated_and_the_rest_discarded() {
    support::on_both_flavors(|| async {
        let a = loopback().await;
        let b = loopback().await;
        let long: Vec<u8> = (0..100).collect();
        a.send_to(&long, b.local_addr().unwrap()).await.unwrap();
        a.send_to(b"next", b.local_addr().unwrap()).await.unwrap();
        let mut small = [0u8; 10];
        let (n, _) = support::patient(b.recv_from(&mut small)).await.unwrap();
        assert_eq!(n, 10);
        assert_eq!(&small[..], &long[..10]);
        // The other 90 bytes are gone: the next receive is the next datagram.
        let mut buf = [0u8; 100];
        let (n, _) = support::patient(b.recv_from(&mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"next");
    });
}

#[test]
fn two_tasks_receiving_on_one_shared_socket_each_get_one_datagram() {
    support::on_both_flavors(|| async {
        let shared = Arc::new(loopback().await);
        let addr = shared.local_addr().unwrap();
        let receivers: Vec<_> = (0..2)
            .map(|_| {
                let s = shared.clone();
                runtime::spawn(async move {
                    let mut buf = [0u8; 8];
                    let (n, _) = s.recv_from(&mut buf).await.unwrap();
                    buf[..n].to_vec()
                })
            })
            .collect();
        // Let both receivers reach their wait before anything arrives.
        for _ in 0..10 {
            runtime::yield_now().await;
        }
        runtime::sleep(Duration::from_millis(10)).await;
        let sender = loopback().await;
        sender.send_to(b"A", addr).await.unwrap();
        sender.send_to(b"B", addr).await.unwrap();
        let mut got = Vec::new();
        for r in receivers {
            got.push(support::patient(r).await.unwrap());
        }
        got.sort();
        assert_eq!(got, [b"A".to_vec(), b"B".to_vec()]);
    });
}

#[test]
fn send_to_a_closed_port_makes_a_later_recv_fail_with_connection_refused() {
    support::on_both_flavors(|| async {
        let closed = loopback().await.local_addr().unwrap(); // dropped: nobody there
        let a = loopback().await;
        a.connect(closed).await.unwrap();
        a.send(b"anyone?").await.unwrap();
        // Linux reports the ICMP port-unreachable on the connected socket's next call.
        let mut buf = [0u8; 8];
        let err = support::patient(a.recv(&mut buf)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
        // The error was consumed: the socket works on.
        assert!(a.take_error().unwrap().is_none());
        assert_eq!(
            a.try_recv(&mut buf).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
    });
}

#[test]
fn options_round_trip() {
    support::on_both_flavors(|| async {
        let s = loopback().await;
        assert!(!s.broadcast().unwrap());
        s.set_broadcast(true).unwrap();
        assert!(s.broadcast().unwrap());
        s.set_broadcast(false).unwrap();
        assert!(!s.broadcast().unwrap());
        s.set_ttl(17).unwrap();
        assert_eq!(s.ttl().unwrap(), 17);
        s.set_multicast_ttl_v4(3).unwrap();
        assert_eq!(s.multicast_ttl_v4().unwrap(), 3);
        s.set_multicast_loop_v4(false).unwrap();
        assert!(!s.multicast_loop_v4().unwrap());
        s.set_multicast_loop_v4(true).unwrap();
        assert!(s.multicast_loop_v4().unwrap());
    });
}

#[test]
fn multicast_on_the_loopback_interface_delivers_to_a_member() {
    support::on_both_flavors(|| async {
        let group = std::net::Ipv4Addr::new(239, 255, 77, 1);
        let member = UdpSocket::bind("0.0.0.0:0").await.unwrap();
        if let Err(e) = member.join_multicast_v4(group, std::net::Ipv4Addr::LOCALHOST) {
            eprintln!("skipping: cannot join a multicast group on loopback here: {e}");
            return;
        }
        let port = member.local_addr().unwrap().port();
        let sender = loopback().await; // bound to 127.0.0.1: sends out of loopback
        sender.set_multicast_loop_v4(true).unwrap();
        if let Err(e) = sender.send_to(b"group", (group, port)).await {
            eprintln!("skipping: no multicast route through loopback here: {e}");
            return;
        }
        let mut buf = [0u8; 8];
        let got = runtime::timeout(Duration::from_secs(2), member.recv_from(&mut buf)).await;
        match got {
            Ok(r) => assert_eq!(&buf[..r.unwrap().0], b"group"),
            Err(_) => eprintln!("skipping: loopback here does not loop multicast back"),
        }
        member
            .leave_multicast_v4(group, std::net::Ipv4Addr::LOCALHOST)
            .unwrap();
    });
}

#[test]
fn ipv6_loopback_round_trip_when_available() {
    support::on_both_flavors(|| async {
        let a = match UdpSocket::bind("[::1]:0").await {
            Ok(a) => a,
            Err(e) => {
                eprintln!("skipping: cannot bind [::1] here: {e}");
                return;
            }
        };
        let b = UdpSocket::bind("[::1]:0").await.unwrap();
        a.send_to(b"six", b.local_addr().unwrap()).await.unwrap();
        let mut buf = [0u8; 8];
        let (n, from) = support::patient(b.recv_from(&mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"six");
        assert_eq!(from, a.local_addr().unwrap());
        assert!(from.is_ipv6());
    });
}

#[test]
fn try_recv_is_would_block_when_empty_and_works_once_readable() {
    support::on_both_flavors(|| async {
        let a = loopback().await;
        let b = loopback().await;
        b.connect(a.local_addr().unwrap()).await.unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(
            b.try_recv(&mut buf).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
        assert_eq!(
            b.try_recv_from(&mut buf).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
        a.writable().await.unwrap();
        a.try_send_to(b"now", b.local_addr().unwrap()).unwrap();
        let n = support::patient(async {
            loop {
                b.readable().await.unwrap();
                match b.try_recv(&mut buf) {
                    Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
                    other => break other,
                }
            }
        })
        .await
        .unwrap();
        assert_eq!(&buf[..n], b"now");
    });
}

#[test]
fn poll_recv_from_fills_uninitialized_memory() {
    support::on_both_flavors(|| async {
        let a = loopback().await;
        let b = loopback().await;
        a.connect(b.local_addr().unwrap()).await.unwrap();
        std::future::poll_fn(|cx| a.poll_send(cx, b"poll"))
            .await
            .unwrap();
        let mut storage = [MaybeUninit::<u8>::uninit(); 32];
        let mut buf = ReadBuf::uninit(&mut storage);
        let from = support::patient(std::future::poll_fn(|cx| b.poll_recv_from(cx, &mut buf)))
            .await
            .unwrap();
        assert_eq!(
            (buf.filled(), from),
            (&b"poll"[..], a.local_addr().unwrap())
        );
        assert_eq!(buf.initialized().len(), 4, "nothing zero-filled");
    });
}

#[test]
fn ten_thousand_datagrams_all_arrive_with_a_windowed_sender() {
    const N: u32 = 10_000;
    const WINDOW: u32 = 64;
    support::on_both_flavors(|| async {
        let receiver = loopback().await;
        let sender = loopback().await;
        receiver
            .connect(sender.local_addr().unwrap())
            .await
            .unwrap();
        sender
            .connect(receiver.local_addr().unwrap())
            .await
            .unwrap();
        let rx = runtime::spawn(async move {
            let mut buf = [0u8; 8];
            for i in 0..N {
                let n = receiver.recv(&mut buf).await.unwrap();
                assert_eq!(n, 4);
                // Loopback neither drops nor reorders: each number arrives in turn.
                assert_eq!(u32::from_le_bytes(buf[..4].try_into().unwrap()), i);
                if (i + 1) % WINDOW == 0 {
                    receiver.send(b"ack").await.unwrap();
                }
            }
        });
        let mut ack = [0u8; 8];
        for i in 0..N {
            sender.send(&i.to_le_bytes()).await.unwrap();
            if (i + 1) % WINDOW == 0 {
                // At most one window in flight, far below the receive buffer.
                support::patient(sender.recv(&mut ack)).await.unwrap();
            }
        }
        support::patient(rx).await.unwrap();
    });
}

#[test]
fn from_std_and_into_std_keep_the_socket() {
    support::on_both_flavors(|| async {
        let std_socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = std_socket.local_addr().unwrap();
        // Left in blocking mode on purpose: `from_std` (behind `try_from`) switches it.
        let socket = UdpSocket::try_from(std_socket).unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(
            socket.try_recv_from(&mut buf).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
        let peer = loopback().await;
        peer.send_to(b"std", addr).await.unwrap();
        let back = socket.into_std().unwrap();
        back.set_nonblocking(false).unwrap();
        back.set_read_timeout(Some(PATIENCE)).unwrap();
        let (n, from) = back.recv_from(&mut buf).unwrap();
        assert_eq!((&buf[..n], from), (&b"std"[..], peer.local_addr().unwrap()));
    });
}

#[test]
fn bind_to_an_address_in_use_is_addr_in_use() {
    support::on_both_flavors(|| async {
        let a = loopback().await;
        let err = UdpSocket::bind(a.local_addr().unwrap()).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AddrInUse);
    });
}

#[test]
fn a_recv_pending_at_shutdown_is_dropped_with_its_task() {
    for rt in [support::rt(), support::rt_multi(2)] {
        let drops = DropCounter::new();
        let started = Arc::new(std::sync::atomic::AtomicBool::new(false));
        rt.block_on(async {
            let socket = loopback().await;
            let s = started.clone();
            let _detached = runtime::spawn(drops.wrap(async move {
                s.store(true, std::sync::atomic::Ordering::SeqCst);
                let mut buf = [0u8; 8];
                // Nothing is ever sent: only shutdown ends this.
                let _ = socket.recv_from(&mut buf).await;
            }));
            support::yield_until_patient(
                || started.load(std::sync::atomic::Ordering::SeqCst),
                "the receiver to start",
            )
            .await;
        });
        assert_eq!(drops.count(), 0);
        drop(rt);
        assert_eq!(drops.count(), 1, "the pending recv's task was dropped");
    }
}

#[test]
fn a_recv_pending_outside_the_runtime_fails_when_it_shuts_down() {
    for rt in [support::rt(), support::rt_multi(2)] {
        let socket = Arc::new(rt.block_on(loopback()));
        let waiting = {
            let socket = socket.clone();
            std::thread::spawn(move || {
                // Awaited on a plain thread: only the driver's shutdown can end it.
                support::block_on_std(async {
                    let mut buf = [0u8; 8];
                    socket.recv_from(&mut buf).await
                })
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        drop(rt);
        let err: io::Error = waiting.join().unwrap().unwrap_err();
        assert!(err.to_string().contains("shut down"), "{err}");
        // And so does every later use.
        let err = support::block_on_std(socket.readable()).unwrap_err();
        assert!(err.to_string().contains("shut down"), "{err}");
    }
}
