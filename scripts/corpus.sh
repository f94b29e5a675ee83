#!/usr/bin/env bash
# ./run corpus [--dir DIR] [--check]: the real-world corpus the tests, benchmarks and S8/S11 read.
#   feeds-2012/  388 feeds of April 2012: jmoiron/speedparser at a pinned commit (feeds/*.dat), MIT
#   json/        twitter.json, citm_catalog.json: simdjson's jsonexamples/, Apache-2.0
#   encodings/   90 charset cases from feedparser's tests (checked when present; copied in by hand)
# Every file is checked against data/corpus.sha256; a folder that is missing is fetched (git and network
# needed), one that is present is only checked. --check fetches nothing.
# DIR defaults to $FEEDBENCH_SHARED_CORPUS, else ../shared/corpus beside the checkout (the build's default).
# Example: ./run corpus --dir ~/feedbench-corpus && FEEDBENCH_SHARED_CORPUS=~/feedbench-corpus ./run repro
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUMS="$ROOT/data/corpus.sha256"
SPEEDPARSER_URL=https://github.com/jmoiron/speedparser
SPEEDPARSER_COMMIT=a762144df15906177161d6f7027d07b1d50559c6
SIMDJSON_URL=https://raw.githubusercontent.com/simdjson/simdjson/master/jsonexamples

usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
log() { printf '[corpus] %s\n' "$*" >&2; }

dir="${FEEDBENCH_SHARED_CORPUS:-$ROOT/../shared/corpus}" check_only=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) [[ $# -ge 2 ]] || { echo "corpus: --dir needs a folder" >&2; exit 2; }; dir="$2"; shift 2 ;;
    --check) check_only=1; shift ;;
    -h|--help) usage ;;
    *) echo "corpus: unknown argument '$1'" >&2; usage ;;
  esac
done
[[ -s $SUMS ]] || { echo "corpus: $SUMS is missing" >&2; exit 1; }

# Files of one folder listed in the sums ("<sha256>  feeds-2012/0001.dat").
listed() { awk -v d="$1/" 'index($2, d) == 1 { print $2 }' "$SUMS"; }

# Checks one folder: prints "ok N files" or what differs; returns 1 on any missing or changed file.
check_folder() {
  local folder="$1" bad=0 n
  n=$(listed "$folder" | wc -l)
  local out
  out=$(cd "$dir" && grep " $folder/" "$SUMS" | sha256sum --check --quiet 2>&1) || bad=1
  if [[ $bad -eq 0 ]]; then
    log "$folder: ok, $n files match data/corpus.sha256"
  else
    log "$folder: differs from data/corpus.sha256:"
    printf '%s\n' "$out" | head -20 >&2
  fi
  return $bad
}

no_network() {
  log "could not fetch $1 (this machine may have no network beyond its package mirror)."
  log "copy a $2/ folder into $dir by hand (from a machine that has it), then run: ./run corpus --check --dir $dir"
}

fetch_feeds() {
  local tmp; tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  log "fetching feeds-2012 from $SPEEDPARSER_URL at $SPEEDPARSER_COMMIT"
  command -v git > /dev/null || { log "git is missing (apt-get install git)"; return 1; }
  if ! git clone -q --filter=blob:none --no-checkout "$SPEEDPARSER_URL" "$tmp/speedparser" 2> "$tmp/git.log" ||
     ! git -C "$tmp/speedparser" checkout -q "$SPEEDPARSER_COMMIT" -- feeds 2>> "$tmp/git.log"; then
    sed 's/^/  git: /' "$tmp/git.log" >&2
    no_network "$SPEEDPARSER_URL" feeds-2012; return 1
  fi
  mkdir -p "$dir/feeds-2012"
  listed feeds-2012 | while read -r f; do cp "$tmp/speedparser/feeds/${f#feeds-2012/}" "$dir/$f"; done
  cp "$tmp/speedparser/LICENSE" "$dir/feeds-2012/LICENCE.speedparser" 2> /dev/null || true
}

fetch_json() {
  log "fetching json from $SIMDJSON_URL"
  mkdir -p "$dir/json"
  local f
  for f in $(listed json); do
    curl -fsSL "$SIMDJSON_URL/${f#json/}" -o "$dir/$f" || { rm -f "$dir/$f"; no_network "$SIMDJSON_URL" json; return 1; }
  done
}

mkdir -p "$dir"
status=0
for folder in feeds-2012 json encodings; do
  if [[ ! -d $dir/$folder && $check_only -eq 0 ]]; then
    case "$folder" in
      feeds-2012) fetch_feeds || { status=1; continue; } ;;
      json) fetch_json || { status=1; continue; } ;;
      encodings) log "encodings: not present and not fetched (feedparser's tests/encoding and tests/illformed/chardet, BSD-2-Clause): copy it in by hand"; continue ;;
    esac
  fi
  if [[ ! -d $dir/$folder ]]; then log "$folder: not present in $dir"; status=1; continue; fi
  check_folder "$folder" || status=1
done
[[ $status -eq 0 ]] && log "corpus ready in $(cd "$dir" && pwd)"
exit $status
