//! Runtime counters.
use super::Handle;
use crate::loom::sync::atomic::Ordering::Relaxed;
use crate::scheduler;
use std::fmt;

/// A view of a runtime's counters; see [`Handle::metrics`].
///
/// ```
/// let rt = runtime::Builder::new_current_thread().build().unwrap();
/// rt.block_on(async { runtime::spawn(async {}).await.unwrap() });
/// let m = rt.handle().metrics();
/// assert_eq!(m.num_workers(), 1);
/// assert!(m.worker_poll_count(0) >= 1);
/// ```
#[derive(Clone)]
pub struct RuntimeMetrics {
    handle: Handle,
}

impl RuntimeMetrics {
    pub(crate) fn new(handle: Handle) -> RuntimeMetrics {
        RuntimeMetrics { handle }
    }

    /// Threads that run tasks (1 for the current-thread runtime).
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// assert_eq!(rt.handle().metrics().num_workers(), 2);
    /// let ct = runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(ct.handle().metrics().num_workers(), 1);
    /// ```
    pub fn num_workers(&self) -> usize {
        match &self.handle.inner {
            scheduler::Handle::CurrentThread(_) => 1,
            scheduler::Handle::MultiThread(h) => h.num_workers(),
        }
    }

    /// Tasks spawned and not yet finished.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let h = rt.spawn(std::future::pending::<()>());
    /// assert_eq!(rt.handle().metrics().num_alive_tasks(), 1);
    /// h.abort();
    /// assert!(rt.block_on(h).unwrap_err().is_cancelled());
    /// assert_eq!(rt.handle().metrics().num_alive_tasks(), 0);
    /// ```
    pub fn num_alive_tasks(&self) -> usize {
        self.handle.inner.num_alive_tasks()
    }

    /// Tasks waiting in the queue of remotely scheduled tasks.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let h = rt.spawn(async {}); // spawned from outside: queued remotely
    /// assert_eq!(rt.handle().metrics().injection_queue_depth(), 1);
    /// rt.block_on(h).unwrap();
    /// assert_eq!(rt.handle().metrics().injection_queue_depth(), 0);
    /// ```
    pub fn injection_queue_depth(&self) -> usize {
        match &self.handle.inner {
            scheduler::Handle::CurrentThread(h) => h.injection_queue_depth(),
            scheduler::Handle::MultiThread(h) => h.injection_queue_depth(),
        }
    }

    /// Threads of the blocking pool (`spawn_blocking`), running a job or idle.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.handle().metrics().num_blocking_threads(), 0); // started on demand
    /// rt.block_on(async { runtime::spawn_blocking(|| ()).await }).unwrap();
    /// assert_eq!(rt.handle().metrics().num_blocking_threads(), 1); // kept alive a while
    /// ```
    pub fn num_blocking_threads(&self) -> usize {
        self.handle.inner.blocking().num_threads()
    }

    /// Blocking-pool threads waiting for a job.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async { runtime::spawn_blocking(|| ()).await }).unwrap();
    /// let m = rt.handle().metrics();
    /// assert!(m.num_idle_blocking_threads() <= m.num_blocking_threads());
    /// ```
    pub fn num_idle_blocking_threads(&self) -> usize {
        self.handle.inner.blocking().idle_threads()
    }

    /// Blocking jobs queued and not yet started.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.handle().metrics().blocking_queue_depth(), 0);
    /// ```
    pub fn blocking_queue_depth(&self) -> usize {
        self.handle.inner.blocking().queue_depth()
    }

