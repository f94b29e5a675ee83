#!/usr/bin/env bash
# S9 (intake: basic.get polling vs basic.consume with prefetch) and S10 (a fleet of workers on one queue, a broker
# restart, a killed worker): feedrepro --scenarios S9,S10, which starts and stops its private RabbitMQ.
#   scripts/intake-demo.sh [BUILD_DIR] [--full] [--repeat R] [--out DIR]   (or: ./run intake-demo [--full])
# Example: ./run intake-demo            # the quick matrices, 3 repetitions
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build/release"
if [[ $# -gt 0 && -d "$1" ]]; then BUILD="$(cd "$1" && pwd)"; shift; fi
case "${1:-}" in -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
FEEDREPRO="$BUILD/repro/feedrepro/feedrepro"
[[ -x "$FEEDREPRO" ]] || { echo "intake-demo: $FEEDREPRO is not built (cmake --build $BUILD)" >&2; exit 1; }
exec "$FEEDREPRO" --scenarios S9,S10 "$@"
