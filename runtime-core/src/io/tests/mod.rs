//! Loom models of the I/O driver's per-source readiness.
mod loom_scheduled_io;
mod loom_tokens;
