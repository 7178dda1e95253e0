#!/usr/bin/env bash
# Parser fidelity (issue "Schema-file parser"): for each schema file, load it into a fresh database D, then
# `plumb diff --from FILE --to D` must report no difference — offline, and with --dev-url.
# Usage: scripts/fidelity.sh [FILES...]   (default: ../shared/corpus/**/{a,b}.sql and fixtures' schema files)
# Prints one line per file and mode, then "offline: N/M equal, dev-url: N/M equal".
set -uo pipefail
cd "$(dirname "$0")/.."
server=$(scripts/database-url) || exit 2
plumb=${PLUMB:-$(scripts/target-dir)/release/plumb}
[ -x "$plumb" ] || cargo build --quiet --release -p plumb-cli
if [ $# -eq 0 ]; then
  set -- $(ls ../shared/corpus/*/*/a.sql ../shared/corpus/*/*/b.sql 2>/dev/null | sort) \
         $(find fixtures/diff fixtures/introspect fixtures/demo \( -name from.sql -o -name to.sql -o -name schema.sql -o -name 'v[0-9].sql' \) | sort)
fi
[ -f ../shared/corpus/migra/setup.sql ] && psql -w -X -q -d "$server" -f ../shared/corpus/migra/setup.sql >/dev/null 2>&1
url_for() { python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(f"{p.scheme}://{p.netloc}/{sys.argv[2]}" + (f"?{p.query}" if p.query else ""))' "$server" "$1"; }
db=plumb_fidelity_$$
url=$(url_for "$db")
total=0; off_ok=0; dev_ok=0; skipped=0
for f in "$@"; do
  case "$f" in */unsupported/*) continue ;; esac
  psql -w -X -q -d "$server" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db TEMPLATE template0" >/dev/null
  if ! psql -w -X -q -v ON_ERROR_STOP=1 -d "$url" -f "$f" >/dev/null 2>&1; then
    skipped=$((skipped + 1)); echo "skipped  $f (does not load)"; continue
  fi
  total=$((total + 1))
  for mode in offline dev-url; do
    extra=(); [ "$mode" = dev-url ] && extra=(--dev-url "$server")
    out=$("$plumb" -q diff --from "$f" --to "$url" --format human "${extra[@]}" 2>&1); rc=$?
    if [ $rc -eq 0 ]; then
      [ "$mode" = offline ] && off_ok=$((off_ok + 1)) || dev_ok=$((dev_ok + 1))
      echo "equal    $mode $f"
    else
      echo "DIFFERS  $mode $f (exit $rc)"
      [ -n "${VERBOSE:-}" ] && printf '%s\n' "$out" | head -20 | sed 's/^/    /'
    fi
  done
done
psql -w -X -q -d "$server" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
echo "offline: $off_ok/$total equal, dev-url: $dev_ok/$total equal, $skipped skipped"
