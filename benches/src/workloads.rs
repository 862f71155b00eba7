//! The scheduler workloads, each written once and generic over [`Rt`]; they follow tokio's
//! `rt_current_thread` and `rt_multi_threaded` benchmarks, with every completion signalled
//! through this crate's [`Latch`] and [`oneshot`] instead of a runtime's own channels.
use crate::{
    oneshot, Latch, Rt, CASE_CHAINED_SPAWN, CASE_PING_PONG, CASE_SPAWN_MANY_LOCAL,
    CASE_SPAWN_MANY_REMOTE, CASE_YIELD_MANY, CHAIN_DEPTH, NUM_PINGS, NUM_SPAWN, NUM_YIELD,
    YIELD_TASKS,
};

/// One benchmark case: a name, how many operations one iteration performs, and the
/// iteration itself.
pub trait Workload {
    /// The case name, the middle part of `scheduler/<case>/<runtime>`.
    const CASE: &'static str;
    /// Operations per iteration (criterion's `Throughput::Elements`).
    const OPS: u64;
    /// Runs one iteration on `rt`.
    fn run<R: Rt>(rt: &R);
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

/// Spawns [`NUM_SPAWN`] empty tasks from outside `block_on`, then awaits every handle.
#[derive(Debug)]
pub struct SpawnManyRemote;

impl Workload for SpawnManyRemote {
    const CASE: &'static str = CASE_SPAWN_MANY_REMOTE;
    const OPS: u64 = NUM_SPAWN as u64;

    fn run<R: Rt>(rt: &R) {
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
    use crate::{Ours, SmolLocal, Tokio};

    fn all<W: Workload>() {
        W::run(&Ours::current_thread());
        W::run(&Tokio::current_thread());
        W::run(&SmolLocal::new());
    }

    #[test]
    fn every_workload_completes_on_every_runtime() {
        all::<SpawnManyLocal>();
        all::<SpawnManyRemote>();
        all::<YieldMany>();
        all::<PingPong>();
        all::<ChainedSpawn>();
    }
}
