#!/usr/bin/env bash
# S9 (intake: basic.get polling vs basic.consume with prefetch) and S10 (a fleet of workers on one queue)
# against a private RabbitMQ, a feedserver with small bodies, feedpublish and feedworker; prints the tables.
#   scripts/intake-demo.sh [BUILD_DIR] [--full] [--repeat R] [--port P] [--out DIR]   (or: ./run intake-demo [--full])
# Example: ./run intake-demo            # quick: 5000 jobs per configuration, 3 repetitions, about 3 minutes here
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

BUILD="$ROOT/build/release"
if [[ $# -gt 0 && -d "$1" ]]; then BUILD="$(cd "$1" && pwd)"; shift; fi
full=0 port=5679 out="" repeat=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --full) full=1; shift ;;
    --port) port="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "intake-demo: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

FEEDSERVER="$BUILD/feedserver/feedserver"
FEEDPUBLISH="$BUILD/repro/feedpublish/feedpublish"
FEEDWORKER="$BUILD/repro/feedworker/feedworker"
for b in "$FEEDSERVER" "$FEEDPUBLISH" "$FEEDWORKER"; do
  [[ -x "$b" ]] || { echo "intake-demo: $b is not built (cmake --build $BUILD)" >&2; exit 1; }
done

jobs=5000; corpus_jobs=1000; fleet_jobs=20000; prefetches="1 10 100 300"; pools="1 20"; fleet="1 2 4"; trickle_rate=200; trickle_jobs=600
if [[ $full -eq 1 ]]; then jobs=20000; corpus_jobs=5000; fleet_jobs=100000; trickle_jobs=3000; fi
out="${out:-$ROOT/results/intake-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
QUEUE=feedbench.jobs
AMQP="amqp://127.0.0.1:$port/$QUEUE"

server_pid="" corpus_server_pid=""
cleanup() {
  for p in $server_pid $corpus_server_pid; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  "$ROOT/scripts/broker.sh" stop --port "$port" >/dev/null 2>&1 || true
}
trap cleanup EXIT

t0=$(date +%s.%N)
"$ROOT/scripts/broker.sh" start --fresh --port "$port" >/dev/null
startup=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
echo "broker: $AMQP (private node, answered after ${startup} s)"

# Small bodies (~2 kB) so that intake, not fetching or parsing, bounds the rate.
"$FEEDSERVER" --port 0 --feeds 20 --median-bytes 2000 > "$out/feedserver.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 50); do grep -q '^listening' "$out/feedserver.log" 2>/dev/null && break; sleep 0.1; done
SERVER="http://$(sed -n 's/^listening \([0-9.:]*\).*/\1/p' "$out/feedserver.log" | head -1)"
echo "feedserver: $SERVER"

# Column NAME of the one data row of a summary.csv.
col() { awk -F, -v name="$2" 'NR==1{for(i=1;i<=NF;i++) if($i==name) c=i} NR==2{print $c}' "$1"; }
beam_cpu_s() {  # CPU seconds (user+sys) the broker's beam.smp has used so far
  local launcher beam
  launcher=$("$ROOT/scripts/broker.sh" status --port "$port" | awk '{print $2}')
  beam=$(pgrep -P "$launcher" beam.smp | head -1)
  awk -v hz="$(getconf CLK_TCK)" '{print ($14+$15)/hz}' "/proc/$beam/stat"
}
publish() { "$FEEDPUBLISH" --amqp "$AMQP" --server "$SERVER" --purge --jobs "$1" "${@:2}" >> "$out/publish.log"; }

