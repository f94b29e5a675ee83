#!/usr/bin/env bash
# ./run soak [--seconds N] [--out DIR]: feedserver under wrk, a slowloris and a connection storm while two
# feedworkers (beast lazy, curl eager) run up to 100 000 jobs between them with the server's faults mixed
# in (13 jobs in 27 plain, the others cycling through every fault mode: --query 'A|B|...'). RSS and open
# fds of the three processes are sampled every second into samples.tsv and plotted (soak.png, soak.svg).
# Checks: every job accounted (ok + failed by class == jobs, for each worker) and RSS and fds flat after
# the warm-up (thresholds below, printed next to each value). Exit 1 when a check fails. Bounded: the job
# count comes from a short calibration run so that the soak takes about N seconds (default 300); the
# load generators stop when the workers do, or at 2 N + 60 s at the latest.
set -euo pipefail
BUILD="$1"; shift
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds=300
OUT="$ROOT/results/soak-$(date -u +%Y%m%dT%H%M%SZ)"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "soak: unknown argument $1" >&2; exit 2 ;;
  esac
done
SERVER="$BUILD/feedserver/feedserver" WORKER="$BUILD/repro/feedworker/feedworker"
for b in "$SERVER" "$WORKER"; do [[ -x $b ]] || { echo "soak: $b is not built" >&2; exit 1; }; done
command -v wrk > /dev/null || { echo "soak: wrk is missing (./run deps)" >&2; exit 1; }
mkdir -p "$OUT"
LOG="$OUT/soak.log"
: > "$LOG"

# Thresholds (flat after warm-up): warm-up = the first WARMUP_PCT % of the samples; then the median of
# the last third may exceed the median of the first third after warm-up by at most RSS_GROWTH_PCT % +
# RSS_SLACK_MIB (RSS) and FD_SLACK descriptors (fds; the server's count follows the slowloris and storm).
WARMUP_PCT=20 RSS_GROWTH_PCT=10 RSS_SLACK_MIB=16 FD_SLACK=64
MAX_JOBS=100000
FAULTS=(close-mid-body length-long length-short bad-chunk stall html bogus-charset status-500 length-tib length-2g
        endless entities length-conflict length-overflow)
mix=""
for f in "${FAULTS[@]}"; do mix+="|fault=$f|"; done   # a plain job between two faults
mix="${mix#|}"; mix="${mix%|}"
WORKER_ARGS=(--pool 20 --read-timeout-ms 1000 --job-deadline-ms 5000 --max-body 4194304 --quiet)

pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  wait 2> /dev/null || true
}
trap cleanup EXIT

# The server: ephemeral port, read from its first line.
"$SERVER" --port 0 --max-connections 2000 --idle-timeout-ms 2000 > "$OUT/server.out" 2>> "$LOG" &
server_pid=$!; pids+=("$server_pid")
for _ in $(seq 100); do grep -q '^listening' "$OUT/server.out" 2> /dev/null && break; sleep 0.1; done
port=$(sed -n 's/^listening [0-9.]*:\([0-9]*\)$/\1/p' "$OUT/server.out")
[[ -n $port ]] || { echo "soak: feedserver did not start (see $LOG)" >&2; exit 1; }
url="http://127.0.0.1:$port"
echo "soak: feedserver pid $server_pid on $url" >&2

# Calibration: how many jobs the mix gets through in a few seconds on this machine, per worker.
calib() {
  local client="$1" consume="$2" start end
  start=$(date +%s%N)
  "$WORKER" --server "$url" --client "$client" --consume "$consume" --read-size 16k --jobs 300 --query "$mix" \
    "${WORKER_ARGS[@]}" >> "$LOG" 2>&1
  end=$(date +%s%N)
  echo $(( 300 * 1000000000 / (end - start + 1) ))
}
rate_beast=$(calib beast lazy); rate_curl=$(calib curl eager)
# Under the load generators the workers get about half the machine they had alone.
jobs_beast=$(( rate_beast * seconds / 2 )); jobs_curl=$(( rate_curl * seconds / 2 ))
(( jobs_beast + jobs_curl > MAX_JOBS )) && { jobs_beast=$(( MAX_JOBS * jobs_beast / (jobs_beast + jobs_curl) )); jobs_curl=$(( MAX_JOBS - jobs_beast )); }
(( jobs_beast < 100 )) && jobs_beast=100; (( jobs_curl < 100 )) && jobs_curl=100
echo "soak: calibration ${rate_beast} jobs/s (beast lazy), ${rate_curl} jobs/s (curl eager): jobs $jobs_beast + $jobs_curl" >&2

