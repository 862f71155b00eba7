//! Signals: [`ctrl_c`] and, on Unix, [`unix::signal`], delivered through the runtime's
//! I/O driver (Python asyncio's `loop.add_signal_handler`).
//!
//! ```
//! use runtime::signal::unix::{signal, SignalKind};
//!
//! runtime::run(async {
//!     let mut usr1 = signal(SignalKind::user_defined1())?;
//!     // SAFETY: `raise` has no preconditions; SIGUSR1 has our handler now.
//!     unsafe { libc::raise(libc::SIGUSR1) };
//!     usr1.recv().await;
//!     std::io::Result::Ok(())
//! })
//! .unwrap();
//! ```
//!
//! # How a delivery travels
//!
//! No thread of its own: every [`unix::Signal`] owns a self-pipe, a non-blocking Unix
//! socket pair whose read end is registered with the runtime's driver like any socket.
//! `signal-hook-registry` keeps one process-wide handler per signal number, which runs
//! every action registered for that number; a `Signal`'s action sends one byte into its
//! pipe. `recv` waits for the read end to become readable and drains it.
//!
//! # Rules (`pipe.rs` relies on them by number)
//!
//! 1. The action runs inside a signal handler, on whatever thread the kernel picked, at
//!    any point of that thread's code. It makes one `send(2)` call, which POSIX lists as
//!    async-signal-safe, and nothing else: no allocation, no lock, no panic. The
//!    registry saves and restores `errno` around the actions.
//! 2. The write end is owned by the action closure and by nothing else, so it is closed
//!    exactly when the registry drops the action. The registry calls its actions through
//!    references to the shared copy it keeps, and drops a copy only after no handler
//!    still reads it (`half_lock.rs`: the writer waits for the readers of the old
//!    generation); besides, Rust's ownership alone forbids dropping a closure while it
//!    runs. So the descriptor the action writes to is open for as long as the action
//!    can run, and its number cannot be reused under it.
//! 3. The send is non-blocking and its `EAGAIN` is ignored: a full pipe already holds
//!    bytes, so a `recv` is already due. Deliveries may merge; a pending one is never
//!    lost.
//! 4. `recv` returns once it read at least one byte, and reads until the pipe is empty:
//!    everything delivered before it merges into that one return. A delivery after the
//!    drain writes a new byte, whose readiness edge the driver keeps even when it races
//!    the `recv` clearing the readiness it saw (the tick, `io/scheduled_io.rs`), so it
//!    is seen by the next `recv`.
//! 5. Dropping a `Signal` unregisters its action before it closes the read end. A
//!    handler that still runs the action then (rule 2) sends into a socket whose peer is
//!    gone; `MSG_NOSIGNAL` makes that an `EPIPE` error, not a `SIGPIPE`.
//!
//! No atomic of our own is involved (the protocol between handler and reader is the
//! kernel's socket buffer plus the driver's readiness word, modelled in `io`), so this
//! module has no loom model of its own.
//!
//! # The OS default action is not restored
//!
//! The first `Signal` for a signal number replaces the OS default action for it (for
//! SIGINT and SIGTERM: ending the process) with the registry's handler, for the rest of
//! the process's life. Dropping every `Signal` for it does not bring the default back:
//! the signal is then caught and ignored. A program that listens for ctrl-c for a while
//! and then wants ctrl-c to kill it again must exit by itself (as tokio does).
#[cfg(unix)]
mod pipe;
#[cfg(unix)]
pub mod unix;

#[cfg(unix)]
use std::io;

/// Waits for ctrl-c: completes at the first SIGINT the process receives after this
/// future was first polled.
///
/// The handler is installed at that first poll, not when `ctrl_c()` is called: a SIGINT
/// that arrives before is not seen (and, if nothing else handles SIGINT yet, ends the
/// process as usual). From then on SIGINT no longer ends the process, even after this
/// future completes or is dropped (see [the module docs](self)); to listen for several
/// presses, keep one [`unix::signal`]`(SignalKind::interrupt())` instead of calling
/// `ctrl_c` in a loop.
///
/// # Errors
///
/// Outside a runtime, the runtime's usual "no runtime is running" error; once the
/// runtime has shut down, an error that says so.
///
/// # Examples
///
/// A server that runs until ctrl-c (`no_run`: it waits for a person to press it):
///
/// ```no_run
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let server = runtime::spawn(async {
///         // accept connections...
///         std::future::pending::<()>().await
///     });
///     runtime::signal::ctrl_c().await?;
///     println!("ctrl-c: shutting down");
///     server.abort();
///     Ok(())
/// }
/// ```
///
/// The process sending itself SIGINT, once the first poll installed the handler:
///
/// ```
/// use std::future::{poll_fn, Future};
/// use std::task::Poll;
///
/// runtime::run(async {
///     let mut ctrl_c = std::pin::pin!(runtime::signal::ctrl_c());
///     // The first poll installs the handler.
///     poll_fn(|cx| {
///         assert!(ctrl_c.as_mut().poll(cx).is_pending());
///         Poll::Ready(())
///     })
///     .await;
///     // SAFETY: `raise` has no preconditions; SIGINT has our handler now.
///     unsafe { libc::raise(libc::SIGINT) };
///     ctrl_c.await
/// })
/// .unwrap();
/// ```
#[cfg(unix)]
pub async fn ctrl_c() -> io::Result<()> {
    let mut interrupt = unix::signal(unix::SignalKind::interrupt())?;
    match interrupt.recv().await {
        Some(()) => Ok(()),
        None => Err(crate::io::scheduled_io::shutdown_error()),
    }
}
