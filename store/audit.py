"""The org's tamper-evident audit chain: the one place that appends to it, verifies it and exports it.

Algorithm (also in the README). Per org, entries are numbered ``seq`` = 1, 2, 3 ... Each exported entry is a JSON
object with ``seq, ts, org, actor, action, subject, data, prev_hash, hash``. ``hash`` is the lowercase hex
SHA-256 of the ASCII bytes of ``prev_hash`` followed by the canonical JSON of the same object without ``hash``,
where canonical JSON is ``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` encoded as
UTF-8. The first entry's ``prev_hash`` is 64 zeros.

Appends happen inside the caller's transaction (so a state change and its entry commit together) and lock the
org's head row (``FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serialises writers), which
keeps the chain linear with no gaps or forks under any number of concurrent writers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from json.encoder import encode_basestring  # the C accelerated, ensure_ascii=False string encoder
from typing import Any, TextIO

from sqlalchemy import Engine, select, text
from sqlmodel import Session, col

from opsgate.store.models import Org

GENESIS = "0" * 64
_SECRET_WORDS = ("token", "secret", "password", "api_key", "apikey", "authorization", "credential")


def canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def scrub(data: Any) -> Any:
    """Replace the value of any key that names a secret; secrets never reach the chain."""
    if isinstance(data, Mapping):
        return {
            str(k): "[redacted]" if any(w in str(k).lower() for w in _SECRET_WORDS) else scrub(v)
            for k, v in data.items()
        }
    if isinstance(data, list | tuple):
        return [scrub(v) for v in data]
    return data


def entry_bytes(
    seq: int, ts: str, org: str, actor: str, action: str, subject: str, data_json: str, prev_hash: str
) -> bytes:
    """Canonical JSON of an entry without ``hash``, built by hand in sorted key order (the verify hot path).

    Equal to ``canonical({...})`` when ``data_json`` is itself canonical; a test holds the two together.
    """
    return (
        '{"action":'
        + encode_basestring(action)
        + ',"actor":'
        + encode_basestring(actor)
        + ',"data":'
        + data_json
        + ',"org":'
        + encode_basestring(org)
        + ',"prev_hash":'
        + encode_basestring(prev_hash)
        + ',"seq":'
        + str(seq)
        + ',"subject":'
        + encode_basestring(subject)
        + ',"ts":'
        + encode_basestring(ts)
        + "}"
    ).encode("utf-8")


def chain_hash(prev_hash: str, body: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + body).hexdigest()


def now_ts() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class AuditRecord:
    seq: int
    hash: str
    ts: str


_org_slugs: dict[tuple[str, int], str] = {}  # slugs never change; keyed by database URL and org id


def _org_slug(session: Session, org_id: int) -> str:
    bind = session.get_bind()
    key = (str(getattr(bind, "url", bind)), org_id)
    slug = _org_slugs.get(key)
    if slug is None:
        slug = str(session.execute(select(col(Org.slug)).where(col(Org.id) == org_id)).scalar_one())
        _org_slugs[key] = slug
    return slug


_HEAD_SQLITE = text("SELECT seq, hash FROM audit_heads WHERE org_id = :org_id")
_HEAD_PG = text("SELECT seq, hash FROM audit_heads WHERE org_id = :org_id FOR UPDATE")
_INSERT = text(
    "INSERT INTO audit_entries (org_id, seq, ts, actor, action, subject, data, prev_hash, hash) "
    "VALUES (:org_id, :seq, :ts, :actor, :action, :subject, :data, :prev_hash, :hash)"
)
_MOVE_HEAD = text("UPDATE audit_heads SET seq = :seq, hash = :hash WHERE org_id = :org_id")
# PostgreSQL: the entry and the head move in one statement, one round trip while the head is locked.
_INSERT_AND_MOVE_PG = text(
    "WITH head AS (UPDATE audit_heads SET seq = :seq, hash = :hash WHERE org_id = :org_id) "
    "INSERT INTO audit_entries (org_id, seq, ts, actor, action, subject, data, prev_hash, hash) "
    "VALUES (:org_id, :seq, :ts, :actor, :action, :subject, :data, :prev_hash, :hash)"
)


def append(
    session: Session,
    *,
    org_id: int,
    actor: str,
    action: str,
    subject: str,
    data: Mapping[str, Any] | None = None,
) -> AuditRecord:
    """Append one entry to the org's chain inside the caller's transaction."""
    postgres = session.get_bind().dialect.name == "postgresql"
    row = session.execute(_HEAD_PG if postgres else _HEAD_SQLITE, {"org_id": org_id}).one_or_none()
    if row is None:
        raise LookupError(f"org {org_id} has no audit chain head")
    seq, prev = row[0] + 1, row[1]
    ts = now_ts()
    data_json = canonical(scrub(dict(data or {})))
    org = _org_slug(session, org_id)
    digest = chain_hash(prev, entry_bytes(seq, ts, org, actor, action, subject, data_json, prev))
    values = {
        "org_id": org_id,
        "seq": seq,
        "ts": ts,
        "actor": actor,
        "action": action,
        "subject": subject,
        "data": data_json,
        "prev_hash": prev,
        "hash": digest,
    }
    if postgres:
        session.execute(_INSERT_AND_MOVE_PG, values)
    else:
        session.execute(_INSERT, values)
        session.execute(_MOVE_HEAD, values)
    return AuditRecord(seq=seq, hash=digest, ts=ts)


# --- reading -----------------------------------------------------------------------------------------------

_ROWS_SQL = text(
    "SELECT seq, ts, actor, action, subject, data, prev_hash, hash FROM audit_entries "
    "WHERE org_id = :org_id AND seq > :after ORDER BY seq LIMIT :limit"
)


def _snapshot(engine: Engine) -> Any:
    """A read-only connection that sees one moment of the database for the whole scan (REPEATABLE READ on
    PostgreSQL; a deferred transaction on SQLite), so a chain growing meanwhile is never mistaken for a broken one."""
    options: dict[str, Any] = {"opsgate_readonly": True}
    if engine.dialect.name == "postgresql":
        options["isolation_level"] = "REPEATABLE READ"
    return engine.execution_options(**options).connect()


def _head(conn: Any, org_id: int) -> tuple[int, str]:
    row = conn.execute(text("SELECT seq, hash FROM audit_heads WHERE org_id = :o"), {"o": org_id}).one_or_none()
    return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))


def _raw_rows(conn: Any, org_id: int, upto: int, batch: int = 20000) -> Iterator[tuple[Any, ...]]:
    """Rows ``seq <= upto`` in order, through the driver's own cursor (SQLAlchemy's row objects cost 2x here)."""
    postgres = conn.dialect.name == "postgresql"
    sql = "SELECT seq, ts, actor, action, subject, data, prev_hash, hash FROM audit_entries " + (
        "WHERE org_id = %s AND seq > %s AND seq <= %s ORDER BY seq LIMIT %s"
        if postgres
        else "WHERE org_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?"
    )
    cursor = conn.connection.dbapi_connection.cursor()
    after = 0
    try:
        while True:
            cursor.execute(sql, (org_id, after, upto, batch))
            rows = cursor.fetchall()
            if not rows:
                return
            yield from rows
            after = rows[-1][0]
            if len(rows) < batch:
                return
    finally:
        cursor.close()


def as_export(row: tuple[Any, ...], org: str) -> dict[str, Any]:
    seq, ts, actor, action, subject, data, prev_hash, digest = row
    return {
        "seq": seq,
        "ts": ts,
        "org": org,
        "actor": actor,
        "action": action,
        "subject": subject,
        "data": json.loads(data),
        "prev_hash": prev_hash,
        "hash": digest,
    }


def export(engine: Engine, org_id: int, org: str, out: TextIO) -> int:
    """Write the chain as JSON Lines (one canonical object per line); return the count."""
    count = 0
    with _snapshot(engine) as conn:
        upto, _ = _head(conn, org_id)
        for row in _raw_rows(conn, org_id, upto):
            out.write(canonical(as_export(row, org)))
            out.write("\n")
            count += 1
    return count


def page(session: Session, *, org_id: int, org: str, after_seq: int, limit: int) -> list[dict[str, Any]]:
    rows = session.execute(_ROWS_SQL, {"org_id": org_id, "after": after_seq, "limit": limit}).all()
    return [as_export(tuple(r), org) for r in rows]


@dataclass(frozen=True)
class Verification:
    ok: bool
    count: int
    head_hash: str
    bad_seq: int | None = None
    problem: str = ""


def verify(engine: Engine, org_id: int, org: str) -> Verification:
    """Recompute every link up to the head seen at the start; name the first entry that was edited, deleted,
    inserted or reordered (or cut off the end)."""
    sha256 = hashlib.sha256
    enc = encode_basestring
    org_json = enc(org)
    expected_seq, prev, count = 1, GENESIS, 0
    with _snapshot(engine) as conn:
        head_seq, head_hash = _head(conn, org_id)
        for seq, ts, actor, action, subject, data, prev_hash, digest in _raw_rows(conn, org_id, head_seq):
            if seq != expected_seq:
                problem = f"entry {expected_seq} is missing (the next stored entry is {seq})"
                return Verification(False, count, prev, expected_seq, problem)
            if prev_hash != prev:
                return Verification(False, count, prev, seq, f"entry {seq}: prev_hash does not match entry {seq - 1}")
            # prev_hash equals the previous (hex) hash here, so it needs no escaping.
            body = (
                f'{prev}{{"action":{enc(action)},"actor":{enc(actor)},"data":{data},"org":{org_json},'
                f'"prev_hash":"{prev}","seq":{seq},"subject":{enc(subject)},"ts":{enc(ts)}}}'
            )
            if sha256(body.encode("utf-8")).hexdigest() != digest:
                return Verification(False, count, prev, seq, f"entry {seq}: content does not match its hash")
            prev, expected_seq, count = digest, seq + 1, count + 1
    if count != head_seq or prev != head_hash:
        problem = f"the chain ends at entry {count} but its head records entry {head_seq}: entries were removed"
        return Verification(False, count, prev, count + 1, problem)
    return Verification(True, count, prev)
