//! The halves of a [`UnixStream`] (`net/split.rs`).
use super::stream::UnixStream;

crate::net::split::stream_split!(UnixStream, mio::net::UnixStream, super::unix_doc_setup!());
