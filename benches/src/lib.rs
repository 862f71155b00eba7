//! Shared helpers for the benchmarks in `benches/`: building each runtime the same way.
//!
//! ```
//! let rt = runtime_benches::ours_current_thread();
//! assert_eq!(rt.block_on(async { 1 }), 1);
//! ```

/// Our current-thread runtime.
pub fn ours_current_thread() -> runtime::Runtime {
    runtime::Builder::new_current_thread()
        .build()
        .expect("build runtime")
}

/// tokio's current-thread runtime.
pub fn tokio_current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("build tokio runtime")
}
