//! The one place that chooses between std/parking_lot primitives and loom's.
//!
//! Every atomic, `UnsafeCell`, thread and lock in this crate comes from here, so that a
//! build with `--cfg runtime_loom` swaps all of them for loom's model-checked twins and
//! the models in `*/tests/loom_*.rs` see every interleaving. `clippy.toml` bans the std
//! types everywhere else.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

#[cfg(not(runtime_loom))]
mod imp {
    pub(crate) mod sync {
        pub(crate) use std::sync::Arc;

        pub(crate) mod atomic {
            //! Thin wrappers over the std atomics. They are newtypes rather than
            //! re-exports so that clippy's `disallowed-types` (which sees through `use`)
            //! flags only direct uses of the std types.
            pub(crate) use std::sync::atomic::{fence, Ordering};

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
                        #[inline(always)]
                        pub(crate) fn fetch_xor(&self, v: $int, o: Ordering) -> $int {
                            self.0.fetch_xor(v, o)
                        }
                    }
                };
            }
            atomic_int!(AtomicUsize, usize);
            atomic_int!(AtomicU64, u64);

            #[derive(Debug, Default)]
            pub(crate) struct AtomicBool(std::sync::atomic::AtomicBool);

            #[allow(dead_code)]
            impl AtomicBool {
                pub(crate) const fn new(v: bool) -> Self {
                    Self(std::sync::atomic::AtomicBool::new(v))
                }
                #[inline(always)]
                pub(crate) fn load(&self, o: Ordering) -> bool {
                    self.0.load(o)
                }
                #[inline(always)]
                pub(crate) fn store(&self, v: bool, o: Ordering) {
                    self.0.store(v, o)
                }
                #[inline(always)]
                pub(crate) fn swap(&self, v: bool, o: Ordering) -> bool {
                    self.0.swap(v, o)
                }
                #[inline(always)]
                pub(crate) fn compare_exchange(
                    &self,
                    current: bool,
                    new: bool,
                    success: Ordering,
                    failure: Ordering,
                ) -> Result<bool, bool> {
                    self.0.compare_exchange(current, new, success, failure)
                }
            }

            #[derive(Debug)]
            pub(crate) struct AtomicPtr<T>(std::sync::atomic::AtomicPtr<T>);

            #[allow(dead_code)]
            impl<T> AtomicPtr<T> {
                pub(crate) const fn new(p: *mut T) -> Self {
                    Self(std::sync::atomic::AtomicPtr::new(p))
                }
                #[inline(always)]
                pub(crate) fn load(&self, o: Ordering) -> *mut T {
                    self.0.load(o)
                }
                #[inline(always)]
                pub(crate) fn store(&self, p: *mut T, o: Ordering) {
                    self.0.store(p, o)
                }
                #[inline(always)]
                pub(crate) fn swap(&self, p: *mut T, o: Ordering) -> *mut T {
                    self.0.swap(p, o)
                }
                #[inline(always)]
                pub(crate) fn compare_exchange(
                    &self,
                    current: *mut T,
                    new: *mut T,
                    success: Ordering,
                    failure: Ordering,
                ) -> Result<*mut T, *mut T> {
                    self.0.compare_exchange(current, new, success, failure)
                }
            }
        }

        /// `parking_lot::Mutex` behind a newtype (no poisoning; `lock()` returns the guard).
        #[derive(Debug, Default)]
        pub(crate) struct Mutex<T>(parking_lot::Mutex<T>);
        pub(crate) type MutexGuard<'a, T> = parking_lot::MutexGuard<'a, T>;

        #[allow(dead_code)]
        impl<T> Mutex<T> {
            pub(crate) const fn new(value: T) -> Self {
                Self(parking_lot::const_mutex(value))
            }
            #[inline(always)]
            pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
                self.0.lock()
            }
            #[inline(always)]
            pub(crate) fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
                self.0.try_lock()
            }
        }

        /// `parking_lot::Condvar` behind the same interface loom's stand-in offers.
        #[derive(Debug, Default)]
        pub(crate) struct Condvar(parking_lot::Condvar);

        impl Condvar {
            pub(crate) fn new() -> Self {
                Self(parking_lot::Condvar::new())
            }
            pub(crate) fn wait<T>(&self, guard: &mut MutexGuard<'_, T>) {
                self.0.wait(guard);
            }
            /// Returns `true` when the wait timed out.
            pub(crate) fn wait_timeout<T>(
                &self,
                guard: &mut MutexGuard<'_, T>,
                timeout: std::time::Duration,
            ) -> bool {
                self.0.wait_for(guard, timeout).timed_out()
            }
            pub(crate) fn notify_one(&self) {
                self.0.notify_one();
            }
        }
    }

    pub(crate) mod cell {
        /// `UnsafeCell` with loom's closure-based access API, so call sites are identical
        /// under both configurations.
        #[derive(Debug)]
        pub(crate) struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

        impl<T> UnsafeCell<T> {
            pub(crate) const fn new(data: T) -> Self {
                Self(std::cell::UnsafeCell::new(data))
            }
            #[inline(always)]
            pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
                f(self.0.get())
            }
            #[inline(always)]
            pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
                f(self.0.get())
            }
        }
    }

    pub(crate) mod thread {
        // Used by the worker pools of later schedulers and by the loom models.
        #[allow(unused_imports)]
        pub(crate) use std::thread::{spawn, yield_now};
    }

    /// `thread_local!` from std (call sites use the `const { }` form, which skips the
    /// lazy-initialization check on every access).
    macro_rules! rt_thread_local {
        ($($tt:tt)*) => { std::thread_local!($($tt)*); };
    }
    pub(crate) use rt_thread_local as thread_local;
}

