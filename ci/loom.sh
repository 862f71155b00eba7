#!/usr/bin/env bash
# Loom model checks of every atomic protocol. The preemption bound keeps CI short; raise
# LOOM_MAX_PREEMPTIONS locally for a deeper search.
set -euo pipefail
cd "$(dirname "$0")/.."
export RUSTFLAGS="--cfg runtime_loom -C debug-assertions"
export CARGO_TARGET_DIR=target/loom
# crate:bound pairs; runtime-blocking's pool models grow fast past 2.
for spec in runtime-core:4 runtime-timer:3 runtime-blocking:2; do
    crate=${spec%%:*}
    bound=${LOOM_MAX_PREEMPTIONS:-${spec##*:}}
    echo "== loom: $crate (LOOM_MAX_PREEMPTIONS=$bound)"
    LOOM_MAX_PREEMPTIONS=$bound cargo test -p "$crate" --release --lib loom_
done
