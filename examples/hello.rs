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
use std::time::Duration;

#[runtime::main]
async fn main() {
    println!("hello");
    runtime::sleep(Duration::from_secs(1)).await;
    println!("world");
}
