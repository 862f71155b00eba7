//! Unix signals: [`signal`]`(`[`SignalKind`]`)` returns a [`Signal`] whose
//! [`recv`](Signal::recv) completes once per batch of deliveries.
//!
//! Deliveries that arrive before a `recv` merge into one (the kernel merges pending
//! signals of one kind too), but a delivery is never lost: one that arrives while no
//! `recv` is waiting, or between two `recv`s, makes the next `recv` return at once.
//! Every `Signal` sees every delivery that arrives after it was created, however many
//! `Signal`s exist for the same kind.
//!
//! Installing the first handler for a signal replaces its OS default action for the
//! rest of the process's life: see [the module docs](super#the-os-default-action-is-not-restored).
//!
//! ```
//! use runtime::signal::unix::{signal, SignalKind};
//!
//! runtime::run(async {
//!     let mut hangup = signal(SignalKind::hangup())?;
//!     // SAFETY: `raise` has no preconditions; SIGHUP has our handler now.
//!     unsafe { libc::raise(libc::SIGHUP) };
//!     hangup.recv().await;
//!     println!("SIGHUP: reloading the configuration");
//!     std::io::Result::Ok(())
//! })
//! .unwrap();
//! ```
use super::pipe::SelfPipe;
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::mem::MaybeUninit;
use std::os::raw::c_int;
use std::task::{Context, Poll};

/// Which signal to listen for: a constructor per common signal, or any number through
/// [`from_raw`](SignalKind::from_raw).
///
/// ```
/// use runtime::signal::unix::SignalKind;
///
/// assert_eq!(SignalKind::terminate(), SignalKind::from_raw(libc::SIGTERM));
/// assert_eq!(SignalKind::from(libc::SIGTERM).as_raw_value(), libc::SIGTERM);
/// assert_eq!(format!("{:?}", SignalKind::terminate()), "SignalKind(SIGTERM)");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignalKind(c_int);

/// Each constructor with its doc line and a doctest that checks its number.
macro_rules! kinds {
    ($( $(#[doc = $doc:literal])* $name:ident => $sig:ident; )*) => {
        $(
            $(#[doc = $doc])*
            ///
            /// ```
            /// use runtime::signal::unix::SignalKind;
            ///
            #[doc = concat!(
                "assert_eq!(SignalKind::", stringify!($name), "().as_raw_value(), libc::",
                stringify!($sig), ");"
            )]
            /// ```
            pub const fn $name() -> SignalKind {
                SignalKind(libc::$sig)
            }
        )*
    };
}

impl SignalKind {
    kinds! {
        /// `SIGALRM`: a timer set with `alarm(2)` or `setitimer(2)` expired.
        alarm => SIGALRM;
        /// `SIGCHLD`: a child process exited, stopped or continued.
        child => SIGCHLD;
        /// `SIGHUP`: the controlling terminal went away; by convention, daemons reload
        /// their configuration on it.
        hangup => SIGHUP;
        /// `SIGINT`: ctrl-c in the terminal (see also [`ctrl_c`](crate::signal::ctrl_c)).
        interrupt => SIGINT;
        /// `SIGIO`: I/O is possible on a descriptor set up for signal-driven I/O.
        io => SIGIO;
        /// `SIGPIPE`: a write to a pipe or socket whose reader is gone (the runtime's own
        /// socket writes never raise it).
        pipe => SIGPIPE;
        /// `SIGQUIT`: ctrl-\ in the terminal.
        quit => SIGQUIT;
        /// `SIGTERM`: a polite request to end, what `kill` and service managers send.
        terminate => SIGTERM;
        /// `SIGUSR1`: meaning defined by the application.
        user_defined1 => SIGUSR1;
        /// `SIGUSR2`: meaning defined by the application.
        user_defined2 => SIGUSR2;
        /// `SIGWINCH`: the terminal window changed size.
        window_change => SIGWINCH;
    }

    /// Any signal by number, for signals without a constructor (real-time signals, for
    /// one). Whether the number may be listened for is checked by [`signal`], not here.
    ///
    /// ```
    /// use runtime::signal::unix::SignalKind;
    ///
    /// assert_eq!(SignalKind::from_raw(libc::SIGUSR1), SignalKind::user_defined1());
    /// ```
    pub const fn from_raw(signum: c_int) -> SignalKind {
        SignalKind(signum)
    }

    /// The signal's number.
    ///
    /// ```
    /// use runtime::signal::unix::SignalKind;
    ///
    /// assert_eq!(SignalKind::interrupt().as_raw_value(), libc::SIGINT);
    /// ```
    pub const fn as_raw_value(&self) -> c_int {
        self.0
    }
}

impl From<c_int> for SignalKind {
    /// Same as [`SignalKind::from_raw`].
    ///
    /// ```
    /// use runtime::signal::unix::SignalKind;
    ///
    /// assert_eq!(SignalKind::from(libc::SIGHUP), SignalKind::hangup());
    /// ```
    fn from(signum: c_int) -> SignalKind {
        SignalKind(signum)
    }
}

impl From<SignalKind> for c_int {
    /// Same as [`SignalKind::as_raw_value`].
    ///
    /// ```
    /// use runtime::signal::unix::SignalKind;
    ///
    /// assert_eq!(libc::c_int::from(SignalKind::quit()), libc::SIGQUIT);
    /// ```
    fn from(kind: SignalKind) -> c_int {
        kind.0
    }
}

impl fmt::Debug for SignalKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match name(self.0) {
            Some(name) => write!(f, "SignalKind({name})"),
            None => write!(f, "SignalKind({})", self.0),
        }
    }
}

