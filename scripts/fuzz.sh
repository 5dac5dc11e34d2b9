#!/usr/bin/env bash
# Runs every fuzz target for a short time (default 3s each; FUZZTIME=2m for
# a longer run). `go test ./...` already replays each target's seeds and
# the corpus committed under testdata/fuzz; this explores further.
set -euo pipefail
cd "$(dirname "$0")/.."
t="${FUZZTIME:-3s}"
log="$(mktemp -t acquis-fuzz.XXXXXX)"
trap 'rm -f "$log"' EXIT
targets=(
  "./internal/referentiel FuzzParse"
  "./internal/blob FuzzSniff"
  "./internal/staff FuzzReadRoster"
  "./internal/rncp FuzzFind"
  "./internal/rncp FuzzItems"
)
for entry in "${targets[@]}"; do
  set -- $entry
  echo "fuzz: $1 $2 ($t)"
  go test "$1" -run '^$' -fuzz "^$2\$" -fuzztime "$t" >"$log" 2>&1 || { cat "$log"; exit 1; }
done
