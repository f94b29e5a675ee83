#!/usr/bin/env bash
# Run by `./run ci` after the tests (build dir as $1): the quick reproduction into results/ci/ (what CI
# publishes). Exits non-zero when a must-reproduce scenario does not reproduce or a plot is missing.
set -euo pipefail
BUILD="$1"; shift || true
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPRO="$BUILD/repro/feedrepro/feedrepro"
OUT="$ROOT/results/ci"
[[ -x $REPRO ]] || { echo "ci-extra: $REPRO is not built" >&2; exit 1; }
rm -rf "$OUT"
status=0
# The model (issue 5): constants from the quick benchmark suites, predictions for S3's sweep, shown in
# the report beside the measurement. A failing suite is reported and the reproduction runs without it.
predict_args=()
if "$ROOT/scripts/bench.sh" "$BUILD" --out "$OUT/bench" > "$OUT.bench.log" 2>&1; then
  dump=$(mktemp -d)
  "$BUILD/feedserver/feedserver" --dump "$dump" > /dev/null
  body=$(awk -F'\t' 'NR > 1 && ($3 == "rss" || $3 == "atom" || $3 == "jsonfeed") { s += $4; n++ } END { printf "%d", s / n }' "$dump/manifest")
  rm -rf "$dump"
  if "$BUILD/bench/bench_model" "$OUT/bench" --body-bytes "$body" --read-sizes 1,64,1024,4096,10240,65536,512000,whole \
       --pools 1,20 --consume eager,lazy > "$OUT.model.tsv" 2> "$OUT.model.log"; then
    grep '^#' "$OUT.model.tsv" >> "$OUT.model.log" || true      # the constants used, for the record
    grep -v '^#' "$OUT.model.tsv" > "$OUT/predictions.tsv"   # feedrepro keeps what is already in its folder
    predict_args=(--predictions "$OUT/predictions.tsv")
  else
    echo "ci-extra: bench_model failed (see $OUT.model.log); the report has no predictions" >&2
  fi
else
  echo "ci-extra: the benchmark suites failed (see $OUT.bench.log); the report has no predictions" >&2
  status=1
fi
"$REPRO" --out "$OUT" --strict "${predict_args[@]}" "$@" || status=$?
if [[ ${#predict_args[@]} -gt 0 && -s $OUT/S3.csv ]]; then
  { echo; "$ROOT/scripts/model-check.sh" "$OUT/S3.csv" "$OUT/predictions.tsv"; } >> "$OUT/REPORT.md" || echo "ci-extra: model check failed" >&2
fi
mv -f "$OUT.bench.log" "$OUT/bench/bench.log" 2>/dev/null || true
mv -f "$OUT.model.log" "$OUT/model.log" 2>/dev/null || true
rm -f "$OUT.model.tsv"
# Check the published files independently of feedrepro's own verdict.
for f in REPORT.md index.html meta.json verdicts.csv; do
  [[ -s $OUT/$f ]] || { echo "ci-extra: $OUT/$f is missing" >&2; status=1; }
done
if [[ -s $OUT/verdicts.csv ]]; then
  # scenario,verdict,must_reproduce,measured,threshold,plots_missing,heavy_load,load (RFC 4180: fields may be quoted)
  # NO DATA under heavy load (load above 2 per core) is the machine's answer, reported but not a failure.
  /usr/bin/python3 - "$OUT/verdicts.csv" <<'PY' || status=1
import csv, sys
bad = 0
with open(sys.argv[1], newline="") as f:
    for r in csv.DictReader(f):
        must, verdict, heavy = r["must_reproduce"] == "yes", r["verdict"], r["heavy_load"] == "yes"
        if must and verdict != "REPRODUCED" and not (verdict == "NO DATA" and heavy):
            print(f"ci-extra: {r['scenario']} must reproduce but is {verdict}", file=sys.stderr); bad = 1
        if must and verdict == "NO DATA" and heavy:
            print(f"ci-extra: {r['scenario']} is NO DATA at load {r['load']} (heavy): reported, not a failure", file=sys.stderr)
        if float(r["plots_missing"] or 0) > 0:
            print(f"ci-extra: {r['scenario']}: {r['plots_missing']} plot(s) missing", file=sys.stderr); bad = 1
sys.exit(bad)
PY
  while read -r img; do
    [[ -s $OUT/$img ]] || { echo "ci-extra: $OUT/$img (in REPORT.md) is missing" >&2; status=1; }
  done < <(grep -o '](\([A-Za-z0-9_.-]*\.\(png\|svg\)\))' "$OUT/REPORT.md" | sed 's/^](//; s/)$//')
fi
[[ $status -eq 0 ]] && echo "ci-extra: reproduction OK, results in $OUT" >&2
exit $status
