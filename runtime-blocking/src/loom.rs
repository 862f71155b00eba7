//! The one place that chooses between std/parking_lot primitives and loom's.
//!
//! Every atomic, `UnsafeCell`, `OnceLock`, thread and lock of the crate comes from here,
//! so that a build with `--cfg runtime_loom` swaps all of them for loom's model-checked
//! twins and the `loom_*` models see every synchronising operation. Each crate's
//! `clippy.toml` bans the std and parking_lot types everywhere else.
//!
//! This file is the same, byte for byte, in `runtime-core`, `runtime-timer` and
//! `runtime-blocking` (`ci/loom-shims.sh` checks it): one interface and one behaviour
//! for every crate. It is the union of what the three need, so an item one crate does not
//! use carries a narrow `#[allow(dead_code)]` (or `unused_imports`/`unused_macros`) here,
//! and nowhere else.
//!
//! # Interface (the same on both sides)
//!
//! - `sync::atomic::{AtomicBool, AtomicIsize, AtomicPtr, AtomicU64, AtomicUsize, fence,
//!   Ordering}`. Outside loom the atomics are newtypes, not re-exports: clippy's
//!   `disallowed-types` sees through a `use`, so a re-export would flag every user.
//! - `sync::{Arc, Mutex, MutexGuard, Condvar, RwLock, RwLockReadGuard, RwLockWriteGuard,
//!   OnceLock}`, in parking_lot's style:
//!   `Mutex::lock` and `RwLock::{read, write}` return the guard directly;
//!   `Condvar::wait(&mut guard)`; `Condvar::wait_timeout(&mut guard, dur) -> bool`, `true`
//!   when it timed out; `OnceLock::{get, set}` as std's.
//! - `cell::UnsafeCell` with loom's closure API (`with`, `with_mut`).
//! - `thread::{spawn, spawn_named, spawn_detached, yield_now, available_parallelism,
//!   JoinHandle}`, the `thread_local!` macro (call sites write std's `const { }` form),
//!   the `static_atomic!` macro (a process-wide atomic), [`spin_hint`] for retry loops,
//!   and, for models, `model`.
//!
//! # No poisoning
//!
//! parking_lot's locks do not poison, so neither do the loom stand-ins: a lock whose
//! holder panicked is handed over as it is (`PoisonError::into_inner`). The runtime never
//! runs user code while it holds one of these locks, so there is no half-updated state a
//! poison flag would protect.
//!
//! # Time under loom
//!
//! Loom has no clock (`loom::sync::Condvar::wait_timeout` never times out), so a timed
//! wait cannot be modelled faithfully. Under loom, [`sync::Condvar::wait_timeout`]:
//!
//! - with a **zero** duration reports a timeout at once, without waiting;
//! - with **any other** duration waits for a notification only, and never reports a
//!   timeout.
//!
//! So a model picks its race: a zero timeout explores "the deadline passed at the worst
//! moment" (a pool thread's keep-alive expiring as a job arrives), a non-zero one explores
//! the notification protocol, where a lost wakeup shows up as a loom deadlock instead of
//! being papered over by a timeout. The real wait can end either way (and spuriously), and
//! every caller handles both outcomes, so both choices run real paths.
//!
//! # Preemption bound
//!
//! [`DEFAULT_MAX_PREEMPTIONS`] is the one default bound of every crate's models;
//! `LOOM_MAX_PREEMPTIONS` overrides it (`ci/loom.sh` raises it for the crates whose
//! models stay small at a deeper bound).
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

/// The loom preemption bound `model` uses when `LOOM_MAX_PREEMPTIONS` is unset.
#[allow(dead_code)] // read by `model`, which exists only in loom test builds
pub(crate) const DEFAULT_MAX_PREEMPTIONS: usize = 2;

#[cfg(not(runtime_loom))]
mod imp {
    pub(crate) mod sync {
        pub(crate) use std::sync::Arc;

        pub(crate) mod atomic {
            //! Thin wrappers over the std atomics (see the module docs for why).
            #[allow(unused_imports)]
            pub(crate) use std::sync::atomic::{fence, Ordering};

            macro_rules! atomic_int {
                ($name:ident, $int:ty) => {
                    #[derive(Debug, Default)]
                    #[allow(dead_code)]
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
                        #[inline(always)]
                        pub(crate) fn fetch_update(
                            &self,
                            set_order: Ordering,
                            fetch_order: Ordering,
                            f: impl FnMut($int) -> Option<$int>,
                        ) -> Result<$int, $int> {
                            self.0.fetch_update(set_order, fetch_order, f)
                        }
                    }
                };
            }
            atomic_int!(AtomicUsize, usize);
            atomic_int!(AtomicIsize, isize);
            atomic_int!(AtomicU64, u64);