# One row per repetition (raw), then the medians over repetitions (the table).
raw_tsv="$out/intake_runs.tsv"
summary_tsv="$out/intake.tsv"
printf 'scenario\tmode\tprefetch\tpool\tworkers\trep\tjobs\tok\tfailed\tjobs_per_s\tcpu_util\tgets\tempty_gets\tgets_per_job\tdeliveries\tredeliveries\tbroker_cpu_s\tworker_cpu_us_per_job\tbroker_cpu_us_per_job\n' > "$raw_tsv"
medians() {
  awk 'BEGIN { FS = OFS = "\t" }
    function med(key, c, m,    a, i, j, t, cnt) {
      cnt = 0
      for (i = 1; i <= m; i++) if (v[key, c, i] != "") a[++cnt] = v[key, c, i] + 0
      if (cnt == 0) return ""
      for (i = 2; i <= cnt; i++) { t = a[i]; j = i - 1; while (j > 0 && a[j] > t) { a[j + 1] = a[j]; j-- } a[j + 1] = t }
      return (cnt % 2) ? a[(cnt + 1) / 2] : (a[cnt / 2] + a[cnt / 2 + 1]) / 2
    }
    NR == 1 { $6 = "reps"; print; next }
    { key = $1 OFS $2 OFS $3 OFS $4 OFS $5; if (!(key in n)) order[++k] = key; i = ++n[key]
      for (c = 7; c <= NF; c++) v[key, c, i] = $c; if (NF > nf) nf = NF }
    END { for (j = 1; j <= k; j++) { key = order[j]; line = key OFS n[key]
            for (c = 7; c <= nf; c++) line = line OFS med(key, c, n[key]); print line } }' "$raw_tsv"
}

run_worker() {  # scenario mode prefetch pool jobs dir rep -> one raw row
  local scenario=$1 mode=$2 prefetch=$3 pool=$4 n=$5 dir=$6 rep=$7 b0 b1
  b0=$(beam_cpu_s)
  "$FEEDWORKER" --server "$SERVER" --intake "$AMQP" --amqp "$mode" --prefetch "${prefetch/-/1}" --pool "$pool" \
    --jobs "$n" --out "$dir" --quiet > "$dir.log" 2>&1 || { echo "feedworker failed, see $dir.log" >&2; tail -3 "$dir.log" >&2; return 1; }
  b1=$(beam_cpu_s)
  local s="$dir/summary.csv" d g
  d=$(col "$s" intake_deliveries); g=$(col "$s" intake_gets)
  local n_done; n_done=$(col "$s" jobs)
  printf '%s\t%s\t%s\t%s\t1\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$mode" "$prefetch" "$pool" "$rep" \
    "$n_done" "$(col "$s" ok)" "$(col "$s" failed)" "$(col "$s" jobs_per_s)" "$(col "$s" cpu_util)" "$g" \
    "$(col "$s" intake_empty_gets)" "$(awk -v g="$g" -v d="$d" 'BEGIN{printf "%.2f", (d > 0) ? g / d : 0}')" "$d" \
    "$(col "$s" intake_redeliveries)" "$(awk -v a="$b0" -v b="$b1" 'BEGIN{printf "%.2f", b - a}')" \
    "$(awk -v c="$(col "$s" cpu_s)" -v n="$n_done" 'BEGIN{printf "%.1f", (n > 0) ? 1e6 * c / n : 0}')" \
    "$(awk -v a="$b0" -v b="$b1" -v n="$n_done" 'BEGIN{printf "%.1f", (n > 0) ? 1e6 * (b - a) / n : 0}')" >> "$raw_tsv"
}

echo "S9 intake-bound: $jobs jobs per configuration, a full queue, $repeat repetitions"
for rep in $(seq 1 "$repeat"); do
  for pool in $pools; do
    publish "$jobs"; run_worker S9 get - "$pool" "$jobs" "$out/s9-get-pool$pool-r$rep" "$rep"
    for k in $prefetches; do
      publish "$jobs"; run_worker S9 consume "$k" "$pool" "$jobs" "$out/s9-consume-k$k-pool$pool-r$rep" "$rep"
    done
  done
done

