//! Lifecycle benchmarks: what starting and stopping a runtime costs, our runtime beside
//! tokio and smol in one criterion group per case (ids `lifecycle/<case>/<runtime>`).
//! Every `#[runtime::main]` program and every `#[runtime::test]` pays this once.
//!
//! Each iteration builds a runtime, runs an empty future on it and drops it:
//!
//! - `build_block_on_drop`: the multi-thread flavor with its default worker count.
//!   Ours: `Runtime::new()` + `block_on` + drop. tokio:
//!   `Builder::new_multi_thread().enable_all().build()` + `block_on` + drop (tokio with its
//!   `net` feature, so `enable_all` starts the I/O driver as ours always does). smol has
//!   no runtime object: its closest equivalent is [`SmolMulti`] (an
//!   `async_executor::Executor` run by as many threads, stopped and joined on drop, as
//!   in the scheduler benchmarks) + `block_on`.
//! - `run_empty`: `runtime::run(async {})` against what `#[tokio::main]` expands to (the
//!   same build + `block_on` + drop as above) and smol's own entry point,
//!   `smol::block_on(async {})` (the future runs on the calling thread; smol's global
//!   executor threads are started only by `smol::spawn`, so none start here).
//! - `current_thread`: the current-thread flavor. Ours: `new_current_thread().build()` +
//!   `block_on` + drop; tokio: `new_current_thread().enable_all().build()` + `block_on` +
//!   drop; smol: a new `async_executor::LocalExecutor` run under
//!   `futures_lite::future::block_on`, then dropped (the scheduler benchmarks' `SmolLocal`
//!   adapter keeps one per thread instead).
//!
//! Run: `cargo bench -p runtime-benches --bench lifecycle`, or a quicker pass with
//! `-- --warm-up-time 1 --measurement-time 3`; one case with `-- lifecycle/run_empty`.
use criterion::{BenchmarkGroup, Criterion};
use runtime_benches::{Rt, SmolMulti, ID_RUNTIME, ID_SMOL, ID_TOKIO};
use std::hint::black_box;

/// Criterion group prefix: ids read `lifecycle/<case>/<runtime>`.
const GROUP: &str = "lifecycle";

type Group<'a> = BenchmarkGroup<'a, criterion::measurement::WallTime>;

/// A case: its name and the function that adds its three runtimes to its group.
type Case = (&'static str, fn(&mut Group<'_>));

/// The default worker count of a multi-thread runtime (tokio's and ours: one per CPU).
fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn tokio_multi_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("build tokio runtime")
}

fn build_block_on_drop(group: &mut Group<'_>) {
    group.bench_function(ID_RUNTIME, |b| {
        b.iter(|| {
            let rt = runtime::Runtime::new().expect("build runtime");
            rt.block_on(async { black_box(()) });
            drop(rt);
        })
    });
    group.bench_function(ID_TOKIO, |b| {
        b.iter(|| {
            let rt = tokio_multi_thread();
            rt.block_on(async { black_box(()) });
            drop(rt);
        })
    });
    group.bench_function(ID_SMOL, |b| {
        b.iter(|| {
            let rt = SmolMulti::new(default_workers());
            rt.block_on(async { black_box(()) });
            drop(rt);
        })
    });
}

fn run_empty(group: &mut Group<'_>) {
    group.bench_function(ID_RUNTIME, |b| {
        b.iter(|| runtime::run(async { black_box(()) }))
    });
    group.bench_function(ID_TOKIO, |b| {
        // `#[tokio::main]`'s expansion.
        b.iter(|| tokio_multi_thread().block_on(async { black_box(()) }))
    });
    group.bench_function(ID_SMOL, |b| {
        b.iter(|| smol::block_on(async { black_box(()) }))
    });
}

fn current_thread(group: &mut Group<'_>) {
    group.bench_function(ID_RUNTIME, |b| {
        b.iter(|| {
            let rt = runtime::Builder::new_current_thread()
                .build()
                .expect("build runtime");
            rt.block_on(async { black_box(()) });
            drop(rt);
        })
    });
    group.bench_function(ID_TOKIO, |b| {
        b.iter(|| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("build tokio runtime");
            rt.block_on(async { black_box(()) });
            drop(rt);
        })
    });
    group.bench_function(ID_SMOL, |b| {
        b.iter(|| {
            let ex = async_executor::LocalExecutor::new();
            futures_lite::future::block_on(ex.run(async { black_box(()) }));
            drop(ex);
        })
    });
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let cases: [Case; 3] = [
        ("build_block_on_drop", build_block_on_drop),
        ("run_empty", run_empty),
        ("current_thread", current_thread),
    ];
    for (case, bench) in cases {
        let mut group = c.benchmark_group(format!("{GROUP}/{case}"));
        bench(&mut group);
        group.finish();
    }
    c.final_summary();
}
