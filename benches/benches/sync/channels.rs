//! Channels: `runtime::sync::{mpsc, oneshot}` beside tokio::sync's and smol's
//! async-channel, same workload, same run, multi-thread runtimes with [`WORKERS`] workers:
//!
//! - `sync/mpsc_1producer/<rt>`, `sync/mpsc_4producers/<rt>`: a bounded channel of
//!   [`CAPACITY`]; [`MESSAGES`] `u64`s in all, split evenly between producer tasks, all
//!   received by one receiver task; one iteration runs from spawning the producers until
//!   the receiver has summed every message.
//! - `sync/oneshot/<rt>`: [`ONESHOTS`] times create a channel, send a value and await
//!   it, in one task. smol has no oneshot channel: its side is `async_channel::bounded(1)`,
//!   what smol code uses in its place.
//!
//! Each iteration's time is measured inside the runtime (`iter_custom`); throughput is in
//! messages, so time per iteration divided by the count is ns/message.
use criterion::{BenchmarkGroup, Criterion, SamplingMode, Throughput};
use runtime_benches::{Ours, Rt, SmolMulti, Tokio, ID_RUNTIME, ID_SMOL, ID_TOKIO, WORKERS};
use std::future::Future;
use std::time::{Duration, Instant};

/// Bound of the mpsc channels.
const CAPACITY: usize = 1024;
/// Messages per mpsc iteration, over all producers.
const MESSAGES: u64 = 100_000;
/// Create+send+receive rounds per oneshot iteration.
const ONESHOTS: u64 = 10_000;

/// The channel operations of one runtime's sync library, as thin as the APIs allow.
trait Channels: Rt {
    type Tx: Clone + Send + 'static;
    type Rx: Send + 'static;
    type OneTx: Send + 'static;
    type OneRx: Send + 'static;

    fn bounded(cap: usize) -> (Self::Tx, Self::Rx);
    fn send(tx: &Self::Tx, v: u64) -> impl Future<Output = ()> + Send;
    fn recv(rx: &mut Self::Rx) -> impl Future<Output = Option<u64>> + Send;

    fn oneshot() -> (Self::OneTx, Self::OneRx);
    fn oneshot_send(tx: Self::OneTx, v: u64);
    fn oneshot_recv(rx: Self::OneRx) -> impl Future<Output = u64> + Send;
}

impl Channels for Ours {
    type Tx = runtime::sync::mpsc::Sender<u64>;
    type Rx = runtime::sync::mpsc::Receiver<u64>;
    type OneTx = runtime::sync::oneshot::Sender<u64>;
    type OneRx = runtime::sync::oneshot::Receiver<u64>;

    fn bounded(cap: usize) -> (Self::Tx, Self::Rx) {
        runtime::sync::mpsc::channel(cap)
    }
    async fn send(tx: &Self::Tx, v: u64) {
        tx.send(v).await.expect("receiver alive");
    }
    async fn recv(rx: &mut Self::Rx) -> Option<u64> {
        rx.recv().await
    }
    fn oneshot() -> (Self::OneTx, Self::OneRx) {
        runtime::sync::oneshot::channel()
    }
    fn oneshot_send(tx: Self::OneTx, v: u64) {
        tx.send(v).expect("receiver alive");
    }
    async fn oneshot_recv(rx: Self::OneRx) -> u64 {
        rx.await.expect("sent")
    }
}

impl Channels for Tokio {
    type Tx = tokio::sync::mpsc::Sender<u64>;
    type Rx = tokio::sync::mpsc::Receiver<u64>;
    type OneTx = tokio::sync::oneshot::Sender<u64>;
    type OneRx = tokio::sync::oneshot::Receiver<u64>;

    fn bounded(cap: usize) -> (Self::Tx, Self::Rx) {
        tokio::sync::mpsc::channel(cap)
    }
    async fn send(tx: &Self::Tx, v: u64) {
        tx.send(v).await.expect("receiver alive");
    }
    async fn recv(rx: &mut Self::Rx) -> Option<u64> {
        rx.recv().await
    }
    fn oneshot() -> (Self::OneTx, Self::OneRx) {
        tokio::sync::oneshot::channel()
    }
    fn oneshot_send(tx: Self::OneTx, v: u64) {
        tx.send(v).expect("receiver alive");
    }
    async fn oneshot_recv(rx: Self::OneRx) -> u64 {
        rx.await.expect("sent")
    }
}

