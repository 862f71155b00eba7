//! The scheduler workloads, each written once and generic over [`Rt`]; they follow tokio's
//! `rt_current_thread` and `rt_multi_threaded` benchmarks, with every completion signalled
//! through this crate's [`Latch`] and [`oneshot`] instead of a runtime's own channels.
use crate::{
    oneshot, Busy, Latch, Rt, CASE_CHAINED_SPAWN, CASE_PING_PONG, CASE_SPAWN_MANY_LOCAL,
    CASE_SPAWN_MANY_REMOTE, CASE_SPAWN_MANY_REMOTE_BUSY, CASE_SPAWN_MANY_REMOTE_IDLE,
    CASE_YIELD_MANY, CHAIN_DEPTH, NUM_PINGS, NUM_SPAWN, NUM_YIELD, YIELD_TASKS,
};

/// One benchmark case: a name, how many operations one iteration performs, and the
/// iteration itself.
pub trait Workload {
    /// The case name, the middle part of `scheduler/<case>/<runtime>`.
    const CASE: &'static str;
    /// Operations per iteration (criterion's `Throughput::Elements`).
    const OPS: u64;
    /// Criterion samples to take (at least one iteration each).
    const SAMPLES: usize = 100;
    /// Runs one iteration on `rt`.
    fn run<R: Rt>(rt: &R);
    /// What runs on `rt` beside the iterations: started before the first one, stopped
    /// when dropped after the last. Nothing, unless the case says otherwise.
    fn background<R: Rt>(rt: &R) -> Option<Busy<'_, R>> {
        let _ = rt;
        None
    }
}

/// Spawns [`NUM_SPAWN`] tasks from inside a task; each counts a latch down.
#[derive(Debug)]
pub struct SpawnManyLocal;

impl Workload for SpawnManyLocal {
    const CASE: &'static str = CASE_SPAWN_MANY_LOCAL;
    const OPS: u64 = NUM_SPAWN as u64;

    fn run<R: Rt>(rt: &R) {
        let latch = Latch::new(NUM_SPAWN);
        rt.block_on(async {
            for _ in 0..NUM_SPAWN {
                let latch = latch.clone();
                R::detach(R::spawn(async move { latch.count_down() }));
            }
            latch.wait().await;
        });
    }
}

/// Spawns [`NUM_SPAWN`] empty tasks from outside `block_on`, then awaits every handle in
/// `block_on`: the body of the three remote-spawn cases.
fn spawn_many_remote<R: Rt>(rt: &R) {
    let mut handles = Vec::with_capacity(NUM_SPAWN);
    for _ in 0..NUM_SPAWN {
        handles.push(rt.spawn_remote(async {}));
    }
    rt.block_on(async {
        for handle in handles {
            handle.await;
        }
    });
}

/// Current-thread: spawns [`NUM_SPAWN`] empty tasks from outside `block_on` (nothing runs
/// them until `block_on`), then awaits every handle.
#[derive(Debug)]
pub struct SpawnManyRemote;

impl Workload for SpawnManyRemote {
    const CASE: &'static str = CASE_SPAWN_MANY_REMOTE;
    const OPS: u64 = NUM_SPAWN as u64;

    fn run<R: Rt>(rt: &R) {
        spawn_many_remote(rt);
    }
}

/// Multi-thread: spawns [`NUM_SPAWN`] empty tasks from outside onto idle workers (which
/// start running them at once), then awaits every handle.
#[derive(Debug)]
pub struct SpawnManyRemoteIdle;

impl Workload for SpawnManyRemoteIdle {
    const CASE: &'static str = CASE_SPAWN_MANY_REMOTE_IDLE;
    const OPS: u64 = NUM_SPAWN as u64;

    fn run<R: Rt>(rt: &R) {
        spawn_many_remote(rt);
    }
}

/// Multi-thread: as [`SpawnManyRemoteIdle`], while [`Busy`] tasks keep every worker busy
/// yielding and spinning, so the remote spawns compete with tasks that yield (tokio's
/// `spawn_many_remote_busy1`).
#[derive(Debug)]
pub struct SpawnManyRemoteBusy;

impl Workload for SpawnManyRemoteBusy {
    const CASE: &'static str = CASE_SPAWN_MANY_REMOTE_BUSY;
    const OPS: u64 = NUM_SPAWN as u64;
    /// Criterion's minimum: an iteration can take seconds on a runtime that takes the
    /// remote spawns only every `global_queue_interval` ticks while the busy tasks yield.
    const SAMPLES: usize = 10;

    fn run<R: Rt>(rt: &R) {
        spawn_many_remote(rt);
    }

    fn background<R: Rt>(rt: &R) -> Option<Busy<'_, R>> {
        Some(Busy::start(rt))
    }
}

