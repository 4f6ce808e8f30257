"""Where OpsGate talks to people in Teams, kept in the ``integrations`` table so every replica knows.

* kind ``teams_channel``: the org's approval channel, one per org; ``config`` is the serialized Bot Framework
  ``ConversationReference`` of the channel (set with ``@OpsGate set approvals here``).
* kind ``teams_user``: how to reach one Teams user privately (their Bot Framework id, tenant, service URL and, once
  they have talked to the bot 1:1, the personal conversation's reference); ``name`` is their Entra object id.

Repository functions take the caller's session and never commit (the service owns the transaction).
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from opsgate.store.models import Integration, OutboxMessage, utcnow

CHANNEL = "teams_channel"
USER = "teams_user"


def _channel_id(org_id: int) -> str:
    return f"teams-channel-{org_id}"


def _user_id(org_id: int, aad_object_id: str) -> str:
    digest = hashlib.sha256(f"{org_id}:{aad_object_id.casefold()}".encode()).hexdigest()[:32]
    return f"tu_{digest}"


def _get(session: Session, integration_id: str, *, lock: bool = False) -> Integration | None:
    query = select(Integration).where(col(Integration.id) == integration_id)
    if lock:
        query = query.with_for_update()
    found: Integration | None = session.execute(query).scalar_one_or_none()
    return found


def _upsert(
    session: Session, *, integration_id: str, org_id: int, kind: str, name: str, config: dict[str, Any]
) -> None:
    row = _get(session, integration_id, lock=True)
    if row is None:
        try:
            with session.begin_nested():
                session.add(Integration(id=integration_id, org_id=org_id, kind=kind, name=name, config=config))
            return
        except IntegrityError:  # another replica inserted it first: update theirs
            row = _get(session, integration_id, lock=True)
            assert row is not None
    row.name = name
    row.config = dict(config)
    row.updated_at = utcnow()
    session.add(row)
    session.flush()


def approval_channel(session: Session, *, org_id: int) -> dict[str, Any] | None:
    """The stored conversation reference of the org's approval channel, or ``None`` when none was set."""
    row = _get(session, _channel_id(org_id))
    return dict(row.config) if row is not None else None


def set_approval_channel(session: Session, *, org_id: int, name: str, reference: dict[str, Any]) -> None:
    _upsert(session, integration_id=_channel_id(org_id), org_id=org_id, kind=CHANNEL, name=name, config=reference)


def wake_waiting(session: Session, *, org_id: int, kind: str) -> int:
    """Make the org's undelivered outbox rows of ``kind`` due now (cards that waited for a channel to exist)."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.org_id) == org_id,
            col(OutboxMessage.kind) == kind,
            col(OutboxMessage.delivered_at).is_(None),
            col(OutboxMessage.gave_up_at).is_(None),
        )
        .values(next_attempt_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def user_contact(session: Session, *, org_id: int, aad_object_id: str) -> dict[str, Any] | None:
    row = _get(session, _user_id(org_id, aad_object_id))
    return dict(row.config) if row is not None else None


def save_user_contact(session: Session, *, org_id: int, aad_object_id: str, contact: dict[str, Any]) -> bool:
    """Store how to reach a user; returns False (and writes nothing) when the stored contact is the same."""
    integration_id = _user_id(org_id, aad_object_id)
    row = _get(session, integration_id)
    if row is not None and row.config == contact:
        return False
    _upsert(session, integration_id=integration_id, org_id=org_id, kind=USER, name=aad_object_id, config=contact)
    return True
