//! [`RwLock`]: many readers or one writer, fair (tokio's `RwLock` API).
//!
//! A [`BatchSemaphore`] with `max_readers` permits: a reader takes one, a writer takes all
//! of them. FIFO order makes it fair: a queued writer collects permits as readers leave
//! and holds back readers that come after it, so writers never starve.
//!
//! # Unsafe
//!
//! The data sits in an `UnsafeCell`; its one rule: **a read guard exists only while its
//! holder owns at least one permit, a write guard only while its holder owns all
//! `max_readers`** (or through `&mut RwLock` / by value, which exclude every guard). So a
//! writer excludes everyone, readers exclude writers, and permits move with `AcqRel` or
//! under the semaphore's lock, so each holder sees the last writer's writes.
use super::batch_semaphore::BatchSemaphore;
use super::TryLockError;
use crate::error;
use crate::loom::cell::UnsafeCell;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

/// The most readers an [`RwLock`] admits at once (tokio's value).
const MAX_READS: u32 = u32::MAX >> 3;

/// An async reader-writer lock holding a `T`: any number of readers, or one writer.
///
/// Fair: tasks are served in the order they asked, so a waiting writer blocks readers that
/// arrive after it (no writer starvation), and the readers before it share the lock.
///
/// ```
/// use runtime::sync::RwLock;
///
/// runtime::run(async {
///     let lock = RwLock::new(5);
///     {
///         let r1 = lock.read().await;
///         let r2 = lock.read().await;
///         assert_eq!(*r1 + *r2, 10);
///     }
///     *lock.write().await += 1;
///     assert_eq!(*lock.read().await, 6);
/// });
/// ```
pub struct RwLock<T> {
    mr: u32,
    s: BatchSemaphore,
    c: UnsafeCell<T>,
}

/// Shared access to an [`RwLock`]'s data; releases its read permit when dropped.
#[must_use = "dropping the guard unlocks at once; bind it (`let guard = ...`)"]
pub struct RwLockReadGuard<'a, T> {
    lock: &'a RwLock<T>,
}

/// Exclusive access to an [`RwLock`]'s data; unlocks when dropped.
#[must_use = "dropping the guard unlocks at once; bind it (`let guard = ...`)"]
pub struct RwLockWriteGuard<'a, T> {
    lock: &'a RwLock<T>,
}

/// [`RwLockReadGuard`] for an `Arc<RwLock<T>>`: `'static`, so it can move into a task.
#[must_use = "dropping the guard unlocks at once; bind it (`let guard = ...`)"]
pub struct OwnedRwLockReadGuard<T> {
    lock: Arc<RwLock<T>>,
}

/// [`RwLockWriteGuard`] for an `Arc<RwLock<T>>`: `'static`, so it can move into a task.
#[must_use = "dropping the guard unlocks at once; bind it (`let guard = ...`)"]
pub struct OwnedRwLockWriteGuard<T> {
    lock: Arc<RwLock<T>>,
}

// SAFETY: the data moves with the lock, hence `T: Send`.
unsafe impl<T: Send> Send for RwLock<T> {}
// SAFETY: readers on several threads share `&T` (`T: Sync`), and a writer reaches `&mut T`
// from any thread (`T: Send`); the module's rule keeps the two apart.
unsafe impl<T: Send + Sync> Sync for RwLock<T> {}

impl<T> RwLock<T> {
    /// An unlocked lock holding `value`, admitting up to `u32::MAX >> 3` readers at once.
    ///
    /// ```
    /// let lock = runtime::sync::RwLock::new(1);
    /// assert_eq!(lock.into_inner(), 1);
    /// ```
    pub fn new(value: T) -> RwLock<T> {
        RwLock::with_max_readers(value, MAX_READS)
    }

    /// A lock admitting at most `max_readers` readers at once.
    ///
    /// Panics unless `1 <= max_readers <= u32::MAX >> 3`.
    ///
    /// ```
    /// let lock = runtime::sync::RwLock::with_max_readers(0, 2);
    /// let _a = lock.try_read().unwrap();
    /// let _b = lock.try_read().unwrap();
    /// assert!(lock.try_read().is_err());
    /// ```
    #[track_caller]
    pub fn with_max_readers(value: T, max_readers: u32) -> RwLock<T> {
        assert!(
            (1..=MAX_READS).contains(&max_readers),
            "{}",
            error::RWLOCK_MAX_READERS
        );
        RwLock {
            mr: max_readers,
            s: BatchSemaphore::new(max_readers as usize),
            c: UnsafeCell::new(value),
        }
    }

    /// `new` for `static` and `const` items.
    ///
    /// ```
    /// static CONFIG: runtime::sync::RwLock<u8> = runtime::sync::RwLock::const_new(3);
    /// assert_eq!(*CONFIG.try_read().unwrap(), 3);
    /// ```
    #[cfg(not(runtime_loom))]
    pub const fn const_new(value: T) -> RwLock<T> {
        RwLock {
            mr: MAX_READS,
            s: BatchSemaphore::const_new(MAX_READS as usize),
            c: UnsafeCell::new(value),
        }
    }

