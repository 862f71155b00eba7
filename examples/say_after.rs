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
use std::time::Duration;

#[path = "support/wall_clock.rs"]
mod wall_clock;

async fn say_after(delay: Duration, what: &str) {
    runtime::sleep(delay).await;
    println!("{what}");
}

#[runtime::main]
async fn main() {
    println!("started at {}", wall_clock::now());

    say_after(Duration::from_secs(1), "hello").await;
    say_after(Duration::from_secs(2), "world").await;

    println!("finished at {}", wall_clock::now());
}
