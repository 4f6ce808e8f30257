"""Identifiers that cross the wire, shared by the card builders and the handlers (STYLE.md §9).

Slack routes interactions by ``action_id`` (buttons) and ``callback_id`` (modals); Teams routes
``Action.Execute`` by ``verb``. Every id a builder puts into a payload is defined here, so a handler never
matches a string literal. What a button or a modal must remember travels as a small pydantic model
(:class:`DecisionButton` in a button's ``value``, :class:`DenyModalMetadata` in a modal's
``private_metadata``), parsed once by the handler with the ``parse`` helpers below.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ActionId(StrEnum):
    """Slack ``action_id`` of every interactive element a builder emits."""

    APPROVE = "opsgate.approve"  # value: DecisionButton
    DENY = "opsgate.deny"  # value: DecisionButton; the handler opens deny_reason_modal
    RETRY = "opsgate.retry"  # value: DecisionButton; retry a failed run from its failed step
    REFRESH_HOME = "opsgate.refresh_home"  # App Home "Refresh"
    NEW_REQUEST = "opsgate.new_request"  # App Home "New request": opens request_runbook_modal
    OPEN_RUN = "opsgate.open_run"  # value: the run id; show the run's card privately
    JIT_RELEASE = "opsgate.jit.release"  # App Home "Release": value GrantButton; ends your own grant now
    JIT_REVOKE = "opsgate.jit.revoke"  # App Home "Revoke" (approvers): value GrantButton; ends anyone's grant now


class CallbackId(StrEnum):
    """Slack ``callback_id`` of modals (view_submission routing)."""

    DENY_REASON = "opsgate.deny_reason"
    REQUEST_RUNBOOK = "opsgate.request_runbook"
    CREATE_JIRA_TICKET = "opsgate.create_jira_ticket"
    JIT_REQUEST = "opsgate.jit_request"


class BlockId(StrEnum):
    """Stable ``block_id`` of the approval card's blocks: tests and handlers find blocks by these."""

    HEADER = "opsgate.header"
    STATUS = "opsgate.status"
    SUMMARY = "opsgate.summary"
    FIELDS = "opsgate.fields"
    CLASSIFICATION = "opsgate.classification"
    PLAN = "opsgate.plan"
    APPROVALS = "opsgate.approvals"
    ACTIONS = "opsgate.actions"  # Approve / Deny
    PROCESSING = "opsgate.processing"  # replaces ACTIONS right after a click
    RESULTS = "opsgate.results"
    FAILURE = "opsgate.failure"
    RETRY = "opsgate.retry"  # actions block holding the Retry button
    FOOTER = "opsgate.footer"
    NOTE = "opsgate.note"  # thread notes, DMs, reminders, refusals: the one text section
    HOME_HEADER = "opsgate.home.header"
    HOME_TOOLBAR = "opsgate.home.toolbar"
    HOME_PENDING = "opsgate.home.pending"  # section heading; items are "<id>.<run_id>"
    HOME_RECENT = "opsgate.home.recent"
    HOME_MINE = "opsgate.home.mine"
    HOME_EXTRA = "opsgate.home.extra"
    HOME_MORE = "opsgate.home.more"
    GRANT = "opsgate.grant"  # JIT card: the "Access" line (active until / ending now / ended)
    HOME_ACCESS = "opsgate.home.access"  # App Home "Your access"; items are "<id>.<grant_id>"
    HOME_GRANTS = "opsgate.home.grants"  # App Home "Active access grants" (approvers); items "<id>.<grant_id>"


class FieldId(StrEnum):
    """Modal inputs. For every field the input block's ``block_id`` and the element's ``action_id`` are
    both the field id, so a handler reads ``view["state"]["values"][f][f]`` (``blockkit.modals.read_values``).
    """

    DENY_REASON = "opsgate.field.deny_reason"
    RUNBOOK = "opsgate.field.runbook"  # static_select; value = runbook id
    TARGET_USER = "opsgate.field.target_user"  # users_select; value = Slack user id
    GROUP = "opsgate.field.group"  # plain_text_input
    LICENCE = "opsgate.field.licence"  # plain_text_input
    ACTION = "opsgate.field.action"  # static_select; value = "add" | "remove"
    REASON = "opsgate.field.reason"  # plain_text_input, multiline


class Verb(StrEnum):
    """Adaptive Card ``Action.Execute`` verbs (Teams ``adaptiveCard/action`` invokes)."""

    APPROVE = "opsgate.approve"  # data: {run_id, plan_hash}
    DENY = "opsgate.deny"  # data: {run_id, plan_hash} + input "reason"
    RETRY = "opsgate.retry"  # data: {run_id, plan_hash}
    REFRESH = "opsgate.refresh"  # data: {run_id, plan_hash}
    REQUEST = "opsgate.request"  # inputs: see InputId


class InputId(StrEnum):
    """Adaptive Card input ids; Teams merges their values into the action's data under these keys."""

    REASON = "reason"
    RUNBOOK = "runbook"
    TARGET_EMAIL = "target_email"
    GROUP = "group"
    LICENCE = "licence"
    ACTION = "action"


class DecisionButton(BaseModel):
    """What an Approve / Deny / Retry press carries: the run and the hash of the plan the card showed.

    Serialised compactly (``{"r":"run_1","h":"9f2c..."}``) into a Slack button ``value`` (2,000 chars max).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", validate_by_name=True, validate_by_alias=True)

    run_id: str = Field(alias="r", min_length=1, max_length=200)
    plan_hash: str = Field(alias="h", min_length=1, max_length=200)

    def to_value(self) -> str:
        return self.model_dump_json(by_alias=True)

    @classmethod
    def parse(cls, value: str) -> DecisionButton:
        """Parse a button value; raises ``pydantic.ValidationError`` (a ``ValueError``) when malformed."""
        return cls.model_validate_json(value)

    def as_data(self) -> dict[str, Any]:
        """The Adaptive Card ``Action.Execute`` data: ``{"run_id": ..., "plan_hash": ...}``."""
        return {"run_id": self.run_id, "plan_hash": self.plan_hash}


class GrantButton(BaseModel):
    """What a Release / Revoke press in App Home carries: the grant id (``{"g":12}``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_by_name=True, validate_by_alias=True)

    grant_id: int = Field(alias="g", gt=0)

    def to_value(self) -> str:
        return self.model_dump_json(by_alias=True)

    @classmethod
    def parse(cls, value: str) -> GrantButton:
        """Parse a button value; raises ``pydantic.ValidationError`` (a ``ValueError``) when malformed."""
        return cls.model_validate_json(value)


class DenyModalMetadata(BaseModel):
    """``private_metadata`` of the deny-reason modal: which run, which plan, and which message to update.

    ``channel`` and ``message_ts`` are empty when Deny was pressed in App Home (no card message to update).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    run_id: str = Field(min_length=1, max_length=200)
    plan_hash: str = Field(min_length=1, max_length=200)
    channel: str | None = None
    message_ts: str | None = None

    def to_metadata(self) -> str:
        return self.model_dump_json(exclude_none=True)

    @classmethod
    def parse(cls, metadata: str) -> DenyModalMetadata:
        """Parse ``private_metadata``; raises ``pydantic.ValidationError`` (a ``ValueError``) if malformed."""
        return cls.model_validate_json(metadata)
