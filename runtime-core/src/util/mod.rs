//! Small helpers shared by the subsystems.
pub(crate) mod abort;
pub(crate) mod rand;
pub(crate) mod slack;
