//! The load generator: the same program against every server. `threads` OS threads, each
//! a plain mio poll loop over `conns` keep-alive connections; every connection sends
//! `GET / HTTP/1.1`, waits for the whole response (headers and `content-length` body),
//! records the latency, and sends the next, `requests` times. No async runtime runs on
//! the client side.
//!
//! Connections are made and set up (`TCP_NODELAY`) before the clock starts; the clock
//! runs from the moment every thread is ready until the last response. Each thread's own
//! CPU time and context switches are measured (`getrusage(RUSAGE_THREAD)`), so that a
//! caller can subtract the client's share from its whole process's and keep the
//! server's.
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};

/// The request every connection sends, again and again.
pub const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nhost: bench\r\n\r\n";

/// What a run measured.
#[derive(Debug)]
pub struct Report {
    /// From every client thread ready until the last response.
    pub elapsed: Duration,
    /// Every request's latency (write of the request until the end of its response),
    /// sorted.
    pub latencies: Vec<Duration>,
    /// The client threads' CPU time (user + system) during the run, all threads.
    pub client_cpu: Duration,
    /// The client threads' context switches (voluntary + involuntary).
    pub client_ctx_switches: u64,
}

impl Report {
    /// The `p`-th percentile latency (`p` in 0..=100).
    pub fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let i = ((self.latencies.len() - 1) as f64 * p / 100.0).round() as usize;
        self.latencies[i]
    }

    /// Requests per second.
    pub fn rps(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }
}

/// CPU time and context switches of the calling thread, or of the whole process.
pub fn rusage(who: libc::c_int) -> (Duration, u64) {
    // SAFETY: `rusage` is plain old data; all zeroes is a valid value.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `getrusage` writes the struct we own; `who` is RUSAGE_SELF or
    // RUSAGE_THREAD, both valid on Linux.
    let rc = unsafe { libc::getrusage(who, &mut ru) };
    assert_eq!(rc, 0, "getrusage: {}", io::Error::last_os_error());
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    (
        tv(ru.ru_utime) + tv(ru.ru_stime),
        (ru.ru_nvcsw + ru.ru_nivcsw) as u64,
    )
}

/// One connection's state.
struct Conn {
    stream: TcpStream,
    /// Requests still to send after the one in flight.
    left: usize,
    /// When the request in flight was written.
    sent_at: Instant,
    /// Bytes of the response read so far.
    buf: Vec<u8>,
    done: bool,
}

/// Runs the load: `threads` x `conns` connections to `addr`, `requests` requests each.
///
/// # Panics
///
/// If a connection fails or a response is not a `200` with a `content-length`.
pub fn run(addr: SocketAddr, threads: usize, conns: usize, requests: usize) -> Report {
    let ready = Arc::new(Barrier::new(threads + 1));
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let ready = ready.clone();
            thread::Builder::new()
                .name("http-loadgen".into())
                .spawn(move || client_thread(addr, conns, requests, &ready))
                .expect("spawn load generator thread")
        })
        .collect();
    ready.wait();
    let start = Instant::now();
    let mut report = Report {
        elapsed: Duration::ZERO,
        latencies: Vec::with_capacity(threads * conns * requests),
        client_cpu: Duration::ZERO,
        client_ctx_switches: 0,
    };
    for w in workers {
        let (lat, cpu, cs) = w.join().expect("load generator thread panicked");
        report.latencies.extend(lat);
        report.client_cpu += cpu;
        report.client_ctx_switches += cs;
    }
    report.elapsed = start.elapsed();
    report.latencies.sort_unstable();
    report
}

/// One client thread: connects, waits at `ready`, runs, returns its latencies and its
/// own CPU time and context switches during the run.
fn client_thread(
    addr: SocketAddr,
    conns: usize,
    requests: usize,
    ready: &Barrier,
) -> (Vec<Duration>, Duration, u64) {
    let mut poll = Poll::new().expect("mio poll");
    let mut all: Vec<Conn> = (0..conns)
        .map(|i| {
            let std = std::net::TcpStream::connect(addr).expect("connect to the server");
            std.set_nodelay(true).expect("nodelay");
            std.set_nonblocking(true).expect("nonblocking");
            let mut stream = TcpStream::from_std(std);
            poll.registry()
                .register(&mut stream, Token(i), Interest::READABLE)
                .expect("register");
            Conn {
                stream,
                left: requests,
                sent_at: Instant::now(),
                buf: Vec::with_capacity(256),
                done: requests == 0,
            }
        })
        .collect();
    let mut latencies = Vec::with_capacity(conns * requests);
    let mut events = Events::with_capacity(conns.max(1));
    ready.wait();
    let (cpu0, cs0) = rusage(libc::RUSAGE_THREAD);
    let mut open = 0;
    for c in all.iter_mut().filter(|c| !c.done) {
        send(c);
        open += 1;
    }
    while open > 0 {
        poll.poll(&mut events, None).expect("mio poll");
        for ev in events.iter() {
            let c = &mut all[ev.token().0];
            if c.done {
                continue;
            }
            while let Some(lat) = read_responses(c) {
                latencies.push(lat);
                if c.left == 0 {
                    c.done = true;
                    open -= 1;
                    break;
                }
                send(c);
            }
        }
    }
    let (cpu1, cs1) = rusage(libc::RUSAGE_THREAD);
    (latencies, cpu1 - cpu0, cs1 - cs0)
}

/// Writes the next request (it always fits the socket buffer: one request in flight).
fn send(c: &mut Conn) {
    c.left -= 1;
    c.sent_at = Instant::now();
    let mut off = 0;
    while off < REQUEST.len() {
        match c.stream.write(&REQUEST[off..]) {
            Ok(n) => off += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => thread::yield_now(),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => panic!("writing a request: {e}"),
        }
    }
}

/// Reads what has arrived (until `WouldBlock`, as edge-triggered readiness needs);
/// returns the latency once the response in flight is complete.
fn read_responses(c: &mut Conn) -> Option<Duration> {
    loop {
        if let Some(len) = complete_len(&c.buf) {
            let lat = c.sent_at.elapsed();
            c.buf.drain(..len);
            assert!(c.buf.is_empty(), "a response nobody asked for");
            return Some(lat);
        }
        let mut chunk = [0u8; 4096];
        match c.stream.read(&mut chunk) {
            Ok(0) => panic!("the server closed a keep-alive connection"),
            Ok(n) => c.buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return None,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => panic!("reading a response: {e}"),
        }
    }
}

/// The length of the complete response at the start of `buf`, if it is all there.
fn complete_len(buf: &[u8]) -> Option<usize> {
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&buf[..head_end]).expect("an ASCII response head");
    assert!(
        head.starts_with("HTTP/1.1 200"),
        "unexpected response: {head:?}"
    );
    let len: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().expect("a numeric content-length"))
        })
        .expect("a content-length header");
    (buf.len() >= head_end + len).then_some(head_end + len)
}
