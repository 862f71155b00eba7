//! One run of the `net/tcp_echo_*` workload on one runtime, with no criterion machinery, for
//! counting syscalls per round trip: [`ECHO_CONNECTIONS`] connections x `round_trips`
//! round trips of `msg_len` bytes (default 200 and 64) on `runtime`, `tokio`, `smol` or
//! `mio_floor`
//! (the runtimes built as in `benches/net.rs`, [`WORKERS`] workers). Run it twice, once
//! with 0 round trips for the set-up's syscalls, and subtract:
//!
//! ```text
//! cargo build --release -p runtime-benches --example net_echo
//! strace -c -f target/release/examples/net_echo tokio 0
//! strace -c -f target/release/examples/net_echo tokio 200
//! ```
//!
//! Under strace every syscall is slower, so a runtime parks more often than in the bench:
//! the counts are an upper bound on its wakeups, not a figure of the bench's runs.
use runtime_benches::net::{floor, tcp_echo, ECHO_CONNECTIONS, ID_MIO_FLOOR, MSG_SMALL};
use runtime_benches::{Ours, SmolMulti, Tokio, ID_RUNTIME, ID_SMOL, ID_TOKIO, WORKERS};

const USAGE: &str = "usage: net_echo <runtime|tokio|smol|mio_floor> [round_trips [msg_len]]";

fn main() {
    let mut args = std::env::args().skip(1);
    let rt = args.next().expect(USAGE);
    let round_trips: usize = args.next().map_or(200, |s| s.parse().expect(USAGE));
    let msg_len: usize = args.next().map_or(MSG_SMALL, |s| s.parse().expect(USAGE));
    let elapsed = match rt.as_str() {
        ID_RUNTIME => tcp_echo(
            &Ours::multi_thread(WORKERS),
            ECHO_CONNECTIONS,
            round_trips,
            msg_len,
        ),
        ID_TOKIO => tcp_echo(
            &Tokio::multi_thread_net(WORKERS),
            ECHO_CONNECTIONS,
            round_trips,
            msg_len,
        ),
        ID_SMOL => tcp_echo(
            &SmolMulti::new(WORKERS),
            ECHO_CONNECTIONS,
            round_trips,
            msg_len,
        ),
        ID_MIO_FLOOR => floor::tcp_echo(ECHO_CONNECTIONS, round_trips, msg_len),
        _ => panic!("{USAGE}"),
    };
    let total = ECHO_CONNECTIONS * round_trips;
    println!(
        "{rt}: {total} round trips of {msg_len} bytes in {elapsed:?} ({:?} each)",
        elapsed.checked_div(total.max(1) as u32).unwrap_or_default()
    );
}
