#!/usr/bin/env bash
# For BENCHMARKS.md: how long headless Chromium takes to print the CASP
# jury file's equivalent HTML page to PDF, next to internal/pdf's Go
# benchmark of the same document. Needs chromium (apt-get install chromium).
# Usage: scripts/bench-pdf-chromium.sh [runs, default 10]
set -euo pipefail
runs=${1:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/acquis-pdf-XXXX)
trap 'rm -rf "$work"' EXIT
cd "$root"
ACQUIS_PDF_HTML_OUT="$work/dossier.html" go test ./internal/pdf -run TestWriteEquivalentHTML -count=1 > /dev/null
browser=$(command -v chromium || command -v chromium-browser)
print() {
  "$browser" --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
    --user-data-dir="$work/profile" --print-to-pdf="$work/out.pdf" "file://$work/dossier.html" > /dev/null 2>&1
}
print # warm the profile and the page cache
start=$(date +%s%N)
for _ in $(seq "$runs"); do print; done
end=$(date +%s%N)
echo "chromium: $(( (end - start) / runs / 1000000 )) ms par impression (moyenne de $runs, lancement du navigateur compris), $(pdfinfo "$work/out.pdf" | awk '/Pages/ {print $2}') pages"
go test ./internal/pdf -run '^$' -bench 'BenchmarkJuryFile$' -benchtime 3s | grep Benchmark
