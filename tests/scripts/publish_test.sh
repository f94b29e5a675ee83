#!/usr/bin/env bash
# scripts/publish.sh over a fixture run folder: the status line counts must verdicts from checks.tsv, the
# history keeps earlier commits and replaces this commit's row, the page gets its History section, bad
# arguments exit 2.
set -uo pipefail
ROOT="$1" OUT="$2"
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$OUT" && mkdir -p "$OUT/run"
run="$OUT/run"
printf 'scenario\tmust\tverdict\theavy_load\tload\tcheck\tvalue\tthreshold\tresult\n' > "$run/checks.tsv"
printf 'S3\tyes\tREPRODUCED\tno\t1.5\tjobs_per_s{a} / jobs_per_s{b}\t91.6\tthreshold >= 10\tpass\n' >> "$run/checks.tsv"
printf 'S3\tyes\tREPRODUCED\tno\t1.5\tjobs_per_s{c} / jobs_per_s{d}\t50\t\tmeasured\n' >> "$run/checks.tsv"
printf 'S4\tyes\tNOT REPRODUCED\tno\t1.6\tparse_suspended_pct{x}\t5\tthreshold >= 90\tFAIL\n' >> "$run/checks.tsv"
printf 'S8\tno\tREPRODUCED\tno\t1.7\tjobs_per_s{e} / jobs_per_s{f}\t177\tthreshold >= 10\tpass\n' >> "$run/checks.tsv"
printf '{"commit": "abc1234", "date_utc": "2026-12-02T10:00:00Z"}\n' > "$run/meta.json"
printf '<html><body><h1>r</h1>\n</body></html>\n' > "$run/index.html"

summary=$(bash "$ROOT/scripts/publish.sh" summary "$run") || fail "summary exited $?"
grep -q 'must-reproduce: 1 of 2 REPRODUCED; S3 whole / 1 B at pool 20: 91.6; commit abc1234; load 1.7' <<< "$summary" \
  || fail "status line: $summary"
[[ $(grep -c '^| S' <<< "$summary") -eq 4 ]] || fail "one table row per check expected: $summary"

printf 'commit,date,must_passed,must_total,s3_whole_vs_1b,s8_whole_vs_1b,load\nold0001,d,2,2,100,150,1\nabc1234,d,0,2,1,1,9\n' > "$OUT/old.csv"
bash "$ROOT/scripts/publish.sh" site "$run" "$OUT/site" --history "$OUT/old.csv" 2> "$OUT/site.log" || fail "site exited $?"
hist="$OUT/site/history.csv"
[[ $(wc -l < "$hist") -eq 3 ]] || fail "history: header + old0001 + this commit expected: $(cat "$hist")"
grep -qx 'old0001,d,2,2,100,150,1' "$hist" || fail "earlier row lost: $(cat "$hist")"
grep -qx 'abc1234,2026-12-02T10:00:00Z,1,2,91.6,177,1.7' "$hist" || fail "this run's row: $(cat "$hist")"
grep -q '<section id="history">' "$OUT/site/index.html" || fail "no History section in index.html"
[[ -f $OUT/site/checks.tsv ]] || fail "the run's data is not on the page"

bash "$ROOT/scripts/publish.sh" summary "$OUT/missing" 2> /dev/null; [[ $? -eq 2 ]] || fail "missing run folder: exit 2 expected"
bash "$ROOT/scripts/publish.sh" site "$run" "$OUT/s2" --bogus 2> /dev/null; [[ $? -eq 2 ]] || fail "unknown flag: exit 2 expected"
bash "$ROOT/scripts/publish.sh" site "$run" "$OUT/s2" --history "$OUT/nope.csv" 2> /dev/null; [[ $? -eq 2 ]] || fail "missing history: exit 2 expected"
echo "publish: ok"