#[cfg(runtime_loom)]
mod imp {
    pub(crate) mod sync {
        pub(crate) use loom::sync::Arc;

        pub(crate) mod atomic {
            pub(crate) use loom::sync::atomic::{
                fence, AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering,
            };
        }

        /// loom's mutex behind parking_lot's interface (no poisoning).
        #[derive(Debug)]
        pub(crate) struct Mutex<T>(loom::sync::Mutex<T>);

        /// Guard of the loom stand-in; the `Option` lets the condvar move it out and back.
        #[derive(Debug)]
        pub(crate) struct MutexGuard<'a, T>(Option<loom::sync::MutexGuard<'a, T>>);

        impl<T> std::ops::Deref for MutexGuard<'_, T> {
            type Target = T;
            fn deref(&self) -> &T {
                self.0.as_ref().expect("guard present")
            }
        }

        impl<T> std::ops::DerefMut for MutexGuard<'_, T> {
            fn deref_mut(&mut self) -> &mut T {
                self.0.as_mut().expect("guard present")
            }
        }

        impl<T> Mutex<T> {
            pub(crate) fn new(value: T) -> Self {
                Self(loom::sync::Mutex::new(value))
            }
            pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
                MutexGuard(Some(self.0.lock().unwrap()))
            }
            #[allow(dead_code)]
            pub(crate) fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
                self.0.try_lock().ok().map(|g| MutexGuard(Some(g)))
            }
        }

        impl<T: Default> Default for Mutex<T> {
            fn default() -> Self {
                Self::new(T::default())
            }
        }

        /// loom's condvar behind the std-side interface. loom has no time, so a timed
        /// wait is modelled as a plain wait (which loom may also end spuriously).
        #[derive(Debug, Default)]
        pub(crate) struct Condvar(loom::sync::Condvar);

        impl Condvar {
            pub(crate) fn new() -> Self {
                Self(loom::sync::Condvar::new())
            }
            pub(crate) fn wait<T>(&self, guard: &mut MutexGuard<'_, T>) {
                let inner = guard.0.take().expect("guard present");
                guard.0 = Some(self.0.wait(inner).unwrap());
            }
            pub(crate) fn wait_timeout<T>(
                &self,
                guard: &mut MutexGuard<'_, T>,
                _timeout: std::time::Duration,
            ) -> bool {
                self.wait(guard);
                false
            }
            pub(crate) fn notify_one(&self) {
                self.0.notify_one();
            }
        }
    }

    pub(crate) mod cell {
        pub(crate) use loom::cell::UnsafeCell;
    }

    pub(crate) mod thread {
        #[allow(unused_imports)]
        pub(crate) use loom::thread::{spawn, yield_now};
    }

    /// loom's `thread_local!`, which has no `const { }` initializer form: the block is
    /// unwrapped into a lazy initializer, so call sites can write std's faster form.
    macro_rules! rt_thread_local {
        ($(#[$m:meta])* static $name:ident: $t:ty = const { $init:expr };) => {
            loom::thread_local!($(#[$m])* static $name: $t = $init;);
        };
        ($($tt:tt)*) => { loom::thread_local!($($tt)*); };
    }
    pub(crate) use rt_thread_local as thread_local;
}

pub(crate) use imp::*;

/// Backs off in a retry loop: a CPU spin hint normally; under loom a yield, so the model
/// lets the other thread make progress.
#[inline]
pub(crate) fn spin_hint() {
    #[cfg(not(runtime_loom))]
    std::hint::spin_loop();
    #[cfg(runtime_loom)]
    loom::thread::yield_now();
}

/// Runs a loom model with the preemption bound from `LOOM_MAX_PREEMPTIONS` (default 2),
/// and reports how many interleavings it explored.
#[cfg(all(test, runtime_loom))]
pub(crate) fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut b = loom::model::Builder::new();
    if b.preemption_bound.is_none() {
        b.preemption_bound = Some(2);
    }
    // A plain std counter, outside the model.
    let runs = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let r = runs.clone();
    b.check(move || {
        r.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        f()
    });
    eprintln!(
        "loom: {} interleavings explored",
        runs.load(std::sync::atomic::Ordering::Relaxed)
    );
}
