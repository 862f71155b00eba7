//! Unit tests of the sharded timers: firing, reset, cancel, unpark, shutdown,
//! and many threads registering and cancelling at once.

use super::*;
use crate::entry::tests::{Count, CountingWaker};
use crate::loom::sync::atomic::AtomicUsize;
use std::task::{Context, Poll, Waker};

const MS: Duration = Duration::from_millis(1);

fn poll(registration: &mut Registration, waker: &Waker) -> Poll<Result<(), ShutdownError>> {
    registration.poll_elapsed(&mut Context::from_waker(waker))
}

fn timers(shards: usize) -> (Timers, Instant) {
    let start = Instant::now();
    (Timers::new(start, shards, |_| {}), start)
}

#[test]
fn fires_at_the_deadline_and_wakes_once() {
    let (timers, start) = timers(1);
    let (waker, count) = CountingWaker::new();
    let mut sleep = timers.register(0, start + 10 * MS);
    assert_eq!(sleep.deadline(), start + 10 * MS);
    assert!(poll(&mut sleep, &waker).is_pending());
    assert_eq!(timers.next_deadline(), Some(start + 10 * MS));
    assert_eq!(timers.process(start + 10 * MS - Duration::from_nanos(1)), 0);
    assert_eq!(count.get(), 0);
    assert_eq!(timers.process(start + 10 * MS), 1);
    assert_eq!(count.get(), 1);
    assert!(sleep.is_elapsed());
    assert_eq!(poll(&mut sleep, &waker), Poll::Ready(Ok(())));
    assert_eq!(timers.process(start + 20 * MS), 0, "fires once");
    assert_eq!(timers.next_deadline(), None);
}

#[test]
fn the_latest_waker_is_woken() {
    let (timers, start) = timers(1);
    let (a, a_count) = CountingWaker::new();
    let (b, b_count) = CountingWaker::new();
    let mut sleep = timers.register(0, start + MS);
    assert!(poll(&mut sleep, &a).is_pending());
    assert!(poll(&mut sleep, &b).is_pending());
    timers.process(start + MS);
    assert_eq!((a_count.get(), b_count.get()), (0, 1));
}

#[test]
fn drop_cancels() {
    let (timers, start) = timers(2);
    let (waker, count) = CountingWaker::new();
    let mut sleep = timers.register(1, start + MS);
    assert!(poll(&mut sleep, &waker).is_pending());
    drop(sleep);
    assert_eq!(timers.next_deadline(), None);
    assert_eq!(timers.process(start + 5 * MS), 0);
    assert_eq!(count.get(), 0);
}

#[test]
fn reset_moves_a_pending_timer_and_rearms_a_fired_one() {
    let (timers, start) = timers(1);
    let (waker, count) = CountingWaker::new();
    let mut sleep = timers.register(0, start + 5 * MS);
    assert!(poll(&mut sleep, &waker).is_pending());
    sleep.reset(start + 8 * MS);
    assert_eq!(timers.process(start + 6 * MS), 0);
    assert_eq!(timers.process(start + 8 * MS), 1);
    assert_eq!(poll(&mut sleep, &waker), Poll::Ready(Ok(())));
    sleep.reset(start + 30 * MS);
    assert!(!sleep.is_elapsed());
    assert!(poll(&mut sleep, &waker).is_pending());
    assert_eq!(timers.next_deadline(), Some(start + 30 * MS));
    assert_eq!(timers.process(start + 30 * MS), 1);
    assert_eq!(count.get(), 2);
    assert_eq!(poll(&mut sleep, &waker), Poll::Ready(Ok(())));
}

#[test]
fn a_deadline_the_wheel_went_past_fires_at_once() {
    let (timers, start) = timers(1);
    let _other = timers.register(0, start + 40 * MS);
    timers.process(start + 50 * MS);
    // The wheel has seen 50 ms: the timer is fired at registration, never stored.
    let mut sleep = timers.register(0, start + MS);
    assert!(sleep.is_elapsed());
    assert_eq!(timers.next_deadline(), None);
    // A reset to a time the wheel passed fires at once too, taking the copy out.
    sleep.reset(start + 60 * MS);
    assert!(!sleep.is_elapsed());
    assert_eq!(timers.next_deadline(), Some(start + 60 * MS));
    sleep.reset(start + 49 * MS);
    assert!(sleep.is_elapsed());
    assert_eq!(timers.next_deadline(), None);
    assert_eq!(timers.process(start + 100 * MS), 0);
}

