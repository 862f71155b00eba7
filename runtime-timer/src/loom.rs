//! The one place that picks parking_lot or loom primitives.
//!
//! Every other module takes its lock from here (`crate::loom::sync::Mutex`), and
//! `clippy.toml` bans the std and parking_lot types everywhere else, so a loom model
//! (`--cfg runtime_loom`) sees every synchronising operation of the clock.
//! `Mutex::lock` returns the guard directly on both sides (no poisoning: the clock
//! never runs user code while it holds its lock).

#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

#[cfg(not(runtime_loom))]
pub(crate) mod sync {
    /// A mutex (parking_lot's; loom's under `runtime_loom`).
    #[derive(Debug, Default)]
    pub(crate) struct Mutex<T>(parking_lot::Mutex<T>);

    impl<T> Mutex<T> {
        pub(crate) fn new(value: T) -> Self {
            Self(parking_lot::Mutex::new(value))
        }

        pub(crate) fn lock(&self) -> parking_lot::MutexGuard<'_, T> {
            self.0.lock()
        }
    }
}

#[cfg(runtime_loom)]
pub(crate) mod sync {
    #[cfg(test)]
    pub(crate) use loom::sync::Arc;

    /// A mutex (loom's; parking_lot's outside `runtime_loom`).
    #[derive(Debug, Default)]
    pub(crate) struct Mutex<T>(loom::sync::Mutex<T>);

    impl<T> Mutex<T> {
        pub(crate) fn new(value: T) -> Self {
            Self(loom::sync::Mutex::new(value))
        }

        pub(crate) fn lock(&self) -> loom::sync::MutexGuard<'_, T> {
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        }
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
