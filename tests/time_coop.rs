//! Every timer future takes part in the cooperative budget: an elapsed `Sleep`, due
//! `Interval` ticks and a `Timeout` around a ready future each spend a unit and yield
//! once the task's 128 units are spent, so a loop over them cannot starve its siblings;
//! a `Timeout` around a budget-hungry future still fires; the budget is whole again
//! after every yield. Each test runs on the current-thread runtime and on a one-worker
//! multi-thread runtime (where the spinning task and its sibling share the worker).

mod support;

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use runtime::time::{Instant, MissedTickBehavior};
use runtime::{interval, sleep, timeout, Runtime};

/// The cooperative budget: units per task tick.
const BUDGET: usize = 128;

/// Iterations a spinning loop may run before the sibling that stops it has run: a few
/// budgets. Without the budget the loop never yields (it hits `CAP` instead).
const FAIR: usize = 4 * BUDGET;

/// Where a loop that never yields gives up, so a regression fails instead of hanging.
const CAP: usize = 1_000_000;

/// The spinner's view of its sibling: `queued` once the sibling has been spawned, `set`
/// once it has run.
#[derive(Default)]
struct Race {
    queued: AtomicBool,
    set: AtomicBool,
}

/// Runs `step` until `race.set` (or [`CAP`] times); returns how many times it ran after
/// the sibling was queued (the thread that spawns it may be descheduled between the two
/// spawns on a loaded machine: the spinner's lone iterations before that do not count).
/// A loop that never saw the flag returns `CAP`.
macro_rules! count_until {
    ($race:expr, $step:block) => {{
        let (mut n, mut total) = (0, 0);
        while !$race.set.load(SeqCst) && total < CAP {
            $step;
            total += 1;
            if $race.queued.load(SeqCst) {
                n += 1;
            }
        }
        if total == CAP {
            CAP
        } else {
            n
        }
    }};
}

fn flavors() -> Vec<(&'static str, Runtime)> {
    vec![
        ("current_thread", support::rt()),
        ("multi_thread(1)", support::rt_multi(1)),
    ]
}

/// Spawns `spin(race)` and then a sibling that sets `race.set`, and returns how many
/// iterations the spinner ran between the sibling's spawn and its run.
fn spin_until_sibling_runs<F, Fut>(rt: &Runtime, spin: F) -> usize
where
    F: FnOnce(Arc<Race>) -> Fut,
    Fut: Future<Output = usize> + Send + 'static,
{
    rt.block_on(async {
        let race = Arc::new(Race::default());
        let spinner = runtime::spawn(spin(race.clone()));
        let setter = race.clone();
        let _sibling = runtime::spawn(async move { setter.set.store(true, SeqCst) });
        race.queued.store(true, SeqCst);
        spinner.await.expect("the spinner finishes")
    })
}

#[test]
fn a_zero_sleep_loop_lets_the_task_that_sets_the_flag_run() {
    for (name, rt) in flavors() {
        let n = spin_until_sibling_runs(&rt, |flag| async move {
            count_until!(flag, {
                sleep(Duration::ZERO).await;
            })
        });
        assert!(n <= FAIR, "{name}: {n} zero sleeps before the sibling ran");
    }
}

#[test]
fn asyncios_idiom_in_the_main_future_terminates() {
    // `while not flag: await asyncio.sleep(0)` in main, the setter spawned beside it.
    for (name, rt) in flavors() {
        let n = rt.block_on(async {
            let flag = Arc::new(Race::default());
            let setter = flag.clone();
            let _setter = runtime::spawn(async move { setter.set.store(true, SeqCst) });
            flag.queued.store(true, SeqCst);
            count_until!(flag, {
                sleep(Duration::ZERO).await;
            })
        });
        assert!(n < CAP, "{name}: the flag was never set");
    }
}

#[test]
fn an_elapsed_sleep_polled_again_spends_budget_too() {
    for (name, rt) in flavors() {
        let n = spin_until_sibling_runs(&rt, |flag| async move {
            let mut done = pin!(sleep(Duration::ZERO));
            (&mut done).await;
            count_until!(flag, {
                (&mut done).await; // complete: ready at once, every time
            })
        });
        assert!(
            n <= FAIR,
            "{name}: {n} polls of a done Sleep before the sibling ran"
        );
    }
}

