//! [`Semaphore`]: asyncio's `Semaphore` and `BoundedSemaphore`, with tokio's API.
use super::batch_semaphore::{BatchSemaphore, TryAcquire, MAX_PERMITS};
use std::fmt;
use std::sync::Arc;

/// A count of permits that tasks acquire and release (asyncio's `Semaphore`; tokio's
/// `Semaphore` API).
///
/// Waiters are served in FIFO order: a task waiting for many permits at the front of the
/// line holds back later tasks that want fewer, and permits coming back are set aside for
/// it as they arrive. A permit returns its permits when dropped.
///
/// asyncio's `BoundedSemaphore` is [`Semaphore::bounded`]: the same type, whose
/// [`add_permits`](Semaphore::add_permits) (asyncio's `release()` without an `acquire()`)
/// panics with "released more than acquired" when it would raise the count above the
/// initial one, where asyncio raises `ValueError`.
///
/// At most two tasks in the critical section at once (the asyncio docs' example):
///
/// ```
/// use runtime::sync::Semaphore;
/// use std::sync::Arc;
///
/// runtime::run(async {
///     let sem = Arc::new(Semaphore::new(2));
///     let mut tasks = Vec::new();
///     for i in 0..5 {
///         let sem = sem.clone();
///         tasks.push(runtime::spawn(async move {
///             let _permit = sem.acquire().await.unwrap(); // `async with sem:`
///             i * 2
///         }));
///     }
///     for t in tasks {
///         t.await.unwrap();
///     }
///     assert_eq!(sem.available_permits(), 2);
/// });
/// ```
pub struct Semaphore {
    ll: BatchSemaphore,
}

/// Permits taken from a [`Semaphore`], given back when dropped.
#[must_use = "dropping a permit releases it at once; bind it (`let _permit = ...`) to hold it"]
pub struct SemaphorePermit<'a> {
    sem: &'a Semaphore,
    permits: u32,
}

/// Permits taken from an `Arc<Semaphore>`, given back when dropped; `'static`, so it can
/// move into a spawned task.
#[must_use = "dropping a permit releases it at once; bind it (`let _permit = ...`) to hold it"]
pub struct OwnedSemaphorePermit {
    sem: Arc<Semaphore>,
    permits: u32,
}

/// [`Semaphore::acquire`] failed: the semaphore was closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcquireError(());

/// Why a `try_acquire` call took nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TryAcquireError {
    /// The semaphore was closed.
    Closed,
    /// Not enough permits are free right now (or other tasks wait for them first).
    NoPermits,
}

impl Semaphore {
    /// The most permits a semaphore can hold: `usize::MAX >> 3`, as in tokio.
    pub const MAX_PERMITS: usize = MAX_PERMITS;

    /// A semaphore with `permits` permits.
    ///
    /// Panics when `permits` exceeds [`MAX_PERMITS`](Self::MAX_PERMITS).
    ///
    /// ```
    /// let sem = runtime::sync::Semaphore::new(3);
    /// assert_eq!(sem.available_permits(), 3);
    /// ```
    #[track_caller]
    pub fn new(permits: usize) -> Semaphore {
        Semaphore {
            ll: BatchSemaphore::new(permits),
        }
    }

    /// `new` for `static` and `const` items.
    ///
    /// ```
    /// static SEM: runtime::sync::Semaphore = runtime::sync::Semaphore::const_new(4);
    /// assert_eq!(SEM.available_permits(), 4);
    /// ```
    #[cfg(not(runtime_loom))]
    #[track_caller]
    pub const fn const_new(permits: usize) -> Semaphore {
        Semaphore {
            ll: BatchSemaphore::const_new(permits),
        }
    }

    /// asyncio's `BoundedSemaphore(permits)`: [`add_permits`](Self::add_permits) panics
    /// with "released more than acquired" if it would bring the count (free permits plus
    /// permits set aside for waiters) above `permits`. Dropping a permit never trips it.
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// let sem = Semaphore::bounded(1);
    /// let permit = sem.try_acquire().unwrap();
    /// permit.forget();
    /// sem.add_permits(1); // asyncio's `release()`: fine, one was taken
    /// let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sem.add_permits(1)));
    /// assert!(again.is_err()); // released more than acquired
    /// ```
    #[track_caller]
    pub fn bounded(permits: usize) -> Semaphore {
        Semaphore {
            ll: BatchSemaphore::bounded(permits),
        }
    }

