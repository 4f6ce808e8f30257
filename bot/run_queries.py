"""Reading runs for people and scripts (API, CLI, App Home): filters, paging, org isolation."""

from __future__ import annotations

from opsgate.bot.errors import NotFound, ValidationFailed
from opsgate.bot.services import Services
from opsgate.store import runs as run_rows
from opsgate.store.models import Run

STATUSES = (
    "received",
    "no_action",
    "awaiting_approval",
    "approved",
    "executing",
    "succeeded",
    "failed",
    "denied",
    "expired",
    "cancelled",
)


def list_runs(
    services: Services,
    *,
    org_id: int,
    status: str | None = None,
    issue_key: str | None = None,
    requester: str | None = None,
    limit: int = 50,
    before: str | None = None,
) -> list[Run]:
    if status is not None and status not in STATUSES:
        raise ValidationFailed(
            f"status must be one of {', '.join(STATUSES)}", [{"path": "query.status", "message": "unknown status"}]
        )
    with services.read_session() as session:
        before_at = None
        if before:
            anchor = run_rows.get(session, before, org_id=org_id)
            if anchor is None:
                raise ValidationFailed(
                    f"before={before!r} is not a run of this org", [{"path": "query.before", "message": "unknown run"}]
                )
            before_at = anchor.created_at
        return run_rows.list_runs(
            session,
            org_id=org_id,
            status=status,
            issue_key=issue_key.upper() if issue_key else None,
            requester=requester,
            limit=limit,
            before=before_at,
        )


def get_run(services: Services, *, run_id: str, org_id: int) -> Run:
    with services.read_session() as session:
        run = run_rows.get(session, run_id, org_id=org_id)
    if run is None:
        raise NotFound(f"No run {run_id!r} in this org.")
    return run
