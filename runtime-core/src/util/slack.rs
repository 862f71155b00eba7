//! Timer slack: how late Linux may end a timed wait of this thread to batch wakeups.
//!
//! The default is 50 µs, which a parked runtime thread pays on every timer: its timed
//! condvar wait (a futex) ends up to 50 µs after the deadline. Runtime threads set it to
//! 1 ns, so a lone timer fires within the kernel's wakeup latency of its deadline
//! (`timer_lateness` in the benches: p50 about 40 µs instead of about 100 µs). Worker
//! threads keep the setting for life; a thread inside `block_on` gets its old value back
//! when `block_on` returns. Elsewhere than Linux this does nothing.

/// Restores the thread's previous timer slack when dropped.
#[derive(Debug)]
pub(crate) struct SlackGuard {
    #[cfg(all(target_os = "linux", not(runtime_loom)))]
    previous: Option<libc::c_ulong>,
}

/// Sets this thread's timer slack to the minimum until the guard drops.
pub(crate) fn minimize() -> SlackGuard {
    #[cfg(all(target_os = "linux", not(runtime_loom)))]
    {
        // SAFETY: PR_GET_TIMERSLACK takes no pointers and only reads the calling
        // thread's own setting; the extra arguments are ignored.
        let previous = unsafe { libc::prctl(libc::PR_GET_TIMERSLACK, 0, 0, 0, 0) };
        if previous <= 1 {
            return SlackGuard { previous: None };
        }
        // SAFETY: PR_SET_TIMERSLACK takes an integer, no pointers, and changes only the
        // calling thread's timer slack (a scheduling hint; no memory is touched).
        let set = unsafe { libc::prctl(libc::PR_SET_TIMERSLACK, 1 as libc::c_ulong, 0, 0, 0) };
        SlackGuard {
            previous: (set == 0).then_some(previous as libc::c_ulong),
        }
    }
    #[cfg(not(all(target_os = "linux", not(runtime_loom))))]
    SlackGuard {}
}

impl Drop for SlackGuard {
    fn drop(&mut self) {
        #[cfg(all(target_os = "linux", not(runtime_loom)))]
        if let Some(previous) = self.previous {
            // SAFETY: as in `minimize`: an integer argument, the calling thread only.
            unsafe { libc::prctl(libc::PR_SET_TIMERSLACK, previous, 0, 0, 0) };
        }
    }
}

#[cfg(all(test, target_os = "linux", not(runtime_loom)))]
mod tests {
    fn slack() -> libc::c_int {
        // SAFETY: reads the calling thread's own setting; no pointers.
        unsafe { libc::prctl(libc::PR_GET_TIMERSLACK, 0, 0, 0, 0) }
    }

    #[test]
    fn minimize_then_restore() {
        let before = slack();
        {
            let _guard = super::minimize();
            assert_eq!(slack(), 1);
            // Nested: already minimal, nothing to restore.
            let inner = super::minimize();
            assert!(inner.previous.is_none());
        }
        assert_eq!(slack(), before);
    }
}
