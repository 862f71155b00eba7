//! `Builder`: configures and builds a [`Runtime`].
use super::{Handle, Runtime};
use crate::error;
use crate::scheduler::{self, current_thread, multi_thread, Config, ThreadHook};
use std::fmt;
use std::io;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    CurrentThread,
    MultiThread,
}

/// Builds a runtime with custom settings.
///
/// ```
/// let rt = runtime::Builder::new_current_thread()
///     .thread_name("my-service")
///     .build()
///     .unwrap();
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// ```
pub struct Builder {
    kind: Kind,
    worker_threads: Option<usize>,
    thread_name: Arc<dyn Fn() -> String + Send + Sync + 'static>,
    on_thread_start: Option<ThreadHook>,
    on_thread_stop: Option<ThreadHook>,
    global_queue_interval: u32,
    event_interval: u32,
    max_io_events_per_tick: usize,
    start_paused: bool,
    max_blocking_threads: usize,
    thread_keep_alive: std::time::Duration,
}

impl Builder {
    fn new(kind: Kind) -> Builder {
        Builder {
            kind,
            worker_threads: None,
            thread_name: Arc::new(|| "runtime-worker".to_string()),
            on_thread_start: None,
            on_thread_stop: None,
            global_queue_interval: 61,
            event_interval: 61,
            max_io_events_per_tick: crate::io::driver::EVENTS_PER_TICK,
            start_paused: false,
            max_blocking_threads: runtime_blocking::DEFAULT_MAX_THREADS,
            thread_keep_alive: runtime_blocking::DEFAULT_KEEP_ALIVE,
        }
    }

    /// A runtime that runs every task on the thread that calls `block_on` (one asyncio
    /// event loop).
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let h = rt.spawn(async { std::thread::current().id() });
    /// assert_eq!(rt.block_on(h).unwrap(), std::thread::current().id());
    /// ```
    pub fn new_current_thread() -> Builder {
        Builder::new(Kind::CurrentThread)
    }

    /// A runtime with a pool of worker threads that steal work from each other (the
    /// default flavor).
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// let h = rt.spawn(async { std::thread::current().id() });
    /// // Tasks run on the workers, not on the thread blocked in `block_on`.
    /// assert_ne!(rt.block_on(h).unwrap(), std::thread::current().id());
    /// ```
    pub fn new_multi_thread() -> Builder {
        Builder::new(Kind::MultiThread)
    }

    /// Number of worker threads (multi-thread flavor; default: one per CPU; ignored by the
    /// current-thread flavor). `0` makes [`build`](Builder::build) fail with
    /// `InvalidInput`.
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// assert_eq!(rt.handle().metrics().num_workers(), 2);
    /// let err = runtime::Builder::new_multi_thread().worker_threads(0).build().unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    /// ```
    pub fn worker_threads(&mut self, n: usize) -> &mut Self {
        self.worker_threads = Some(n);
        self
    }

    /// The name of the threads the runtime starts.
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread()
    ///     .worker_threads(2)
    ///     .thread_name("svc-worker")
    ///     .build()
    ///     .unwrap();
    /// let h = rt.spawn(async { std::thread::current().name().map(String::from) });
    /// assert_eq!(rt.block_on(h).unwrap().as_deref(), Some("svc-worker"));
    /// ```
    pub fn thread_name(&mut self, name: impl Into<String>) -> &mut Self {
        let name: String = name.into();
        self.thread_name = Arc::new(move || name.clone());
        self
    }

    /// A function that names each thread the runtime starts.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// let next = AtomicUsize::new(0);
    /// let rt = runtime::Builder::new_multi_thread()
    ///     .worker_threads(2)
    ///     .thread_name_fn(move || format!("svc-{}", next.fetch_add(1, Ordering::Relaxed)))
    ///     .build()
    ///     .unwrap();
    /// let h = rt.spawn(async { std::thread::current().name().unwrap().to_string() });
    /// assert!(rt.block_on(h).unwrap().starts_with("svc-"));
    /// ```
    pub fn thread_name_fn<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() -> String + Send + Sync + 'static,
    {
        self.thread_name = Arc::new(f);
        self
    }

