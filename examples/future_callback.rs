//! Twin of asyncio's low-level `Future`: a value set by callback-based code and awaited
//! by a task.
//!
//! ```python
//! async def main():
//!     loop = asyncio.get_running_loop()
//!     fut = loop.create_future()
//!     threading.Thread(
//!         target=lambda: loop.call_soon_threadsafe(fut.set_result, 42)).start()
//!     print(await fut)
//! ```
//!
//! `runtime::sync::oneshot::channel()` is the future and its setter: `send` never blocks
//! and needs no runtime, so a plain thread's callback (or a C library's) can call it;
//! the receiving half is awaited like any future, and a setter dropped without sending
//! is a `RecvError` instead of a task waiting forever.
//!
//! Run it with `cargo run --release --example future_callback`. The program is
//! `future_from_a_callback` in `examples/support/tour.rs`, shared with the `tour`
//! example and `tests/tour.rs`.

#[path = "support/tour.rs"]
mod tour;

#[runtime::main]
async fn main() -> tour::Result {
    tour::future_from_a_callback(&tour::Out::stdout()).await
}
