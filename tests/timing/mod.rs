//! Helpers of the real-clock timer tests (`time_real`, `time_multi_thread`). Unlike
//! `support`, these use the runtime under test: they measure its timers.

use runtime::sleep;
use runtime::time::Instant;
use std::time::Duration;

/// Lateness allowed for a timer on a busy runtime (a loaded 2-core CI machine; the
/// scheduler itself should be within a few ms).
pub const LATE: Duration = Duration::from_millis(50);

/// `n` milliseconds.
pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Sleeps `d` and returns the real time it took, checking it was not early on either
/// clock.
pub async fn timed_sleep(d: Duration) -> Duration {
    let wall = std::time::Instant::now();
    let s = sleep(d);
    let deadline = s.deadline();
    s.await;
    let took = wall.elapsed();
    assert!(took >= d, "a {d:?} sleep woke after {took:?}");
    let now = Instant::now();
    assert!(
        now >= deadline,
        "woke at {now:?}, before the deadline {deadline:?}"
    );
    took
}
