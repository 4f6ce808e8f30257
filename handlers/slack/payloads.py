"""Typed views of the Slack payloads OpsGate reads, parsed once (STYLE.md §9): who acted, where an answer goes,
which message or view was clicked, and the pressed button's value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from opsgate.cards.ids import DecisionButton


def _dig(body: Mapping[str, Any], *path: str) -> Any:
    node: Any = body
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _str(value: Any) -> str | None:
    return str(value) if isinstance(value, str) and value else None


@dataclass(frozen=True)
class Where:
    """Where a request came from and where its private answers go."""

    user_id: str | None
    channel_id: str | None = None  # answer with chat.postEphemeral here; None: DM the user
    message_ts: str | None = None  # the clicked message (None for ephemeral messages and views)
    view_id: str | None = None
    view_type: str | None = None  # "home" | "modal"
    trigger_id: str | None = None
    response_url: str | None = None

    @classmethod
    def of(cls, body: Mapping[str, Any]) -> Where:
        user = _str(_dig(body, "user", "id")) or _str(body.get("user_id")) or _str(_dig(body, "event", "user"))
        container = body.get("container") if isinstance(body.get("container"), Mapping) else {}
        assert isinstance(container, Mapping)
        channel = (
            _str(_dig(body, "channel", "id"))
            or _str(body.get("channel_id"))
            or _str(container.get("channel_id"))
            or _str(_dig(body, "event", "channel"))
        )
        ephemeral = bool(container.get("is_ephemeral"))
        ts = None if ephemeral else _str(container.get("message_ts")) or _str(_dig(body, "message", "ts"))
        view = body.get("view") if isinstance(body.get("view"), Mapping) else None
        if body.get("type") == "view_submission":
            channel, ts = None, None
        return cls(
            user_id=user,
            channel_id=channel,
            message_ts=ts if container.get("type", "message") == "message" else None,
            view_id=_str(view.get("id")) if view else None,
            view_type=_str(view.get("type")) if view else None,
            trigger_id=_str(body.get("trigger_id")),
            response_url=_str(body.get("response_url")),
        )


def action_value(body: Mapping[str, Any]) -> str | None:
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions or not isinstance(actions[0], Mapping):
        return None
    first = actions[0]
    return _str(first.get("value")) or _str(_dig(first, "selected_option", "value"))


def decision_button(body: Mapping[str, Any]) -> DecisionButton | None:
    """The pressed Approve/Deny/Retry button's value, or ``None`` when it is missing or malformed."""
    value = action_value(body)
    if value is None:
        return None
    try:
        return DecisionButton.parse(value)
    except (ValidationError, ValueError):
        return None


def view_state(body: Mapping[str, Any]) -> Mapping[str, Mapping[str, Mapping[str, Any]]]:
    values = _dig(body, "view", "state", "values")
    return values if isinstance(values, Mapping) else {}


def private_metadata(body: Mapping[str, Any]) -> str:
    return _str(_dig(body, "view", "private_metadata")) or ""
