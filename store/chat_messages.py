"""Where cards were posted (one row per copy), so any replica can re-render or thread under them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from opsgate.store.models import ChatMessage


def record(
    session: Session,
    *,
    org_id: int,
    run_id: str | None,
    surface: str,
    kind: str,
    channel: str,
    message_id: str,
    plan_hash: str | None = None,
    reference: dict[str, Any] | None = None,
) -> None:
    try:
        with session.begin_nested():
            session.add(
                ChatMessage(
                    org_id=org_id,
                    run_id=run_id,
                    surface=surface,
                    kind=kind,
                    channel=channel,
                    message_id=message_id,
                    plan_hash=plan_hash,
                    reference=reference or {},
                )
            )
    except IntegrityError:
        pass  # already recorded: posting is at-least-once, recording is idempotent


def for_run(session: Session, run_id: str, *, kind: str | None = None) -> list[ChatMessage]:
    q = select(ChatMessage).where(col(ChatMessage.run_id) == run_id)
    if kind is not None:
        q = q.where(col(ChatMessage.kind) == kind)
    return list(session.execute(q.order_by(col(ChatMessage.id))).scalars())


def find(session: Session, *, surface: str, channel: str, message_id: str) -> ChatMessage | None:
    q = select(ChatMessage).where(
        col(ChatMessage.surface) == surface,
        col(ChatMessage.channel) == channel,
        col(ChatMessage.message_id) == message_id,
    )
    found: ChatMessage | None = session.execute(q).scalar_one_or_none()
    return found
