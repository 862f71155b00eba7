//! Memory per idle task: our runtime, tokio and smol each hold [`NUM_TASKS`] tasks that
//! are parked forever, and we count what that costs, in both flavors: ids
//! `memory/idle_task/<runtime>` for the multi-thread one ([`WORKERS`] workers; smol is an
//! `async_executor::Executor` on [`WORKERS`] threads) and
//! `memory_current_thread/idle_task/<runtime>` for the current-thread one (smol is a
//! `LocalExecutor`).
//!
//! Every task runs the same future, `idle_task`: it counts a latch down, then parks in
//! [`Idle`], which keeps a clone of its waker the way a task waiting on a channel does and
//! never completes. Its size is printed beside the results, and it is the same for every
//! runtime. Tasks are spawned from inside `block_on` in chunks of [`CHUNK`], each chunk
//! polled once before the next is spawned, so the run queues never hold more than one
//! chunk and their capacity does not inflate the figure; a first chunk of tasks that end
//! at once warms the runtime (queues, thread-locals, worker stacks) before counting.
//!
//! Primary figure: live heap bytes per task, from a counting `#[global_allocator]`
//! (exact; the runtime's own structures, the task allocation, any per-task registry
//! entry). Secondary: the resident set size delta per task from `/proc/self/status`
//! (includes allocator slack and page granularity). Each runtime is measured in a fresh
//! child process (this binary, re-run with `--child <flavor> <runtime>`), [`REPS`] times;
//! the table shows medians. "leftover" is the heap still live after the runtime is dropped
//! and its threads have exited (the largest of the [`REPS`]), counted from after a first
//! uncounted round so that state a library keeps for the whole process is not counted: it
//! should be zero, or tasks leak.
//!
//! Run: `cargo bench -p runtime-benches --bench memory`.
use runtime_benches::{
    Latch, Ours, Rt, SmolLocal, SmolMulti, Tokio, ID_RUNTIME, ID_SMOL, ID_TOKIO, WORKERS,
};
use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::pin::Pin;
use std::process::Command;
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};
use std::task::{Context, Poll, Waker};

/// Idle tasks held at once.
const NUM_TASKS: usize = 100_000;
/// Tasks spawned before waiting for them all to park.
const CHUNK: usize = 1_000;
/// Child processes per runtime; the table shows the median.
const REPS: usize = 3;
/// Id prefix and `--child` flavor name of the multi-thread flavor.
const MULTI_THREAD: &str = "memory";
/// Id prefix and `--child` flavor name of the current-thread flavor.
const CURRENT_THREAD: &str = "memory_current_thread";

