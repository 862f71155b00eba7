//! [`Mutex`]: asyncio's `Lock`, holding the data it guards (tokio's `Mutex` API).
//!
//! A one-permit [`BatchSemaphore`]: locking takes the permit (one CAS when free), a guard's
//! drop gives it back (one CAS when nobody waits, else a FIFO hand-off to the first
//! waiter, who then owns the lock before it even runs: no barging).
//!
//! # Unsafe
//!
//! The data sits in an `UnsafeCell`; its one rule: **the data is touched only through a
//! guard, and a guard exists only while its holder owns the semaphore's one permit** (or
//! through `&mut Mutex` / by value, which exclude every guard). The permit's acquire and
//! release are `AcqRel`, or hand-offs under the semaphore's lock, so each holder sees the
//! previous holder's writes.
use super::batch_semaphore::BatchSemaphore;
use crate::loom::cell::UnsafeCell;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

/// An async mutual-exclusion lock holding a `T` (asyncio's `Lock`, with the data inside).
///
/// Tasks waiting in [`lock`](Mutex::lock) get the lock in the order they asked for it
/// (FIFO): an unlock hands the lock straight to the first waiter. Hold a guard across
/// `.await` freely; for data never held across an `.await`, a blocking mutex is cheaper.
///
/// The asyncio docs' example (`async with lock:`):
///
/// ```
/// use runtime::sync::Mutex;
///
/// runtime::run(async {
///     let lock = Mutex::new(0);
///     {
///         let mut guard = lock.lock().await; // `async with lock:`
///         *guard += 1;
///     } // released here
///     assert_eq!(*lock.lock().await, 1);
/// });
/// ```
///
/// `Mutex<T>` is `Sync` when `T: Send`; a guard is `Sync` only when `T` is, as in tokio:
///
/// ```compile_fail
/// fn is_sync<T: Sync>() {}
/// is_sync::<runtime::sync::MutexGuard<'static, std::cell::Cell<u8>>>();
/// ```
pub struct Mutex<T> {
    s: BatchSemaphore,
    c: UnsafeCell<T>,
}

/// Exclusive access to a [`Mutex`]'s data; unlocks when dropped.
#[must_use = "dropping the guard unlocks the mutex at once; bind it (`let guard = ...`)"]
pub struct MutexGuard<'a, T> {
    lock: &'a Mutex<T>,
}

/// [`MutexGuard`] for an `Arc<Mutex<T>>`: `'static`, so it can move into a spawned task.
#[must_use = "dropping the guard unlocks the mutex at once; bind it (`let guard = ...`)"]
pub struct OwnedMutexGuard<T> {
    lock: Arc<Mutex<T>>,
}

/// A [`MutexGuard`] narrowed to a part of the data by [`MutexGuard::map`]; unlocks when
/// dropped.
#[must_use = "dropping the guard unlocks the mutex at once; bind it (`let guard = ...`)"]
pub struct MappedMutexGuard<'a, T: ?Sized> {
    s: &'a BatchSemaphore,
    /// Points into the locked data, borrowed mutably for `'a` under the permit.
    data: *mut T,
    marker: PhantomData<&'a mut T>,
}

/// `try_lock`, `try_read` or `try_write` found the lock held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TryLockError(pub(super) ());

// SAFETY: the data moves with the mutex, hence `T: Send`.
unsafe impl<T: Send> Send for Mutex<T> {}
// SAFETY: `&Mutex` lets one guard at a time (the unsafe rule in the module docs) reach
// `&mut T` from any thread, which is sending the `T` there: `T: Send` is enough, as for
// std's Mutex.
unsafe impl<T: Send> Sync for Mutex<T> {}
// SAFETY: `&MutexGuard` gives `&T` to every thread that shares it.
unsafe impl<T: Send + Sync> Sync for MutexGuard<'_, T> {}
// SAFETY: as for `MutexGuard`.
unsafe impl<T: Send + Sync> Sync for OwnedMutexGuard<T> {}
// SAFETY: the guard is a `&mut T` into locked data (module docs): sending it sends
// the `&mut T`, which needs `T: Send`.
unsafe impl<T: ?Sized + Send> Send for MappedMutexGuard<'_, T> {}
// SAFETY: `&MappedMutexGuard` gives `&T` only.
unsafe impl<T: ?Sized + Sync> Sync for MappedMutexGuard<'_, T> {}

impl<T> Mutex<T> {
    /// An unlocked mutex holding `value`.
    ///
    /// ```
    /// let m = runtime::sync::Mutex::new(5);
    /// assert_eq!(m.into_inner(), 5);
    /// ```
    pub fn new(value: T) -> Mutex<T> {
        Mutex {
            s: BatchSemaphore::new(1),
            c: UnsafeCell::new(value),
        }
    }

