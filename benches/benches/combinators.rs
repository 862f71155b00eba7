//! asyncio's combinators against the peers' equivalents, one criterion group per case (ids
//! `combinators/<case>/<runtime>`), same workload, same run.
//!
//! - `gather_ready` (current-thread flavors): [`NUM_READY`] futures that are ready on
//!   their first poll, gathered in input order. Ours: `runtime::gather`. tokio and smol
//!   have no gather of their own; their users write `futures::future::join_all`, run here
//!   inside each one's `block_on` (the same code on both: it measures join_all).
//! - `gather_spawned` (multi-thread, [`WORKERS`] workers): spawn [`NUM_SPAWNED`] tasks
//!   and collect their outputs in input order. Ours: `runtime::gather` of the handles;
//!   tokio: `join_all` of its handles; smol: await each handle in turn.
//! - `as_completed` (multi-thread): spawn [`NUM_AS_COMPLETED`] tasks and take their
//!   outputs in completion order. Ours: `runtime::as_completed`; tokio: a `JoinSet`
//!   (`spawn` each, then a `join_next` loop); smol: its tasks in a
//!   `futures::stream::FuturesUnordered`.
//! - `task_group` (multi-thread): [`NUM_GROUP`] members that each return their input,
//!   then wait for all of them. Ours: `runtime::TaskGroup` (`spawn` each, then `join`);
//!   tokio: a `JoinSet` (`spawn` each, then a `join_next` loop); smol: spawn each, then
//!   await each handle in turn.
//!
//! Run: `cargo bench -p runtime-benches --bench combinators`, or a quicker pass with
//! `-- --warm-up-time 1 --measurement-time 3`.
use criterion::{BenchmarkGroup, Criterion};
use futures_util::stream::{FuturesUnordered, StreamExt};
use runtime_benches::{
    Ours, Rt, SmolLocal, SmolMulti, Tokio, ID_RUNTIME, ID_SMOL, ID_TOKIO, WORKERS,
};
use std::hint::black_box;

/// Criterion group prefix: ids read `combinators/<case>/<runtime>`.
const GROUP: &str = "combinators";

/// Futures per `gather_ready` iteration.
const NUM_READY: usize = 1_000;
/// Tasks per `gather_spawned` iteration.
const NUM_SPAWNED: usize = 1_000;
/// Tasks per `as_completed` iteration.
const NUM_AS_COMPLETED: usize = 10_000;
/// Members per `task_group` iteration.
const NUM_GROUP: usize = 10_000;

type Group<'a> = BenchmarkGroup<'a, criterion::measurement::WallTime>;

/// A case: its name and the function that adds its three runtimes to its group.
type Case = (&'static str, fn(&mut Group<'_>));

/// The futures of `gather_ready`: each returns its input at once.
fn ready_futures() -> impl Iterator<Item = impl std::future::Future<Output = usize>> {
    (0..NUM_READY).map(|i| async move { black_box(i) })
}

fn check_sum(sum: usize, n: usize) {
    assert_eq!(sum, n * (n - 1) / 2);
}

fn gather_ready(group: &mut Group<'_>) {
    let ours = Ours::current_thread();
    group.bench_function(ID_RUNTIME, |b| {
        b.iter(|| {
            let out = ours.block_on(runtime::gather(ready_futures()));
            check_sum(out.iter().sum(), NUM_READY);
        })
    });
    let tokio = Tokio::current_thread();
    group.bench_function(ID_TOKIO, |b| {
        b.iter(|| {
            let out = tokio.block_on(futures_util::future::join_all(ready_futures()));
            check_sum(out.iter().sum(), NUM_READY);
        })
    });
    let smol = SmolLocal::new();
    group.bench_function(ID_SMOL, |b| {
        b.iter(|| {
            let out = smol.block_on(futures_util::future::join_all(ready_futures()));
            check_sum(out.iter().sum(), NUM_READY);
        })
    });
}

