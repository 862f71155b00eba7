#!/usr/bin/env bash
# AddressSanitizer over the task core's, sync's, net's and HTTP's tests: loom does not see use-after-free in raw
# task code. Needs the nightly toolchain (rustup toolchain install nightly
# --component rust-src); skipped with a notice where it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "asan: no nightly toolchain here; skipping (install with: rustup toolchain install nightly)"
    exit 0
fi
target=$(rustc -vV | sed -n 's/^host: //p')
export RUSTFLAGS="-Zsanitizer=address"
export RUSTDOCFLAGS="-Zsanitizer=address"
export ASAN_OPTIONS="detect_leaks=1"
export CARGO_TARGET_DIR=target/asan
cargo +nightly test --target "$target" -p runtime-core --lib --tests
cargo +nightly test --target "$target" -p runtime --features hyper --test "task_*" --test "rt_*" --test "sync_*" --test "net_*" --test "http_*"