# The same comparison on the ~50 kB synthetic feeds (fetch + parse now weigh in).
"$FEEDSERVER" --port 0 --feeds 50 > "$out/feedserver-corpus.log" 2>&1 &
corpus_server_pid=$!
for _ in $(seq 1 100); do grep -q '^listening' "$out/feedserver-corpus.log" 2>/dev/null && break; sleep 0.1; done
SMALL_SERVER="$SERVER"
SERVER="http://$(sed -n 's/^listening \([0-9.:]*\).*/\1/p' "$out/feedserver-corpus.log" | head -1)"
echo "S9 feed corpus (~50 kB bodies, $SERVER): $corpus_jobs jobs per configuration"
for rep in $(seq 1 "$repeat"); do
  for pool in $pools; do
    publish "$corpus_jobs"; run_worker S9-corpus get - "$pool" "$corpus_jobs" "$out/s9c-get-pool$pool-r$rep" "$rep"
    publish "$corpus_jobs"; run_worker S9-corpus consume 100 "$pool" "$corpus_jobs" "$out/s9c-consume-k100-pool$pool-r$rep" "$rep"
  done
done
kill "$corpus_server_pid" 2>/dev/null; wait "$corpus_server_pid" 2>/dev/null || true
SERVER="$SMALL_SERVER"

echo "S9 trickle: a producer publishing $trickle_rate jobs/s while the worker waits for them (the 2012 setting)"
for rep in $(seq 1 "$repeat"); do
  for mode in get consume; do
    "$FEEDPUBLISH" --amqp "$AMQP" --purge >> "$out/publish.log"
    "$FEEDPUBLISH" --amqp "$AMQP" --server "$SERVER" --jobs "$trickle_jobs" --rate "$trickle_rate" >> "$out/publish.log" &
    producer=$!
    k=10; [[ $mode == get ]] && k=-
    run_worker S9-trickle "$mode" "$k" 20 "$trickle_jobs" "$out/s9-trickle-$mode-r$rep" "$rep"
    wait "$producer"
  done
done

printf 'workers\trep\tprocess\tjobs\tjobs_per_s\tcpu_util\n' > "$out/s10_processes.tsv"
echo "S10 fleet: 1, 2, 4 worker processes (consume, prefetch 10, pool 20) on one queue, $fleet_jobs jobs"
for rep in $(seq 1 "$repeat"); do
for w in $fleet; do
  publish "$fleet_jobs"
  b0=$(beam_cpu_s); start=$(date +%s.%N); pids=()
  for i in $(seq 1 "$w"); do
    share=$((fleet_jobs / w)); [[ $i -eq 1 ]] && share=$((share + fleet_jobs % w))
    "$FEEDWORKER" --server "$SERVER" --intake "$AMQP" --amqp consume --prefetch 10 --pool 20 --jobs "$share" \
      --out "$out/s10-w$w-$i-r$rep" --quiet > "$out/s10-w$w-$i-r$rep.log" 2>&1 &
    pids+=($!)
  done
  status=0; for p in "${pids[@]}"; do wait "$p" || status=1; done
  wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.3f", b-a}')
  b1=$(beam_cpu_s)
  total=0 ok=0 failed=0 redel=0 per=""
  for i in $(seq 1 "$w"); do
    s="$out/s10-w$w-$i-r$rep/summary.csv"
    [[ -f $s ]] || { echo "worker $i of $w wrote no summary (see $out/s10-w$w-$i-r$rep.log)" >&2; status=1; continue; }
    total=$((total + $(col "$s" jobs))); ok=$((ok + $(col "$s" ok))); failed=$((failed + $(col "$s" failed)))
    redel=$((redel + $(col "$s" intake_redeliveries))); per="$per $(col "$s" jobs_per_s)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$w" "$rep" "$i" "$(col "$s" jobs)" "$(col "$s" jobs_per_s)" "$(col "$s" cpu_util)" >> "$out/s10_processes.tsv"
  done
  left=$("$FEEDPUBLISH" --amqp "$AMQP" --purge | awk '/purged/{print $2}')
  printf 'S10\tconsume\t10\t20\t%s\t%s\t%s\t%s\t%s\t%s\t\t\t\t\t\t%s\t%s\t%s\t%s\n' "$w" "$rep" "$total" "$ok" "$failed" \
    "$(awk -v n="$total" -v t="$wall" 'BEGIN{printf "%.1f", n/t}')" "$redel" \
    "$(awk -v a="$b0" -v b="$b1" 'BEGIN{printf "%.2f", b-a}')" "" \
    "$(awk -v a="$b0" -v b="$b1" -v n="$total" 'BEGIN{printf "%.1f", (n > 0) ? 1e6 * (b - a) / n : 0}')" >> "$raw_tsv"
  echo "  rep $rep, $w worker(s): $total jobs recorded of $fleet_jobs published (ok $ok, failed $failed), $redel redelivered," \
       "$left left on the queue, aggregate $(awk -v n="$total" -v t="$wall" 'BEGIN{printf "%.0f", n/t}') jobs/s over ${wall} s;" \
       "per process jobs/s:$per"
  [[ $status -eq 0 && $total -eq $fleet_jobs && $left -eq 0 ]] || echo "  S10: MISMATCH (exit status $status)" >&2
