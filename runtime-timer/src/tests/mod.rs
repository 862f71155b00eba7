//! Loom models (cfg `runtime_loom`; names start with `loom_`).

mod loom_clock;
mod loom_timers;
