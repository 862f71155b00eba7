//! The floor under every runtime: the same TCP workloads as [`super::tcp_echo`] and
//! [`super::accept_connect`] on plain mio, no runtime, no tasks, no wakers. A server thread
//! and a client thread each run one edge-triggered `mio::Poll` loop over all their sockets,
//! doing the syscalls a runtime must do at the least (read, write, wait in `epoll_wait`),
//! so a runtime's figure minus this one is the runtime's own cost. Like tokio, it takes a
//! read shorter than its buffer as proof the socket is drained and waits for the next edge
//! instead of reading into a `WouldBlock`; a read that filled its buffer is followed by
//! another read.
//!
//! The threads are spawned per iteration (tens of microseconds against iterations of
//! milliseconds); in [`tcp_echo`] the clock runs on the client thread from its first write
//! to its last echo, as the runtimes' clock runs from spawning the clients until they end.
use super::{share, ACCEPT_BYTE, ECHO_BUF, LOCALHOST};
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use socket2::SockRef;
use std::io::{self, Read, Write};
use std::thread;
use std::time::{Duration, Instant};

/// Events taken per `Poll::poll` call.
const EVENTS: usize = 1024;

/// What [`Conn::drive`] left a connection at.
#[derive(Debug, PartialEq, Eq)]
enum Drive {
    /// Waiting for the socket to become ready again.
    Blocked,
    /// Done: the peer closed (server side) or every round trip was made (client side).
    Done,
}

/// One side of one echo connection.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    /// Server: bytes of `buf` to echo. Client: bytes of the echo read so far.
    filled: usize,
    /// Bytes of the pending write already written.
    written: usize,
    /// Client: round trips left, counting the one in flight.
    rounds_left: usize,
    /// Server: the last read was short, so the socket is drained: after echoing, wait
    /// for the next readiness edge instead of reading into a `WouldBlock` (tokio's rule).
    drained: bool,
}

/// Retries a syscall interrupted by a signal; maps `WouldBlock` to `None`.
fn nonblocking<T>(mut op: impl FnMut() -> io::Result<T>) -> Option<T> {
    loop {
        match op() {
            Ok(v) => return Some(v),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return None,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => panic!("socket error: {e}"),
        }
    }
}

impl Conn {
    /// Server side: echoes what arrived until the socket would block or the peer closed.
    fn drive_server(&mut self) -> Drive {
        loop {
            while self.written < self.filled {
                let buf = &self.buf[self.written..self.filled];
                match nonblocking(|| self.stream.write(buf)) {
                    Some(n) => self.written += n,
                    None => return Drive::Blocked,
                }
            }
            if self.drained {
                self.drained = false;
                return Drive::Blocked;
            }
            match nonblocking(|| self.stream.read(&mut self.buf)) {
                Some(0) => return Drive::Done,
                Some(n) => (self.filled, self.written) = (n, 0),
                None => return Drive::Blocked,
            }
            self.drained = self.filled < self.buf.len();
        }
    }

    /// Client side: writes `msg`, reads its echo, and again, until the socket would block
    /// or the last round trip is done.
    fn drive_client(&mut self, msg: &[u8]) -> Drive {
        loop {
            while self.written < msg.len() {
                match nonblocking(|| self.stream.write(&msg[self.written..])) {
                    Some(n) => self.written += n,
                    None => return Drive::Blocked,
                }
            }
            let buf = &mut self.buf[self.filled..msg.len()];
            match nonblocking(|| self.stream.read(buf)) {
                Some(0) => panic!("the echo server closed the connection"),
                Some(n) => self.filled += n,
                None => return Drive::Blocked,
            }
            if self.filled < msg.len() {
                // A read shorter than its buffer drained the socket: wait for the next edge.
                return Drive::Blocked;
            }
            assert!(self.buf[..msg.len()] == *msg, "the echo differs");
            self.rounds_left -= 1;
            if self.rounds_left == 0 {
                return Drive::Done;
            }
            (self.filled, self.written) = (0, 0);
        }
    }
}

/// Waits for events, retrying an interrupted wait.
fn poll(poll: &mut Poll, events: &mut Events) {
    while let Err(e) = poll.poll(events, None) {
        assert_eq!(e.kind(), io::ErrorKind::Interrupted, "poll: {e}");
    }
}

/// Registers every connection with a new poll, token = index.
fn register(conns: &mut [Conn]) -> Poll {
    let poll = Poll::new().expect("mio poll");
    for (i, conn) in conns.iter_mut().enumerate() {
        poll.registry()
            .register(
                &mut conn.stream,
                Token(i),
                Interest::READABLE | Interest::WRITABLE,
            )
            .expect("register");
    }
    poll
}

/// Runs `drive` on each connection named by an event until every one is done; a done
/// connection is deregistered and closed at once. A readable event un-drains the socket.
fn run(poll_: &mut Poll, conns: &mut [Option<Conn>], mut drive: impl FnMut(&mut Conn) -> Drive) {
    let mut events = Events::with_capacity(EVENTS);
    let mut open = conns.iter().filter(|c| c.is_some()).count();
    while open > 0 {
        poll(poll_, &mut events);
        for event in events.iter() {
            let slot = &mut conns[event.token().0];
            if let Some(conn) = slot {
                if event.is_readable() || event.is_read_closed() {
                    conn.drained = false;
                }
                if drive(conn) == Drive::Done {
                    let mut conn = slot.take().expect("open connection");
                    poll_
                        .registry()
                        .deregister(&mut conn.stream)
                        .expect("deregister");
                    open -= 1;
                }
            }
        }
    }
}

