//! Small helpers shared by the subsystems.
pub(crate) mod abort;
pub(crate) mod block;
pub(crate) mod latch;
pub(crate) mod rand;
pub(crate) mod slack;
