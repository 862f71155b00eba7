//! How late timers fire: our runtime, tokio and smol, multi-thread with [`WORKERS`] workers
//! each (smol: an `async_executor::Executor` on [`WORKERS`] threads, timers on
//! `async_io::Timer`), all in this one process, with the same seeded sleep durations.
//!
//! Lateness is the `std::time::Instant::now()` read right after a sleep returns, minus
//! its deadline (the `std::time::Instant` the sleep was created with, `sleep_until`). Two
//! workloads:
//!
//! - `timers_many`: [`NUM_TIMERS`] tasks spawned inside the runtime, each sleeping a
//!   pseudo-random 1..=[`SLEEP_MAX_MS`] ms: the total time until the last wakes; from the
//!   start, when the spawning loop ended ("spawn loop"), when the last task first ran and
//!   registered its timer ("all ran"), and the latest deadline (a task's deadline is its
//!   first run plus its duration, as with `sleep(duration)`); and the lateness over all
//!   of them;
//! - `timers_light`: one task sleeping [`LIGHT_SLEEPS`] times in a row, 1..=[`LIGHT_MAX_MS`]
//!   ms each, on an otherwise idle runtime: the lateness of a lone timer.
//!
//! Each runtime runs each workload once to warm up, then [`RUNS`] times, the runtimes taking
//! turns; the tables show the median of the runs for every figure, and the ratios of the
//! totals to tokio's and smol's. A sleep that returned before its deadline is counted as
//! "early" (there should be none).
//!
//! Run: `cargo run --release -p runtime-benches --example timer_lateness`.
use runtime_benches::timers::{sleep_durations, TimerRt, NUM_TIMERS, SEED, SLEEP_MAX_MS};
use runtime_benches::{Latch, Ours, SmolMulti, Tokio, ID_RUNTIME, ID_SMOL, ID_TOKIO, WORKERS};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Sleeps of `timers_light`.
const LIGHT_SLEEPS: usize = 300;
/// Longest sleep of `timers_light`, in milliseconds (the shortest is 1 ms).
const LIGHT_MAX_MS: u64 = 5;
/// Measured runs per runtime and workload; the tables show their median.
const RUNS: usize = 3;
/// Lateness recorded for a sleep that returned before its deadline.
const EARLY: u64 = u64::MAX;

/// One run of one workload on one runtime.
#[derive(Debug, Clone, Copy)]
struct Stats {
    total: Duration,
    /// `timers_many`: when the spawning loop ended, from the start.
    spawned: Duration,
    /// `timers_many`: when the last task first ran (and registered its timer), from the
    /// start.
    last_first_run: Duration,
    /// `timers_many`: the latest deadline, from the start.
    last_deadline: Duration,
    p50: Duration,
    p99: Duration,
    max: Duration,
    early: usize,
}

impl Stats {
    /// Summarises lateness in nanoseconds ([`EARLY`] for an early wake-up).
    fn new(total: Duration, mut lateness: Vec<u64>) -> Stats {
        let early = lateness.iter().filter(|&&ns| ns == EARLY).count();
        lateness.retain(|&ns| ns != EARLY);
        lateness.sort_unstable();
        let at = |q: f64| {
            let i = ((lateness.len() as f64 - 1.0) * q).round() as usize;
            Duration::from_nanos(lateness.get(i).copied().unwrap_or(0))
        };
        Stats {
            total,
            spawned: Duration::ZERO,
            last_first_run: Duration::ZERO,
            last_deadline: Duration::ZERO,
            p50: at(0.50),
            p99: at(0.99),
            max: at(1.0),
            early,
        }
    }

    /// The median of every figure over `runs`, each taken on its own.
    fn median(runs: &[Stats]) -> Stats {
        fn med<T: Ord + Copy>(mut values: Vec<T>) -> T {
            values.sort_unstable();
            values[values.len() / 2]
        }
        Stats {
            total: med(runs.iter().map(|s| s.total).collect()),
            spawned: med(runs.iter().map(|s| s.spawned).collect()),
            last_first_run: med(runs.iter().map(|s| s.last_first_run).collect()),
            last_deadline: med(runs.iter().map(|s| s.last_deadline).collect()),
            p50: med(runs.iter().map(|s| s.p50).collect()),
            p99: med(runs.iter().map(|s| s.p99).collect()),
            max: med(runs.iter().map(|s| s.max).collect()),
            early: med(runs.iter().map(|s| s.early).collect()),
        }
    }
}

/// `later - earlier` in nanoseconds, or [`EARLY`] if `later` is before `earlier`.
fn lateness(woke: Instant, deadline: Instant) -> u64 {
    woke.checked_duration_since(deadline)
        .map_or(EARLY, |late| late.as_nanos() as u64)
}