#[test]
fn a_past_deadline_the_wheel_has_not_seen_fires_at_the_next_process() {
    let (timers, start) = timers(1);
    let sleep = timers.register(0, start + MS);
    assert!(!sleep.is_elapsed());
    assert_eq!(timers.process(start + 50 * MS), 1);
    assert!(sleep.is_elapsed());
}

#[test]
fn unpark_is_told_only_of_earlier_deadlines() {
    let start = Instant::now();
    let told = std::sync::Arc::new(parking_lot_free_log());
    let log = told.clone();
    let timers = Timers::new(start, 2, move |deadline| log.push(deadline - start));
    let _a = timers.register(0, start + 50 * MS);
    let _b = timers.register(0, start + 70 * MS); // later: no unpark
    let mut c = timers.register(1, start + 60 * MS); // earliest of shard 1
    c.reset(start + 90 * MS); // later: no unpark
    c.reset(start + 40 * MS);
    assert_eq!(told.take(), [50 * MS, 60 * MS, 40 * MS]);
}

/// A tiny log of durations behind the crate's mutex.
struct Log(Mutex<Vec<Duration>>);

fn parking_lot_free_log() -> Log {
    Log(Mutex::new(Vec::new()))
}

impl Log {
    fn push(&self, d: Duration) {
        self.0.lock().push(d);
    }

    fn take(&self) -> Vec<Duration> {
        std::mem::take(&mut *self.0.lock())
    }
}

#[test]
fn shutdown_completes_pending_timers_with_an_error() {
    let (timers, start) = timers(2);
    let (waker, count) = CountingWaker::new();
    let mut pending = timers.register(0, start + MS);
    let mut fired = timers.register(1, start);
    timers.process(start);
    assert!(poll(&mut pending, &waker).is_pending());
    timers.shutdown();
    timers.shutdown(); // idempotent
    assert_eq!(count.get(), 1);
    let error = poll(&mut pending, &waker);
    assert_eq!(error, Poll::Ready(Err(ShutdownError(()))));
    assert_eq!(
        ShutdownError(()).to_string(),
        "the runtime that owns this timer has shut down: create timers inside a running runtime"
    );
    assert_eq!(poll(&mut fired, &waker), Poll::Ready(Ok(())));
    let mut late = timers.register(0, start + MS);
    assert!(poll(&mut late, &waker).is_ready());
    late.reset(start + 2 * MS);
    fired.reset(start + 2 * MS);
    assert_eq!(
        poll(&mut fired, &waker),
        Poll::Ready(Err(ShutdownError(())))
    );
    assert_eq!(timers.process(start + 10 * MS), 0);
    assert_eq!(timers.next_deadline(), None);
}

#[test]
fn dropping_the_timers_shuts_them_down() {
    let (timers, start) = timers(1);
    let (waker, _count) = CountingWaker::new();
    let mut sleep = timers.register(0, start + MS);
    drop(timers);
    assert!(matches!(poll(&mut sleep, &waker), Poll::Ready(Err(_))));
    drop(sleep);
}

#[test]
fn far_and_unrepresentable_deadlines_neither_panic_nor_fire() {
    let (timers, start) = timers(1);
    let year = Duration::from_secs(365 * 86_400);
    let far = timers.register(0, start + 3 * year);
    let never = timers.register(0, start + 600 * year); // past u64 nanoseconds
    assert_eq!(timers.next_deadline(), Some(start + 3 * year));
    assert_eq!(timers.process(start + 2 * year), 0);
    assert_eq!(timers.process(start + 3 * year), 1);
    assert!(far.is_elapsed());
    assert_eq!(timers.next_deadline(), None);
    assert_eq!(timers.process(start + 1_000 * year), 0);
    assert!(!never.is_elapsed());
    let max = timers.register(0, timers.deadline_after(start, Duration::MAX));
    assert!(max.deadline() > start + 500 * year);
    assert_eq!(timers.process(start + 2_000 * year), 0);
    assert!(!max.is_elapsed());
    assert_eq!(timers.deadline_after(start, MS), start + MS);
}

