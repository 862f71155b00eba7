#!/usr/bin/env bash
# Loom model checks of every atomic protocol. The default preemption bound is
# DEFAULT_MAX_PREEMPTIONS in the crates' shared `src/loom.rs` (2); CI raises it for the
# crates whose models stay small at a deeper bound, keeping the step to a few minutes.
# LOOM_MAX_PREEMPTIONS in the environment overrides every crate's bound.
set -euo pipefail
cd "$(dirname "$0")/.."
export RUSTFLAGS="--cfg runtime_loom -C debug-assertions"
export CARGO_TARGET_DIR=target/loom
# crate[:bound]; no bound means the shim's default. runtime-blocking's pool models grow
# fast past the default.
for spec in runtime-core:4 runtime-timer:3 runtime-blocking; do
    crate=${spec%%:*}
    bound=${LOOM_MAX_PREEMPTIONS:-}
    if [ -z "$bound" ] && [ "$spec" != "$crate" ]; then
        bound=${spec##*:}
    fi
    start=$(date +%s)
    if [ -n "$bound" ]; then
        echo "== loom: $crate (LOOM_MAX_PREEMPTIONS=$bound)"
        LOOM_MAX_PREEMPTIONS=$bound cargo test -p "$crate" --release --lib loom_
    else
        echo "== loom: $crate (the shim's default preemption bound)"
        env -u LOOM_MAX_PREEMPTIONS cargo test -p "$crate" --release --lib loom_
    fi
    echo "== loom: $crate took $(($(date +%s) - start)) s"
done
