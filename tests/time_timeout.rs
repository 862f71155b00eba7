//! `timeout` and `timeout_at` under paused time: `Ok` when the future wins, `Elapsed` at
//! exactly the deadline when it does not (the future dropped), the inner future polled
//! first, nesting, and `Elapsed` as an `io::Error`.

mod support;

use std::future::Future;
use std::io;
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use runtime::time::{Elapsed, Instant, Timeout};
use runtime::{sleep, timeout, timeout_at};
use support::DropCounter;

#[runtime::test(start_paused = true)]
async fn a_future_finishing_first_is_ok_and_the_clock_stops_there() {
    let start = Instant::now();
    let res = timeout(Duration::from_secs(10), async {
        sleep(Duration::from_secs(3)).await;
        7
    })
    .await;
    assert_eq!(res, Ok(7));
    assert_eq!(Instant::now() - start, Duration::from_secs(3));
    // The timeout's own timer is gone with it: nothing else is due.
    sleep(Duration::ZERO).await;
    assert_eq!(Instant::now() - start, Duration::from_secs(3));
}

#[runtime::test(start_paused = true)]
async fn a_slow_future_is_elapsed_exactly_at_the_deadline_and_dropped() {
    let start = Instant::now();
    let drops = DropCounter::new();
    let res = timeout(Duration::from_secs(5), drops.pending::<u8>()).await;
    assert!(res.is_err(), "{res:?}");
    assert_eq!(Instant::now() - start, Duration::from_secs(5));
    assert_eq!(drops.count(), 1, "the timed-out future was not dropped");
}

#[runtime::test(start_paused = true)]
async fn a_slow_sleep_loses_to_a_shorter_timeout() {
    let start = Instant::now();
    let res = timeout(Duration::from_secs(1), sleep(Duration::from_secs(2))).await;
    assert!(res.is_err());
    assert_eq!(Instant::now() - start, Duration::from_secs(1));
}

#[runtime::test(start_paused = true)]
async fn timeout_at_gives_up_at_the_instant() {
    let start = Instant::now();
    let deadline = start + Duration::from_millis(2500);
    let t = timeout_at(deadline, std::future::pending::<()>());
    assert_eq!(t.deadline(), deadline);
    assert!(t.await.is_err());
    assert_eq!(Instant::now(), deadline);

    let later = Instant::now() + Duration::from_secs(9);
    let res = timeout_at(later, async {
        sleep(Duration::from_secs(1)).await;
        "done"
    })
    .await;
    assert_eq!(res, Ok("done"));
    assert_eq!(Instant::now(), deadline + Duration::from_secs(1));
}

#[runtime::test(start_paused = true)]
async fn timeout_deadline_is_measured_from_creation() {
    let start = Instant::now();
    let t = timeout(Duration::from_secs(4), std::future::pending::<()>());
    assert_eq!(t.deadline(), start + Duration::from_secs(4));
    sleep(Duration::from_secs(1)).await;
    assert!(t.await.is_err());
    assert_eq!(Instant::now() - start, Duration::from_secs(4));
}

#[runtime::test(start_paused = true)]
async fn a_ready_future_wins_even_a_zero_timeout() {
    let start = Instant::now();
    assert_eq!(timeout(Duration::ZERO, async { 5 }).await, Ok(5));
    assert_eq!(
        timeout(Duration::ZERO, std::future::ready("r")).await,
        Ok("r")
    );
    assert_eq!(timeout_at(start, async { 6 }).await, Ok(6));
    assert_eq!(
        timeout_at(start - Duration::from_secs(1), async { 7 }).await,
        Ok(7)
    );
    // Not ready at first poll: a zero timeout elapses at once, without moving the clock.
    assert!(timeout(Duration::ZERO, std::future::pending::<()>())
        .await
        .is_err());
    assert!(timeout(Duration::ZERO, runtime::yield_now()).await.is_err());
    assert_eq!(Instant::now(), start);
}

#[runtime::test(start_paused = true)]
async fn the_inner_future_wins_a_tie_with_the_deadline() {
    let start = Instant::now();
    let res = timeout(Duration::from_secs(5), sleep(Duration::from_secs(5))).await;
    assert_eq!(res, Ok(()), "polled first, the inner future wins the tie");
    assert_eq!(Instant::now() - start, Duration::from_secs(5));
}

