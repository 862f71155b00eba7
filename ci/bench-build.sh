#!/usr/bin/env bash
# Benchmarks are run by hand (`cargo bench -p runtime-benches`); CI only compiles them.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --no-run -p runtime-benches
