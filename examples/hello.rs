//! Twin of asyncio's first program:
//!
//! ```python
//! async def main():
//!     print('hello')
//!     await asyncio.sleep(1)
//!     print('world')
//!
//! asyncio.run(main())
//! # prints "hello", waits 1 second and prints "world"
//! ```
//!
//! `#[runtime::main]` is `asyncio.run(main())`: it builds the runtime, runs `main` to
//! completion and shuts the runtime down.
//!
//! Run it with `cargo run --release --example hello`.
//!
//! The program is `hello` in `examples/support/tour.rs`, shared with the `tour`
//! example and `tests/tour.rs`, which checks its output and timing with paused time.

#[path = "support/tour.rs"]
mod tour;

#[runtime::main]
async fn main() -> tour::Result {
    tour::hello(&tour::Out::stdout()).await
}
