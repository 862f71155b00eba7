//! The tour's parts (`examples/support/tour.rs`), each on a current-thread runtime with
//! paused time: their output is asyncio's, and their virtual durations are the seeds'
//! (1 s, 3 s, 2 s, 2 s, 9 s), exactly, with no real waiting.
#[path = "../examples/support/tour.rs"]
mod tour;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use runtime::time::Instant;
use tour::Out;

/// Runs `part` with paused time; returns its lines and how much virtual time it took.
fn run<F, Fut>(part: F) -> (Vec<String>, Duration)
where
    F: FnOnce(Arc<Out>) -> Fut,
    Fut: Future<Output = tour::Result>,
{
    let rt = runtime::Builder::new_current_thread()
        .start_paused(true)
        .build()
        .unwrap();
    rt.block_on(async {
        let out = Out::capture();
        let start = Instant::now();
        part(out.clone()).await.expect("the part succeeds");
        (out.lines(), start.elapsed())
    })
}

fn assert_started_finished(lines: &[String]) {
    assert!(lines[0].starts_with("started at "), "{lines:?}");
    assert!(lines[3].starts_with("finished at "), "{lines:?}");
}

#[test]
fn hello_prints_hello_then_world_a_second_later() {
    let (lines, took) = run(|o| async move { tour::hello(&o).await });
    assert_eq!(lines, ["hello", "world"]);
    assert_eq!(took, Duration::from_secs(1));
}

#[test]
fn awaiting_in_turn_takes_three_seconds() {
    let (lines, took) = run(|o| async move { tour::say_after_sequential(&o).await });
    assert_eq!(lines[1..3], ["hello", "world"]);
    assert_started_finished(&lines);
    assert_eq!(took, Duration::from_secs(3));
}

#[test]
fn concurrent_tasks_take_two_seconds() {
    let (lines, took) = run(|o| async move { tour::say_after_tasks(&o).await });
    assert_eq!(lines[1..3], ["hello", "world"]);
    assert_started_finished(&lines);
    assert_eq!(took, Duration::from_secs(2));
}

#[test]
fn a_task_group_takes_two_seconds() {
    let (lines, took) = run(|o| async move { tour::say_after_group(&o).await });
    assert_eq!(lines[1..3], ["hello", "world"]);
    assert_started_finished(&lines);
    assert_eq!(took, Duration::from_secs(2));
}

#[test]
fn an_unawaited_call_does_nothing_and_an_awaited_one_prints_42() {
    let (lines, took) = run(|o| async move { tour::nested_part(&o).await });
    assert_eq!(lines, ["42"]);
    assert_eq!(took, Duration::ZERO);
}

#[test]
fn an_awaited_task_gives_its_result() {
    let (lines, _) = run(|o| async move { tour::await_a_task(&o).await });
    assert_eq!(lines, ["42"]);
}

#[test]
fn a_future_is_resolved_by_a_plain_threads_callback() {
    let (lines, _) = run(|o| async move { tour::future_from_a_callback(&o).await });
    assert_eq!(lines, ["the future resolved to 42"]);
}

#[test]
fn run_in_executor_uses_the_default_a_custom_and_the_cpu_pool() {
    let (lines, _) = run(|o| async move { tour::run_in_executor(&o).await });
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines[0].starts_with("default thread pool b'"), "{lines:?}");
    assert!(lines[1].starts_with("custom thread pool b'"), "{lines:?}");
    // sum(i * i for i in range(10 ** 7))
    assert_eq!(lines[2], "custom cpu pool 333333283333335000000");
}

#[test]
fn background_tasks_finish_in_order_and_empty_their_set() {
    let (lines, took) = run(|o| async move { tour::background_tasks(&o).await });
    let expected: Vec<String> = (0..10)
        .map(|i| format!("Hello there N.{i}"))
        .chain(["all background tasks finished; the set is empty".to_string()])
        .collect();
    assert_eq!(lines, expected);
    // The last task ends at 9 s; the set is checked every 50 ms.
    assert!(
        took >= Duration::from_secs(9) && took <= Duration::from_millis(9_050),
        "{took:?}"
    );
}