    /// Free permits right now.
    ///
    /// ```
    /// let sem = runtime::sync::Semaphore::new(2);
    /// let _p = sem.try_acquire().unwrap();
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn available_permits(&self) -> usize {
        self.ll.available_permits()
    }

    /// Adds `n` permits (asyncio's `release()`), handing them to waiting tasks first.
    ///
    /// Panics when the count would exceed [`MAX_PERMITS`](Self::MAX_PERMITS), or, on a
    /// [`bounded`](Self::bounded) semaphore, its initial count.
    ///
    /// ```
    /// let sem = runtime::sync::Semaphore::new(0);
    /// sem.add_permits(2);
    /// assert_eq!(sem.available_permits(), 2);
    /// ```
    #[track_caller]
    pub fn add_permits(&self, n: usize) {
        self.ll.add_permits(n);
    }

    /// Removes up to `n` free permits for good and returns how many it removed.
    ///
    /// ```
    /// let sem = runtime::sync::Semaphore::new(3);
    /// assert_eq!(sem.forget_permits(5), 3);
    /// assert_eq!(sem.available_permits(), 0);
    /// ```
    pub fn forget_permits(&self, n: usize) -> usize {
        self.ll.forget_permits(n)
    }

    /// Waits for one permit.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe, and fair: dropping the future gives up its place in the line, and a
    /// permit already handed to it goes to the next waiter.
    ///
    /// ```
    /// runtime::run(async {
    ///     let sem = runtime::sync::Semaphore::new(1);
    ///     let permit = sem.acquire().await.unwrap();
    ///     assert_eq!(permit.num_permits(), 1);
    /// });
    /// ```
    pub async fn acquire(&self) -> Result<SemaphorePermit<'_>, AcquireError> {
        self.acquire_many(1).await
    }

    /// Waits for `n` permits at once (FIFO: it holds back tasks queued after it).
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: dropping the future returns the permits set aside for it so far to the
    /// next waiters, and it loses its place in the line.
    ///
    /// ```
    /// runtime::run(async {
    ///     let sem = runtime::sync::Semaphore::new(3);
    ///     let permit = sem.acquire_many(3).await.unwrap();
    ///     assert_eq!(sem.available_permits(), 0);
    ///     drop(permit);
    ///     assert_eq!(sem.available_permits(), 3);
    /// });
    /// ```
    pub async fn acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, AcquireError> {
        match self.ll.acquire(n as usize).await {
            Ok(()) => Ok(SemaphorePermit {
                sem: self,
                permits: n,
            }),
            Err(_) => Err(AcquireError(())),
        }
    }

    /// Takes one permit if one is free and nobody waits ahead.
    ///
    /// ```
    /// use runtime::sync::{Semaphore, TryAcquireError};
    ///
    /// let sem = Semaphore::new(1);
    /// let _p = sem.try_acquire().unwrap();
    /// assert_eq!(sem.try_acquire().err(), Some(TryAcquireError::NoPermits));
    /// ```
    pub fn try_acquire(&self) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.try_acquire_many(1)
    }

    /// Takes `n` permits if they are free and nobody waits ahead.
    ///
    /// ```
    /// let sem = runtime::sync::Semaphore::new(4);
    /// assert_eq!(sem.try_acquire_many(3).unwrap().num_permits(), 3);
    /// ```
    pub fn try_acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.ll
            .try_acquire(n as usize)
            .map_err(TryAcquireError::from)?;
        Ok(SemaphorePermit {
            sem: self,
            permits: n,
        })
    }

    /// [`acquire`](Self::acquire) for an `Arc<Semaphore>`, returning a `'static` permit.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe, as [`acquire_many`](Self::acquire_many).
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// runtime::run(async {
    ///     let sem = Arc::new(runtime::sync::Semaphore::new(1));
    ///     let permit = sem.clone().acquire_owned().await.unwrap();
    ///     runtime::spawn(async move { drop(permit) }).await.unwrap();
    ///     assert_eq!(sem.available_permits(), 1);
    /// });
    /// ```
    pub async fn acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.acquire_many_owned(1).await
    }

    /// [`acquire_many`](Self::acquire_many) for an `Arc<Semaphore>`.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe, as [`acquire_many`](Self::acquire_many).
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// runtime::run(async {
    ///     let sem = Arc::new(runtime::sync::Semaphore::new(2));
    ///     let permit = sem.clone().acquire_many_owned(2).await.unwrap();
    ///     assert_eq!(permit.num_permits(), 2);
    /// });
    /// ```
    pub async fn acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, AcquireError> {
        match self.ll.acquire(n as usize).await {
            Ok(()) => Ok(OwnedSemaphorePermit {
                sem: self,
                permits: n,
            }),
            Err(_) => Err(AcquireError(())),
        }
    }

    /// [`try_acquire`](Self::try_acquire) for an `Arc<Semaphore>`.
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(runtime::sync::Semaphore::new(1));
    /// assert!(sem.clone().try_acquire_owned().is_ok());
    /// ```
    pub fn try_acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.try_acquire_many_owned(1)
    }

    /// [`try_acquire_many`](Self::try_acquire_many) for an `Arc<Semaphore>`.
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(runtime::sync::Semaphore::new(1));
    /// assert!(sem.clone().try_acquire_many_owned(2).is_err());
    /// ```
    pub fn try_acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.ll
            .try_acquire(n as usize)
            .map_err(TryAcquireError::from)?;
        Ok(OwnedSemaphorePermit {
            sem: self,
            permits: n,
        })
    }

    /// Closes the semaphore: every waiting and later `acquire` fails with
    /// [`AcquireError`], every `try_acquire` with [`TryAcquireError::Closed`]. Permits
    /// already held stay valid.
    ///
    /// ```
    /// runtime::run(async {
    ///     let sem = runtime::sync::Semaphore::new(0);
    ///     sem.close();
    ///     assert!(sem.is_closed());
    ///     assert!(sem.acquire().await.is_err());
    /// });
    /// ```
    pub fn close(&self) {
        self.ll.close();
    }

    /// Whether [`close`](Self::close) was called.
    ///
    /// ```
    /// assert!(!runtime::sync::Semaphore::new(1).is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.ll.is_closed()
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.ll.fmt(f)
    }
}

