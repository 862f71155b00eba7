//! The one place that picks std/parking_lot or loom primitives.
//!
//! Every other module imports atomics, locks, condvars and threads from here
//! (`crate::loom::sync::…`, `crate::loom::thread`), and `clippy.toml` bans the std
//! and parking_lot types everywhere else, so a loom model (`--cfg runtime_loom`)
//! sees every synchronising operation the pool performs.
//!
//! Both sides present the same small interface:
//!
//! - `Mutex::lock` returns the guard directly (no poisoning: the pool never panics
//!   while it holds a lock, and a job runs outside every lock).
//! - `Condvar::wait(guard) -> guard` and
//!   `Condvar::wait_timeout(guard, dur) -> (guard, timed_out)`, by value like std.
//! - `RwLock::{read, write}` return guards directly.
//! - `thread::spawn_detached(name, stack_size, f) -> io::Result<()>`, and for tests
//!   `thread::spawn(f) -> JoinHandle` (and, under loom only, `thread::yield_now` for
//!   a model's wait loop).
//!
//! # Time under loom
//!
//! Loom has no clock, and `loom::sync::Condvar::wait_timeout` never times out. The
//! loom side of [`sync::Condvar::wait_timeout`] therefore models a timeout this way:
//!
//! - a **zero** duration times out at once, without waiting (after the caller has
//!   released and re-taken nothing: it simply reports `timed_out`);
//! - any **other** duration waits for a notification only, and never reports a
//!   timeout.
//!
//! Models choose a zero keep-alive to explore "the keep-alive expired at the worst
//! moment" races, and a long one to explore the notification protocol, where a lost
//! wakeup shows as a loom deadlock. Real code handles both outcomes (and spurious
//! wakeups) everywhere, so either choice exercises real paths.

#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

#[cfg(not(runtime_loom))]
pub(crate) mod sync {
    pub(crate) use std::sync::Arc;

    use std::time::Duration;

    /// Newtypes rather than re-exports: clippy's `disallowed-types` sees through a
    /// `use`, so other modules would be flagged for naming the std types.
    pub(crate) mod atomic {
        pub(crate) use std::sync::atomic::Ordering;

        /// `std::sync::atomic::AtomicUsize` (loom's under `runtime_loom`).
        #[derive(Debug, Default)]
        #[repr(transparent)]
        pub(crate) struct AtomicUsize(std::sync::atomic::AtomicUsize);

        impl AtomicUsize {
            pub(crate) const fn new(value: usize) -> Self {
                Self(std::sync::atomic::AtomicUsize::new(value))
            }

            #[inline]
            pub(crate) fn load(&self, order: Ordering) -> usize {
                self.0.load(order)
            }

            #[inline]
            pub(crate) fn fetch_add(&self, value: usize, order: Ordering) -> usize {
                self.0.fetch_add(value, order)
            }

            #[inline]
            pub(crate) fn fetch_sub(&self, value: usize, order: Ordering) -> usize {
                self.0.fetch_sub(value, order)
            }

            #[inline]
            pub(crate) fn fetch_update(
                &self,
                set_order: Ordering,
                fetch_order: Ordering,
                f: impl FnMut(usize) -> Option<usize>,
            ) -> Result<usize, usize> {
                self.0.fetch_update(set_order, fetch_order, f)
            }
        }

        /// `std::sync::atomic::AtomicIsize` (loom's under `runtime_loom`).
        #[derive(Debug, Default)]
        #[repr(transparent)]
        pub(crate) struct AtomicIsize(std::sync::atomic::AtomicIsize);

        impl AtomicIsize {
            pub(crate) const fn new(value: isize) -> Self {
                Self(std::sync::atomic::AtomicIsize::new(value))
            }

            #[inline]
            pub(crate) fn load(&self, order: Ordering) -> isize {
                self.0.load(order)
            }

            #[inline]
            pub(crate) fn fetch_add(&self, value: isize, order: Ordering) -> isize {
                self.0.fetch_add(value, order)
            }

            #[inline]
            pub(crate) fn fetch_sub(&self, value: isize, order: Ordering) -> isize {
                self.0.fetch_sub(value, order)
            }

