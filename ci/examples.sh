#!/usr/bin/env bash
# Runs every example, as the README tells users to, and checks each exits cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
for ex in examples/*.rs; do
    name=$(basename "$ex" .rs)
    echo "== example: $name"
    timeout 120 cargo run --quiet --release --all-features --example "$name" </dev/null
done