impl Channels for SmolMulti {
    type Tx = async_channel::Sender<u64>;
    type Rx = async_channel::Receiver<u64>;
    type OneTx = async_channel::Sender<u64>;
    type OneRx = async_channel::Receiver<u64>;

    fn bounded(cap: usize) -> (Self::Tx, Self::Rx) {
        async_channel::bounded(cap)
    }
    async fn send(tx: &Self::Tx, v: u64) {
        tx.send(v).await.expect("receiver alive");
    }
    async fn recv(rx: &mut Self::Rx) -> Option<u64> {
        rx.recv().await.ok()
    }
    fn oneshot() -> (Self::OneTx, Self::OneRx) {
        async_channel::bounded(1)
    }
    fn oneshot_send(tx: Self::OneTx, v: u64) {
        tx.try_send(v).expect("room for one");
    }
    async fn oneshot_recv(rx: Self::OneRx) -> u64 {
        rx.recv().await.expect("sent")
    }
}

/// One mpsc iteration: `producers` tasks send [`MESSAGES`] in all; a receiver task sums.
fn mpsc<R: Channels>(rt: &R, producers: u64) -> Duration {
    rt.block_on(async {
        let start = Instant::now();
        let (tx, mut rx) = R::bounded(CAPACITY);
        let receiver = R::spawn(async move {
            let mut sum = 0u64;
            while let Some(v) = R::recv(&mut rx).await {
                sum += v;
            }
            sum
        });
        let per = MESSAGES / producers;
        for p in 0..producers {
            let tx = tx.clone();
            R::detach(R::spawn(async move {
                for i in p * per..(p + 1) * per {
                    R::send(&tx, i).await;
                }
            }));
        }
        drop(tx);
        let sum = receiver.await;
        assert_eq!(sum, (0..MESSAGES).sum::<u64>());
        start.elapsed()
    })
}

/// One oneshot iteration: [`ONESHOTS`] create+send+receive rounds in one task.
fn oneshot<R: Channels>(rt: &R) -> Duration {
    rt.block_on(async {
        R::spawn(async {
            let start = Instant::now();
            let mut sum = 0u64;
            for i in 0..ONESHOTS {
                let (tx, rx) = R::oneshot();
                R::oneshot_send(tx, i);
                sum += R::oneshot_recv(rx).await;
            }
            assert_eq!(sum, (0..ONESHOTS).sum::<u64>());
            start.elapsed()
        })
        .await
    })
}

struct Runtimes {
    ours: Ours,
    tokio: Tokio,
    smol: SmolMulti,
}

fn group<'a>(
    c: &'a mut Criterion,
    case: &str,
    ops: u64,
) -> BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut group = c.benchmark_group(format!("sync/{case}"));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Elements(ops));
    group
}

fn mpsc_case(c: &mut Criterion, rts: &Runtimes, case: &str, producers: u64) {
    let mut g = group(c, case, MESSAGES);
    g.bench_function(ID_RUNTIME, |b| {
        b.iter_custom(|n| (0..n).map(|_| mpsc(&rts.ours, producers)).sum())
    });
    g.bench_function(ID_TOKIO, |b| {
        b.iter_custom(|n| (0..n).map(|_| mpsc(&rts.tokio, producers)).sum())
    });
    g.bench_function(ID_SMOL, |b| {
        b.iter_custom(|n| (0..n).map(|_| mpsc(&rts.smol, producers)).sum())
    });
    g.finish();
}

fn oneshot_case(c: &mut Criterion, rts: &Runtimes) {
    let mut g = group(c, "oneshot", ONESHOTS);
    g.bench_function(ID_RUNTIME, |b| {
        b.iter_custom(|n| (0..n).map(|_| oneshot(&rts.ours)).sum())
    });
    g.bench_function(ID_TOKIO, |b| {
        b.iter_custom(|n| (0..n).map(|_| oneshot(&rts.tokio)).sum())
    });
    g.bench_function(ID_SMOL, |b| {
        b.iter_custom(|n| (0..n).map(|_| oneshot(&rts.smol)).sum())
    });
    g.finish();
}

pub(crate) fn bench(c: &mut Criterion) {
    let rts = Runtimes {
        ours: Ours::multi_thread(WORKERS),
        tokio: Tokio::multi_thread(WORKERS),
        smol: SmolMulti::new(WORKERS),
    };
    mpsc_case(c, &rts, "mpsc_1producer", 1);
    mpsc_case(c, &rts, "mpsc_4producers", 4);
    oneshot_case(c, &rts);
}
