//! `runtime`: Python asyncio's programming model for Rust, on a work-stealing scheduler.
//!
//! | asyncio | runtime |
//! |---|---|
//! | `asyncio.run(main())` | [`run`]`(main())`, or `#[runtime::main]` |
//! | `asyncio.create_task(c)` | [`spawn`]`(fut) -> `[`JoinHandle`] |
//! | `task.cancel()` / `task.done()` | [`JoinHandle::abort`] / [`JoinHandle::is_finished`] |
//! | `task.add_done_callback(cb)` | [`JoinHandle::add_done_callback`] |
//! | `asyncio.TaskGroup`, `tg.create_task(c)` | [`TaskGroup`]: [`spawn`](TaskGroup::spawn) (any output; a panic fails the group), [`spawn_fallible`](TaskGroup::spawn_fallible) (an `Err` fails it too), [`join`](TaskGroup::join); from members: [`handle`](TaskGroup::handle)`() -> `[`GroupHandle`]; [`cancel`](TaskGroup::cancel) ends it early, [`abort_all`](TaskGroup::abort_all) aborts it |
//! | `await asyncio.sleep(s)` | [`sleep`]`(Duration).await`, [`sleep_until`] |
//! | `asyncio.timeout(s)` | [`timeout`]`(Duration, fut).await` |
//! | `asyncio.wait_for(task, s)` | [`wait_for`]`(Duration, handle).await` (aborts the task on timeout) |
//! | `asyncio.gather` / `wait` / `as_completed` | [`gather`], [`try_gather`], [`wait`] with [`ReturnWhen`], [`as_completed`] |
//! | `asyncio.shield(task)` | the default: dropping a [`JoinHandle`] detaches its task |
//! | `loop.run_in_executor(None, f)` | [`spawn_blocking`]`(f).await` |
//! | `loop.run_in_executor(pool, f)` | [`run_in_executor`]`(&pool, f).await` with a [`ThreadPool`] |
//! | `await asyncio.sleep(0)` | [`yield_now`]`().await` |
//! | `asyncio.Future` | [`sync::oneshot::channel`] |
//! | `asyncio.Queue` / `PriorityQueue` / `LifoQueue` | [`sync::Queue`], [`sync::PriorityQueue`], [`sync::LifoQueue`]; channels in [`sync::mpsc`] |
//! | `asyncio.Lock` / `Semaphore` / `Event` / `Condition` / `Barrier` | [`sync::Mutex`], [`sync::Semaphore`], [`sync::Event`], [`sync::Condition`], [`sync::Barrier`]; also [`sync::RwLock`], [`sync::Notify`], [`sync::watch`] |
//! | `asyncio.start_server` / `open_connection` | [`net::TcpListener::bind`] + `accept().await` / [`net::TcpStream::connect`] |
//! | `reader.read(n)` / `writer.write(b)` + `drain()` | `stream.read(&mut buf).await` / `stream.write_all(b).await` (also `futures_io::AsyncRead`/`AsyncWrite`) |
//! | `loop.create_datagram_endpoint` / `start_unix_server` | [`net::UdpSocket`] / [`net::UnixListener`], [`net::UnixStream`], [`net::UnixDatagram`] |
//! | `loop.getaddrinfo(host, port)` | [`net::lookup_host`]`((host, port)).await` |
//! | `loop.add_signal_handler(SIGINT, ...)` | [`signal::ctrl_c`]`().await`, [`signal::unix::signal`]`(SignalKind)` |
//! | an aiohttp server or `ClientSession` | hyper 1.x with `runtime::hyper::{Io, Timer, Executor}` (feature `hyper`; hyper and h2 use tokio's `sync`/`io-util` parts as libraries, never its `rt`, `net` or `time`) |
//!
//! ```
//! let out = runtime::run(async {
//!     let task = runtime::spawn(async { "world" });
//!     format!("hello {}", task.await.unwrap())
//! });
//! assert_eq!(out, "hello world");
//! ```
#![forbid(unsafe_code)]

pub use runtime_core::{as_completed, gather, try_gather, wait, wait_for, ReturnWhen};
pub use runtime_core::{
    run, spawn, yield_now, AbortHandle, Builder, EnterGuard, GroupClosed, GroupError, GroupFailure,
    GroupHandle, GroupMember, Handle, Id, JoinError, JoinHandle, Outcome, Runtime, RuntimeMetrics,
    TaskGroup, TryCurrentError,
};

/// Task types: ids, handles, errors, named spawning, cooperative scheduling, and the
/// combinators (`gather`, `wait`, `as_completed`, `wait_for`) with their futures.
pub mod task {
    pub use runtime_core::task::{
        as_completed, consume_budget, gather, try_gather, wait, wait_for, yield_now, AbortHandle,
        AsCompleted, Builder, Gather, GroupClosed, GroupError, GroupFailure, GroupHandle,
        GroupJoin, GroupMember, Id, JoinError, JoinHandle, Outcome, ReturnWhen, TaskGroup,
        TryGather, Wait, WaitFor, WaitOutput, YieldNow,
    };
}

pub use runtime_core::{interval, interval_at, sleep, sleep_until, timeout, timeout_at};
pub use runtime_core::{
    run_in_executor, spawn_blocking, ShutdownReport, ThreadPool, ThreadPoolBuilder,
};

/// Time: [`sleep`], [`timeout`], [`interval`], the runtime's [`Instant`](time::Instant),
/// and paused time for tests ([`pause`](time::pause), [`advance`](time::advance),
/// [`resume`](time::resume)).
pub mod time {
    pub use runtime_core::time::{
        advance, interval, interval_at, pause, resume, sleep, sleep_until, timeout, timeout_at,
        Elapsed, Instant, Interval, MissedTickBehavior, Sleep, Timeout,
    };
}

pub use runtime_core::sync;
pub use runtime_core::{io, net};
// hyper 1.x support: `Executor`, `Timer`, `Io` (feature `hyper`).
#[cfg(all(feature = "hyper", not(runtime_loom)))]
pub use runtime_core::hyper;
// Signals sit on the I/O driver, which loom builds leave out.
#[cfg(not(runtime_loom))]
pub use runtime_core::signal;

pub use runtime_macros::{main, test};

/// The README's examples run as doctests, so the front door stays true (with the `hyper`
/// feature, which its HTTP example needs: `cargo test --workspace --all-features`).
#[cfg(all(doctest, feature = "hyper"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
