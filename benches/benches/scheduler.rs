//! Scheduler benchmarks: our runtime beside tokio and smol in one criterion group per
//! case, ids `scheduler/<case>/<runtime>`, so the report shows the ratio.
//!
//! The workloads live in `runtime_benches::workloads`, each generic over the `Rt` adapter;
//! this file only wires them to criterion. Throughput is in elements, so criterion prints
//! operations per second; the time per iteration divided by the case's `OPS` is ns/op.
//!
//! Run: `cargo bench -p runtime-benches --bench scheduler`, or a quicker pass with
//! `-- --warm-up-time 1 --measurement-time 3`; one case with `-- scheduler/ping_pong`.
use criterion::{Criterion, SamplingMode, Throughput};
use runtime_benches::workloads::{
    ChainedSpawn, PingPong, SpawnManyLocal, SpawnManyRemote, Workload, YieldMany,
};
use runtime_benches::{
    Ours, SmolLocal, Tokio, GROUP_CURRENT_THREAD, ID_RUNTIME, ID_SMOL, ID_TOKIO,
};

/// The three runtimes of one flavor, built once and reused by every iteration.
struct Runtimes {
    group: &'static str,
    ours: Ours,
    tokio: Tokio,
    smol: SmolLocal,
}

impl Runtimes {
    fn current_thread() -> Runtimes {
        Runtimes {
            group: GROUP_CURRENT_THREAD,
            ours: Ours::current_thread(),
            tokio: Tokio::current_thread(),
            smol: SmolLocal::new(),
        }
    }
}

/// One group `<flavor>/<case>` with the three runtimes side by side.
fn bench<W: Workload>(c: &mut Criterion, rts: &Runtimes) {
    let mut group = c.benchmark_group(format!("{}/{}", rts.group, W::CASE));
    // Iterations take about a millisecond: flat sampling keeps a run within its time budget.
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(W::OPS));
    group.bench_function(ID_RUNTIME, |b| b.iter(|| W::run(&rts.ours)));
    group.bench_function(ID_TOKIO, |b| b.iter(|| W::run(&rts.tokio)));
    group.bench_function(ID_SMOL, |b| b.iter(|| W::run(&rts.smol)));
    group.finish();
}

fn current_thread(c: &mut Criterion) {
    let rts = Runtimes::current_thread();
    bench::<SpawnManyLocal>(c, &rts);
    bench::<SpawnManyRemote>(c, &rts);
    bench::<YieldMany>(c, &rts);
    bench::<PingPong>(c, &rts);
    bench::<ChainedSpawn>(c, &rts);
}

// What `criterion_group!`/`criterion_main!` expand to, written out so no undocumented
// `pub fn` is generated (missing_docs is on).
fn main() {
    let mut c = Criterion::default().configure_from_args();
    current_thread(&mut c);
    c.final_summary();
}