            #[inline]
            pub(crate) fn fetch_update(
                &self,
                set_order: Ordering,
                fetch_order: Ordering,
                f: impl FnMut(isize) -> Option<isize>,
            ) -> Result<isize, isize> {
                self.0.fetch_update(set_order, fetch_order, f)
            }
        }

        /// `std::sync::atomic::AtomicBool` (loom's under `runtime_loom`).
        #[derive(Debug, Default)]
        #[repr(transparent)]
        pub(crate) struct AtomicBool(std::sync::atomic::AtomicBool);

        impl AtomicBool {
            pub(crate) const fn new(value: bool) -> Self {
                Self(std::sync::atomic::AtomicBool::new(value))
            }

            #[inline]
            pub(crate) fn load(&self, order: Ordering) -> bool {
                self.0.load(order)
            }

            #[inline]
            pub(crate) fn store(&self, value: bool, order: Ordering) {
                self.0.store(value, order);
            }
        }
    }

    /// A mutex (parking_lot's; loom's under `runtime_loom`).
    #[derive(Debug, Default)]
    pub(crate) struct Mutex<T>(parking_lot::Mutex<T>);

    /// The guard of [`Mutex`].
    pub(crate) type MutexGuard<'a, T> = parking_lot::MutexGuard<'a, T>;

    impl<T> Mutex<T> {
        pub(crate) fn new(value: T) -> Self {
            Self(parking_lot::Mutex::new(value))
        }

        pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
            self.0.lock()
        }
    }

    /// A condition variable (parking_lot's; loom's under `runtime_loom`).
    #[derive(Debug, Default)]
    pub(crate) struct Condvar(parking_lot::Condvar);

    impl Condvar {
        pub(crate) fn new() -> Self {
            Self(parking_lot::Condvar::new())
        }

        #[cfg_attr(not(test), allow(dead_code))] // the queue's stand-in uses it
        pub(crate) fn wait<'a, T>(&self, mut guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
            self.0.wait(&mut guard);
            guard
        }

        /// Waits for a notification or `dur`; the flag says whether it timed out.
        pub(crate) fn wait_timeout<'a, T>(
            &self,
            mut guard: MutexGuard<'a, T>,
            dur: Duration,
        ) -> (MutexGuard<'a, T>, bool) {
            let timed_out = self.0.wait_for(&mut guard, dur).timed_out();
            (guard, timed_out)
        }

        #[cfg_attr(not(test), allow(dead_code))] // the queue's stand-in uses it
        pub(crate) fn notify_one(&self) {
            self.0.notify_one();
        }

        pub(crate) fn notify_all(&self) {
            self.0.notify_all();
        }
    }

    /// A reader-writer lock (parking_lot's; loom's under `runtime_loom`).
    #[derive(Debug, Default)]
    pub(crate) struct RwLock<T>(parking_lot::RwLock<T>);

    impl<T> RwLock<T> {
        pub(crate) fn new(value: T) -> Self {
            Self(parking_lot::RwLock::new(value))
        }

        pub(crate) fn read(&self) -> parking_lot::RwLockReadGuard<'_, T> {
            self.0.read()
        }

        pub(crate) fn write(&self) -> parking_lot::RwLockWriteGuard<'_, T> {
            self.0.write()
        }
    }
}

#[cfg(not(runtime_loom))]
pub(crate) mod thread {
    use std::io;

    #[cfg(test)]
    pub(crate) use std::thread::JoinHandle;

    /// Starts a detached, named thread.
    pub(crate) fn spawn_detached<F>(name: String, stack_size: Option<usize>, f: F) -> io::Result<()>
    where
        F: FnOnce() + Send + 'static,
    {
        let mut builder = std::thread::Builder::new().name(name);
        if let Some(bytes) = stack_size {
            builder = builder.stack_size(bytes);
        }
        builder.spawn(f).map(drop)
    }

    /// Starts a thread whose result the caller joins (tests only).
    #[cfg(test)]
    pub(crate) fn spawn<F, T>(f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        std::thread::spawn(f)
    }

