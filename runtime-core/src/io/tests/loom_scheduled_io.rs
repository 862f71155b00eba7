//! `ScheduledIo`'s races (module docs of `scheduled_io.rs`): the driver setting readiness
//! while a task clears it after `WouldBlock`, a waiter registering while an event
//! arrives, and shutdown while a task waits. A lost wakeup shows up as a loom deadlock in
//! `block_on`.
use crate::io::ready::{Interest, Ready};
use crate::io::scheduled_io::ScheduledIo;
use crate::loom::model;
use crate::loom::sync::Arc;
use crate::loom::thread;
use crate::sync::tests::block_on;

/// The driver's side of one event.
fn deliver(io: &ScheduledIo, ready: Ready) {
    let now = io.set_readiness(|r| r | ready);
    io.wake(now);
}

/// A task saw readiness, its read returned `WouldBlock`, and it clears what it saw while
/// the driver delivers a new event: its next wait still returns.
#[test]
fn loom_io_clear_after_would_block_vs_event() {
    model(|| {
        let io = Arc::new(ScheduledIo::new());
        deliver(&io, Ready::READABLE);
        let seen = block_on(io.ready(Interest::READABLE)).expect("not shut down");
        let driver = {
            let io = io.clone();
            thread::spawn(move || deliver(&io, Ready::READABLE))
        };
        io.clear_readiness(seen);
        let next = block_on(io.ready(Interest::READABLE)).expect("not shut down");
        assert!(next.ready.is_readable());
        driver.join().unwrap();
    });
}

/// A reader and a writer register while the driver delivers an event ready for both:
/// each one either sees the readiness or is woken.
#[test]
fn loom_io_waker_registration_vs_event() {
    model(|| {
        let io = Arc::new(ScheduledIo::new());
        let writer = {
            let io = io.clone();
            thread::spawn(move || block_on(io.ready(Interest::WRITABLE)).map(|e| e.ready))
        };
        let driver = {
            let io = io.clone();
            thread::spawn(move || deliver(&io, Ready::READABLE | Ready::WRITABLE))
        };
        let read = block_on(io.ready(Interest::READABLE)).expect("not shut down");
        assert_eq!(read.ready, Ready::READABLE);
        assert_eq!(writer.join().unwrap().unwrap(), Ready::WRITABLE);
        driver.join().unwrap();
    });
}

/// Shutdown while a task waits: the wait ends with the shutdown error.
#[test]
fn loom_io_shutdown_vs_waiter() {
    model(|| {
        let io = Arc::new(ScheduledIo::new());
        let stopper = {
            let io = io.clone();
            thread::spawn(move || io.shutdown())
        };
        let err = block_on(io.ready(Interest::READABLE)).expect_err("shut down");
        assert!(err.to_string().contains("shut down"));
        stopper.join().unwrap();
    });
}

/// The `poll_*` form: a task polling for writability with its waker in the direction's
/// slot while the driver delivers the event.
#[test]
fn loom_io_poll_ready_slot_vs_event() {
    model(|| {
        let io = Arc::new(ScheduledIo::new());
        let driver = {
            let io = io.clone();
            thread::spawn(move || deliver(&io, Ready::WRITABLE))
        };
        let event = block_on(std::future::poll_fn(|cx| {
            io.poll_ready(cx, Interest::WRITABLE)
        }))
        .expect("not shut down");
        assert_eq!(event.ready, Ready::WRITABLE);
        driver.join().unwrap();
    });
}
