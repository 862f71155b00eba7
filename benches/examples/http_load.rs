//! The `http` bench's workload with the server in a process of its own, to measure what
//! the server spends per request: CPU time (`/proc/<pid>/stat`), context switches (the
//! sum of `/proc/<pid>/task/*/status`), and with `--strace` syscalls (`strace -f -c` on
//! the server only); plus requests per second and latency p50/p99 seen by the client.
//!
//! ```text
//! cargo build --release -p runtime-benches --example http_load
//! target/release/examples/http_load runtime          # or tokio, smol; [requests per conn]
//! target/release/examples/http_load tokio 500 --strace
//! ```
//!
//! The server is [`HttpRt::serve_hello`] with [`WORKERS`] workers; the client is
//! [`loadgen::run`] with [`CLIENT_THREADS`] x [`CONNS_PER_THREAD`] connections. A warm-up
//! run (10 requests per connection) comes first and is not counted. Under strace every
//! syscall is slower, so a runtime parks more often: syscall counts are an upper bound on
//! its wakeups, and that run's CPU and rate are not reported. `HTTP_LOAD_WRAP` puts a
//! tool in front of the server (`HTTP_LOAD_WRAP="valgrind --tool=callgrind"`, whose
//! instruction counts do not depend on the machine's load).
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use runtime_benches::http::{loadgen, HttpRt, CLIENT_THREADS, CONNS_PER_THREAD};
use runtime_benches::{Ours, SmolMulti, Tokio, ID_RUNTIME, ID_SMOL, ID_TOKIO, WORKERS};

const USAGE: &str = "usage: http_load <runtime|tokio|smol> [requests_per_conn] [--strace]";

/// Child mode: serve until stdin closes.
fn serve(rt: &str) {
    fn until_stdin_closes<R: HttpRt>(rt: R) {
        println!("{}", rt.serve_hello());
        let mut line = String::new();
        while std::io::stdin().read_line(&mut line).is_ok_and(|n| n > 0) {}
        drop(rt);
    }
    match rt {
        ID_RUNTIME => until_stdin_closes(Ours::multi_thread(WORKERS)),
        ID_TOKIO => until_stdin_closes(Tokio::multi_thread_net(WORKERS)),
        ID_SMOL => until_stdin_closes(SmolMulti::new(WORKERS)),
        _ => panic!("{USAGE}"),
    }
}

/// The server process's CPU time (user + system) and context switches so far.
fn server_usage(pid: u32) -> (Duration, u64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("read stat");
    // Fields after the `(comm)`: state is field 3, utime 14, stime 15.
    let rest = &stat[stat.rfind(')').expect("stat format") + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // SAFETY: `sysconf` only reads a configuration value.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
    let ticks: u64 = f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap();
    let cpu = Duration::from_nanos(ticks * 1_000_000_000 / hz);
    let mut switches = 0;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).expect("read tasks") {
        let status =
            std::fs::read_to_string(task.unwrap().path().join("status")).unwrap_or_default();
        for line in status.lines() {
            if line.starts_with("voluntary_ctxt_switches")
                || line.starts_with("nonvoluntary_ctxt_switches")
            {
                switches += line
                    .split_whitespace()
                    .last()
                    .unwrap()
                    .parse::<u64>()
                    .unwrap();
            }
        }
    }
    (cpu, switches)
}

fn start_server(rt: &str, strace_out: Option<&str>) -> (Child, SocketAddr) {
    let exe = std::env::current_exe().expect("current_exe");
    // `HTTP_LOAD_WRAP="valgrind --tool=callgrind"` runs the server under a tool.
    let wrap = std::env::var("HTTP_LOAD_WRAP").unwrap_or_default();
    let mut words: Vec<String> = wrap.split_whitespace().map(String::from).collect();
    if let Some(out) = strace_out {
        words.extend(["strace", "-f", "-c", "-o", out].map(String::from));
    }
    let mut cmd = match words.split_first() {
        Some((tool, args)) => {
            let mut c = Command::new(tool);
            c.args(args).arg(&exe);
            c
        }
        None => Command::new(&exe),
    };
    let mut child = cmd
        .args(["serve", rt])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the server process");
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .expect("read the server's address");
    (
        child,
        line.trim().parse().expect("the server prints its address"),
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("serve") {
        return serve(args.get(1).expect(USAGE));
    }
    let rt = args.first().expect(USAGE).clone();
    let strace = args.iter().any(|a| a == "--strace");
    let requests: usize = args
        .iter()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map_or(1000, |s| s.parse().expect(USAGE));
    let strace_out = format!("/tmp/http_load.{rt}.strace");
    let (mut child, addr) = start_server(&rt, strace.then_some(strace_out.as_str()));

    loadgen::run(addr, CLIENT_THREADS, CONNS_PER_THREAD, 10); // warm-up
    let (cpu0, cs0) = server_usage(child.id());
    let report = loadgen::run(addr, CLIENT_THREADS, CONNS_PER_THREAD, requests);
    let (cpu1, cs1) = server_usage(child.id());
    drop(child.stdin.take()); // the server exits
    child.wait().expect("wait for the server");

    let n = report.latencies.len() as f64;
    println!(
        "{rt}: {} requests in {:?}",
        report.latencies.len(),
        report.elapsed
    );
    if strace {
        let summary = std::fs::read_to_string(&strace_out).expect("strace summary");
        // `strace -c` rows: % time, seconds, usecs/call, calls, [errors,] syscall.
        let calls = |name: &str| -> f64 {
            summary
                .lines()
                .find(|l| l.split_whitespace().last() == Some(name))
                .and_then(|l| l.split_whitespace().nth(3)?.parse().ok())
                .unwrap_or(0.0)
        };
        // Requests over the server's life: the warm-up's and the measured run's.
        let served = n + (CLIENT_THREADS * CONNS_PER_THREAD * 10) as f64;
        println!(
            "  server syscalls per request:  {:.3} (of which futex {:.3}, epoll_wait {:.3}; whole process life, set-up included)",
            calls("total") / served,
            calls("futex") / served,
            calls("epoll_wait") / served,
        );
        return;
    }
    println!("  requests per second:          {:.0}", report.rps());
    println!(
        "  latency p50 / p99:            {:?} / {:?}",
        report.percentile(50.0),
        report.percentile(99.0)
    );
    println!(
        "  server CPU per request:       {:.2} us",
        (cpu1 - cpu0).as_secs_f64() * 1e6 / n
    );
    println!(
        "  server context switches/req:  {:.3}",
        (cs1 - cs0) as f64 / n
    );
    println!(
        "  client CPU per request:       {:.2} us",
        report.client_cpu.as_secs_f64() * 1e6 / n
    );
}