#[test]
fn more_than_a_batch_fire_in_one_process() {
    let (timers, start) = timers(1);
    let (waker, count) = CountingWaker::new();
    let mut sleeps: Vec<Registration> = (0..100u32)
        .map(|i| timers.register(0, start + MS + Duration::from_nanos(u64::from(i))))
        .collect();
    for sleep in &mut sleeps {
        assert!(poll(sleep, &waker).is_pending());
    }
    assert_eq!(timers.process(start + 2 * MS), 100);
    assert_eq!(count.get(), 100);
    assert!(sleeps.iter().all(Registration::is_elapsed));
}

#[test]
fn a_panicking_waker_does_not_stop_the_others() {
    struct Panics;
    impl std::task::Wake for Panics {
        fn wake(self: std::sync::Arc<Self>) {
            panic!("waker panic (expected by the test)");
        }
    }
    let (timers, start) = timers(1);
    let bad = Waker::from(std::sync::Arc::new(Panics));
    let (good, count) = CountingWaker::new();
    let mut a = timers.register(0, start + MS);
    let mut b = timers.register(0, start + MS);
    assert!(poll(&mut a, &bad).is_pending());
    assert!(poll(&mut b, &good).is_pending());
    assert_eq!(timers.process(start + MS), 2);
    assert_eq!(count.get(), 1);
}

#[test]
fn debug_output() {
    let (timers, start) = timers(3);
    let sleep = timers.register(0, start + MS);
    assert!(format!("{timers:?}").starts_with("Timers { shards: 3, next_deadline: Some("));
    let text = format!("{sleep:?}");
    assert!(text.contains("status: Pending"), "{text}");
    assert_eq!(timers.shards(), 3);
    assert_eq!(Timers::new(start, 0, |_| {}).shards(), 1);
}

/// Workers register and cancel on their own shards and drop timers registered
/// by others, while a driver fires: every timer that was not dropped fires
/// exactly once.
#[test]
#[allow(clippy::disallowed_methods)] // real threads
fn many_workers_register_cancel_and_fire_concurrently() {
    const WORKERS: usize = 4;
    const PER_WORKER: usize = 2_000;
    let start = Instant::now();
    let timers = std::sync::Arc::new(Timers::new(start, WORKERS, |_| {}));
    let stop = std::sync::Arc::new(AtomicUsize::new(0));
    let driver = {
        let (timers, stop) = (timers.clone(), stop.clone());
        std::thread::spawn(move || {
            while stop.load(Ordering::Acquire) == 0 {
                timers.process(Instant::now());
            }
        })
    };
    let handoff = std::sync::Arc::new(Mutex::new(Vec::<Registration>::new()));
    let workers: Vec<_> = (0..WORKERS)
        .map(|worker| {
            let (timers, handoff) = (timers.clone(), handoff.clone());
            std::thread::spawn(move || {
                let mut kept = Vec::new();
                let (waker, count) = CountingWaker::new();
                for i in 0..PER_WORKER {
                    let delay = Duration::from_micros((i % 50) as u64 * 20);
                    let mut sleep = timers.register(worker, Instant::now() + delay);
                    let _ = poll(&mut sleep, &waker);
                    match i % 4 {
                        0 => drop(sleep),                      // cancel on the owner
                        1 => handoff.lock().push(sleep),       // dropped by another worker
                        2 => sleep.reset(Instant::now() + MS), // moved
                        _ => kept.push(sleep),
                    }
                    if i % 64 == 0 {
                        drop(std::mem::take(&mut *handoff.lock()));
                    }
                }
                (kept, count)
            })
        })
        .collect();
    let results: Vec<(Vec<Registration>, Count)> =
        workers.into_iter().map(|w| w.join().unwrap()).collect();
    drop(std::mem::take(&mut *handoff.lock()));
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while results
        .iter()
        .any(|(kept, _)| kept.iter().any(|s| !s.is_elapsed()))
    {
        assert!(std::time::Instant::now() < deadline, "timers never fired");
        std::thread::sleep(MS);
    }
    stop.store(1, Ordering::Release);
    driver.join().unwrap();
    for (kept, count) in &results {
        assert_eq!(kept.len(), PER_WORKER / 4);
        // Each kept timer woke its worker. A dropped or moved one may have
        // fired (and woken) before its drop or reset, so the count is bounded.
        assert!(
            count.get() >= kept.len(),
            "{} < {}",
            count.get(),
            kept.len()
        );
        assert!(count.get() <= 2 * PER_WORKER);
    }
    assert_eq!(timers.next_deadline(), None, "nothing left behind");
}

