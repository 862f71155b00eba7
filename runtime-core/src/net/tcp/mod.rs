//! TCP: [`TcpListener`], [`TcpStream`], [`TcpSocket`] (options before `connect` or
//! `listen`), and the halves of a split stream.
//!
//! Streams read and write through the shared machinery of `net/stream.rs` (reads into
//! uninitialized memory, sends without `SIGPIPE`, waiter lists for the `async fn`s,
//! one waker per direction for the `futures_io` traits).
mod listener;
mod socket;
mod split;
mod stream;

pub use listener::TcpListener;
pub use socket::TcpSocket;
pub use split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf};
pub use stream::TcpStream;

/// The prelude of the stream doc examples: a connected `stream` and its `peer`.
macro_rules! tcp_doc_setup {
    () => {
        "let listener = runtime::net::TcpListener::bind(\"127.0.0.1:0\").await?;
let mut stream = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
let (peer, _) = listener.accept().await?;"
    };
}
use tcp_doc_setup;