fn gather_spawned(group: &mut Group<'_>) {
    let ours = Ours::multi_thread(WORKERS);
    group.bench_function(ID_RUNTIME, |b| {
        b.iter(|| {
            let sum: usize = ours.block_on(async {
                let handles = (0..NUM_SPAWNED).map(|i| runtime::spawn(async move { i }));
                runtime::gather(handles)
                    .await
                    .into_iter()
                    .map(|r| r.expect("task"))
                    .sum()
            });
            check_sum(sum, NUM_SPAWNED);
        })
    });
    let tokio = Tokio::multi_thread(WORKERS);
    group.bench_function(ID_TOKIO, |b| {
        b.iter(|| {
            let sum: usize = tokio.block_on(async {
                let handles = (0..NUM_SPAWNED).map(|i| tokio::spawn(async move { i }));
                futures_util::future::join_all(handles)
                    .await
                    .into_iter()
                    .map(|r| r.expect("task"))
                    .sum()
            });
            check_sum(sum, NUM_SPAWNED);
        })
    });
    let smol = SmolMulti::new(WORKERS);
    group.bench_function(ID_SMOL, |b| {
        b.iter(|| {
            let sum: usize = smol.block_on(async {
                let handles: Vec<_> = (0..NUM_SPAWNED)
                    .map(|i| SmolMulti::spawn(async move { i }))
                    .collect();
                let mut sum = 0;
                for h in handles {
                    sum += h.await;
                }
                sum
            });
            check_sum(sum, NUM_SPAWNED);
        })
    });
}

fn as_completed(group: &mut Group<'_>) {
    let ours = Ours::multi_thread(WORKERS);
    group.bench_function(ID_RUNTIME, |b| {
        b.iter(|| {
            let sum = ours.block_on(async {
                let handles = (0..NUM_AS_COMPLETED).map(|i| runtime::spawn(async move { i }));
                let mut results = runtime::as_completed(handles);
                let mut sum = 0;
                while let Some(r) = results.next().await {
                    sum += r.expect("task");
                }
                sum
            });
            check_sum(sum, NUM_AS_COMPLETED);
        })
    });
    let tokio = Tokio::multi_thread(WORKERS);
    group.bench_function(ID_TOKIO, |b| {
        b.iter(|| {
            let sum = tokio.block_on(async {
                let mut set = tokio::task::JoinSet::new();
                for i in 0..NUM_AS_COMPLETED {
                    set.spawn(async move { i });
                }
                let mut sum = 0;
                while let Some(r) = set.join_next().await {
                    sum += r.expect("task");
                }
                sum
            });
            check_sum(sum, NUM_AS_COMPLETED);
        })
    });
    let smol = SmolMulti::new(WORKERS);
    group.bench_function(ID_SMOL, |b| {
        b.iter(|| {
            let sum = smol.block_on(async {
                let mut tasks: FuturesUnordered<_> = (0..NUM_AS_COMPLETED)
                    .map(|i| SmolMulti::spawn(async move { i }))
                    .collect();
                let mut sum = 0;
                while let Some(i) = tasks.next().await {
                    sum += i;
                }
                sum
            });
            check_sum(sum, NUM_AS_COMPLETED);
        })
    });
}

fn task_group(group: &mut Group<'_>) {
    let ours = Ours::multi_thread(WORKERS);
    group.bench_function(ID_RUNTIME, |b| {
        b.iter(|| {
            ours.block_on(async {
                let tg = runtime::TaskGroup::new();
                for i in 0..NUM_GROUP {
                    drop(tg.spawn(async move { black_box(i) }));
                }
                tg.join().await.expect("group");
            });
        })
    });
    let tokio = Tokio::multi_thread(WORKERS);
    group.bench_function(ID_TOKIO, |b| {
        b.iter(|| {
            let sum = tokio.block_on(async {
                let mut set = tokio::task::JoinSet::new();
                for i in 0..NUM_GROUP {
                    set.spawn(async move { black_box(i) });
                }
                let mut sum = 0;
                while let Some(r) = set.join_next().await {
                    sum += r.expect("task");
                }
                sum
            });
            check_sum(sum, NUM_GROUP);
        })
    });
    let smol = SmolMulti::new(WORKERS);
    group.bench_function(ID_SMOL, |b| {
        b.iter(|| {
            let sum = smol.block_on(async {
                let tasks: Vec<_> = (0..NUM_GROUP)
                    .map(|i| SmolMulti::spawn(async move { black_box(i) }))
                    .collect();
                let mut sum = 0;
                for t in tasks {
                    sum += t.await;
                }
                sum
            });
            check_sum(sum, NUM_GROUP);
        })
    });
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let cases: [Case; 4] = [
        ("gather_ready", gather_ready),
        ("gather_spawned", gather_spawned),
        ("as_completed", as_completed),
        ("task_group", task_group),
    ];
    for (case, bench) in cases {
        let mut group = c.benchmark_group(format!("{GROUP}/{case}"));
        bench(&mut group);
        group.finish();
    }
    c.final_summary();
}
