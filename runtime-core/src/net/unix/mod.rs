//! Unix-domain stream sockets: [`UnixListener`], [`UnixStream`], and the halves of a
//! split stream (the same machinery as TCP's, `net/stream.rs`).
mod listener;
mod split;
mod stream;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod ucred;

pub use listener::UnixListener;
pub use split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf};
pub use stream::UnixStream;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use ucred::UCred;

/// The prelude of the stream doc examples: a connected `stream` and its `peer`.
macro_rules! unix_doc_setup {
    () => {
        "let (mut stream, peer) = runtime::net::UnixStream::pair()?;"
    };
}
use unix_doc_setup;
