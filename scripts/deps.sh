#!/usr/bin/env bash
# Everything acquis needs on the machine, in one place.
#
#   scripts/deps.sh run    what `acquis serve` needs (the PostgreSQL server
#                          binaries, for the embedded default database)
#   scripts/deps.sh test   what the whole suite needs on top (pg_dump for the
#                          backup test, poppler for PDFs (text, images,
#                          signatures), qpdf for their structure, xmllint for the
#                          accrochage XSD, Chromium for the browser journey,
#                          Node.js for the independent JOSE verifier,
#                          Java and the Nu HTML Checker (vnu-jar, from
#                          npm, into var/tools) to validate every page),
#                          the Versity S3 gateway (versitygw), the real
#                          S3 server of the blob store's S3 tests, and
#                          rclone, curl and openssl for the deployment
#                          guide's test (scripts/deploy-guide.sh)
#   scripts/deps.sh lint   staticcheck for `make lint`
#   scripts/deps.sh bench  wrk, pgbench and Chromium for scripts/bench.sh
#
# When everything is present it does nothing and touches no network. When a
# Debian package is missing and we are root, it runs `apt-get update` once
# and installs the missing ones; otherwise it prints the one command to run
# and exits non-zero. Go tools are built from the Go module proxy at a
# pinned version into $(go env GOPATH)/bin (no root needed).
set -euo pipefail

mode="${1:-test}"
case "$mode" in run | test | lint | bench) ;; *)
  echo "usage: scripts/deps.sh run|test|lint|bench" >&2
  exit 2
  ;;
esac

# Pinned tools: a Go package@version, an npm package@version.
STATICCHECK="honnef.co/go/tools/cmd/staticcheck@v0.8.2"
VERSITYGW="github.com/versity/versitygw/cmd/versitygw@v1.8.0"
VNU="vnu-jar@26.9.27"
root="$(cd "$(dirname "$0")/.." && pwd)"

missing=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_initdb() {
  have_cmd initdb && return 0
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}
need() { # need PACKAGE TEST...
  local pkg="$1"
  shift
  "$@" || missing+=("$pkg")
}

need postgresql have_initdb
if [ "$mode" = test ]; then
  need postgresql-client have_cmd pg_dump
  need poppler-utils have_cmd pdftotext
  need qpdf have_cmd qpdf
  need libxml2-utils have_cmd xmllint
  need chromium have_cmd chromium
  need nodejs have_cmd node
  need npm have_cmd npm
  need default-jre-headless have_cmd java
  # scripts/deploy-guide.sh (TestDeploymentGuide): README's bucket commands,
  # its health checks and its audit key.
  need rclone have_cmd rclone
  need curl have_cmd curl
  need openssl have_cmd openssl
fi

if [ "$mode" = bench ]; then
  need wrk have_cmd wrk
  need postgresql-client have_cmd pgbench
  need chromium have_cmd chromium
  need poppler-utils have_cmd pdfinfo
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "deps: il manque ${missing[*]}. Installez-les (une fois) avec :" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "deps: installation de ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$mode" = test ]; then
  tools="$root/var/tools"
  if ! grep -qs "\"version\": \"${VNU##*@}\"" "$tools/node_modules/vnu-jar/package.json"; then
    echo "deps: installation du Nu HTML Checker ($VNU) dans var/tools" >&2
    mkdir -p "$tools"
    (cd "$tools" && npm install --no-audit --no-fund --silent --no-save --ignore-scripts "$VNU")
  fi
  bin="$(go env GOPATH)/bin"
  want="${VERSITYGW##*@}"
  # Its --version says "git" when built by go install; the binary's
  # build information names the module version.
  if ! go version -m "$bin/versitygw" 2>/dev/null | grep -Eq "^[[:space:]]+mod[[:space:]]+github.com/versity/versitygw[[:space:]]+$want"; then
    echo "deps: construction de versitygw $want (environ deux minutes)" >&2
    go install "$VERSITYGW"
  fi
fi

if [ "$mode" = lint ]; then
  bin="$(go env GOPATH)/bin"
  want="${STATICCHECK##*@}"
  if ! "$bin/staticcheck" -version 2>/dev/null | grep -q "${want#v}"; then
    echo "deps: construction de staticcheck $want" >&2
    go install "$STATICCHECK"
  fi
fi