    /// Runs `f` on each thread the runtime starts, before it runs anything else.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    /// static STARTED: AtomicUsize = AtomicUsize::new(0);
    /// let rt = runtime::Builder::new_multi_thread()
    ///     .worker_threads(2)
    ///     .on_thread_start(|| { STARTED.fetch_add(1, SeqCst); })
    ///     .build()
    ///     .unwrap();
    /// drop(rt); // waits for the workers to exit
    /// assert_eq!(STARTED.load(SeqCst), 2);
    /// ```
    pub fn on_thread_start<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.on_thread_start = Some(Arc::new(f));
        self
    }

    /// Runs `f` on each thread the runtime started, just before it exits.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    /// static STOPPED: AtomicUsize = AtomicUsize::new(0);
    /// let rt = runtime::Builder::new_multi_thread()
    ///     .worker_threads(2)
    ///     .on_thread_stop(|| { STOPPED.fetch_add(1, SeqCst); })
    ///     .build()
    ///     .unwrap();
    /// drop(rt); // waits for the workers to exit
    /// assert_eq!(STOPPED.load(SeqCst), 2);
    /// ```
    pub fn on_thread_stop<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.on_thread_stop = Some(Arc::new(f));
        self
    }

    /// How many task polls between two checks of the queue of remotely scheduled tasks
    /// (default 61). `0` makes [`build`](Builder::build) fail.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread()
    ///     .global_queue_interval(31)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.block_on(async { 7 }), 7);
    /// let err = runtime::Builder::new_current_thread().global_queue_interval(0).build();
    /// assert_eq!(err.unwrap_err().kind(), std::io::ErrorKind::InvalidInput);
    /// ```
    pub fn global_queue_interval(&mut self, n: u32) -> &mut Self {
        self.global_queue_interval = n;
        self
    }

    /// How many task polls between two non-blocking polls of the driver (default 61).
    /// `0` makes [`build`](Builder::build) fail.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread()
    ///     .event_interval(31)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.block_on(async { 7 }), 7);
    /// let err = runtime::Builder::new_current_thread().event_interval(0).build();
    /// assert_eq!(err.unwrap_err().kind(), std::io::ErrorKind::InvalidInput);
    /// ```
    pub fn event_interval(&mut self, n: u32) -> &mut Self {
        self.event_interval = n;
        self
    }

    /// How many I/O events the driver hands out per turn (default 1,024). More ready
    /// sockets than that wait for the next turn (the OS keeps them), so one turn never
    /// holds a worker for long. `0` makes [`build`](Builder::build) fail.
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread()
    ///     .max_io_events_per_tick(256)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.block_on(async { 7 }), 7);
    /// let err = runtime::Builder::new_current_thread()
    ///     .max_io_events_per_tick(0)
    ///     .build();
    /// assert_eq!(err.unwrap_err().kind(), std::io::ErrorKind::InvalidInput);
    /// ```
    pub fn max_io_events_per_tick(&mut self, n: usize) -> &mut Self {
        self.max_io_events_per_tick = n;
        self
    }

    /// Starts the runtime with its clock paused, for tests: `runtime::time::Instant`
    /// stands still, and whenever no task can run the clock jumps to the next timer's
    /// deadline, so an hour-long timeout elapses at once and deterministically.
    ///
    /// Current-thread only: on the multi-thread runtime `build()` returns an
    /// `Unsupported` error, because with several workers "nothing can run" cannot be
    /// known exactly.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let rt = runtime::Builder::new_current_thread().start_paused(true).build().unwrap();
    /// rt.block_on(async {
    ///     let start = runtime::time::Instant::now();
    ///     runtime::sleep(Duration::from_secs(3600)).await; // returns at once
    ///     assert_eq!(start.elapsed(), Duration::from_secs(3600));
    /// });
    ///
    /// let err = runtime::Builder::new_multi_thread().start_paused(true).build().unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::Unsupported);
    /// ```
    pub fn start_paused(&mut self, paused: bool) -> &mut Self {
        self.start_paused = paused;
        self
    }

    /// The most threads the blocking pool (`spawn_blocking`) runs at once; jobs beyond
    /// them wait in its queue. 512 by default; 0 makes `build()` fail with
    /// `InvalidInput`.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().max_blocking_threads(2).build().unwrap();
    /// let n = rt.block_on(async { runtime::spawn_blocking(|| 1 + 1).await.unwrap() });
    /// assert_eq!(n, 2);
    /// let err = runtime::Builder::new_current_thread().max_blocking_threads(0).build();
    /// assert_eq!(err.unwrap_err().kind(), std::io::ErrorKind::InvalidInput);
    /// ```
    pub fn max_blocking_threads(&mut self, n: usize) -> &mut Self {
        self.max_blocking_threads = n;
        self
    }

    /// How long an idle blocking-pool thread waits for a job before it exits (10 s by
    /// default).
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let rt = runtime::Builder::new_multi_thread()
    ///     .thread_keep_alive(Duration::from_millis(100))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn thread_keep_alive(&mut self, keep_alive: std::time::Duration) -> &mut Self {
        self.thread_keep_alive = keep_alive;
        self
    }

    /// Builds the runtime.
    ///
    /// # Errors
    /// `InvalidInput` for `worker_threads(0)` or a zero interval; `Unsupported` for a
    /// flavor or feature this version does not have.
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// assert_eq!(rt.block_on(rt.spawn(async { 2 + 2 })).unwrap(), 4);
    /// let err = runtime::Builder::new_multi_thread().worker_threads(0).build();
    /// assert_eq!(err.unwrap_err().kind(), std::io::ErrorKind::InvalidInput);
    /// ```
    pub fn build(&mut self) -> io::Result<Runtime> {
        if self.worker_threads == Some(0) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                error::ZERO_WORKERS,
            ));
        }
        if self.global_queue_interval == 0
            || self.event_interval == 0
            || self.max_io_events_per_tick == 0
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                error::ZERO_INTERVAL,
            ));
        }
        if self.max_blocking_threads == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                error::ZERO_BLOCKING_THREADS,
            ));
        }
        if self.start_paused && self.kind == Kind::MultiThread {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                error::PAUSED_MULTI_THREAD,
            ));
        }
        let config = Config {
            global_queue_interval: self.global_queue_interval,
            event_interval: self.event_interval,
            max_io_events_per_tick: self.max_io_events_per_tick,
            thread_name: self.thread_name.clone(),
            on_thread_start: self.on_thread_start.clone(),
            on_thread_stop: self.on_thread_stop.clone(),
            start_paused: self.start_paused,
        };
        let blocking =
            scheduler::blocking_pool(&config, self.max_blocking_threads, self.thread_keep_alive)?;
        match self.kind {
            Kind::CurrentThread => {
                let handle = current_thread::Handle::new(config, blocking)?;
                Ok(Runtime::from_handle(Handle {
                    inner: scheduler::Handle::CurrentThread(handle),
                }))
            }
            Kind::MultiThread => {
                let workers = self.worker_threads.unwrap_or_else(default_workers);
                let handle = multi_thread::Handle::start(workers, config, blocking)?;
                Ok(Runtime::from_handle(Handle {
                    inner: scheduler::Handle::MultiThread(handle),
                }))
            }
        }
    }
}

/// One worker per CPU the process may use (asked once per process: see the shim).
fn default_workers() -> usize {
    crate::loom::thread::available_parallelism()
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("kind", &self.kind)
            .field("worker_threads", &self.worker_threads)
            .field("global_queue_interval", &self.global_queue_interval)
            .field("event_interval", &self.event_interval)
            .field("max_io_events_per_tick", &self.max_io_events_per_tick)
            .field("start_paused", &self.start_paused)
            .field("max_blocking_threads", &self.max_blocking_threads)
            .field("thread_keep_alive", &self.thread_keep_alive)
            .finish_non_exhaustive()
    }
}
