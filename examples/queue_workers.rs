//! Twin of the asyncio docs' `Queue` example: three workers take random sleep durations
//! from a queue, sleep, and mark each item done; `main` waits until the queue is fully
//! processed, then cancels the workers. It takes about a third of the total sleep time
//! (about 3.5 s).
//!
//! ```python
//! async def worker(name, queue):
//!     while True:
//!         sleep_for = await queue.get()
//!         await asyncio.sleep(sleep_for)
//!         queue.task_done()
//!         print(f'{name} has slept for {sleep_for:.2f} seconds')
//!
//! async def main():
//!     queue = asyncio.Queue()
//!     total_sleep_time = 0
//!     for _ in range(20):
//!         sleep_for = random.uniform(0.05, 1.0)
//!         total_sleep_time += sleep_for
//!         queue.put_nowait(sleep_for)
//!
//!     tasks = []
//!     for i in range(3):
//!         task = asyncio.create_task(worker(f'worker-{i}', queue))
//!         tasks.append(task)
//!
//!     started_at = time.monotonic()
//!     await queue.join()
//!     total_slept_for = time.monotonic() - started_at
//!
//!     for task in tasks:
//!         task.cancel()
//!     await asyncio.gather(*tasks, return_exceptions=True)
//!
//!     print('====')
//!     print(f'3 workers slept in parallel for {total_slept_for:.2f} seconds')
//!     print(f'total expected sleep time: {total_sleep_time:.2f} seconds')
//! ```
//!
//! `runtime::sync::Queue` is `asyncio.Queue`, shared between the tasks with an `Arc`;
//! `abort` is `task.cancel()`, and awaiting the aborted handles is the `gather`.
//!
//! Run it with `cargo run --release --example queue_workers`.
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};

use runtime::sync::Queue;

async fn worker(name: String, queue: Arc<Queue<Duration>>) {
    loop {
        // Get a "work item" out of the queue (`Err` only once it is shut down).
        let Ok(sleep_for) = queue.get().await else {
            return;
        };
        // Sleep for the "sleep_for" duration.
        runtime::sleep(sleep_for).await;
        // Notify the queue that the "work item" has been processed.
        queue.task_done();
        println!(
            "{name} has slept for {:.2} seconds",
            sleep_for.as_secs_f64()
        );
    }
}

/// `random.uniform(low, high)`, from std's randomly seeded hasher (no extra crate).
fn uniform(low: f64, high: f64) -> f64 {
    let bits = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    low + (high - low) * (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[runtime::main]
async fn main() {
    // Create a queue that we will use to store our "workload".
    let queue = Arc::new(Queue::new(0));

    // Generate random timings and put them into the queue.
    let mut total_sleep_time = Duration::ZERO;
    for _ in 0..20 {
        let sleep_for = Duration::from_secs_f64(uniform(0.05, 1.0));
        total_sleep_time += sleep_for;
        queue.put_nowait(sleep_for).expect("the queue is unbounded");
    }

    // Create three worker tasks to process the queue concurrently.
    let tasks: Vec<_> = (0..3)
        .map(|i| runtime::spawn(worker(format!("worker-{i}"), queue.clone())))
        .collect();

    // Wait until the queue is fully processed.
    let started_at = Instant::now();
    queue.join().await;
    let total_slept_for = started_at.elapsed();

    // Cancel our worker tasks, and wait until they are cancelled.
    for task in &tasks {
        task.abort();
    }
    for task in tasks {
        let _ = task.await;
    }

    println!("====");
    println!(
        "3 workers slept in parallel for {:.2} seconds",
        total_slept_for.as_secs_f64()
    );
    println!(
        "total expected sleep time: {:.2} seconds",
        total_sleep_time.as_secs_f64()
    );
}
