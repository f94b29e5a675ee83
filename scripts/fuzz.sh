#!/usr/bin/env bash
# ./run fuzz [--seconds N] [TARGET...]: builds the `fuzz` preset (clang, libFuzzer + ASan + UBSan) and runs
# each target (fuzz/<target>.cpp; default: all) for N seconds (default 60) with its seeds: fuzz/seeds/<target>/,
# the regression inputs tests/data/fuzz-regressions/<target>/, and data read at run time (the shared
# corpus, the scenario files). Prints executions and findings per target; a finding is saved under
# results/fuzz/<target>/ (crash-*, leak-*, timeout-*, oom-*) and makes the exit status 1.
# FEEDBENCH_FUZZ_NO_BUILD=1: run what build/fuzz holds without building.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build/fuzz"
SHARED="${FEEDBENCH_SHARED_CORPUS:-$ROOT/../shared/corpus}"
OUT="$ROOT/results/fuzz"
ALL=(request_parser beast_response curl_framing parse_eager_lazy charset manifest scenario amqp_job_id)
seconds=60
targets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ ${#targets[@]} -eq 0 ]] && targets=("${ALL[@]}")
for t in "${targets[@]}"; do
  [[ " ${ALL[*]} " == *" $t "* ]] || { echo "fuzz: unknown target '$t' (targets: ${ALL[*]})" >&2; exit 2; }
done

[[ -f $BUILD/CMakeCache.txt ]] || cmake --preset fuzz >&2
[[ ${FEEDBENCH_FUZZ_NO_BUILD:-0} == 1 ]] || cmake --build "$BUILD" -j "${FEEDBENCH_JOBS:-2}" --target "${targets[@]/#/fuzz_}" >&2

# Seeds read at run time (never copied into the repository): symlinks in a scratch folder, files under
# 64 KiB only (larger ones are cut to -max_len anyway and make the 1-byte lazy parse slow).
seeds_from() {   # seeds_from DEST DIR... : links every small regular file of the DIRs into DEST
  local dest="$1"; shift
  mkdir -p "$dest"
  local d
  for d in "$@"; do
    [[ -d $d ]] || continue
    # One link per file, named <folder>_<file>.
    find "$d" -type f -size -64k ! -name 'LICENSE*' ! -name '*.md' -exec sh -c \
      'for f; do p=${f%/*}; ln -sf "$f" "$0/${p##*/}_${f##*/}"; done' "$dest" {} +
  done
}

max_len_of() {
  case "$1" in
    parse_eager_lazy|charset) echo 16384 ;;   # a 1-byte lazy parse of 64 KiB under ASan takes ~0.1 s
    beast_response|curl_framing) echo 300000 ;;   # past the fuzz client's 256 KiB --max-body
    *) echo 16384 ;;
  esac
}

status=0
rows=()
for t in "${targets[@]}"; do
  work="$BUILD/corpus/$t" runtime="$BUILD/seeds/$t" art="$OUT/$t"
  rm -rf "$runtime"; mkdir -p "$work" "$runtime" "$art"
  case "$t" in
    parse_eager_lazy|charset) seeds_from "$runtime" "$SHARED/feeds-2012" "$SHARED/encodings" "$SHARED/json" ;;
    scenario) seeds_from "$runtime" "$ROOT/repro/scenarios/data" ;;
  esac
  dirs=("$work" "$runtime")
  [[ -d $ROOT/fuzz/seeds/$t ]] && dirs+=("$ROOT/fuzz/seeds/$t")
  [[ -d $ROOT/tests/data/fuzz-regressions/$t ]] && dirs+=("$ROOT/tests/data/fuzz-regressions/$t")
  # The eager/lazy disagreements found before both paths ran one push parser (also replayed by ./run test).
  [[ $t == parse_eager_lazy && -d $ROOT/tests/data/fuzz-regressions/parse ]] && dirs+=("$ROOT/tests/data/fuzz-regressions/parse")
  log="$art/fuzz.log"
  before=$(find "$art" -maxdepth 1 -name 'crash-*' -o -maxdepth 1 -name 'leak-*' -o -maxdepth 1 -name 'timeout-*' -o -maxdepth 1 -name 'oom-*' | wc -l)
  echo "fuzz: $t for ${seconds}s ..." >&2
  rc=0
  # Seeds go in read-only: new coverage is written to the first folder (the working corpus, build/fuzz/corpus).
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
    "$BUILD/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len="$(max_len_of "$t")" -timeout=25 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$art/" "${dirs[@]}" > "$log" 2>&1 || rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  if [[ -z $execs ]]; then execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#'); fi
  corpus=$(find "$work" -type f | wc -l)
  after=$(find "$art" -maxdepth 1 -name 'crash-*' -o -maxdepth 1 -name 'leak-*' -o -maxdepth 1 -name 'timeout-*' -o -maxdepth 1 -name 'oom-*' | wc -l)
  findings=$((after - before))
  verdict=ok
  if [[ $rc -ne 0 || $findings -gt 0 ]]; then
    verdict="FINDING (exit $rc; see $log)"
    grep -m1 -E 'fuzz finding:|ERROR: AddressSanitizer|runtime error:|ERROR: libFuzzer' "$log" | sed "s/^/fuzz: $t: /" >&2 || true
    status=1
  fi
  rows+=("$(printf '%-18s %8s %12s %10s %9s  %s' "$t" "${seconds}s" "${execs:-0}" "$corpus" "$findings" "$verdict")")
done
printf '%-18s %8s %12s %10s %9s  %s\n' target time executions corpus findings result
printf '%s\n' "${rows[@]}"
exit $status
