//! The token table's race (`tokens.rs`): a deregistration, and a registration that may
//! reuse the freed key, racing a driver turn that dispatches an event for the old key
//! (collected by a poll that began before the deregistration).
use crate::io::ready::{Interest, Ready};
use crate::io::tokens::Tokens;
use crate::loom::model;
use crate::loom::sync::Arc;
use crate::loom::thread;

/// The stale event reaches the old source or nobody, never the newcomer: the key is
/// reused only after the driver's next turn began.
#[test]
fn loom_io_deregister_vs_driver_turn() {
    model(|| {
        let tokens = Arc::new(Tokens::new());
        let (key, _old) = tokens.insert().unwrap();
        let other = {
            let tokens = tokens.clone();
            thread::spawn(move || {
                tokens.release(key);
                tokens.insert().unwrap()
            })
        };
        // The driver's turn: dispatch what the last poll collected, then start the next
        // turn (which frees released keys before polling).
        let mut scratch = Vec::new();
        tokens.dispatch([(key, Ready::READABLE)].into_iter(), &mut scratch);
        tokens.release_pending();
        let (_new_key, new) = other.join().unwrap();
        assert!(
            new.readiness(Interest::READABLE).ready.is_empty(),
            "an event for a deregistered token reached the source that reused it"
        );
    });
}