/// A stream of deliveries of one signal, made by [`signal`]: [`recv`](Signal::recv)
/// completes once for every batch of deliveries since the last one it returned.
///
/// Dropping it stops listening, but does not restore the signal's OS default action
/// ([module docs](super#the-os-default-action-is-not-restored)).
///
/// ```
/// use runtime::signal::unix::{signal, SignalKind};
///
/// runtime::run(async {
///     let mut usr2 = signal(SignalKind::user_defined2())?;
///     for _ in 0..2 {
///         // SAFETY: `raise` has no preconditions; SIGUSR2 has our handler now.
///         unsafe { libc::raise(libc::SIGUSR2) };
///         assert_eq!(usr2.recv().await, Some(()));
///     }
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
#[must_use = "a `Signal` only receives while it is kept; await `recv()` on it"]
pub struct Signal {
    kind: SignalKind,
    pipe: SelfPipe,
}

impl Signal {
    /// Waits for the next delivery: `Some(())` once the signal arrived since the last
    /// `recv` returned (or since the `Signal` was created), however many times it
    /// arrived; `None` once the runtime has shut down, as no delivery can reach this
    /// `Signal` any more.
    ///
    /// Cancel safe: dropping the future loses no delivery; the next `recv` sees it.
    ///
    /// ```
    /// use runtime::signal::unix::{signal, SignalKind};
    ///
    /// runtime::run(async {
    ///     let mut usr1 = signal(SignalKind::user_defined1())?;
    ///     // Three deliveries before a `recv` merge into one.
    ///     for _ in 0..3 {
    ///         // SAFETY: `raise` has no preconditions; SIGUSR1 has our handler now.
    ///         unsafe { libc::raise(libc::SIGUSR1) };
    ///     }
    ///     assert_eq!(usr1.recv().await, Some(()));
    ///     let next = runtime::timeout(std::time::Duration::from_millis(20), usr1.recv());
    ///     assert!(next.await.is_err(), "nothing arrived since");
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    pub async fn recv(&mut self) -> Option<()> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// The `poll` form of [`recv`](Signal::recv), for hand-written futures and streams:
    /// `Pending` (and `cx`'s waker woken on the next delivery) while nothing arrived.
    /// Spends the task's cooperative budget like every I/O poll.
    ///
    /// ```
    /// use runtime::signal::unix::{signal, Signal, SignalKind};
    /// use std::task::{Context, Poll};
    ///
    /// /// A delivery counts as one "reload" event.
    /// fn poll_reload(sig: &mut Signal, cx: &mut Context<'_>) -> Poll<bool> {
    ///     sig.poll_recv(cx).map(|got| got.is_some())
    /// }
    ///
    /// runtime::run(async {
    ///     let mut hup = signal(SignalKind::hangup())?;
    ///     // SAFETY: `raise` has no preconditions; SIGHUP has our handler now.
    ///     unsafe { libc::raise(libc::SIGHUP) };
    ///     assert!(std::future::poll_fn(|cx| poll_reload(&mut hup, cx)).await);
    ///     std::io::Result::Ok(())
    /// })
    /// .unwrap();
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        self.pipe.poll_recv(cx)
    }
}

impl fmt::Debug for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signal")
            .field("kind", &self.kind)
            .field("pipe", &self.pipe)
            .finish()
    }
}

/// Starts listening for `kind`: returns a [`Signal`] that receives every delivery from
/// now on. The first call for a signal number installs a process-wide handler for it,
/// which replaces the OS default action for good
/// ([module docs](super#the-os-default-action-is-not-restored)).
///
/// # Errors
///
/// - `InvalidInput` for a signal that must not be caught: SIGKILL and SIGSTOP (no
///   process can), and SIGILL, SIGFPE and SIGSEGV (they report a fault in the
///   instruction that raised them, which runs again when a handler returns); and for a
///   number that is no signal on this platform.
/// - Outside a runtime, the runtime's usual "no runtime is running" error.
///
/// ```
/// use runtime::signal::unix::{signal, SignalKind};
/// use std::io::ErrorKind;
///
/// runtime::run(async {
///     let mut term = signal(SignalKind::terminate())?;
///     // SAFETY: `kill` and `getpid` have no preconditions; SIGTERM has our handler now.
///     unsafe { libc::kill(libc::getpid(), libc::SIGTERM) };
///     term.recv().await;
///
///     let err = signal(SignalKind::from_raw(libc::SIGKILL)).unwrap_err();
///     assert_eq!(err.kind(), ErrorKind::InvalidInput);
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
pub fn signal(kind: SignalKind) -> io::Result<Signal> {
    check(kind.0)?;
    Ok(Signal {
        kind,
        pipe: SelfPipe::new(kind.0)?,
    })
}

