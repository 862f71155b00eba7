//! Twin of asyncio's `run_in_executor` program: blocking file I/O on the default pool and
//! on a pool of our own, and CPU-bound work on a pool sized to the cores.
//!
//! ```python
//! def blocking_io():
//!     # File operations (such as logging) can block the
//!     # event loop: run them in a thread pool.
//!     with open('/dev/urandom', 'rb') as f:
//!         return f.read(100)
//!
//! def cpu_bound():
//!     # CPU-bound operations will block the event loop:
//!     # in general it is preferable to run them in a
//!     # process pool.
//!     return sum(i * i for i in range(10 ** 7))
//!
//! async def main():
//!     loop = asyncio.get_running_loop()
//!
//!     # 1. Run in the default loop's executor:
//!     result = await loop.run_in_executor(None, blocking_io)
//!     print('default thread pool', result)
//!
//!     # 2. Run in a custom thread pool:
//!     with concurrent.futures.ThreadPoolExecutor() as pool:
//!         result = await loop.run_in_executor(pool, blocking_io)
//!         print('custom thread pool', result)
//!
//!     # 3. Run in a custom process pool:
//!     with concurrent.futures.ProcessPoolExecutor() as pool:
//!         result = await loop.run_in_executor(pool, cpu_bound)
//!         print('custom process pool', result)
//!
//! asyncio.run(main())
//! ```
//!
//! `runtime::spawn_blocking(f)` is `run_in_executor(None, f)`, `runtime::run_in_executor(
//! &pool, f)` is `run_in_executor(pool, f)`. Rust has no GIL, so CPU-bound work needs no
//! processes: `ThreadPool::cpu()` has one thread per core. The bytes are printed the way
//! Python prints `bytes`.
//!
//! Run it with `cargo run --release --example run_in_executor`.
//!
//! The program is `run_in_executor` in `examples/support/tour.rs`, shared with the `tour`
//! example and `tests/tour.rs`, which checks its output and timing with paused time.

#[path = "support/tour.rs"]
mod tour;

#[runtime::main]
async fn main() -> tour::Result {
    tour::run_in_executor(&tour::Out::stdout()).await
}