#[test]
fn a_later_reset_leaves_the_wheel_alone_and_refiles_at_the_old_deadline() {
    let (timers, start) = timers(1);
    let (waker, count) = CountingWaker::new();
    let mut sleep = timers.register(0, start + 5 * MS);
    assert!(poll(&mut sleep, &waker).is_pending());
    for ms in 6..=9 {
        sleep.reset(start + ms * MS);
    }
    assert_eq!(sleep.deadline(), start + 9 * MS);
    // Lazy: still filed at 5 ms, the wheel untouched.
    assert_eq!(timers.next_deadline(), Some(start + 5 * MS));
    assert_eq!(timers.process(start + 5 * MS), 0, "filed again, not fired");
    assert_eq!(count.get(), 0);
    assert_eq!(timers.next_deadline(), Some(start + 9 * MS));
    assert!(poll(&mut sleep, &waker).is_pending());
    assert_eq!(timers.process(start + 9 * MS - Duration::from_nanos(1)), 0);
    assert_eq!(timers.process(start + 9 * MS), 1);
    assert_eq!(count.get(), 1);
    assert_eq!(poll(&mut sleep, &waker), Poll::Ready(Ok(())));
}

#[test]
fn an_earlier_reset_after_lazy_ones_moves_the_timer_under_the_lock() {
    let (timers, start) = timers(1);
    let mut sleep = timers.register(0, start + 5 * MS);
    assert!(poll(&mut sleep, Waker::noop()).is_pending());
    sleep.reset(start + 20 * MS); // lazy
    assert_eq!(timers.process(start + 5 * MS), 0); // filed again at 20 ms
    sleep.reset(start + 30 * MS); // lazy again
    sleep.reset(start + 8 * MS); // earlier: moved in the wheel
    assert_eq!(timers.next_deadline(), Some(start + 8 * MS));
    assert_eq!(
        timers.process(start + 8 * MS),
        1,
        "the earlier deadline wins"
    );
    assert!(sleep.is_elapsed());
    assert_eq!(timers.process(start + 40 * MS), 0, "fires once");
}

#[test]
fn a_lazily_reset_timer_is_cancelled_by_drop() {
    let (timers, start) = timers(1);
    let (waker, count) = CountingWaker::new();
    let mut sleep = timers.register(0, start + 5 * MS);
    assert!(poll(&mut sleep, &waker).is_pending());
    sleep.reset(start + 10 * MS);
    assert_eq!(timers.process(start + 5 * MS), 0);
    drop(sleep);
    assert_eq!(timers.next_deadline(), None);
    assert_eq!(timers.process(start + 20 * MS), 0);
    assert_eq!(count.get(), 0);
}

#[test]
fn a_lazy_reset_past_the_horizon_or_to_never_neither_fires_early_nor_is_lost() {
    let (timers, start) = timers(1);
    let mut far = timers.register(0, start + 5 * MS);
    let mut never = timers.register(0, start + 5 * MS);
    assert!(poll(&mut far, Waker::noop()).is_pending());
    assert!(poll(&mut never, Waker::noop()).is_pending());
    // Three years: beyond the wheel's 2.18-year horizon.
    let years = Duration::from_secs(3 * 365 * 86_400);
    far.reset(start + years);
    never.reset(timers.deadline_after(start, Duration::MAX));
    assert_eq!(timers.process(start + 5 * MS), 0);
    assert_eq!(timers.next_deadline(), Some(start + years));
    assert_eq!(timers.process(start + years - Duration::from_nanos(1)), 0);
    assert_eq!(timers.process(start + years), 1);
    assert!(far.is_elapsed());
    assert!(!never.is_elapsed());
    assert_eq!(timers.next_deadline(), None, "never is nothing to wake for");
}