#[runtime::test(start_paused = true)]
async fn nested_timeouts_the_earliest_deadline_wins() {
    let start = Instant::now();
    // Outer shorter: the outer one elapses; the inner one is dropped unresolved.
    let res = timeout(
        Duration::from_secs(5),
        timeout(Duration::from_secs(10), std::future::pending::<()>()),
    )
    .await;
    assert!(res.is_err(), "outer should elapse: {res:?}");
    assert_eq!(Instant::now() - start, Duration::from_secs(5));

    // Inner shorter: the outer one is Ok with the inner Elapsed.
    let start = Instant::now();
    let res = timeout(
        Duration::from_secs(5),
        timeout(Duration::from_secs(2), std::future::pending::<()>()),
    )
    .await;
    assert!(matches!(res, Ok(Err(_))), "inner should elapse: {res:?}");
    assert_eq!(Instant::now() - start, Duration::from_secs(2));

    // Both in time.
    let res = timeout(
        Duration::from_secs(5),
        timeout(Duration::from_secs(2), sleep(Duration::from_secs(1))),
    )
    .await;
    assert_eq!(res, Ok(Ok(())));
    assert_eq!(Instant::now() - start, Duration::from_secs(3));
}

#[runtime::test(start_paused = true)]
async fn a_timeout_polled_before_its_deadline_stays_pending() {
    let start = Instant::now();
    let mut t = pin!(timeout(
        Duration::from_secs(3),
        std::future::pending::<()>()
    ));
    let first = std::future::poll_fn(|cx| Poll::Ready(t.as_mut().poll(cx))).await;
    assert!(first.is_pending());
    sleep(Duration::from_secs(2)).await;
    let second = std::future::poll_fn(|cx| Poll::Ready(t.as_mut().poll(cx))).await;
    assert!(second.is_pending());
    assert!(t.as_mut().await.is_err());
    assert_eq!(Instant::now() - start, Duration::from_secs(3));
}

#[runtime::test(start_paused = true)]
async fn timeouts_in_many_tasks_elapse_at_their_own_deadlines() {
    let start = Instant::now();
    let handles: Vec<_> = (1..=20u64)
        .map(|i| {
            runtime::spawn(async move {
                // Even tasks finish first (i s), odd ones time out (i s).
                let work = sleep(Duration::from_secs(if i % 2 == 0 { i } else { 3 * i }));
                let res = timeout(Duration::from_secs(i) + Duration::from_millis(500), work).await;
                (i, res.is_ok(), Instant::now() - start)
            })
        })
        .collect();
    for h in handles {
        let (i, ok, at) = h.await.unwrap();
        if i % 2 == 0 {
            assert!(ok, "task {i}");
            assert_eq!(at, Duration::from_secs(i));
        } else {
            assert!(!ok, "task {i}");
            assert_eq!(at, Duration::from_secs(i) + Duration::from_millis(500));
        }
    }
}

#[runtime::test(start_paused = true)]
async fn a_timed_out_task_join_handle_leaves_the_task_running() {
    let task = runtime::spawn(async {
        sleep(Duration::from_secs(10)).await;
        "late"
    });
    let mut task = pin!(task);
    assert!(timeout(Duration::from_secs(1), task.as_mut())
        .await
        .is_err());
    assert_eq!(task.await.unwrap(), "late");
}

#[runtime::test(start_paused = true)]
async fn accessors_reach_the_inner_future() {
    let mut t: Timeout<std::future::Ready<u8>> =
        timeout(Duration::from_secs(1), std::future::ready(3));
    assert_eq!(t.get_ref().clone().into_inner(), 3);
    let inner: &mut std::future::Ready<u8> = t.get_mut();
    assert_eq!(inner.clone().into_inner(), 3);
    assert_eq!(t.into_inner().await, 3);
}

#[test]
fn elapsed_displays_and_converts_into_an_io_timeout() {
    let rt = support::rt_paused();
    let elapsed: Elapsed = rt
        .block_on(timeout(
            Duration::from_millis(1),
            std::future::pending::<()>(),
        ))
        .unwrap_err();
    assert_eq!(elapsed.to_string(), "deadline has elapsed");
    let as_error: &dyn std::error::Error = &elapsed;
    assert!(as_error.source().is_none());
    let io: io::Error = elapsed.into();
    assert_eq!(io.kind(), io::ErrorKind::TimedOut);
    assert_eq!(io.to_string(), "deadline has elapsed");
    support::assert_send::<Elapsed>();
    support::assert_sync::<Elapsed>();
}

#[test]
fn elapsed_works_with_the_question_mark_in_io_code() {
    async fn read_reply() -> io::Result<u32> {
        let reply = std::future::pending::<u32>();
        Ok(timeout(Duration::from_secs(30), reply).await?)
    }
    async fn read_fast_reply() -> io::Result<u32> {
        Ok(timeout(Duration::from_secs(30), async { 4 }).await?)
    }
    let rt = support::rt_paused();
    let err = rt.block_on(read_reply()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    assert_eq!(rt.block_on(read_fast_reply()).unwrap(), 4);
}

#[test]
fn a_ready_future_needs_no_runtime_even_under_timeout() {
    // The deadline's sleep is never polled when the inner future is ready at once.
    let mut t = Box::pin(timeout(Duration::from_secs(1), std::future::ready(9)));
    let polled = support::poll_with(&mut t, std::task::Waker::noop());
    assert_eq!(polled, Poll::Ready(Ok(9)));
}
