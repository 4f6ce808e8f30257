"""Slack views for "Create Jira ticket" (message shortcut): the modal, the thread message that announces the
ticket (with its Unlink button), and the answers around them. Pure functions of plain data.

The modal's inputs use :class:`JiraField` as both ``block_id`` and ``action_id``; :func:`read_ticket_form` reads
``view.state.values`` once. What the modal must remember (the thread and the permalink) travels in
``private_metadata`` as :class:`TicketModalMetadata`; the Unlink button's ``value`` is a :class:`UnlinkButton`.
(These ids may move into ``cards/ids.py`` with the other wire ids.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..ids import CallbackId
from ..limits import SLACK_OPTION_TEXT, SLACK_OPTION_VALUE, SLACK_VIEW_BUTTON, SLACK_VIEW_TITLE
from ..markup import SLACK
from .blocks import Block, actions, button, context, message, plain, section

SUMMARY_MAX = 255  # Jira's summary limit
DESCRIPTION_MAX = 3000  # Slack's plain_text_input limit
PROJECT_MAX = 50
ATTACH_VALUE = "thread"


class JiraField(StrEnum):
    SITE = "opsgate.jira.site"  # static_select (only with several Jira sites); value = integration id
    PROJECT = "opsgate.jira.project"
    SUMMARY = "opsgate.jira.summary"
    DESCRIPTION = "opsgate.jira.description"
    DUE_DATE = "opsgate.jira.due_date"  # datepicker, optional
    ATTACH = "opsgate.jira.attach"  # checkboxes, optional


class JiraAction(StrEnum):
    UNLINK = "opsgate.jira.unlink"  # value: UnlinkButton


class JiraBlock(StrEnum):
    CREATED = "opsgate.jira.created"
    CREATED_ACTIONS = "opsgate.jira.created.actions"
    NOTICE = "opsgate.jira.notice"


class TicketModalMetadata(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    channel: str = Field(min_length=1, max_length=50)
    thread_ts: str = Field(min_length=1, max_length=40)
    permalink: str | None = Field(default=None, max_length=1000)

    def to_metadata(self) -> str:
        return self.model_dump_json(exclude_none=True)

    @classmethod
    def parse(cls, metadata: str) -> TicketModalMetadata:
        return cls.model_validate_json(metadata)


class UnlinkButton(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(min_length=1, max_length=100)
    thread_ts: str = Field(min_length=1, max_length=40)

    def to_value(self) -> str:
        return self.model_dump_json()

    @classmethod
    def parse(cls, value: str) -> UnlinkButton:
        return cls.model_validate_json(value)


@dataclass(frozen=True)
class SiteChoice:
    id: str
    label: str  # e.g. "acme.atlassian.net"


@dataclass(frozen=True)
class TicketForm:
    summary: str
    description: str
    project: str | None
    site: str | None
    due_date: str | None
    attach_thread: bool


def _input(field: JiraField, label: str, element: dict[str, Any], *, optional: bool = False, hint: str = "") -> Block:
    block: Block = {
        "type": "input",
        "block_id": str(field),
        "label": plain(label, 2000),
        "element": {**element, "action_id": str(field)},
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def _text(max_length: int, initial: str | None = None, multiline: bool = False) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "multiline": multiline, "max_length": max_length}
    if initial:
        element["initial_value"] = initial[:max_length]
    return element


def summary_from(message_text: str) -> str:
    """The first non-empty line of the message, as a summary."""
    first = next((line.strip() for line in message_text.splitlines() if line.strip()), "")
    return first[:SUMMARY_MAX]


def description_from(message_text: str, permalink: str | None) -> str:
    tail = f"\n\nSlack thread: {permalink}" if permalink else ""
    return message_text.strip()[: DESCRIPTION_MAX - len(tail)] + tail


def ticket_modal(
    metadata: TicketModalMetadata,
    *,
    message_text: str,
    default_project: str | None,
    sites: Sequence[SiteChoice] = (),
) -> dict[str, Any]:
    blocks: list[Block] = []
    if len(sites) > 1:
        options = [{"text": plain(s.label, SLACK_OPTION_TEXT), "value": s.id[:SLACK_OPTION_VALUE]} for s in sites[:100]]
        blocks.append(
            _input(
                JiraField.SITE, "Jira site", {"type": "static_select", "options": options, "initial_option": options[0]}
            )
        )
    blocks += [
        _input(JiraField.PROJECT, "Project key", _text(PROJECT_MAX, default_project), hint="For example ITSM"),
        _input(JiraField.SUMMARY, "Summary", _text(SUMMARY_MAX, summary_from(message_text))),
        _input(
            JiraField.DESCRIPTION,
            "Description",
            _text(DESCRIPTION_MAX, description_from(message_text, metadata.permalink), multiline=True),
            optional=True,
        ),
        _input(JiraField.DUE_DATE, "Due date", {"type": "datepicker"}, optional=True),
        _input(
            JiraField.ATTACH,
            "Attachment",
            {
                "type": "checkboxes",
                "options": [{"text": plain("Attach the thread as a text file", 75), "value": ATTACH_VALUE}],
            },
            optional=True,
        ),
    ]
    return {
        "type": "modal",
        "callback_id": str(CallbackId.CREATE_JIRA_TICKET),
        "title": plain("Create Jira ticket", SLACK_VIEW_TITLE),
        "submit": plain("Create", SLACK_VIEW_BUTTON),
        "close": plain("Cancel", SLACK_VIEW_BUTTON),
        "private_metadata": metadata.to_metadata(),
        "blocks": blocks,
    }


def info_modal(text: str, link: tuple[str, str] | None = None) -> dict[str, Any]:
    """A modal that only says something (the thread is already linked, Jira is not configured); ``link`` is an
    optional ``(url, label)`` shown after the text."""
    body = SLACK.escape(text) + (f" {SLACK.link(link[0], link[1])}" if link else "")
    return {
        "type": "modal",
        "title": plain("Create Jira ticket", SLACK_VIEW_TITLE),
        "close": plain("Close", SLACK_VIEW_BUTTON),
        "blocks": [section(body, JiraBlock.NOTICE)],
    }


def read_ticket_form(state_values: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> TicketForm:
    def state(field: JiraField) -> Mapping[str, Any]:
        return (state_values.get(str(field)) or {}).get(str(field)) or {}

    def text(field: JiraField) -> str:
        return str(state(field).get("value") or "").strip()

    site = (state(JiraField.SITE).get("selected_option") or {}).get("value")
    due = state(JiraField.DUE_DATE).get("selected_date")
    chosen = {o.get("value") for o in state(JiraField.ATTACH).get("selected_options") or []}
    return TicketForm(
        summary=text(JiraField.SUMMARY),
        description=text(JiraField.DESCRIPTION),
        project=text(JiraField.PROJECT).upper() or None,
        site=str(site) if site else None,
        due_date=str(due) if due else None,
        attach_thread=ATTACH_VALUE in chosen,
    )


def form_errors(form: TicketForm, today: date) -> dict[str, str]:
    """``response_action: errors`` for the view_submission ack, keyed by block id."""
    errors: dict[str, str] = {}
    if not form.summary:
        errors[str(JiraField.SUMMARY)] = "Give the ticket a summary."
    if not form.project or not form.project.replace("_", "").isalnum() or not form.project[0].isalpha():
        errors[str(JiraField.PROJECT)] = "Give a Jira project key such as ITSM."
    if form.due_date and form.due_date < today.isoformat():
        errors[str(JiraField.DUE_DATE)] = "The due date is in the past."
    return errors


def created_message(key: str, url: str, thread_ts: str, attachment_error: str | None = None) -> dict[str, Any]:
    """Posted in the thread once the ticket exists: the key and link, and an Unlink button."""
    text = f"Created Jira ticket {SLACK.link(url, key)}. Jira updates will appear in this thread."
    blocks: list[Block] = [section(text, JiraBlock.CREATED)]
    if attachment_error:
        blocks.append(
            context(f"The thread could not be attached: {SLACK.fit(attachment_error, 1500)}", JiraBlock.NOTICE)
        )
    unlink = button("Unlink", JiraAction.UNLINK, UnlinkButton(key=key, thread_ts=thread_ts).to_value())
    blocks.append(actions(JiraBlock.CREATED_ACTIONS, [unlink]))
    return message(f"Created Jira ticket {key}: {url}", blocks)


def unlinked_message(key: str) -> dict[str, Any]:
    text = f"Unlinked from {SLACK.escape(key)}: Jira updates no longer appear here. The Jira issue itself is unchanged."
    return message(text, [section(text, JiraBlock.CREATED)])


def notice_message(text: str) -> dict[str, Any]:
    return message(text, [section(SLACK.escape(text), JiraBlock.NOTICE)])
