//! Scheduler benchmarks: our runtime beside tokio and smol in one criterion group per
//! case, so the report shows the ratio. Two flavors:
//!
//! - `scheduler/<case>/<runtime>`: multi-thread, [`WORKERS`] workers each (tokio's
//!   `rt_multi_threaded` cases; smol is an `async_executor::Executor` on [`WORKERS`]
//!   threads);
//! - `scheduler_current_thread/<case>/<runtime>`: current-thread (tokio's
//!   `rt_current_thread`; smol is a `LocalExecutor`).
//!
//! The workloads live in `runtime_benches::workloads`, each generic over the `Rt` adapter;
//! this file only wires them to criterion. Throughput is in elements, so criterion prints
//! operations per second; the time per iteration divided by the case's `OPS` is ns/op.
//!
//! Run: `cargo bench -p runtime-benches --bench scheduler`, or a quicker pass with
//! `-- --warm-up-time 1 --measurement-time 3`; one flavor with `-- scheduler/` or
//! `-- scheduler_current_thread/`; one case with `-- scheduler/ping_pong`.
use criterion::{Criterion, SamplingMode, Throughput};
use runtime_benches::workloads::{
    ChainedSpawn, PingPong, SpawnManyLocal, SpawnManyRemote, SpawnManyRemoteBusy,
    SpawnManyRemoteIdle, Workload, YieldMany,
};
use runtime_benches::{
    Ours, Rt, SmolLocal, SmolMulti, Tokio, GROUP_CURRENT_THREAD, GROUP_MULTI_THREAD, ID_RUNTIME,
    ID_SMOL, ID_TOKIO, WORKERS,
};

/// The three runtimes of one flavor, built once and reused by every iteration.
struct Runtimes<S> {
    group: &'static str,
    ours: Ours,
    tokio: Tokio,
    smol: S,
}

impl Runtimes<SmolMulti> {
    fn multi_thread() -> Runtimes<SmolMulti> {
        Runtimes {
            group: GROUP_MULTI_THREAD,
            ours: Ours::multi_thread(WORKERS),
            tokio: Tokio::multi_thread(WORKERS),
            smol: SmolMulti::new(WORKERS),
        }
    }
}

impl Runtimes<SmolLocal> {
    fn current_thread() -> Runtimes<SmolLocal> {
        Runtimes {
            group: GROUP_CURRENT_THREAD,
            ours: Ours::current_thread(),
            tokio: Tokio::current_thread(),
            smol: SmolLocal::new(),
        }
    }
}

/// One group `<flavor>/<case>` with the three runtimes side by side. A case's background
/// tasks run on a runtime only while that runtime is measured.
fn bench<W: Workload, S: Rt>(c: &mut Criterion, rts: &Runtimes<S>) {
    fn one<W: Workload, R: Rt>(
        group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
        id: &str,
        rt: &R,
    ) {
        let background = W::background(rt);
        group.bench_function(id, |b| b.iter(|| W::run(rt)));
        drop(background);
    }

    let mut group = c.benchmark_group(format!("{}/{}", rts.group, W::CASE));
    // Iterations take about a millisecond: flat sampling keeps a run within its time budget.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(W::SAMPLES);
    group.throughput(Throughput::Elements(W::OPS));
    one::<W, _>(&mut group, ID_RUNTIME, &rts.ours);
    one::<W, _>(&mut group, ID_TOKIO, &rts.tokio);
    one::<W, _>(&mut group, ID_SMOL, &rts.smol);
    group.finish();
}

fn multi_thread(c: &mut Criterion) {
    let rts = Runtimes::multi_thread();
    bench::<SpawnManyLocal, _>(c, &rts);
    bench::<SpawnManyRemoteIdle, _>(c, &rts);
    bench::<SpawnManyRemoteBusy, _>(c, &rts);
    bench::<YieldMany, _>(c, &rts);
    bench::<PingPong, _>(c, &rts);
    bench::<ChainedSpawn, _>(c, &rts);
}

fn current_thread(c: &mut Criterion) {
    let rts = Runtimes::current_thread();
    bench::<SpawnManyLocal, _>(c, &rts);
    bench::<SpawnManyRemote, _>(c, &rts);
    bench::<YieldMany, _>(c, &rts);
    bench::<PingPong, _>(c, &rts);
    bench::<ChainedSpawn, _>(c, &rts);
}

// What `criterion_group!`/`criterion_main!` expand to, written out so no undocumented
// `pub fn` is generated (missing_docs is on).
fn main() {
    let mut c = Criterion::default().configure_from_args();
    multi_thread(&mut c);
    current_thread(&mut c);
    c.final_summary();
}
