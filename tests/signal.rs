//! `runtime::signal`: ctrl_c, `signal(kind)`, merging without loss, refusals.
//!
//! A handler, once installed, stays for the life of the process (and SIGINT or SIGTERM
//! stop ending it), so every test runs its body in a child process: the test re-runs
//! this binary with `--exact <its name>` and [`CHILD`] set to its name, and asserts that
//! the child passed. Signals are sent with `kill(getpid(), ..)` (to the process, any
//! thread may take it) or `raise` (to the calling thread, handled before `raise`
//! returns, so "delivered before the next line" is exact).
mod support;

use runtime::signal::unix::{signal, Signal, SignalKind};
use runtime::Runtime;
use std::future::{poll_fn, Future};
use std::io::ErrorKind;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::Poll;
use std::thread;
use std::time::Duration;
use support::PATIENCE;

/// Set (to the test's name) in the child that runs a test's body.
const CHILD: &str = "RUNTIME_SIGNAL_TEST_CHILD";

/// How long a `recv` that must stay pending is given to (wrongly) complete.
const QUIET: Duration = Duration::from_millis(200);

/// Runs this binary again with only `name`, in a child whose environment says so.
fn run_child(name: &str) -> Output {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(CHILD, name)
        .output()
        .unwrap()
}

/// Whether this process is the child for `name`.
fn is_child(name: &str) -> bool {
    std::env::var_os(CHILD).is_some_and(|v| v == name)
}

