//! Blocking-pool benchmarks: our runtime beside tokio and smol in one criterion group per
//! case, so the report shows the ratio. Two flavors:
//!
//! - `blocking/<case>/<runtime>`: multi-thread, [`WORKERS`] workers each (smol is an
//!   `async_executor::Executor` on [`WORKERS`] threads);
//! - `blocking_current_thread/<case>/<runtime>`: current-thread (smol is a
//!   `LocalExecutor`).
//!
//! Ours uses `runtime::spawn_blocking`, tokio `tokio::task::spawn_blocking`, smol
//! `blocking::unblock` (`smol::unblock`). The case lives in `runtime_benches::blocking`,
//! generic over the `BlockingRt` adapter:
//!
//! - `spawn_blocking_batches`: one task inside the runtime runs [`NUM_JOBS`] tiny jobs,
//!   [`BATCH`](runtime_benches::blocking::BATCH) at a time, awaiting each batch before
//!   submitting the next.
//!
//! Each iteration's time is measured inside the runtime (`iter_custom`); throughput is in
//! elements (jobs), so the time per iteration divided by [`NUM_JOBS`] is ns per job.
//!
//! Run: `cargo bench -p runtime-benches --bench blocking`; one flavor with `-- blocking/`
//! or `-- blocking_current_thread/`.
use criterion::{BenchmarkGroup, Criterion, SamplingMode, Throughput};
use runtime_benches::blocking::{
    spawn_blocking_batches, BlockingRt, CASE_SPAWN_BLOCKING_BATCHES, GROUP_BLOCKING,
    GROUP_BLOCKING_CURRENT_THREAD, NUM_JOBS,
};
use runtime_benches::{Ours, SmolLocal, SmolMulti, Tokio, ID_RUNTIME, ID_SMOL, ID_TOKIO, WORKERS};
use std::time::Duration;

/// Samples per runtime; an iteration takes a few milliseconds.
const SAMPLES: usize = 50;
/// Measurement time per runtime.
const MEASUREMENT: Duration = Duration::from_secs(3);

/// One group `<flavor>/spawn_blocking_batches` with the three runtimes side by side.
fn bench<S: BlockingRt>(c: &mut Criterion, group: &str, ours: &Ours, tokio: &Tokio, smol: &S) {
    fn one<R: BlockingRt>(
        group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>,
        id: &str,
        rt: &R,
    ) {
        group.bench_function(id, |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| spawn_blocking_batches(rt, NUM_JOBS))
                    .sum()
            })
        });
    }

    let mut group = c.benchmark_group(format!("{group}/{CASE_SPAWN_BLOCKING_BATCHES}"));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(SAMPLES);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(MEASUREMENT);
    group.throughput(Throughput::Elements(NUM_JOBS as u64));
    one(&mut group, ID_RUNTIME, ours);
    one(&mut group, ID_TOKIO, tokio);
    one(&mut group, ID_SMOL, smol);
    group.finish();
}

// What `criterion_group!`/`criterion_main!` expand to, written out so no undocumented
// `pub fn` is generated (missing_docs is on).
fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench(
        &mut c,
        GROUP_BLOCKING,
        &Ours::multi_thread(WORKERS),
        &Tokio::multi_thread(WORKERS),
        &SmolMulti::new(WORKERS),
    );
    bench(
        &mut c,
        GROUP_BLOCKING_CURRENT_THREAD,
        &Ours::current_thread(),
        &Tokio::current_thread(),
        &SmolLocal::new(),
    );
    c.final_summary();
}
