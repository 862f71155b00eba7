//! The one place that picks std/parking_lot or loom primitives.
//!
//! Every other module takes its atomics, `Arc` and locks from here
//! (`crate::loom::sync::{Arc, Mutex, atomic::AtomicU64}`), and `clippy.toml` bans the
//! std and parking_lot types everywhere else, so a loom model (`--cfg runtime_loom`)
//! sees every synchronising operation of the clock and the timers.
//! `Mutex::lock` returns the guard directly on both sides (no poisoning: neither the
//! clock nor a timer shard runs user code while it holds its lock).

#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

#[cfg(not(runtime_loom))]
pub(crate) mod sync {
    pub(crate) use std::sync::Arc;

    /// The guard [`Mutex::lock`] returns.
    pub(crate) type MutexGuard<'a, T> = parking_lot::MutexGuard<'a, T>;

    /// A mutex (parking_lot's; loom's under `runtime_loom`).
    #[derive(Debug, Default)]
    pub(crate) struct Mutex<T>(parking_lot::Mutex<T>);

    impl<T> Mutex<T> {
        pub(crate) fn new(value: T) -> Self {
            Self(parking_lot::Mutex::new(value))
        }

        #[inline]
        pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
            self.0.lock()
        }

        #[inline]
        pub(crate) fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
            self.0.try_lock()
        }
    }

    pub(crate) mod atomic {
        //! Newtypes rather than re-exports, so that clippy's `disallowed-types` (which
        //! sees through `use`) flags only direct uses of the std types.
        pub(crate) use std::sync::atomic::Ordering;

        macro_rules! atomic_int {
            ($name:ident, $int:ty) => {
                #[derive(Debug, Default)]
                pub(crate) struct $name(std::sync::atomic::$name);

                #[allow(dead_code)]
                impl $name {
                    pub(crate) const fn new(v: $int) -> Self {
                        Self(std::sync::atomic::$name::new(v))
                    }
                    #[inline(always)]
                    pub(crate) fn load(&self, o: Ordering) -> $int {
                        self.0.load(o)
                    }
                    #[inline(always)]
                    pub(crate) fn store(&self, v: $int, o: Ordering) {
                        self.0.store(v, o)
                    }
                    #[inline(always)]
                    pub(crate) fn swap(&self, v: $int, o: Ordering) -> $int {
                        self.0.swap(v, o)
                    }
                    #[inline(always)]
                    pub(crate) fn compare_exchange(
                        &self,
                        current: $int,
                        new: $int,
                        success: Ordering,
                        failure: Ordering,
                    ) -> Result<$int, $int> {
                        self.0.compare_exchange(current, new, success, failure)
                    }
                    #[inline(always)]
                    pub(crate) fn fetch_add(&self, v: $int, o: Ordering) -> $int {
                        self.0.fetch_add(v, o)
                    }
                    #[inline(always)]
                    pub(crate) fn fetch_sub(&self, v: $int, o: Ordering) -> $int {
                        self.0.fetch_sub(v, o)
                    }
                    #[inline(always)]
                    pub(crate) fn fetch_and(&self, v: $int, o: Ordering) -> $int {
                        self.0.fetch_and(v, o)
                    }
                    #[inline(always)]
                    pub(crate) fn fetch_or(&self, v: $int, o: Ordering) -> $int {
                        self.0.fetch_or(v, o)
                    }
                }
            };
        }
        atomic_int!(AtomicUsize, usize);
        atomic_int!(AtomicU64, u64);
    }
}

/// `thread_local!` from std (call sites use the `const { }` form).
#[cfg(not(runtime_loom))]
macro_rules! rt_thread_local {
    ($($tt:tt)*) => { std::thread_local!($($tt)*); };
}

/// loom's `thread_local!`, which has no `const { }` initializer form: the block is
/// unwrapped into a lazy initializer.
#[cfg(runtime_loom)]
macro_rules! rt_thread_local {
    ($(#[$m:meta])* static $name:ident: $t:ty = const { $init:expr };) => {
        loom::thread_local!($(#[$m])* static $name: $t = $init;);
    };
    ($($tt:tt)*) => { loom::thread_local!($($tt)*); };
}
pub(crate) use rt_thread_local as thread_local;

#[cfg(runtime_loom)]
pub(crate) mod sync {
    pub(crate) use loom::sync::Arc;

    /// The guard [`Mutex::lock`] returns.
    pub(crate) type MutexGuard<'a, T> = loom::sync::MutexGuard<'a, T>;

    /// A mutex (loom's; parking_lot's outside `runtime_loom`).
    #[derive(Debug, Default)]
    pub(crate) struct Mutex<T>(loom::sync::Mutex<T>);

    impl<T> Mutex<T> {
        pub(crate) fn new(value: T) -> Self {
            Self(loom::sync::Mutex::new(value))
        }

        pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        }

        pub(crate) fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
            match self.0.try_lock() {
                Ok(guard) => Some(guard),
                Err(std::sync::TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
                Err(std::sync::TryLockError::WouldBlock) => None,
            }
        }
    }

    pub(crate) mod atomic {
        pub(crate) use loom::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
    }
}

#[cfg(all(test, runtime_loom))]
pub(crate) mod thread {
    pub(crate) use loom::thread::spawn;
}

/// Runs `f` as a loom model (used by every `loom_*` test in this crate).
#[cfg(all(test, runtime_loom))]
pub(crate) fn model<F>(f: F)
where
    F: Fn() + Sync + Send + 'static,
{
    loom::model(f);
}
