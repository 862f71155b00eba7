//! `#[runtime::main]` and `#[runtime::test]` from a user's crate: UI cases that must
//! compile (and run), UI cases that must fail with an exact message on the offending token
//! (`tests/ui/fail/*.stderr`), and a few `#[runtime::test]` tests, since a UI case is built
//! as a binary where `#[test]` functions are left out.
//!
//! Regenerate the `.stderr` files with `TRYBUILD=overwrite cargo test --test macros_ui`
//! after a deliberate change of message, and read every diff.

use std::io;

#[test]
fn macros_ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}

#[runtime::test]
async fn test_runs_the_body() {
    let answer = async { 6 * 7 }.await;
    assert_eq!(answer, 42);
}

/// A body that is one `.await` expands to an `async` block around it, which clippy does not
/// flag as redundant (it comes from the macro).
#[runtime::test]
async fn test_body_is_a_single_await() {
    std::future::ready(()).await
}

#[runtime::test]
async fn test_may_return_a_result() -> io::Result<()> {
    let text = async { "42" }.await;
    let n: u32 = text
        .parse()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    assert_eq!(n, 42);
    Ok(())
}

#[runtime::test]
async fn test_return_leaves_the_body_early() -> Result<(), String> {
    if async { true }.await {
        return Ok(());
    }
    Err("the early `return` did not end the test".to_owned())
}

#[runtime::test]
#[should_panic(expected = "boom")]
async fn test_composes_with_should_panic() {
    async {}.await;
    panic!("boom");
}

#[should_panic(expected = "boom")]
#[runtime::test]
async fn test_composes_with_should_panic_before_it() {
    panic!("boom");
}

#[runtime::test(flavor = "current_thread")]
async fn test_explicit_current_thread() {
    let handle = runtime::spawn(async { 1 + 1 });
    assert_eq!(handle.await.expect("the task completes"), 2);
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_multi_thread() {
    let handle = runtime::spawn(async { 1 + 1 });
    assert_eq!(handle.await.expect("the task completes"), 2);
    assert_eq!(runtime::Handle::current().metrics().num_workers(), 2);
}

// `start_paused = true` builds a current-thread runtime whose clock stands still and
// jumps to the next deadline when nothing can run.

#[runtime::test(start_paused = true)]
async fn test_start_paused_pauses_the_clock() {
    let start = runtime::time::Instant::now();
    runtime::sleep(std::time::Duration::from_secs(3600)).await;
    assert_eq!(start.elapsed(), std::time::Duration::from_secs(3600));
}