/// Refuses the signals the registry forbids (it would panic on them) and numbers that
/// name no signal, with a message that names the signal and says why.
fn check(signum: c_int) -> io::Result<()> {
    let refuse = |why: &str| Err(io::Error::new(io::ErrorKind::InvalidInput, why.to_string()));
    if signal_hook_registry::FORBIDDEN.contains(&signum) {
        let name = name(signum).unwrap_or("this signal");
        let why = if signum == libc::SIGKILL || signum == libc::SIGSTOP {
            crate::error::SIGNAL_UNCATCHABLE
        } else {
            crate::error::SIGNAL_FAULT
        };
        return refuse(&format!("{name} (signal {signum}){why}"));
    }
    if !is_signal(signum) {
        return refuse(&format!("{signum}{}", crate::error::SIGNAL_INVALID));
    }
    Ok(())
}

/// Whether the platform knows `signum` as a signal a process may handle: `sigaddset`
/// refuses (`EINVAL`) numbers out of range and, with glibc and musl, the signals the C
/// library keeps for itself.
fn is_signal(signum: c_int) -> bool {
    let mut set = MaybeUninit::<libc::sigset_t>::uninit();
    // SAFETY: `set` is valid for writes of a `sigset_t`; `sigemptyset` initializes it.
    unsafe { libc::sigemptyset(set.as_mut_ptr()) };
    // SAFETY: `set` was initialized by `sigemptyset`; `sigaddset` only checks `signum`
    // and sets its bit in the local set.
    unsafe { libc::sigaddset(set.as_mut_ptr(), signum) == 0 }
}

/// The conventional name of `signum`, for messages and `Debug`.
fn name(signum: c_int) -> Option<&'static str> {
    Some(match signum {
        libc::SIGHUP => "SIGHUP",
        libc::SIGINT => "SIGINT",
        libc::SIGQUIT => "SIGQUIT",
        libc::SIGILL => "SIGILL",
        libc::SIGTRAP => "SIGTRAP",
        libc::SIGABRT => "SIGABRT",
        libc::SIGBUS => "SIGBUS",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGUSR1 => "SIGUSR1",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGUSR2 => "SIGUSR2",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGALRM => "SIGALRM",
        libc::SIGTERM => "SIGTERM",
        libc::SIGCHLD => "SIGCHLD",
        libc::SIGCONT => "SIGCONT",
        libc::SIGSTOP => "SIGSTOP",
        libc::SIGTSTP => "SIGTSTP",
        libc::SIGTTIN => "SIGTTIN",
        libc::SIGTTOU => "SIGTTOU",
        libc::SIGURG => "SIGURG",
        libc::SIGXCPU => "SIGXCPU",
        libc::SIGXFSZ => "SIGXFSZ",
        libc::SIGVTALRM => "SIGVTALRM",
        libc::SIGPROF => "SIGPROF",
        libc::SIGWINCH => "SIGWINCH",
        libc::SIGIO => "SIGIO",
        libc::SIGSYS => "SIGSYS",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(signum: c_int) -> String {
        let err = check(signum).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{err}");
        err.to_string()
    }

    #[test]
    fn uncatchable_signals_are_refused_by_name() {
        let msg = refused(libc::SIGKILL);
        assert!(
            msg.starts_with("SIGKILL (signal 9) cannot be caught"),
            "{msg}"
        );
        let msg = refused(libc::SIGSTOP);
        assert!(msg.starts_with("SIGSTOP (signal "), "{msg}");
        assert!(msg.contains("cannot be caught"), "{msg}");
    }

    #[test]
    fn fault_signals_are_refused_by_name() {
        for (signum, name) in [
            (libc::SIGSEGV, "SIGSEGV"),
            (libc::SIGILL, "SIGILL"),
            (libc::SIGFPE, "SIGFPE"),
        ] {
            let msg = refused(signum);
            assert!(msg.starts_with(&format!("{name} (signal {signum}) cannot be awaited")));
        }
    }

    #[test]
    fn numbers_that_name_no_signal_are_refused() {
        for signum in [-1, 0, 1000, c_int::MAX] {
            let msg = refused(signum);
            assert!(
                msg.starts_with(&format!("{signum} is not a signal number")),
                "{msg}"
            );
        }
    }

    #[test]
    fn catchable_signals_pass_the_check() {
        for kind in [
            SignalKind::alarm(),
            SignalKind::child(),
            SignalKind::hangup(),
            SignalKind::interrupt(),
            SignalKind::io(),
            SignalKind::pipe(),
            SignalKind::quit(),
            SignalKind::terminate(),
            SignalKind::user_defined1(),
            SignalKind::user_defined2(),
            SignalKind::window_change(),
        ] {
            check(kind.as_raw_value()).unwrap();
        }
    }

    #[test]
    fn debug_names_the_signal() {
        assert_eq!(
            format!("{:?}", SignalKind::interrupt()),
            "SignalKind(SIGINT)"
        );
        assert_eq!(
            format!("{:?}", SignalKind::from_raw(1000)),
            "SignalKind(1000)"
        );
    }
}
