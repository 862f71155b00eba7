//! The I/O driver: one `mio::Poll` per runtime, which idle workers block in.
//!
//! Only one worker at a time owns the driver (`scheduler/multi_thread/park.rs`); the
//! others sleep on a condvar. Timers and socket readiness plug into this poll later; for
//! now it provides the blocking wait and a `mio::Waker` to end it from another thread.
pub(crate) mod driver;