    async fn acquire(&self, n: u32) {
        if self.s.acquire(n as usize).await.is_err() {
            unreachable!("an RwLock's semaphore was closed");
        }
    }

    /// Waits for shared access: until no writer holds the lock or waits ahead.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe and fair: dropping the future gives up its place in the line.
    ///
    /// ```
    /// runtime::run(async {
    ///     let lock = runtime::sync::RwLock::new(1);
    ///     assert_eq!(*lock.read().await, 1);
    /// });
    /// ```
    pub async fn read(&self) -> RwLockReadGuard<'_, T> {
        self.acquire(1).await;
        RwLockReadGuard { lock: self }
    }

    /// Waits for exclusive access: until every reader and writer ahead has left.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe and fair: dropping the future gives up its place in the line and hands
    /// the read permits it collected so far to the tasks queued after it.
    ///
    /// ```
    /// runtime::run(async {
    ///     let lock = runtime::sync::RwLock::new(1);
    ///     *lock.write().await = 2;
    ///     assert_eq!(*lock.read().await, 2);
    /// });
    /// ```
    pub async fn write(&self) -> RwLockWriteGuard<'_, T> {
        self.acquire(self.mr).await;
        RwLockWriteGuard { lock: self }
    }

    /// [`read`](Self::read) from a plain thread, blocking it. Panics on a runtime thread.
    ///
    /// ```
    /// let lock = runtime::sync::RwLock::new(1);
    /// assert_eq!(*lock.blocking_read(), 1);
    /// ```
    #[track_caller]
    pub fn blocking_read(&self) -> RwLockReadGuard<'_, T> {
        crate::util::block::block_on_thread("`RwLock::blocking_read`", self.read())
    }

    /// [`write`](Self::write) from a plain thread, blocking it. Panics on a runtime thread.
    ///
    /// ```
    /// let lock = runtime::sync::RwLock::new(1);
    /// *lock.blocking_write() += 1;
    /// assert_eq!(*lock.blocking_read(), 2);
    /// ```
    #[track_caller]
    pub fn blocking_write(&self) -> RwLockWriteGuard<'_, T> {
        crate::util::block::block_on_thread("`RwLock::blocking_write`", self.write())
    }

    /// Shared access if it is free now (no writer holds or awaits the lock).
    ///
    /// ```
    /// let lock = runtime::sync::RwLock::new(1);
    /// let _r = lock.try_read().unwrap();
    /// assert!(lock.try_write().is_err());
    /// ```
    pub fn try_read(&self) -> Result<RwLockReadGuard<'_, T>, TryLockError> {
        match self.s.try_acquire(1) {
            Ok(()) => Ok(RwLockReadGuard { lock: self }),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Exclusive access if it is free now.
    ///
    /// ```
    /// let lock = runtime::sync::RwLock::new(1);
    /// let _w = lock.try_write().unwrap();
    /// assert!(lock.try_read().is_err());
    /// ```
    pub fn try_write(&self) -> Result<RwLockWriteGuard<'_, T>, TryLockError> {
        match self.s.try_acquire(self.mr as usize) {
            Ok(()) => Ok(RwLockWriteGuard { lock: self }),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// [`read`](Self::read) for an `Arc<RwLock<T>>`, returning a `'static` guard.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe, as [`read`](Self::read).
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// runtime::run(async {
    ///     let lock = Arc::new(runtime::sync::RwLock::new(1));
    ///     let r = lock.clone().read_owned().await;
    ///     assert_eq!(runtime::spawn(async move { *r }).await.unwrap(), 1);
    /// });
    /// ```
    pub async fn read_owned(self: Arc<Self>) -> OwnedRwLockReadGuard<T> {
        self.acquire(1).await;
        OwnedRwLockReadGuard { lock: self }
    }

    /// [`write`](Self::write) for an `Arc<RwLock<T>>`, returning a `'static` guard.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe, as [`write`](Self::write).
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// runtime::run(async {
    ///     let lock = Arc::new(runtime::sync::RwLock::new(1));
    ///     let mut w = lock.clone().write_owned().await;
    ///     runtime::spawn(async move { *w = 2 }).await.unwrap();
    ///     assert_eq!(*lock.read().await, 2);
    /// });
    /// ```
    pub async fn write_owned(self: Arc<Self>) -> OwnedRwLockWriteGuard<T> {
        self.acquire(self.mr).await;
        OwnedRwLockWriteGuard { lock: self }
    }

    /// [`try_read`](Self::try_read) for an `Arc<RwLock<T>>`.
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(runtime::sync::RwLock::new(1));
    /// assert!(lock.try_read_owned().is_ok());
    /// ```
    pub fn try_read_owned(self: Arc<Self>) -> Result<OwnedRwLockReadGuard<T>, TryLockError> {
        match self.s.try_acquire(1) {
            Ok(()) => Ok(OwnedRwLockReadGuard { lock: self }),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// [`try_write`](Self::try_write) for an `Arc<RwLock<T>>`.
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(runtime::sync::RwLock::new(1));
    /// assert!(lock.try_write_owned().is_ok());
    /// ```
    pub fn try_write_owned(self: Arc<Self>) -> Result<OwnedRwLockWriteGuard<T>, TryLockError> {
        match self.s.try_acquire(self.mr as usize) {
            Ok(()) => Ok(OwnedRwLockWriteGuard { lock: self }),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// The data, through `&mut self` (no locking needed).
    ///
    /// ```
    /// let mut lock = runtime::sync::RwLock::new(1);
    /// *lock.get_mut() = 2;
    /// assert_eq!(lock.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        // SAFETY: `&mut self` excludes every guard (module docs).
        self.c.with_mut(|p| unsafe { &mut *p })
    }

    /// The data, consuming the lock.
    ///
    /// ```
    /// assert_eq!(runtime::sync::RwLock::new(3).into_inner(), 3);
    /// ```
    pub fn into_inner(self) -> T {
        let RwLock { mr: _, s: _, c } = self;
        // SAFETY: we own the cell by value (no guard can exist); the value is read out
        // once and the cell forgotten, so it is never dropped twice.
        let value = c.with_mut(|p| unsafe { p.read() });
        std::mem::forget(c);
        value
    }

    fn data(&self) -> *mut T {
        self.c.with_mut(|p| p)
    }
}

impl<T: Default> Default for RwLock<T> {
    fn default() -> Self {
        RwLock::new(T::default())
    }
}

impl<T> From<T> for RwLock<T> {
    fn from(value: T) -> Self {
        RwLock::new(value)
    }
}

impl<T: fmt::Debug> fmt::Debug for RwLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("RwLock");
        match self.try_read() {
            Ok(g) => d.field("data", &&*g),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

impl<'a, T> RwLockWriteGuard<'a, T> {
    /// Turns exclusive access into shared access without letting a writer in between;
    /// readers queued behind may now join.
    ///
    /// ```
    /// runtime::run(async {
    ///     let lock = runtime::sync::RwLock::new(1);
    ///     let mut w = lock.write().await;
    ///     *w = 2;
    ///     let r = w.downgrade();
    ///     assert_eq!(*r, 2);
    ///     assert!(lock.try_read().is_ok());
    /// });
    /// ```
    pub fn downgrade(self) -> RwLockReadGuard<'a, T> {
        let lock = self.lock;
        std::mem::forget(self);
        lock.s.release(lock.mr as usize - 1);
        RwLockReadGuard { lock }
    }
}

macro_rules! guard_impls {
    ($guard:ident [$($lt:lifetime)?], read) => {
        impl<$($lt,)? T> Deref for $guard<$($lt,)? T> {
            type Target = T;
            fn deref(&self) -> &T {
                // SAFETY: a read guard holds a read permit (module docs).
                unsafe { &*self.lock.data() }
            }
        }
        impl<$($lt,)? T> Drop for $guard<$($lt,)? T> {
            fn drop(&mut self) {
                self.lock.s.release(1);
            }
        }
        guard_impls!(@fmt $guard [$($lt)?]);
    };
    ($guard:ident [$($lt:lifetime)?], write) => {
        impl<$($lt,)? T> Deref for $guard<$($lt,)? T> {
            type Target = T;
            fn deref(&self) -> &T {
                // SAFETY: a write guard holds every permit (module docs).
                unsafe { &*self.lock.data() }
            }
        }
        impl<$($lt,)? T> DerefMut for $guard<$($lt,)? T> {
            fn deref_mut(&mut self) -> &mut T {
                // SAFETY: a write guard holds every permit, and `&mut self` is the one
                // way to it.
                unsafe { &mut *self.lock.data() }
            }
        }
        impl<$($lt,)? T> Drop for $guard<$($lt,)? T> {
            fn drop(&mut self) {
                self.lock.s.release(self.lock.mr as usize);
            }
        }
        guard_impls!(@fmt $guard [$($lt)?]);
    };
    (@fmt $guard:ident [$($lt:lifetime)?]) => {
        impl<$($lt,)? T: fmt::Debug> fmt::Debug for $guard<$($lt,)? T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&**self, f)
            }
        }
        impl<$($lt,)? T: fmt::Display> fmt::Display for $guard<$($lt,)? T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&**self, f)
            }
        }
    };
}

guard_impls!(RwLockReadGuard ['a], read);
guard_impls!(OwnedRwLockReadGuard [], read);
guard_impls!(RwLockWriteGuard ['a], write);
guard_impls!(OwnedRwLockWriteGuard [], write);
