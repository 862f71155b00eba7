//! [`UCred`]: the credentials of a Unix-domain peer (`SO_PEERCRED`).
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

/// The credentials of the process at the other end of a [`UnixStream`], as the kernel
/// recorded them when the connection was made (`SO_PEERCRED`), from
/// [`UnixStream::peer_cred`].
///
/// [`UnixStream`]: super::UnixStream
/// [`UnixStream::peer_cred`]: super::UnixStream::peer_cred
///
/// # Examples
///
/// ```
/// # runtime::run(async {
/// let (a, _b) = runtime::net::UnixStream::pair()?;
/// let cred = a.peer_cred()?;
/// assert_eq!(cred.pid(), Some(std::process::id() as i32));
/// # std::io::Result::Ok(())
/// # }).unwrap();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UCred {
    pid: Option<libc::pid_t>,
    uid: libc::uid_t,
    gid: libc::gid_t,
}

impl UCred {
    /// The peer's user id.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let (a, _b) = runtime::net::UnixStream::pair()?;
    /// // SAFETY: `getuid` has no preconditions.
    /// assert_eq!(a.peer_cred()?.uid(), unsafe { libc::getuid() });
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn uid(&self) -> libc::uid_t {
        self.uid
    }

    /// The peer's group id.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let (a, _b) = runtime::net::UnixStream::pair()?;
    /// // SAFETY: `getgid` has no preconditions.
    /// assert_eq!(a.peer_cred()?.gid(), unsafe { libc::getgid() });
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn gid(&self) -> libc::gid_t {
        self.gid
    }

    /// The peer's process id, where the system reports it.
    ///
    /// # Examples
    ///
    /// ```
    /// # runtime::run(async {
    /// let (a, _b) = runtime::net::UnixStream::pair()?;
    /// assert_eq!(a.peer_cred()?.pid(), Some(std::process::id() as i32));
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    pub fn pid(&self) -> Option<libc::pid_t> {
        self.pid
    }
}

/// `getsockopt(SO_PEERCRED)` on `fd`.
pub(super) fn peer_cred(fd: BorrowedFd<'_>) -> io::Result<UCred> {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: `cred` and `len` are valid for writes, and `len` holds `cred`'s size, so
    // the kernel writes within it; `fd` is an open socket for the call.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(UCred {
        pid: (cred.pid != 0).then_some(cred.pid),
        uid: cred.uid,
        gid: cred.gid,
    })
}
