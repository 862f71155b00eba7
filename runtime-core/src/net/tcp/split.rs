//! The halves of a [`TcpStream`] (`net/split.rs`).
use super::stream::TcpStream;

crate::net::split::stream_split!(TcpStream, mio::net::TcpStream, super::tcp_doc_setup!());
