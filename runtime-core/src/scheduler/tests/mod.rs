//! Loom models of parking and the current-thread scheduler's sleep/wake protocol.
mod loom_current_thread;
mod loom_park;

/// Runs `f` under loom with the preemption bound from `LOOM_MAX_PREEMPTIONS` (default 2).
pub(super) fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut b = loom::model::Builder::new();
    if b.preemption_bound.is_none() {
        b.preemption_bound = Some(2);
    }
    // A plain std counter (outside the model) of how many interleavings loom explored.
    #[allow(clippy::disallowed_types)]
    let runs = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let r = runs.clone();
    b.check(move || {
        r.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        f()
    });
    eprintln!(
        "loom: {} interleavings explored",
        runs.load(std::sync::atomic::Ordering::Relaxed)
    );
}
