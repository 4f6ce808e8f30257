"""The command line as an admin uses it, through the installed ``opsgate`` console script."""

from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
from sqlalchemy import create_engine, text

from tests.fakes.server import free_port

OPSGATE = str(pathlib.Path(sys.executable).parent / "opsgate")


def run(
    db_url: str, *args: str, env: dict[str, str] | None = None, cwd: str | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "OPSGATE_DATABASE_URL": db_url, **(env or {})}
    return subprocess.run([OPSGATE, *args], capture_output=True, text=True, env=full_env, cwd=cwd, timeout=120)


def test_keys_create_list_revoke_and_audit(db_url: str) -> None:
    made = run(db_url, "keys", "create", "--name", "jira automation", "--scope", "ticket:ingest", "--json")
    assert made.returncode == 0, made.stderr
    key = json.loads(made.stdout)
    assert set(key) == {"id", "name", "key", "scopes", "org"} and key["scopes"] == ["ticket:ingest"]
    assert key["key"].startswith("ogk_")

    listed = run(db_url, "keys", "list", "--json")
    secret = key["key"].split("_", 2)[2]  # ogk_<id>_<secret>; the secret itself may contain "_"
    assert key["key"] not in listed.stdout and secret not in listed.stdout
    assert [k["id"] for k in json.loads(listed.stdout)] == [key["id"]]

    assert run(db_url, "keys", "revoke", key["id"]).returncode == 0
    assert json.loads(run(db_url, "keys", "list", "--json").stdout)[0]["revokedAt"] is not None

    exported = run(db_url, "audit", "export").stdout.splitlines()
    assert [json.loads(line)["action"] for line in exported] == ["api_key.created", "api_key.revoked"]
    assert key["key"] not in "\n".join(exported)

    ok = run(db_url, "audit", "verify")
    assert ok.returncode == 0 and ok.stdout.startswith("OK: 2 entries, head ")


def test_bad_input_is_one_clear_line(db_url: str) -> None:
    bad_scope = run(db_url, "keys", "create", "--name", "x", "--scope", "tickets:all")
    assert bad_scope.returncode == 2 and "unknown scope tickets:all" in bad_scope.stderr
    assert "Traceback" not in bad_scope.stderr
    no_org = run(db_url, "keys", "create", "--name", "x", "--scope", "audit:read", "--org", "nope")
    assert no_org.returncode == 2 and "no org named 'nope'" in no_org.stderr
    bad_env = run(db_url, "migrate", env={"OPSGATE_PORT": "http"})
    assert bad_env.returncode == 2 and "OPSGATE_PORT:" in bad_env.stderr


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_verify_exits_1_naming_the_tampered_seq(db_url: str) -> None:
    for i in range(4):
        assert run(db_url, "keys", "create", "--name", f"k{i}", "--scope", "audit:read").returncode == 0
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET actor = 'mallory' WHERE seq = 3"))
    engine.dispose()
    broken = run(db_url, "audit", "verify")
    assert broken.returncode == 1 and "seq 3" in broken.stdout


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_secret_key_is_generated_once_into_env(db_url: str, tmp_path: pathlib.Path) -> None:
    first = run(db_url, "secret-key", cwd=str(tmp_path))
    assert first.returncode == 0 and "OPSGATE_SECRET_KEY was not set" in first.stderr
    stored = (tmp_path / ".env").read_text()
    secret = stored.split("=", 1)[1].strip()
    assert secret not in first.stderr + first.stdout
    second = run(db_url, "secret-key", cwd=str(tmp_path))
    assert second.returncode == 0 and (tmp_path / ".env").read_text() == stored
    assert oct((tmp_path / ".env").stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_serve_starts_fast_answers_and_stops_on_sigterm(db_url: str) -> None:
    port = free_port()
    started = time.monotonic()
    proc = subprocess.Popen(
        [OPSGATE, "serve", "--port", str(port)],
        env={**os.environ, "OPSGATE_DATABASE_URL": db_url, "SLACK_BOT_TOKEN": "xoxb-hidden-token"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        body = None
        while time.monotonic() - started < 30:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as resp:
                    body = json.loads(resp.read())
                break
            except OSError:
                time.sleep(0.05)
        assert body == {"status": "ok"}
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert "SANDBOX MODE" in err and '"event": "listening"' in err and '"event": "stopped"' in err
    assert "xoxb-hidden-token" not in out + err
    assert '"path": "/healthz"' in err  # one structured line per request


def test_runs_list_and_show(db_url: str) -> None:
    from opsgate.bot.gate import build_gate
    from opsgate.bot.proposals import propose
    from opsgate.bot.services import Services
    from opsgate.runbooks.base import Target
    from opsgate.store.db import make_engine
    from opsgate.store.migrate import migrate
    from tests.conftest import make_settings

    engine = make_engine(db_url)
    migrate(engine)
    services = Services(make_settings(db_url), engine)
    gate = build_gate(services)
    proposal = propose("mfa_reset", Target("sam.lee@acme.com"), {}, confidence=0.9, reason="test", settings=services.settings)
    created = gate.ingest.request(org_id=services.default_org_id, source="api", requester="api:test",
                                  requester_email=None, summary="s", proposal=proposal)
    services.close()
    engine.dispose()

    listed = json.loads(run(db_url, "runs", "list", "--json", "--status", "awaiting_approval").stdout)
    assert [(r["id"], r["runbook"], r["targetUser"]["email"]) for r in listed] == [
        (created.id, "RB-002", "sam.lee@acme.com")
    ]
    assert json.loads(run(db_url, "runs", "list", "--json", "--status", "denied").stdout) == []
    shown = run(db_url, "runs", "show", created.id)
    assert shown.returncode == 0 and "RB-002" in shown.stdout and "reset_factors" in shown.stdout
    missing = run(db_url, "runs", "show", "run_nope")
    assert missing.returncode == 2 and "No run 'run_nope'" in missing.stderr
    bad = run(db_url, "runs", "list", "--status", "bogus")
    assert bad.returncode == 2 and "status must be one of" in bad.stderr