done
done

echo "Faults: broker restarted mid-run; a worker killed (SIGKILL) mid-run"
fault_jobs=3000
publish "$fault_jobs"
# Each request waits 10 ms at the server so the run lasts long enough for the restart to land in it.
"$FEEDWORKER" --server "$SERVER" --intake "$AMQP" --amqp consume --prefetch 10 --pool 20 --jobs "$fault_jobs" \
  --query delay=10 --out "$out/fault-restart" --quiet > "$out/fault-restart.log" 2>&1 &
worker=$!
sleep 0.5
"$ROOT/scripts/broker.sh" stop --port "$port" >/dev/null 2>&1
"$ROOT/scripts/broker.sh" start --port "$port" >/dev/null 2>&1
wait "$worker" && rc=0 || rc=$?
s="$out/fault-restart/summary.csv"
if [[ -f $s ]]; then
  rows=$(awk 'NR > 1 && /^[0-9]+,/ {n++} END {print n + 0}' "$out/fault-restart/jobs.csv")  # records (messages may span lines)
  left=$("$FEEDPUBLISH" --amqp "$AMQP" --purge | awk '/purged/{print $2}')
  verdict=FAIL; [[ $rc -eq 0 && $(col "$s" jobs) -eq $fault_jobs && $rows -eq $fault_jobs && $left -eq 0 ]] && verdict=OK
  echo "  restart: exit $rc, published $fault_jobs, recorded $rows (ok $(col "$s" ok) + failed $(col "$s" failed)), redelivered $(col "$s" intake_redeliveries), left on queue $left: $verdict"
else
  echo "  restart: the worker wrote no summary (exit $rc): FAIL"; tail -3 "$out/fault-restart.log"
fi

publish "$fault_jobs"
pids=()
for i in 1 2; do
  "$FEEDWORKER" --server "$SERVER" --intake "$AMQP" --amqp consume --prefetch 10 --pool 20 --jobs 0 \
    --query delay=10 --out "$out/fault-kill-$i" --quiet > "$out/fault-kill-$i.log" 2>&1 &
  pids+=($!)
done
sleep 1
kill -KILL "${pids[0]}"
wait "${pids[0]}" 2>/dev/null || true
wait "${pids[1]}" && rc=0 || rc=$?
s="$out/fault-kill-2/summary.csv"
left=$("$FEEDPUBLISH" --amqp "$AMQP" --purge | awk '/purged/{print $2}')
if [[ -f $s ]]; then
  echo "  kill: the survivor (exit $rc) recorded $(col "$s" jobs) of $fault_jobs jobs, $(col "$s" intake_redeliveries) of them redelivered" \
       "from the killed worker; $left left on the queue. The killed worker's acked jobs are not in any CSV: its records" \
       "were in memory (jobs.csv is written at the end), so a kill loses records though the broker lost no job."
else
  echo "  kill: the survivor wrote no summary (exit $rc)"; tail -3 "$out/fault-kill-2.log"
