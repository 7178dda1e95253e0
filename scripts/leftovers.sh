#!/usr/bin/env bash
# List the databases and roles a test run left on the server named by DATABASE_URL (default: what
# scripts/database-url finds) and exit 1 if there are any. Everything plumb's tests and `--dev-url` create
# is named `plumb_...` (databases `plumb_test_<pid>_...` and `plumb_scratch_<pid>_...`, roles
# `plumb_test_<pid>_r<n>_...`); the fixed role names older test runs created are listed too.
# Run it after `cargo test` on a server nothing else uses: a test run still going shows up here as well.
set -euo pipefail
cd "$(dirname "$0")/.."
url="${DATABASE_URL:-}"
[ -n "$url" ] || url="$(scripts/database-url)"

list() {
  PGCONNECT_TIMEOUT=10 psql -X -w -q -At -d "$url" -v ON_ERROR_STOP=1 -c "$1"
}
dbs="$(list "SELECT datname FROM pg_database WHERE datname LIKE 'plumb\_%' ORDER BY 1")"
roles="$(list "SELECT rolname FROM pg_roles WHERE rolname LIKE 'plumb\_%' ORDER BY 1")"

if [ -z "$dbs$roles" ]; then
  echo "leftovers: none (no plumb_* database or role on the server)"
  exit 0
fi
[ -n "$dbs" ] && printf 'leftover database: %s\n' $dbs
[ -n "$roles" ] && printf 'leftover role: %s\n' $roles
n=$(printf '%s\n%s\n' "$dbs" "$roles" | grep -c .)
echo "leftovers: $n object(s) left on the server by a test run" >&2
exit 1
