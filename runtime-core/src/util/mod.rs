//! Small helpers shared by the subsystems.
pub(crate) mod abort;
#[allow(dead_code)] // until the sync primitives' blocking_* calls land
pub(crate) mod block;
pub(crate) mod latch;
pub(crate) mod rand;
pub(crate) mod slack;
