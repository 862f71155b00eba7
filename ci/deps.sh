#!/usr/bin/env bash
# runtime never runs on another runtime: with the `hyper` feature, hyper and h2 bring
# tokio as a library (its `sync` and `io-util` parts), never its scheduler, reactor or
# timers. Fails if tokio's `rt`, `rt-multi-thread`, `net` or `time` reach runtime's
# own dependency graph.
set -euo pipefail
cd "$(dirname "$0")/.."
features=$(cargo tree -p runtime --features hyper -e normal,features -i tokio 2>/dev/null |
    grep -o 'tokio feature "[a-z-]*"' | sort -u || true)
echo "tokio features with runtime's hyper feature on:"
echo "${features:-  (tokio is not a dependency)}"
if echo "$features" | grep -E '"(rt|rt-multi-thread|net|time|full)"'; then
    echo "error: runtime's dependencies enable tokio's runtime, reactor or timers" >&2
    exit 1
fi