#[test]
fn a_one_nanosecond_interval_does_not_starve_a_sibling() {
    for (name, rt) in flavors() {
        let n = spin_until_sibling_runs(&rt, |flag| async move {
            let mut ticks = interval(Duration::from_nanos(1));
            count_until!(flag, {
                ticks.tick().await;
            })
        });
        assert!(n <= FAIR, "{name}: {n} ticks before the sibling ran");
    }
}

#[test]
fn burst_ticks_after_a_stall_yield_between_budgets() {
    for (name, rt) in flavors() {
        let n = spin_until_sibling_runs(&rt, |flag| async move {
            let mut ticks = interval(Duration::from_millis(1));
            ticks.set_missed_tick_behavior(MissedTickBehavior::Burst);
            ticks.tick().await;
            // Stall the thread: about 300 ticks fall due at once.
            std::thread::sleep(Duration::from_millis(300));
            count_until!(flag, {
                ticks.tick().await;
            })
        });
        assert!(n <= FAIR, "{name}: {n} burst ticks before the sibling ran");
    }
}

#[test]
fn a_sibling_is_not_delayed_by_more_than_a_few_ms_by_a_spinning_interval() {
    for (name, rt) in flavors() {
        let late = rt.block_on(async {
            let stop = Arc::new(AtomicBool::new(false));
            let spin_stop = stop.clone();
            let spinner = runtime::spawn(async move {
                let mut ticks = interval(Duration::from_nanos(1));
                while !spin_stop.load(SeqCst) {
                    ticks.tick().await;
                }
            });
            let sibling = runtime::spawn(async move {
                let due = Instant::now() + Duration::from_millis(20);
                runtime::sleep_until(due).await;
                let late = Instant::now() - due;
                stop.store(true, SeqCst);
                late
            });
            let late = sibling.await.unwrap();
            spinner.await.unwrap();
            late
        });
        // Generous for a shared CI machine; without the budget the sibling never runs.
        assert!(
            late < Duration::from_millis(250),
            "{name}: sibling {late:?} late"
        );
    }
}

#[test]
fn a_timeout_around_a_ready_future_spends_budget() {
    for (name, rt) in flavors() {
        let n = spin_until_sibling_runs(&rt, |flag| async move {
            count_until!(flag, {
                timeout(Duration::from_secs(5), std::future::ready(()))
                    .await
                    .expect("a ready future is never timed out");
            })
        });
        assert!(n <= FAIR, "{name}: {n} timeouts before the sibling ran");
    }
}

#[test]
fn a_timeout_around_a_budget_hungry_future_still_fires() {
    for (name, rt) in flavors() {
        let (result, iterations) = rt.block_on(async {
            runtime::spawn(async {
                let mut n = 0usize;
                let hungry = async {
                    loop {
                        sleep(Duration::ZERO).await;
                        n += 1;
                        if n >= 50 * CAP {
                            break;
                        }
                    }
                };
                let result = timeout(Duration::from_millis(30), hungry).await;
                (result, n)
            })
            .await
            .unwrap()
        });
        assert!(
            result.is_err(),
            "{name}: the timeout never fired ({iterations} iterations ran to the cap)"
        );
    }
}

#[test]
fn the_budget_is_whole_again_after_every_yield() {
    for (name, rt) in flavors() {
        let runs = rt.block_on(async {
            runtime::spawn(async {
                let mut runs = Vec::new();
                let mut ready = 0;
                poll_fn(|cx| loop {
                    match pin!(sleep(Duration::ZERO)).poll(cx) {
                        Poll::Ready(()) => ready += 1,
                        Poll::Pending => {
                            runs.push(std::mem::take(&mut ready));
                            return if runs.len() == 3 {
                                Poll::Ready(())
                            } else {
                                Poll::Pending // woken by the exhausted poll
                            };
                        }
                    }
                })
                .await;
                runs
            })
            .await
            .unwrap()
        });
        assert_eq!(runs, vec![BUDGET; 3], "{name}: units per tick");
    }
}

#[test]
fn outside_a_runtime_task_the_budget_is_unconstrained() {
    // A JoinHandle polled by a foreign executor (here: a plain loop) is never throttled.
    let rt = support::rt_multi(1);
    let handle = rt.spawn(async { 7 });
    let mut handle = pin!(handle);
    let value = support::block_on_std(poll_fn(|cx| handle.as_mut().poll(cx)));
    assert_eq!(value.unwrap(), 7);
}
