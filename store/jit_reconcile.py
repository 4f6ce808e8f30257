"""SQL for the reconciler of managed JIT resources: which resources, who may stay in their groups, and the lease
that keeps two replicas from reconciling one group at the same time. Rules live in ``opsgate.bot.jit.reconcile``.

A claim is one conditional ``UPDATE`` of the resource's lease row (free, or expired, and, for the periodic job, last
finished at least an interval ago): the database lets exactly one replica's update match, on SQLite and PostgreSQL
alike. The row is created on first sight with ``INSERT ... ON CONFLICT DO NOTHING``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from opsgate.store.jit import ACTIVE, REQUESTED
from opsgate.store.models import JitGrant, JitReconcileLease, JitResource, Run

# A requested grant whose run is in one of these states may be adding its requester right now: the requester is
# not removed (the add lands before the grant turns active).
IN_FLIGHT = ("approved", "executing")

_LEASES = JitReconcileLease.__table__  # type: ignore[attr-defined]
_ENSURE = {
    name: insert_fn(_LEASES).on_conflict_do_nothing(index_elements=["org_id", "resource"])
    for name, insert_fn in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}


def managed_resources(session: Session) -> list[JitResource]:
    """Every resource marked ``managed`` in every org."""
    q = (
        select(JitResource)
        .where(col(JitResource.managed).is_(True))
        .order_by(col(JitResource.org_id), col(JitResource.name))
    )
    return list(session.execute(q).scalars())


def protected_emails(session: Session, *, org_id: int, resource: str) -> set[str]:
    """Lower-case emails that may be in the resource's group: active grants, and grants being executed now."""
    q = (
        select(col(JitGrant.requester_email))
        .join(Run, col(Run.id) == col(JitGrant.run_id))
        .where(col(JitGrant.org_id) == org_id, col(JitGrant.resource) == resource)
        .where(
            or_(
                col(JitGrant.status) == ACTIVE,
                and_(col(JitGrant.status) == REQUESTED, col(Run.status).in_(IN_FLIGHT)),
            )
        )
    )
    return {str(email).lower() for email in session.execute(q).scalars()}


def claim(
    session: Session,
    *,
    org_id: int,
    resource: str,
    worker: str,
    now: datetime,
    lease: timedelta,
    finished_before: datetime | None,
) -> bool:
    """Lease the resource to ``worker`` until ``now + lease`` unless another worker holds a live lease or (with
    ``finished_before``) a round finished after that time. True when this worker got it."""
    session.connection().execute(_ENSURE[session.get_bind().dialect.name], {"org_id": org_id, "resource": resource})
    q = (
        update(JitReconcileLease)
        .where(col(JitReconcileLease.org_id) == org_id, col(JitReconcileLease.resource) == resource)
        .where(or_(col(JitReconcileLease.claimed_until).is_(None), col(JitReconcileLease.claimed_until) <= now))
        .values(claimed_by=worker, claimed_until=now + lease)
    )
    if finished_before is not None:
        q = q.where(
            or_(
                col(JitReconcileLease.reconciled_at).is_(None),
                col(JitReconcileLease.reconciled_at) <= finished_before,
            )
        )
    return bool(session.execute(q).rowcount)  # type: ignore[attr-defined]


def release(session: Session, *, org_id: int, resource: str, worker: str, finished_at: datetime | None) -> None:
    """End ``worker``'s lease (a no-op when it has lost it); ``finished_at`` records a completed round."""
    values: dict[str, object] = {"claimed_by": None, "claimed_until": None}
    if finished_at is not None:
        values["reconciled_at"] = finished_at
    session.execute(
        update(JitReconcileLease)
        .where(col(JitReconcileLease.org_id) == org_id, col(JitReconcileLease.resource) == resource)
        .where(col(JitReconcileLease.claimed_by) == worker)
        .values(**values)
    )


def lease_of(session: Session, *, org_id: int, resource: str) -> JitReconcileLease | None:
    q = (
        select(JitReconcileLease)
        .where(col(JitReconcileLease.org_id) == org_id, col(JitReconcileLease.resource) == resource)
        .execution_options(populate_existing=True)
    )
    found: JitReconcileLease | None = session.execute(q).scalar_one_or_none()
    return found
