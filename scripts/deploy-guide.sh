#!/usr/bin/env bash
# Follows README's deployment guide (« Several instances ») from scratch,
# on this machine: a new PostgreSQL cluster, a Versity S3 gateway, one
# acquis instance, then a backup and a restore into a new database and a
# new bucket. The commands are read from README's blocks marked
# `<!-- deploy-test: NAME -->` and run as written; only passwords, keys,
# hosts and ports are this script's. cmd/acquis/deploy_guide_test.go runs
# it (in `make test`); it can be run by hand too:
#
#   scripts/deploy-guide.sh check STATE    README has every block, env names match
#   scripts/deploy-guide.sh up STATE       cluster, roles, bucket, env, migrate, serve, /readyz
#   scripts/deploy-guide.sh exec STATE CMD…  CMD with the instance's environment
#   scripts/deploy-guide.sh backup STATE   README's backup block
#   scripts/deploy-guide.sh restore STATE  README's restore block (and its two verifications)
#   scripts/deploy-guide.sh down STATE     stop everything, remove STATE
#
# `up` reads ACQUIS_BIN (the acquis binary), VERSITYGW (the gateway), and
# PG_PORT, S3_PORT, ACQUIS_PORT (free ports), SMTP_ADDR (host:port of an
# SMTP server), DEPLOY_PASSWORD and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
# from its environment; STATE is an empty folder.
set -euo pipefail

phase="${1:?usage: deploy-guide.sh up|exec|backup|restore|down STATE}"
state="${2:?usage: deploy-guide.sh up|exec|backup|restore|down STATE}"
shift 2
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
self="$root/scripts/deploy-guide.sh"
# README_MD: another copy of README, for the script's own test.
readme="${README_MD:-$root/README.md}"

