//! The tour's parts: one plain async fn per program of asyncio's "Coroutines and Tasks"
//! page, shared by `examples/tour.rs` (all of them in order), the single-program
//! examples (`hello`, `say_after`, ...) and `tests/tour.rs`, which runs each part on a
//! current-thread runtime with paused time and checks its output and virtual duration.
//!
//! Every part writes its lines through an [`Out`]: printed by the examples, captured by
//! the test.
#![allow(dead_code)] // each example uses the parts it shows

use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[path = "wall_clock.rs"]
pub mod wall_clock;

/// What a part returns: `?` works on any error.
pub type Result = std::result::Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Where a part's lines go: stdout, and a list a test can read.
#[derive(Debug, Default)]
pub struct Out {
    lines: Mutex<Vec<String>>,
    echo: bool,
}

impl Out {
    /// Lines printed as they come (and kept).
    pub fn stdout() -> Arc<Out> {
        Arc::new(Out {
            lines: Mutex::default(),
            echo: true,
        })
    }

    /// Lines only kept.
    pub fn capture() -> Arc<Out> {
        Arc::new(Out::default())
    }

    /// `print(line)`.
    pub fn line(&self, line: impl Into<String>) {
        let line = line.into();
        if self.echo {
            println!("{line}");
        }
        self.lines.lock().unwrap().push(line);
    }

    /// The lines so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }
}

/// ```python
/// async def main():
///     print('hello')
///     await asyncio.sleep(1)
///     print('world')
/// ```
pub async fn hello(out: &Arc<Out>) -> Result {
    out.line("hello");
    runtime::sleep(Duration::from_secs(1)).await;
    out.line("world");
    Ok(())
}

/// ```python
/// async def say_after(delay, what):
///     await asyncio.sleep(delay)
///     print(what)
/// ```
pub async fn say_after(out: Arc<Out>, delay: Duration, what: &str) {
    runtime::sleep(delay).await;
    out.line(what);
}

/// Awaiting coroutines in turn: about 3 seconds.
///
/// ```python
/// async def main():
///     print(f"started at {time.strftime('%X')}")
///     await say_after(1, 'hello')
///     await say_after(2, 'world')
///     print(f"finished at {time.strftime('%X')}")
/// ```
pub async fn say_after_sequential(out: &Arc<Out>) -> Result {
    out.line(format!("started at {}", wall_clock::now()));
    say_after(out.clone(), Duration::from_secs(1), "hello").await;
    say_after(out.clone(), Duration::from_secs(2), "world").await;
    out.line(format!("finished at {}", wall_clock::now()));
    Ok(())
}

/// The same as concurrent tasks: about 2 seconds.
///
/// ```python
/// async def main():
///     task1 = asyncio.create_task(say_after(1, 'hello'))
///     task2 = asyncio.create_task(say_after(2, 'world'))
///     print(f"started at {time.strftime('%X')}")
///     await task1
///     await task2
///     print(f"finished at {time.strftime('%X')}")
/// ```
pub async fn say_after_tasks(out: &Arc<Out>) -> Result {
    let task1 = runtime::spawn(say_after(out.clone(), Duration::from_secs(1), "hello"));
    let task2 = runtime::spawn(say_after(out.clone(), Duration::from_secs(2), "world"));
    out.line(format!("started at {}", wall_clock::now()));
    // Wait until both tasks are completed (about 2 seconds).
    task1.await?;
    task2.await?;
    out.line(format!("finished at {}", wall_clock::now()));
    Ok(())
}

/// The same in a `TaskGroup`: about 2 seconds; `join` is the end of `async with`.
///
/// ```python
/// async def main():
///     async with asyncio.TaskGroup() as tg:
///         task1 = tg.create_task(say_after(1, 'hello'))
///         task2 = tg.create_task(say_after(2, 'world'))
///         print(f"started at {time.strftime('%X')}")
///     # The await is implicit when the context manager exits.
///     print(f"finished at {time.strftime('%X')}")
/// ```
pub async fn say_after_group(out: &Arc<Out>) -> Result {
    let tg = runtime::TaskGroup::new();
    let _task1 = tg.spawn(say_after(out.clone(), Duration::from_secs(1), "hello"));
    let _task2 = tg.spawn(say_after(out.clone(), Duration::from_secs(2), "world"));
    out.line(format!("started at {}", wall_clock::now()));
    tg.join().await?;
    out.line(format!("finished at {}", wall_clock::now()));
    Ok(())
}

/// ```python
/// async def nested():
///     return 42
/// ```
async fn nested() -> i32 {
    42
}

