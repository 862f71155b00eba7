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
use std::time::Duration;

#[path = "support/wall_clock.rs"]
mod wall_clock;

async fn say_after(delay: Duration, what: &str) -> Result<(), std::io::Error> {
    runtime::sleep(delay).await;
    println!("{what}");
    Ok(())
}

#[runtime::main]
async fn main() -> Result<(), runtime::GroupError> {
    let tg = runtime::TaskGroup::new();
    let _task1 = tg.spawn_fallible(say_after(Duration::from_secs(1), "hello"));
    let _task2 = tg.spawn_fallible(say_after(Duration::from_secs(2), "world"));

    println!("started at {}", wall_clock::now());

    tg.join().await?;

    println!("finished at {}", wall_clock::now());
    Ok(())
}
