#!/usr/bin/env bash
# The bundled example: two versions of a small shop schema (fixtures/demo/v1.sql, v2.sql).
# 1. offline: what does v1 -> v2 do?  2. live (when a server is up): load v1 into a scratch database and
# check it against v2, dump it, then drop the scratch database.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "building plumb (release; the first build takes a few minutes)..." >&2
cargo build --release -p plumb-cli
plumb="$(scripts/target-dir)/release/plumb"
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
# Exit 1 means "differences found", which is what the demo shows; 2 is an error and stops it.
differs() { "$@" || { rc=$?; [ "$rc" -eq 1 ] || exit "$rc"; echo "(exit 1: differences found)"; }; }

step plumb diff --from fixtures/demo/v1.sql --to fixtures/demo/v2.sql --format human
differs $plumb diff --from fixtures/demo/v1.sql --to fixtures/demo/v2.sql --format human
step plumb diff --from fixtures/demo/v1.sql --to fixtures/demo/v2.sql --format sql
differs $plumb diff --from fixtures/demo/v1.sql --to fixtures/demo/v2.sql --format sql

if ! server=$(scripts/database-url 2>/dev/null); then
  echo "(no PostgreSQL server is up: skipping the live part of the demo; run 'just setup' to start one)"
  exit 0
fi
db=plumb_demo_$$
live=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(f"{p.scheme}://{p.netloc}/{sys.argv[2]}" + (f"?{p.query}" if p.query else ""))' "$server" "$db")
psql -w -X -q -d "$server" -c "CREATE DATABASE $db"
trap 'psql -w -X -q -d "$server" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"' EXIT
psql -w -X -q -d "$live" -f fixtures/demo/v1.sql

step plumb check --database "postgresql://.../$db" --schema fixtures/demo/v2.sql
differs $plumb check --database "$live" --schema fixtures/demo/v2.sql
step plumb dump --database "postgresql://.../$db"
$plumb dump --database "$live"
