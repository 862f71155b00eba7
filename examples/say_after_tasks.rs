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
//!
//! The program is `say_after_tasks` in `examples/support/tour.rs`, shared with the `tour`
//! example and `tests/tour.rs`, which checks its output and timing with paused time.

#[path = "support/tour.rs"]
mod tour;

#[runtime::main]
async fn main() -> tour::Result {
    tour::say_after_tasks(&tour::Out::stdout()).await
}
