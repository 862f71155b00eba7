//! Twin of asyncio's "Awaiting on a coroutine" program: two coroutines awaited one after
//! the other, so the whole run takes about 3 seconds.
//!
//! ```python
//! async def say_after(delay, what):
//!     await asyncio.sleep(delay)
//!     print(what)
//!
//! async def main():
//!     print(f"started at {time.strftime('%X')}")
//!     await say_after(1, 'hello')
//!     await say_after(2, 'world')
//!     print(f"finished at {time.strftime('%X')}")
//!
//! asyncio.run(main())
//! ```
//!
//! An `async fn` is a coroutine function: calling it makes a future that does nothing
//! until awaited. (Times are printed in UTC.)
//!
//! Run it with `cargo run --release --example say_after`.
//!
//! The program is `say_after_sequential` in `examples/support/tour.rs`, shared with the `tour`
//! example and `tests/tour.rs`, which checks its output and timing with paused time.

#[path = "support/tour.rs"]
mod tour;

#[runtime::main]
async fn main() -> tour::Result {
    tour::say_after_sequential(&tour::Out::stdout()).await
}
