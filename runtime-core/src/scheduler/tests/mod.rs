//! Loom models of parking and the current-thread scheduler's sleep/wake protocol.
mod loom_current_thread;
mod loom_park;

pub(super) use crate::loom::model;
