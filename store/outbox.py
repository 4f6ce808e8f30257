"""The outbox: messages for the outside world, written in the same transaction as the change they announce and
delivered at least once by a worker that claims due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL).

Rows carry their own schedule (attempts, next attempt, give-up time), as Sentry's webhook payloads do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from opsgate.store.models import OutboxMessage, utcnow

CLAIM_LEASE = timedelta(minutes=2)  # a claimed row is retried by another worker if its claimer dies


@dataclass(frozen=True)
class OutboxItem:
    id: int
    org_id: int
    kind: str
    run_id: str | None
    payload: dict[str, Any]
    attempts: int
    created_at: datetime
    give_up_at: datetime | None


_OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]
_ENQUEUE = {
    name: insert_fn(_OUTBOX).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(_OUTBOX.c.id)
    for name, insert_fn in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}


def enqueue(
    session: Session,
    *,
    org_id: int,
    kind: str,
    dedupe_key: str,
    payload: dict[str, Any],
    run_id: str | None = None,
    give_up_after: timedelta | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Add a message unless one with the same ``dedupe_key`` exists. Returns True when added."""
    now = utcnow()
    values = {
        "org_id": org_id,
        "kind": kind,
        "dedupe_key": dedupe_key,
        "run_id": run_id,
        "payload": payload,
        "attempts": 0,
        "next_attempt_at": not_before or now,
        "created_at": now,
        "give_up_at": now + give_up_after if give_up_after else None,
    }
    stmt = _ENQUEUE[session.get_bind().dialect.name]
    return session.connection().execute(stmt, values).first() is not None


def _due(q: Any, kinds: tuple[str, ...], now: datetime) -> Any:
    return (
        q.where(col(OutboxMessage.kind).in_(kinds))
        .where(col(OutboxMessage.delivered_at).is_(None), col(OutboxMessage.gave_up_at).is_(None))
        .where(col(OutboxMessage.next_attempt_at) <= now)
        .where(or_(col(OutboxMessage.claimed_until).is_(None), col(OutboxMessage.claimed_until) < now))
    )


def any_due(session: Session, *, kinds: tuple[str, ...], now: datetime | None = None) -> bool:
    """Whether :func:`claim_due` would find anything: read in a read session first, so an idle worker polling
    every second never takes the database's write lock (on SQLite, the one writer every ingest queues behind)."""
    q = _due(select(col(OutboxMessage.id)), kinds, now or utcnow()).limit(1)
    return session.execute(q).first() is not None


def claim_due(
    session: Session, *, kinds: tuple[str, ...], limit: int = 20, now: datetime | None = None
) -> list[OutboxItem]:
    """Claim up to ``limit`` due rows of ``kinds`` for this worker (lease: CLAIM_LEASE)."""
    now = now or utcnow()
    q = _due(select(OutboxMessage), kinds, now).order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
    q = q.limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    rows = list(session.execute(q).scalars())
    items = []
    for row in rows:
        assert row.id is not None
        session.execute(
            update(OutboxMessage).where(col(OutboxMessage.id) == row.id).values(claimed_until=now + CLAIM_LEASE)
        )
        items.append(
            OutboxItem(
                row.id,
                row.org_id,
                row.kind,
                row.run_id,
                dict(row.payload),
                row.attempts,
                row.created_at,
                row.give_up_at,
            )
        )
    return items


def mark_delivered(session: Session, item_id: int) -> None:
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == item_id)
        .values(delivered_at=utcnow(), claimed_until=None, attempts=OutboxMessage.attempts + 1)  # type: ignore[operator]
    )


def schedule_retry(session: Session, item_id: int, *, at: datetime, error: str) -> None:
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == item_id)
        .values(next_attempt_at=at, claimed_until=None, last_error=error[:2000], attempts=OutboxMessage.attempts + 1)  # type: ignore[operator]
    )


def mark_gave_up(session: Session, item_id: int, *, error: str) -> None:
    session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == item_id)
        .values(gave_up_at=utcnow(), claimed_until=None, last_error=error[:2000], attempts=OutboxMessage.attempts + 1)  # type: ignore[operator]
    )


def pending(session: Session, *, run_id: str | None = None, kind: str | None = None) -> list[OutboxMessage]:
    q = select(OutboxMessage).where(
        and_(col(OutboxMessage.delivered_at).is_(None), col(OutboxMessage.gave_up_at).is_(None))
    )
    if run_id is not None:
        q = q.where(col(OutboxMessage.run_id) == run_id)
    if kind is not None:
        q = q.where(col(OutboxMessage.kind) == kind)
    return list(session.execute(q.order_by(col(OutboxMessage.id))).scalars())
