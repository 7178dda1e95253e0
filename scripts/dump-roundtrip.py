#!/usr/bin/env python3
"""`plumb dump` round trip on schema files (the issue "Introspector" measurement).

For each file: load it into a fresh database A, run `plumb dump` on A, load the output into an empty database B,
and compare `pg_dump --schema-only` of A and B (column order inside a table ignored, as ../shared/bin/roundtrip
does). The project's own fixtures are covered by `cargo test -p plumb-cli --test dump_roundtrip`; this script
runs the same loop on any files, by default the external corpus in ../shared/corpus.

Usage: scripts/dump-roundtrip.py [-v] [FILES...]     Last line: "N passed, M failed, K skipped".
"""
import os
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# cargo's own answer for the target directory (CARGO_TARGET_DIR, .cargo/config), as scripts/target-dir gives it.
TARGET = subprocess.run([str(ROOT / "scripts/target-dir")], capture_output=True, text=True).stdout.strip()
PLUMB = os.environ.get("PLUMB", str(Path(TARGET or ROOT / "target") / "release/plumb"))


def sh(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def db_url(server, name):
    p = urllib.parse.urlsplit(server)
    # Not urlunsplit: it drops the `//` of a URL without a host (postgresql:///postgres?host=/var/run/...).
    return f"{p.scheme}://{p.netloc}/{name}" + (f"?{p.query}" if p.query else "")


def normalise(text):
    out, body, in_table = [], [], False
    for line in text.splitlines():
        s = line.rstrip()
        if not s or s.startswith(("--", "\\", "SET ", "SELECT pg_catalog.set_config")):
            continue
        if re.match(r"^CREATE (UNLOGGED |FOREIGN )?TABLE .*\($", s):
            out.append(s)
            in_table, body = True, []
        elif in_table and s.startswith(")"):
            out.extend(sorted(b.rstrip(",") for b in body))
            out.append(s)
            in_table = False
        elif in_table:
            body.append(s)
        else:
            out.append(s)
    return out


def main():
    verbose = "-v" in sys.argv
    files = [a for a in sys.argv[1:] if a != "-v"]
    if not files:
        files = sorted(str(p) for p in (ROOT.parent / "shared/corpus").glob("*/*/[ab].sql"))
    server = sh([str(ROOT / "scripts/database-url")]).stdout.strip()
    if not server:
        sys.exit("no PostgreSQL server reachable (scripts/database-url)")
    setup = ROOT.parent / "shared/corpus/migra/setup.sql"
    if setup.exists():
        sh(["psql", "-w", "-X", "-q", "-d", server, "-f", str(setup)])
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    a_name, b_name = f"plumb_rt_a_{os.getpid()}", f"plumb_rt_b_{os.getpid()}"
    a, b = db_url(server, a_name), db_url(server, b_name)
    for f in files:
        for name in (a_name, b_name):
            sh(["psql", "-w", "-X", "-q", "-d", server, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
                "-c", f"CREATE DATABASE {name} TEMPLATE template0"])
        status, detail = "passed", ""
        if sh(["psql", "-w", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", a, "-f", f]).returncode != 0:
            status = "skipped"
        else:
            dump = sh([PLUMB, "-q", "dump", "--database", a])
            if dump.returncode != 0:
                status, detail = "failed", dump.stderr.strip()
            else:
                load = sh(["psql", "-w", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", b], input=dump.stdout)
                if load.returncode != 0:
                    status, detail = "failed", "dump does not load: " + load.stderr.strip()[:400]
                else:
                    da = normalise(sh(["pg_dump", "--schema-only", "-d", a]).stdout)
                    db = normalise(sh(["pg_dump", "--schema-only", "-d", b]).stdout)
                    if da != db:
                        import difflib
                        status = "failed"
                        detail = "\n".join(list(difflib.unified_diff(da, db, "A", "B", lineterm="", n=1))[:30])
        counts[status] += 1
        print(f"{status:8} {f}")
        if verbose and detail:
            print("    " + detail.replace("\n", "\n    "))
    for name in (a_name, b_name):
        sh(["psql", "-w", "-X", "-q", "-d", server, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"])
    print(f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
    sys.exit(1 if counts["failed"] else 0)


if __name__ == "__main__":
    main()