/// A connected pair over `listener`: (client, server), both non-blocking, `TCP_NODELAY`.
fn pair(listener: &std::net::TcpListener) -> (TcpStream, TcpStream) {
    let client =
        std::net::TcpStream::connect(listener.local_addr().expect("address")).expect("connect");
    let (server, _) = listener.accept().expect("accept");
    let mio = |s: std::net::TcpStream| {
        s.set_nodelay(true).expect("set TCP_NODELAY");
        s.set_nonblocking(true).expect("set non-blocking");
        TcpStream::from_std(s)
    };
    (mio(client), mio(server))
}

/// The floor of [`super::CASE_TCP_ECHO_64`] / [`super::CASE_TCP_ECHO_4K`]: `connections`
/// connections between a server thread and a client thread, each doing `round_trips`
/// round trips of `msg_len` bytes; returns the client thread's time.
pub fn tcp_echo(connections: usize, round_trips: usize, msg_len: usize) -> Duration {
    let listener = std::net::TcpListener::bind(LOCALHOST).expect("bind");
    let conn = |stream, buf_len, rounds_left| Conn {
        stream,
        buf: vec![0; buf_len],
        filled: 0,
        written: 0,
        rounds_left,
        drained: false,
    };
    let (mut clients, mut servers): (Vec<_>, Vec<_>) = (0..connections)
        .map(|_| {
            let (c, s) = pair(&listener);
            (conn(c, msg_len, round_trips), conn(s, ECHO_BUF, 0))
        })
        .unzip();
    let mut server_poll = register(&mut servers);
    let mut client_poll = register(&mut clients);
    let server = thread::spawn(move || {
        let mut servers: Vec<_> = servers.into_iter().map(Some).collect();
        run(&mut server_poll, &mut servers, Conn::drive_server);
    });
    let client = thread::spawn(move || {
        let msg = super::message(msg_len);
        let start = Instant::now();
        let mut clients: Vec<_> = clients
            .into_iter()
            .map(|mut c| (round_trips > 0 && c.drive_client(&msg) == Drive::Blocked).then_some(c))
            .collect();
        run(&mut client_poll, &mut clients, |c| c.drive_client(&msg));
        start.elapsed()
    });
    let elapsed = client.join().expect("client thread");
    server.join().expect("server thread");
    elapsed
}

/// The floor of [`super::CASE_ACCEPT_CONNECT`]: a server thread accepts `connections`
/// connections and writes [`ACCEPT_BYTE`] on each; a client thread keeps `clients`
/// connections in flight (connect, `SO_LINGER 0`, read the byte, close); returns the time
/// from binding until both are done.
pub fn accept_connect(connections: usize, clients: usize) -> Duration {
    let start = Instant::now();
    let std_listener = std::net::TcpListener::bind(LOCALHOST).expect("bind");
    std_listener
        .set_nonblocking(true)
        .expect("set non-blocking");
    let addr = std_listener.local_addr().expect("address");
    let mut listener = TcpListener::from_std(std_listener);
    let server = thread::spawn(move || {
        let mut poll_ = Poll::new().expect("mio poll");
        poll_
            .registry()
            .register(&mut listener, Token(0), Interest::READABLE)
            .expect("register");
        let mut events = Events::with_capacity(EVENTS);
        let mut accepted = 0;
        while accepted < connections {
            poll(&mut poll_, &mut events);
            while let Some((mut stream, _)) = nonblocking(|| listener.accept()) {
                let n = nonblocking(|| stream.write(&[ACCEPT_BYTE]));
                assert_eq!(n, Some(1), "write to a fresh connection");
                accepted += 1;
            }
        }
    });

    let mut poll_ = Poll::new().expect("mio poll");
    let mut events = Events::with_capacity(EVENTS);
    let connect = |poll_: &mut Poll, slot: usize| {
        let mut stream = TcpStream::connect(addr).expect("connect");
        SockRef::from(&stream)
            .set_linger(Some(Duration::ZERO))
            .expect("set SO_LINGER 0");
        poll_
            .registry()
            .register(&mut stream, Token(slot), Interest::READABLE)
            .expect("register");
        stream
    };
    let mut left: Vec<usize> = (0..clients)
        .map(|i| share(connections, clients, i))
        .collect();
    let mut streams: Vec<Option<TcpStream>> = (0..clients)
        .map(|i| (left[i] > 0).then(|| connect(&mut poll_, i)))
        .collect();
    let mut open = streams.iter().filter(|s| s.is_some()).count();
    while open > 0 {
        poll(&mut poll_, &mut events);
        for event in events.iter() {
            let i = event.token().0;
            let Some(stream) = &mut streams[i] else {
                continue;
            };
            let mut byte = [0];
            match nonblocking(|| stream.read(&mut byte)) {
                None => continue,
                Some(1) => assert_eq!(byte[0], ACCEPT_BYTE),
                Some(_) => panic!("the server closed before writing"),
            }
            let mut done = streams[i].take().expect("open connection");
            poll_.registry().deregister(&mut done).expect("deregister");
            drop(done);
            left[i] -= 1;
            if left[i] > 0 {
                streams[i] = Some(connect(&mut poll_, i));
            } else {
                open -= 1;
            }
        }
    }
    server.join().expect("server thread");
    start.elapsed()
}
