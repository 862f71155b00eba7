//! The monitor thread (Go's sysmon, in small), and how it sleeps while the runtime idles.
//!
//! A worker that blocks inside a poll keeps the tasks in its LIFO slot and deque, and
//! when nobody is searching no sleeper would come for them; a worker also defers waking
//! the driver's owner for the timers it registers until it parks
//! (`park::DriverWake::timer_registered`). So with two or more workers a monitor checks,
//! every [`MONITOR_INTERVAL`], whether a worker has been inside the same poll since the
//! last check with work queued behind it (then it wakes a sleeper to steal it), and has
//! the timers that are overdue fired (`Handle::overdue_timers`).
//!
//! # Sleeping while the runtime idles
//!
//! With every worker parked no poll can be stuck and the driver's owner sleeps toward the
//! next timer, so the monitor has nothing to watch. Once a whole interval has passed with
//! no poll and every worker parked, it sleeps without a timeout
//! ([`Monitor::sleep_while_idle`]) until a worker leaves the sleepers list
//! ([`Monitor::worker_unparked`], called with what the idle word's transition
//! returned). Waiting a quiet interval first keeps a runtime that idles only briefly
//! between bursts (a timer every millisecond) from paying a futex wake of the monitor on
//! its idle-to-busy path each time.
//!
//! The handshake is Dekker's: the monitor stores `sleeping`, then (SeqCst fence) reads
//! the idle word's count of unparked workers; a worker increments that count (a SeqCst
//! RMW it does anyway in `Idle`), then (SeqCst fence) reads `sleeping`. One of them sees
//! the other, so the monitor never sleeps through a worker that became busy
//! (`loom_monitor_*` models). Only the increment that finds the count at zero needs the
//! check: the monitor sleeps only after reading zero, and the first increment after that
//! reading is the one that moves the count off zero. So a busy runtime (some worker
//! already up) pays nothing, and an idle-to-busy transition pays one fence and one load,
//! plus the wake itself only when the monitor actually sleeps.
use super::idle::Unparked;
use super::Handle;
use crate::loom::sync::atomic::{fence, AtomicBool, AtomicU64, Ordering::*};
use crate::loom::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// How often the monitor looks for a worker stuck in one poll with work queued behind it.
pub(super) const MONITOR_INTERVAL: Duration = Duration::from_millis(10);

/// The monitor's sleep and wake-up state.
pub(crate) struct Monitor {
    /// Set while the monitor sleeps without a timeout (or is deciding to); a worker that
    /// becomes busy clears it and wakes the monitor.
    sleeping: AtomicBool,
    flags: Mutex<Flags>,
    cv: Condvar,
    /// Times the monitor's thread woke up (timed out or was woken).
    wakeups: AtomicU64,
    /// Raised by the monitor when timers are overdue; the first busy worker to see it
    /// (at its next tick) lowers it and fires them (`Handle::overdue_timers`).
    timers_due: AtomicBool,
}

/// What the monitor's waits are told, under its lock.
#[derive(Default)]
struct Flags {
    /// The runtime shuts down: the monitor exits.
    stop: bool,
    /// A worker became busy while the monitor slept.
    woken: bool,
}

impl Monitor {
    pub(crate) fn new() -> Monitor {
        Monitor {
            sleeping: AtomicBool::new(false),
            flags: Mutex::new(Flags::default()),
            cv: Condvar::new(),
            wakeups: AtomicU64::new(0),
            timers_due: AtomicBool::new(false),
        }
    }

    /// Sleeps without a timeout while `all_parked()` holds (it must read the idle
    /// word's unparked count, SeqCst), until [`worker_unparked`](Self::worker_unparked)
    /// or [`stop`](Self::stop). Returns at once when a worker is up. Returns `false`
    /// once the monitor must exit.
    pub(crate) fn sleep_while_idle(&self, all_parked: impl Fn() -> bool) -> bool {
        let mut flags = self.flags.lock();
        if flags.stop {
            return false;
        }
        // Dekker with `worker_unparked` (module docs): announce, then re-check.
        self.sleeping.store(true, SeqCst);
        fence(SeqCst);
        if all_parked() {
            while !flags.woken && !flags.stop {
                self.cv.wait(&mut flags);
            }
            self.wakeups.fetch_add(1, Relaxed);
        }
        self.sleeping.store(false, SeqCst);
        flags.woken = false;
        !flags.stop
    }

