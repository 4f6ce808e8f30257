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

from opsgate.store.models import AuditEntry, AuditHead, Org
from sqlalchemy import Engine, insert, select, text, update
from sqlmodel import Session, col

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
    head_q = select(col(AuditHead.seq), col(AuditHead.hash)).where(col(AuditHead.org_id) == org_id)
    if session.get_bind().dialect.name != "sqlite":
        head_q = head_q.with_for_update()
    row = session.execute(head_q).one_or_none()
    if row is None:
        raise LookupError(f"org {org_id} has no audit chain head")
    seq, prev = row[0] + 1, row[1]
    ts = now_ts()
    data_json = canonical(scrub(dict(data or {})))
    org = _org_slug(session, org_id)
    digest = chain_hash(prev, entry_bytes(seq, ts, org, actor, action, subject, data_json, prev))
    session.execute(
        insert(AuditEntry).values(
            org_id=org_id,
            seq=seq,
            ts=ts,
            actor=actor,
            action=action,
            subject=subject,
            data=data_json,
            prev_hash=prev,
            hash=digest,
        )
    )
    session.execute(update(AuditHead).where(col(AuditHead.org_id) == org_id).values(seq=seq, hash=digest))
    return AuditRecord(seq=seq, hash=digest, ts=ts)


# --- reading -----------------------------------------------------------------------------------------------

_ROWS_SQL = text(
    "SELECT seq, ts, actor, action, subject, data, prev_hash, hash FROM audit_entries "
    "WHERE org_id = :org_id AND seq > :after ORDER BY seq LIMIT :limit"
)


def _raw_rows(engine: Engine, org_id: int, batch: int = 20000) -> Iterator[tuple[Any, ...]]:
    after = 0
    with engine.connect() as conn:
        while True:
            rows = conn.execute(_ROWS_SQL, {"org_id": org_id, "after": after, "limit": batch}).all()
            if not rows:
                return
            yield from (tuple(r) for r in rows)
            after = rows[-1][0]
            if len(rows) < batch:
                return


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
    for row in _raw_rows(engine, org_id):
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
    """Recompute every link; name the first entry that was edited, deleted, inserted or reordered."""
    expected_seq, prev, count = 1, GENESIS, 0
    for seq, ts, actor, action, subject, data, prev_hash, digest in _raw_rows(engine, org_id):
        if seq != expected_seq:
            problem = f"entry {expected_seq} is missing (the next stored entry is {seq})"
            return Verification(False, count, prev, expected_seq, problem)
        if prev_hash != prev:
            return Verification(False, count, prev, seq, f"entry {seq}: prev_hash does not match entry {seq - 1}")
        if chain_hash(prev, entry_bytes(seq, ts, org, actor, action, subject, data, prev_hash)) != digest:
            return Verification(False, count, prev, seq, f"entry {seq}: content does not match its hash")
        prev, expected_seq, count = digest, seq + 1, count + 1
    with engine.connect() as conn:
        head = conn.execute(text("SELECT seq, hash FROM audit_heads WHERE org_id = :o"), {"o": org_id}).one_or_none()
    if head is not None and (head[0] != count or head[1] != prev):
        problem = f"the chain ends at entry {count} but its head records entry {head[0]}: entries were removed"
        return Verification(False, count, prev, count + 1, problem)
    return Verification(True, count, prev)
