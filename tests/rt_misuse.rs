//! Misuse gets a message that says what happened and what to do, pointing at the caller's
//! line (`#[track_caller]`); configuration mistakes are errors, not panics.
//!
//! This binary installs a panic hook that records each panic's location (per thread), so
//! it is kept apart from the other tests.

mod support;

use std::io;

use support::catch_panic;

const THIS_FILE: &str = "rt_misuse.rs";

fn assert_points_here(caught: &support::CaughtPanic) {
    assert!(
        caught.file.ends_with(THIS_FILE),
        "the panic points at {}:{} instead of the caller: {:?}",
        caught.file,
        caught.line,
        caught.message
    );
}

#[test]
fn spawn_outside_a_runtime() {
    let line = line!() + 1;
    let caught = catch_panic(|| runtime::spawn(async {})).unwrap_err();
    assert!(
        caught.message.contains("no runtime is running"),
        "{caught:?}"
    );
    // It says what to do, too.
    assert!(caught.message.contains("block_on"), "{caught:?}");
    assert_points_here(&caught);
    assert_eq!(caught.line, line);
}

#[test]
fn spawn_after_leaving_block_on() {
    let rt = support::rt();
    rt.block_on(async {});
    let caught = catch_panic(|| runtime::spawn(async {})).unwrap_err();
    assert!(
        caught.message.contains("no runtime is running"),
        "{caught:?}"
    );
    assert_points_here(&caught);
}

#[test]
fn handle_current_outside_a_runtime() {
    let caught = catch_panic(runtime::Handle::current).unwrap_err();
    assert!(
        caught.message.contains("no runtime is running"),
        "{caught:?}"
    );
    let caught = catch_panic(|| runtime::Handle::current()).unwrap_err();
    assert_points_here(&caught);
    let err = runtime::Handle::try_current().unwrap_err();
    assert!(err.to_string().contains("no runtime is running"), "{err}");
    let _: &dyn std::error::Error = &err;
}

#[test]
fn task_group_spawn_outside_a_runtime() {
    let group = runtime::TaskGroup::new();
    let caught = catch_panic(|| group.spawn(async {})).unwrap_err();
    assert!(
        caught.message.contains("no runtime is running"),
        "{caught:?}"
    );
    assert_points_here(&caught);
    assert!(group.is_empty(), "a refused spawn was counted as a member");
}

#[test]
fn task_builder_spawn_outside_a_runtime_is_an_error() {
    let err = runtime::task::Builder::new()
        .name("orphan")
        .spawn(async {})
        .unwrap_err();
    assert!(err.to_string().contains("no runtime is running"), "{err}");
}

#[test]
fn block_on_inside_block_on() {
    let outer = support::rt();
    let inner = support::rt();
    let caught = catch_panic(|| outer.block_on(async { inner.block_on(async {}) })).unwrap_err();
    assert!(
        caught
            .message
            .contains("cannot start a runtime from inside a runtime"),
        "{caught:?}"
    );
    assert!(caught.message.contains(".await"), "no advice: {caught:?}");
    assert_points_here(&caught);
    // Both runtimes still work afterwards.
    assert_eq!(outer.block_on(async { 1 }), 1);
    assert_eq!(inner.block_on(async { 2 }), 2);
}

#[test]
fn block_on_of_the_same_runtime_inside_itself() {
    let rt = support::rt();
    let caught = catch_panic(|| rt.block_on(async { rt.block_on(async {}) })).unwrap_err();
    assert!(
        caught
            .message
            .contains("cannot start a runtime from inside a runtime"),
        "{caught:?}"
    );
    assert_eq!(rt.block_on(async { 3 }), 3);
}

#[test]
fn block_on_inside_a_task_fails_the_task() {
    support::install_panic_hook();
    let rt = support::rt();
    let other = std::sync::Arc::new(support::rt());
    let o = other.clone();
    let err = catch_panic(|| {
        rt.block_on(async move {
            runtime::spawn(async move { o.block_on(async {}) })
                .await
                .unwrap_err()
        })
    })
    .unwrap();
    assert!(err.is_panic());
    let msg = support::payload_text(&*err.into_panic());
    assert!(
        msg.contains("cannot start a runtime from inside a runtime"),
        "{msg}"
    );
}

