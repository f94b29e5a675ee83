#!/usr/bin/env bash
# ./run bench: the Google Benchmark suites -> results/<run-id>/bench/ (JSON, TSV, pivots, plots, meta.json).
#   usage: scripts/bench.sh BUILD_DIR [--full] [--baseline DIR] [--filter REGEX] [--threshold PCT] [--out DIR]
#   example: ./run bench            (quick: 5 repetitions, min time 0.05 s; about 1-2 minutes)
#            ./run bench --full --baseline results/20261126T010000Z-abc1234/bench
# Throughput columns are MB/s with MB = 10^6 bytes. With --baseline, bench_compare runs per suite and
# the script exits 1 when a suite has a significant slowdown (> 10%, Mann-Whitney p < 0.05).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:?usage: bench.sh BUILD_DIR [--full] [--baseline DIR] [--filter REGEX]}"; shift
BUILD="$(cd "$BUILD" && pwd)"
MODE=quick BASELINE="" FILTER="" THRESHOLD=10 OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --full) MODE=full; shift ;;
    --baseline) BASELINE="$2"; shift 2 ;;
    --filter) FILTER="$2"; shift 2 ;;
    --threshold) THRESHOLD="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option $1" >&2; exit 2 ;;
  esac
done
log() { printf '[bench] %s\n' "$*" >&2; }

if [[ $MODE == full ]]; then REPS=10 MIN_TIME=0.5; else REPS=5 MIN_TIME=0.05; fi
export FEEDBENCH_SHARED_CORPUS="${FEEDBENCH_SHARED_CORPUS:-$ROOT/../shared/corpus}"

TOOLS="$BUILD/bench"
[[ -x "$TOOLS/bench_to_tsv" ]] || { log "$TOOLS/bench_to_tsv not built"; exit 1; }
[[ -x "$TOOLS/bench_meta" ]] || { log "$TOOLS/bench_meta not built"; exit 1; }
RUN_ID="${FEEDBENCH_RUN_ID:-$("$TOOLS/bench_meta" --run-id)}"
OUT="${OUT:-$ROOT/results/$RUN_ID/bench}"
mkdir -p "$OUT"
log "run $RUN_ID ($MODE: $REPS repetitions, min time ${MIN_TIME}s) -> $OUT"

"$TOOLS/bench_meta" --out "$OUT/meta.json" --config "mode=$MODE" --config "repetitions=$REPS" \
  --config "min_time_s=$MIN_TIME" --config "filter=$FILTER" --config "mb=10^6 bytes"

SUITES=(parse charset sched read_path http)
STATUS=0
for suite in "${SUITES[@]}"; do
  exe="$TOOLS/bench_$suite"
  if [[ ! -x "$exe" ]]; then log "bench_$suite not built: skipped"; continue; fi
  log "bench_$suite"
  args=(--benchmark_repetitions="$REPS" --benchmark_min_time="$MIN_TIME"
        --benchmark_out="$OUT/$suite.json" --benchmark_out_format=json --benchmark_display_aggregates_only=true)
  [[ -n "$FILTER" ]] && args+=(--benchmark_filter="$FILTER")
  if ! "$exe" "${args[@]}" >"$OUT/$suite.log" 2>&1; then
    log "bench_$suite failed (see $OUT/$suite.log)"; STATUS=1; continue
  fi
  grep -E '_median|ERROR|note:' "$OUT/$suite.log" >&2 || true
  "$TOOLS/bench_to_tsv" "$OUT/$suite.json" -o "$OUT/$suite.tsv" --check || { log "bench_$suite: conversion failed or a benchmark reported an error"; STATUS=1; }
done