# readme_block NAME prints the fenced block that follows the line
# `<!-- deploy-test: NAME -->` in README.md, and fails without one.
readme_block() {
  awk -v m="<!-- deploy-test: $1 -->" '
    $0 == m { f = 1; next }
    f && /^```/ { if (b) { done = 1; exit } b = 1; next }
    f && b { print }
    END { if (!done) exit 1 }' "$readme" || {
    echo "deploy-guide: README.md n'a plus de bloc « deploy-test: $1 »" >&2
    return 1
  }
}

# run_block NAME runs README's block NAME in this shell (its exports stay),
# each command echoed, stopping at the first that fails.
run_block() {
  local block
  block="$(readme_block "$1")"
  set -x
  eval "$block"
  { set +x; } 2>/dev/null
}

# as_postgres runs a command as the postgres system user when we are root
# (initdb and postgres refuse root), as ourselves otherwise.
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pgbin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/pg_ctl" ] && { echo "$d"; return; }
  done
  dirname "$(command -v pg_ctl)"
}

# load_env exports the instance's environment file the way systemd's
# EnvironmentFile reads it: NAME=value lines, the value to the end of the
# line, comment lines ignored.
load_env() {
  local line
  while IFS= read -r line; do
    case "$line" in '' | '#'*) continue ;; esac
    export "${line%%=*}=${line#*=}"
  done <"$state/acquis.env"
}

wait_url() { # wait_url URL WHAT
  local i
  for i in $(seq 1 300); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "deploy-guide: $2 ne répond pas ($1)" >&2
  return 1
}

# env_values fills val with this machine's value of every variable the
# instance needs (empty where up has not set its inputs: check).
declare -A val
env_values() {
  local store="http://127.0.0.1:${S3_PORT:-}"
  val=(
    [ACQUIS_DATABASE_URL]="postgres://acquis_app:${DEPLOY_PASSWORD:-}@127.0.0.1:${PG_PORT:-}/acquis?sslmode=disable"
    [ACQUIS_MIGRATE_DATABASE_URL]="postgres://acquis_owner:${DEPLOY_PASSWORD:-}@127.0.0.1:${PG_PORT:-}/acquis?sslmode=disable"
    [ACQUIS_AUDIT_KEY]="$(openssl rand -hex 32)"
    [ACQUIS_BLOB_URL]="s3://acquis-documents/prod?endpoint=$store&region=us-east-1"
    [AWS_ACCESS_KEY_ID]="${AWS_ACCESS_KEY_ID:-}"
    [AWS_SECRET_ACCESS_KEY]="${AWS_SECRET_ACCESS_KEY:-}"
    [ACQUIS_ADDR]="127.0.0.1:${ACQUIS_PORT:-}"
    [ACQUIS_BASE_URL]="http://127.0.0.1:${ACQUIS_PORT:-}"
    [ACQUIS_TRUSTED_PROXIES]=127.0.0.1
    [ACQUIS_SMTP_URL]="smtp://${SMTP_ADDR:-}?from=acquis@exemple.fr"
    [ACQUIS_DATA_DIR]="$state/data"
    [ACQUIS_LOG_FORMAT]=json
  )
}

# write_env FILE writes the environment file with README's names, in its
# order, and val's values; it fails when README names a variable val
# lacks or lacks one val has, or puts a comment after a value.
write_env() {
  local blk line name value seen=()
  blk="$(readme_block env)"
  : >"$1"
  while IFS= read -r line; do
    case "$line" in '' | '#'*) continue ;; esac
    name="${line%%=*}"
    value="${line#*=}"
    if [[ "$value" =~ [[:space:]]# ]]; then
      echo "deploy-guide: README, $name : un commentaire en fin de ligne resterait dans la valeur (systemd EnvironmentFile)" >&2
      return 1
    fi
    if [ -z "${val[$name]+x}" ]; then
      echo "deploy-guide: README nomme $name, que ce script ne sait pas remplir" >&2
      return 1
    fi
    echo "$name=${val[$name]}" >>"$1"
    seen+=("$name")
  done <<<"$blk"
  if [ "${#seen[@]}" -ne "${#val[@]}" ]; then
    echo "deploy-guide: README ne nomme que ${seen[*]} ; ce script remplit aussi : ${!val[*]}" >&2
    return 1
  fi
}

# check reads every block the guide's run needs, without running any.
check() {
  local b
  for b in roles rclone bucket env backup restore; do
    readme_block "$b" >/dev/null
  done
  env_values
  write_env /dev/null
  readme_block roles | grep -q "CREATE ROLE acquis_app LOGIN PASSWORD '…'" || {
    echo "deploy-guide: le bloc SQL de README ne crée plus acquis_app avec un mot de passe '…'" >&2
    return 1
  }
  echo "deploy-guide: README complet"
}

up() {
  : "${ACQUIS_BIN:?} ${VERSITYGW:?} ${PG_PORT:?} ${S3_PORT:?} ${ACQUIS_PORT:?} ${SMTP_ADDR:?} ${DEPLOY_PASSWORD:?}"
  : "${AWS_ACCESS_KEY_ID:?} ${AWS_SECRET_ACCESS_KEY:?}"
  chmod 755 "$state"
  mkdir -p "$state/bin" "$state/backup" "$state/s3" "$state/pg"
  ln -sf "$ACQUIS_BIN" "$state/bin/acquis"
  cat >"$state/vars" <<EOF
PG_PORT=$PG_PORT
S3_PORT=$S3_PORT
ACQUIS_PORT=$ACQUIS_PORT
EOF

  # A new cluster: password authentication over TCP (what the instance
  # uses), the superuser through the cluster's own socket.
  [ "$(id -u)" -eq 0 ] && chown postgres "$state/pg"
  local bin
  bin="$(pgbin)"
  as_postgres "$bin/initdb" -D "$state/pg/data" -U postgres -E UTF8 --locale=C \
    --auth-local=trust --auth-host=scram-sha-256 --no-instructions >"$state/initdb.log"
  as_postgres "$bin/pg_ctl" -D "$state/pg/data" -l "$state/pg/log" -w \
    -o "-p $PG_PORT -k $state/pg -c listen_addresses=127.0.0.1" start >/dev/null
  export PGHOST="$state/pg" PGPORT="$PG_PORT" PGUSER=postgres

  # 1. The two roles and the database, README's SQL with our password.
  readme_block roles | sed "s/'…'/'$DEPLOY_PASSWORD'/g" | psql -X -q -v ON_ERROR_STOP=1 -d postgres

  # 2. The object store and its bucket.
  ROOT_ACCESS_KEY="$AWS_ACCESS_KEY_ID" ROOT_SECRET_KEY="$AWS_SECRET_ACCESS_KEY" \
    "$VERSITYGW" --port "127.0.0.1:$S3_PORT" posix "$state/s3" >"$state/versitygw.log" 2>&1 &
  echo $! >"$state/versitygw.pid"
  local i
  for i in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$S3_PORT") 2>/dev/null && break
    sleep 0.1
  done
  export STORE_ENDPOINT="http://127.0.0.1:$S3_PORT" STORE_REGION=us-east-1
  run_block rclone
  run_block bucket

  # 3. The instance's environment: exactly the names README lists, with
  # this machine's values.
  env_values
  (umask 077 && write_env "$state/acquis.env")

  # Migrations, then the instance (what the systemd unit runs), in a clean
  # environment: only the file's variables.
  env -i PATH="$PATH" HOME="$state" bash -c "source '$self' __load '$state' && exec acquis migrate" >"$state/migrate.log" 2>&1 ||
    { cat "$state/migrate.log" >&2; return 1; }
  env -i PATH="$state/bin:$PATH" HOME="$state" bash -c "source '$self' __load '$state' && exec acquis serve" >"$state/acquis.log" 2>&1 &
  echo $! >"$state/acquis.pid"
  wait_url "http://127.0.0.1:$ACQUIS_PORT/readyz" "acquis (/readyz)" || { cat "$state/acquis.log" >&2; return 1; }
  echo "deploy-guide: acquis prêt sur 127.0.0.1:$ACQUIS_PORT"
}

backup() {
  load_env
  export BACKUP="$state/backup" STORE_ENDPOINT="http://127.0.0.1:$S3_PORT" STORE_REGION=us-east-1
  run_block rclone
  run_block backup
}

restore() {
  load_env
  local db="127.0.0.1:$PG_PORT/acquis_restored?sslmode=disable"
  export BACKUP="$state/backup" STORE_ENDPOINT="http://127.0.0.1:$S3_PORT" STORE_REGION=us-east-1
  export PGHOST="$state/pg" PGPORT="$PG_PORT" PGUSER=postgres
  export RESTORED_OWNER_URL="postgres://acquis_owner:$DEPLOY_PASSWORD@$db"
  export RESTORED_APP_URL="postgres://acquis_app:$DEPLOY_PASSWORD@$db"
  export RESTORED_BLOB_URL="s3://acquis-restored/prod?endpoint=$STORE_ENDPOINT&region=$STORE_REGION"
  run_block rclone
  run_block restore
}

down() {
  local p
  for p in acquis versitygw; do
    if [ -f "$state/$p.pid" ]; then
      kill "$(cat "$state/$p.pid")" 2>/dev/null || true
    fi
  done
  if [ -f "$state/pg/data/postmaster.pid" ]; then
    as_postgres "$(pgbin)/pg_ctl" -D "$state/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  for p in acquis versitygw; do
    if [ -f "$state/$p.pid" ]; then
      for _ in $(seq 1 50); do kill -0 "$(cat "$state/$p.pid")" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$(cat "$state/$p.pid")" 2>/dev/null || true
    fi
  done
  rm -rf "$state"
}

# rclone 1.60 (Debian 12) fails on AWS_CA_BUNDLE, which some machines
# set ("unable to load custom CA bundle"); the gateway here is plain http.
unset AWS_CA_BUNDLE

if [ "$phase" != up ] && [ -f "$state/vars" ]; then
  # shellcheck source=/dev/null
  source "$state/vars"
  export PATH="$state/bin:$PATH"
fi
case "$phase" in
up) up ;;
check) check ;;
backup) backup ;;
restore) restore ;;
down) down ;;
exec)
  load_env
  exec "$@"
  ;;
__load) load_env ;; # sourced by up to start acquis with the file's variables only
*)
  echo "usage: deploy-guide.sh up|exec|backup|restore|down STATE" >&2
  exit 2
  ;;
esac
