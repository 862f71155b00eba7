//! `watch`'s races: a send against a receiver registering in `changed()`, the last
//! sender's drop against `changed()`, the last receiver's drop against `Sender::closed()`.
use super::{block_on, model};
use crate::loom::thread;
use crate::sync::watch;

/// A send racing `changed()`'s version check and registration: the receiver sees the new
/// value, whichever comes first.
#[test]
fn loom_watch_send_vs_changed() {
    model(|| {
        let (tx, mut rx) = watch::channel(0);
        let sender = thread::spawn(move || {
            tx.send(1).unwrap();
            tx
        });
        block_on(rx.changed()).unwrap();
        assert_eq!(*rx.borrow_and_update(), 1);
        let _tx = sender.join().unwrap();
    });
}

/// The last sender dropped while a receiver enters `changed()`: it fails instead of
/// sleeping forever.
#[test]
fn loom_watch_last_sender_drop_vs_changed() {
    model(|| {
        let (tx, mut rx) = watch::channel(0);
        let tx2 = tx.clone();
        let dropper = thread::spawn(move || drop(tx));
        drop(tx2);
        assert!(block_on(rx.changed()).is_err());
        dropper.join().unwrap();
    });
}

/// The last receiver dropped while the sender enters `closed()`: it completes.
#[test]
fn loom_watch_last_receiver_drop_vs_closed() {
    model(|| {
        let (tx, rx) = watch::channel(0);
        let dropper = thread::spawn(move || drop(rx));
        block_on(tx.closed());
        assert!(tx.send(1).is_err());
        dropper.join().unwrap();
    });
}