/// The system allocator, counting live bytes and live allocations.
struct Counting;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);
static LIVE_ALLOCS: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so
// `System`'s guarantees hold; the counters are plain atomics with no effect on memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we forward.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(layout.size() as isize, Relaxed);
            LIVE_ALLOCS.fetch_add(1, Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(layout.size() as isize, Relaxed);
            LIVE_ALLOCS.fetch_add(1, Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller passes a block this allocator (hence `System`) returned,
        // with its layout.
        unsafe { System.dealloc(ptr, layout) };
        LIVE_BYTES.fetch_sub(layout.size() as isize, Relaxed);
        LIVE_ALLOCS.fetch_sub(1, Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract, which we forward.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(new_size as isize - layout.size() as isize, Relaxed);
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Parks forever, holding a clone of its waker as a task waiting on a channel would.
#[derive(Default)]
struct Idle {
    waker: Option<Waker>,
}

impl Future for Idle {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// The future every idle task runs, whatever the runtime.
async fn idle_task(started: Latch) {
    started.count_down();
    drop(started);
    Idle::default().await;
}

/// Resident set size in bytes (`VmRSS` of `/proc/self/status`).
fn rss_bytes() -> isize {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    let kb: isize = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status");
    kb * 1024
}

/// One child's measurement.
#[derive(Debug, Clone, Copy)]
struct Sample {
    heap_per_task: f64,
    allocs_per_task: f64,
    rss_per_task: f64,
    leftover_bytes: isize,
}

/// Holds [`NUM_TASKS`] idle tasks on `make()`'s runtime and counts what they cost.
///
/// A first, uncounted round (one runtime holding one chunk of idle tasks, then dropped)
/// lets process-wide state that libraries allocate once and keep (crossbeam-epoch's
/// global collector, for one) settle before `leftover` takes its base, so `leftover`
/// shows only what a runtime fails to free.
fn measure<R: Rt + 'static>(make: fn() -> R) -> Sample {
    hold(make, CHUNK);
    let base = LIVE_BYTES.load(Relaxed);
    let (heap, allocs, rss) = hold(make, NUM_TASKS);
    let n = NUM_TASKS as f64;
    Sample {
        heap_per_task: heap as f64 / n,
        allocs_per_task: allocs as f64 / n,
        rss_per_task: rss as f64 / n,
        leftover_bytes: LIVE_BYTES.load(Relaxed) - base,
    }
}

/// Holds `tasks` idle tasks on `make()`'s runtime, on a fresh thread so a thread-local
/// executor is dropped with it too; returns the live heap bytes, live allocations and
/// RSS they added.
fn hold<R: Rt + 'static>(make: fn() -> R, tasks: usize) -> (isize, isize, isize) {
    std::thread::spawn(move || {
        let rt = make();
        let out = rt.block_on(async {
            // Warm the runtime's lazily allocated state (thread-locals, queues, workers).
            let warm = Latch::new(CHUNK);
            for _ in 0..CHUNK {
                let warm = warm.clone();
                R::detach(R::spawn(async move { warm.count_down() }));
            }
            warm.wait().await;
            let (bytes0, allocs0, rss0) = (
                LIVE_BYTES.load(Relaxed),
                LIVE_ALLOCS.load(Relaxed),
                rss_bytes(),
            );
            for _ in 0..tasks / CHUNK {
                let started = Latch::new(CHUNK);
                for _ in 0..CHUNK {
                    R::detach(R::spawn(idle_task(started.clone())));
                }
                started.wait().await;
            }
            (
                LIVE_BYTES.load(Relaxed) - bytes0,
                LIVE_ALLOCS.load(Relaxed) - allocs0,
                rss_bytes() - rss0,
            )
        });
        drop(rt);
        out
    })
    .join()
    .expect("measuring thread")
}

fn child(flavor: &str, name: &str) {
    let s = match (flavor, name) {
        (MULTI_THREAD, ID_RUNTIME) => measure(|| Ours::multi_thread(WORKERS)),
        (MULTI_THREAD, ID_TOKIO) => measure(|| Tokio::multi_thread(WORKERS)),
        (MULTI_THREAD, ID_SMOL) => measure(|| SmolMulti::new(WORKERS)),
        (CURRENT_THREAD, ID_RUNTIME) => measure(Ours::current_thread),
        (CURRENT_THREAD, ID_TOKIO) => measure(Tokio::current_thread),
        (CURRENT_THREAD, ID_SMOL) => measure(SmolLocal::new),
        other => panic!("unknown flavor and runtime {other:?}"),
    };
    println!(
        "SAMPLE {} {} {} {}",
        s.heap_per_task, s.allocs_per_task, s.rss_per_task, s.leftover_bytes
    );
}

fn run_child(flavor: &str, name: &str) -> Sample {
    let exe = std::env::current_exe().expect("current exe");
    let out = Command::new(exe)
        .args(["--child", flavor, name])
        .output()
        .expect("run child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child {name} failed: {}{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("SAMPLE "))
        .expect("SAMPLE line from child");
    let v: Vec<f64> = line
        .split_whitespace()
        .map(|x| x.parse().expect("number"))
        .collect();
    Sample {
        heap_per_task: v[0],
        allocs_per_task: v[1],
        rss_per_task: v[2],
        leftover_bytes: v[3] as isize,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        let flavor = args.get(i + 1).expect("--child <flavor> <runtime>");
        child(flavor, args.get(i + 2).expect("--child <flavor> <runtime>"));
        return;
    }
    // Positional arguments filter by id, as criterion's do.
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let size = std::mem::size_of_val(&idle_task(Latch::new(0)));
    println!(
        "idle_task: {NUM_TASKS} idle tasks, future of {size} bytes, \
         median of {REPS} processes; {MULTI_THREAD}/: multi-thread, {WORKERS} workers; \
         {CURRENT_THREAD}/: current-thread"
    );
    println!(
        "{:<40} {:>12} {:>12} {:>12} {:>10}",
        "id", "heap B/task", "allocs/task", "RSS B/task", "leftover"
    );
    for flavor in [MULTI_THREAD, CURRENT_THREAD] {
        for name in [ID_RUNTIME, ID_TOKIO, ID_SMOL] {
            row(flavor, name, &filters);
        }
    }
}

/// Measures one flavor and runtime unless the filters leave it out, and prints its row.
fn row(flavor: &str, name: &str, filters: &[&String]) {
    let id = format!("{flavor}/idle_task/{name}");
    // A filter `memory/` is the multi-thread flavor only, as `scheduler/` is.
    if !filters.is_empty() && !filters.iter().any(|f| id.contains(f.as_str())) {
        return;
    }
    let samples: Vec<Sample> = (0..REPS).map(|_| run_child(flavor, name)).collect();
    let pick = |f: fn(&Sample) -> f64| median(samples.iter().map(f).collect());
    println!(
        "{:<40} {:>12.1} {:>12.2} {:>12.1} {:>10}",
        id,
        pick(|s| s.heap_per_task),
        pick(|s| s.allocs_per_task),
        pick(|s| s.rss_per_task),
        samples.iter().map(|s| s.leftover_bytes).max().unwrap_or(0),
    );
}
