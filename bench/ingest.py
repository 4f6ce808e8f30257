"""Ingest throughput with wrk: (a) a bare aiohttp handler doing one raw sqlite3 insert (synchronous=FULL), (b) the
same bare handler running OpsGate's own ingest (classification + transaction), (c) the real endpoint with a key.

Prints requests/s and p99 per target, the ratios c/a (goal >= 0.15: the hot path is lean) and c/b (goal >= 0.9: the
HTTP layer adds nothing), medians of --runs, and checks afterwards that runs = "ingested" entries ~ 2xx count.
Needs wrk (Debian package `wrk`). Usage: python bench/ingest.py [--seconds 8] [--connections 32] [--runs 3]
(b) runs the same assembled gate as ``opsgate serve``, background work included (the outbox delivering each new
run's card request, the scheduler's polls, integrations' listeners), because that work follows every ingest whatever
the front door; so b and c differ by exactly the HTTP layer (routing, middleware, key check, validation, problem
answers, request log), which is what c/b is about.
Knobs for diagnosis: BENCH_LOG_LEVEL (the server's log level, default info), BENCH_CORE_GATE=1 (target (b) runs
only the core gate: no integrations, no background work; c/b then also counts the background work against HTTP).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from _common import WRK_INGEST
from aiohttp import web

LUA = WRK_INGEST + r"""
done = function(summary, latency, requests)
  io.write(string.format("\nRESULT %d %d %d %f\n", summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(99) / 1000.0))
