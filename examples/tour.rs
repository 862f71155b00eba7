//! The tour: every program of asyncio's "Coroutines and Tasks" page, in order, each
//! under a header, as its `runtime` twin (the parts are in `examples/support/tour.rs`,
//! one plain async fn each, which `tests/tour.rs` also runs with paused time). It takes
//! about 17 seconds: the programs sleep as the Python ones do.
//!
//! Run it with `cargo run --release --example tour`.
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

#[path = "support/tour.rs"]
mod tour;
use tour::Out;

/// Runs one part under its header and says how long it took.
async fn part<F, Fut>(title: &str, out: &Arc<Out>, f: F) -> tour::Result
where
    F: FnOnce(Arc<Out>) -> Fut,
    Fut: Future<Output = tour::Result>,
{
    println!("\n=== {title} ===");
    let started = Instant::now();
    f(out.clone()).await?;
    println!("--- ({:.1} s)", started.elapsed().as_secs_f64());
    Ok(())
}

#[runtime::main]
async fn main() -> tour::Result {
    let out = Out::stdout();
    part("hello: asyncio.run(main())", &out, |o| async move {
        tour::hello(&o).await
    })
    .await?;
    part(
        "awaiting coroutines in turn (about 3 s)",
        &out,
        |o| async move { tour::say_after_sequential(&o).await },
    )
    .await?;
    part(
        "asyncio.create_task: concurrent tasks (about 2 s)",
        &out,
        |o| async move { tour::say_after_tasks(&o).await },
    )
    .await?;
    part("asyncio.TaskGroup (about 2 s)", &out, |o| async move {
        tour::say_after_group(&o).await
    })
    .await?;
    part(
        "calling an async fn without awaiting it does nothing",
        &out,
        |o| async move { tour::nested_part(&o).await },
    )
    .await?;
    part("awaiting a task", &out, |o| async move {
        tour::await_a_task(&o).await
    })
    .await?;
    part(
        "a Future resolved by a callback on a plain thread",
        &out,
        |o| async move { tour::future_from_a_callback(&o).await },
    )
    .await?;
    part(
        "loop.run_in_executor: default, custom and CPU pools",
        &out,
        |o| async move { tour::run_in_executor(&o).await },
    )
    .await?;
    part(
        "background tasks kept in a set, emptied by done callbacks (about 9 s)",
        &out,
        |o| async move { tour::background_tasks(&o).await },
    )
    .await?;
    Ok(())
}
