#!/usr/bin/env bash
# Publishing a reproduction run (what CI does after ./run ci; it runs here the same way):
#   scripts/publish.sh summary RUN_DIR [--site-url URL]    markdown for a CI job summary, on stdout
#   scripts/publish.sh site RUN_DIR OUT_DIR [--history FILE] [--site-url URL]
#        the page to deploy: the run's files, history.csv (FILE's rows + this run's), trend.png/svg drawn from
#        it, and a "History" section added to index.html
# Reads the run's checks.tsv (scenario must verdict heavy_load load check value threshold result) and
# meta.json; the history keeps one row per published commit.
# Example: scripts/publish.sh site results/ci /tmp/site --history /tmp/old-history.csv
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "publish: $*" >&2; exit 2; }

[[ $# -ge 2 ]] || usage
mode="$1" run_dir="$2"; shift 2
out_dir="" history="" site_url=""
if [[ $mode == site ]]; then [[ $# -ge 1 ]] || usage; out_dir="$1"; shift; fi
while [[ $# -gt 0 ]]; do
  case "$1" in
    --history) [[ $# -ge 2 ]] || die "--history needs a file"; history="$2"; shift 2 ;;
    --site-url) [[ $# -ge 2 ]] || die "--site-url needs a URL"; site_url="${2%/}"; shift 2 ;;
    -h|--help) usage ;;
    *) die "unknown argument '$1'" ;;
  esac
done
[[ $mode == summary || $mode == site ]] || die "unknown mode '$mode' (summary or site)"
checks="$run_dir/checks.tsv"
[[ -s $checks ]] || die "$checks is missing or empty: is $run_dir a feedrepro result folder?"
[[ -z $history || -f $history ]] || die "--history $history: no such file"

# One value from meta.json (flat string or number fields), read with Debian's python3.
meta() { /usr/bin/python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); v=m
for k in sys.argv[2].split("."): v = v.get(k, "") if isinstance(v, dict) else ""
print(v)' "$run_dir/meta.json" "$1" 2>/dev/null || true; }

# The figures a history row keeps: must verdicts passed / total, S3's and S8's whole/1-byte ratios, load.
headline() {
  awk -F'\t' 'NR > 1 {
      if (!($1 in seen)) { seen[$1] = 1; if ($2 == "yes") { total++; if ($3 == "REPRODUCED") passed++ } }
      if ($6 ~ / \/ / && $7 != "" && !(($1) in ratio)) ratio[$1] = $7
      if ($5 != "") load = $5
    } END { printf "%d,%d,%s,%s,%s\n", passed, total, ratio["S3"], ratio["S8"], load }' "$checks"
}

verdict_table() {
  echo "| scenario | must | verdict | check | value | threshold | result |"
  echo "|---|---|---|---|---|---|---|"
  awk -F'\t' 'NR > 1 { gsub(/\|/, "\\|", $6); printf "| %s | %s | %s | `%s` | %s | %s | %s |\n", $1, $2, $3, $6, $7, $8, $9 }' "$checks"
}

commit="$(meta commit)"; commit="${commit:-unknown}"
IFS=, read -r passed total s3 s8 load <<< "$(headline)"
status="must-reproduce: $passed of $total REPRODUCED; S3 whole / 1 B at pool 20: ${s3:-no data}; commit ${commit:0:12}; load ${load:-?}"

if [[ $mode == summary ]]; then
  echo "## feedbench reproduction"
  echo
  echo "**$status**"
  echo
  [[ -n $site_url ]] && { echo "Report: $site_url/ (deployed from main)"; echo; }
  [[ -n $site_url && -f $run_dir/S3_jobs_vs_read_size.png ]] && { echo "![jobs/s vs read size]($site_url/S3_jobs_vs_read_size.png)"; echo; }
  verdict_table
  exit 0
fi

# site: the run's files, minus fuzzing artefacts and logs nobody browses.
mkdir -p "$out_dir"
(cd "$run_dir" && find . -maxdepth 1 -type f \( -name '*.html' -o -name '*.md' -o -name '*.png' -o -name '*.svg' \
   -o -name '*.csv' -o -name '*.tsv' -o -name '*.json' \) -exec cp -t "$out_dir" {} +)
hist="$out_dir/history.csv"
echo "commit,date,must_passed,must_total,s3_whole_vs_1b,s8_whole_vs_1b,load" > "$hist"
# The earlier rows (header dropped; a row for this commit is replaced by this run's).
[[ -n $history ]] && awk -F, -v c="$commit" 'NR > 1 && $1 != c' "$history" >> "$hist"
echo "$commit,$(meta date_utc),$passed,$total,$s3,$s8,$load" >> "$hist"

trend_made=0
if command -v gnuplot > /dev/null; then
  for term in pngcairo svg; do
    ext=png; [[ $term == svg ]] && ext=svg
    gnuplot -e "data='$hist'; out='$out_dir/trend.$ext'; term='$term'" "$ROOT/results/trend.gp" 2> "$out_dir/trend.log" \
      || echo "publish: gnuplot failed for trend.$ext (see trend.log)" >&2
  done
  [[ -s $out_dir/trend.png ]] && trend_made=1
fi
rows=$(($(wc -l < "$hist") - 1))
section="<section id=\"history\"><h2>History</h2><p>Headline figures of the last $rows published commits (history.csv).</p>"
[[ $trend_made == 1 ]] && section+="<p><img src=\"trend.png\" alt=\"S3 and S8 whole / 1 B ratio per commit\"></p>"
section+="</section>"
if [[ -f $out_dir/index.html ]] && grep -q '</body>' "$out_dir/index.html"; then
  awk -v s="$section" '/<\/body>/ && !done { print s; done = 1 } { print }' "$out_dir/index.html" > "$out_dir/index.html.new"
  mv "$out_dir/index.html.new" "$out_dir/index.html"
fi
echo "publish: $out_dir ($rows history rows; $status)" >&2