    /// `new` for `static` and `const` items.
    ///
    /// ```
    /// static COUNT: runtime::sync::Mutex<u32> = runtime::sync::Mutex::const_new(0);
    /// runtime::run(async { *COUNT.lock().await += 1 });
    /// ```
    #[cfg(not(runtime_loom))]
    pub const fn const_new(value: T) -> Mutex<T> {
        Mutex {
            s: BatchSemaphore::const_new(1),
            c: UnsafeCell::new(value),
        }
    }

    /// Waits for the lock (FIFO) and returns its guard.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe and fair: dropping the future gives up its place in the line; if the
    /// lock was handed to it already, the next waiter gets it.
    ///
    /// ```
    /// runtime::run(async {
    ///     let m = runtime::sync::Mutex::new(vec![1]);
    ///     m.lock().await.push(2);
    ///     assert_eq!(*m.lock().await, [1, 2]);
    /// });
    /// ```
    pub async fn lock(&self) -> MutexGuard<'_, T> {
        self.acquire().await;
        MutexGuard { lock: self }
    }

    async fn acquire(&self) {
        if self.s.acquire(1).await.is_err() {
            // A mutex's semaphore is never closed.
            unreachable!("a mutex's semaphore was closed");
        }
    }

    /// The lock, from a plain thread: blocks it until the lock is free.
    ///
    /// Panics on a runtime thread (it would stall every task queued on it): `.await`
    /// [`lock`](Self::lock) there instead.
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let m = Arc::new(runtime::sync::Mutex::new(1));
    /// let m2 = m.clone();
    /// std::thread::spawn(move || *m2.blocking_lock() += 1).join().unwrap();
    /// assert_eq!(*m.blocking_lock(), 2);
    /// ```
    #[track_caller]
    pub fn blocking_lock(&self) -> MutexGuard<'_, T> {
        crate::util::block::block_on_thread("`Mutex::blocking_lock`", self.lock())
    }

    /// The lock if it is free now (and nobody waits for it).
    ///
    /// ```
    /// let m = runtime::sync::Mutex::new(1);
    /// let g = m.try_lock().unwrap();
    /// assert!(m.try_lock().is_err());
    /// drop(g);
    /// assert!(m.try_lock().is_ok());
    /// ```
    pub fn try_lock(&self) -> Result<MutexGuard<'_, T>, TryLockError> {
        match self.s.try_acquire(1) {
            Ok(()) => Ok(MutexGuard { lock: self }),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// [`lock`](Self::lock) for an `Arc<Mutex<T>>`, returning a `'static` guard.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe, as [`lock`](Self::lock).
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// runtime::run(async {
    ///     let m = Arc::new(runtime::sync::Mutex::new(0));
    ///     let mut g = m.clone().lock_owned().await;
    ///     runtime::spawn(async move { *g += 1 }).await.unwrap();
    ///     assert_eq!(*m.lock().await, 1);
    /// });
    /// ```
    pub async fn lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        self.acquire().await;
        OwnedMutexGuard { lock: self }
    }

    /// [`try_lock`](Self::try_lock) for an `Arc<Mutex<T>>`.
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let m = Arc::new(runtime::sync::Mutex::new(0));
    /// let g = m.clone().try_lock_owned().unwrap();
    /// assert!(m.clone().try_lock_owned().is_err());
    /// ```
    pub fn try_lock_owned(self: Arc<Self>) -> Result<OwnedMutexGuard<T>, TryLockError> {
        match self.s.try_acquire(1) {
            Ok(()) => Ok(OwnedMutexGuard { lock: self }),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// The data, through `&mut self` (no locking needed: nobody else can hold it).
    ///
    /// ```
    /// let mut m = runtime::sync::Mutex::new(1);
    /// *m.get_mut() = 2;
    /// assert_eq!(m.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        // SAFETY: `&mut self` excludes every guard (module docs).
        self.c.with_mut(|p| unsafe { &mut *p })
    }

    /// The data, consuming the mutex.
    ///
    /// ```
    /// assert_eq!(runtime::sync::Mutex::new("x").into_inner(), "x");
    /// ```
    pub fn into_inner(self) -> T {
        let Mutex { s: _, c } = self;
        // SAFETY: we own the cell by value (no guard can exist); the value is read out
        // once and the cell forgotten, so it is never dropped twice.
        let value = c.with_mut(|p| unsafe { p.read() });
        std::mem::forget(c);
        value
    }

    /// Shared access to the data for a guard.
    fn data(&self) -> *mut T {
        self.c.with_mut(|p| p)
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Self {
        Mutex::new(T::default())
    }
}

impl<T> From<T> for Mutex<T> {
    fn from(value: T) -> Self {
        Mutex::new(value)
    }
}

impl<T: fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Mutex");
        match self.try_lock() {
            Ok(g) => d.field("data", &&*g),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

impl<'a, T> MutexGuard<'a, T> {
    /// The mutex this guard locks.
    ///
    /// ```
    /// runtime::run(async {
    ///     let m = runtime::sync::Mutex::new(1);
    ///     let g = m.lock().await;
    ///     assert!(std::ptr::eq(runtime::sync::MutexGuard::mutex(&g), &m));
    /// });
    /// ```
    pub fn mutex(this: &Self) -> &'a Mutex<T> {
        this.lock
    }

    /// Narrows the guard to a part of the data; the mutex stays locked until the new
    /// guard drops.
    ///
    /// ```
    /// use runtime::sync::{Mutex, MutexGuard};
    ///
    /// runtime::run(async {
    ///     let m = Mutex::new((1, 2));
    ///     let mut second = MutexGuard::map(m.lock().await, |pair| &mut pair.1);
    ///     *second += 1;
    ///     assert!(m.try_lock().is_err());
    ///     drop(second);
    ///     assert_eq!(*m.lock().await, (1, 3));
    /// });
    /// ```
    pub fn map<U: ?Sized>(
        mut this: Self,
        f: impl FnOnce(&mut T) -> &mut U,
    ) -> MappedMutexGuard<'a, U> {
        let data: *mut U = f(&mut *this);
        let s = &this.lock.s;
        std::mem::forget(this);
        MappedMutexGuard {
            s,
            data,
            marker: PhantomData,
        }
    }

    /// [`map`](Self::map) when `f` may find no part: `Err` gives the guard back.
    ///
    /// ```
    /// use runtime::sync::{Mutex, MutexGuard};
    ///
    /// let m = Mutex::new(vec![1]);
    /// let g = MutexGuard::try_map(m.try_lock().unwrap(), |v| v.get_mut(5)).unwrap_err();
    /// assert!(MutexGuard::try_map(g, |v| v.get_mut(0)).is_ok());
    /// ```
    pub fn try_map<U: ?Sized>(
        mut this: Self,
        f: impl FnOnce(&mut T) -> Option<&mut U>,
    ) -> Result<MappedMutexGuard<'a, U>, Self> {
        let Some(data) = f(&mut *this).map(|d| d as *mut U) else {
            return Err(this);
        };
        let s = &this.lock.s;
        std::mem::forget(this);
        Ok(MappedMutexGuard {
            s,
            data,
            marker: PhantomData,
        })
    }
}

