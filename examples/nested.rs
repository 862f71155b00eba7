//! Twin of asyncio's "Awaitables" programs: calling a coroutine function without
//! awaiting it does nothing; awaiting it, or a task running it, gives its result.
//!
//! ```python
//! async def nested():
//!     return 42
//!
//! async def main():
//!     # Nothing happens if we just call "nested()".
//!     nested()
//!     # Let's do it differently now and await it:
//!     print(await nested())  # will print "42".
//!
//!     # Schedule nested() to run soon concurrently with "main()".
//!     task = asyncio.create_task(nested())
//!     # "task" can now be used to cancel "nested()", or
//!     # can simply be awaited to wait until it is complete:
//!     print(await task)
//! ```
//!
//! Where Python warns at run time that a coroutine was never awaited, Rust warns when
//! compiling: `unused implementer of Future that must be used ... futures do nothing
//! unless you .await or poll them` (the comment in `nested_part` quotes it).
//!
//! Run it with `cargo run --release --example nested`. The programs are `nested_part`
//! and `await_a_task` in `examples/support/tour.rs`, shared with the `tour` example and
//! `tests/tour.rs`.

#[path = "support/tour.rs"]
mod tour;

#[runtime::main]
async fn main() -> tour::Result {
    let out = tour::Out::stdout();
    tour::nested_part(&out).await?;
    tour::await_a_task(&out).await
}
