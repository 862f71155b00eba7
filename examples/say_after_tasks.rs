//! Twin of asyncio's `create_task` program: the two `say_after` coroutines run
//! concurrently as tasks, so the whole run takes about 2 seconds, not 3.
//!
//! ```python
//! async def main():
//!     task1 = asyncio.create_task(say_after(1, 'hello'))
//!     task2 = asyncio.create_task(say_after(2, 'world'))
//!
//!     print(f"started at {time.strftime('%X')}")
//!
//!     # Wait until both tasks are completed (should take around 2 seconds.)
//!     await task1
//!     await task2
//!
//!     print(f"finished at {time.strftime('%X')}")
//! ```
//!
//! `runtime::spawn` is `asyncio.create_task`; awaiting its `JoinHandle` is awaiting the
//! task, and yields `Err(JoinError)` if the task was cancelled or panicked. (Times are
//! printed in UTC.)
//!
//! Run it with `cargo run --release --example say_after_tasks`.
use std::time::Duration;

#[path = "support/wall_clock.rs"]
mod wall_clock;

async fn say_after(delay: Duration, what: &str) {
    runtime::sleep(delay).await;
    println!("{what}");
}

#[runtime::main]
async fn main() -> Result<(), runtime::JoinError> {
    let task1 = runtime::spawn(say_after(Duration::from_secs(1), "hello"));
    let task2 = runtime::spawn(say_after(Duration::from_secs(2), "world"));

    println!("started at {}", wall_clock::now());

    // Wait until both tasks are completed (should take around 2 seconds).
    task1.await?;
    task2.await?;

    println!("finished at {}", wall_clock::now());
    Ok(())
}
