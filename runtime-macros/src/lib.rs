//! `#[runtime::main]` and `#[runtime::test]`: attribute macros that run an `async fn` on a
//! freshly built `runtime`.
//!
//! # Where this crate sits
//!
//! A leaf of the workspace (see the design notes): it depends on `syn`, `quote` and
//! `proc-macro2` only, never on `runtime-core`. Users do not name it: the facade crate
//! `runtime` re-exports its two attributes as `#[runtime::main]` and `#[runtime::test]`, and
//! the code they expand to calls `::runtime::Builder`, so a crate that uses them depends on
//! `runtime` alone. A crate that renamed that dependency says so with `crate = "name"`.
//!
//! # What the attributes expand to
//!
//! ```ignore
//! #[runtime::main(flavor = "current_thread")]
//! async fn main() -> std::io::Result<()> {
//!     let answer = runtime::spawn(async { 6 * 7 }).await.expect("the task panicked");
//!     println!("{answer}");
//!     Ok(())
//! }
//! ```
//!
//! becomes (attributes and doc comments are kept, `async` is dropped, the return type stays)
//!
//! ```ignore
//! fn main() -> std::io::Result<()> {
//!     let body = async move {
//!         // Never taken: tells rustc the block's output type before it checks `?`s.
//!         if let Some(output) = None::<std::io::Result<()>> {
//!             return output;
//!         }
//!         {
//!             let answer = runtime::spawn(async { 6 * 7 }).await.expect("the task panicked");
//!             println!("{answer}");
//!             Ok(())
//!         }
//!     };
//!     let rt = ::runtime::Builder::new_current_thread()
//!         .build()
//!         .expect("`#[runtime::main]` could not build the runtime: ...");
//!     rt.block_on(body)
//! }
//! ```
//!
//! `entry.rs` explains the details, and how errors keep pointing at the user's code.
//!
//! The examples are not compiled here: this crate cannot depend on the facade that gives
//! them meaning. The facade's UI tests (`tests/macros_ui.rs`, `tests/ui/`) compile and run
//! them, and pin every error message.
//!
//! # Arguments
//!
//! | argument | values | default |
//! |---|---|---|
//! | `flavor` | `"multi_thread"`, `"current_thread"` | multi-thread for `main`, current-thread for `test` |
//! | `worker_threads` | an integer of at least 1; multi-thread only | one per CPU core |
//! | `start_paused` | `true` or `false`; `true` needs the current-thread flavor | `false` |
//! | `crate` | the runtime crate's path as a string, e.g. `"my_runtime"` | `"::runtime"` |
//!
//! Misuse (a non-`async` function, `main` with parameters, an unknown or repeated argument,
//! a value of the wrong kind, options that contradict the flavor) is a compile error on the
//! offending token saying what to write instead; the function is still emitted, so IDEs
//! keep working inside it.

#![forbid(unsafe_code)]

mod config;
mod entry;
mod error;
mod function;

use proc_macro::TokenStream;

/// Runs an `async fn` as the program's entry point on a new runtime.
///
/// Builds a multi-thread runtime (or the one the arguments describe), blocks on the body,
/// and returns its value, so `async fn main() -> Result<(), E>` can use `?`. Accepts
/// `flavor = "multi_thread" | "current_thread"`, `worker_threads = N`,
/// `start_paused = true | false` (current-thread only) and `crate = "path"`.
///
/// ```ignore
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     println!("hello from a task");
/// }
/// ```
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::main(args.into(), item.into()).into()
}

/// Runs an `async fn` test on its own new runtime.
///
/// Like [`macro@main`], with a current-thread runtime by default, and marks the function
/// `#[test]`; `#[should_panic]`, `#[ignore]` and `-> Result<(), E>` work as on any test.
///
/// ```ignore
/// #[runtime::test(start_paused = true)]
/// async fn sleeps_without_waiting() {
///     runtime::sleep(std::time::Duration::from_secs(60)).await;
/// }
/// ```
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::test(args.into(), item.into()).into()
}
