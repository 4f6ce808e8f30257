"""SQL for just-in-time access: the resource catalog and the grants. Rules live in ``opsgate.bot.jit``.

Claims (due revocations, expiry warnings) lock rows with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL; on SQLite the
transaction already holds the database write lock (``BEGIN IMMEDIATE``), so two replicas never claim the same row.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlmodel import Session, col

from opsgate.store.models import JitGrant, JitResource

ACTIVE = "active"
REQUESTED = "requested"


def _skip_locked(session: Session, q: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return q.with_for_update(skip_locked=True)
    return q


# --- resources ------------------------------------------------------------------------------------------------


def get_resource(session: Session, *, org_id: int, name: str) -> JitResource | None:
    q = select(JitResource).where(col(JitResource.org_id) == org_id, col(JitResource.name) == name)
    found: JitResource | None = session.execute(q).scalar_one_or_none()
    return found


def list_resources(session: Session, *, org_id: int) -> list[JitResource]:
    q = select(JitResource).where(col(JitResource.org_id) == org_id).order_by(col(JitResource.name))
    return list(session.execute(q).scalars())


def upsert_resource(session: Session, *, org_id: int, name: str, values: dict[str, Any]) -> JitResource:
    """Create the resource, or replace its settings when one of that name exists (a re-read catalog file)."""
    row = get_resource(session, org_id=org_id, name=name)
    if row is None:
        row = JitResource(org_id=org_id, name=name, **values)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    session.add(row)
    session.flush()
    return row


def remove_resource(session: Session, *, org_id: int, name: str) -> bool:
    row = get_resource(session, org_id=org_id, name=name)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


# --- grants ---------------------------------------------------------------------------------------------------


def insert_grant(session: Session, grant: JitGrant) -> JitGrant:
    session.add(grant)
    session.flush()
    return grant


def grant_for_run(session: Session, run_id: str, *, lock: bool = False) -> JitGrant | None:
    q = select(JitGrant).where(col(JitGrant.run_id) == run_id).execution_options(populate_existing=True)
    if lock and session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update()
    found: JitGrant | None = session.execute(q).scalar_one_or_none()
    return found


def get_grant(session: Session, grant_id: int, *, org_id: int | None = None, lock: bool = False) -> JitGrant | None:
    q = select(JitGrant).where(col(JitGrant.id) == grant_id).execution_options(populate_existing=True)
    if lock and session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update()
    found: JitGrant | None = session.execute(q).scalar_one_or_none()
    if found is None or (org_id is not None and found.org_id != org_id):
        return None
    return found


def save_grant(session: Session, grant: JitGrant, changes: dict[str, Any]) -> None:
    session.execute(update(JitGrant).where(col(JitGrant.id) == grant.id).values(**changes))
    for key, value in changes.items():
        setattr(grant, key, value)


def grants_of(session: Session, *, org_id: int, requester_email: str, statuses: tuple[str, ...]) -> list[JitGrant]:
    q = (
        select(JitGrant)
        .where(col(JitGrant.org_id) == org_id, col(JitGrant.requester_email) == requester_email)
        .where(col(JitGrant.status).in_(statuses))
        .order_by(col(JitGrant.id))
    )
    return list(session.execute(q).scalars())


def active_members(session: Session, *, org_id: int, resource: str) -> set[str]:
    q = select(col(JitGrant.requester_email)).where(
        col(JitGrant.org_id) == org_id, col(JitGrant.resource) == resource, col(JitGrant.status) == ACTIVE
    )
    return {str(email).lower() for email in session.execute(q).scalars()}


def _due_revocations(q: Any, now: datetime) -> Any:
    return q.where(col(JitGrant.status) == ACTIVE, col(JitGrant.due_at) <= now).where(
        or_(col(JitGrant.revoke_claimed_until).is_(None), col(JitGrant.revoke_claimed_until) < now)
    )


def _due_warnings(q: Any, now: datetime, ahead: timedelta) -> Any:
    return q.where(col(JitGrant.status) == ACTIVE, col(JitGrant.warned_at).is_(None)).where(
        col(JitGrant.due_at) > now, col(JitGrant.due_at) <= now + ahead
    )


def any_due(session: Session, *, now: datetime, ahead: timedelta) -> tuple[bool, bool]:
    """(a revocation is due, a warning is due): asked in a read session first, so the poll every few seconds takes
    the write lock only when there is work."""
    revoke = session.execute(_due_revocations(select(col(JitGrant.id)), now).limit(1)).first() is not None
    warn = session.execute(_due_warnings(select(col(JitGrant.id)), now, ahead).limit(1)).first() is not None
    return revoke, warn


def claim_due_revocations(session: Session, *, now: datetime, lease: timedelta, limit: int) -> list[JitGrant]:
    """Active grants whose time is up and that no live worker holds; each is leased until ``now + lease``."""
    q = (
        _due_revocations(select(JitGrant), now)
        .order_by(col(JitGrant.due_at), col(JitGrant.id))
        .limit(limit)
        .execution_options(populate_existing=True)
    )
    rows = list(session.execute(_skip_locked(session, q)).scalars())
    for row in rows:
        save_grant(session, row, {"revoke_claimed_until": now + lease})
    return rows


def claim_warnings(session: Session, *, now: datetime, ahead: timedelta, limit: int) -> list[JitGrant]:
    """Active grants ending within ``ahead`` not yet warned; each is marked warned (claimed once)."""
    q = (
        _due_warnings(select(JitGrant), now, ahead)
        .order_by(col(JitGrant.due_at), col(JitGrant.id))
        .limit(limit)
        .execution_options(populate_existing=True)
    )
    rows = list(session.execute(_skip_locked(session, q)).scalars())
    for row in rows:
        save_grant(session, row, {"warned_at": now})
    return rows


def other_active(session: Session, grant: JitGrant) -> list[JitGrant]:
    """The requester's other active grants of the same resource (an extension overlapping the original)."""
    q = (
        select(JitGrant)
        .where(col(JitGrant.org_id) == grant.org_id, col(JitGrant.resource) == grant.resource)
        .where(col(JitGrant.requester_email) == grant.requester_email, col(JitGrant.status) == ACTIVE)
        .where(col(JitGrant.id) != grant.id)
        .order_by(col(JitGrant.id))
    )
    return list(session.execute(q).scalars())
