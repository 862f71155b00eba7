//! The oneshot state word's races: send against the receiver's drop and poll, the
//! sender's drop against a poll, `closed` against the receiver's drop, and a replaced
//! waker.
use super::{block_on, model, poll_once};
use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::Arc;
use crate::loom::thread;
use crate::sync::oneshot::{self, error::RecvError};

/// A value that counts its drops.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}

/// Whoever frees the allocation, it is freed once and the value is dropped exactly once:
/// by the receiver's free, or handed back to the sender.
#[test]
fn loom_oneshot_send_vs_receiver_drop() {
    model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = oneshot::channel();
        let value = Counted(drops.clone());
        let th = thread::spawn(move || tx.send(value).is_ok());
        drop(rx);
        let sent = th.join().unwrap();
        let _ = sent;
        assert_eq!(drops.load(SeqCst), 1);
    });
}

/// A send racing the receiver's first poll (waker registration): the receiver gets the
/// value, never sleeps forever.
#[test]
fn loom_oneshot_send_vs_poll() {
    model(|| {
        let (tx, rx) = oneshot::channel();
        let th = thread::spawn(move || tx.send(7).unwrap());
        assert_eq!(block_on(rx), Ok(7));
        th.join().unwrap();
    });
}

/// The sender dropped while the receiver polls: the receiver wakes with `RecvError`.
#[test]
fn loom_oneshot_sender_drop_vs_poll() {
    model(|| {
        let (tx, rx) = oneshot::channel::<u8>();
        let th = thread::spawn(move || drop(tx));
        assert_eq!(block_on(rx), Err(RecvError(())));
        th.join().unwrap();
    });
}

/// `Sender::closed` racing the receiver's drop: it resolves.
#[test]
fn loom_oneshot_closed_vs_receiver_drop() {
    model(|| {
        let (mut tx, rx) = oneshot::channel::<u8>();
        let th = thread::spawn(move || drop(rx));
        block_on(tx.closed());
        assert!(tx.is_closed());
        th.join().unwrap();
    });
}

/// The receiver registers one waker, then another while the sender sends: the second
/// one is woken (the replacement is never lost).
#[test]
fn loom_oneshot_waker_replacement() {
    model(|| {
        let (tx, mut rx) = oneshot::channel();
        assert!(poll_once(&mut rx).is_pending());
        let th = thread::spawn(move || tx.send(1).unwrap());
        assert_eq!(block_on(rx), Ok(1));
        th.join().unwrap();
    });
}

/// `Receiver::close` racing a send: either the send fails and hands the value back, or
/// it succeeded and the value is still there to take.
#[test]
fn loom_oneshot_close_vs_send() {
    model(|| {
        let (tx, mut rx) = oneshot::channel();
        let th = thread::spawn(move || tx.send(3).is_ok());
        rx.close();
        let sent = th.join().unwrap();
        assert_eq!(rx.try_recv().is_ok(), sent);
    });
}

/// Both handles dropped at once, with nothing sent: the allocation is freed exactly once
/// (loom reports a double access of the freed cells) and nobody wakes a freed waker.
#[test]
fn loom_oneshot_sender_drop_vs_receiver_drop_while_waiting() {
    model(|| {
        let (mut tx, mut rx) = oneshot::channel::<u8>();
        assert!(poll_once(&mut rx).is_pending());
        assert!(poll_once(&mut Box::pin(tx.closed())).is_pending());
        let th = thread::spawn(move || drop(tx));
        drop(rx);
        th.join().unwrap();
    });
}
