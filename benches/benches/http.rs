//! HTTP/1.1 keep-alive hello-world on hyper 1.x: the same hyper server on runtime, tokio
//! (hyper-util's adapters) and smol (smol-hyper's), each with [`WORKERS`] workers, driven by
//! the same load generator ([`loadgen`]: [`CLIENT_THREADS`] mio threads x
//! [`CONNS_PER_THREAD`] connections, [`REQUESTS_PER_CONN`] requests each per iteration).
//! Throughput is in requests, so criterion's rate is requests per second.
//!
//! Run: `cargo bench -p runtime-benches --bench http`. Server CPU time, context switches,
//! syscalls and latency percentiles per request: the `http_load` example (the server in a
//! process of its own).
use criterion::{Criterion, SamplingMode, Throughput};
use runtime_benches::http::{
    loadgen, HttpRt, CASE_HELLO_KEEPALIVE, CLIENT_THREADS, CONNS_PER_THREAD, GROUP_HTTP,
    REQUESTS_PER_CONN,
};
use runtime_benches::{Ours, SmolMulti, Tokio, ID_RUNTIME, ID_SMOL, ID_TOKIO, WORKERS};

type Group<'a> = criterion::BenchmarkGroup<'a, criterion::measurement::WallTime>;

/// One runtime's row: its server is started once, each iteration is one load run.
fn one<R: HttpRt>(group: &mut Group<'_>, id: &str, rt: &R) {
    let addr = rt.serve_hello();
    group.bench_function(id, |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    loadgen::run(addr, CLIENT_THREADS, CONNS_PER_THREAD, REQUESTS_PER_CONN).elapsed
                })
                .sum()
        })
    });
}

// What `criterion_group!`/`criterion_main!` expand to, written out so no undocumented
// `pub fn` is generated (missing_docs is on).
fn main() {
    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group(format!("{GROUP_HTTP}/{CASE_HELLO_KEEPALIVE}"));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.throughput(Throughput::Elements(
        (CLIENT_THREADS * CONNS_PER_THREAD * REQUESTS_PER_CONN) as u64,
    ));
    // One runtime alive at a time, so no other runtime's idle workers share the cores.
    one(&mut group, ID_RUNTIME, &Ours::multi_thread(WORKERS));
    one(&mut group, ID_TOKIO, &Tokio::multi_thread_net(WORKERS));
    one(&mut group, ID_SMOL, &SmolMulti::new(WORKERS));
    group.finish();
    c.final_summary();
}
