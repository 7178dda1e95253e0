#!/usr/bin/env python3
"""Run action.yml's composite steps as a GitHub runner would, without one: each step's `run:` script in bash
(`-eo pipefail`, as `shell: bash` does), with its `env:` and `if:` evaluated from the inputs, GITHUB_OUTPUT and
RUNNER_TEMP files, and `gh` replaced by a stub that records the comment it would post. Needs a container tool
that runs (docker) and a PostgreSQL server (scripts/database-url); the plumb image is built from the
Dockerfile by the action's first step unless --image names one.

Scenarios, each checked on its outputs:
  1. check, a database in sync with the declared file: exit-code 0, the step passes;
  2. check, a database that drifted: exit-code 1, the step fails, the output is GitHub annotations;
  3. diff --format markdown with comment: true on a pull_request event: exit-code 1 (a difference is not a
     failure), the comment body starts with the marker plumb's later runs edit.

Usage: scripts/action-steps.py [--image IMAGE]
"""
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    import yaml
except ImportError:
    sys.exit("action-steps: needs PyYAML (apt-get install python3-yaml, or pip install pyyaml)")

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())


def expand(text, ctx):
    """`${{ a.b.c }}` → its value in ctx (missing: empty, as GitHub does)."""

    def value(m):
        cur = ctx
        for part in m.group(1).strip().split("."):
            cur = cur.get(part, "") if isinstance(cur, dict) else ""
        return str(cur)

    return re.sub(r"\$\{\{(.*?)\}\}", value, text)


def condition(expr, ctx):
    """An `if:` of `a == 'b'` terms joined by `&&` (all action.yml uses)."""
    for term in expr.split("&&"):
        left, right = (s.strip() for s in term.split("=="))
        if expand("${{ " + left + " }}", ctx) != right.strip("'"):
            return False
    return True


def run_action(inputs, event_name, workdir, image):
    defaults = {k: v.get("default", "") for k, v in ACTION["inputs"].items()}
    ctx = {
        "inputs": {**defaults, **inputs, **({"image": image} if image else {})},
        "github": {
            "action_path": str(ROOT),
            "event_name": event_name,
            "event": {"pull_request": {"number": "7"}},
        },
        "steps": {},
    }
    temp = Path(tempfile.mkdtemp(prefix="plumb-action-"))
    stub = temp / "bin"
    stub.mkdir()
    (stub / "gh").write_text(f'#!/bin/bash\necho "$@" >> {temp}/gh-calls\n'
                             'while [ $# -gt 0 ]; do [ "$1" = --body-file ] && cp "$2" ' + f'{temp}/gh-body; shift; done\n')
    (stub / "gh").chmod(0o755)
    result = {"failed": None, "outputs": {}, "temp": temp}
    for step in ACTION["runs"]["steps"]:
        if "if" in step and not condition(step["if"], ctx):
            continue
        out_file = temp / f"output-{step.get('id', 'step')}"
        out_file.write_text("")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "PLUMB_"))}
        env.update({k: expand(str(v), ctx) for k, v in step.get("env", {}).items()})
        env.update(GITHUB_OUTPUT=str(out_file), RUNNER_TEMP=str(temp), PATH=f"{stub}:{env['PATH']}")
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                              cwd=workdir, env=env, capture_output=True, text=True)
        outputs = dict(line.split("=", 1) for line in out_file.read_text().splitlines() if "=" in line)
        if "id" in step:
            ctx["steps"][step["id"]] = {"outputs": outputs}
            result["outputs"].update(outputs)
        result.setdefault("stdout", "")
        result["stdout"] += proc.stdout
        if proc.returncode != 0:
            result["failed"] = (step.get("id", "?"), proc.returncode, proc.stderr[-2000:])
            break
    return result


def psql(url, *args):
    subprocess.run(["psql", "-w", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, *args], check=True)


def main():
    image = sys.argv[sys.argv.index("--image") + 1] if "--image" in sys.argv else ""
    server = subprocess.run([str(ROOT / "scripts/database-url")], check=True, capture_output=True,
                            text=True).stdout.strip()
    name = f"plumb_action_{os.getpid()}"
    # the same server, database `name`: the path is the last "/..." before the query
    head, _, query = server.partition("?")
    url = head.rsplit("/", 1)[0] + f"/{name}" + (f"?{query}" if query else "")
    psql(server, "-c", f"CREATE DATABASE {name}")
    failures = []
    try:
        psql(url, "-f", str(ROOT / "fixtures/demo/v1.sql"))
        work = Path(tempfile.mkdtemp(prefix="plumb-action-work-"))
        for f in ("v1.sql", "v2.sql"):
            (work / f).write_text((ROOT / "fixtures/demo" / f).read_text())
        os.chmod(work, 0o755)

        r = run_action({"command": "check", "database-url": url, "schema": "v1.sql"}, "push", work, image)
        image = image or r["outputs"].get("image", "")
        if r["failed"] or r["outputs"].get("exit-code") != "0":
            failures.append(f"check in sync: {r['failed']} {r['outputs']}")
        print(f"action-steps: check, in sync: exit-code {r['outputs'].get('exit-code')}, step passed: {not r['failed']}")

        r = run_action({"command": "check", "database-url": url, "schema": "v2.sql"}, "push", work, image)
        if not r["failed"] or r["outputs"].get("exit-code") != "1" or "::error" not in r["stdout"]:
            failures.append(f"check drifted: {r['failed']} {r['outputs']} {r['stdout'][:300]}")
        print(f"action-steps: check, drifted: exit-code {r['outputs'].get('exit-code')}, step failed: "
              f"{bool(r['failed'])}, {r['stdout'].count('::error')} error annotations")

        r = run_action({"command": "diff", "from": "v1.sql", "to": "v2.sql", "comment": "true",
                        "github-token": "t"}, "pull_request", work, image)
        body = (r["temp"] / "gh-body").read_text() if (r["temp"] / "gh-body").exists() else ""
        if r["failed"] or r["outputs"].get("exit-code") != "1" or not body.startswith("<!-- plumb -->\n"):
            failures.append(f"diff comment: {r['failed']} {r['outputs']} {body[:200]!r}")
        calls = (r["temp"] / "gh-calls").read_text() if (r["temp"] / "gh-calls").exists() else ""
        print(f"action-steps: diff with comment: exit-code {r['outputs'].get('exit-code')}, gh called: "
              f"{calls.strip()!r}, comment of {len(body.splitlines())} lines")
    finally:
        psql(server, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    if failures:
        print("action-steps: FAILED\n  " + "\n  ".join(failures), file=sys.stderr)
        sys.exit(1)
    print("action-steps: all 3 scenarios passed")


if __name__ == "__main__":
    main()
