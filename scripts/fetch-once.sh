#!/usr/bin/env bash
# Placeholder main job until feedrepro exists: start the feed server, fetch the manifest and every feed once.
set -euo pipefail
BUILD="$1"; shift || true
SRV="$BUILD/feedserver/feedserver"
[[ -x "$SRV" ]] || { echo "feedserver not built yet" >&2; exit 1; }
fifo=$(mktemp -u); mkfifo "$fifo"
"$SRV" --port 0 > "$fifo" & pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$fifo"' EXIT
read -r line < "$fifo"; addr=${line#listening }
n=0; bytes=0
while IFS=$'\t' read -r id path fmt b rest; do
  [[ $id == id ]] && continue
  got=$(curl -s -o /dev/null -w '%{size_download}' "http://$addr$path"); n=$((n+1)); bytes=$((bytes+got))
done < <(curl -s "http://$addr/manifest")
echo "fetched $n feeds, $bytes bytes from $addr"