/// Calling an async fn without awaiting it does nothing.
///
/// ```python
/// async def main():
///     # Nothing happens if we just call "nested()".
///     nested()
///     # Let's do it differently now and await it:
///     print(await nested())  # will print "42".
/// ```
pub async fn nested_part(out: &Arc<Out>) -> Result {
    // Nothing happens if we just call `nested()`: a future is created but never polled,
    // so it won't run at all. Python warns at run time ("coroutine 'nested' was never
    // awaited"); Rust says so when compiling, without the `allow`:
    //
    //     warning: unused implementer of `Future` that must be used
    //       |     nested();
    //       = note: futures do nothing unless you `.await` or poll them
    #[allow(unused_must_use)]
    {
        nested();
    }
    // Let's do it differently now and await it:
    out.line(format!("{}", nested().await));
    Ok(())
}

/// A task can be awaited for its result (or aborted).
///
/// ```python
/// async def main():
///     task = asyncio.create_task(nested())
///     print(await task)
/// ```
pub async fn await_a_task(out: &Arc<Out>) -> Result {
    // Schedule nested() to run soon, concurrently with this part.
    let task = runtime::spawn(nested());
    // `task` can now be used to abort `nested()`, or awaited until it is complete:
    out.line(format!("{}", task.await?));
    Ok(())
}

/// asyncio's low-level `Future`: a value set by callback-based code (here a plain
/// thread's callback), awaited by a task. `oneshot::Sender::send` never blocks and
/// needs no runtime.
///
/// ```python
/// async def main():
///     loop = asyncio.get_running_loop()
///     fut = loop.create_future()
///     threading.Thread(target=lambda: loop.call_soon_threadsafe(fut.set_result, 42)).start()
///     print(await fut)
/// ```
pub async fn future_from_a_callback(out: &Arc<Out>) -> Result {
    let (fut_tx, fut) = runtime::sync::oneshot::channel();
    let on_done = move |value: i32| {
        // A receiver that went away only means nobody waits any more.
        let _ = fut_tx.send(value);
    };
    // Callback-based code on a plain thread: calls `on_done` when its work is done.
    let worker = std::thread::spawn(move || on_done(6 * 7));
    out.line(format!("the future resolved to {}", fut.await?));
    worker.join().expect("the callback thread does not panic");
    Ok(())
}

/// Reads 100 bytes of `/dev/urandom` (a blocking read).
fn blocking_io() -> std::io::Result<Vec<u8>> {
    let mut bytes = vec![0; 100];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes)
}

/// The sum of the squares below 10^7 (CPU-bound).
fn cpu_bound() -> u128 {
    (0..10_u128.pow(7)).map(|i| i * i).sum()
}

/// `bytes` as Python's `repr` shows it: `b'...'` with `\xNN` escapes.
pub fn py_bytes(bytes: &[u8]) -> String {
    let mut out = String::from("b'");
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\'"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('\'');
    out
}

/// Blocking and CPU-bound work off the runtime's threads.
///
/// ```python
/// async def main():
///     loop = asyncio.get_running_loop()
///     result = await loop.run_in_executor(None, blocking_io)
///     print('default thread pool', result)
///     with concurrent.futures.ThreadPoolExecutor() as pool:
///         result = await loop.run_in_executor(pool, blocking_io)
///         print('custom thread pool', result)
///     with concurrent.futures.ProcessPoolExecutor() as pool:
///         result = await loop.run_in_executor(pool, cpu_bound)
///         print('custom process pool', result)
/// ```
pub async fn run_in_executor(out: &Arc<Out>) -> Result {
    // 1. Run in the runtime's default blocking pool:
    let result = runtime::spawn_blocking(blocking_io).await??;
    out.line(format!("default thread pool {}", py_bytes(&result)));

    // 2. Run in a custom thread pool (dropping it lets its threads go, without waiting):
    {
        let pool = runtime::ThreadPool::new(4)?;
        let result = runtime::run_in_executor(&pool, blocking_io).await??;
        out.line(format!("custom thread pool {}", py_bytes(&result)));
    }

    // 3. CPU-bound work on a pool with one thread per core (asyncio's process pool: no
    //    GIL here, so threads run in parallel):
    {
        let pool = runtime::ThreadPool::cpu()?;
        let result = runtime::run_in_executor(&pool, cpu_bound).await?;
        out.line(format!("custom cpu pool {result}"));
    }
    Ok(())
}

/// Keeping references to background tasks in a set that their done callbacks empty:
/// about 9 seconds.
///
/// ```python
/// background_tasks = set()
/// for i in range(10):
///     task = asyncio.create_task(say_after(i, f"Hello there N.{i}"))
///     background_tasks.add(task)
///     task.add_done_callback(background_tasks.discard)
/// ```
pub async fn background_tasks(out: &Arc<Out>) -> Result {
    let background_tasks: Arc<Mutex<HashMap<runtime::Id, runtime::JoinHandle<()>>>> =
        Arc::default();
    for i in 0..10 {
        let what = format!("Hello there N.{i}");
        let task = runtime::spawn({
            let out = out.clone();
            async move { say_after(out, Duration::from_secs(i), &what).await }
        });
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
    out.line("all background tasks finished; the set is empty");
    Ok(())
}
