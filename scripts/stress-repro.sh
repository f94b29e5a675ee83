#!/usr/bin/env bash
# ./run stress-repro: the quick reproduction three times, on an idle machine, with one core busy and with
# both cores busy (stress-ng --cpu N at normal priority, bounded in time), then the runs side by side.
# Passes when every must-reproduce scenario is REPRODUCED in all three runs, or NO DATA with its reason
# under heavy load; a flip to NOT REPRODUCED fails it (exit 1).
#   usage: scripts/stress-repro.sh BUILD_DIR [--out DIR] [--warmup S] [--levels 0,1,2] [-- FEEDREPRO_ARGS...]
#   example: ./run stress-repro -- --scenarios S3,S4,S7
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:?usage: stress-repro.sh BUILD_DIR [--out DIR] [--warmup S] [--levels 0,1,2] [-- FEEDREPRO_ARGS...]}"; shift
REPRO="$BUILD/repro/feedrepro/feedrepro"
OUT="" WARMUP=20 LEVELS="0,1,2" CAP=1800
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --levels) LEVELS="$2"; shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "stress-repro: unknown option $1 (feedrepro's own options go after --)" >&2; exit 2 ;;
  esac
done
[[ "$WARMUP" =~ ^[0-9]+$ && "$WARMUP" -le 300 ]] || { echo "stress-repro: --warmup 0..300 seconds" >&2; exit 2; }
[[ "$LEVELS" =~ ^[0-9](,[0-9])*$ ]] || { echo "stress-repro: --levels: busy core counts, e.g. 0,1,2" >&2; exit 2; }
[[ -x $REPRO ]] || { echo "stress-repro: $REPRO is not built" >&2; exit 1; }
command -v stress-ng > /dev/null || { echo "stress-repro: stress-ng is not installed (./run deps installs it)" >&2; exit 1; }
[[ -n $OUT ]] || OUT="$ROOT/results/stress-$(date -u +%Y%m%dT%H%M%SZ)-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo nogit)"
mkdir -p "$OUT"
log() { printf '[stress-repro] %s\n' "$*" >&2; }

STRESS_PID=""
stop_stress() {
  [[ -n $STRESS_PID ]] || return 0
  kill "$STRESS_PID" 2> /dev/null || true
  wait "$STRESS_PID" 2> /dev/null || true
  STRESS_PID=""
}
trap stop_stress EXIT INT TERM

dirs=()
for n in ${LEVELS//,/ }; do
  case $n in 0) label=idle ;; 1) label=one-core-busy ;; *) label=$n-cores-busy ;; esac
  [[ $n -eq 2 ]] && label=both-cores-busy
  if [[ $n -gt 0 ]]; then
    # Bounded: stress-ng stops by itself after CAP seconds even if this script is killed.
    stress-ng --cpu "$n" --cpu-method int64 --timeout "$CAP" --quiet &
    STRESS_PID=$!
    log "$label: stress-ng --cpu $n started (pid $STRESS_PID); ${WARMUP} s for the load to build"
    sleep "$WARMUP"
  fi
  log "$label: load $(cut -d' ' -f1-3 /proc/loadavg); feedrepro --out $OUT/$label $*"
  start=$(date +%s)
  rc=0
  "$REPRO" --out "$OUT/$label" --quiet "$@" > "$OUT/$label.log" 2>&1 || rc=$?
  log "$label: exit $rc after $(( $(date +%s) - start )) s, load $(cut -d' ' -f1-3 /proc/loadavg)"
  stop_stress
  [[ -s $OUT/$label/checks.tsv ]] || { log "$label: no checks.tsv (see $OUT/$label.log)"; exit 1; }
  dirs+=("$OUT/$label")
done

status=0
"$REPRO" --compare "${dirs[@]}" | tee "$OUT/compare.txt" || status=$?
if [[ $status -eq 0 ]]; then log "PASS: no must-reproduce verdict flipped; side by side in $OUT/compare.txt"
else log "FAIL: a must-reproduce verdict failed (see above and $OUT/compare.txt)"; fi
exit $status
