#!/usr/bin/env bash
# ./run diag-overhead: what tracing costs the traced process. feedworker (embedded server, pool 20, lazy) at
# read size 1 and whole, untraced and under feeddiag with each backend, runs interleaved; the worker's own
# jobs/s (median of the repetitions) gives overhead = untraced / traced - 1.
# Writes results/diag-overhead-<UTC date>/overhead.tsv (one row per run) and prints the medians.
#   usage: scripts/diag-overhead.sh BUILD_DIR [--jobs N] [--strace-jobs N] [--repeat R] [--backends "bpftrace strace"]
#   (strace stops the process on every traced call: it runs on fewer jobs, its own untraced baseline beside it)
#   example: ./run diag-overhead --jobs 200 --repeat 3
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:?usage: diag-overhead.sh BUILD_DIR [--jobs N] [--strace-jobs N] [--repeat R]}"; shift
JOBS=200 STRACE_JOBS=10 REPEAT=3 BACKENDS="bpftrace strace"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jobs) JOBS="$2"; shift 2 ;;
    --strace-jobs) STRACE_JOBS="$2"; shift 2 ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    --backends) BACKENDS="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "diag-overhead: unknown option $1" >&2; exit 2 ;;
  esac
done
for n in "$JOBS" "$STRACE_JOBS" "$REPEAT"; do
  [[ "$n" =~ ^[0-9]+$ && "$n" -ge 1 ]] || { echo "diag-overhead: --jobs, --strace-jobs, --repeat take a count >= 1" >&2; exit 2; }
done
WORKER="$BUILD/repro/feedworker/feedworker" DIAG="$BUILD/repro/feeddiag/feeddiag"
for p in "$WORKER" "$DIAG"; do [[ -x "$p" ]] || { echo "diag-overhead: $p not built" >&2; exit 1; }; done

OUT="$ROOT/results/diag-overhead-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
TSV="$OUT/overhead.tsv"
printf 'backend\tread_size\tjobs\trep\ttraced\tjobs_per_s\twall_s\tcpu_s\n' > "$TSV"
log() { printf '[diag-overhead] %s\n' "$*" >&2; }
log "load before: $(cut -d' ' -f1-3 /proc/loadavg); writing $TSV"

# One worker run; its summary line "N jobs/s  cpu_util U  wall W s  cpu C s" gives the numbers.
run_one() {   # backend read_size jobs rep traced
  local backend=$1 rs=$2 jobs=$3 rep=$4 traced=$5 line
  local worker=("$WORKER" --pool 20 --consume lazy --read-size "$rs" --jobs "$jobs" --quiet)
  if [[ $traced == 1 ]]; then
    line=$("$DIAG" --backend "$backend" --out "$OUT/diag-$backend-$rs-$rep" -- "${worker[@]}" | grep 'jobs/s' || true)
  else
    line=$("${worker[@]}" | grep 'jobs/s' || true)
  fi
  [[ -n "$line" ]] || { log "no summary from the worker ($backend $rs traced=$traced)"; return 1; }
  read -r jps _ _ _ _ wall _ _ cpu _ <<<"$line"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$backend" "$rs" "$jobs" "$rep" "$traced" "$jps" "$wall" "$cpu" >> "$TSV"
}

for backend in $BACKENDS; do
  jobs=$JOBS
  [[ $backend == strace ]] && jobs=$STRACE_JOBS
  for rs in 1 whole; do
    for rep in $(seq 1 "$REPEAT"); do
      log "$backend read size $rs, $jobs jobs, repetition $rep/$REPEAT"
      run_one "$backend" "$rs" "$jobs" "$rep" 0
      run_one "$backend" "$rs" "$jobs" "$rep" 1
    done
  done
done

# Medians per (backend, read size, traced) and the overhead: on jobs/s (wall, what a user feels; moves with
# other load on the machine) and on CPU per job (the traced process's own cost; steadier under load).
awk -F'\t' 'NR > 1 { k = $1 "\t" $2 "\t" $3; v[k "\t" $5] = v[k "\t" $5] " " $6; c[k "\t" $5] = c[k "\t" $5] " " ($8 / $3); keys[k] = 1 }
  function median(s,   a, n, i, j, t) { n = split(s, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  END { printf "%-9s %-10s %6s %14s %14s %9s %14s %14s %9s\n", "backend", "read size", "jobs", "untraced j/s", "traced j/s", "overhead", "untraced ms/job", "traced ms/job", "cpu overhead"
    for (k in keys) { split(k, f, "\t"); u = median(v[k "\t0"]); t = median(v[k "\t1"]); cu = median(c[k "\t0"]); ct = median(c[k "\t1"])
      printf "%-9s %-10s %6s %14.1f %14.1f %8.1f%% %14.3f %14.3f %8.1f%%\n", f[1], f[2], f[3], u, t, (t > 0 ? 100 * (u / t - 1) : 0), 1000 * cu, 1000 * ct, (cu > 0 ? 100 * (ct / cu - 1) : 0) } }' "$TSV" | sort
log "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
