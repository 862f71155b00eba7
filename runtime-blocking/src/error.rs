//! Error types and every message this crate shows a user.
//!
//! Messages are one sentence: what happened, and what to do instead (STYLE.md,
//! "Names and messages").

use std::fmt;
use std::io;

/// `ThreadPool::new(0)`.
pub(crate) const ZERO_THREADS: &str =
    "a thread pool needs at least one thread: pass 1 or more to `ThreadPool::new`, \
     or use `ThreadPool::cpu()` to size it to the machine";

/// `Builder::max_threads(0)`.
pub(crate) const ZERO_MAX_THREADS: &str =
    "a thread pool needs at least one thread: pass 1 or more to `Builder::max_threads`";

/// `Builder::min_threads(n)` with `n` above `max_threads`.
pub(crate) const MIN_ABOVE_MAX: &str =
    "`Builder::min_threads` is larger than `Builder::max_threads`: raise `max_threads` \
     or lower `min_threads`";

/// Display text of [`SubmitError`].
pub(crate) const SUBMIT_AFTER_SHUTDOWN: &str =
    "the thread pool is shut down and accepts no more jobs: the job is handed back \
     in this error so the caller can cancel it";

/// Builds the `InvalidInput` error a misconfigured pool returns.
pub(crate) fn invalid_input(message: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// A job the pool refused because it is shut down (or shutting down).
///
/// The job is handed back unrun: call [`into_inner`](Self::into_inner) to get it, or
/// drop the error to drop the job, which is how `runtime-core` cancels the task the
/// job belongs to. Either way the job is never silently lost.
///
/// ```
/// use runtime_blocking::ThreadPool;
///
/// let pool = ThreadPool::new(1)?;
/// pool.shutdown();
/// let err = pool.execute(|| println!("never runs")).unwrap_err();
/// let job = err.into_inner(); // still ours; dropping it cancels it
/// drop(job);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SubmitError<F>(pub F);

impl<F> SubmitError<F> {
    /// Returns the job that was not accepted.
    pub fn into_inner(self) -> F {
        self.0
    }
}

impl<F> fmt::Debug for SubmitError<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SubmitError(..)")
    }
}

impl<F> fmt::Display for SubmitError<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(SUBMIT_AFTER_SHUTDOWN)
    }
}

impl<F> std::error::Error for SubmitError<F> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn submit_error_hands_the_job_back_and_explains() {
        let err = SubmitError(7_u8);
        assert_eq!(err.to_string(), SUBMIT_AFTER_SHUTDOWN);
        assert_eq!(format!("{err:?}"), "SubmitError(..)");
        assert_eq!(err.into_inner(), 7);
    }

    #[test]
    fn invalid_input_keeps_kind_and_message() {
        let err = invalid_input(ZERO_THREADS);
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains("pass 1 or more"));
    }
}
