//! The mpsc channel's races: a send against the receiver registering its waker, a close
//! against a blocked send, the last sender's drop against a receive, and a cancelled
//! waiting send against the release of a slot.
use super::{block_on, model, poll_once};
use crate::loom::thread;
use crate::sync::mpsc;
use std::pin::pin;

/// A send racing the receiver's registration: the message is received.
#[test]
fn loom_mpsc_send_vs_recv() {
    model(|| {
        let (tx, mut rx) = mpsc::channel(1);
        let th = thread::spawn(move || block_on(tx.send(1)).unwrap());
        assert_eq!(block_on(rx.recv()), Some(1));
        th.join().unwrap();
    });
}

/// A send blocked on a full channel racing the receiver's close: it fails with its value,
/// never sleeps forever.
#[test]
fn loom_mpsc_close_vs_blocked_send() {
    model(|| {
        let (tx, mut rx) = mpsc::channel(1);
        tx.try_send(0).unwrap();
        let th = thread::spawn(move || block_on(tx.send(1)).map_err(|e| e.0));
        rx.close();
        assert_eq!(th.join().unwrap(), Err(1));
        assert_eq!(block_on(rx.recv()), Some(0));
        assert_eq!(block_on(rx.recv()), None);
    });
}

/// The last sender dropped after a send while the receiver waits: it gets the message,
/// then `None`.
#[test]
fn loom_mpsc_last_sender_drop_vs_recv() {
    model(|| {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let th = thread::spawn(move || {
            tx.send(1).unwrap();
            drop(tx);
        });
        assert_eq!(block_on(rx.recv()), Some(1));
        assert_eq!(block_on(rx.recv()), None);
        th.join().unwrap();
    });
}

/// A full channel with one queued send that is dropped while the receiver frees a slot:
/// the slot is not lost, a later send gets it.
#[test]
fn loom_mpsc_cancelled_send_vs_release() {
    model(|| {
        let (tx, mut rx) = mpsc::channel(1);
        tx.try_send(0).unwrap();
        let tx2 = tx.clone();
        let th = thread::spawn(move || {
            {
                let mut waiting = pin!(tx2.send(1));
                let _ = poll_once(&mut waiting);
            }
            drop(tx2);
        });
        assert_eq!(block_on(rx.recv()), Some(0));
        th.join().unwrap();
        // Whatever the interleaving, the slot is free again (or the cancelled send got in
        // first and its message is there).
        match rx.try_recv() {
            Ok(1) => {}
            Err(mpsc::error::TryRecvError::Empty) => {}
            other => panic!("unexpected {other:?}"),
        }
        tx.try_send(2).unwrap();
        assert_eq!(tx.capacity(), 0);
    });
}

/// Two senders wait on a full channel; the first gives up while the receiver frees a
/// slot: the second still gets in (the slot handed to the first is passed on).
#[test]
fn loom_mpsc_cancelled_send_passes_slot_to_next_waiter() {
    model(|| {
        let (tx, mut rx) = mpsc::channel(1);
        tx.try_send(0).unwrap();
        let (tx_a, tx_b) = (tx.clone(), tx);
        let a = thread::spawn(move || {
            let mut waiting = pin!(tx_a.send(1));
            let _ = poll_once(&mut waiting);
        });
        let b = thread::spawn(move || block_on(tx_b.send(2)).unwrap());
        loop {
            if block_on(rx.recv()) == Some(2) {
                break;
            }
        }
        a.join().unwrap();
        b.join().unwrap();
    });
}
