"""SQL for outbound pacing shared by replicas (table ``chat_pacing``; the rules live in handlers/slack/pacing.py).

Times are wall-clock epoch seconds, the only clock replicas share. Every function runs inside the caller's
transaction; :func:`reserve` must run in a write transaction (it locks the key's row), :func:`not_before` may run in
a read session.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

_ENSURE = {
    "postgresql": text("INSERT INTO chat_pacing (key, not_before) VALUES (:key, 0) ON CONFLICT (key) DO NOTHING"),
    "sqlite": text("INSERT OR IGNORE INTO chat_pacing (key, not_before) VALUES (:key, 0)"),
}
_READ = text("SELECT not_before FROM chat_pacing WHERE key = :key")
_READ_LOCKED = text("SELECT not_before FROM chat_pacing WHERE key = :key FOR UPDATE")
_WRITE = text("UPDATE chat_pacing SET not_before = :value WHERE key = :key")


def not_before(session: Session, key: str) -> float:
    """When ``key`` may next be used (0 when never limited)."""
    value = session.connection().execute(_READ, {"key": key}).scalar()
    return float(value or 0.0)


def reserve(session: Session, key: str, *, earliest: float, interval: float, now: float, patience: float) -> float:
    """Take the key's next slot no sooner than ``earliest``: returns its start and moves the key ``interval``
    past it; when that start is more than ``patience`` after ``now``, returns it without taking it."""
    conn = session.connection()
    dialect = conn.dialect.name
    conn.execute(_ENSURE[dialect], {"key": key})
    current = conn.execute(_READ_LOCKED if dialect == "postgresql" else _READ, {"key": key}).scalar()
    start = max(earliest, float(current or 0.0))
    if start - now <= patience:
        conn.execute(_WRITE, {"key": key, "value": start + interval})
    return start


def push_back(session: Session, key: str, until: float) -> None:
    """Nobody uses ``key`` before ``until`` (a 429's ``Retry-After``); an existing later limit stays."""
    conn = session.connection()
    conn.execute(_ENSURE[conn.dialect.name], {"key": key})
    current = float(conn.execute(_READ, {"key": key}).scalar() or 0.0)
    if until > current:
        conn.execute(_WRITE, {"key": key, "value": until})