end
"""

# --- the two bare servers -------------------------------------------------------------------------------------


def serve_raw(db: str, port: int) -> None:
    conn = sqlite3.connect(db, check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, body TEXT)")

    async def handler(request: web.Request) -> web.Response:
        body = await request.json()
        conn.execute("INSERT OR IGNORE INTO t VALUES (?, ?)", (body["ticket"]["issueKey"], json.dumps(body)))
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/api/v1/tickets/ingest", handler)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def serve_service(db: str, port: int, key: str) -> None:
    from opsgate.bot.assembly import assemble, lifecycle
    from opsgate.bot.gate import build_gate
    from opsgate.bot.ingest import IngestTicket
    from opsgate.bot.keys import authenticate_key
    from opsgate.bot.logs import configure_logging
    from opsgate.bot.server import freeze_heap, tune_process
    from opsgate.bot.services import Services
    from opsgate.bot.settings import load_settings

    tune_process()  # the same process settings as `opsgate serve`
    settings = load_settings(OPSGATE_DATABASE_URL=f"sqlite:///{db}")
    configure_logging(settings.log_level)
    services = Services(settings)
    core = bool(os.environ.get("BENCH_CORE_GATE"))
    gate = build_gate(services) if core else assemble(services)
    principal = authenticate_key(services, key)
    assert principal is not None

    async def handler(request: web.Request) -> web.Response:
        t = (await request.json())["ticket"]
        ticket = IngestTicket(t["issueKey"], t["summary"], t.get("description"), t.get("url"), t.get("reporterEmail"))
        result = await gate.ingest.ingest(principal, ticket)
        return web.json_response(result.to_json())

    app = web.Application()
    app.router.add_post("/api/v1/tickets/ingest", handler)
    if not core:
        app.cleanup_ctx.extend(lifecycle(gate))  # the scheduler and outbox, exactly as `opsgate serve` runs them
    app.on_startup.append(freeze_heap)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


# --- driver -----------------------------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
            return
        except urllib.error.HTTPError:
            return  # the bare servers answer 404 on /healthz: they are up
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on {port} did not start")


def opsgate_bin() -> str:
    return str(pathlib.Path(sys.executable).parent / "opsgate")


def make_key(db: str) -> str:
    env = {**os.environ, "OPSGATE_DATABASE_URL": f"sqlite:///{db}"}
    out = subprocess.run(
        [
            opsgate_bin(),
            "keys",
            "create",
            "--name",
            "bench",
            "--scope",
            "ticket:ingest",
            "--rate-limit",
            "100000000",
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return str(json.loads(out.stdout)["key"])


def run_target(kind: str, seconds: int, connections: int, script: str) -> dict[str, float]:
    tmp = tempfile.mkdtemp(prefix=f"bench-ingest-{kind}-")
    db = os.path.join(tmp, "bench.db")
    port = free_port()
    env = {
        **os.environ,
        "OPSGATE_DATABASE_URL": f"sqlite:///{db}",
        "OPSGATE_LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "info"),
    }
    key = ""
    if kind in ("b", "c"):
        key = make_key(db)
    if kind == "a":
        cmd = [sys.executable, __file__, "--serve", "a", "--db", db, "--port", str(port)]
    elif kind == "b":
        cmd = [sys.executable, __file__, "--serve", "b", "--db", db, "--port", str(port), "--key", key]
    else:
        cmd = [opsgate_bin(), "serve", "--port", str(port)]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_up(port)
        out = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", script, f"http://127.0.0.1:{port}"],
            env={**os.environ, "BENCH_KEY": key or "none"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        server.terminate()
        server.wait(15)
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    total, non2xx, socket_errors, p99 = line.split()[1:]
    ok = int(total) - int(non2xx)
    result = {"rps": ok / seconds, "p99_ms": float(p99), "ok": ok, "non2xx": int(non2xx), "sock": int(socket_errors)}
    if kind in ("b", "c"):
        conn = sqlite3.connect(db)
        result["runs"] = conn.execute("SELECT count(*) FROM runs").fetchone()[0]
        result["ingested"] = conn.execute("SELECT count(*) FROM audit_entries WHERE action='run.ingested'").fetchone()[
            0
        ]
        conn.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", choices=["a", "b"])
    parser.add_argument("--db")
    parser.add_argument("--port", type=int)
    parser.add_argument("--key")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.serve == "a":
        serve_raw(args.db, args.port)
        return 0
    if args.serve == "b":
        serve_service(args.db, args.port, args.key)
        return 0
    if shutil.which("wrk") is None:
        print("skipped: wrk is not installed (apt-get install -y wrk)")
        return 0
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(LUA)
        script = fh.name
    results: dict[str, list[dict[str, float]]] = {"a": [], "b": [], "c": []}
    for _ in range(args.runs):
        for kind in ("a", "b", "c"):  # interleaved so noise hits all three alike
            results[kind].append(run_target(kind, args.seconds, args.connections, script))
    names = {"a": "bare handler + raw sqlite3 insert", "b": "bare handler + OpsGate ingest", "c": "OpsGate endpoint"}
    med = {k: statistics.median(r["rps"] for r in v) for k, v in results.items()}
    print(f"ingest, {args.connections} connections, {args.seconds} s, median of {args.runs} runs")
    for kind, rows in results.items():
        p99 = statistics.median(r["p99_ms"] for r in rows)
        runs = ", ".join(f"{r['rps']:,.0f}" for r in rows)
        print(f"  ({kind}) {names[kind]:<36} {med[kind]:>8,.0f} req/s  p99 {p99:7.1f} ms  (runs: {runs})")
    for label, num, den, goal in (("c/a", "c", "a", 0.15), ("c/b", "c", "b", 0.9)):
        ratio = med[num] / med[den] if med[den] else 0.0
        print(f"  {label}: {ratio:6.1%}  (goal >= {goal:.0%})  {'GOAL MET' if ratio >= goal else 'GOAL MISSED'}")
    consistent = True
    for kind in ("b", "c"):
        for r in results[kind]:
            in_flight = r["runs"] - r["ok"]
            same = r["runs"] == r["ingested"] and 0 <= in_flight <= args.connections and r["non2xx"] == 0
            consistent &= same
            print(
                f"  ({kind}) runs={r['runs']} ingested={r['ingested']} 2xx={r['ok']} non-2xx={r['non2xx']} "
                f"(in flight at stop: {in_flight}) {'OK' if same else 'MISMATCH'}"
            )
    return 0 if consistent else 1


if __name__ == "__main__":
    sys.exit(main())