    /// CPUs this process may use, 1 if unknown.
    pub(crate) fn available_parallelism() -> usize {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

#[cfg(runtime_loom)]
pub(crate) mod sync {
    pub(crate) use loom::sync::Arc;

    use std::sync::PoisonError;
    use std::time::Duration;

    pub(crate) mod atomic {
        pub(crate) use loom::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering};
    }

    /// A mutex (loom's; parking_lot's outside `runtime_loom`).
    #[derive(Debug, Default)]
    pub(crate) struct Mutex<T>(loom::sync::Mutex<T>);

    /// The guard of [`Mutex`].
    pub(crate) type MutexGuard<'a, T> = loom::sync::MutexGuard<'a, T>;

    impl<T> Mutex<T> {
        pub(crate) fn new(value: T) -> Self {
            Self(loom::sync::Mutex::new(value))
        }

        pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
            self.0.lock().unwrap_or_else(PoisonError::into_inner)
        }
    }

    /// A condition variable (loom's; parking_lot's outside `runtime_loom`).
    #[derive(Debug, Default)]
    pub(crate) struct Condvar(loom::sync::Condvar);

    impl Condvar {
        pub(crate) fn new() -> Self {
            Self(loom::sync::Condvar::new())
        }

        pub(crate) fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
            self.0.wait(guard).unwrap_or_else(PoisonError::into_inner)
        }

        /// Loom has no time: a zero `dur` times out at once, any other waits for a
        /// notification and never times out (see the module docs).
        pub(crate) fn wait_timeout<'a, T>(
            &self,
            guard: MutexGuard<'a, T>,
            dur: Duration,
        ) -> (MutexGuard<'a, T>, bool) {
            if dur.is_zero() {
                (guard, true)
            } else {
                (self.wait(guard), false)
            }
        }

        pub(crate) fn notify_one(&self) {
            self.0.notify_one();
        }

        pub(crate) fn notify_all(&self) {
            self.0.notify_all();
        }
    }

    /// A reader-writer lock (loom's; parking_lot's outside `runtime_loom`).
    #[derive(Debug, Default)]
    pub(crate) struct RwLock<T>(loom::sync::RwLock<T>);

    impl<T> RwLock<T> {
        pub(crate) fn new(value: T) -> Self {
            Self(loom::sync::RwLock::new(value))
        }

        pub(crate) fn read(&self) -> loom::sync::RwLockReadGuard<'_, T> {
            self.0.read().unwrap_or_else(PoisonError::into_inner)
        }

        pub(crate) fn write(&self) -> loom::sync::RwLockWriteGuard<'_, T> {
            self.0.write().unwrap_or_else(PoisonError::into_inner)
        }
    }
}

#[cfg(runtime_loom)]
pub(crate) mod thread {
    use std::io;

    #[cfg(test)]
    pub(crate) use loom::thread::JoinHandle;

    /// Starts a detached, named thread.
    pub(crate) fn spawn_detached<F>(name: String, stack_size: Option<usize>, f: F) -> io::Result<()>
    where
        F: FnOnce() + Send + 'static,
    {
        let mut builder = loom::thread::Builder::new().name(name);
        if let Some(bytes) = stack_size {
            builder = builder.stack_size(bytes);
        }
        builder.spawn(f).map(drop)
    }

    /// Starts a thread whose result the caller joins (tests only).
    #[cfg(test)]
    pub(crate) fn spawn<F, T>(f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        loom::thread::spawn(f)
    }

    /// Lets other model threads run; a model's wait loop must call it on every
    /// turn (tests only).
    #[cfg(test)]
    pub(crate) fn yield_now() {
        loom::thread::yield_now();
    }

    /// CPUs this process may use, 1 if unknown (the real machine's, under loom too).
    pub(crate) fn available_parallelism() -> usize {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// Runs `f` as a loom model (used by every `loom_*` test in this crate).
#[cfg(all(test, runtime_loom))]
pub(crate) fn model<F>(f: F)
where
    F: Fn() + Sync + Send + 'static,
{
    loom::model(f);
}
