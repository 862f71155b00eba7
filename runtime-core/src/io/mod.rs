//! I/O: [`ReadBuf`], the buffer the socket types read into without zero-filling it, and
//! [`AsyncReadBuf`], the poll-style read into one.
//!
//! Inside, the I/O driver: one `mio::Poll` per runtime, which idle workers block in.
//!
//! Only one worker at a time owns the driver (`scheduler/multi_thread/park.rs`); the
//! others sleep on a condvar. The pieces, bottom up:
//!
//! - `ready.rs`: `Ready` (what a source is ready for) and `Interest` (what a waiter
//!   waits for).
//! - `scheduled_io.rs`: a source's readiness and tick in one atomic word, and the
//!   tasks waiting on it.
//! - `tokens.rs`: token -> source, and the deferred release of tokens.
//! - `registration.rs`: registering sources from any thread, tokens, and when a
//!   source's memory may go.
//! - `poll_evented.rs`: a registered source and the wait / try / clear-on-`WouldBlock`
//!   loop the socket types are built on.
//! - `driver.rs`: the `mio::Poll` plus the `mio::Waker` that ends its wait from another
//!   thread.
//!
//! The socket types of `runtime::net` come later; until they do, parts of this module
//! are used only by its tests, hence the `dead_code` allowances on the module
//! declarations below (remove them as the users arrive).
#[cfg(not(runtime_loom))]
mod async_read_buf;
pub(crate) mod driver;
mod read_buf;
#[cfg(not(runtime_loom))]
pub use async_read_buf::AsyncReadBuf;
pub use read_buf::ReadBuf;
#[cfg(not(runtime_loom))]
pub(crate) mod poll_evented;
#[allow(dead_code)] // `Ready`'s queries, for the UDP and signal users to come
pub(crate) mod ready;
#[cfg(not(runtime_loom))]
pub(crate) mod registration;
#[allow(dead_code)] // `is_shutdown`, for the users to come
pub(crate) mod scheduled_io;
#[allow(dead_code)] // used only by `registration`, which loom builds leave out
pub(crate) mod tokens;

#[cfg(all(test, runtime_loom))]
mod tests;
