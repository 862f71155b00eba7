//! A driver for profilers: runs one workload on one runtime a given number of times, with
//! no criterion machinery around it.
//!
//! ```text
//! cargo build --release -p runtime-benches --example profile
//! valgrind --tool=callgrind target/release/examples/profile ping_pong runtime 20
//! perf record -g target/release/examples/profile yield_many tokio 2000
//! ```
use runtime_benches::workloads::{
    ChainedSpawn, PingPong, SpawnManyLocal, SpawnManyRemote, Workload, YieldMany,
};
use runtime_benches::{Ours, Rt, SmolLocal, Tokio, ID_RUNTIME, ID_SMOL, ID_TOKIO};

fn repeat<W: Workload, R: Rt>(rt: &R, iters: u64) {
    for _ in 0..iters {
        W::run(rt);
    }
}

fn on<R: Rt>(rt: &R, case: &str, iters: u64) {
    match case {
        SpawnManyLocal::CASE => repeat::<SpawnManyLocal, R>(rt, iters),
        SpawnManyRemote::CASE => repeat::<SpawnManyRemote, R>(rt, iters),
        YieldMany::CASE => repeat::<YieldMany, R>(rt, iters),
        PingPong::CASE => repeat::<PingPong, R>(rt, iters),
        ChainedSpawn::CASE => repeat::<ChainedSpawn, R>(rt, iters),
        other => panic!("unknown case {other:?}"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [case, rt, iters] = &args[..] else {
        eprintln!("usage: profile <case> <runtime|tokio|smol> <iterations>");
        std::process::exit(2);
    };
    let iters: u64 = iters.parse().expect("iterations: a number");
    match rt.as_str() {
        ID_RUNTIME => on(&Ours::current_thread(), case, iters),
        ID_TOKIO => on(&Tokio::current_thread(), case, iters),
        ID_SMOL => on(&SmolLocal::new(), case, iters),
        other => panic!("unknown runtime {other:?}: runtime, tokio or smol"),
    }
}
