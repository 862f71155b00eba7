//! Locks and semaphores: `runtime::sync` beside `tokio::sync` and `async_lock` (smol's),
//! each on its own runtime's multi-thread flavor ([`WORKERS`] workers; smol's is
//! `SmolMulti`). Ids read `sync/<case>/<runtime>`; time is measured inside the runtime
//! (`iter_custom`), throughput is in operations (one acquire plus its release):
//!
//! - `semaphore_uncontended`: one task acquires and releases a 1-permit semaphore
//!   [`UNCONTENDED_OPS`] times (the fast path);
//! - `semaphore_4tasks`: [`TASKS`] tasks each acquire and release one permit of a 2-permit
//!   semaphore [`CONTENDED_OPS`] times;
//! - `mutex_4tasks`: [`TASKS`] tasks each increment a counter under the mutex
//!   [`CONTENDED_OPS`] times (FIFO hand-off for ours and tokio's, barging for smol's).
//!
//! Run: `cargo bench -p runtime-benches --bench sync -- sync/semaphore` (or `sync/mutex`).
use criterion::{BenchmarkGroup, Criterion, SamplingMode, Throughput};
use runtime_benches::{Ours, Rt, SmolMulti, Tokio, ID_RUNTIME, ID_SMOL, ID_TOKIO, WORKERS};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Acquire+release pairs of the uncontended case.
const UNCONTENDED_OPS: usize = 10_000;
/// Tasks of the contended cases.
const TASKS: usize = 4;
/// Operations per task in the contended cases.
const CONTENDED_OPS: usize = 1_000;

/// The semaphore operations a case needs, one thin adapter per crate.
trait Sem: Send + Sync + 'static {
    fn new(permits: usize) -> Self;
    /// Acquires one permit and releases it.
    fn acquire_release(&self) -> impl Future<Output = ()> + Send;
}

impl Sem for runtime::sync::Semaphore {
    fn new(permits: usize) -> Self {
        runtime::sync::Semaphore::new(permits)
    }
    async fn acquire_release(&self) {
        drop(self.acquire().await.unwrap());
    }
}

impl Sem for tokio::sync::Semaphore {
    fn new(permits: usize) -> Self {
        tokio::sync::Semaphore::new(permits)
    }
    async fn acquire_release(&self) {
        drop(self.acquire().await.unwrap());
    }
}

impl Sem for async_lock::Semaphore {
    fn new(permits: usize) -> Self {
        async_lock::Semaphore::new(permits)
    }
    async fn acquire_release(&self) {
        drop(self.acquire().await);
    }
}

/// The mutex operations a case needs.
trait Lock: Send + Sync + 'static {
    fn new() -> Self;
    /// Increments the counter under the lock.
    fn increment(&self) -> impl Future<Output = ()> + Send;
    fn get(&self) -> impl Future<Output = u64> + Send;
}

impl Lock for runtime::sync::Mutex<u64> {
    fn new() -> Self {
        runtime::sync::Mutex::new(0)
    }
    async fn increment(&self) {
        *self.lock().await += 1;
    }
    async fn get(&self) -> u64 {
        *self.lock().await
    }
}

impl Lock for tokio::sync::Mutex<u64> {
    fn new() -> Self {
        tokio::sync::Mutex::new(0)
    }
    async fn increment(&self) {
        *self.lock().await += 1;
    }
    async fn get(&self) -> u64 {
        *self.lock().await
    }
}

impl Lock for async_lock::Mutex<u64> {
    fn new() -> Self {
        async_lock::Mutex::new(0)
    }
    async fn increment(&self) {
        *self.lock().await += 1;
    }
    async fn get(&self) -> u64 {
        *self.lock().await
    }
}

fn semaphore_uncontended<R: Rt, S: Sem>(rt: &R) -> Duration {
    rt.block_on(async {
        R::spawn(async {
            let sem = S::new(1);
            let start = Instant::now();
            for _ in 0..UNCONTENDED_OPS {
                sem.acquire_release().await;
            }
            start.elapsed()
        })
        .await
    })
}

fn semaphore_4tasks<R: Rt, S: Sem>(rt: &R) -> Duration {
    rt.block_on(async {
        let sem = Arc::new(S::new(2));
        let start = Instant::now();
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| {
                let sem = sem.clone();
                R::spawn(async move {
                    for _ in 0..CONTENDED_OPS {
                        sem.acquire_release().await;
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await;
        }
        start.elapsed()
    })
}

fn mutex_4tasks<R: Rt, L: Lock>(rt: &R) -> Duration {
    rt.block_on(async {
        let lock = Arc::new(L::new());
        let start = Instant::now();
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| {
                let lock = lock.clone();
                R::spawn(async move {
                    for _ in 0..CONTENDED_OPS {
                        lock.increment().await;
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await;
        }
        let elapsed = start.elapsed();
        assert_eq!(lock.get().await, (TASKS * CONTENDED_OPS) as u64);
        elapsed
    })
}

type Group<'a> = BenchmarkGroup<'a, criterion::measurement::WallTime>;

fn group<'a>(c: &'a mut Criterion, case: &str, ops: usize) -> Group<'a> {
    let mut g = c.benchmark_group(format!("sync/{case}"));
    g.sampling_mode(SamplingMode::Flat);
    g.sample_size(30);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(3));
    g.throughput(Throughput::Elements(ops as u64));
    g
}

fn one<R: Rt>(g: &mut Group<'_>, id: &str, rt: &R, run: fn(&R) -> Duration) {
    g.bench_function(id, |b| {
        b.iter_custom(|iters| (0..iters).map(|_| run(rt)).sum())
    });
}

pub(crate) fn bench(c: &mut Criterion) {
    let ours = Ours::multi_thread(WORKERS);
    let tokio = Tokio::multi_thread(WORKERS);
    let smol = SmolMulti::new(WORKERS);

    let mut g = group(c, "semaphore_uncontended", UNCONTENDED_OPS);
    one(
        &mut g,
        ID_RUNTIME,
        &ours,
        semaphore_uncontended::<_, runtime::sync::Semaphore>,
    );
    one(
        &mut g,
        ID_TOKIO,
        &tokio,
        semaphore_uncontended::<_, tokio::sync::Semaphore>,
    );
    one(
        &mut g,
        ID_SMOL,
        &smol,
        semaphore_uncontended::<_, async_lock::Semaphore>,
    );
    g.finish();

    let mut g = group(c, "semaphore_4tasks", TASKS * CONTENDED_OPS);
    one(
        &mut g,
        ID_RUNTIME,
        &ours,
        semaphore_4tasks::<_, runtime::sync::Semaphore>,
    );
    one(
        &mut g,
        ID_TOKIO,
        &tokio,
        semaphore_4tasks::<_, tokio::sync::Semaphore>,
    );
    one(
        &mut g,
        ID_SMOL,
        &smol,
        semaphore_4tasks::<_, async_lock::Semaphore>,
    );
    g.finish();

    let mut g = group(c, "mutex_4tasks", TASKS * CONTENDED_OPS);
    one(
        &mut g,
        ID_RUNTIME,
        &ours,
        mutex_4tasks::<_, runtime::sync::Mutex<u64>>,
    );
    one(
        &mut g,
        ID_TOKIO,
        &tokio,
        mutex_4tasks::<_, tokio::sync::Mutex<u64>>,
    );
    one(
        &mut g,
        ID_SMOL,
        &smol,
        mutex_4tasks::<_, async_lock::Mutex<u64>>,
    );
    g.finish();
}