            #[derive(Debug, Default)]
            #[allow(dead_code)]
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
            #[allow(dead_code)]
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

        /// A mutex: parking_lot's (loom's under `runtime_loom`).
        #[derive(Debug, Default)]
        pub(crate) struct Mutex<T>(parking_lot::Mutex<T>);

        /// The guard [`Mutex::lock`] returns.
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

        /// A condition variable: parking_lot's (loom's under `runtime_loom`).
        #[derive(Debug, Default)]
        #[allow(dead_code)]
        pub(crate) struct Condvar(parking_lot::Condvar);

        #[allow(dead_code)]
        impl Condvar {
            pub(crate) const fn new() -> Self {
                Self(parking_lot::Condvar::new())
            }
            /// Releases the lock, waits for a notification (or a spurious wakeup) and
            /// takes the lock again.
            pub(crate) fn wait<T>(&self, guard: &mut MutexGuard<'_, T>) {
                self.0.wait(guard);
            }
            /// Like [`wait`](Self::wait), for at most `timeout`; `true` when it timed out.
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
            pub(crate) fn notify_all(&self) {
                self.0.notify_all();
            }
        }

        /// A reader-writer lock: parking_lot's (loom's under `runtime_loom`).
        #[derive(Debug, Default)]
        #[allow(dead_code)]
        pub(crate) struct RwLock<T>(parking_lot::RwLock<T>);

        /// The guards of [`RwLock`], for types that hold one.
        #[allow(unused_imports)]
        pub(crate) use parking_lot::{RwLockReadGuard, RwLockWriteGuard};

