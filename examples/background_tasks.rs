//! Twin of asyncio's "keep references to background tasks" program:
//!
//! ```python
//! background_tasks = set()
//!
//! for i in range(10):
//!     task = asyncio.create_task(say_after(i, f"Hello there N.{i}"))
//!     # Add task to the set. This creates a strong reference.
//!     background_tasks.add(task)
//!     # To prevent keeping references to finished tasks forever,
//!     # make each task remove its own reference from the set after completion:
//!     task.add_done_callback(background_tasks.discard)
//! ```
//!
//! Task `i` sleeps `i` seconds, so the lines appear one a second. Each task's handle lives
//! in a shared set and its done callback removes it, so the set is empty once every task
//! has finished (about 9 seconds).
//!
//! Run it with `cargo run --release --example background_tasks`.
//!
//! The program is `background_tasks` in `examples/support/tour.rs`, shared with the `tour`
//! example and `tests/tour.rs`, which checks its output and timing with paused time.

#[path = "support/tour.rs"]
mod tour;

#[runtime::main]
async fn main() -> tour::Result {
    tour::background_tasks(&tour::Out::stdout()).await
}
