#!/usr/bin/env bash
# ./run bench-server: wrk against feedserver and against nginx serving the same files (one ~50 kB feed
# with keep-alive, and the whole corpus round-robin); writes results/<run-id>/bench-server/results.tsv.
#   usage: scripts/bench-server.sh BUILD_DIR [--duration S] [--connections C] [--feeds N] [--repeat R]
#   (feedserver and nginx runs interleave R times, default 3; each run is one row of results.tsv; the
#   summary gives the median with min..max, and the ratio as the median of the per-round ratios: run k of
#   feedserver and run k of nginx go back to back, so a round met one state of the machine; with fewer than
#   3 rounds, the ratio of the medians)
#   example: ./run bench-server --duration 10
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:?usage: bench-server.sh BUILD_DIR [--duration S] [--connections C] [--feeds N]}"; shift
DURATION=10 CONNECTIONS=32 FEEDS=50 REPEAT=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --feeds) FEEDS="$2"; shift 2 ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-server: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ "$DURATION" =~ ^[0-9]+$ && "$DURATION" -ge 1 && "$DURATION" -le 600 ]] || { echo "bench-server: --duration 1..600" >&2; exit 2; }
[[ "$REPEAT" =~ ^[0-9]+$ && "$REPEAT" -ge 1 && "$REPEAT" -le 20 ]] || { echo "bench-server: --repeat 1..20" >&2; exit 2; }
SRV="$BUILD/feedserver/feedserver"
[[ -x "$SRV" ]] || { echo "bench-server: $SRV not built" >&2; exit 1; }
for tool in wrk nginx curl taskset; do command -v "$tool" >/dev/null || { echo "bench-server: $tool not installed" >&2; exit 1; }; done
NGINX_CONF_IN="$ROOT/feedserver/nginx/nginx.conf.in"
LUA="$ROOT/feedserver/nginx/round_robin.lua"

log() { printf '[bench-server] %s\n' "$*" >&2; }