# Whole-body eager pool-20 jobs/s vs the parse-only rate on the same bodies, same core, one run (target 0.8):
# the worker on core 1 against an embedded feed server on core 0, then parse_eager alone on core 1 over
# the bodies of the jobs that ran. One line per corpus in whole_vs_parse.txt.
if [[ -x "$TOOLS/bench_whole_vs_parse" ]]; then
  cpus=(--cpu 1 --server-cpu 0)
  [[ $(nproc) -lt 2 ]] && cpus=(--cpu -1 --server-cpu -1)
  : >"$OUT/whole_vs_parse.txt"
  for corpus in synthetic "$FEEDBENCH_SHARED_CORPUS/feeds-2012"; do
    [[ $corpus == synthetic || -d $corpus ]] || continue
    log "whole-body vs parse-only: $corpus"
    if ! "$TOOLS/bench_whole_vs_parse" --corpus "$corpus" "${cpus[@]}" >>"$OUT/whole_vs_parse.txt" 2>>"$OUT/whole_vs_parse.log"; then
      log "bench_whole_vs_parse failed for $corpus (see $OUT/whole_vs_parse.log)"; STATUS=1
    fi
  done
  cat "$OUT/whole_vs_parse.txt" >&2
  echo "load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/whole_vs_parse.txt" >&2
fi

# Pivots for the plots (median aggregates).
pivot() { # json out suite rows cols value
  [[ -f "$1" ]] && "$TOOLS/bench_to_tsv" "$1" -o /dev/null --pivot --pivot-out "$2" --suite "$3" --rows "$4" --cols "$5" --value "$6"
}
pivot "$OUT/parse.json" "$OUT/parse_mbps.tsv" parse 2 1 mb_per_s || true
pivot "$OUT/charset.json" "$OUT/charset_mbps.tsv" charset 2 1 mb_per_s || true
pivot "$OUT/read_path.json" "$OUT/read_path_ns_per_read.tsv" read_path 2 1 ns_per_read || true
pivot "$OUT/read_path.json" "$OUT/read_path_mbps.tsv" read_path 2 1 mb_per_s || true
pivot "$OUT/read_path.json" "$OUT/read_path_cpu_ns_per_read.tsv" read_path 2 1 cpu_ns_per_read || true
# CPU time: on a busy shared machine wall time includes preemption; these loops never sleep.
pivot "$OUT/sched.json" "$OUT/sched_ns.tsv" sched 2 0 cpu_ns || true

if command -v gnuplot >/dev/null; then
  machine="$(uname -sr), $(nproc) cores, $RUN_ID"
  plot() { # script data out title
    [[ -s "$2" ]] || return 0
    gnuplot -e "data='$2'; out='$3'; title='$4'; subtitle='$machine'" "$ROOT/results/$1" 2>>"$OUT/gnuplot.log" \
      || log "gnuplot failed for $3 (see $OUT/gnuplot.log)"
  }
  plot bench_parse.gp "$OUT/parse_mbps.tsv" "$OUT/parse_mbps.png" "parse MB/s per parser and input"
  plot bench_parse.gp "$OUT/charset_mbps.tsv" "$OUT/charset_mbps.png" "charset detection and transcoding MB/s"
  plot bench_read_path.gp "$OUT/read_path_ns_per_read.tsv" "$OUT/read_path_ns_per_read.png" "ns per read (wall) vs read size (loopback TCP)"
  plot bench_read_path.gp "$OUT/read_path_cpu_ns_per_read.tsv" "$OUT/read_path_cpu_ns_per_read.png" "thread CPU ns per read vs read size (loopback TCP)"
  plot bench_sched.gp "$OUT/sched_ns.tsv" "$OUT/sched_ns.png" "switch, post and 1-byte read costs (thread CPU ns)"
else
  log "gnuplot not installed: no plots"
fi

if [[ -n "$BASELINE" ]]; then
  [[ -d "$BASELINE" ]] || { log "baseline $BASELINE is not a directory"; exit 2; }
  for suite in "${SUITES[@]}"; do
    [[ -f "$BASELINE/$suite.json" && -f "$OUT/$suite.json" ]] || continue
    log "compare $suite against $BASELINE"
    set +e
    "$TOOLS/bench_compare" "$BASELINE/$suite.json" "$OUT/$suite.json" --threshold "$THRESHOLD" | tee "$OUT/compare_$suite.txt"
    rc=${PIPESTATUS[0]}
    set -e
    [[ $rc -eq 1 ]] && { log "$suite: significant slowdown"; STATUS=1; }
  done
fi
log "done: $OUT"
exit $STATUS
