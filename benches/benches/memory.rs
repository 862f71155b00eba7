//! Memory per idle task: our runtime, tokio and smol each hold [`NUM_TASKS`] tasks that
//! are parked forever, and we count what that costs.
//!
//! Every task runs the same future, `idle_task`: it counts a latch down, then parks in
//! [`Idle`], which keeps a clone of its waker the way a task waiting on a channel does and
//! never completes. Its size is printed beside the results, and it is the same for every
//! runtime. Tasks are spawned from inside `block_on` in chunks of [`CHUNK`], each chunk
//! polled once before the next is spawned, so the run queue never holds more than one
//! chunk and its capacity does not inflate the figure.
//!
//! Primary figure: live heap bytes per task, from a counting `#[global_allocator]`
//! (exact; the runtime's own structures, the task allocation, any per-task registry
//! entry). Secondary: the resident set size delta per task from `/proc/self/status`
//! (includes allocator slack and page granularity). Each runtime is measured in a fresh
//! child process (this binary, re-run with `--child <runtime>`), [`REPS`] times; the
//! table shows medians. "leftover" is the heap still live after the runtime is dropped
//! and its thread has exited: it should be zero, or tasks leak.
//!
//! Run: `cargo bench -p runtime-benches --bench memory`.
use runtime_benches::{Latch, Ours, Rt, SmolLocal, Tokio, ID_RUNTIME, ID_SMOL, ID_TOKIO};
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

/// Holds [`NUM_TASKS`] idle tasks on `make()`'s runtime, on a fresh thread so a
/// thread-local executor is dropped with it too.
fn measure<R: Rt + 'static>(make: fn() -> R) -> Sample {
    let base = LIVE_BYTES.load(Relaxed);
    let (heap, allocs, rss) = std::thread::spawn(move || {
        let rt = make();
        let out = rt.block_on(async {
            // Warm the runtime's lazily allocated state (thread-locals, queues).
            let warm = Latch::new(1);
            R::detach(R::spawn(async move { warm.count_down() }));
            R::yield_now().await;
            let (bytes0, allocs0, rss0) = (
                LIVE_BYTES.load(Relaxed),
                LIVE_ALLOCS.load(Relaxed),
                rss_bytes(),
            );
            for _ in 0..NUM_TASKS / CHUNK {
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
    .expect("measuring thread");
    let n = NUM_TASKS as f64;
    Sample {
        heap_per_task: heap as f64 / n,
        allocs_per_task: allocs as f64 / n,
        rss_per_task: rss as f64 / n,
        leftover_bytes: LIVE_BYTES.load(Relaxed) - base,
    }
}

fn child(name: &str) {
    let s = match name {
        ID_RUNTIME => measure(Ours::current_thread),
        ID_TOKIO => measure(Tokio::current_thread),
        ID_SMOL => measure(SmolLocal::new),
        other => panic!("unknown runtime {other:?}: pass runtime, tokio or smol"),
    };
    println!(
        "SAMPLE {} {} {} {}",
        s.heap_per_task, s.allocs_per_task, s.rss_per_task, s.leftover_bytes
    );
}

fn run_child(name: &str) -> Sample {
    let exe = std::env::current_exe().expect("current exe");
    let out = Command::new(exe)
        .args(["--child", name])
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
        child(args.get(i + 1).expect("--child <runtime>"));
        return;
    }
    // Positional arguments filter by id, as criterion's do.
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let size = std::mem::size_of_val(&idle_task(Latch::new(0)));
    println!(
        "memory/idle_task: {NUM_TASKS} idle tasks, future of {size} bytes, \
         median of {REPS} processes"
    );
    println!(
        "{:<26} {:>12} {:>12} {:>12} {:>10}",
        "id", "heap B/task", "allocs/task", "RSS B/task", "leftover"
    );
    for name in [ID_RUNTIME, ID_TOKIO, ID_SMOL] {
        let id = format!("memory/idle_task/{name}");
        if !filters.is_empty() && !filters.iter().any(|f| id.contains(f.as_str())) {
            continue;
        }
        let samples: Vec<Sample> = (0..REPS).map(|_| run_child(name)).collect();
        let pick = |f: fn(&Sample) -> f64| median(samples.iter().map(f).collect());
        println!(
            "{:<26} {:>12.1} {:>12.2} {:>12.1} {:>10}",
            id,
            pick(|s| s.heap_per_task),
            pick(|s| s.allocs_per_task),
            pick(|s| s.rss_per_task),
            samples.iter().map(|s| s.leftover_bytes).max().unwrap_or(0),
        );
    }
}
