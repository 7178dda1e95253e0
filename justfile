# plumb's tasks. `just --list` shows them. Every recipe that needs PostgreSQL finds it through
# scripts/database-url ($DATABASE_URL when set and reachable).

set shell := ["bash", "-euo", "pipefail", "-c"]

default:
    @just --list

# Install what a fresh Debian/Ubuntu machine lacks (libclang, PostgreSQL) and start the local server
setup:
    scripts/setup.sh

# Run plumb on the bundled example: diff two schema files offline, then against a live database
demo: _ensure-setup
    scripts/demo.sh

# Run every test against the local PostgreSQL (installs what is missing first; stops with a hint when no server answers)
test: _ensure-setup
    DATABASE_URL="$(scripts/database-url)"; export DATABASE_URL; cargo test --workspace --no-fail-fast

# The quick loop, no server needed: unit tests and the `fast_*` test targets (parse, plan of hand-built models, layouts, CLI offline)
test-fast:
    # plumb-cli's `verify` unit tests apply plans on a dev server: the one server-bound part of a unit test suite
    cargo test --workspace --no-fail-fast --lib --bins --test 'fast_*' -- --skip verify::tests::

# The version matrix: the server-facing tests on throwaway PostgreSQL 14, 16, 17, 18 clusters (fetched once)
test-matrix *MAJORS:
    scripts/test-matrix.sh {{MAJORS}}

# A self-contained release binary: glibc linked in (static-pie), no shared library needed at run time. `--target`
# keeps build scripts and proc macros dynamic, as they must be. Prints where it is, its size and version.
release-static:
    h="$(rustc -vV | sed -n 's/^host: //p')"; RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --locked -p plumb-cli --target "$h"
    t="$(scripts/target-dir)"; h="$(rustc -vV | sed -n 's/^host: //p')"; strip -o "$t/plumb-static" "$t/$h/release/plumb"; ls -l "$t/plumb-static"; file "$t/plumb-static"; "$t/plumb-static" --version

# Formatting and lints, as CI runs them
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# Benchmarks: plumb dump vs pg_dump and plumb diff vs migra (100, 1,000, 10,000 tables, the largest real schema), parse speed, diff+plan speed
bench: _ensure-setup
    cargo build --release -p plumb-cli -p plumb-bench
    t="$(scripts/target-dir)"; DATABASE_URL="$(scripts/database-url)" "$t/release/plumb-bench" all
    t="$(scripts/target-dir)"; "$t/release/plumb-bench" gen --tables 10000 > "$t/bench-10000.sql"
    t="$(scripts/target-dir)"; cargo run --release -q -p plumb-parse --example parse_timing -- "$t/bench-10000.sql"
    cargo bench -p plumb-diff --bench plan

# Score `plumb diff` on the external corpus in ../shared (when present)
roundtrip: _ensure-setup
    cargo build --release -p plumb-cli
    ROUNDTRIP_SERVER="$(scripts/database-url)" ../shared/bin/roundtrip --tool "$(scripts/target-dir)/release/plumb diff --from {from} --to {to} --format sql" -v

# Parser fidelity: declared file vs the same file loaded into a database, offline and with --dev-url
fidelity: _ensure-setup
    cargo build --release -p plumb-cli
    scripts/fidelity.sh

# Everything CI runs
ready: lint test

_ensure-setup:
    @scripts/database-url >/dev/null 2>&1 && cargo --version >/dev/null && (dpkg -s libclang-dev >/dev/null 2>&1 || [ -n "${LIBCLANG_PATH:-}" ] || ! command -v dpkg >/dev/null) || scripts/setup.sh
