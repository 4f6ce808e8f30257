"""What people see of a just-in-time grant: :class:`~opsgate.cards.views.GrantView`\\s built from the store for the
approval card (:func:`run_grant`) and App Home (:func:`home_grants`). The caller loads inside a read session (in
the DB thread pool); card builders only draw.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlmodel import Session

from opsgate.bot.durations import format_duration
from opsgate.bot.services import Services
from opsgate.cards.views import GrantStatus, GrantView
from opsgate.store import jit as rows
from opsgate.store import jit_views
from opsgate.store.models import JitGrant, Run

RUNBOOK_ID = "RB-020"  # same as opsgate.bot.jit.service.RUNBOOK_ID (not imported: that module pulls the gate in)
HOME_LIMIT = 10  # grants listed per App Home section (cards.limits.HOME_LIST_MAX); the rest is "… and N more"
_STATUSES: frozenset[str] = frozenset({"requested", "active", "revoked", "denied", "expired", "cancelled"})


def grant_view(grant: JitGrant, early: jit_views.EarlyEnd | None, as_of: datetime) -> GrantView:
    status: GrantStatus = grant.status if grant.status in _STATUSES else "requested"  # type: ignore[assignment]
    how: Literal["released", "revoked_early"] | None = None
    if early is not None:
        how = "released" if early.action == "jit.released" else "revoked_early"
    return GrantView(
        grant_id=grant.id,
        resource=grant.resource,
        duration=format_duration(timedelta(seconds=grant.duration_seconds)),
        status=status,
        as_of=as_of,
        requester_label=grant.requester,
        requester_email=grant.requester_email,
        granted_at=grant.granted_at,
        due_at=grant.due_at,
        revoked_at=grant.revoked_at,
        ended_early=how,
        ended_early_by=early.actor if early else None,
        ended_early_at=early.at if early else None,
        was_due_at=early.was_due_at if early else None,
    )


def requested_view(run: Run, as_of: datetime) -> GrantView | None:
    """Resource and duration from the run's own parameters, when the grant row is not at hand (a card re-rendered
    right after a click): enough for a run still waiting, where nothing more is shown anyway."""
    if run.runbook_id != RUNBOOK_ID or not run.params.get("resource"):
        return None
    return GrantView(
        grant_id=None,
        resource=str(run.params["resource"]),
        duration=str(run.params.get("duration") or "?"),
        status="requested",
        as_of=as_of,
        requester_label=run.requester,
        requester_email=run.requester_email or run.target_email or "",
    )


def run_grant(session: Session, run: Run, as_of: datetime) -> GrantView | None:
    """The grant of an RB-020 run as its card shows it; ``None`` for any other run. Blocking (a read session)."""
    if run.runbook_id != RUNBOOK_ID:
        return None
    grant = rows.grant_for_run(session, run.id)
    if grant is None:
        return requested_view(run, as_of)
    early = jit_views.early_ends(session, org_id=grant.org_id, grant_ids=[grant.id]) if grant.id else {}
    return grant_view(grant, early.get(grant.id or 0), as_of)


@dataclass(frozen=True)
class HomeGrants:
    mine: list[GrantView]
    org: list[GrantView]  # approvers only: the newest HOME_LIMIT active grants of the org
    org_total: int


def home_grants(
    services: Services, *, org_id: int, email: str | None, is_approver: bool, as_of: datetime
) -> HomeGrants:
    """The App Home lists of one person. Blocking: call through ``services.db``."""
    with services.read_session() as session:
        mine = jit_views.active_grants_of(session, org_id=org_id, requester_email=email) if email else []
        org, total = jit_views.active_grants(session, org_id=org_id, limit=HOME_LIMIT) if is_approver else ([], 0)
        ids = sorted({g.id for g in [*mine, *org] if g.id is not None})
        early = jit_views.early_ends(session, org_id=org_id, grant_ids=ids)
    return HomeGrants(
        mine=[grant_view(g, early.get(g.id or 0), as_of) for g in mine],
        org=[grant_view(g, early.get(g.id or 0), as_of) for g in org],
        org_total=total,
    )
