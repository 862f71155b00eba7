//! Loom models of parking and the current-thread scheduler's sleep/wake protocol.
mod loom_current_thread;
mod loom_park;

pub(super) use crate::loom::model;

/// [`model`], with the body on a loom thread with a 1 MiB stack. loom runs a model's main
/// thread on a fixed 32 KiB coroutine stack, which `Runtime::block_on`'s frames outgrow in
/// some builds (how much inlining a release build does moves with the crate's size), and
/// an overflow there hangs the model instead of failing it.
pub(super) fn model_big_stack<F>(f: F)
where
    F: Fn() + Sync + Send + 'static,
{
    let f = std::sync::Arc::new(f);
    model(move || {
        let f = f.clone();
        crate::loom::thread::spawn_named("model".into(), Some(1 << 20), move || f())
            .expect("loom spawns threads infallibly")
            .join()
            .expect("the model's body panicked");
    });
}