fi

medians > "$summary_tsv"
echo
echo "medians over $repeat repetitions (every run: $raw_tsv)"
column -t -s $'\t' "$summary_tsv"

# Plots: S9 jobs/s against the prefetch window (get drawn as a flat line), and round trips per job.
if command -v gnuplot >/dev/null; then
  for pool in $pools; do
    awk -F'\t' -v p="$pool" '$1=="S9" && $2=="consume" && $4==p {print $3, $10}' "$summary_tsv" > "$out/s9_consume_pool$pool.dat"
    awk -F'\t' -v p="$pool" '$1=="S9" && $2=="get" && $4==p {print 1, $10; print 300, $10}' "$summary_tsv" > "$out/s9_get_pool$pool.dat"
  done
  # A basic.get is one request/answer round trip; consume has none (deliveries are pushed, acks are one-way).
  awk -F'\t' 'NR > 1 && $1 ~ /^S9/ { printf "\"%s %s k=%s pool %s\" %s\n", $1, $2, $3, $4, $14 }' "$summary_tsv" \
    > "$out/s9_round_trips.dat"
  gnuplot <<GNUPLOT || echo "intake-demo: gnuplot failed (plots skipped)" >&2
set terminal svg size 900,500 dynamic font "sans,11"
set output "$out/S9_jobs_vs_prefetch.svg"
set title "S9 intake-bound: jobs/s against the prefetch window (median of $repeat)"
set logscale x
set xlabel "prefetch (basic.qos)"
set ylabel "jobs/s"
set key outside right
set grid
plot "$out/s9_consume_pool1.dat" using 1:2 with linespoints title "consume, pool 1", \
     "$out/s9_consume_pool20.dat" using 1:2 with linespoints title "consume, pool 20", \
     "$out/s9_get_pool1.dat" using 1:2 with lines dashtype 2 title "get, pool 1", \
     "$out/s9_get_pool20.dat" using 1:2 with lines dashtype 2 title "get, pool 20"
set output "$out/S9_round_trips_per_job.svg"
set title "S9: broker round trips per delivered job (basic.get -> get-ok / get-empty)"
unset logscale x
unset key
set xlabel ""
set ylabel "round trips per job"
set style fill solid 0.6
set boxwidth 0.7
set xtics rotate by -35 font ",8"
set bmargin 9
set rmargin 12
plot "$out/s9_round_trips.dat" using 0:2:xtic(1) with boxes
GNUPLOT
fi

# Verdicts, each with its threshold (issue 6): gets per delivered job > 1 with polling (the trickle, as in
# 2012), and consume at least 5x the jobs/s of get at pool 20 when intake-bound.
get20=$(awk -F'\t' '$1=="S9" && $2=="get" && $4==20 {print $10}' "$summary_tsv")
best20=$(awk -F'\t' '$1=="S9" && $2=="consume" && $4==20 && $10>m {m=$10} END{print m}' "$summary_tsv")
k100=$(awk -F'\t' '$1=="S9" && $2=="consume" && $3==100 && $4==20 {print $10}' "$summary_tsv")
gpj=$(awk -F'\t' '$1=="S9-trickle" && $2=="get" {print $14}' "$summary_tsv")
echo
awk -v g="$gpj" 'BEGIN{printf "verdict: gets per delivered job with polling under a %s jobs/s trickle = %.1f (threshold > 1): %s\n", "'"$trickle_rate"'", g, (g>1)?"REPRODUCED":"NOT REPRODUCED"}'
awk -v c="$k100" -v b="$best20" -v g="$get20" 'BEGIN{r=c/g; printf "verdict: consume prefetch 100 / get at pool 20, intake-bound = %.0f / %.0f = %.2fx (threshold >= 5): %s (best consume: %.0f jobs/s = %.2fx)\n", c, g, r, (r>=5)?"REPRODUCED":"NOT REPRODUCED", b, b/g}'
echo "tables: $summary_tsv"