#[test]
fn run_inside_a_runtime() {
    let rt = support::rt();
    let caught = catch_panic(|| rt.block_on(async { runtime::run(async {}) })).unwrap_err();
    assert!(
        caught
            .message
            .contains("cannot start a runtime from inside a runtime"),
        "{caught:?}"
    );
    assert_points_here(&caught);
    let caught = catch_panic(|| runtime::run(async { runtime::run(async {}) })).unwrap_err();
    assert!(caught
        .message
        .contains("cannot start a runtime from inside a runtime"));
    assert_points_here(&caught);
}

#[test]
fn block_on_under_handle_enter_is_allowed() {
    // `enter` makes a runtime current but does not make the thread a runtime thread.
    let rt = support::rt();
    let _guard = rt.enter();
    assert_eq!(rt.block_on(async { 4 }), 4);
}

#[test]
fn zero_worker_threads_is_invalid_input() {
    for mut builder in [
        runtime::Builder::new_multi_thread(),
        runtime::Builder::new_current_thread(),
    ] {
        let err = builder.worker_threads(0).build().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let msg = err.to_string();
        assert!(msg.contains("worker_threads"), "{msg}");
        assert!(
            msg.contains("pass"),
            "the message does not say what to pass: {msg}"
        );
    }
}

#[test]
fn zero_intervals_are_invalid_input() {
    let err = runtime::Builder::new_current_thread()
        .global_queue_interval(0)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("pass"), "{err}");
    let err = runtime::Builder::new_current_thread()
        .event_interval(0)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
}

#[test]
fn unavailable_features_are_clear_errors() {
    // The multi-thread flavor either works or says what to use instead.
    match runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
    {
        Ok(rt) => assert_eq!(
            rt.block_on(async { runtime::spawn(async { 5 }).await.unwrap() }),
            5
        ),
        Err(e) => {
            assert_eq!(e.kind(), io::ErrorKind::Unsupported);
            assert!(e.to_string().contains("new_current_thread"), "{e}");
        }
    }
    // Paused time either works or is a clear error.
    if let Err(e) = runtime::Builder::new_current_thread()
        .start_paused(true)
        .build()
    {
        assert_eq!(e.kind(), io::ErrorKind::Unsupported);
        assert!(e.to_string().contains("start_paused"), "{e}");
    }
}

#[test]
fn join_handle_polled_after_completion() {
    let rt = support::rt();
    let mut h = rt.spawn(async { 1 });
    rt.block_on(support::yield_until(
        || h.is_finished(),
        10,
        "the task to finish",
    ));
    let (waker, _) = support::counting_waker();
    assert!(support::poll_with(&mut h, &waker).is_ready());
    let caught = catch_panic(|| support::poll_with(&mut h, &waker)).unwrap_err();
    assert!(caught.message.contains("polled after"), "{caught:?}");
    drop(h);
}

#[test]
fn task_group_join_polled_after_completion() {
    let rt = support::rt();
    let mut join = Box::pin(runtime::TaskGroup::new().join());
    let (waker, _) = support::counting_waker();
    rt.block_on(async {
        assert!(support::poll_with(&mut join, &waker).is_ready());
    });
    let caught = catch_panic(|| support::poll_with(&mut join, &waker)).unwrap_err();
    assert!(caught.message.contains("polled after"), "{caught:?}");
}

#[test]
fn metrics_worker_index_out_of_range() {
    let rt = support::rt();
    let m = rt.handle().metrics();
    let caught = catch_panic(|| m.worker_poll_count(1)).unwrap_err();
    assert!(caught.message.contains("out of range"), "{caught:?}");
    assert_points_here(&caught);
    let caught = catch_panic(|| m.worker_park_count(7)).unwrap_err();
    assert!(caught.message.contains("out of range"), "{caught:?}");
}
