"""Read-only SQL behind what people see of just-in-time grants (the approval card, App Home). Rules and wording
live in ``opsgate.bot.jit`` and ``opsgate.cards``; the grant rows themselves in :mod:`opsgate.store.jit`.

Who ended a grant early is not a column of the grant: the audit chain holds it (``jit.released`` /
``jit.revoked_early``, with the end that had been approved), so it is read from there.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from opsgate.store.models import AuditEntry, JitGrant

ACTIVE = "active"
EARLY_ACTIONS = ("jit.released", "jit.revoked_early")


@dataclass(frozen=True)
class EarlyEnd:
    """The release or early revoke that made a grant due before its time."""

    action: str  # jit.released | jit.revoked_early
    actor: str
    at: datetime | None
    was_due_at: datetime | None


def _parse(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def early_ends(session: Session, *, org_id: int, grant_ids: Sequence[int]) -> dict[int, EarlyEnd]:
    """Per grant, the first release / early revoke that ended it before its due time (later presses, or one made
    once the grant was already due, changed nothing and are skipped)."""
    if not grant_ids:
        return {}
    subjects = {f"jit_grant:{gid}": gid for gid in grant_ids}
    q = (
        select(AuditEntry)
        .where(col(AuditEntry.org_id) == org_id, col(AuditEntry.action).in_(EARLY_ACTIONS))
        .where(col(AuditEntry.subject).in_(list(subjects)))
        .order_by(col(AuditEntry.seq))
    )
    out: dict[int, EarlyEnd] = {}
    for entry in session.execute(q).scalars():
        gid = subjects[entry.subject]
        if gid in out:
            continue
        try:
            data = json.loads(entry.data)
        except ValueError:
            data = {}
        at, was_due = _parse(data.get("now")), _parse(data.get("was_due_at"))
        if at is not None and was_due is not None and was_due <= at:
            continue  # already due when pressed: it did not end anything early
        out[gid] = EarlyEnd(entry.action, entry.actor, at, was_due)
    return out


def active_grants(session: Session, *, org_id: int, limit: int) -> tuple[list[JitGrant], int]:
    """The org's active grants, newest first (by grant time), at most ``limit``, and how many there are."""
    where = (col(JitGrant.org_id) == org_id, col(JitGrant.status) == ACTIVE)
    total = int(session.execute(select(func.count()).select_from(JitGrant).where(*where)).scalar_one())
    q = (
        select(JitGrant)
        .where(*where)
        .order_by(col(JitGrant.granted_at).desc(), col(JitGrant.id).desc())
        .limit(limit)
        .execution_options(populate_existing=True)
    )
    return list(session.execute(q).scalars()), total


def active_grants_of(session: Session, *, org_id: int, requester_email: str) -> list[JitGrant]:
    """One person's active grants, the one ending first on top."""
    q = (
        select(JitGrant)
        .where(col(JitGrant.org_id) == org_id, col(JitGrant.status) == ACTIVE)
        .where(col(JitGrant.requester_email) == requester_email.strip().lower())
        .order_by(col(JitGrant.due_at), col(JitGrant.id))
        .execution_options(populate_existing=True)
    )
    return list(session.execute(q).scalars())
