//! Loom models of the pool protocol (rules in `src/worker.rs`).
//!
//! Run with
//! `RUSTFLAGS="--cfg runtime_loom -C debug-assertions" LOOM_MAX_PREEMPTIONS=2
//! cargo test --release -p runtime-blocking --lib loom_`.
//!
//! Loom has no clock (see `crate::loom`): a `Duration::ZERO` keep-alive makes every
//! idle wait time out at once, which puts the keep-alive expiry at every point of
//! the interleaving; a long keep-alive makes waits end only by notification, so a
//! lost wakeup shows up as a loom deadlock. Each model waits for its jobs on a
//! condvar ([`Probe::wait_resolved`]), so a stranded job is a deadlock too.

use super::support::Probe;
use crate::loom::model;
use crate::loom::sync::Arc;
use crate::loom::thread;
use crate::Builder;
use std::time::Duration;

/// Long enough never to expire; under loom it means "wait for a notification".
const LONG: Duration = Duration::from_secs(3600);

/// After a full shutdown nothing is left: no thread, no slot, no idle claim.
fn assert_quiet(pool: &crate::ThreadPool) {
    assert_eq!(pool.num_threads(), 0, "every thread exited");
    assert_eq!(pool.idle_threads(), 0, "idle <= threads waiting (rule 3)");
    assert_eq!(pool.shared().slots(), 0, "every slot given back");
    assert_eq!(pool.queue_depth(), 0, "queue drained");
}

/// Rule 1 and 5: a submit racing shutdown is either refused (the job comes back
/// and the caller drops it) or queued and then run or dropped, exactly once.
#[test]
fn loom_submit_races_shutdown() {
    model(|| {
        let pool = Arc::new(
            Builder::new()
                .max_threads(1)
                .keep_alive(LONG)
                .build()
                .unwrap(),
        );
        let probe = Probe::new();

        let submitter = {
            let (pool, probe) = (pool.clone(), probe.clone());
            thread::spawn(move || pool.execute(probe.job()).is_ok())
        };
        let report = pool.shutdown_timeout(LONG);
        let accepted = submitter.join().unwrap();

        assert!(!report.timed_out());
        assert_eq!(report.running(), 0);
        let tally = probe.tally();
        assert_eq!(
            tally.resolved(),
            1,
            "run or dropped, exactly once: {tally:?}"
        );
        if !accepted {
            assert_eq!(tally.drops, 1, "a refused job is handed back unrun");
        }
        assert_eq!(report.cancelled() + tally.runs, usize::from(accepted));
        assert_quiet(&pool);
    });
}

/// Rule 4: with one slot and a zero keep-alive, the second job races the only
/// thread's retirement at every step; it must still run.
#[test]
fn loom_job_submitted_as_keep_alive_expires_still_runs() {
    model(|| {
        let pool = Builder::new()
            .max_threads(1)
            .keep_alive(Duration::ZERO)
            .build()
            .unwrap();
        let probe = Probe::new();

        pool.execute(probe.job()).unwrap();
        pool.execute(probe.job()).unwrap();
        let tally = probe.wait_resolved(2);
        assert_eq!(tally.runs, 2, "no job stranded or cancelled: {tally:?}");

        let report = pool.shutdown_timeout(LONG);
        assert!(!report.timed_out());
        assert_eq!(report.cancelled(), 0);
        assert!(pool.spawned_threads() <= 2);
        assert_quiet(&pool);
    });
}

/// Rule 3 on the notification path: a thread that is idle when a job arrives is
/// claimed and woken (no second thread), and a thread that is not yet idle is
/// never counted on (the job still runs). A lost wakeup would deadlock.
#[test]
fn loom_idle_thread_is_claimed_instead_of_spawning() {
    model(|| {
        let pool = Builder::new()
            .max_threads(2)
            .keep_alive(LONG)
            .build()
            .unwrap();
        let probe = Probe::new();

        pool.execute(probe.job()).unwrap();
        probe.wait_resolved(1);
        // Nothing else is queued, so a thread registered as idle stays so until
        // the next push.
        let was_idle = pool.idle_threads() == 1;
        pool.execute(probe.job()).unwrap();
        assert_eq!(probe.wait_resolved(2).runs, 2);
        if was_idle {
            assert_eq!(pool.spawned_threads(), 1, "the idle thread took the job");
        }

        let report = pool.shutdown_timeout(LONG);
        assert!(!report.timed_out());
        assert_quiet(&pool);
    });
}

/// Rule 3 on the fast path: the woken thread may take the job, run it and ask
/// for the next one before the job's submitter has done its decrement. That
/// decrement must pay for the job, not cancel the new registration: once the
/// submit returned and the job ran, the thread counts as idle again, and the next
/// job goes to it instead of a new thread. (A claim that could only succeed while
/// the count was positive cancelled the new registration here, and the thread
/// waited uncounted for the whole keep-alive: the wait loop below never ends.)
#[test]
fn loom_idle_count_recovers_when_the_thread_outruns_the_submitter() {
    model(|| {
        let pool = Builder::new()
            .max_threads(2)
            .keep_alive(LONG)
            .build()
            .unwrap();
        let probe = Probe::new();

        for round in 1..=2 {
            pool.execute(probe.job()).unwrap();
            assert_eq!(probe.wait_resolved(round).runs, round);
            // Nothing is queued and no submit is in progress: the only thread
            // comes back and counts as idle, whichever way the race went.
            while pool.idle_threads() != 1 {
                thread::yield_now();
            }
        }
        assert_eq!(pool.spawned_threads(), 1, "the idle thread took every job");
        assert_eq!(pool.shared().slots(), 1);

        let report = pool.shutdown_timeout(LONG);
        assert!(!report.timed_out());
        assert_quiet(&pool);
    });
}

/// Rule 3 under contention: two submitters, one idle core thread. At most one
/// claims it; the other starts a thread; both jobs run.
#[test]
fn loom_two_submitters_share_one_idle_thread() {
    model(|| {
        let pool = Arc::new(
            Builder::new()
                .min_threads(1)
                .max_threads(2)
                .keep_alive(LONG)
                .build()
                .unwrap(),
        );
        let probe = Probe::new();

        let other = {
            let (pool, probe) = (pool.clone(), probe.clone());
            thread::spawn(move || pool.execute(probe.job()).unwrap())
        };
        pool.execute(probe.job()).unwrap();
        other.join().unwrap();
        assert_eq!(probe.wait_resolved(2).runs, 2);
        assert!(
            pool.spawned_threads() <= 2,
            "one core thread, at most one more"
        );

        let report = pool.shutdown_timeout(LONG);
        assert!(!report.timed_out());
        assert_quiet(&pool);
    });
}

/// Dropping the pool while a job is queued or running never blocks, and the job
/// is still run or dropped exactly once, on a pool thread or by the drop.
#[test]
fn loom_drop_while_job_in_flight() {
    model(|| {
        let pool = Builder::new()
            .max_threads(1)
            .keep_alive(Duration::ZERO)
            .build()
            .unwrap();
        let probe = Probe::new();

        pool.execute(probe.job()).unwrap();
        drop(pool);
        assert_eq!(probe.wait_resolved(1).resolved(), 1);
    });
}