/// `timers_many`: one task per duration, spawned inside `rt`, each sleeping its duration
/// from when it first runs (as `sleep(duration)` would) and recording its lateness, when
/// it first ran and its deadline.
fn timers_many<R: TimerRt>(rt: &R, durations: &Arc<[Duration]>) -> Stats {
    // Per task: lateness (ns), first run and deadline (ns from the start).
    let slots: Arc<[[AtomicU64; 3]]> = durations
        .iter()
        .map(|_| std::array::from_fn(|_| AtomicU64::new(0)))
        .collect();
    let latch = Latch::new(durations.len());
    let (total, spawned) = rt.block_on(async {
        let start = Instant::now();
        for (i, &duration) in durations.iter().enumerate() {
            let latch = latch.clone();
            let slots = slots.clone();
            R::detach(R::spawn(async move {
                let first_run = Instant::now();
                let deadline = first_run + duration;
                R::sleep_until(deadline).await;
                let woke = Instant::now();
                let since_start = |t: Instant| t.duration_since(start).as_nanos() as u64;
                let [late, ran, due] = &slots[i];
                late.store(lateness(woke, deadline), Ordering::Relaxed);
                ran.store(since_start(first_run), Ordering::Relaxed);
                due.store(since_start(deadline), Ordering::Relaxed);
                latch.count_down();
            }));
        }
        let spawned = start.elapsed();
        latch.wait().await;
        (start.elapsed(), spawned)
    });
    let figure = |i: usize| slots.iter().map(move |s| s[i].load(Ordering::Relaxed));
    let mut stats = Stats::new(total, figure(0).collect());
    stats.spawned = spawned;
    stats.last_first_run = Duration::from_nanos(figure(1).max().unwrap_or(0));
    stats.last_deadline = Duration::from_nanos(figure(2).max().unwrap_or(0));
    stats
}

/// `timers_light`: one spawned task sleeps each duration in turn, recording lateness.
fn timers_light<R: TimerRt>(rt: &R, durations: &Arc<[Duration]>) -> Stats {
    let durations = durations.clone();
    let (total, lateness) = rt.block_on(async move {
        R::spawn(async move {
            let start = Instant::now();
            let mut late = Vec::with_capacity(durations.len());
            for &duration in durations.iter() {
                let deadline = Instant::now() + duration;
                R::sleep_until(deadline).await;
                late.push(lateness(Instant::now(), deadline));
            }
            (start.elapsed(), late)
        })
        .await
    });
    Stats::new(total, lateness)
}

/// Formats a duration in the unit that suits it.
fn fmt(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns >= 10_000_000 {
        format!("{:.1} ms", ns as f64 / 1e6)
    } else if ns >= 10_000 {
        format!("{:.0} µs", ns as f64 / 1e3)
    } else {
        format!("{ns} ns")
    }
}

fn ratio(a: Duration, b: Duration) -> String {
    format!("{:.2}", a.as_secs_f64() / b.as_secs_f64())
}

/// Prints one workload's table: a row per runtime, in the order of `rows`; `phases` adds
/// the `timers_many` columns (end of the spawn loop, latest deadline).
fn table(title: &str, rows: &[(&str, Stats)], phases: bool) {
    let total = |id: &str| rows.iter().find(|(r, _)| *r == id).map(|(_, s)| s.total);
    let (tokio, smol) = (total(ID_TOKIO).unwrap(), total(ID_SMOL).unwrap());
    println!("### {title}\n");
    if phases {
        println!(
            "| runtime | total | spawn loop | all ran | last deadline | lateness p50 | p99 | max \
             | early | total / tokio | total / smol |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    } else {
        println!(
            "| runtime | total | lateness p50 | p99 | max | early | total / tokio | total / smol |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    }
    for (id, s) in rows {
        let phases = if phases {
            format!(
                " {} | {} | {} |",
                fmt(s.spawned),
                fmt(s.last_first_run),
                fmt(s.last_deadline)
            )
        } else {
            String::new()
        };
        println!(
            "| {id} | {} |{phases} {} | {} | {} | {} | {} | {} |",
            fmt(s.total),
            fmt(s.p50),
            fmt(s.p99),
            fmt(s.max),
            s.early,
            ratio(s.total, tokio),
            ratio(s.total, smol),
        );
    }
    println!();
}

fn main() {
    let many = sleep_durations(NUM_TIMERS, SLEEP_MAX_MS, SEED);
    let light = sleep_durations(LIGHT_SLEEPS, LIGHT_MAX_MS, SEED ^ 1);
    let ours = Ours::multi_thread(WORKERS);
    let tokio = Tokio::multi_thread(WORKERS);
    let smol = SmolMulti::new(WORKERS);

    // Warm-up, not recorded: threads started, allocator and queues grown.
    timers_many(&ours, &many);
    timers_many(&tokio, &many);
    timers_many(&smol, &many);
    timers_light(&ours, &light);
    timers_light(&tokio, &light);
    timers_light(&smol, &light);

    let mut runs: [[Vec<Stats>; 3]; 2] = Default::default();
    for run in 0..RUNS {
        eprintln!("run {}/{RUNS}", run + 1);
        runs[0][0].push(timers_many(&ours, &many));
        runs[0][1].push(timers_many(&tokio, &many));
        runs[0][2].push(timers_many(&smol, &many));
        runs[1][0].push(timers_light(&ours, &light));
        runs[1][1].push(timers_light(&tokio, &light));
        runs[1][2].push(timers_light(&smol, &light));
    }

    println!(
        "Multi-thread, {WORKERS} workers; median of {RUNS} runs per figure; lateness = \
         wake instant - deadline.\n"
    );
    let titles = [
        format!("timers_many: {NUM_TIMERS} tasks, each sleeping 1..={SLEEP_MAX_MS} ms"),
        format!("timers_light: one task, {LIGHT_SLEEPS} sleeps of 1..={LIGHT_MAX_MS} ms in a row"),
    ];
    for ((title, workload), phases) in titles.iter().zip(&runs).zip([true, false]) {
        let rows: Vec<(&str, Stats)> = [ID_RUNTIME, ID_TOKIO, ID_SMOL]
            .into_iter()
            .zip(workload.iter().map(|r| Stats::median(r)))
            .collect();
        table(title, &rows, phases);
    }
}
