#!/usr/bin/env bash
# Lints, including the loom configuration (the loom shims and models must lint too).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo clippy --workspace --all-targets --all-features -- -D warnings
RUSTFLAGS="--cfg runtime_loom" CARGO_TARGET_DIR=target/loom-clippy \
    cargo clippy -p runtime-core -p runtime-blocking -p runtime-timer --lib --tests -- -D warnings
