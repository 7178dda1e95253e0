#!/usr/bin/env bash
# Install what plumb's build and tests need and make sure a PostgreSQL server is running.
#   - libclang (pg_query's build uses bindgen), a C compiler
#   - PostgreSQL server and client (psql, pg_dump)
# On Debian/Ubuntu it installs missing packages with apt-get (as root, or through sudo). Elsewhere it says what
# to install. It changes nothing that is already there, and it never changes authentication settings: when no
# way into the local server works, it adds a superuser role for the current OS user (peer authentication over
# the unix socket, as the `postgres` OS user may), which is what scripts/database-url then finds.
set -euo pipefail

say() { printf 'setup: %s\n' "$*" >&2; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
fi

have_libclang() {
  [ -n "${LIBCLANG_PATH:-}" ] && return 0
  if command -v dpkg >/dev/null 2>&1; then
    dpkg -s libclang-dev >/dev/null 2>&1 && return 0
  fi
  for f in /usr/lib/llvm-*/lib/libclang.so /usr/lib64/libclang.so /usr/local/lib/libclang.so \
           /usr/lib/*/libclang.so /opt/homebrew/opt/llvm/lib/libclang.dylib /usr/local/opt/llvm/lib/libclang.dylib; do
    [ -e "$f" ] && return 0
  done
  return 1
}
have_server() { ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || command -v postgres >/dev/null 2>&1; }
have_client() { command -v psql >/dev/null 2>&1 && command -v pg_dump >/dev/null 2>&1; }

missing=()
have_libclang || missing+=(libclang-dev)
command -v cc >/dev/null 2>&1 || missing+=(build-essential)
have_server || missing+=(postgresql)
have_client || missing+=(postgresql-client)

if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    say "installing: ${missing[*]}"
    $SUDO apt-get update -q | awk '{ print "  " $0; fflush() }' >&2
    # Progress, one line per package downloaded and set up (a fresh server takes a minute or two).
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}" \
      | awk '/^(Get:|Setting up)/ { print "  " $0; fflush() }' >&2
  else
    say "missing: ${missing[*]}"
    say "install them with your package manager: libclang (LLVM/Clang development files), a C compiler,"
    say "PostgreSQL 14-18 server and client (psql, pg_dump); then run this again."
    say "  macOS: brew install llvm postgresql@15 && brew services start postgresql@15"
    say "  Fedora: dnf install clang-devel gcc postgresql-server postgresql"
    exit 1
  fi
fi

# Start a Debian-style cluster that is installed but down.
if command -v pg_lsclusters >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  for version in $(ls /etc/postgresql); do
    for cluster in $(ls "/etc/postgresql/$version"); do
      if ! pg_lsclusters -h "$version" "$cluster" 2>/dev/null | grep -q online; then
        say "starting PostgreSQL $version/$cluster"
        $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start
      fi
    done
  done
fi

# Wait for the server.
for _ in $(seq 1 30); do
  if pg_isready -q -h 127.0.0.1 2>/dev/null || pg_isready -q 2>/dev/null; then break; fi
  sleep 1
done

# No way in yet (a server this script or an earlier, interrupted run installed; Debian's default: peer
# authentication over the unix socket, a password over TCP that the role `postgres` does not have): add a
# superuser role for the current OS user, as the local `postgres` OS user may. Nothing else is changed.
if ! "$(dirname "$0")/database-url" >/dev/null 2>&1 && command -v runuser >/dev/null 2>&1 \
  && id postgres >/dev/null 2>&1; then
  me=$(id -un)
  if [ "$me" != postgres ] && ($SUDO runuser -u postgres -- psql -w -qXAtc 'SELECT 1' postgres) >/dev/null 2>&1; then
    say "creating superuser role $me (peer authentication over the unix socket)"
    $SUDO runuser -u postgres -- psql -qXc "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$me') THEN CREATE ROLE \"$me\" SUPERUSER LOGIN; END IF; END \$\$" postgres
  fi
fi

if url=$("$(dirname "$0")/database-url"); then
  say "PostgreSQL is up: DATABASE_URL=$url"
else
  exit 1
fi
