//! The LIFO slot, the deque and the injector against thieves and shutdown.
use super::*;
use crate::loom::thread;
use crate::scheduler::multi_thread::queue::{Inject, Steal, Worker};
use crate::scheduler::multi_thread::worker::LifoSlot;

#[test]
fn loom_mt_lifo_slot_vs_stealer() {
    model(|| {
        let s = sched();
        let polls = Arc::new(AtomicUsize::new(0));
        let (j1, n1) = counted_task(&s, &polls);
        let (j2, n2) = counted_task(&s, &polls);
        let slot = Arc::new(LifoSlot::<Arc<Sched>>::new());
        let thief_slot = slot.clone();
        let thief = thread::spawn(move || {
            if let Some(t) = thief_slot.take() {
                t.run();
            }
        });
        // The owner: a wake puts n1 in the slot, a second wake displaces it.
        assert!(slot.put(n1).is_none());
        if let Some(prev) = slot.put(n2) {
            prev.run();
        }
        if let Some(t) = slot.take() {
            t.run();
        }
        thief.join().unwrap();
        assert!(slot.take().is_none());
        assert_eq!(polls.load(SeqCst), 2, "each task runs exactly once");
        drop((j1, j2));
        s.owned.close_and_shutdown_all();
        assert_eq!(Arc::strong_count(&s), 1, "a task leaked");
    });
}

#[test]
fn loom_mt_steal_batch_vs_owner_pop() {
    model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let owner = Worker::new_fifo();
        for _ in 0..3 {
            owner.push(Item(drops.clone()));
        }
        let stealer = owner.stealer();
        let thief = thread::spawn(move || {
            let mine = Worker::new_fifo();
            let mut got = 0;
            loop {
                match stealer.steal_batch_and_pop(&mine) {
                    Steal::Success(_) => {
                        got += 1;
                        break;
                    }
                    Steal::Retry => crate::loom::spin_hint(),
                    Steal::Empty => break,
                }
            }
            while mine.pop().is_some() {
                got += 1;
            }
            got
        });
        let mut got = 0;
        while owner.pop().is_some() {
            got += 1;
        }
        let stolen = thief.join().unwrap();
        assert_eq!(got + stolen, 3, "every item taken exactly once");
        assert_eq!(drops.load(SeqCst), 3);
    });
}

#[test]
fn loom_mt_inject_push_vs_close() {
    model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let inject = Arc::new(Inject::<Item>::new());
        let i2 = inject.clone();
        let d = drops.clone();
        let pusher = thread::spawn(move || {
            i2.push(Item(d));
        });
        inject.close();
        pusher.join().unwrap();
        // Pushed before the close and drained by it, or refused: never stranded.
        assert!(inject.pop().is_none(), "a task outlived the close");
        assert_eq!(drops.load(SeqCst), 1);
    });
}

#[test]
fn loom_mt_inject_push_vs_pop_then_close() {
    model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let inject = Arc::new(Inject::<Item>::new());
        let i2 = inject.clone();
        let d = drops.clone();
        let pusher = thread::spawn(move || {
            i2.push(Item(d));
        });
        // A worker takes it (if it is there yet), then shutdown closes the queue.
        let popped = inject.pop();
        inject.close();
        pusher.join().unwrap();
        drop(popped);
        assert!(inject.pop().is_none());
        assert_eq!(
            drops.load(SeqCst),
            1,
            "run (popped) or dropped, exactly once"
        );
    });
}
