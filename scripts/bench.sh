#!/usr/bin/env bash
# Speed measured against the limits of this machine, in one run (issue 22).
#
# Every figure is printed beside the limit it is compared with, measured by
# this same script on this same machine a moment before, so that the ratio
# holds from one CPU to another where milliseconds do not:
#
#   cold start     acquis serve on an empty data dir, until /healthz answers
#                  ÷ initdb + start + stop of the same PostgreSQL
#   autosave       POST of one verdict through acquis (wrk, 8 and 32 conns)
#                  ÷ PostgreSQL alone running the same durable write
#                    (upsert of the verdict + audit row in one statement,
#                    pgbench, 8 and 32 clients, fsync on)
#   pages          référentiel, candidacy, grid (wrk, 8 conns)
#                  ÷ /healthz through acquis (the app's own ceiling);
#                  the static stylesheet is shown as the server's ceiling
#   documents      the CASP jury file (Go benchmark) ÷ Chromium printing the
#                  equivalent HTML
#
# Needs wrk, pgbench (postgresql-client), chromium: scripts/deps.sh bench.
# Usage: scripts/bench.sh [duration per wrk run, default 10s]
set -euo pipefail
dur=${1:-10s}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
./scripts/deps.sh bench
work=$(mktemp -d /tmp/acquis-bench-XXXX)
chmod 755 "$work"
cleanup() {
  [ -f "$work/pid" ] && kill "$(cat "$work/pid")" 2>/dev/null && sleep 2
  rm -rf "$work"
}
trap cleanup EXIT

as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pgbin=$(dirname "$(readlink -f "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | tail -1)")")
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "—"; else printf "%.2f", a / b }'; }
line() { printf '%-44s %12s %-8s %12s %-8s  ratio %s\n' "$1" "$2" "$3" "$4" "$5" "$(ratio "$2" "$4")"; }

echo "# acquis bench, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine : $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cœurs, charge $(cut -d' ' -f1-3 /proc/loadavg)"
echo "go : $(go version | cut -d' ' -f3), PostgreSQL : $("$pgbin/postgres" --version | awk '{print $3}')"
echo
printf '%-44s %12s %-8s %12s %-8s\n' "mesure" "acquis" "" "limite" ""

go build -o "$work/acquis" ./cmd/acquis

# 1. Cold start.
mkdir -p "$work/pglimit" && chown postgres "$work/pglimit" 2>/dev/null || true
t0=$(date +%s%N)
as_pg "$pgbin/initdb" -D "$work/pglimit/data" -E UTF8 --locale=C -U postgres -A trust --no-instructions > /dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pglimit/data" -o "-k $work/pglimit -c listen_addresses=" -w start > /dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pglimit/data" -w stop > /dev/null
limit_cold=$(ms "$t0")
export ACQUIS_DATA_DIR="$work/cold" ACQUIS_ADDR=127.0.0.1:18182 ACQUIS_LOG_FORMAT=json ACQUIS_DATABASE_URL= ACQUIS_MIGRATE_DATABASE_URL=
t0=$(date +%s%N)
"$work/acquis" serve > "$work/cold.log" 2>&1 &
cold_pid=$!
until curl -sf "http://$ACQUIS_ADDR/healthz" > /dev/null; do sleep 0.02; done
acquis_cold=$(ms "$t0")
kill -INT "$cold_pid"; wait "$cold_pid" 2>/dev/null || true
line "démarrage à froid (ms, moins est mieux)" "$acquis_cold" "ms" "$limit_cold" "ms"

# 2. The demo on a fresh embedded cluster, served with fsync on.
export ACQUIS_DATA_DIR="$work/var" ACQUIS_ADDR=127.0.0.1:18181
"$work/acquis" demo > /dev/null 2>&1
"$work/acquis" serve > "$work/serve.log" 2>&1 &
echo $! > "$work/pid"
base=http://$ACQUIS_ADDR
until curl -sf "$base/healthz" > /dev/null; do sleep 0.1; done

login() { # jar email → the CSRF token of the page the login lands on
  local jar=$1 email=$2 tok
  tok=$(curl -s -c "$jar" -b "$jar" "$base/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')
  curl -s -c "$jar" -b "$jar" -o /dev/null -d "email=$email&password=demo-acquis-2026&_csrf=$tok" "$base/login"
  curl -s -c "$jar" -b "$jar" "$base/" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//'
}
cookie() { awk '$6 ~ /acquis_/ { printf "%s=%s; ", $6, $7 }' "$1"; }
wrk_rps() { # args… → "requests/s p99ms errors"
  wrk -t2 "$@" --latency -d "$dur" 2>&1 | awk '
    /Requests\/sec/ { rps = $2 }
    / 99%/ { v = $2; if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /us$/) { sub(/us/, "", v); v = v / 1000 } else if (v ~ /s$/) { sub(/s/, "", v); v = v * 1000 }; p99 = v }
    /Non-2xx|Socket errors/ { err = err " " $0 }
    END { printf "%.0f %.1f %s\n", rps, p99, (err == "" ? "0" : err) }'
}

