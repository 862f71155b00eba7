//! Every message the macros can print, one sentence each: what happened, then what to do.
//!
//! The compile errors are reported on the offending token (an argument, the `fn`
//! keyword, the argument list), so the messages do not repeat the token itself.

/// The attribute is on an item that is not a function.
pub(crate) const NOT_A_FUNCTION: &str =
    "this attribute runs an `async fn`: put it on the function to run instead of this item";

/// The function lacks the `async` keyword.
pub(crate) const NOT_ASYNC: &str =
    "the `async` keyword is missing from the function declaration: write `async fn`";

/// `#[runtime::main]` on a function named `main` that declares parameters.
pub(crate) const MAIN_HAS_ARGUMENTS: &str = "the main function cannot take arguments: \
     remove them, and read `std::env::args()` inside the body if you need the command line";

/// `#[runtime::test]` on a function that declares parameters.
pub(crate) const TEST_HAS_ARGUMENTS: &str =
    "a test function cannot take arguments: remove them and create the values inside the test";

/// `#[runtime::test]` on a function that already carries `#[test]`.
pub(crate) const SECOND_TEST_ATTRIBUTE: &str =
    "`#[runtime::test]` already marks the function as a test: remove this `#[test]` attribute";

/// An argument whose name is none of the four the macros know.
pub(crate) const UNKNOWN_ARGUMENT: &str = "unknown argument: the valid arguments are \
     `flavor`, `worker_threads`, `start_paused` and `crate`";

/// The same argument given twice.
pub(crate) const DUPLICATE_ARGUMENT: &str =
    "this argument is already given earlier in the list: remove one of the two";

/// `flavor` without a string value (`flavor`, `flavor = current_thread`, `flavor(..)`).
pub(crate) const FLAVOR_VALUE: &str = "`flavor` takes a string: \
     write `flavor = \"current_thread\"` or `flavor = \"multi_thread\"`";

/// A bare `current_thread` or `multi_thread` instead of `flavor = "..."`.
pub(crate) const FLAVOR_WITHOUT_NAME: &str =
    "the runtime flavor is set with the `flavor` argument: \
     write `flavor = \"current_thread\"` or `flavor = \"multi_thread\"`";

/// `flavor = "..."` with a string that names no flavor.
pub(crate) const UNKNOWN_FLAVOR: &str =
    "unknown runtime flavor: the valid flavors are \"multi_thread\" and \"current_thread\"";

/// `worker_threads` without an integer value that fits in `usize`.
pub(crate) const WORKER_THREADS_VALUE: &str =
    "`worker_threads` takes a positive integer: write, for example, `worker_threads = 4`";

/// `worker_threads = 0`.
pub(crate) const WORKER_THREADS_ZERO: &str = "a runtime needs at least one worker thread: \
     pass 1 or more, or remove `worker_threads` to get one thread per CPU core";

/// `worker_threads` on the current-thread runtime, which runs everything on one thread.
pub(crate) const WORKER_THREADS_CURRENT_THREAD: &str = "the current-thread runtime has no worker \
     threads: remove `worker_threads`, or add `flavor = \"multi_thread\"`";

/// `start_paused` without a boolean value.
pub(crate) const START_PAUSED_VALUE: &str =
    "`start_paused` takes a boolean: write `start_paused = true` or `start_paused = false`";

/// `start_paused = true` on the multi-thread runtime.
pub(crate) const START_PAUSED_MULTI_THREAD: &str = "paused time is only supported on the \
     current-thread runtime: add `flavor = \"current_thread\"`, or remove `start_paused = true`";

/// `crate` without a string value.
pub(crate) const CRATE_VALUE: &str = "`crate` takes the path of the runtime crate as a string: \
     write, for example, `crate = \"my_runtime\"`";

/// `crate = "..."` with a string that is not a path.
pub(crate) const CRATE_NOT_A_PATH: &str = "this string is not a path to a crate: \
     write the name the runtime has in your `Cargo.toml`, for example `\"my_runtime\"`";

/// Panic message of a `#[runtime::main]` whose `Builder::build` failed; the builder's error
/// is appended by `expect`.
pub(crate) const MAIN_BUILD_FAILED: &str = "`#[runtime::main]` could not build the runtime: \
     fix the cause in the builder's error that follows";

/// Panic message of a `#[runtime::test]` whose `Builder::build` failed; the builder's error
/// is appended by `expect`.
pub(crate) const TEST_BUILD_FAILED: &str = "`#[runtime::test]` could not build the runtime: \
     fix the cause in the builder's error that follows";
