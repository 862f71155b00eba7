//! [`Builder`]: how a [`ThreadPool`] is configured.

use crate::error;
use crate::pool::ThreadPool;
use crate::worker::Shared;
use std::any::Any;
use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

/// Threads a pool may run at once unless told otherwise (tokio's default too).
pub const DEFAULT_MAX_THREADS: usize = 512;

/// How long an idle on-demand thread waits for a job before it exits (tokio's
/// default too).
pub const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(10);

/// The name of pool threads unless told otherwise.
pub const DEFAULT_THREAD_NAME: &str = "runtime-blocking";

/// A hook run on a pool thread (`on_thread_start`, `on_thread_stop`).
pub(crate) type Hook = Arc<dyn Fn() + Send + Sync + 'static>;

/// Receives the payload of a panic the pool caught.
pub(crate) type PanicHandler = Arc<dyn Fn(Box<dyn Any + Send + 'static>) + Send + Sync + 'static>;

/// How pool threads are named.
#[derive(Clone)]
pub(crate) enum ThreadName {
    Fixed(String),
    Fn(Arc<dyn Fn() -> String + Send + Sync + 'static>),
}

/// The validated settings a pool runs with.
#[derive(Clone)]
pub(crate) struct Config {
    /// Threads started by `build` that never time out (they exit only at shutdown).
    pub(crate) min_threads: usize,
    /// Upper bound on pool threads, so on jobs running at once.
    pub(crate) max_threads: usize,
    /// How long an idle thread beyond `min_threads` waits before it exits.
    pub(crate) keep_alive: Duration,
    pub(crate) name: ThreadName,
    pub(crate) stack_size: Option<usize>,
    pub(crate) on_thread_start: Option<Hook>,
    pub(crate) on_thread_stop: Option<Hook>,
    pub(crate) panic_handler: Option<PanicHandler>,
}

/// Configures and builds a [`ThreadPool`].
///
/// Defaults: no threads until the first job (`min_threads(0)`), at most
/// [`DEFAULT_MAX_THREADS`] threads, idle threads exit after [`DEFAULT_KEEP_ALIVE`],
/// threads named [`DEFAULT_THREAD_NAME`], the platform's stack size, no hooks.
///
/// ```
/// use runtime_blocking::Builder;
/// use std::time::Duration;
///
/// let pool = Builder::new()
///     .min_threads(1)                        // one thread is always there
///     .max_threads(8)                        // at most eight run at once
///     .keep_alive(Duration::from_secs(2))    // the others leave after 2 s idle
///     .thread_name("db-io")
///     .on_thread_start(|| println!("hello from a pool thread"))
///     .build()?;
/// assert_eq!(pool.num_threads(), 1);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct Builder {
    config: Config,
}

impl Builder {
    /// A builder with the defaults listed above.
    pub fn new() -> Self {
        Self {
            config: Config {
                min_threads: 0,
                max_threads: DEFAULT_MAX_THREADS,
                keep_alive: DEFAULT_KEEP_ALIVE,
                name: ThreadName::Fixed(DEFAULT_THREAD_NAME.to_owned()),
                stack_size: None,
                on_thread_start: None,
                on_thread_stop: None,
                panic_handler: None,
            },
        }
    }

    /// Threads started by [`build`](Self::build) and kept until shutdown, however
    /// long they stay idle. `min_threads(n).max_threads(n)` is a fixed-size pool.
    pub fn min_threads(mut self, n: usize) -> Self {
        self.config.min_threads = n;
        self
    }

    /// The most threads the pool runs, so the most jobs running at once; jobs
    /// beyond that wait in the queue. Must be at least 1.
    pub fn max_threads(mut self, n: usize) -> Self {
        self.config.max_threads = n;
        self
    }

    /// How long a thread beyond `min_threads` waits for a job before it exits.
    pub fn keep_alive(mut self, keep_alive: Duration) -> Self {
        self.config.keep_alive = keep_alive;
        self
    }

    /// Names every pool thread `name`.
    pub fn thread_name(mut self, name: impl Into<String>) -> Self {
        self.config.name = ThreadName::Fixed(name.into());
        self
    }

    /// Names each new pool thread by calling `f` (on the thread that starts it).
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// static NEXT: AtomicUsize = AtomicUsize::new(0);
    /// let pool = runtime_blocking::Builder::new()
    ///     .thread_name_fn(|| format!("io-{}", NEXT.fetch_add(1, Ordering::Relaxed)))
    ///     .build()?;
    /// # drop(pool);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn thread_name_fn<F>(mut self, f: F) -> Self
    where
        F: Fn() -> String + Send + Sync + 'static,
    {
        self.config.name = ThreadName::Fn(Arc::new(f));
        self
    }

    /// Stack size of pool threads, in bytes.
    pub fn stack_size(mut self, bytes: usize) -> Self {
        self.config.stack_size = Some(bytes);
        self
    }

    /// Runs `f` on each pool thread when it starts, before its first job.
    pub fn on_thread_start<F>(mut self, f: F) -> Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.config.on_thread_start = Some(Arc::new(f));
        self
    }

    /// Runs `f` on each pool thread just before it exits.
    pub fn on_thread_stop<F>(mut self, f: F) -> Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.config.on_thread_stop = Some(Arc::new(f));
        self
    }

    /// Hands `f` the payload of every panic the pool catches: from a job, from a
    /// job's `Drop` when it is cancelled, from a hook or a thread-name function.
    /// Without it the payload is dropped; [`ThreadPool::panicked_jobs`] counts job
    /// panics either way. The pool's threads survive all of them.
    ///
    /// This is the pool's report channel; it does not touch the process-wide
    /// panic hook (which still prints its usual message).
    pub fn panic_handler<F>(mut self, f: F) -> Self
    where
        F: Fn(Box<dyn Any + Send + 'static>) + Send + Sync + 'static,
    {
        self.config.panic_handler = Some(Arc::new(f));
        self
    }

    /// Starts `min_threads` threads and returns the pool.
    ///
    /// # Errors
    ///
    /// `InvalidInput` when `max_threads` is 0 or below `min_threads`; the OS error
    /// when a thread cannot be started.
    pub fn build(self) -> io::Result<ThreadPool> {
        let config = self.config;
        if config.max_threads == 0 {
            return Err(error::invalid_input(error::ZERO_MAX_THREADS));
        }
        if config.min_threads > config.max_threads {
            return Err(error::invalid_input(error::MIN_ABOVE_MAX));
        }
        let shared = Shared::start(config)?;
        Ok(ThreadPool::from_shared(shared))
    }
}

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.config.fmt(f)
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("min_threads", &self.min_threads)
            .field("max_threads", &self.max_threads)
            .field("keep_alive", &self.keep_alive)
            .field("thread_name", &self.name)
            .field("stack_size", &self.stack_size)
            .field("on_thread_start", &self.on_thread_start.is_some())
            .field("on_thread_stop", &self.on_thread_stop.is_some())
            .field("panic_handler", &self.panic_handler.is_some())
            .finish()
    }
}

impl fmt::Debug for ThreadName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fixed(name) => name.fmt(f),
            Self::Fn(_) => f.write_str("<fn>"),
        }
    }
}

#[cfg(all(test, not(runtime_loom)))]
mod tests {
    use super::*;

    #[test]
    fn zero_max_threads_is_invalid_input() {
        let err = Builder::new().max_threads(0).build().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert_eq!(err.to_string(), error::ZERO_MAX_THREADS);
    }

    #[test]
    fn min_above_max_is_invalid_input() {
        let err = Builder::new()
            .min_threads(3)
            .max_threads(2)
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert_eq!(err.to_string(), error::MIN_ABOVE_MAX);
    }

    #[test]
    fn debug_lists_the_settings() {
        let text = format!("{:?}", Builder::new().thread_name("x").stack_size(1 << 20));
        assert!(text.contains("max_threads: 512"), "{text}");
        assert!(text.contains("\"x\""), "{text}");
        assert!(text.contains("stack_size: Some(1048576)"), "{text}");
    }
}
