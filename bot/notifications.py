"""Who must hear of a transition, as outbox rows written in the same transaction.

The chat surfaces (Slack, Teams) deliver ``chat.*`` rows; the Jira gateway delivers ``jira.*`` rows. A run that
starts waiting for approval requests exactly one approval card per plan (the dedupe key holds the plan hash, so a
re-planned run gets a fresh card and a replayed request none).
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from opsgate.store import audit, outbox
from opsgate.store.models import Run

CARD_REQUEST = "chat.approval_card"
CARD_UPDATE = "chat.card_update"
THREAD_LINE = "chat.thread_line"  # one post under one copy of a card: its note, or a reminder
EXECUTE = "run.execute"
NOTE_GIVE_UP = timedelta(days=1)
REMINDER_GIVE_UP = timedelta(hours=1)  # a reminder an hour late is noise


def request_thread_line(
    session: Session,
    *,
    org_id: int,
    run_id: str,
    surface: str,
    message_id: str,
    what: str,
    key: str,
) -> None:
    """One post under one posted copy of a run's card (``what``: ``note`` for the classification note, ``reminder``
    for a reminder), its own outbox row: a copy whose thread fails is retried alone, and the dedupe ``key`` means a
    retried card update never posts a reminder twice under a copy that already has it."""
    outbox.enqueue(
        session,
        org_id=org_id,
        kind=THREAD_LINE,
        dedupe_key=f"thread:{run_id}:{surface}:{message_id}:{key}",
        run_id=run_id,
        payload={"run_id": run_id, "surface": surface, "message_id": message_id, "what": what},
        give_up_after=NOTE_GIVE_UP if what == "note" else REMINDER_GIVE_UP,
    )


def request_cards(session: Session, run: Run, event: str, record: audit.AuditRecord) -> None:
    if run.status == "awaiting_approval" and event in ("ingested", "created", "replanned"):
        outbox.enqueue(
            session,
            org_id=run.org_id,
            kind=CARD_REQUEST,
            dedupe_key=f"card:{run.id}:{run.plan_hash}",
            run_id=run.id,
            payload={"run_id": run.id, "seq": record.seq},
        )
    elif event not in ("ingested", "created"):
        # Every later transition re-renders the posted cards (from the run's state at delivery time).
        request_card_update(session, org_id=run.org_id, run_id=run.id, event=event, seq=record.seq)


def request_card_update(session: Session, *, org_id: int, run_id: str, event: str, seq: int | None = None) -> None:
    """Re-render every posted copy of a run's card (from the state at delivery time), keyed by the audit entry
    ``seq`` that changed it (or, without one, by ``event``: once per run). Run transitions use it, and so does
    anything else a card shows that is not a run transition (a just-in-time grant's revocation, its expiry
    warning). Only the events in ``approvals.DECISION_EVENTS`` also message the requester; others only re-render."""
    outbox.enqueue(
        session,
        org_id=org_id,
        kind=CARD_UPDATE,
        dedupe_key=f"update:{run_id}:{seq if seq is not None else event}",
        run_id=run_id,
        payload={"run_id": run_id, "event": event, "seq": seq},
    )


def request_execution(session: Session, run: Run, event: str, record: audit.AuditRecord) -> None:
    """An approved run is executed by whichever replica's executor claims this row first.

    One row per approval (keyed by its audit entry): a run re-planned and approved again gets a new row, while a
    replayed row still runs at most once because the executor claims the run itself (approved -> executing)."""
    if event == "approved":
        outbox.enqueue(
            session,
            org_id=run.org_id,
            kind=EXECUTE,
            dedupe_key=f"execute:{run.id}:{record.seq}",
            run_id=run.id,
            payload={"run_id": run.id, "plan_hash": run.plan_hash},
        )
