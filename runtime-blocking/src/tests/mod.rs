//! Tests that need the crate's internals: loom models of the pool protocol
//! (`loom_*`, cfg `runtime_loom`) and unit checks of the same protocol on real
//! threads. Behaviour through the public API is in `tests/blocking_pool.rs`.

mod support;

#[cfg(runtime_loom)]
mod loom_pool;

#[cfg(not(runtime_loom))]
mod protocol;
