"""Lines OpsGate posts in chat threads about Jira (webhook timeline, unreachable transitions, give-up notices).

They are outbox rows (``jira.note``) written in the same transaction as the delivery record or audit entry that
caused them, so a chat outage delays a line but never loses it. A line goes under every copy of a run's approval
card, or into the Slack thread a ticket was created from, or both.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog
from sqlmodel import Session

from opsgate.bot.approvals import ApprovalCards
from opsgate.bot.chat import ChatSurface, ChatUnavailable, PostedMessage
from opsgate.bot.outbox_worker import RetryLater
from opsgate.store import outbox
from opsgate.store.outbox import OutboxItem

log = structlog.get_logger("opsgate.jira")

NOTE = "jira.note"
NOTE_GIVE_UP = timedelta(hours=24)
MAX_NOTE = 3000


@dataclass(frozen=True)
class Thread:
    surface: str
    channel: str
    ts: str


def enqueue_note(
    session: Session,
    *,
    org_id: int,
    text: str,
    dedupe: str,
    run_id: str | None = None,
    thread: Thread | None = None,
) -> bool:
    if run_id is None and thread is None:
        return False
    payload: dict[str, Any] = {"text": text[:MAX_NOTE], "run_id": run_id}
    if thread is not None:
        payload["thread"] = {"surface": thread.surface, "channel": thread.channel, "ts": thread.ts}
    key = "jira.note:" + hashlib.sha256(dedupe.encode()).hexdigest()[:40]
    return outbox.enqueue(
        session, org_id=org_id, kind=NOTE, dedupe_key=key, payload=payload, run_id=run_id, give_up_after=NOTE_GIVE_UP
    )


class NoteDelivery:
    def __init__(self, cards: ApprovalCards, surfaces: dict[str, ChatSurface]) -> None:
        self.cards = cards
        self.surfaces = surfaces

    async def __call__(self, item: OutboxItem) -> None:
        text = str(item.payload["text"])
        run_id = item.payload.get("run_id")
        thread = item.payload.get("thread")
        try:
            sent = await self.cards.post_in_threads(str(run_id), text) if run_id else 0
            if thread:
                surface = self.surfaces.get(str(thread["surface"]))
                if surface is not None:
                    where = PostedMessage(str(thread["surface"]), str(thread["channel"]), str(thread["ts"]))
                    await surface.post_in_thread(where, text)
                    sent += 1
        except ChatUnavailable as exc:
            raise RetryLater(f"chat: {exc}", exc.retry_after) from exc
        if not sent:
            log.info("jira_note_without_thread", run=run_id, item=item.id)
