//! Loom models of the clock (cfg `runtime_loom`; names start with `loom_`).

mod loom_clock;
