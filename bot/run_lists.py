"""Lists of runs for people (chat surfaces' pending lists and home tabs), independent of any surface.

:func:`pending_runs` leaves out the runs a given person could never decide (theirs, about them, or already
approved by them) so a list never offers a button whose press is certain to be refused; the decision rules
themselves stay in :class:`opsgate.bot.runs.RunMachine`, which checks every press again.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from opsgate.bot.services import Services
from opsgate.store.models import Run

DEFAULT_LIMIT = 50


def _mine_to_skip(run: Run, actor: str | None, email: str | None) -> bool:
    folded = (email or "").casefold()
    if actor is not None and (run.requester == actor or any(a.get("actor") == actor for a in run.approvals)):
        return True
    return bool(folded) and folded in ((run.requester_email or "").casefold(), (run.target_email or "").casefold())


def pending_runs(
    services: Services,
    *,
    org_id: int,
    limit: int = DEFAULT_LIMIT,
    for_actor: str | None = None,
    for_email: str | None = None,
) -> list[Run]:
    """Runs awaiting approval, oldest deadline first. With ``for_actor`` / ``for_email`` (the person looking),
    runs they asked for, runs acting on their account and runs they already approved are left out."""
    q = (
        select(Run)
        .where(col(Run.org_id) == org_id, col(Run.status) == "awaiting_approval")
        .order_by(col(Run.deadline_at).asc(), col(Run.created_at).asc(), col(Run.id).asc())
    )
    out: list[Run] = []
    with services.read_session() as session:
        for run in session.execute(q).scalars():
            if _mine_to_skip(run, for_actor, for_email):
                continue
            out.append(run)
            if len(out) >= limit:
                break
    return out


def recent_decisions(services: Services, *, org_id: int, limit: int = DEFAULT_LIMIT) -> list[Run]:
    """Runs a human or the deadline decided, most recent decision first."""
    q = (
        select(Run)
        .where(col(Run.org_id) == org_id, col(Run.decided_at).is_not(None))
        .order_by(col(Run.decided_at).desc(), col(Run.id).desc())
        .limit(limit)
    )
    with services.read_session() as session:
        return list(session.execute(q).scalars())
