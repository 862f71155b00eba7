//! Task identifiers.
use crate::loom::sync::atomic::Ordering::Relaxed;
use std::fmt;
use std::num::NonZeroU64;

/// An opaque, process-unique identifier of a task.
///
/// Ids are never reused while the process runs, so an id taken from a finished task's
/// [`JoinError`](crate::JoinError) or [`Outcome`](crate::Outcome) still names that task.
///
/// ```
/// let rt = runtime::Builder::new_current_thread().build().unwrap();
/// let a = rt.spawn(async {});
/// let b = rt.spawn(async {});
/// assert_ne!(a.id(), b.id());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(NonZeroU64);

impl Id {
    /// A fresh id.
    pub(crate) fn next() -> Id {
        crate::loom::thread_local! {
            // Ids are handed out in blocks so spawns on different threads do not fight
            // over one counter's cache line.
            static BLOCK: std::cell::Cell<(u64, u64)> = const { std::cell::Cell::new((0, 0)) };
        }
        const BLOCK_LEN: u64 = 256;
        BLOCK.with(|block| {
            let (mut next, mut end) = block.get();
            if next == end {
                next = COUNTER.fetch_add(BLOCK_LEN, Relaxed);
                end = next + BLOCK_LEN;
            }
            block.set((next + 1, end));
            Id(NonZeroU64::new(next).expect("task id counter starts at 1"))
        })
    }

    /// The id as a number, for logs.
    ///
    /// ```
    /// runtime::run(async {
    ///     let h = runtime::spawn(async {});
    ///     let n: u64 = h.id().as_u64();
    ///     assert_eq!(n.to_string(), h.id().to_string());
    /// });
    /// ```
    pub fn as_u64(&self) -> u64 {
        self.0.get()
    }
}

crate::loom::static_atomic! {
    /// The start of the next block of ids.
    static COUNTER: AtomicU64 = 1;
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.0)
    }
}
