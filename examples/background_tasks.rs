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
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

async fn say_after(delay: Duration, what: String) {
    runtime::sleep(delay).await;
    println!("{what}");
}

#[runtime::main]
async fn main() {
    {
        let background_tasks: Arc<Mutex<HashMap<runtime::Id, runtime::JoinHandle<()>>>> =
            Arc::default();

        for i in 0..10 {
            let task = runtime::spawn(say_after(
                Duration::from_secs(i),
                format!("Hello there N.{i}"),
            ));
            let id = task.id();
            // Add the task to the set. This keeps its handle.
            let mut tasks = background_tasks.lock().unwrap();
            tasks.insert(id, task);
            // To avoid keeping finished tasks forever, each removes its own entry when
            // done. (A callback added after completion is scheduled, never run inline
            // here, so holding the lock is fine.)
            let set = background_tasks.clone();
            tasks[&id].add_done_callback(move |outcome| {
                set.lock().unwrap().remove(&outcome.id());
            });
        }

        // Let the tasks run; each one's callback empties its slot.
        while !background_tasks.lock().unwrap().is_empty() {
            runtime::sleep(Duration::from_millis(50)).await;
        }
        println!("all background tasks finished; the set is empty");
    }
}
