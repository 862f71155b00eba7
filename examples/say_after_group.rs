//! Twin of asyncio's `TaskGroup` program: the same two concurrent `say_after` tasks,
//! awaited together when the group is joined (about 2 seconds).
//!
//! ```python
//! async def main():
//!     async with asyncio.TaskGroup() as tg:
//!         task1 = tg.create_task(say_after(1, 'hello'))
//!         task2 = tg.create_task(say_after(2, 'world'))
//!
//!         print(f"started at {time.strftime('%X')}")
//!
//!     # The await is implicit when the context manager exits.
//!
//!     print(f"finished at {time.strftime('%X')}")
//! ```
//!
//! Rust has no `async with`: `group.join().await` is the context manager's exit. If a
//! member fails, the others are cancelled and `join` returns every failure, like the
//! `ExceptionGroup` asyncio raises. (Times are printed in UTC.)
//!
//! Run it with `cargo run --release --example say_after_group`.
//!
//! The program is `say_after_group` in `examples/support/tour.rs`, shared with the `tour`
//! example and `tests/tour.rs`, which checks its output and timing with paused time.

#[path = "support/tour.rs"]
mod tour;

#[runtime::main]
async fn main() -> tour::Result {
    tour::say_after_group(&tour::Out::stdout()).await
}
