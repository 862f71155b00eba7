#!/usr/bin/env bash
# The loom shim is one file, byte-identical in every runtime crate (STYLE.md, Loom): one
# interface and one behaviour everywhere. Edit runtime-core/src/loom.rs and copy it.
set -euo pipefail
cd "$(dirname "$0")/.."
reference=runtime-core/src/loom.rs
status=0
for copy in runtime-timer/src/loom.rs runtime-blocking/src/loom.rs; do
    if ! cmp "$reference" "$copy"; then
        echo "$copy differs from $reference: copy $reference over it" >&2
        status=1
    fi
done
exit $status
