#!/usr/bin/env bash
# The baseline the upload benchmark is compared with: sha256sum plus a copy
# of the same 100 MB file, fsynced, on this machine. Prints MB/s.
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
head -c $((100 * 1024 * 1024)) /dev/urandom > "$dir/src"
sync
runs=${RUNS:-3}
total=0
for i in $(seq "$runs"); do
  start=$(date +%s.%N)
  sha256sum "$dir/src" > /dev/null
  cp "$dir/src" "$dir/dst"
  sync "$dir/dst"
  end=$(date +%s.%N)
  rm -f "$dir/dst"
  total=$(awk -v t="$total" -v s="$start" -v e="$end" 'BEGIN { print t + e - s }')
done
awk -v t="$total" -v r="$runs" 'BEGIN { printf "sha256sum + cp + sync, 100 MB: %.1f MB/s (moyenne de %d)\n", 100 * r / t, r }'
