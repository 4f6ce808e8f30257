"""SQL for runs. The state rules live in ``opsgate.bot.runs``; this module only reads, locks and writes rows."""

from __future__ import annotations

import base64
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from opsgate.store.models import Run


def new_run_id() -> str:
    return "run_" + base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower()


_RUNS = Run.__table__  # type: ignore[attr-defined]
# Built once per dialect and executed with a parameter dict: the ingest hot path skips the ORM's statement building.
_INSERT_IF_NEW = {
    name: insert_fn(_RUNS).on_conflict_do_nothing(index_elements=["org_id", "external_ref"]).returning(_RUNS.c.id)
    for name, insert_fn in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}


def insert_if_new(session: Session, values: dict[str, Any]) -> bool:
    """Insert a run unless one with the same (org_id, external_ref) exists; the unique constraint decides,
    so a storm of identical requests on any number of replicas makes exactly one row."""
    stmt = _INSERT_IF_NEW[session.get_bind().dialect.name]
    # RETURNING, not rowcount: drivers disagree on rowcount for ON CONFLICT DO NOTHING.
    return session.connection().execute(stmt, values).first() is not None


def get(session: Session, run_id: str, *, org_id: int | None = None) -> Run | None:
    run = session.get(Run, run_id)
    if run is None or (org_id is not None and run.org_id != org_id):
        return None
    return run


def get_by_ref(session: Session, *, org_id: int, external_ref: str) -> Run | None:
    q = select(Run).where(col(Run.org_id) == org_id, col(Run.external_ref) == external_ref)
    found: Run | None = session.execute(q).scalar_one_or_none()
    return found


def lock(session: Session, run_id: str) -> Run | None:
    """The run, locked for the rest of the transaction (PostgreSQL row lock; SQLite's write lock is held)."""
    q = select(Run).where(col(Run.id) == run_id).execution_options(populate_existing=True)
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update()
    found: Run | None = session.execute(q).scalar_one_or_none()
    return found


def save(session: Session, run: Run, changes: dict[str, Any]) -> None:
    """Write ``changes`` to a locked run and bump its version."""
    changes = {**changes, "version": run.version + 1}
    session.execute(update(Run).where(col(Run.id) == run.id).values(**changes))
    for key, value in changes.items():
        setattr(run, key, value)


def list_runs(
    session: Session,
    *,
    org_id: int,
    status: str | None = None,
    issue_key: str | None = None,
    requester: str | None = None,
    limit: int = 50,
    before: datetime | None = None,
) -> list[Run]:
    q = select(Run).where(col(Run.org_id) == org_id)
    if status:
        q = q.where(col(Run.status) == status)
    if issue_key:
        q = q.where(col(Run.issue_key) == issue_key)
    if requester:
        q = q.where(col(Run.requester) == requester)
    if before is not None:
        q = q.where(col(Run.created_at) < before)
    q = q.order_by(col(Run.created_at).desc(), col(Run.id).desc()).limit(limit)
    return list(session.execute(q).scalars())


def any_due(session: Session, *, status: str, due_column: str, now: datetime) -> bool:
    """Whether :func:`claim_ids` would find anything; asked in a read session so idle polls take no write lock."""
    due = getattr(Run, due_column)
    q = select(col(Run.id)).where(col(Run.status) == status, col(due).is_not(None), col(due) <= now).limit(1)
    return session.execute(q).first() is not None


def claim_ids(session: Session, *, status: str, due_column: str, now: datetime, limit: int = 50) -> list[str]:
    """Ids of runs in ``status`` whose ``due_column`` time has passed, locked so one replica handles each."""
    due = getattr(Run, due_column)
    q = (
        select(col(Run.id))
        .where(col(Run.status) == status, col(due).is_not(None), col(due) <= now)
        .order_by(col(due))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    return [str(r) for r in session.execute(q).scalars()]
