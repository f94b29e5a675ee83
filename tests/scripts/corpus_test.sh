#!/usr/bin/env bash
# scripts/corpus.sh --check: a copy of the corpus with one changed and one missing file fails and names them;
# bad arguments exit 2. Needs the corpus ($FEEDBENCH_SHARED_CORPUS): skipped (exit 0 with a note) without it.
set -uo pipefail
ROOT="$1" OUT="$2"
fail() { echo "FAIL: $*" >&2; exit 1; }
bash "$ROOT/scripts/corpus.sh" --bogus 2> /dev/null; [[ $? -eq 2 ]] || fail "unknown flag: exit 2 expected"
src="${FEEDBENCH_SHARED_CORPUS:-}"
[[ -n $src && -d $src/feeds-2012 && -d $src/json && -d $src/encodings ]] || { echo "corpus: skipped, no corpus at '$src'"; exit 0; }
rm -rf "$OUT" && mkdir -p "$OUT" && cp -r "$src/feeds-2012" "$src/json" "$src/encodings" "$OUT/"
bash "$ROOT/scripts/corpus.sh" --check --dir "$OUT" 2> "$OUT.log" || fail "the intact copy failed: $(cat "$OUT.log")"
echo changed >> "$OUT/feeds-2012/0003.dat"
rm "$OUT/json/twitter.json"
bash "$ROOT/scripts/corpus.sh" --check --dir "$OUT" 2> "$OUT.log"; [[ $? -eq 1 ]] || fail "a changed corpus passed"
grep -q 'feeds-2012/0003.dat: FAILED' "$OUT.log" || fail "the changed file is not named: $(cat "$OUT.log")"
grep -q 'json/twitter.json' "$OUT.log" || fail "the missing file is not named: $(cat "$OUT.log")"
grep -q 'encodings: ok, 90 files' "$OUT.log" || fail "the intact folder is not reported ok: $(cat "$OUT.log")"
rm -rf "$OUT"
echo "corpus: ok"
