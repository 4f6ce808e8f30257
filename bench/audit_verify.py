"""Benchmark: verifying the audit chain, against raw ``hashlib.sha256`` over the exported lines.

Builds a chain of N entries (default 200,000) in a fresh temporary SQLite database, exports it as JSON Lines and
times (median of --runs):

  a. raw ``hashlib.sha256`` over each exported line (in memory; the baseline),
  b. the README's stdlib verifier, run in a subprocess on the export,
  c. ``opsgate.store.audit.verify`` in-process,
  d. the ``opsgate audit verify`` CLI end to end in a subprocess (interpreter start, imports, migrate, verify).

Goals (issue 3): the built-in verify >= 15% of raw hashlib, the stdlib verifier >= 5%. Exit 1 only if the chain
fails to verify; a missed goal is reported but exits 0.

    .venv/bin/python bench/audit_verify.py [--entries N] [--runs K]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time

from _common import median_time, rate_line, ratio_line, timed
from sqlalchemy import Engine, text

from opsgate.store import audit
from opsgate.store.db import make_engine, transaction
from opsgate.store.migrate import migrate

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
ORG = "default"
BATCH = 5000
GOAL_BUILTIN, GOAL_STDLIB = 0.15, 0.05


def readme_verifier() -> str:
    """The ```python block of the README that verifies an export (the one reading ``sys.argv[1]``)."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    return str(next(b for b in blocks if "sys.argv[1]" in b))


def org_id_of(engine: Engine, slug: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT id FROM orgs WHERE slug = :s"), {"s": slug}).scalar_one())


def build_chain(engine: Engine, org_id: int, entries: int) -> None:
    """Append ``entries`` entries through ``audit.append``, ``BATCH`` appends per transaction."""
    done = 0
    while done < entries:
        with transaction(engine) as session:
            for i in range(done, min(done + BATCH, entries)):
                audit.append(
                    session,
                    org_id=org_id,
                    actor=f"slack:U{i % 97:08d}",
                    action="run.approved",
                    subject=f"run:r{i}",
                    data={"i": i, "runbook": "okta.reset_mfa", "note": 'café ☕ "quoted"', "api_token": "x"},
                )
        done = min(done + BATCH, entries)


def hash_lines(lines: list[bytes]) -> int:
    sha256 = hashlib.sha256
    for line in lines:
        sha256(line).hexdigest()
    return len(lines)


def run_checked(cmd: list[str], expect: str, env: dict[str, str] | None = None, cwd: str | None = None) -> bool:
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, check=False)
    ok = proc.returncode == 0 and proc.stdout.startswith(expect)
    if not ok:
        print(f"  FAILED: {' '.join(cmd)} -> exit {proc.returncode}: {(proc.stdout + proc.stderr).strip()[:500]}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=200_000, help="chain length (default 200000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per measurement; medians reported")
    args = parser.parse_args(argv)
    n, runs = args.entries, max(1, args.runs)

    with tempfile.TemporaryDirectory(prefix="opsgate-bench-") as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        engine = make_engine(url)
        migrate(engine, ORG)
        org_id = org_id_of(engine, ORG)

        print(f"audit verify benchmark: {n:,} entries, {runs} run(s) each, SQLite at {tmp}")
        build_s, _ = timed(lambda: build_chain(engine, org_id, n))
        print(f"  built chain in {build_s:.1f}s ({n / build_s:,.0f} appends/s in batches of {BATCH:,})")
        export_path = pathlib.Path(tmp) / "export.jsonl"
        with export_path.open("w", encoding="utf-8") as fh:
            export_s, exported = timed(lambda: audit.export(engine, org_id, ORG, fh))
        size_mb = export_path.stat().st_size / 1e6
        print(f"  exported {exported:,} lines ({size_mb:.1f} MB) in {export_s:.2f}s")
        if exported != n:
            print(f"  FAILED: export wrote {exported} entries, expected {n}")
            return 1

        script = pathlib.Path(tmp) / "readme_verify.py"
        script.write_text(readme_verifier(), encoding="utf-8")
        expect = f"OK: {n} entries"
        cli = str(pathlib.Path(sys.executable).with_name("opsgate"))
        # A clean environment for the CLI (no developer OPSGATE_* or .env: it runs in the temp directory).
        env = {k: v for k, v in os.environ.items() if not k.startswith("OPSGATE_")}
        env["OPSGATE_DATABASE_URL"] = url
        lines = export_path.read_bytes().splitlines()
        failures: list[str] = []

        a_s, a_runs, _ = median_time(lambda: hash_lines(lines), runs)
        b_s, b_runs, b_ok = median_time(
            lambda: run_checked([sys.executable, str(script), str(export_path)], expect), runs
        )
        c_s, c_runs, c_res = median_time(lambda: audit.verify(engine, org_id, ORG), runs)
        d_s, d_runs, d_ok = median_time(lambda: run_checked([cli, "audit", "verify"], expect, env, tmp), runs)
        # The CLI's fixed cost (interpreter, imports, migrate) measured on an empty database, for context.
        empty_env = dict(env, OPSGATE_DATABASE_URL=f"sqlite:///{tmp}/empty.db")
        run_checked([cli, "audit", "verify"], "OK: 0 entries", empty_env, tmp)  # creates and migrates it
        e_s, _, _ = median_time(lambda: run_checked([cli, "audit", "verify"], "OK: 0 entries", empty_env, tmp), runs)

        if not b_ok:
            failures.append("README stdlib verifier")
        if not (c_res.ok and c_res.count == n):
            failures.append(f"audit.verify ({c_res.problem or f'count {c_res.count}'})")
        if not d_ok:
            failures.append("opsgate audit verify")
        engine.dispose()

    def per_s(samples: list[float]) -> list[float]:
        return [n / s for s in samples]

    print("\nentries/s (median):")
    rate_line("a. raw hashlib.sha256 per line", n / a_s, "entries", per_s(a_runs))
    rate_line("b. README stdlib verifier (subproc)", n / b_s, "entries", per_s(b_runs))
    rate_line("c. audit.verify (in-process)", n / c_s, "entries", per_s(c_runs))
    rate_line("d. opsgate audit verify (CLI)", n / d_s, "entries", per_s(d_runs))
    print(
        f"  (CLI fixed cost on an empty database: {e_s:.2f}s; d without it: {n / max(d_s - e_s, 1e-9):,.0f} entries/s)"
    )
    print("\nratios to raw hashlib:")
    ratio_line("b/a stdlib verifier", n / b_s, n / a_s, GOAL_STDLIB)
    ratio_line("c/a built-in verify (in-process)", n / c_s, n / a_s, GOAL_BUILTIN)
    ratio_line("d/a built-in verify (CLI)", n / d_s, n / a_s, GOAL_BUILTIN)

    if failures:
        print(f"\nCHAIN FAILED TO VERIFY: {', '.join(failures)}")
        return 1
    print(f"\nchain verified by all three verifiers ({n:,} entries)")
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"(total {time.perf_counter() - started:.1f}s)")
    sys.exit(code)
