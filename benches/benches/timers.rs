//! Timer benchmarks: our runtime beside tokio and smol in one criterion group per case, so
//! the report shows the ratio. Two flavors:
//!
//! - `timers/<case>/<runtime>`: multi-thread, [`WORKERS`] workers each (smol is an
//!   `async_executor::Executor` on [`WORKERS`] threads);
//! - `timers_current_thread/<case>/<runtime>`: current-thread (smol is a `LocalExecutor`).
//!
//! Ours uses `runtime::sleep` / `runtime::timeout`, tokio `tokio::time`, smol
//! `async_io::Timer` (a timeout is the future raced against a `Timer`). The cases live in
//! `runtime_benches::timers`, each generic over the `TimerRt` adapter:
//!
//! - `timers_many`: [`NUM_TIMERS`] tasks spawned inside the runtime, each sleeping a seeded
//!   pseudo-random 1..=50 ms (the same sequence on every runtime); one iteration is the
//!   time until the last wakes (at least 50 ms, so this mostly shows how late the last
//!   timers fire and how much the spawning and waking costs on top);
//! - `timeout_churn`: [`NUM_TIMEOUTS`] `timeout(1 s, ..)` in one task, each around a future
//!   that is pending once, so every timer is registered and cancelled;
//! - `sleep_reset`: one registered sleep moved to a later deadline [`NUM_RESETS`] times,
//!   polled after each move.
//!
//! Each iteration's time is measured inside the runtime (`iter_custom`); throughput is in
//! elements (timers, timeouts, resets), so the time per iteration divided by the case's
//! count is ns/op. Timer lateness is not a criterion figure: see the `timer_lateness`
//! example.
//!
//! Run: `cargo bench -p runtime-benches --bench timers`; one flavor with `-- timers/` or
//! `-- timers_current_thread/`; one case with `-- timers/sleep_reset`.
use criterion::{BenchmarkGroup, Criterion, SamplingMode, Throughput};
use runtime_benches::timers::{
    sleep_durations, sleep_reset, timeout_churn, timers_many, TimerRt, CASE_SLEEP_RESET,
    CASE_TIMEOUT_CHURN, CASE_TIMERS_MANY, GROUP_TIMERS, GROUP_TIMERS_CURRENT_THREAD, NUM_RESETS,
    NUM_TIMEOUTS, NUM_TIMERS, SEED, SLEEP_MAX_MS,
};
use runtime_benches::{Ours, SmolLocal, SmolMulti, Tokio, ID_RUNTIME, ID_SMOL, ID_TOKIO, WORKERS};
use std::sync::Arc;
use std::time::Duration;

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
            group: GROUP_TIMERS,
            ours: Ours::multi_thread(WORKERS),
            tokio: Tokio::multi_thread(WORKERS),
            smol: SmolMulti::new(WORKERS),
        }
    }
}

impl Runtimes<SmolLocal> {
    fn current_thread() -> Runtimes<SmolLocal> {
        Runtimes {
            group: GROUP_TIMERS_CURRENT_THREAD,
            ours: Ours::current_thread(),
            tokio: Tokio::current_thread(),
            smol: SmolLocal::new(),
        }
    }
}

/// One case: its name, size, sampling, and one iteration timed from inside the runtime.
trait Case {
    const CASE: &'static str;
    /// Operations per iteration (criterion's `Throughput::Elements`).
    const OPS: u64;
    const SAMPLES: usize;
    const MEASUREMENT: Duration;
    fn run<R: TimerRt>(&self, rt: &R) -> Duration;
}

struct TimersMany(Arc<[Duration]>);

impl Case for TimersMany {
    const CASE: &'static str = CASE_TIMERS_MANY;
    const OPS: u64 = NUM_TIMERS as u64;
    // Iterations take 50 ms and more: few samples, few iterations each.
    const SAMPLES: usize = 10;
    const MEASUREMENT: Duration = Duration::from_secs(6);

    fn run<R: TimerRt>(&self, rt: &R) -> Duration {
        timers_many(rt, &self.0)
    }
}

struct TimeoutChurn;

impl Case for TimeoutChurn {
    const CASE: &'static str = CASE_TIMEOUT_CHURN;
    const OPS: u64 = NUM_TIMEOUTS as u64;
    const SAMPLES: usize = 50;
    const MEASUREMENT: Duration = Duration::from_secs(3);

    fn run<R: TimerRt>(&self, rt: &R) -> Duration {
        timeout_churn(rt, NUM_TIMEOUTS)
    }
}

struct SleepReset;

impl Case for SleepReset {
    const CASE: &'static str = CASE_SLEEP_RESET;
    const OPS: u64 = NUM_RESETS as u64;
    const SAMPLES: usize = 50;
    const MEASUREMENT: Duration = Duration::from_secs(3);

    fn run<R: TimerRt>(&self, rt: &R) -> Duration {
        sleep_reset(rt, NUM_RESETS)
    }
}

/// One group `<flavor>/<case>` with the three runtimes side by side.
fn bench<C: Case, S: TimerRt>(c: &mut Criterion, rts: &Runtimes<S>, case: &C) {
    fn one<C: Case, R: TimerRt>(
        group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>,
        id: &str,
        rt: &R,
        case: &C,
    ) {
        group.bench_function(id, |b| {
            b.iter_custom(|iters| (0..iters).map(|_| case.run(rt)).sum())
        });
    }

    let mut group = c.benchmark_group(format!("{}/{}", rts.group, C::CASE));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(C::SAMPLES);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(C::MEASUREMENT);
    group.throughput(Throughput::Elements(C::OPS));
    one(&mut group, ID_RUNTIME, &rts.ours, case);
    one(&mut group, ID_TOKIO, &rts.tokio, case);
    one(&mut group, ID_SMOL, &rts.smol, case);
    group.finish();
}

fn all<S: TimerRt>(c: &mut Criterion, rts: &Runtimes<S>) {
    let durations = TimersMany(sleep_durations(NUM_TIMERS, SLEEP_MAX_MS, SEED));
    bench(c, rts, &durations);
    bench(c, rts, &TimeoutChurn);
    bench(c, rts, &SleepReset);
}

// What `criterion_group!`/`criterion_main!` expand to, written out so no undocumented
// `pub fn` is generated (missing_docs is on).
fn main() {
    let mut c = Criterion::default().configure_from_args();
    all(&mut c, &Runtimes::multi_thread());
    all(&mut c, &Runtimes::current_thread());
    c.final_summary();
}
