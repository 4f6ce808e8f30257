"""The tables. Every row that belongs to an org carries ``org_id``.

Times are stored as naive UTC and read back as aware UTC (:class:`UTCDateTime`), so SQLite and PostgreSQL agree.
The run's state-machine fields live on :class:`Run`; the rules that move them live in ``opsgate.bot.runs``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in Python, naive UTC in the database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use aware UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def _ts(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def _created() -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


def _json(default: Any = dict) -> Any:
    return Field(default_factory=default, sa_column=Column(JSON, nullable=False))


class Org(SQLModel, table=True):
    __tablename__ = "orgs"
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=200)
    created_at: datetime = _created()


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_keys"
    id: str = Field(primary_key=True, max_length=32)  # public key id, e.g. "k_3f9a2c..." (part of the key)
    org_id: int = Field(foreign_key="orgs.id", index=True)
    name: str = Field(max_length=200)
    salt: str = Field(max_length=64)
    key_hash: str = Field(max_length=64)
    scopes: list[str] = _json(list)
    rate_limit_per_min: int | None = None
    bucket_tokens: float | None = None
    bucket_updated: float | None = None  # epoch seconds of the last refill
    created_at: datetime = _created()
    revoked_at: datetime | None = _ts()
    last_used_at: datetime | None = _ts()


class AuditEntry(SQLModel, table=True):
    """One link of an org's hash chain; see ``opsgate.store.audit`` for the algorithm."""

    __tablename__ = "audit_entries"
    __table_args__ = (UniqueConstraint("org_id", "seq", name="uq_audit_org_seq"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="orgs.id")
    seq: int
    ts: str = Field(max_length=40)  # ISO 8601 UTC with milliseconds, hashed as written
    actor: str = Field(max_length=200)
    action: str = Field(max_length=100, index=True)
    subject: str = Field(max_length=300)
    data: str = Field(sa_column=Column(Text, nullable=False))  # canonical JSON text, hashed as written
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """The last link per org; locking this row serialises appends across processes."""

    __tablename__ = "audit_heads"
    org_id: int = Field(foreign_key="orgs.id", primary_key=True)
    seq: int = 0
    hash: str = Field(default="0" * 64, max_length=64)


class Run(SQLModel, table=True):
    __tablename__ = "runs"
    __table_args__ = (
        UniqueConstraint("org_id", "external_ref", name="uq_runs_org_external_ref"),
        Index("ix_runs_org_status", "org_id", "status"),
        Index("ix_runs_org_issue", "org_id", "issue_key"),
    )
    id: str = Field(primary_key=True, max_length=40)
    org_id: int = Field(foreign_key="orgs.id")
    external_ref: str | None = Field(default=None, max_length=600)  # idempotency: "<jira base>#<KEY>"
    source: str = Field(max_length=20)  # jira | slack | teams | api
    issue_key: str | None = Field(default=None, max_length=100)
    issue_url: str | None = Field(default=None, max_length=2000)
    jira_base_url: str | None = Field(default=None, max_length=500)
    summary: str = Field(default="", sa_column=Column(Text, nullable=False))
    description: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    requester: str = Field(max_length=300)  # "jira:<email>", "slack:<user id>", "teams:<aad id>", "api:<key id>"
    requester_email: str | None = Field(default=None, max_length=320)
    status: str = Field(max_length=30)
    intent: str | None = Field(default=None, max_length=40)
    runbook_id: str | None = Field(default=None, max_length=20)
    confidence: float = 0.0
    target_email: str | None = Field(default=None, max_length=320)
    target_name: str | None = Field(default=None, max_length=300)
    params: dict[str, Any] = _json()
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    plan: list[dict[str, Any]] = _json(list)
    plan_hash: str | None = Field(default=None, max_length=64)
    approvals_required: int = 1
    approvals: list[dict[str, Any]] = _json(list)
    deadline_at: datetime | None = _ts(index=True)
    next_reminder_at: datetime | None = _ts(index=True)
    decided_by: str | None = Field(default=None, max_length=300)
    decided_at: datetime | None = _ts()
    deny_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    steps: list[dict[str, Any]] = _json(list)  # the execution journal, one entry per plan step
    failure: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    claimed_by: str | None = Field(default=None, max_length=100)
    version: int = 1
    created_at: datetime = _created()
    updated_at: datetime = _created()


class OutboxMessage(SQLModel, table=True):
    """Something the world must hear of (a Jira comment, a card update), delivered at least once by a worker."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "delivered_at", "gave_up_at", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="orgs.id", index=True)
    kind: str = Field(max_length=50)  # e.g. "jira.comment", "chat.update_card"
    dedupe_key: str = Field(max_length=300, unique=True)
    run_id: str | None = Field(default=None, max_length=40, index=True)
    payload: dict[str, Any] = _json()
    attempts: int = 0
    next_attempt_at: datetime = _created()
    claimed_until: datetime | None = _ts()
    give_up_at: datetime | None = _ts()
    delivered_at: datetime | None = _ts()
    gave_up_at: datetime | None = _ts()
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = _created()


class Integration(SQLModel, table=True):
    """An integration config (a Jira site, ...); secrets encrypted with OPSGATE_SECRET_KEY."""

    __tablename__ = "integrations"
    id: str = Field(primary_key=True, max_length=40)
    org_id: int = Field(foreign_key="orgs.id", index=True)
    kind: str = Field(max_length=30)
    name: str = Field(max_length=200)
    base_url: str | None = Field(default=None, max_length=500)
    config: dict[str, Any] = _json()
    secrets: str = Field(default="", sa_column=Column(Text, nullable=False))  # Fernet token of a JSON object
    created_at: datetime = _created()
    updated_at: datetime = _created()


class ChatMessage(SQLModel, table=True):
    """Where a copy of a card or note was posted, so every transition re-renders each copy in place."""

    __tablename__ = "chat_messages"
    __table_args__ = (UniqueConstraint("surface", "channel", "message_id", name="uq_chat_messages_where"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="orgs.id", index=True)
    run_id: str | None = Field(default=None, max_length=40, index=True)
    surface: str = Field(max_length=20)  # slack | teams
    kind: str = Field(max_length=30)  # approval | note
    channel: str = Field(max_length=300)
    message_id: str = Field(max_length=300)  # Slack ts, Teams activity id
    plan_hash: str | None = Field(default=None, max_length=64)
    reference: dict[str, Any] = _json()  # Teams conversation reference; Slack needs none
    created_at: datetime = _created()


class JiraLink(SQLModel, table=True):
    """A Jira issue followed by OpsGate: keyed by site and issue key, tied to a run and/or a chat thread."""

    __tablename__ = "jira_links"
    __table_args__ = (
        UniqueConstraint("org_id", "base_url", "issue_key", name="uq_jira_links_issue"),
        UniqueConstraint("chat_surface", "chat_channel", "chat_thread", name="uq_jira_links_thread"),
    )
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="orgs.id", index=True)
    integration_id: str = Field(foreign_key="integrations.id", max_length=40, index=True)
    base_url: str = Field(max_length=500)
    issue_key: str = Field(max_length=100)
    run_id: str | None = Field(default=None, max_length=40, index=True)
    chat_surface: str | None = Field(default=None, max_length=20)
    chat_channel: str | None = Field(default=None, max_length=300)
    chat_thread: str | None = Field(default=None, max_length=300)
    created_at: datetime = _created()


class WebhookDelivery(SQLModel, table=True):
    """Jira webhook deliveries already applied (``X-Atlassian-Webhook-Identifier``), so retries apply once."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("integration_id", "identifier", name="uq_webhook_delivery"),)
    id: int | None = Field(default=None, primary_key=True)
    integration_id: str = Field(max_length=40)
    identifier: str = Field(max_length=200)
    received_at: datetime = _created()


class JitResource(SQLModel, table=True):
    """A grantable just-in-time resource: one Okta or Entra ID group, bounded in time (``opsgate.bot.jit``)."""

    __tablename__ = "jit_resources"
    __table_args__ = (UniqueConstraint("org_id", "name", name="uq_jit_resources_org_name"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="orgs.id", index=True)
    name: str = Field(max_length=100)
    system: str = Field(max_length=10)  # okta | graph
    group_name: str = Field(max_length=256)
    area: str | None = Field(default=None, max_length=200)
    jira_project: str | None = Field(default=None, max_length=50)
    max_seconds: int
    default_seconds: int
    extra_approvers: list[str] = _json(list)
    managed: bool = False
    created_at: datetime = _created()


class JitGrant(SQLModel, table=True):
    """One JIT request and, once approved and executed, the grant with its due revocation."""

    __tablename__ = "jit_grants"
    __table_args__ = (Index("ix_jit_grants_due", "status", "due_at"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="orgs.id", index=True)
    run_id: str = Field(max_length=40, unique=True)
    resource: str = Field(max_length=100)
    requester: str = Field(max_length=300)
    requester_email: str = Field(max_length=320)
    duration_seconds: int
    status: str = Field(max_length=20)  # requested | active | revoked | denied | expired | cancelled
    member_before: bool | None = None
    granted_at: datetime | None = _ts()
    due_at: datetime | None = _ts()
    revoked_at: datetime | None = _ts()
    revoke_claimed_until: datetime | None = _ts()
    warned_at: datetime | None = _ts()
    jira_issue_key: str | None = Field(default=None, max_length=100)
    extended_from: int | None = None
    created_at: datetime = _created()


class JitReconcileLease(SQLModel, table=True):
    """Who is reconciling a managed JIT resource's group right now, and when its last round finished
    (``opsgate.bot.jit.reconcile``). One row per (org, resource name), made at the first claim; a row outliving its
    resource is harmless (a resource added again under that name simply continues its rhythm)."""

    __tablename__ = "jit_reconcile_leases"
    __table_args__ = (UniqueConstraint("org_id", "resource", name="uq_jit_reconcile_leases_org_resource"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="orgs.id")
    resource: str = Field(max_length=100)
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_until: datetime | None = _ts()
    reconciled_at: datetime | None = _ts()


class ChatPacing(SQLModel, table=True):
    """Outbound pacing shared by every replica (``opsgate.handlers.slack.pacing``): per key, the wall-clock time
    (epoch seconds) before which nobody may make that call: ``slack:post:<channel>`` (one post per second per
    channel) and ``slack:method:<method>`` (after a 429 with ``Retry-After``)."""

    __tablename__ = "chat_pacing"
    key: str = Field(primary_key=True, max_length=200)
    not_before: float = 0.0