# The open session's evaluator, one of their candidates and its criteria.
jar=$work/jar
tok=$(login "$jar" bernard.faure@demo.acquis.fr)
grid=$(curl -s -b "$jar" "$base/jury" | grep -o 'href="/jury/sessions/[0-9]*/candidats/[0-9]*"' | sed -n 2p | sed 's/href="//;s/"//')
sid=$(echo "$grid" | cut -d/ -f4); cid=$(echo "$grid" | cut -d/ -f6)
eid=$("$pgbin/psql" -h "$ACQUIS_DATA_DIR/run" -U postgres -d acquis -Atc "SELECT id FROM users WHERE email = 'bernard.faure@demo.acquis.fr'")
crits=$(curl -s -b "$jar" "$base/api/v1/jury/sessions/$sid/candidacies/$cid/grid" | grep -o '"code":"RNCP[0-9A-Z]*-CR[0-9]*"' | sed 's/"code":"//;s/"//' | sort -u)
ncrit=$(echo "$crits" | wc -l)
arr=$(echo "$crits" | sed "s/.*/'&'/" | paste -sd, -)

# 3. The database's own limit for the autosave's write.
cat > "$work/verdict.sql" <<SQL
\set i random(1, $ncrit)
WITH up AS (
  INSERT INTO jury_verdicts (session_id, candidacy_id, evaluator_id, block_code, criterion_code, verdict, comment)
  SELECT $sid, $cid, $eid, split_part(c, '-', 1), c, 'acquis', '' FROM (SELECT (ARRAY[$arr])[:i] AS c) x
  ON CONFLICT (session_id, candidacy_id, evaluator_id, criterion_code)
  DO UPDATE SET verdict = EXCLUDED.verdict, comment = EXCLUDED.comment, updated_at = now()
  RETURNING criterion_code)
INSERT INTO audit_log (actor_id, actor_role, action, entity, entity_id, change)
SELECT $eid, 'jury_member', 'jury.verdict', 'candidacy', '$cid', '{"criterion":"' || criterion_code || '"}' FROM up;
SQL
pgb() { "$pgbin/pgbench" -h "$ACQUIS_DATA_DIR/run" -U postgres -n -f "$work/verdict.sql" -c "$1" -j 2 -T "${dur%s}" acquis 2>/dev/null | awk '/^tps/ { printf "%.0f\n", $3 }'; }

cat > "$work/verdict.lua" <<LUA
local crits = {}
for c in string.gmatch("$(echo $crits)", "%S+") do table.insert(crits, c) end
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-CSRF-Token"] = "$tok"
wrk.headers["Cookie"] = "$(cookie "$jar")"
request = function()
  i = i % #crits + 1
  return wrk.format(nil, "/api/v1/jury/sessions/$sid/candidacies/$cid/verdicts", nil,
    '{"criterion":"' .. crits[i] .. '","verdict":"acquis","comment":""}')
end
LUA
for c in 8 32; do
  limit=$(pgb "$c")
  read -r rps p99 errs < <(wrk_rps -c "$c" -s "$work/verdict.lua" "$base")
  line "autosave, $c connexions (req/s ; p99 ${p99} ms)" "$rps" "req/s" "$limit" "tx/s"
  [ "$errs" = "0" ] || echo "  erreurs : $errs"
done

# 4. Pages, against the app's own ceiling.
read -r static _ _ < <(wrk_rps -c 8 "$base$(curl -s "$base/login" | grep -o '/static/acquis\.[0-9a-f]*\.css' | head -1)")
read -r health _ _ < <(wrk_rps -c 8 "$base/healthz")
line "fichier statique (req/s, plafond du serveur)" "$static" "req/s" "$static" "req/s"
cjar=$work/cjar
login "$cjar" yann.kerjean@demo.acquis.fr > /dev/null
cand=$(curl -s -b "$cjar" "$base/candidat" | grep -o 'href="/candidatures/[0-9]*"' | head -1 | sed 's/href="//;s/"//')
for page in "/referentiels/RNCP37779:référentiel" "$cand:candidature (candidat)" "$grid:grille du jury (juré)"; do
  path=${page%%:*}; name=${page#*:}
  ck=$(cookie "$jar"); [ "$path" = "$cand" ] && ck=$(cookie "$cjar")
  read -r rps p99 errs < <(wrk_rps -c 8 -H "Cookie: $ck" "$base$path")
  line "page $name (req/s ; p99 ${p99} ms)" "$rps" "req/s" "$health" "healthz"
  [ "$errs" = "0" ] || echo "  erreurs : $errs"
done

# 5. Documents: the jury file against Chromium printing the same HTML.
chromium_ms=$(./scripts/bench-pdf-chromium.sh 5 | awk '/^chromium/ { print $2 }')
go_ns=$(go test ./internal/pdf -run '^$' -bench 'BenchmarkJuryFile$' -benchtime 2s | awk '/^BenchmarkJuryFile/ { print $3 }')
go_ms=$(awk -v n="$go_ns" 'BEGIN { printf "%.1f", n / 1e6 }')
line "dossier jury CASP (ms, moins est mieux)" "$go_ms" "ms" "$chromium_ms" "chromium"
echo "  soit $(awk -v a="$chromium_ms" -v b="$go_ms" 'BEGIN { printf "%.0f", a / b }') fois plus rapide que Chromium (objectif : 50 fois au moins)"
fps=$(go test ./internal/pdf -run '^$' -bench 'BenchmarkJuryFilesPerSecond$' -benchtime 2s | awk '/files\/s/ { for (i = 1; i <= NF; i++) if ($i == "files/s") print $(i-1) }')
echo "dossiers jury par seconde (tous les cœurs) : ${fps:-?}"