        #[allow(dead_code)]
        impl<T> RwLock<T> {
            pub(crate) const fn new(value: T) -> Self {
                Self(parking_lot::const_rwlock(value))
            }
            pub(crate) fn read(&self) -> parking_lot::RwLockReadGuard<'_, T> {
                self.0.read()
            }
            pub(crate) fn write(&self) -> parking_lot::RwLockWriteGuard<'_, T> {
                self.0.write()
            }
        }

        /// A cell written at most once: std's `OnceLock` (a stand-in under loom).
        #[derive(Debug, Default)]
        #[allow(dead_code)]
        pub(crate) struct OnceLock<T>(std::sync::OnceLock<T>);

        #[allow(dead_code)]
        impl<T> OnceLock<T> {
            pub(crate) const fn new() -> Self {
                Self(std::sync::OnceLock::new())
            }
            #[inline]
            pub(crate) fn get(&self) -> Option<&T> {
                self.0.get()
            }
            /// Stores `value` unless a value is already there, which it hands back.
            pub(crate) fn set(&self, value: T) -> Result<(), T> {
                self.0.set(value)
            }
        }
    }

    pub(crate) mod cell {
        /// `UnsafeCell` with loom's closure-based access API, so call sites are identical
        /// under both configurations.
        #[derive(Debug)]
        #[allow(dead_code)]
        pub(crate) struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

        #[allow(dead_code)]
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

    /// `thread_local!` from std (call sites use the `const { }` form, which skips the
    /// lazy-initialization check on every access).
    #[allow(unused_macros)]
    macro_rules! rt_thread_local {
        ($($tt:tt)*) => { std::thread_local!($($tt)*); };
    }
    #[allow(unused_imports)]
    pub(crate) use rt_thread_local as thread_local;

    /// A process-wide atomic: a plain `static` (its `new` is `const`).
    #[allow(unused_macros)]
    macro_rules! rt_static_atomic {
        ($(#[$m:meta])* static $name:ident: $t:ident = $init:expr;) => {
            $(#[$m])* static $name: $crate::loom::sync::atomic::$t =
                $crate::loom::sync::atomic::$t::new($init);
        };
    }
    #[allow(unused_imports)]
    pub(crate) use rt_static_atomic as static_atomic;
}

#[cfg(runtime_loom)]
mod imp {
    pub(crate) mod sync {
        pub(crate) use loom::sync::Arc;
        use std::sync::PoisonError;

        pub(crate) mod atomic {
            #[allow(unused_imports)]
            pub(crate) use loom::sync::atomic::{
                fence, AtomicBool, AtomicIsize, AtomicPtr, AtomicU64, AtomicUsize, Ordering,
            };
        }

        /// loom's mutex behind parking_lot's interface.
        #[derive(Debug, Default)]
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

        #[allow(dead_code)]
        impl<T> Mutex<T> {
            pub(crate) fn new(value: T) -> Self {
                Self(loom::sync::Mutex::new(value))
            }
            pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
                MutexGuard(Some(self.0.lock().unwrap_or_else(PoisonError::into_inner)))
            }
            pub(crate) fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
                match self.0.try_lock() {
                    Ok(guard) => Some(MutexGuard(Some(guard))),
                    Err(std::sync::TryLockError::Poisoned(p)) => {
                        Some(MutexGuard(Some(p.into_inner())))
                    }
                    Err(std::sync::TryLockError::WouldBlock) => None,
                }
            }
        }

        /// loom's condvar behind parking_lot's interface; timed waits as the module docs
        /// say.
        #[derive(Debug, Default)]
        #[allow(dead_code)]
        pub(crate) struct Condvar(loom::sync::Condvar);

        #[allow(dead_code)]
        impl Condvar {
            pub(crate) fn new() -> Self {
                Self(loom::sync::Condvar::new())
            }
            pub(crate) fn wait<T>(&self, guard: &mut MutexGuard<'_, T>) {
                let inner = guard.0.take().expect("guard present");
                guard.0 = Some(self.0.wait(inner).unwrap_or_else(PoisonError::into_inner));
            }
            /// Loom has no clock: a zero `timeout` times out at once, any other waits for
            /// a notification and never times out (see the module docs).
            pub(crate) fn wait_timeout<T>(
                &self,
                guard: &mut MutexGuard<'_, T>,
                timeout: std::time::Duration,
            ) -> bool {
                if timeout.is_zero() {
                    return true;
                }
                self.wait(guard);
                false
            }
            pub(crate) fn notify_one(&self) {
                self.0.notify_one();
            }
            pub(crate) fn notify_all(&self) {
                self.0.notify_all();
            }
        }

        /// loom's reader-writer lock behind parking_lot's interface.
        #[derive(Debug, Default)]
        #[allow(dead_code)]
        pub(crate) struct RwLock<T>(loom::sync::RwLock<T>);

        /// The guards of [`RwLock`], for types that hold one.
        #[allow(unused_imports)]
        pub(crate) use loom::sync::{RwLockReadGuard, RwLockWriteGuard};

        #[allow(dead_code)]
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

        /// Stand-in for std's `OnceLock` (loom has none). The value lives in a std
        /// `OnceLock`, which loom does not see; a loom flag published after the value
        /// is stored gates `get`, so models see the publication (`get` returns the value
        /// only after an acquire load of the flag a release store set). Safe code only:
        /// `runtime-timer` and `runtime-blocking` forbid `unsafe`.
        #[derive(Debug, Default)]
        #[allow(dead_code)]
        pub(crate) struct OnceLock<T> {
            ready: loom::sync::atomic::AtomicBool,
            value: std::sync::OnceLock<T>,
        }

        #[allow(dead_code)]
        impl<T> OnceLock<T> {
            pub(crate) fn new() -> Self {
                Self {
                    ready: loom::sync::atomic::AtomicBool::new(false),
                    value: std::sync::OnceLock::new(),
                }
            }
            pub(crate) fn get(&self) -> Option<&T> {
                if self.ready.load(loom::sync::atomic::Ordering::Acquire) {
                    self.value.get()
                } else {
                    None
                }
            }
            /// Stores `value` unless a value is already there, which it hands back.
            pub(crate) fn set(&self, value: T) -> Result<(), T> {
                use loom::sync::atomic::Ordering::{Acquire, Release};
                match self.value.set(value) {
                    Ok(()) => {
                        self.ready.store(true, Release);
                        Ok(())
                    }
                    Err(value) => {
                        // Like std, `set` returns once the value is visible to `get`.
                        while !self.ready.load(Acquire) {
                            loom::thread::yield_now();
                        }
                        Err(value)
                    }
                }
            }
        }
    }

    pub(crate) mod cell {
        #[allow(unused_imports)]
        pub(crate) use loom::cell::UnsafeCell;
    }

    /// loom's `thread_local!`, which has no `const { }` initializer form: the block is
    /// unwrapped into a lazy initializer, so call sites can write std's faster form.
    #[allow(unused_macros)]
    macro_rules! rt_thread_local {
        ($(#[$m:meta])* static $name:ident: $t:ty = const { $init:expr };) => {
            loom::thread_local!($(#[$m])* static $name: $t = $init;);
        };
        ($($tt:tt)*) => { loom::thread_local!($($tt)*); };
    }
    #[allow(unused_imports)]
    pub(crate) use rt_thread_local as thread_local;

    /// A process-wide atomic: loom's atomics are not `const`-constructible, so it is a
    /// `loom::lazy_static!` (reset between model iterations), used through `Deref`.
    #[allow(unused_macros)]
    macro_rules! rt_static_atomic {
        ($(#[$m:meta])* static $name:ident: $t:ident = $init:expr;) => {
            loom::lazy_static! {
                $(#[$m])* static ref $name: $crate::loom::sync::atomic::$t =
                    $crate::loom::sync::atomic::$t::new($init);
            }
        };
    }
    #[allow(unused_imports)]
    pub(crate) use rt_static_atomic as static_atomic;
}

pub(crate) use imp::*;

/// Threads: std's, or loom's model threads; one set of functions over either.
#[allow(dead_code)]
pub(crate) mod thread {
    #[cfg(runtime_loom)]
    use loom::thread as backend;
    use std::io;
    #[cfg(not(runtime_loom))]
    use std::thread as backend;

    pub(crate) use backend::JoinHandle;

    /// Starts a thread whose result the caller joins.
    pub(crate) fn spawn<F, T>(f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        backend::spawn(f)
    }

    /// Starts a named thread, with `stack_size` bytes of stack if given.
    pub(crate) fn spawn_named<F, T>(
        name: String,
        stack_size: Option<usize>,
        f: F,
    ) -> io::Result<JoinHandle<T>>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let mut builder = backend::Builder::new().name(name);
        if let Some(bytes) = stack_size {
            builder = builder.stack_size(bytes);
        }
        builder.spawn(f)
    }

    /// Starts a named thread nobody joins.
    pub(crate) fn spawn_detached<F>(name: String, stack_size: Option<usize>, f: F) -> io::Result<()>
    where
        F: FnOnce() + Send + 'static,
    {
        spawn_named(name, stack_size, f).map(drop)
    }

    /// Lets other threads run; under loom, a model's wait loop must call it on every turn.
    pub(crate) fn yield_now() {
        backend::yield_now();
    }

    /// CPUs this process may use (the real machine's, under loom too), 1 if unknown;
    /// asked once per process: on Linux the answer costs a dozen system calls (the
    /// affinity mask, then the cgroup's CPU quota through `/proc` and `/sys`), about
    /// 35 µs on the development VM, more than half of starting and stopping a two-worker
    /// runtime (`lifecycle` benches).
    pub(crate) fn available_parallelism() -> usize {
        static CPUS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
        *CPUS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    }
}

/// Backs off in a retry loop: a CPU spin hint normally; under loom a yield, so the model
/// lets the other thread make progress.
#[inline]
#[allow(dead_code)]
pub(crate) fn spin_hint() {
    #[cfg(not(runtime_loom))]
    std::hint::spin_loop();
    #[cfg(runtime_loom)]
    loom::thread::yield_now();
}

/// Runs `f` as a loom model with the preemption bound from `LOOM_MAX_PREEMPTIONS`, else
/// [`DEFAULT_MAX_PREEMPTIONS`], and reports how many interleavings it explored.
#[cfg(all(test, runtime_loom))]
pub(crate) fn model<F>(f: F)
where
    F: Fn() + Sync + Send + 'static,
{
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(DEFAULT_MAX_PREEMPTIONS);
    }
    // A plain std counter, outside the model.
    let runs = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = runs.clone();
    builder.check(move || {
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        f()
    });
    eprintln!(
        "loom: {} interleavings explored",
        runs.load(std::sync::atomic::Ordering::Relaxed)
    );
}

#[cfg(all(test, not(runtime_loom)))]
mod tests {
    use super::thread;

    #[test]
    fn available_parallelism_is_asked_once_and_stays() {
        let first = thread::available_parallelism();
        assert!(first >= 1);
        assert_eq!(thread::available_parallelism(), first);
    }
}

#[cfg(all(test, runtime_loom))]
mod loom_tests {
    use super::sync::{Arc, OnceLock};
    use super::thread;

    /// The `OnceLock` stand-in: of two racing `set`s exactly one wins, and once its own
    /// `set` returned, each thread reads the winner's value.
    #[test]
    fn loom_once_lock_set_races_set() {
        super::model(|| {
            let cell = Arc::new(OnceLock::new());
            let other = cell.clone();
            let th = thread::spawn(move || {
                let won = other.set(1).is_ok();
                (won, *other.get().expect("visible once set returned"))
            });
            let won = cell.set(2).is_ok();
            let seen = *cell.get().expect("visible once set returned");
            let (their_won, their_seen) = th.join().unwrap();
            assert_ne!(won, their_won, "exactly one set wins");
            let winner = if won { 2 } else { 1 };
            assert_eq!((seen, their_seen), (winner, winner));
        });
    }
}