impl<'a, T: ?Sized> MappedMutexGuard<'a, T> {
    /// Narrows the guard further.
    ///
    /// ```
    /// use runtime::sync::{MappedMutexGuard, Mutex, MutexGuard};
    ///
    /// let m = Mutex::new(((1, 2), 3));
    /// let inner = MutexGuard::map(m.try_lock().unwrap(), |t| &mut t.0);
    /// assert_eq!(*MappedMutexGuard::map(inner, |p| &mut p.1), 2);
    /// ```
    pub fn map<U: ?Sized>(
        mut this: Self,
        f: impl FnOnce(&mut T) -> &mut U,
    ) -> MappedMutexGuard<'a, U> {
        let data: *mut U = f(&mut *this);
        let s = this.s;
        std::mem::forget(this);
        MappedMutexGuard {
            s,
            data,
            marker: PhantomData,
        }
    }
}

impl<T: ?Sized> Deref for MappedMutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: `data` came from this guard's `&mut T` into the locked data, and the
        // guard still holds the permit (module docs).
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> DerefMut for MappedMutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; `&mut self` is the one way to it.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized> Drop for MappedMutexGuard<'_, T> {
    fn drop(&mut self) {
        self.s.release(1);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MappedMutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: this guard holds the permit (module docs).
        unsafe { &*self.lock.data() }
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: this guard holds the permit, and `&mut self` is the only way to it.
        unsafe { &mut *self.lock.data() }
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.s.release(1);
    }
}

impl<T: fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: fmt::Display> fmt::Display for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T> OwnedMutexGuard<T> {
    /// The mutex this guard locks.
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let m = Arc::new(runtime::sync::Mutex::new(1));
    /// let g = m.clone().try_lock_owned().unwrap();
    /// assert!(Arc::ptr_eq(runtime::sync::OwnedMutexGuard::mutex(&g), &m));
    /// ```
    pub fn mutex(this: &Self) -> &Arc<Mutex<T>> {
        &this.lock
    }
}

impl<T> Deref for OwnedMutexGuard<T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: this guard holds the permit (module docs).
        unsafe { &*self.lock.data() }
    }
}

impl<T> DerefMut for OwnedMutexGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: this guard holds the permit, and `&mut self` is the only way to it.
        unsafe { &mut *self.lock.data() }
    }
}

impl<T> Drop for OwnedMutexGuard<T> {
    fn drop(&mut self) {
        self.lock.s.release(1);
    }
}

impl<T: fmt::Debug> fmt::Debug for OwnedMutexGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl fmt::Display for TryLockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the lock is held right now: `.await` the async call to wait for it")
    }
}

impl std::error::Error for TryLockError {}