    /// Waits `interval` (or until [`stop`](Self::stop)). Returns `false` once the
    /// monitor must exit.
    pub(crate) fn wait_interval(&self, interval: Duration) -> bool {
        let mut flags = self.flags.lock();
        if !flags.stop {
            self.cv.wait_timeout(&mut flags, interval);
            self.wakeups.fetch_add(1, Relaxed);
        }
        // A wake meant for an untimed sleep that was given up (a worker came up
        // meanwhile) may end this wait early: one extra check, nothing lost.
        flags.woken = false;
        !flags.stop
    }

    /// A worker left the sleepers list (`Idle::worker_to_notify` or
    /// `Idle::unpark_worker_by_id`): if it is the first after every worker was parked,
    /// wakes the monitor when it sleeps. Nothing more than a branch otherwise.
    #[inline]
    pub(crate) fn worker_unparked(&self, unparked: Unparked) {
        if unparked.first {
            self.wake_if_sleeping();
        }
    }

    fn wake_if_sleeping(&self) {
        // The idle word's RMW that moved the unparked count off zero came just before;
        // this fence pairs with the one in `sleep_while_idle` (module docs).
        fence(SeqCst);
        if self.sleeping.load(SeqCst) && self.sleeping.swap(false, SeqCst) {
            self.flags.lock().woken = true;
            self.cv.notify_one();
        }
    }

    /// Whether the monitor found timers overdue since the last call that returned
    /// `true` (a worker then fires them). One relaxed load while they are not.
    #[inline]
    pub(crate) fn take_timers_due(&self) -> bool {
        self.timers_due.load(Relaxed) && self.timers_due.swap(false, Relaxed)
    }

    /// Tells the monitor to exit (shutdown).
    pub(crate) fn stop(&self) {
        self.flags.lock().stop = true;
        self.cv.notify_one();
    }

    /// Times the monitor's thread woke up.
    pub(crate) fn wakeups(&self) -> u64 {
        self.wakeups.load(Relaxed)
    }
}

/// The monitor thread's body (see the module docs).
pub(super) fn monitor_main(handle: Arc<Handle>) {
    let n = handle.remotes.len();
    let mut last = vec![0u64; n];
    let monitor = &handle.monitor;
    // No poll began or ended on any worker during the last interval.
    let mut quiet = false;
    loop {
        if quiet && !monitor.sleep_while_idle(|| handle.idle.num_unparked() == 0) {
            return;
        }
        if !monitor.wait_interval(MONITOR_INTERVAL) {
            return;
        }
        quiet = true;
        let mut all_stuck = true;
        for (i, seen) in last.iter_mut().enumerate() {
            let seq = handle.metrics[i].poll_seq.load(Relaxed);
            let stuck = seq % 2 == 1 && seq == *seen;
            quiet &= seq == *seen;
            all_stuck &= stuck;
            *seen = seq;
            if stuck && handle.has_stealable_work(i) {
                handle.notify_parked();
            }
        }
        handle.overdue_timers(all_stuck);
    }
}

impl Handle {
    /// The monitor's look at the timers (a few atomic loads and a clock read), after
    /// its look at the workers: `all_stuck` when each of them has been inside one and
    /// the same poll since the last check.
    ///
    /// A timer can be overdue with nobody firing it: its worker registered it and then
    /// blocked in a poll before it parked (its wake of the driver's owner deferred
    /// until then), or the workers run polls so long that `event_interval` of them
    /// take longer than a timer may be late. So the monitor raises `timers_due`, which
    /// a busy worker reads at every tick (it fires the timers at its next one), and
    /// wakes a sleeper, which fires them as it leaves its park. Either way the woken
    /// tasks go first in line on that worker.
    ///
    /// The monitor itself fires only the timers of the shard of threads outside the
    /// runtime (a `block_on` future's), and only when every worker is stuck in a poll.
    /// The worker shards' timers wake tasks, which could not run before a worker comes
    /// back anyway, and which the monitor could only queue at the back of the injector,
    /// behind everything there: firing them from here every interval held the tasks
    /// due at each check behind a whole flood of spawns (`timers_many`'s p99
    /// lateness), and a worker the OS merely preempted in a poll looks stuck too.
    fn overdue_timers(&self, all_stuck: bool) {
        let time = &self.time;
        let Some(deadline) = time.next_deadline() else {
            return;
        };
        let now = time.now();
        if deadline > now {
            return;
        }
        self.monitor.timers_due.store(true, Relaxed);
        if all_stuck {
            // The shard after the workers' (`TimeHandle::enter`).
            time.timers().process_shard(self.remotes.len(), now);
        } else {
            self.notify_parked();
        }
    }
}
