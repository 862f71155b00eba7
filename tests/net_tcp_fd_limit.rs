//! An accept loop at its file-descriptor limit: `accept` fails with `EMFILE` (it does
//! not hang or spin), and a loop that backs off serves every pending connection once
//! descriptors free up.
//!
//! The limit is lowered in a child process (this test binary run again with the test's
//! exact name and [`CHILD`] set), so it never reaches the other tests.
mod support;

use runtime::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

/// Set in the child's environment.
const CHILD: &str = "RUNTIME_TEST_FD_LIMIT_CHILD";
/// What the child prints when it got to the end.
const DONE: &str = "fd-limit child: served every connection";

#[test]
fn accept_at_fd_limit_errors_then_serves_once_fds_free_up() {
    if std::env::var_os(CHILD).is_some() {
        child();
        return;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "accept_at_fd_limit_errors_then_serves_once_fds_free_up",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains(DONE),
        "the child failed: {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
}

/// The highest open file descriptor of this process.
fn highest_open_fd() -> u64 {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u64>().ok())
        .max()
        .unwrap()
}

fn set_fd_limit(soft: u64) {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid `rlimit` to write into.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    lim.rlim_cur = soft;
    // SAFETY: `lim` is a valid `rlimit`; lowering the soft limit needs no privilege.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
}

fn child() {
    let rt = support::rt();
    rt.block_on(async {
        let listener = Arc::new(TcpListener::bind("127.0.0.1:0").await.unwrap());
        let addr = listener.local_addr().unwrap();
        // Let the runtime make whatever it makes lazily (timer, driver) first.
        runtime::sleep(Duration::from_millis(1)).await;
        // New descriptors take the lowest free numbers: fill the holes below the
        // highest open one (the test harness may have inherited high-numbered pipes),
        // so exactly 16 numbers are left under the limit.
        let highest = highest_open_fd();
        let mut fillers = Vec::new();
        loop {
            let f = std::fs::File::open("/dev/null").unwrap();
            if std::os::fd::AsRawFd::as_raw_fd(&f) as u64 > highest {
                break;
            }
            fillers.push(f);
        }
        set_fd_limit(highest + 1 + 16);

        // Connect until the process is out of descriptors: every connection stays
        // pending in the listener's backlog, and no descriptor is left for `accept`.
        let mut clients = Vec::new();
        loop {
            match std::net::TcpStream::connect(addr) {
                Ok(c) => clients.push(c),
                Err(e) => {
                    assert_eq!(e.raw_os_error(), Some(libc::EMFILE), "{e}");
                    break;
                }
            }
        }
        let pending = clients.len();
        assert!(pending >= 8, "only {pending} clients fit");
        let err = listener.accept().await.unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EMFILE), "{err}");

        // An accept loop that backs off on errors and closes what it accepts.
        let (accepted, errors) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let serve = {
            let (listener, accepted, errors) = (listener.clone(), accepted.clone(), errors.clone());
            runtime::spawn(async move {
                while accepted.load(SeqCst) < pending {
                    match listener.accept().await {
                        Ok((conn, _)) => {
                            drop(conn);
                            accepted.fetch_add(1, SeqCst);
                        }
                        Err(e) => {
                            assert_eq!(e.raw_os_error(), Some(libc::EMFILE), "{e}");
                            errors.fetch_add(1, SeqCst);
                            runtime::sleep(Duration::from_millis(5)).await;
                        }
                    }
                }
            })
        };
        runtime::sleep(Duration::from_millis(50)).await;
        assert_eq!(accepted.load(SeqCst), 0, "accepted with no descriptor free");
        let backoffs = errors.load(SeqCst);
        assert!((1..=20).contains(&backoffs), "{backoffs} errors in 50 ms");

        // Free one descriptor: the loop serves every pending connection with it.
        drop(clients.pop());
        runtime::timeout(support::PATIENCE, serve)
            .await
            .expect("the accept loop did not catch up")
            .unwrap();
        assert_eq!(accepted.load(SeqCst), pending);
        drop(clients);
        // And a new connection is served as usual.
        let client = std::net::TcpStream::connect(addr).unwrap();
        let (conn, peer) = listener.accept().await.unwrap();
        assert_eq!(peer, client.local_addr().unwrap());
        conn.write_all(b"welcome back").await.unwrap();
    });
    println!("{DONE}");
}
