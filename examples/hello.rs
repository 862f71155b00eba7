//! Twin of asyncio's first program:
//!
//! ```python
//! async def main():
//!     print('hello')
//!     await asyncio.sleep(1)
//!     print('world')
//!
//! asyncio.run(main())
//! ```
//!
//! `runtime::run` is `asyncio.run`. The one-second sleep arrives with the timer; until
//! then a spawned task (asyncio's `create_task`) prints "world", and a done callback
//! reports how it finished.
//!
//! Run it with `cargo run --release --example hello`.

fn main() {
    runtime::run(async {
        println!("hello");
        let world = runtime::spawn(async {
            println!("world");
        });
        world.add_done_callback(|outcome| {
            println!(
                "(task {} finished: {})",
                outcome.id(),
                if outcome.is_completed() {
                    "completed"
                } else {
                    "did not complete"
                }
            );
        });
        world.await.expect("the task runs to completion");
    });
}