# Load on the server: wrk over a few feeds, a slowloris, a connection storm.
paths=()
while IFS= read -r p; do paths+=("$p"); done < <(curl -s "$url/manifest" | awk -F'\t' 'NR > 1 && NR <= 21 { print $2 }')
[[ ${#paths[@]} -gt 0 ]] || paths=(/feeds/feed-000-rss.xml)
lua="$OUT/wrk.lua"
{ printf 'local paths = {'; printf '"%s",' "${paths[@]}"; printf '}\nlocal i = 0\nrequest = function()\n  i = i %% #paths + 1\n  return wrk.format("GET", paths[i])\nend\n'; } > "$lua"
wrk -t1 -c32 -d$(( 2 * seconds + 60 ))s -s "$lua" "$url" > "$OUT/wrk.out" 2>&1 &
wrk_pid=$!; pids+=("$wrk_pid")

# slowloris: 200 connections, each sending one more byte of an endless header every second; reopened
# when the server's idle timeout closes them.
slowloris() {
  local -a fds=()
  local i fd
  while :; do
    for i in $(seq 0 199); do
      fd="${fds[$i]:-}"
      if [[ -z $fd ]] || ! printf 'X' >&"$fd" 2> /dev/null; then
        [[ -n $fd ]] && exec {fd}>&-
        if exec {fd}<> "/dev/tcp/127.0.0.1/$port" 2> /dev/null; then
          printf 'GET /feeds/slow HTTP/1.1\r\nHost: x\r\nX-Slow: ' >&"$fd" 2> /dev/null || true
          fds[$i]=$fd
        else
          fds[$i]=""
        fi
      fi
    done
    sleep 1
  done
}
slowloris 2> /dev/null &
pids+=($!)

# Connection storm: bursts of 100 connections opened and dropped at once: half say nothing, half send a
# request and close without reading the answer.
storm() {
  local -a fds=()
  local i fd
  while :; do
    fds=()
    for i in $(seq 100); do
      if exec {fd}<> "/dev/tcp/127.0.0.1/$port" 2> /dev/null; then
        (( i % 2 )) && printf 'GET %s HTTP/1.1\r\nHost: x\r\n\r\n' "${paths[0]}" >&"$fd" 2> /dev/null
        fds+=("$fd")
      fi
    done
    for fd in "${fds[@]}"; do exec {fd}>&-; done
    sleep 0.2
  done
}
storm 2> /dev/null &
pids+=($!)

# The workers.
"$WORKER" --server "$url" --client beast --consume lazy --read-size 16k --jobs "$jobs_beast" --query "$mix" \
  "${WORKER_ARGS[@]}" --out "$OUT/beast" > "$OUT/beast.out" 2>> "$LOG" &
beast_pid=$!; pids+=("$beast_pid")
"$WORKER" --server "$url" --client curl --consume eager --read-size 16k --jobs "$jobs_curl" --query "$mix" \
  "${WORKER_ARGS[@]}" --out "$OUT/curl" > "$OUT/curl.out" 2>> "$LOG" &
curl_pid=$!; pids+=("$curl_pid")

# Sampling, every second, until both workers are done (bounded).
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2> /dev/null || echo NaN; }
fds() { ls "/proc/$1/fd" 2> /dev/null | wc -l; }
alive() { kill -0 "$1" 2> /dev/null && [[ $(awk '{ print $3 }' "/proc/$1/stat" 2> /dev/null) != Z ]]; }
samples="$OUT/samples.tsv"
printf 't_s\tserver_rss_kib\tserver_fds\tbeast_rss_kib\tbeast_fds\tcurl_rss_kib\tcurl_fds\n' > "$samples"
t0=$(date +%s)
deadline=$(( t0 + 2 * seconds + 60 ))
while alive "$beast_pid" || alive "$curl_pid"; do
  now=$(date +%s)
  (( now > deadline )) && { echo "soak: the workers are still running at the deadline: stopped" >&2; break; }
  b_rss=NaN b_fds=NaN c_rss=NaN c_fds=NaN
  alive "$beast_pid" && { b_rss=$(rss_kib "$beast_pid"); b_fds=$(fds "$beast_pid"); }
  alive "$curl_pid" && { c_rss=$(rss_kib "$curl_pid"); c_fds=$(fds "$curl_pid"); }
  printf '%d\t%s\t%s\t%s\t%s\t%s\t%s\n' $(( now - t0 )) "$(rss_kib "$server_pid")" "$(fds "$server_pid")" \
    "$b_rss" "$b_fds" "$c_rss" "$c_fds" >> "$samples"
  sleep 1
done
wall=$(( $(date +%s) - t0 ))
beast_rc=0; curl_rc=0
wait "$beast_pid" || beast_rc=$?
wait "$curl_pid" || curl_rc=$?
cleanup; pids=()
trap - EXIT
server_alive_at_end=yes   # the server was stopped by us; a crash would have shown as an empty RSS column

status=0
report="$OUT/soak.txt"
{
  echo "soak: ${wall} s, feedserver under wrk (32 connections) + slowloris (200) + storm (100 per burst), $(uptime | sed 's/.*load/load/')"
  grep -E 'Requests/sec|requests in' "$OUT/wrk.out" | sed 's/^ */  wrk: /' || true
  # Every job accounted: summary.csv's jobs = jobs asked = jobs.csv records, ok + failed = jobs, and the
  # failed jobs by class (errors column, class:count;...) add up to failed.
  for w in beast curl; do
    asked=$([[ $w == beast ]] && echo "$jobs_beast" || echo "$jobs_curl")
    rc=$([[ $w == beast ]] && echo "$beast_rc" || echo "$curl_rc")
    sum="$OUT/$w/summary.csv"
    if [[ ! -s $sum ]]; then echo "  $w: FAIL no summary.csv (exit $rc)"; status=1; continue; fi
    records=$(/usr/bin/python3 -c 'import csv, sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1], newline=""))))' "$OUT/$w/jobs.csv")
    awk -F, -v w="$w" -v asked="$asked" -v rc="$rc" -v records="$records" '
      NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
      NR == 2 { jobs = $col["jobs"]; ok = $col["ok"]; failed = $col["failed"]; errs = $col["errors"]
                n = split(errs, parts, ";"); byclass = 0
                for (i = 1; i <= n; i++) { split(parts[i], kv, ":"); byclass += kv[2] }
                good = jobs == asked && records == jobs && ok + failed == jobs && byclass == failed && rc == 0
                printf "  %s: jobs %d of %d asked, %d records; ok %d + failed %d = %d; failed by class %d (%s); exit %d: %s\n",
                       w, jobs, asked, records, ok, failed, ok + failed, byclass, errs, rc, good ? "all accounted" : "FAIL"
                exit !good }' "$sum" || status=1
  done
  # Flat after warm-up.
  awk -F'\t' -v warm="$WARMUP_PCT" -v g="$RSS_GROWTH_PCT" -v slack="$RSS_SLACK_MIB" -v fslack="$FD_SLACK" '
    function median(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
                                       return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    NR == 1 { for (c = 2; c <= NF; c++) name[c] = $c; cols = NF; next }
    { for (c = 2; c <= cols; c++) if ($c != "NaN" && $c != "") { k = ++cnt[c]; v[c, k] = $c } }
    END {
      bad = 0
      for (c = 2; c <= cols; c++) {
        n = cnt[c]; start = int(n * warm / 100) + 1; len = n - start + 1
        if (len < 6) { printf "  %-16s too few samples after warm-up (%d): not checked\n", name[c], len; continue }
        third = int(len / 3)
        delete a; for (i = 0; i < third; i++) a[i + 1] = v[c, start + i]; first = median(a, third)
        delete a; for (i = 0; i < third; i++) a[i + 1] = v[c, n - third + 1 + i]; last = median(a, third)
        peak = 0; for (i = 1; i <= n; i++) if (v[c, i] > peak) peak = v[c, i]
        if (name[c] ~ /rss/) { limit = first * (1 + g / 100) + slack * 1024; unit = "KiB"; rule = sprintf("<= first x %.2f + %d MiB", 1 + g / 100, slack) }
        else { limit = first + fslack; unit = "fds"; rule = sprintf("<= first + %d", fslack) }
        ok = last <= limit
        if (!ok) bad = 1
        printf "  %-16s after warm-up: median first third %.0f, last third %.0f %s (threshold %s = %.0f), peak %.0f: %s\n",
               name[c], first, last, unit, rule, limit, peak, ok ? "flat" : "FAIL growing"
      }
      exit bad }' "$samples" || status=1
} | tee "$report"
grep -q FAIL "$report" && status=1

# Plot: RSS (MiB) and open fds over time, one line per process.
if command -v gnuplot > /dev/null; then
  for term in "pngcairo size 640,420 font ',9'" "svg size 640,420 font ',9'"; do
    ext=$([[ $term == png* ]] && echo png || echo svg)
    gnuplot -e "
      set terminal $term; set output '$OUT/soak.$ext';
      set datafile separator '\t'; set datafile missing 'NaN'; set key top left; set grid;
      set multiplot layout 2,1 title 'soak: RSS and open fds (feedserver under wrk + slowloris + storm; 2 workers, faults mixed in)';
      set ylabel 'RSS MiB'; set format x '';
      plot '$samples' using 1:(\$2/1024) with lines title 'feedserver', '' using 1:(\$4/1024) with lines title 'feedworker beast lazy', '' using 1:(\$6/1024) with lines title 'feedworker curl eager';
      set ylabel 'open fds'; set xlabel 'seconds'; set format x '%g';
      plot '$samples' using 1:3 with lines title 'feedserver', '' using 1:5 with lines title 'feedworker beast lazy', '' using 1:7 with lines title 'feedworker curl eager';
      unset multiplot" 2>> "$LOG" || echo "soak: gnuplot failed (see $LOG)" >&2
  done
fi
echo "soak: $([[ $status -eq 0 ]] && echo PASS || echo FAIL); $report, $samples, $OUT/soak.png" >&2
exit $status
