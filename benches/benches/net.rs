//! TCP over loopback: runtime, tokio and smol beside a runtime-less mio floor in one criterion group
//! per case, so the report shows each runtime's overhead above the floor. Multi-thread
//! runtimes with [`WORKERS`] workers, built once (tokio with its I/O driver; smol is an
//! `async_executor::Executor` on [`WORKERS`] threads with `async_io::Async` sockets); the
//! floor is one server thread and one client thread, each on a plain mio poll loop.
//!
//! Cases (`runtime_benches::net` has the details):
//!
//! - `net/tcp_echo_64/<rt>`, `net/tcp_echo_4k/<rt>`: [`ECHO_CONNECTIONS`] connections x
//!   [`ECHO_ROUND_TRIPS`] round trips of 64 bytes / 4 KiB (client: `write_all` then
//!   `read_exact`; server: a task per connection echoing what it reads); throughput is in
//!   round trips, so the time per iteration divided by 64,000 is the time per round trip
//!   with 32 in flight;
//! - `net/accept_connect/<rt>`: [`ACCEPT_CONNECTIONS`] connections per iteration, made by
//!   [`ACCEPT_CLIENTS`] client tasks one after another each (`SO_LINGER 0` on the client, so
//!   no TIME_WAIT), accepted by one accept loop; throughput is in connections.
//!
//! Each iteration's time is measured inside the workload (`iter_custom`).
//!
//! Run: `cargo bench -p runtime-benches --bench net`; one case with `-- net/tcp_echo_64`.
//! Syscalls per round trip: the `net_echo` example under `strace -c -f`.
use criterion::{BenchmarkGroup, Criterion, SamplingMode, Throughput};
use runtime_benches::net::{
    accept_connect, floor, tcp_echo, NetRt, ACCEPT_CLIENTS, ACCEPT_CONNECTIONS,
    CASE_ACCEPT_CONNECT, CASE_TCP_ECHO_4K, CASE_TCP_ECHO_64, ECHO_CONNECTIONS, ECHO_ROUND_TRIPS,
    GROUP_NET, ID_MIO_FLOOR, MSG_LARGE, MSG_SMALL,
};
use runtime_benches::{Ours, SmolMulti, Tokio, ID_RUNTIME, ID_SMOL, ID_TOKIO, WORKERS};
use std::time::Duration;

/// The runtimes, built once and reused by every iteration.
struct Runtimes {
    ours: Ours,
    tokio: Tokio,
    smol: SmolMulti,
}

/// One case: its name, size, and one iteration on a runtime or on the floor.
trait Case {
    fn name(&self) -> &'static str;
    /// Operations per iteration (criterion's `Throughput::Elements`).
    fn ops(&self) -> u64;
    fn run<R: NetRt>(&self, rt: &R) -> Duration;
    fn floor(&self) -> Duration;
}

/// `net/tcp_echo_64` and `net/tcp_echo_4k`.
struct Echo {
    case: &'static str,
    msg_len: usize,
}

impl Case for Echo {
    fn name(&self) -> &'static str {
        self.case
    }

    fn ops(&self) -> u64 {
        (ECHO_CONNECTIONS * ECHO_ROUND_TRIPS) as u64
    }

    fn run<R: NetRt>(&self, rt: &R) -> Duration {
        tcp_echo(rt, ECHO_CONNECTIONS, ECHO_ROUND_TRIPS, self.msg_len)
    }

    fn floor(&self) -> Duration {
        floor::tcp_echo(ECHO_CONNECTIONS, ECHO_ROUND_TRIPS, self.msg_len)
    }
}

/// `net/accept_connect`.
struct AcceptConnect;

impl Case for AcceptConnect {
    fn name(&self) -> &'static str {
        CASE_ACCEPT_CONNECT
    }

    fn ops(&self) -> u64 {
        ACCEPT_CONNECTIONS as u64
    }

    fn run<R: NetRt>(&self, rt: &R) -> Duration {
        accept_connect(rt, ACCEPT_CONNECTIONS, ACCEPT_CLIENTS)
    }

    fn floor(&self) -> Duration {
        floor::accept_connect(ACCEPT_CONNECTIONS, ACCEPT_CLIENTS)
    }
}

type Group<'a> = BenchmarkGroup<'a, criterion::measurement::WallTime>;

/// One group `net/<case>`: the floor first, then each runtime.
fn bench<C: Case>(c: &mut Criterion, rts: &Runtimes, case: &C) {
    fn one<C: Case, R: NetRt>(group: &mut Group<'_>, id: &str, rt: &R, case: &C) {
        group.bench_function(id, |b| {
            b.iter_custom(|iters| (0..iters).map(|_| case.run(rt)).sum())
        });
    }

    let mut group = c.benchmark_group(format!("{GROUP_NET}/{}", case.name()));
    // Echo iterations take tens to hundreds of milliseconds: few samples, one iteration
    // each at the least. Warm-up and measurement times come from the command line.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.throughput(Throughput::Elements(case.ops()));
    group.bench_function(ID_MIO_FLOOR, |b| {
        b.iter_custom(|iters| (0..iters).map(|_| case.floor()).sum())
    });
    one(&mut group, ID_RUNTIME, &rts.ours, case);
    one(&mut group, ID_TOKIO, &rts.tokio, case);
    one(&mut group, ID_SMOL, &rts.smol, case);
    group.finish();
}

// What `criterion_group!`/`criterion_main!` expand to, written out so no undocumented
// `pub fn` is generated (missing_docs is on).
fn main() {
    let mut c = Criterion::default().configure_from_args();
    let rts = Runtimes {
        ours: Ours::multi_thread(WORKERS),
        tokio: Tokio::multi_thread_net(WORKERS),
        smol: SmolMulti::new(WORKERS),
    };
    let echo = |case, msg_len| Echo { case, msg_len };
    bench(&mut c, &rts, &echo(CASE_TCP_ECHO_64, MSG_SMALL));
    bench(&mut c, &rts, &echo(CASE_TCP_ECHO_4K, MSG_LARGE));
    bench(&mut c, &rts, &AcceptConnect);
    c.final_summary();
}
