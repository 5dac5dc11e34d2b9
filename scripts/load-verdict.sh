#!/usr/bin/env bash
# Load test of the grid's autosave against the real server and database:
# builds acquis, starts it on a fresh embedded cluster (fsync on) loaded
# with the demo, signs in two evaluators of the open session, then runs wrk
# on POST /api/v1/jury/…/verdicts and, for the ceiling, on a trivial
# authenticated GET. Needs wrk (apt-get install wrk).
# Usage: scripts/load-verdict.sh [duration, default 20s] [connections, default 32]
set -euo pipefail
dur=${1:-20s}
conns=${2:-32}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/acquis-load-XXXX)
chmod 755 "$work"
trap 'kill $(cat "$work/pid" 2>/dev/null) 2>/dev/null; sleep 2; rm -rf "$work"' EXIT
cd "$root"
go build -o "$work/acquis" ./cmd/acquis
export ACQUIS_DATA_DIR="$work/var" ACQUIS_ADDR=127.0.0.1:18181 ACQUIS_LOG_FORMAT=json ACQUIS_DATABASE_URL=
"$work/acquis" demo > /dev/null 2>&1
"$work/acquis" serve > "$work/serve.log" 2>&1 &
echo $! > "$work/pid"
base=http://$ACQUIS_ADDR
for _ in $(seq 100); do curl -sf "$base/healthz" > /dev/null && break; sleep 0.2; done

login() { # email jar → prints the CSRF token of the logged-in page
  local jar=$1 email=$2 tok
  tok=$(curl -s -c "$jar" -b "$jar" "$base/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')
  curl -s -c "$jar" -b "$jar" -o /dev/null -d "email=$email&password=demo-acquis-2026&_csrf=$tok" "$base/login"
  echo "$tok"
}
cookie() { awk '$6 ~ /acquis_/ { printf "%s=%s; ", $6, $7 }' "$1"; }

tok=$(login "$work/jar" bernard.faure@demo.acquis.fr)
path=$(curl -s -b "$work/jar" "$base/jury" | grep -o 'href="/jury/sessions/[0-9]*/candidats/[0-9]*"' | sed -n 2p | sed 's/href="//;s/"//')
sid=$(echo "$path" | cut -d/ -f4); cid=$(echo "$path" | cut -d/ -f6)
crits=$(curl -s -b "$work/jar" "$base/api/v1/jury/sessions/$sid/candidacies/$cid/grid" | grep -o '"code":"RNCP[0-9A-Z-]*"' | sed 's/"code":"//;s/"//' | sort -u | tr '\n' ' ')
cat > "$work/verdict.lua" <<LUA
local crits = {}
for c in string.gmatch("$crits", "%S+") do table.insert(crits, c) end
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-CSRF-Token"] = "$tok"
wrk.headers["Cookie"] = "$(cookie "$work/jar")"
request = function()
  i = i + 1
  return wrk.format(nil, "/api/v1/jury/sessions/$sid/candidacies/$cid/verdicts", nil,
    '{"criterion":"' .. crits[(i % #crits) + 1] .. '","verdict":"acquis"}')
end
done = function(summary, latency, requests)
  io.write(string.format("errors: %d non-2xx/3xx+socket\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
echo "== autosave d'un critère (POST /api/v1/jury/sessions/$sid/candidacies/$cid/verdicts), $conns connexions, $dur"
wrk -t2 -c"$conns" -d"$dur" --latency -s "$work/verdict.lua" "$base" | grep -E "Requests/sec|Latency|50%|90%|99%|errors|requests in"
echo "== requête authentifiée triviale (GET /api/v1/certifications)"
wrk -t2 -c"$conns" -d"$dur" --latency -H "Cookie: $(cookie "$work/jar")" "$base/api/v1/certifications" | grep -E "Requests/sec|Latency|50%|90%|99%|requests in|Non-2xx"
