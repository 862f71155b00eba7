//! A driver for profilers: runs one workload on one runtime a given number of times, with
//! no criterion machinery around it. The flavor is `multi_thread` (the default, the
//! `scheduler/` group, [`WORKERS`] workers) or `current_thread` (`scheduler_current_thread/`).
//! The timer cases (`timers_many`, `timeout_churn`, `sleep_reset`, of `timers/` and
//! `timers_current_thread/`) run the same way, and so does the blocking-pool case
//! (`spawn_blocking_batches`, of `blocking/` and `blocking_current_thread/`).
//!
//! ```text
//! cargo build --release -p runtime-benches --example profile
//! valgrind --tool=callgrind target/release/examples/profile ping_pong runtime 20
//! valgrind --tool=callgrind target/release/examples/profile yield_many smol 20 current_thread
//! perf record -g target/release/examples/profile yield_many tokio 2000
//! perf record -g target/release/examples/profile timers_many runtime 20
//! perf record -g target/release/examples/profile spawn_blocking_batches runtime 500
//! ```
use runtime_benches::blocking::{
    spawn_blocking_batches, BlockingRt, CASE_SPAWN_BLOCKING_BATCHES, NUM_JOBS,
};
use runtime_benches::timers::{
    sleep_durations, sleep_reset, timeout_churn, timers_many, TimerRt, CASE_SLEEP_RESET,
    CASE_TIMEOUT_CHURN, CASE_TIMERS_MANY, NUM_RESETS, NUM_TIMEOUTS, NUM_TIMERS, SEED, SLEEP_MAX_MS,
};
use runtime_benches::workloads::{
    ChainedSpawn, PingPong, SpawnManyLocal, SpawnManyRemote, SpawnManyRemoteBusy,
    SpawnManyRemoteIdle, Workload, YieldMany,
};
use runtime_benches::{
    Ours, Rt, SmolLocal, SmolMulti, Tokio, ID_RUNTIME, ID_SMOL, ID_TOKIO, WORKERS,
};

fn repeat<W: Workload, R: Rt>(rt: &R, iters: u64) {
    let background = W::background(rt);
    for _ in 0..iters {
        W::run(rt);
    }
    drop(background);
}

fn on<R: TimerRt + BlockingRt>(rt: &R, case: &str, iters: u64) {
    let timers = |run: &dyn Fn()| (0..iters).for_each(|_| run());
    match case {
        CASE_TIMERS_MANY => {
            let durations = sleep_durations(NUM_TIMERS, SLEEP_MAX_MS, SEED);
            timers(&|| {
                timers_many(rt, &durations);
            });
        }
        CASE_TIMEOUT_CHURN => timers(&|| {
            timeout_churn(rt, NUM_TIMEOUTS);
        }),
        CASE_SLEEP_RESET => timers(&|| {
            sleep_reset(rt, NUM_RESETS);
        }),
        CASE_SPAWN_BLOCKING_BATCHES => timers(&|| {
            spawn_blocking_batches(rt, NUM_JOBS);
        }),
        SpawnManyLocal::CASE => repeat::<SpawnManyLocal, R>(rt, iters),
        SpawnManyRemote::CASE => repeat::<SpawnManyRemote, R>(rt, iters),
        SpawnManyRemoteIdle::CASE => repeat::<SpawnManyRemoteIdle, R>(rt, iters),
        SpawnManyRemoteBusy::CASE => repeat::<SpawnManyRemoteBusy, R>(rt, iters),
        YieldMany::CASE => repeat::<YieldMany, R>(rt, iters),
        PingPong::CASE => repeat::<PingPong, R>(rt, iters),
        ChainedSpawn::CASE => repeat::<ChainedSpawn, R>(rt, iters),
        other => panic!("unknown case {other:?}"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (case, rt, iters, flavor) = match &args[..] {
        [case, rt, iters] => (case, rt, iters, "multi_thread"),
        [case, rt, iters, flavor] => (case, rt, iters, flavor.as_str()),
        _ => {
            eprintln!(
                "usage: profile <case> <runtime|tokio|smol> <iterations> \
                 [multi_thread|current_thread]"
            );
            std::process::exit(2);
        }
    };
    let iters: u64 = iters.parse().expect("iterations: a number");
    match (flavor, rt.as_str()) {
        ("multi_thread", ID_RUNTIME) => on(&Ours::multi_thread(WORKERS), case, iters),
        ("multi_thread", ID_TOKIO) => on(&Tokio::multi_thread(WORKERS), case, iters),
        ("multi_thread", ID_SMOL) => on(&SmolMulti::new(WORKERS), case, iters),
        ("current_thread", ID_RUNTIME) => on(&Ours::current_thread(), case, iters),
        ("current_thread", ID_TOKIO) => on(&Tokio::current_thread(), case, iters),
        ("current_thread", ID_SMOL) => on(&SmolLocal::new(), case, iters),
        (flavor, rt) => panic!(
            "unknown runtime {rt:?} or flavor {flavor:?}: runtime, tokio or smol; \
             multi_thread or current_thread"
        ),
    }
}