impl SemaphorePermit<'_> {
    /// Keeps the permits out of the semaphore for good (they are not given back).
    ///
    /// ```
    /// let sem = runtime::sync::Semaphore::new(1);
    /// sem.try_acquire().unwrap().forget();
    /// assert_eq!(sem.available_permits(), 0);
    /// ```
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// How many permits this holds.
    ///
    /// ```
    /// let sem = runtime::sync::Semaphore::new(2);
    /// assert_eq!(sem.try_acquire_many(2).unwrap().num_permits(), 2);
    /// ```
    pub fn num_permits(&self) -> usize {
        self.permits as usize
    }

    /// Moves `other`'s permits into this one. Panics if they come from different
    /// semaphores.
    ///
    /// ```
    /// let sem = runtime::sync::Semaphore::new(2);
    /// let mut a = sem.try_acquire().unwrap();
    /// a.merge(sem.try_acquire().unwrap());
    /// assert_eq!(a.num_permits(), 2);
    /// ```
    #[track_caller]
    pub fn merge(&mut self, mut other: Self) {
        let same = std::ptr::eq(self.sem, other.sem);
        merge_counts(same, &mut self.permits, &mut other.permits);
    }

    /// Splits `n` permits off into a new permit; `None` if this holds fewer than `n`.
    ///
    /// ```
    /// let sem = runtime::sync::Semaphore::new(3);
    /// let mut a = sem.try_acquire_many(3).unwrap();
    /// let b = a.split(1).unwrap();
    /// assert_eq!((a.num_permits(), b.num_permits()), (2, 1));
    /// ```
    pub fn split(&mut self, n: usize) -> Option<Self> {
        let n = split_count(&mut self.permits, n)?;
        Some(SemaphorePermit {
            sem: self.sem,
            permits: n,
        })
    }
}

