"""The audit chain: linear, verifiable by an outsider from the README alone, tamper-evident, race-proof."""

from __future__ import annotations

import json
import multiprocessing
import pathlib
import re
import subprocess
import sys
import threading

import pytest
from sqlalchemy import Engine, text

from opsgate.store import audit
from opsgate.store.db import make_engine, transaction
from opsgate.store.orgs import ensure_org

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def _append(engine: Engine, n: int, org: str = "default", actor: str = "test") -> None:
    for i in range(n):
        with transaction(engine) as session:
            org_row = ensure_org(session, org)
            assert org_row.id is not None
            audit.append(
                session,
                org_id=org_row.id,
                actor=actor,
                action="test.event",
                subject=f"thing:{i}",
                data={"i": i, "note": 'café ☕ "quoted"', "nested": {"b": 1, "a": [1, 2]}},
            )


def _org_id(engine: Engine, slug: str = "default") -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT id FROM orgs WHERE slug = :s"), {"s": slug}).scalar_one())


def _verify(engine: Engine, slug: str = "default") -> audit.Verification:
    return audit.verify(engine, _org_id(engine, slug), slug)


def readme_verifier() -> str:
    """The stdlib verifier exactly as the README prints it."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    return next(b for b in blocks if "hashlib" in b and "sys.argv[1]" in b)


def test_hand_built_canonical_bytes_equal_json_dumps() -> None:
    data = audit.canonical({"z": [1, {"y": "ü\n\u2028"}], "a": None, "m": 1.5})
    entry = {
        "seq": 7,
        "ts": "2026-01-01T00:00:00.000Z",
        "org": "acmé",
        "actor": 'slack:U1"x',
        "action": "run.approved",
        "subject": "run:r1",
        "data": json.loads(data),
        "prev_hash": "ab" * 32,
    }
    assert audit.entry_bytes(7, entry["ts"], "acmé", 'slack:U1"x', "run.approved", "run:r1", data, "ab" * 32) == (
        audit.canonical(entry).encode("utf-8")
    )


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_export_verifies_with_the_readme_stdlib_verifier(engine: Engine, tmp_path: pathlib.Path) -> None:
    _append(engine, 25)
    out = tmp_path / "chain.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        assert audit.export(engine, _org_id(engine), "default", fh) == 25
    script = tmp_path / "verify.py"
    script.write_text(readme_verifier())
    ok = subprocess.run([sys.executable, str(script), str(out)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("OK: 25 entries, head ")
    assert ok.stdout.split()[-1] == _verify(engine).head_hash
    lines = out.read_text().splitlines()
    first = json.loads(lines[0])
    assert first["seq"] == 1 and first["prev_hash"] == "0" * 64
    assert set(first) == {"seq", "ts", "org", "actor", "action", "subject", "data", "prev_hash", "hash"}
    # One byte changed in an exported line is caught by the outsider too.
    lines[9] = lines[9].replace('"i":9', '"i":8')
    out.write_text("\n".join(lines) + "\n")
    broken = subprocess.run([sys.executable, str(script), str(out)], capture_output=True, text=True)
    assert broken.returncode == 1 and "seq 10" in broken.stderr


def test_verify_names_the_first_edited_entry(engine: Engine) -> None:
    _append(engine, 12)
    assert _verify(engine).ok
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET subject = 'thing:X' WHERE seq = 7"))
    result = _verify(engine)
    assert not result.ok and result.bad_seq == 7 and "does not match its hash" in result.problem


def test_verify_catches_a_one_byte_change_in_data(engine: Engine) -> None:
    _append(engine, 5)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_entries SET data = replace(data, :a, :b) WHERE seq = 4"), {"a": '"i":3', "b": '"i":4'}
        )
    assert _verify(engine).bad_seq == 4


def test_verify_catches_deletion_insertion_reordering_and_truncation(engine: Engine) -> None:
    _append(engine, 10)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq = 5"))
    result = _verify(engine)
    assert result.bad_seq == 5 and "missing" in result.problem

    with engine.begin() as conn:  # "insert" a forged entry where the deleted one was
        conn.execute(
            text(
                "INSERT INTO audit_entries (org_id, seq, ts, actor, action, subject, data, prev_hash, hash) "
                "SELECT org_id, 5, ts, actor, action, 'forged', data, prev_hash, hash FROM audit_entries WHERE seq = 4"
            )
        )
    assert _verify(engine).bad_seq == 5

    with engine.begin() as conn:  # reorder: swap the positions of 8 and 9
        conn.execute(text("DELETE FROM audit_entries WHERE seq = 5"))
    _append_fix = None
    _append(engine, 10, org="other")
    with engine.begin() as conn:
        oid = conn.execute(text("SELECT id FROM orgs WHERE slug='other'")).scalar_one()
        conn.execute(text("UPDATE audit_entries SET seq = -1 WHERE org_id = :o AND seq = 8"), {"o": oid})
        conn.execute(text("UPDATE audit_entries SET seq = 8 WHERE org_id = :o AND seq = 9"), {"o": oid})
        conn.execute(text("UPDATE audit_entries SET seq = 9 WHERE org_id = :o AND seq = -1"), {"o": oid})
    assert _verify(engine, "other").bad_seq == 8

    _append(engine, 3, org="third")
    with engine.begin() as conn:
        oid = conn.execute(text("SELECT id FROM orgs WHERE slug='third'")).scalar_one()
        conn.execute(text("DELETE FROM audit_entries WHERE org_id = :o AND seq = 3"), {"o": oid})
    result = _verify(engine, "third")
    assert not result.ok and result.bad_seq == 3 and "removed" in result.problem


def test_secrets_never_reach_the_chain(engine: Engine) -> None:
    with transaction(engine) as session:
        org = ensure_org(session, "default")
        assert org.id is not None
        audit.append(
            session,
            org_id=org.id,
            actor="cli",
            action="integration.created",
            subject="jira:1",
            data={"url": "https://x", "api_token": "SEKRIT", "nested": {"client_secret": "SEKRIT2"}},
        )
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT data FROM audit_entries")).scalar_one()
    assert "SEKRIT" not in stored and "[redacted]" in stored


def test_orgs_have_separate_chains(engine: Engine) -> None:
    _append(engine, 3, org="a")
    _append(engine, 2, org="b")
    assert _verify(engine, "a").count == 3 and _verify(engine, "b").count == 2


def test_concurrent_threads_make_one_linear_chain(engine: Engine) -> None:
    _append(engine, 1)
    threads = [threading.Thread(target=_append, args=(engine, 25, "default", f"t{i}")) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result = _verify(engine)
    assert result.ok and result.count == 1 + 8 * 25
    with engine.connect() as conn:
        seqs = [r[0] for r in conn.execute(text("SELECT seq FROM audit_entries ORDER BY seq"))]
    assert seqs == list(range(1, 202))


def _process_writer(url: str, n: int, actor: str) -> None:
    eng = make_engine(url)
    _append(eng, n, "default", actor)
    eng.dispose()


def test_concurrent_processes_make_one_linear_chain(engine: Engine, db_url: str) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_process_writer, args=(db_url, 40, f"p{i}")) for i in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    result = _verify(engine)
    assert result.ok and result.count == 120


def test_verify_while_the_chain_grows_never_reports_a_false_break(engine: Engine) -> None:
    _append(engine, 50)
    stop = threading.Event()

    def writer() -> None:
        while not stop.is_set():
            _append(engine, 1, actor="live")

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        results = [_verify(engine) for _ in range(15)]
    finally:
        stop.set()
        thread.join()
    assert all(r.ok for r in results), [r.problem for r in results if not r.ok]
    assert results[-1].count >= 50
