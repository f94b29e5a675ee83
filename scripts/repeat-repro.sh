#!/usr/bin/env bash
# ./run repeat-repro: the quick reproduction N times in a row (run it on an idle machine), then the runs
# side by side with the spread of every value; exits 1 when a must-reproduce scenario fails in a run or a
# thresholded value (the headline ratios) spreads more than 10% across the runs.
#   usage: scripts/repeat-repro.sh BUILD_DIR [--runs N] [--out DIR] [-- FEEDREPRO_ARGS...]
#   example: ./run repeat-repro --runs 3 -- --scenarios S3,S4,S7,S8
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:?usage: repeat-repro.sh BUILD_DIR [--runs N] [--out DIR] [-- FEEDREPRO_ARGS...]}"; shift
REPRO="$BUILD/repro/feedrepro/feedrepro"
RUNS=3 OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "repeat-repro: unknown option $1 (feedrepro's own options go after --)" >&2; exit 2 ;;
  esac
done
[[ "$RUNS" =~ ^[0-9]+$ && "$RUNS" -ge 2 && "$RUNS" -le 20 ]] || { echo "repeat-repro: --runs 2..20" >&2; exit 2; }
[[ -x $REPRO ]] || { echo "repeat-repro: $REPRO is not built" >&2; exit 1; }
[[ -n $OUT ]] || OUT="$ROOT/results/repeat-$(date -u +%Y%m%dT%H%M%SZ)-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo nogit)"
mkdir -p "$OUT"
log() { printf '[repeat-repro] %s\n' "$*" >&2; }
dirs=()
for k in $(seq 1 "$RUNS"); do
  log "run $k/$RUNS: load $(cut -d' ' -f1-3 /proc/loadavg)"
  rc=0
  "$REPRO" --out "$OUT/run$k" --quiet "$@" > "$OUT/run$k.log" 2>&1 || rc=$?
  log "run $k/$RUNS: exit $rc"
  [[ -s $OUT/run$k/checks.tsv ]] || { log "run $k: no checks.tsv (see $OUT/run$k.log)"; exit 1; }
  dirs+=("$OUT/run$k")
done
status=0
"$REPRO" --compare "${dirs[@]}" --check-spread | tee "$OUT/compare.txt" || status=$?
[[ $status -eq 0 ]] && log "PASS: every thresholded value within 10% across $RUNS runs ($OUT/compare.txt)" \
                    || log "FAIL: see $OUT/compare.txt"
exit $status