/// [`YIELD_TASKS`] tasks each yield [`NUM_YIELD`] times; one op is one yield.
#[derive(Debug)]
pub struct YieldMany;

impl Workload for YieldMany {
    const CASE: &'static str = CASE_YIELD_MANY;
    const OPS: u64 = (YIELD_TASKS * NUM_YIELD) as u64;

    fn run<R: Rt>(rt: &R) {
        let latch = Latch::new(YIELD_TASKS);
        rt.block_on(async {
            for _ in 0..YIELD_TASKS {
                let latch = latch.clone();
                R::detach(R::spawn(async move {
                    for _ in 0..NUM_YIELD {
                        R::yield_now().await;
                    }
                    latch.count_down();
                }));
            }
            latch.wait().await;
        });
    }
}

/// [`NUM_PINGS`] times: a task spawns a partner, sends it a message over one [`oneshot`]
/// and awaits the answer over another. One op is one round trip (two spawns, two
/// messages, two wakes).
#[derive(Debug)]
pub struct PingPong;

impl Workload for PingPong {
    const CASE: &'static str = CASE_PING_PONG;
    const OPS: u64 = NUM_PINGS as u64;

    fn run<R: Rt>(rt: &R) {
        let latch = Latch::new(NUM_PINGS);
        rt.block_on(async {
            let spawner = latch.clone();
            R::detach(R::spawn(async move {
                for _ in 0..NUM_PINGS {
                    let latch = spawner.clone();
                    R::detach(R::spawn(async move {
                        let (tx1, rx1) = oneshot::channel();
                        let (tx2, rx2) = oneshot::channel();
                        R::detach(R::spawn(async move {
                            rx1.await;
                            tx2.send();
                        }));
                        tx1.send();
                        rx2.await;
                        latch.count_down();
                    }));
                }
            }));
            latch.wait().await;
        });
    }
}

/// A task spawns the next, [`CHAIN_DEPTH`] deep; the last one opens the latch.
#[derive(Debug)]
pub struct ChainedSpawn;

impl ChainedSpawn {
    fn link<R: Rt>(done: Latch, n: usize) {
        if n == 0 {
            done.count_down();
        } else {
            R::detach(R::spawn(async move { Self::link::<R>(done, n - 1) }));
        }
    }
}

impl Workload for ChainedSpawn {
    const CASE: &'static str = CASE_CHAINED_SPAWN;
    const OPS: u64 = CHAIN_DEPTH as u64;

    fn run<R: Rt>(rt: &R) {
        let latch = Latch::new(1);
        rt.block_on(async {
            Self::link::<R>(latch.clone(), CHAIN_DEPTH);
            latch.wait().await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Ours, SmolLocal, SmolMulti, Tokio, WORKERS};

    fn once<W: Workload, R: Rt>(rt: &R) {
        let background = W::background(rt);
        W::run(rt);
        W::run(rt);
        drop(background);
    }

    fn current_thread<W: Workload>() {
        once::<W, _>(&Ours::current_thread());
        once::<W, _>(&Tokio::current_thread());
        once::<W, _>(&SmolLocal::new());
    }

    fn multi_thread<W: Workload>() {
        once::<W, _>(&Ours::multi_thread(WORKERS));
        once::<W, _>(&Tokio::multi_thread(WORKERS));
        once::<W, _>(&SmolMulti::new(WORKERS));
    }

    #[test]
    fn every_current_thread_workload_completes_on_every_runtime() {
        current_thread::<SpawnManyLocal>();
        current_thread::<SpawnManyRemote>();
        current_thread::<YieldMany>();
        current_thread::<PingPong>();
        current_thread::<ChainedSpawn>();
    }

    #[test]
    fn every_multi_thread_workload_completes_on_every_runtime() {
        multi_thread::<SpawnManyLocal>();
        multi_thread::<SpawnManyRemoteIdle>();
        multi_thread::<SpawnManyRemoteBusy>();
        multi_thread::<YieldMany>();
        multi_thread::<PingPong>();
        multi_thread::<ChainedSpawn>();
    }

    #[test]
    fn smol_multi_runs_tasks_on_its_workers_and_drops_leftovers() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;

        struct CountDrop(Arc<AtomicUsize>);
        impl Drop for CountDrop {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::Relaxed);
            }
        }

        let dropped = Arc::new(AtomicUsize::new(0));
        let rt = SmolMulti::new(WORKERS);
        let name = rt
            .block_on(rt.spawn_remote(async { std::thread::current().name().map(str::to_owned) }));
        assert!(name.is_some_and(|n| n.starts_with("smol-worker-")));
        let guard = CountDrop(dropped.clone());
        SmolMulti::detach(rt.spawn_remote(async move {
            let _guard = guard;
            std::future::pending::<()>().await;
        }));
        drop(rt);
        assert_eq!(dropped.load(Ordering::Relaxed), 1);
    }
}
