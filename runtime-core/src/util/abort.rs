//! The one way this crate aborts the process: a broken internal invariant.

/// Prints `what` and aborts. Reached only when the runtime's own bookkeeping is corrupt
/// (for example a reference count that would overflow); user panics never come here.
#[cold]
#[inline(never)]
pub(crate) fn abort_on_broken_invariant(what: &str) -> ! {
    eprintln!("runtime: internal invariant broken ({what}); aborting");
    std::process::abort()
}
