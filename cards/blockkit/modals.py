"""Slack modals: the deny reason and the runbook request, and the one function that reads their answers.

Every input block uses a :class:`~opsgate.cards.ids.FieldId` as both its ``block_id`` and its element's
``action_id``; :func:`read_values` flattens ``view.state.values`` into ``{FieldId: str}`` once, so handlers
never walk Slack's nested state.

===============================  ================  ==========================================
field (block_id = action_id)     element           value read
===============================  ================  ==========================================
``FieldId.DENY_REASON``          plain_text_input  ``value`` (required, <= 2,000 chars)
``FieldId.RUNBOOK``              static_select     ``selected_option.value`` = runbook id
``FieldId.TARGET_USER``          users_select      ``selected_user`` = Slack user id (optional)
``FieldId.GROUP``                plain_text_input  ``value`` (optional)
``FieldId.LICENCE``              plain_text_input  ``value`` (optional)
``FieldId.ACTION``               static_select     ``selected_option.value`` = add|remove (opt.)
``FieldId.REASON``               plain_text_input  ``value`` (required, <= 2,000 chars)
===============================  ================  ==========================================
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..ids import CallbackId, DenyModalMetadata, FieldId
from ..limits import (
    DENY_REASON_MAX,
    REQUEST_REASON_MAX,
    SLACK_INPUT_HINT,
    SLACK_INPUT_LABEL,
    SLACK_OPTION_TEXT,
    SLACK_OPTION_VALUE,
    SLACK_PLACEHOLDER,
    SLACK_SELECT_OPTIONS,
    SLACK_VIEW_BUTTON,
    SLACK_VIEW_TITLE,
    SUBJECT_TEXT,
)
from ..markup import SLACK
from ..text import ACTION_CHOICES, OPTIONAL_PARAMS, RunbookChoice, needed_for
from .blocks import Block, plain, section

_FIELD_FOR = {"group": FieldId.GROUP, "licence": FieldId.LICENCE, "action": FieldId.ACTION}


def _modal(title: str, callback_id: CallbackId, blocks: list[Block], submit: str | None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": str(callback_id),
        "title": plain(title, SLACK_VIEW_TITLE),
        "close": plain("Cancel", SLACK_VIEW_BUTTON),
        "blocks": blocks,
    }
    if submit:
        view["submit"] = plain(submit, SLACK_VIEW_BUTTON)
    return view


def _input(field: FieldId, label: str, element: dict[str, Any], *, optional: bool = False, hint: str = "") -> Block:
    block: Block = {
        "type": "input",
        "block_id": str(field),
        "label": plain(label, SLACK_INPUT_LABEL),
        "element": {**element, "action_id": str(field)},
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, SLACK_INPUT_HINT)
    return block


def _text_input(max_length: int, placeholder: str = "", multiline: bool = False) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "multiline": multiline, "max_length": max_length}
    if placeholder:
        element["placeholder"] = plain(placeholder, SLACK_PLACEHOLDER)
    return element


def _option(value: str, text: str) -> dict[str, Any]:
    return {"text": plain(text, SLACK_OPTION_TEXT), "value": value[:SLACK_OPTION_VALUE]}


def deny_reason_modal(metadata: DenyModalMetadata, subject: str | None = None) -> dict[str, Any]:
    """The modal Deny opens (``callback_id`` ``CallbackId.DENY_REASON``); the run travels in
    ``private_metadata``. ``subject`` (e.g. ``MFA Reset for Sarah Chen``) is shown when given."""
    blocks: list[Block] = []
    if subject:
        blocks.append(section(f"You are denying *{SLACK.fit(subject, SUBJECT_TEXT)}*.", "opsgate.deny_reason.subject"))
    blocks.append(
        _input(
            FieldId.DENY_REASON,
            "Why are you denying it?",
            _text_input(DENY_REASON_MAX, "The requester and the Jira issue will see this reason", multiline=True),
            hint="Nothing runs. The requester is told, and the reason is written to the Jira issue.",
        )
    )
    view = _modal("Deny request", CallbackId.DENY_REASON, blocks, "Deny")
    view["private_metadata"] = metadata.to_metadata()
    return view


def request_runbook_modal(runbooks: Sequence[RunbookChoice], private_metadata: str = "") -> dict[str, Any]:
    """The ``/opsgate request`` modal (``callback_id`` ``CallbackId.REQUEST_RUNBOOK``): a runbook, whom it
    acts on, the optional parameters some runbooks take (shown only when one of ``runbooks`` declares them)
    and a reason. ``private_metadata`` is passed through (e.g. the channel to answer in)."""
    if not runbooks:
        blocks = [section("No runbook can be requested right now. Ask an OpsGate admin.", "opsgate.request.none")]
        return _modal("Request a runbook", CallbackId.REQUEST_RUNBOOK, blocks, None)
    options = [_option(rid, f"{title} ({rid})") for rid, title, _ in runbooks[:SLACK_SELECT_OPTIONS]]
    blocks = [
        _input(
            FieldId.RUNBOOK,
            "Runbook",
            {"type": "static_select", "options": options, "placeholder": plain("Choose a runbook", 150)},
        ),
        _input(
            FieldId.TARGET_USER,
            "Target user",
            {"type": "users_select", "placeholder": plain("Whose account?", 150)},
            optional=True,
            hint="Leave empty when the request is for yourself.",
        ),
    ]
    for key, names, label, placeholder in OPTIONAL_PARAMS:
        users = needed_for(runbooks, names)
        if not users:
            continue
        if key == "action":
            element = {"type": "static_select", "options": [_option(value, text) for value, text in ACTION_CHOICES]}
        else:
            element = _text_input(200, placeholder)
        blocks.append(_input(_FIELD_FOR[key], label, element, optional=True, hint="Needed for: " + ", ".join(users)))
    blocks.append(
        _input(
            FieldId.REASON,
            "Reason",
            _text_input(REQUEST_REASON_MAX, "What do you need, and why?", multiline=True),
            hint="Approvers see this on the approval card.",
        )
    )
    view = _modal("Request a runbook", CallbackId.REQUEST_RUNBOOK, blocks, "Request")
    if private_metadata:
        view["private_metadata"] = private_metadata
    return view


def read_values(state_values: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> dict[FieldId, str]:
    """Flatten ``view["state"]["values"]`` of our modals into ``{FieldId: value}``; empty answers and
    unknown blocks are left out, text is stripped."""
    out: dict[FieldId, str] = {}
    known = {str(field): field for field in FieldId}
    for bid, elements in state_values.items():
        field = known.get(bid)
        state = elements.get(bid) if field else None
        if field is None or state is None:
            continue
        option = state.get("selected_option") or {}
        raw = state.get("value") or state.get("selected_user") or option.get("value")
        if isinstance(raw, str) and raw.strip():
            out[field] = raw.strip()
    return out