/// `merge` of both permit kinds: moves `from`'s count into `into` when both permits come
/// from the `same` semaphore, panics otherwise.
#[track_caller]
fn merge_counts(same: bool, into: &mut u32, from: &mut u32) {
    assert!(same, "{}", crate::error::SEMAPHORE_MERGE_FOREIGN);
    *into += std::mem::take(from);
}

/// `split` of both permit kinds: takes `n` off `permits`, `None` if it holds fewer.
fn split_count(permits: &mut u32, n: usize) -> Option<u32> {
    let n = u32::try_from(n).ok().filter(|&n| n <= *permits)?;
    *permits -= n;
    Some(n)
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        if self.permits > 0 {
            self.sem.ll.release(self.permits as usize);
        }
    }
}

impl fmt::Debug for SemaphorePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphorePermit")
            .field("permits", &self.permits)
            .finish()
    }
}

impl OwnedSemaphorePermit {
    /// Keeps the permits out of the semaphore for good.
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(runtime::sync::Semaphore::new(1));
    /// sem.clone().try_acquire_owned().unwrap().forget();
    /// assert_eq!(sem.available_permits(), 0);
    /// ```
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// How many permits this holds.
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(runtime::sync::Semaphore::new(1));
    /// assert_eq!(sem.try_acquire_owned().unwrap().num_permits(), 1);
    /// ```
    pub fn num_permits(&self) -> usize {
        self.permits as usize
    }

    /// The semaphore the permits came from.
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(runtime::sync::Semaphore::new(1));
    /// let p = sem.clone().try_acquire_owned().unwrap();
    /// assert!(Arc::ptr_eq(p.semaphore(), &sem));
    /// ```
    pub fn semaphore(&self) -> &Arc<Semaphore> {
        &self.sem
    }

    /// Moves `other`'s permits into this one. Panics if they come from different
    /// semaphores.
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(runtime::sync::Semaphore::new(2));
    /// let mut a = sem.clone().try_acquire_owned().unwrap();
    /// a.merge(sem.clone().try_acquire_owned().unwrap());
    /// assert_eq!(a.num_permits(), 2);
    /// ```
    #[track_caller]
    pub fn merge(&mut self, mut other: Self) {
        let same = Arc::ptr_eq(&self.sem, &other.sem);
        merge_counts(same, &mut self.permits, &mut other.permits);
    }

    /// Splits `n` permits off into a new permit; `None` if this holds fewer than `n`.
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(runtime::sync::Semaphore::new(2));
    /// let mut a = sem.try_acquire_many_owned(2).unwrap();
    /// assert_eq!(a.split(1).unwrap().num_permits(), 1);
    /// ```
    pub fn split(&mut self, n: usize) -> Option<Self> {
        let n = split_count(&mut self.permits, n)?;
        Some(OwnedSemaphorePermit {
            sem: self.sem.clone(),
            permits: n,
        })
    }
}

impl Drop for OwnedSemaphorePermit {
    fn drop(&mut self) {
        if self.permits > 0 {
            self.sem.ll.release(self.permits as usize);
        }
    }
}

impl fmt::Debug for OwnedSemaphorePermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedSemaphorePermit")
            .field("permits", &self.permits)
            .finish()
    }
}

impl From<TryAcquire> for TryAcquireError {
    fn from(e: TryAcquire) -> Self {
        match e {
            TryAcquire::Closed => TryAcquireError::Closed,
            TryAcquire::NoPermits => TryAcquireError::NoPermits,
        }
    }
}

impl fmt::Display for AcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the semaphore was closed: no more permits will be handed out")
    }
}

impl std::error::Error for AcquireError {}

impl fmt::Display for TryAcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TryAcquireError::Closed => {
                "the semaphore was closed: no more permits will be handed out"
            }
            TryAcquireError::NoPermits => {
                "no permits free right now: `.await` `acquire` to wait for one"
            }
        })
    }
}

impl std::error::Error for TryAcquireError {}