TMP=$(mktemp -d /tmp/feedbench-bench-server.XXXXXX)
chmod 755 "$TMP"
SRV_PID="" NGINX_PID=""
cleanup() {
  [[ -n "$SRV_PID" ]] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null || true
  [[ -n "$NGINX_PID" ]] && kill -QUIT "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

# Cores: server on the first, wrk on the last (separate cores when there are two or more). Both servers
# start under the same taskset (nginx's master and its one worker inherit it), wrk always on its own.
CORES=$(nproc)
SERVER_CPU=0 WRK_CPU=$((CORES - 1))
pin_server=(taskset -c "$SERVER_CPU") pin_wrk=(taskset -c "$WRK_CPU")

# The same files for both servers.
"$SRV" --feeds "$FEEDS" --dump "$TMP/www" >/dev/null
chmod -R a+rX "$TMP/www"
MANIFEST="$TMP/www/manifest"
# One feed of about 50 kB (the rss twin closest to 50000 bytes).
SINGLE=$(awk -F'\t' 'NR>1 && $3=="rss" { d=$4-50000; if (d<0) d=-d; if (best=="" || d<bd) { best=$2; bd=d; sz=$4 } } END { print best }' "$MANIFEST")
SINGLE_BYTES=$(awk -F'\t' -v p="$SINGLE" '$2==p { print $4 }' "$MANIFEST")

# feedserver on an ephemeral port; its first stdout line says where.
"${pin_server[@]}" "$SRV" --feeds "$FEEDS" --port 0 >"$TMP/feedserver.out" 2>"$TMP/feedserver.err" &
SRV_PID=$!
for _ in $(seq 100); do grep -q '^listening ' "$TMP/feedserver.out" 2>/dev/null && break; sleep 0.05; done
FS_ADDR=$(sed -n 's/^listening //p' "$TMP/feedserver.out" | head -1)
[[ -n "$FS_ADDR" ]] || { log "feedserver did not start"; cat "$TMP/feedserver.err" >&2; exit 1; }

# nginx on a free port with its own prefix (pid, logs, temp paths in $TMP).
start_nginx() {
  local port
  for _ in $(seq 20); do
    port=$((20000 + RANDOM % 30000))
    ss -ltnH "sport = :$port" 2>/dev/null | grep -q . && continue
    sed -e "s|@PREFIX@|$TMP/nginx|g" -e "s|@ROOT@|$TMP/www|g" -e "s|@PORT@|$port|g" "$NGINX_CONF_IN" >"$TMP/nginx.conf"
    mkdir -p "$TMP/nginx"
    "${pin_server[@]}" nginx -p "$TMP/nginx" -c "$TMP/nginx.conf" 2>"$TMP/nginx.stderr" &
    NGINX_PID=$!
    for _ in $(seq 50); do
      if curl -fs -o /dev/null "http://127.0.0.1:$port/manifest"; then NG_ADDR="127.0.0.1:$port"; return 0; fi
      kill -0 "$NGINX_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -QUIT "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null || true; NGINX_PID=""
  done
  log "nginx did not start"; cat "$TMP/nginx.stderr" "$TMP/nginx/error.log" >&2 2>/dev/null || true; return 1
}
NG_ADDR=""
start_nginx

# Both serve byte-identical bodies.
for addr in "$FS_ADDR" "$NG_ADDR"; do
  curl -fs "http://$addr$SINGLE" | cmp -s - "$TMP/www$SINGLE" || { log "$addr does not serve $SINGLE byte-identical"; exit 1; }
done

COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null || COMMIT="$COMMIT-dirty"
RUN_ID="${FEEDBENCH_RUN_ID:-$(date -u +%Y%m%dT%H%M%SZ)-${COMMIT%-dirty}}"
OUT="$ROOT/results/$RUN_ID/bench-server"
mkdir -p "$OUT"

to_us() {  # wrk latency "271.00us" / "1.20ms" / "2.00s" -> microseconds
  awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n*1000; else if (v ~ /s$/) print n*1000000; else print n }'
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
TSV="$OUT/results.tsv"
printf 'server\tscenario\trequests_per_s\tp50_us\tp99_us\terrors\tserver_cpu_us_per_request\n' >"$TSV"
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() {  # user+system ticks of the given pids and their children (nginx workers)
  local total=0 pid
  for pid in "$@" $(for p in "$@"; do pgrep -P "$p"; done); do
    [[ -r /proc/$pid/stat ]] || continue
    total=$((total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat")))
  done
  echo "$total"
}
run_wrk() {  # server scenario addr
  local server=$1 scenario=$2 addr=$3 raw="$OUT/wrk-$1-$2-$4.txt" args=()
  if [[ $scenario == single ]]; then args=("http://$addr$SINGLE"); else args=(-s "$LUA" "http://$addr" -- "$MANIFEST"); fi
  "${pin_wrk[@]}" wrk -t1 -c"$CONNECTIONS" -d1s "${args[@]}" >/dev/null  # warm-up, not recorded
  log "$server $scenario: wrk -t1 -c$CONNECTIONS -d${DURATION}s --latency ${args[*]}"
  local server_pid=$SRV_PID; [[ $server == nginx ]] && server_pid=$NGINX_PID
  local ticks_before ticks_after requests
  ticks_before=$(cpu_ticks "$server_pid")
  "${pin_wrk[@]}" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "${args[@]}" >"$raw"
  ticks_after=$(cpu_ticks "$server_pid")
  requests=$(awk '/requests in/ { print $1 }' "$raw")
  local cpu_us=$(awk -v t=$((ticks_after - ticks_before)) -v hz="$CLK_TCK" -v n="${requests:-0}" 'BEGIN { printf "%.1f", (n > 0 ? t / hz * 1e6 / n : 0) }')
  local rps p50 p99 sock non2xx
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$raw")
  p50=$(to_us "$(awk '$1=="50%" { print $2 }' "$raw")")
  p99=$(to_us "$(awk '$1=="99%" { print $2 }' "$raw")")
  sock=$(awk '/Socket errors:/ { gsub(",", ""); print $4+$6+$8+$10 }' "$raw"); sock=${sock:-0}
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $5 }' "$raw"); non2xx=${non2xx:-0}
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$server" "$scenario" "$rps" "$p50" "$p99" $((sock + non2xx)) "$cpu_us" >>"$TSV"
}
for scenario in single round-robin; do
  for rep in $(seq "$REPEAT"); do
    run_wrk feedserver "$scenario" "$FS_ADDR" "$rep"
    run_wrk nginx "$scenario" "$NG_ADDR" "$rep"
  done
done

curl -fs "http://$FS_ADDR/stats" >"$OUT/feedserver-stats.json" || true
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
json_str() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
cat >"$OUT/meta.json" <<JSON
{
  "run_id": "$(json_str "$RUN_ID")",
  "commit": "$(json_str "$COMMIT")",
  "date_utc": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "hostname": "$(json_str "$(hostname)")",
  "cpu_model": "$(json_str "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)")",
  "cores": $CORES,
  "kernel": "$(json_str "$(uname -sr)")",
  "nginx": "$(json_str "$(nginx -v 2>&1 | sed 's/^nginx version: //')")",
  "wrk": "$(json_str "$(wrk --version 2>&1 | head -1 | awk '{ print $2 }')")",
  "loadavg_before": "$LOAD_BEFORE",
  "loadavg_after": "$LOAD_AFTER",
  "configuration": {
    "duration_s": $DURATION, "connections": $CONNECTIONS, "wrk_threads": 1, "feeds": $FEEDS, "repeat": $REPEAT,
    "single_path": "$(json_str "$SINGLE")", "single_bytes": $SINGLE_BYTES,
    "round_robin_paths": $(awk 'NR>1' "$MANIFEST" | wc -l), "feedserver_body_path": "sendfile",
    "server_cpu": $SERVER_CPU, "wrk_cpu": $WRK_CPU, "feedserver_threads": 1, "nginx_workers": 1,
    "nginx_config": "feedserver/nginx/nginx.conf.in", "round_robin_script": "feedserver/nginx/round_robin.lua"
  }
}
JSON

log "results: $TSV"
{
  printf '%-11s %-12s %14s %10s %10s %7s %14s\n' server scenario requests/s p50_us p99_us errors cpu_us/request
  awk -F'\t' 'NR>1 { printf "%-11s %-12s %14.0f %10.1f %10.1f %7d %14.1f\n", $1, $2, $3, $4, $5, $6, $7 }' "$TSV"
  # Per server and scenario: median requests/s (min..max over the runs) and median server CPU per request.
  # Verdict, threshold next to it: feedserver's median requests/s at or above nginx's, with 0 errors.
  awk -F'\t' '
    function median(list,   v, n, i, j, t) {
      n = split(list, v, " ")
      for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j-1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j-1]; v[j-1] = t }
      lo = v[1]; hi = v[n]
      return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    NR>1 { k = $1 FS $2; rps[k] = rps[k] " " $3; cpu[k] = cpu[k] " " $7; err[k] += $6; runs[k]++; sc[$2] = 1
           round[k, runs[k]] = $3 }
    END {
      for (s in sc) {
        f = "feedserver" FS s; n = "nginx" FS s
        fm = median(rps[f]); flo = lo; fhi = hi; fc = median(cpu[f])
        nm = median(rps[n]); nlo = lo; nhi = hi; nc = median(cpu[n])
        printf "%s: feedserver %.0f req/s (%.0f..%.0f, %.1f us CPU/req), nginx %.0f req/s (%.0f..%.0f, %.1f us CPU/req), %d runs each\n",
               s, fm, flo, fhi, fc, nm, nlo, nhi, nc, runs[f]
        pairs = ""; np = 0
        for (i = 1; i <= runs[f] && i <= runs[n]; i++)
          if (round[n, i] > 0) { pairs = pairs " " round[f, i] / round[n, i]; np++ }
        if (np >= 3) { ratio = median(pairs); how = "median of " np " paired rounds" }
        else { ratio = nm > 0 ? fm / nm : 0; how = "medians" }
        printf "%s: feedserver/nginx = %.2f (%s; ratio of the medians %.2f; target >= 1.00, errors %d+%d) -> %s\n",
               s, ratio, how, (nm > 0 ? fm / nm : 0), err[f], err[n], (ratio >= 1.0 && err[f] == 0) ? "met" : "not met"
      }
    }' "$TSV"
  echo "load average before/after: $LOAD_BEFORE / $LOAD_AFTER on $CORES cores (other work on the machine skews these numbers)"
}