#[test]
fn a_lazy_reset_of_a_timer_the_driver_fired_rearms_it() {
    let (timers, start) = timers(1);
    let (waker, count) = CountingWaker::new();
    let mut sleep = timers.register(0, start + 5 * MS);
    assert!(poll(&mut sleep, &waker).is_pending());
    assert_eq!(timers.process(start + 5 * MS), 1);
    // Later than before, but fired: the lazy path fails and the lock path
    // starts a new epoch.
    sleep.reset(start + 7 * MS);
    assert!(!sleep.is_elapsed());
    assert!(poll(&mut sleep, &waker).is_pending());
    assert_eq!(timers.process(start + 7 * MS), 1);
    assert_eq!(count.get(), 2);
}

#[test]
fn a_cancelled_entry_is_reused_as_new() {
    let (timers, start) = timers(1);
    let (old, old_count) = CountingWaker::new();
    let (new, new_count) = CountingWaker::new();
    for round in 0..3 {
        let mut cancelled = timers.register(0, start + (15 + round) * MS);
        assert!(poll(&mut cancelled, &old).is_pending());
        cancelled.reset(start + (16 + round) * MS); // lazy, then cancelled: reused
        drop(cancelled);
        let mut sleep = timers.register(0, start + (10 + round) * MS);
        assert!(!sleep.is_elapsed(), "a reused entry starts pending");
        assert!(poll(&mut sleep, &new).is_pending());
        assert_eq!(timers.next_deadline(), Some(start + (10 + round) * MS));
        assert_eq!(timers.process(start + (10 + round) * MS), 1);
        assert_eq!(poll(&mut sleep, &new), Poll::Ready(Ok(())));
    }
    assert_eq!(
        old_count.get(),
        0,
        "the cancelled timers' waker is never woken"
    );
    assert_eq!(new_count.get(), 3);
}

#[test]
fn a_busy_thread_skips_a_shard_another_thread_holds_and_fires_it_later() {
    let (timers, start) = timers(2);
    let (waker, count) = CountingWaker::new();
    let mut own = timers.register(0, start + MS);
    let mut other = timers.register(1, start + MS);
    assert!(poll(&mut own, &waker).is_pending());
    assert!(poll(&mut other, &waker).is_pending());
    {
        // Another thread is filing into shard 1 (or firing it) right now.
        let _held = timers.shards[1].inner.lock();
        assert_eq!(timers.process_busy(0, start + MS), 1, "its own shard only");
        assert!(own.is_elapsed() && !other.is_elapsed());
    }
    assert_eq!(
        timers.next_deadline(),
        Some(start + MS),
        "the skipped timer is still due, so a parking thread does not sleep past it"
    );
    assert_eq!(
        timers.process_busy(0, start + MS),
        1,
        "the next pass fires it"
    );
    assert!(other.is_elapsed());
    assert_eq!(count.get(), 2);
}

#[test]
fn a_busy_thread_waits_for_its_own_shard() {
    let (timers, start) = timers(2);
    let (waker, _count) = CountingWaker::new();
    let mut own = timers.register(1, start + MS);
    assert!(poll(&mut own, &waker).is_pending());
    let timers = std::sync::Arc::new(timers);
    let held = timers.shards[1].inner.lock();
    let busy = {
        let timers = timers.clone();
        crate::loom::thread::spawn(move || timers.process_busy(1, start + MS))
    };
    std::thread::sleep(20 * MS);
    assert!(
        !busy.is_finished(),
        "it waits for the lock of its own shard"
    );
    drop(held);
    assert_eq!(busy.join().unwrap(), 1);
    assert!(own.is_elapsed());
}
