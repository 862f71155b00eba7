//! Starting a runtime costs only what it uses: the multi-thread runtime's monitor thread
//! (which helps workers stuck inside a poll) starts with the first task, so
//! `runtime::run(async {})` and a `block_on` that never spawns start no third thread.

mod support;

use std::time::Duration;

/// Names of this process's threads (Linux: `/proc/self/task/*/comm`, 15 bytes at most).
fn thread_names() -> Vec<String> {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .map(|n| n.trim_end().to_owned())
        .collect()
}

fn count_named(name: &str) -> usize {
    thread_names().iter().filter(|n| *n == name).count()
}

#[test]
fn the_monitor_starts_with_the_first_task() {
    // Names unique to this test: other tests of this binary run beside it.
    let rt = runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("rtsa")
        .build()
        .unwrap();
    rt.block_on(async {
        runtime::sleep(Duration::from_millis(1)).await;
    });
    // A new thread names itself once it runs (slow under ASan): wait for both workers.
    support::wait_until(|| count_named("rtsa") == 2, "both workers run");
    assert_eq!(count_named("rtsa-monitor"), 0, "{:?}", thread_names());
    rt.block_on(async { runtime::spawn(async {}).await.unwrap() });
    support::wait_until(|| count_named("rtsa-monitor") == 1, "the monitor starts");
    // A second task does not start a second monitor.
    rt.block_on(async { runtime::spawn(async {}).await.unwrap() });
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(count_named("rtsa-monitor"), 1, "{:?}", thread_names());
    drop(rt);
    // Joined; the kernel may list an exited thread a moment longer.
    support::wait_until(
        || count_named("rtsa") + count_named("rtsa-monitor") == 0,
        "the runtime's threads are gone",
    );
}

#[test]
fn one_worker_needs_no_monitor() {
    let rt = runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("rtsb")
        .build()
        .unwrap();
    rt.block_on(async { runtime::spawn(async {}).await.unwrap() });
    support::wait_until(|| count_named("rtsb") == 1, "the worker runs");
    assert_eq!(count_named("rtsb-monitor"), 0, "{:?}", thread_names());
}