/// A test whose body runs in a child process; the parent checks that it ran and passed.
macro_rules! child_test {
    ($(#[doc = $doc:literal])* fn $name:ident() $body:block) => {
        $(#[doc = $doc])*
        #[test]
        fn $name() {
            let name = stringify!($name);
            if is_child(name) {
                $body
                return;
            }
            let out = run_child(name);
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success(),
                "the child failed ({}):\n{stdout}\n{stderr}",
                out.status
            );
            assert!(stdout.contains("1 passed"), "the child ran no test:\n{stdout}");
        }
    };
}

/// Both runtime flavors, named for messages.
fn flavors() -> [(&'static str, Runtime); 2] {
    [
        ("current-thread", support::rt()),
        ("multi-thread", support::rt_multi(2)),
    ]
}

/// Sends `signum` to the whole process.
fn kill_self(signum: libc::c_int) {
    // SAFETY: `kill` and `getpid` have no preconditions.
    let rc = unsafe { libc::kill(libc::getpid(), signum) };
    assert_eq!(rc, 0, "kill failed");
}

/// Sends `signum` to the calling thread; the handler has run when this returns.
fn raise(signum: libc::c_int) {
    // SAFETY: `raise` has no preconditions.
    let rc = unsafe { libc::raise(signum) };
    assert_eq!(rc, 0, "raise failed");
}

/// `sig.recv()`, failing the test if nothing arrives within [`PATIENCE`].
async fn recv_patiently(sig: &mut Signal, what: &str) {
    let got = runtime::timeout(PATIENCE, sig.recv()).await;
    assert_eq!(got, Ok(Some(())), "{what}: no delivery within {PATIENCE:?}");
}

/// Asserts that nothing arrives at `sig` for [`QUIET`].
async fn assert_quiet(sig: &mut Signal, what: &str) {
    let got = runtime::timeout(QUIET, sig.recv()).await;
    assert!(
        got.is_err(),
        "{what}: recv completed with {got:?}, expected it pending"
    );
}

child_test! {
    /// ctrl_c completes when the process sends itself SIGINT (after its first poll
    /// installed the handler), on both flavors; the process survives the SIGINT.
    fn ctrl_c_completes_when_the_process_sends_itself_sigint() {
        for (flavor, rt) in flavors() {
            rt.block_on(async {
                let mut ctrl_c = std::pin::pin!(runtime::signal::ctrl_c());
                // The first poll installs the handler.
                poll_fn(|cx| {
                    assert!(ctrl_c.as_mut().poll(cx).is_pending());
                    Poll::Ready(())
                })
                .await;
                kill_self(libc::SIGINT);
                let got = runtime::timeout(PATIENCE, ctrl_c).await;
                assert!(matches!(got, Ok(Ok(()))), "{flavor}: {got:?}");
            });
        }
    }
}

child_test! {
    /// `signal(terminate)` receives a SIGTERM sent by another thread while a task waits
    /// in `recv`, on both flavors.
    fn signal_terminate_receives_sigterm() {
        for (flavor, rt) in flavors() {
            rt.block_on(async {
                let mut term = signal(SignalKind::terminate()).unwrap();
                let waiter = runtime::spawn(async move {
                    recv_patiently(&mut term, "SIGTERM").await;
                });
                let killer = thread::spawn(|| {
                    thread::sleep(Duration::from_millis(50));
                    kill_self(libc::SIGTERM);
                });
                runtime::timeout(PATIENCE, waiter)
                    .await
                    .unwrap_or_else(|_| panic!("{flavor}: the waiter hung"))
                    .unwrap_or_else(|e| panic!("{flavor}: {e}"));
                killer.join().unwrap();
            });
        }
    }
}

child_test! {
    /// Three deliveries before one `recv` merge into one: the `recv` completes, and the
    /// next stays pending, on both flavors.
    fn deliveries_before_a_recv_merge_into_one_and_never_zero() {
        for (flavor, rt) in flavors() {
            rt.block_on(async {
                let mut usr1 = signal(SignalKind::user_defined1()).unwrap();
                for _ in 0..3 {
                    raise(libc::SIGUSR1);
                }
                recv_patiently(&mut usr1, flavor).await;
                assert_quiet(&mut usr1, flavor).await;
            });
        }
    }
}

child_test! {
    /// Two `Signal`s for the same kind both receive one delivery, on both flavors.
    fn two_signals_for_one_kind_both_receive() {
        for (flavor, rt) in flavors() {
            rt.block_on(async {
                let mut a = signal(SignalKind::user_defined2()).unwrap();
                let mut b = signal(SignalKind::user_defined2()).unwrap();
                raise(libc::SIGUSR2);
                recv_patiently(&mut a, flavor).await;
                recv_patiently(&mut b, flavor).await;
                assert_quiet(&mut a, flavor).await;
                assert_quiet(&mut b, flavor).await;
            });
        }
    }
}

child_test! {
    /// A delivery between two `recv`s, or while a `recv` future was dropped by a
    /// timeout, is seen by the next `recv`, on both flavors.
    fn a_delivery_between_two_recvs_is_not_lost() {
        for (flavor, rt) in flavors() {
            rt.block_on(async {
                let mut hup = signal(SignalKind::hangup()).unwrap();
                raise(libc::SIGHUP);
                recv_patiently(&mut hup, flavor).await;
                raise(libc::SIGHUP);
                recv_patiently(&mut hup, flavor).await;
                // A recv that timed out (its future dropped while registered as a waiter).
                assert!(runtime::timeout(Duration::from_millis(10), hup.recv()).await.is_err());
                raise(libc::SIGHUP);
                recv_patiently(&mut hup, flavor).await;
                assert_quiet(&mut hup, flavor).await;
            });
        }
    }
}

child_test! {
    /// 200 deliveries, each sent from a plain thread (to the process: any thread, a worker
    /// included, may run the handler) only after the previous one was received: none is
    /// lost, or the sender would wait forever.
    fn every_delivery_sent_after_the_previous_recv_arrives() {
        const ROUNDS: usize = 200;
        for (flavor, rt) in flavors() {
            let received = Arc::new(AtomicUsize::new(0));
            let sender = {
                let received = received.clone();
                thread::spawn(move || {
                    // The first round waits for the `Signal` to exist.
                    support::wait_until(|| received.load(SeqCst) > 0, "the Signal");
                    for round in 1..=ROUNDS {
                        kill_self(libc::SIGUSR1);
                        support::wait_until(|| received.load(SeqCst) > round, "the round's recv");
                    }
                })
            };
            rt.block_on(async {
                let mut usr1 = signal(SignalKind::user_defined1()).unwrap();
                received.fetch_add(1, SeqCst);
                for _ in 0..ROUNDS {
                    recv_patiently(&mut usr1, flavor).await;
                    received.fetch_add(1, SeqCst);
                }
            });
            sender.join().unwrap();
        }
    }
}

child_test! {
    /// A `Signal` dropped and created again still receives; in between, a delivery with
    /// no `Signal` is caught and ignored (SIGUSR1's default action, ending the process,
    /// is not restored), and the new `Signal` does not see it.
    fn a_signal_dropped_and_created_again_still_receives() {
        for (flavor, rt) in flavors() {
            rt.block_on(async {
                let mut usr2 = signal(SignalKind::user_defined2()).unwrap();
                raise(libc::SIGUSR2);
                recv_patiently(&mut usr2, flavor).await;
                drop(usr2);
                raise(libc::SIGUSR2);
                let mut usr2 = signal(SignalKind::user_defined2()).unwrap();
                assert_quiet(&mut usr2, flavor).await;
                raise(libc::SIGUSR2);
                recv_patiently(&mut usr2, flavor).await;
            });
        }
    }
}

child_test! {
    /// SIGKILL, SIGSTOP, SIGSEGV, SIGILL and SIGFPE are refused with `InvalidInput` and a
    /// message that names them; so are numbers that name no signal.
    fn forbidden_signals_and_invalid_numbers_are_refused() {
        support::rt().block_on(async {
            for (signum, name) in [
                (libc::SIGKILL, "SIGKILL"),
                (libc::SIGSTOP, "SIGSTOP"),
                (libc::SIGSEGV, "SIGSEGV"),
                (libc::SIGILL, "SIGILL"),
                (libc::SIGFPE, "SIGFPE"),
            ] {
                let err = signal(SignalKind::from_raw(signum)).unwrap_err();
                assert_eq!(err.kind(), ErrorKind::InvalidInput, "{name}: {err}");
                assert!(err.to_string().starts_with(name), "{err}");
            }
            for signum in [-1, 0, 1000] {
                let err = signal(SignalKind::from_raw(signum)).unwrap_err();
                assert_eq!(err.kind(), ErrorKind::InvalidInput, "{signum}: {err}");
                assert!(err.to_string().starts_with(&format!("{signum} is not a signal")));
            }
        });
    }
}

child_test! {
    /// Once the runtime has shut down, `recv` returns `None` and a pending `ctrl_c`
    /// fails with an error that says the runtime is gone.
    fn recv_after_shutdown_is_none_and_ctrl_c_fails() {
        for (flavor, rt) in flavors() {
            let mut usr1 = rt.block_on(async { signal(SignalKind::user_defined1()).unwrap() });
            let mut ctrl_c = Box::pin(runtime::signal::ctrl_c());
            rt.block_on(poll_fn(|cx| {
                assert!(ctrl_c.as_mut().poll(cx).is_pending());
                Poll::Ready(())
            }));
            drop(rt);
            assert_eq!(support::block_on_std(usr1.recv()), None, "{flavor}");
            let err = support::block_on_std(ctrl_c).unwrap_err();
            assert!(err.to_string().contains("the runtime was shut down"), "{flavor}: {err}");
        }
    }
}

/// `signal()` outside a runtime fails with the runtime's usual error and installs no
/// handler: SIGUSR1 still ends the (child) process.
#[test]
fn signal_outside_a_runtime_fails_and_installs_nothing() {
    let name = "signal_outside_a_runtime_fails_and_installs_nothing";
    if is_child(name) {
        let err = signal(SignalKind::user_defined1()).unwrap_err();
        assert!(
            err.to_string().starts_with("no runtime is running"),
            "{err}"
        );
        println!("refused: {err}");
        raise(libc::SIGUSR1);
        unreachable!("SIGUSR1 should have ended the process");
    }
    let out = run_child(name);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("refused: no runtime is running"),
        "{stdout}"
    );
    assert_eq!(
        out.status.signal(),
        Some(libc::SIGUSR1),
        "the child should die of SIGUSR1: {}\n{stdout}",
        out.status
    );
}
