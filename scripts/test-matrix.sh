#!/usr/bin/env bash
# The PostgreSQL version matrix: on a private, throwaway cluster of each major version (default 14 16 17 18;
# the system PostgreSQL runs the whole suite through `just test`), run the tests that read or write a server:
# introspection, the dump round trip over every fixture, the diff fixtures' convergence loop, the parser's
# fidelity test, and the external corpus score (../shared/bin/roundtrip) when ../shared is there.
#
#   scripts/test-matrix.sh [MAJOR...]
#
# Servers are fetched by scripts/postgres-versions.sh (cached under the cargo target dir). Each cluster is
# started and removed by `with-cluster` (crates/plumb-testdb/src/bin/with-cluster.rs). Prints one summary line
# per version and exits 1 if any version failed.
set -uo pipefail
cd "$(dirname "$0")/.."

say() { printf 'matrix: %s\n' "$*" >&2; }

majors=("$@")
[ ${#majors[@]} -gt 0 ] || majors=(14 16 17 18)

scripts/postgres-versions.sh fetch "${majors[@]}" >/dev/null || exit 2
client=$(scripts/postgres-versions.sh clientdir) || exit 2
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

cargo build -q -p plumb-testdb --bin with-cluster || exit 2
cargo build -q --release -p plumb-cli || exit 2
# Compile the tests once, before any cluster runs.
tests=(-p plumb-introspect -p plumb-cli --test dump_roundtrip --test dev_local -p plumb-diff --test fixtures --test unsupported --test type_names
       -p plumb-parse --test fidelity -p plumb-pg --test local)
cargo test -q --no-run "${tests[@]}" 2>/dev/null || cargo test --no-run "${tests[@]}" || exit 2

# pg_dump and psql 18 read every older server (pg_dump 15 refuses newer ones).
export PATH="$client:$PATH"
# `--dev-url local` (tests/dev_local.rs) chooses among every fetched version.
PLUMB_PG_BIN=$(for m in "${majors[@]}"; do scripts/postgres-versions.sh bindir "$m" 2>/dev/null; done | paste -sd:)
export PLUMB_PG_BIN

summary=()
failed=0
for major in "${majors[@]}"; do
  bindir=$(scripts/postgres-versions.sh bindir "$major") || { summary+=("PostgreSQL $major: not available"); failed=1; continue; }
  log="$target/matrix-$major.log"
  say "PostgreSQL $major: running (log: $log)"
  start=$SECONDS
  # shellcheck disable=SC2016
  "$target/debug/with-cluster" --tcp --bindir "$bindir" -- bash -c '
    set -o pipefail
    cargo test --no-fail-fast "$@" 2>&1
    status=$?
    if [ -x ../shared/bin/roundtrip ]; then
      ../shared/bin/roundtrip -v --server "$DATABASE_URL" \
        --tool "'"$target"'/release/plumb diff --from {from} --to {to} --format sql" 2>&1 | sed "s/^/roundtrip: /"
    fi
    exit $status' _ "${tests[@]}" >"$log" 2>&1
  status=$?
  passed=$(grep -E '^test result:' "$log" | sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/' \
    | awk '{p+=$1; f+=$2} END {printf "%d passed, %d failed", p, f}')
  corpus=$(grep -E '^roundtrip: .*(passed|failed)' "$log" | tail -1 | sed 's/^roundtrip: //')
  line="PostgreSQL $major ($(grep -m1 -oE 'PostgreSQL [0-9.]+ \(' "$log" | grep -oE '[0-9.]+' || echo "?")): tests $passed"
  [ -n "$corpus" ] && line="$line; corpus: $corpus"
  line="$line; $((SECONDS - start)) s"
  if [ $status -ne 0 ]; then
    failed=1
    line="$line — FAILED"
    grep -E 'panicked|FAILED|failed:' "$log" | head -20 | sed 's/^/    /' >&2
  fi
  summary+=("$line")
done

for l in "${summary[@]}"; do echo "matrix: $l"; done
exit $failed
