"""SQL for Jira integrations, issue links and webhook deliveries (keyword-only ``session=`` functions that never
commit: the calling service owns the transaction, so a link, its audit entry and its outbox rows commit together).

The tables live in ``opsgate.store.models`` (``integrations``, ``jira_links``, ``webhook_deliveries``).
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from opsgate.bot.jira.config import KIND, JiraConfig, JiraSecrets, JiraSite
from opsgate.store.crypto import decrypt_json, encrypt_json
from opsgate.store.models import Integration, JiraLink, WebhookDelivery, utcnow


def new_integration_id() -> str:
    return "jira_" + base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower()


# --- integrations ------------------------------------------------------------------------------------------


def site_of(row: Integration, secret_key: str | None = None) -> JiraSite:
    """The row as a :class:`JiraSite`; with ``secret_key``, its secrets decrypted too."""
    loaded = JiraSecrets.model_validate(decrypt_json(secret_key, row.secrets)) if secret_key else None
    return JiraSite(row.id, row.org_id, row.name, row.base_url or "", JiraConfig.model_validate(row.config), loaded)


def get_row(session: Session, integration_id: str) -> Integration | None:
    row = session.get(Integration, integration_id)
    return row if row is not None and row.kind == KIND else None


def list_rows(session: Session, *, org_id: int | None = None) -> list[Integration]:
    q = select(Integration).where(col(Integration.kind) == KIND)
    if org_id is not None:
        q = q.where(col(Integration.org_id) == org_id)
    return list(session.execute(q.order_by(col(Integration.created_at), col(Integration.id))).scalars())


_SITE_FOR_BASE = text(
    "SELECT id FROM integrations WHERE kind = :kind AND org_id = :org_id AND lower(base_url) = :base_url LIMIT 1"
)


def row_for_base(session: Session, *, org_id: int, base_url: str) -> Integration | None:
    """The org's integration for a site (base URLs compare case-insensitively, as run and link keys do). Runs for
    every ingested ticket, mostly to find nothing: a plain statement first, the ORM row only when there is one."""
    params = {"kind": KIND, "org_id": org_id, "base_url": base_url.lower()}
    found = session.connection().execute(_SITE_FOR_BASE, params).scalar()
    return get_row(session, str(found)) if found is not None else None


def insert(
    session: Session,
    *,
    org_id: int,
    name: str,
    base_url: str,
    config: JiraConfig,
    secrets_: JiraSecrets,
    secret_key: str,
) -> Integration:
    now = utcnow()
    row = Integration(
        id=new_integration_id(),
        org_id=org_id,
        kind=KIND,
        name=name,
        base_url=base_url,
        config=config.model_dump(mode="json"),
        secrets=encrypt_json(secret_key, _secret_json(secrets_)),
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


def save(
    session: Session,
    row: Integration,
    *,
    config: JiraConfig | None = None,
    secrets_: JiraSecrets | None = None,
    secret_key: str | None = None,
    name: str | None = None,
    base_url: str | None = None,
) -> None:
    values: dict[str, Any] = {"updated_at": utcnow()}
    if base_url is not None:
        values["base_url"] = base_url
    if config is not None:
        values["config"] = config.model_dump(mode="json")
    if secrets_ is not None:
        assert secret_key is not None
        values["secrets"] = encrypt_json(secret_key, _secret_json(secrets_))
    if name is not None:
        values["name"] = name
    session.execute(update(Integration).where(col(Integration.id) == row.id).values(**values))
    for key, value in values.items():
        setattr(row, key, value)


def delete_row(session: Session, integration_id: str) -> int:
    """Delete an integration with its links and delivery records; returns how many links went."""
    links = session.execute(delete(JiraLink).where(col(JiraLink.integration_id) == integration_id))
    session.execute(delete(WebhookDelivery).where(col(WebhookDelivery.integration_id) == integration_id))
    session.execute(delete(Integration).where(col(Integration.id) == integration_id))
    return int(getattr(links, "rowcount", 0) or 0)


def _secret_json(value: JiraSecrets) -> dict[str, Any]:
    out: dict[str, Any] = {"token": value.token.get_secret_value()}
    if value.webhook_secret is not None:
        out["webhook_secret"] = value.webhook_secret.get_secret_value()
    return out


# --- links ---------------------------------------------------------------------------------------------------


def _insert(session: Session, values: dict[str, Any], conflict: list[str]) -> bool:
    dialect = session.get_bind().dialect.name
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(JiraLink).values(**values)
    return (
        session.execute(stmt.on_conflict_do_nothing(index_elements=conflict).returning(col(JiraLink.id))).first()
        is not None
    )


def link_run(session: Session, *, site: JiraSite, issue_key: str, run_id: str) -> JiraLink | None:
    """Link a run to its issue (once per site and key); an existing link without a run (a ticket created from
    Slack that Jira Automation later sent in) gains the run. Returns the link."""
    key = issue_key.upper()
    _insert(
        session,
        {
            "org_id": site.org_id,
            "integration_id": site.id,
            "base_url": site.link_base,
            "issue_key": key,
            "run_id": run_id,
            "created_at": utcnow(),
        },
        ["org_id", "base_url", "issue_key"],
    )
    link = link_for_issue(session, org_id=site.org_id, base_url=site.link_base, issue_key=key)
    if link is not None and link.run_id is None:
        session.execute(update(JiraLink).where(col(JiraLink.id) == link.id).values(run_id=run_id))
        link.run_id = run_id
    return link


def link_thread(session: Session, *, site: JiraSite, issue_key: str, surface: str, channel: str, thread: str) -> bool:
    """Link a chat thread to an issue; False when the thread (or the issue) is already linked."""
    try:
        with session.begin_nested():
            return _insert(
                session,
                {
                    "org_id": site.org_id,
                    "integration_id": site.id,
                    "base_url": site.link_base,
                    "issue_key": issue_key.upper(),
                    "chat_surface": surface,
                    "chat_channel": channel,
                    "chat_thread": thread,
                    "created_at": utcnow(),
                },
                ["chat_surface", "chat_channel", "chat_thread"],
            )
    except IntegrityError:  # the issue's own unique key: the issue is linked elsewhere
        return False


def set_link_issue(session: Session, link_id: int, issue_key: str) -> None:
    session.execute(update(JiraLink).where(col(JiraLink.id) == link_id).values(issue_key=issue_key.upper()))


def link_for_issue(session: Session, *, org_id: int, base_url: str, issue_key: str) -> JiraLink | None:
    q = select(JiraLink).where(
        col(JiraLink.org_id) == org_id,
        col(JiraLink.base_url) == base_url.lower(),
        col(JiraLink.issue_key) == issue_key.upper(),
    )
    found: JiraLink | None = session.execute(q.execution_options(populate_existing=True)).scalars().first()
    return found


def link_for_run(session: Session, run_id: str) -> JiraLink | None:
    q = select(JiraLink).where(col(JiraLink.run_id) == run_id).order_by(col(JiraLink.id))
    found: JiraLink | None = session.execute(q.execution_options(populate_existing=True)).scalars().first()
    return found


def link_for_thread(session: Session, *, surface: str, channel: str, thread: str) -> JiraLink | None:
    q = select(JiraLink).where(
        col(JiraLink.chat_surface) == surface,
        col(JiraLink.chat_channel) == channel,
        col(JiraLink.chat_thread) == thread,
    )
    found: JiraLink | None = session.execute(q.execution_options(populate_existing=True)).scalars().first()
    return found


def clear_thread(session: Session, link_id: int) -> None:
    session.execute(
        update(JiraLink)
        .where(col(JiraLink.id) == link_id)
        .values(chat_surface=None, chat_channel=None, chat_thread=None)
    )


def delete_link(session: Session, link_id: int) -> None:
    session.execute(delete(JiraLink).where(col(JiraLink.id) == link_id))


def stale_reservation(link: JiraLink, before: datetime) -> bool:
    return link.issue_key.startswith(RESERVED) and link.created_at < before


RESERVED = "~CREATING-"  # issue_key of a thread link while its Jira issue is being created


# --- webhook deliveries ------------------------------------------------------------------------------------


def record_delivery(session: Session, *, integration_id: str, identifier: str) -> bool:
    """Remember a delivery; False when it was applied before (a retry or a replay)."""
    dialect = session.get_bind().dialect.name
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(WebhookDelivery).values(
        integration_id=integration_id, identifier=identifier[:200], received_at=utcnow()
    )
    stmt = stmt.on_conflict_do_nothing(index_elements=["integration_id", "identifier"])
    return session.execute(stmt.returning(col(WebhookDelivery.id))).first() is not None
