//! `runtime::sync` beside tokio::sync and smol's crates (async-channel, async-lock,
//! event-listener), same workload, same run: channels in `sync/channels.rs`, locks and
//! semaphores in `sync/locks.rs`.
//!
//! Run: `cargo bench -p runtime-benches --bench sync`.
use criterion::Criterion;

#[path = "sync/channels.rs"]
mod channels;
#[path = "sync/locks.rs"]
mod locks;

// What `criterion_group!`/`criterion_main!` expand to, written out so no undocumented
// `pub fn` is generated (missing_docs is on).
fn main() {
    let mut c = Criterion::default().configure_from_args();
    channels::bench(&mut c);
    locks::bench(&mut c);
    c.final_summary();
}