    /// Task polls by worker `worker` (published at least every `event_interval` polls
    /// and whenever the worker parks).
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async {
    ///     for _ in 0..3 {
    ///         runtime::spawn(async {}).await.unwrap();
    ///     }
    /// });
    /// assert_eq!(rt.handle().metrics().worker_poll_count(0), 3);
    /// ```
    #[track_caller]
    pub fn worker_poll_count(&self, worker: usize) -> u64 {
        self.check(worker);
        match &self.handle.inner {
            scheduler::Handle::CurrentThread(h) => h.metrics.polls.load(Relaxed),
            scheduler::Handle::MultiThread(h) => h.metrics[worker].polls.load(Relaxed),
        }
    }

    /// Times worker `worker` went to sleep for lack of work.
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// let m = rt.handle().metrics();
    /// rt.block_on(async { runtime::spawn(async {}).await.unwrap() });
    /// drop(rt); // the workers publish their final counters as they exit
    /// let parks: u64 = (0..m.num_workers()).map(|w| m.worker_park_count(w)).sum();
    /// println!("the workers went idle {parks} times");
    /// ```
    #[track_caller]
    pub fn worker_park_count(&self, worker: usize) -> u64 {
        self.check(worker);
        match &self.handle.inner {
            scheduler::Handle::CurrentThread(h) => h.metrics.parks.load(Relaxed),
            scheduler::Handle::MultiThread(h) => h.metrics[worker].parks.load(Relaxed),
        }
    }

    /// Tasks scheduled from outside the runtime's threads.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let h = rt.spawn(async {}); // from outside the runtime: remote
    /// rt.block_on(async { runtime::spawn(async {}).await.unwrap() }); // local
    /// rt.block_on(h).unwrap();
    /// assert_eq!(rt.handle().metrics().remote_schedule_count(), 1);
    /// ```
    pub fn remote_schedule_count(&self) -> u64 {
        match &self.handle.inner {
            scheduler::Handle::CurrentThread(h) => h.metrics.remote_schedules.load(Relaxed),
            scheduler::Handle::MultiThread(h) => h.remote_schedules.load(Relaxed),
        }
    }

    /// Steal operations by worker `worker` that took at least one task (always 0 on the
    /// current-thread runtime).
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// let m = rt.handle().metrics();
    /// rt.block_on(async {
    ///     let tasks: Vec<_> = (0..64).map(|i| runtime::spawn(async move { i })).collect();
    ///     for t in tasks { t.await.unwrap(); }
    /// });
    /// drop(rt); // the workers publish their final counters as they exit
    /// // Each successful steal takes at least one task.
    /// assert!(m.worker_steal_count(0) >= m.worker_steal_operations(0));
    /// ```
    #[track_caller]
    pub fn worker_steal_operations(&self, worker: usize) -> u64 {
        self.mt(worker, |m| m.steal_ops.load(Relaxed))
    }

    /// Tasks worker `worker` stole from other workers (always 0 on the current-thread
    /// runtime).
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// let m = rt.handle().metrics();
    /// rt.block_on(async {
    ///     let tasks: Vec<_> = (0..64).map(|i| runtime::spawn(async move { i })).collect();
    ///     for t in tasks { t.await.unwrap(); }
    /// });
    /// drop(rt); // the workers publish their final counters as they exit
    /// let stolen: u64 = (0..m.num_workers()).map(|w| m.worker_steal_count(w)).sum();
    /// println!("{stolen} tasks changed workers");
    /// ```
    #[track_caller]
    pub fn worker_steal_count(&self, worker: usize) -> u64 {
        self.mt(worker, |m| m.steal_tasks.load(Relaxed))
    }

    /// Times worker `worker` was woken by another thread to look for work (always 0 on the
    /// current-thread runtime).
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// let m = rt.handle().metrics();
    /// rt.block_on(async {
    ///     let tasks: Vec<_> = (0..64).map(|i| runtime::spawn(async move { i })).collect();
    ///     for t in tasks { t.await.unwrap(); }
    /// });
    /// drop(rt); // the workers publish their final counters as they exit
    /// let unparks: u64 = (0..m.num_workers()).map(|w| m.worker_unpark_count(w)).sum();
    /// println!("workers were woken {unparks} times");
    /// ```
    #[track_caller]
    pub fn worker_unpark_count(&self, worker: usize) -> u64 {
        self.mt(worker, |m| m.unparks.load(Relaxed))
    }

    /// Polls of tasks taken from worker `worker`'s LIFO slot (always 0 on the
    /// current-thread runtime).
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// let m = rt.handle().metrics();
    /// rt.block_on(async {
    ///     let tasks: Vec<_> = (0..64).map(|i| runtime::spawn(async move { i })).collect();
    ///     for t in tasks { t.await.unwrap(); }
    /// });
    /// drop(rt); // the workers publish their final counters as they exit
    /// for w in 0..m.num_workers() {
    ///     assert!(m.worker_lifo_hits(w) <= m.worker_poll_count(w));
    /// }
    /// ```
    #[track_caller]
    pub fn worker_lifo_hits(&self, worker: usize) -> u64 {
        self.mt(worker, |m| m.lifo_hits.load(Relaxed))
    }

    /// Tasks in worker `worker`'s local queue (as last published; always 0 on the
    /// current-thread runtime).
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// let m = rt.handle().metrics();
    /// for w in 0..m.num_workers() {
    ///     println!("worker {w}: {} queued", m.worker_local_queue_depth(w));
    /// }
    /// ```
    #[track_caller]
    pub fn worker_local_queue_depth(&self, worker: usize) -> usize {
        self.mt(worker, |m| m.queue_depth.load(Relaxed)) as usize
    }

    /// Time worker `worker` spent awake (between parks), as last published (always zero
    /// on the current-thread runtime).
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// let m = rt.handle().metrics();
    /// rt.block_on(async {
    ///     let tasks: Vec<_> = (0..64).map(|i| runtime::spawn(async move { i })).collect();
    ///     for t in tasks { t.await.unwrap(); }
    /// });
    /// drop(rt); // the workers publish their final counters as they exit
    /// let busy: std::time::Duration =
    ///     (0..m.num_workers()).map(|w| m.worker_total_busy_duration(w)).sum();
    /// println!("workers were busy for {busy:?}");
    /// ```
    #[track_caller]
    pub fn worker_total_busy_duration(&self, worker: usize) -> std::time::Duration {
        std::time::Duration::from_nanos(self.mt(worker, |m| m.busy_ns.load(Relaxed)))
    }

    /// Times the monitor thread woke up. A multi-thread runtime with two or more workers
    /// runs a monitor that, while any worker is awake, checks every 10 ms for a worker
    /// stuck inside one poll with tasks queued behind it (and fires overdue timers).
    /// Once every worker has slept through a whole check interval it sleeps too, until a
    /// worker wakes, so an idle runtime makes no wakeups. Always 0 on the current-thread
    /// runtime and with one worker, which have no monitor.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// let m = rt.handle().metrics();
    /// std::thread::sleep(Duration::from_millis(100)); // idle: the monitor goes to sleep
    /// let before = m.monitor_wakeups();
    /// std::thread::sleep(Duration::from_millis(100));
    /// println!("{} wakeups while idle", m.monitor_wakeups() - before); // usually 0
    ///
    /// let ct = runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(ct.handle().metrics().monitor_wakeups(), 0);
    /// ```
    pub fn monitor_wakeups(&self) -> u64 {
        match &self.handle.inner {
            scheduler::Handle::CurrentThread(_) => 0,
            scheduler::Handle::MultiThread(h) => h.monitor.wakeups(),
        }
    }

    #[track_caller]
    fn mt(
        &self,
        worker: usize,
        f: impl FnOnce(&scheduler::multi_thread::WorkerMetrics) -> u64,
    ) -> u64 {
        self.check(worker);
        match &self.handle.inner {
            scheduler::Handle::CurrentThread(_) => 0,
            scheduler::Handle::MultiThread(h) => f(&h.metrics[worker]),
        }
    }

    #[track_caller]
    fn check(&self, worker: usize) {
        assert!(
            worker < self.num_workers(),
            "worker index {worker} out of range: this runtime has {} workers",
            self.num_workers()
        );
    }
}

impl fmt::Debug for RuntimeMetrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuntimeMetrics")
            .field("num_workers", &self.num_workers())
            .field("num_alive_tasks", &self.num_alive_tasks())
            .field("injection_queue_depth", &self.injection_queue_depth())
            .finish()
    }
}
