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
"$REPRO" --out "$OUT" --strict "$@" || status=$?
# Check the published files independently of feedrepro's own verdict.
for f in REPORT.md index.html meta.json verdicts.csv; do
  [[ -s $OUT/$f ]] || { echo "ci-extra: $OUT/$f is missing" >&2; status=1; }
done
if [[ -s $OUT/verdicts.csv ]]; then
  # scenario,verdict,must_reproduce,measured,threshold,plots_missing
  awk -F, 'NR > 1 && $3 == "yes" && $2 != "REPRODUCED" { print "ci-extra: " $1 " must reproduce but is " $2 > "/dev/stderr"; bad = 1 }
           NR > 1 && $6 > 0 { print "ci-extra: " $1 ": " $6 " plot(s) missing" > "/dev/stderr"; bad = 1 }
           END { exit bad }' "$OUT/verdicts.csv" || status=1
  while read -r img; do
    [[ -s $OUT/$img ]] || { echo "ci-extra: $OUT/$img (in REPORT.md) is missing" >&2; status=1; }
  done < <(grep -o '](\([A-Za-z0-9_.-]*\.\(png\|svg\)\))' "$OUT/REPORT.md" | sed 's/^](//; s/)$//')
fi
[[ $status -eq 0 ]] && echo "ci-extra: reproduction OK, results in $OUT" >&2
exit $status
