"""Small constructors for Block Kit JSON that enforce Slack's limits at the point of construction.

Text handed to ``mrkdwn``/``section``/``context`` is already escaped (see :mod:`opsgate.cards.markup`); these
helpers only make sure it fits, cutting whole lines so an entity, a link or a date token is never split.
"""

from __future__ import annotations

from typing import Any

from ..limits import (
    SLACK_BLOCK_ID,
    SLACK_BUTTON_TEXT,
    SLACK_CONTEXT_TEXT,
    SLACK_FIELD_TEXT,
    SLACK_HEADER_TEXT,
    SLACK_SECTION_FIELDS,
    SLACK_SECTION_TEXT,
)
from ..markup import PLAIN
from ..text import clamp_lines

Block = dict[str, Any]


def fit_mrkdwn(text: str, limit: int) -> str:
    """``text`` if it fits, else its leading whole lines and a "… and N more" line."""
    if len(text) <= limit:
        return text or " "
    return clamp_lines(text.split("\n"), limit)


def plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": PLAIN.fit(text, limit) or " ", "emoji": True}


def mrkdwn(text: str, limit: int = SLACK_SECTION_TEXT) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": fit_mrkdwn(text, limit)}


def block_id(*parts: str) -> str:
    """A block id made of parts (``opsgate.home.pending`` + run id); plain ``str``, never an enum member."""
    return ".".join(str(part) for part in parts)[:SLACK_BLOCK_ID]


def header(text: str, bid: str) -> Block:
    return {"type": "header", "block_id": block_id(bid), "text": plain(text, SLACK_HEADER_TEXT)}


def section(text: str, bid: str, accessory: dict[str, Any] | None = None) -> Block:
    block: Block = {"type": "section", "block_id": block_id(bid), "text": mrkdwn(text)}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def fields(items: list[str], bid: str) -> Block:
    return {
        "type": "section",
        "block_id": block_id(bid),
        "fields": [mrkdwn(item, SLACK_FIELD_TEXT) for item in items[:SLACK_SECTION_FIELDS]],
    }


def context(text: str, bid: str) -> Block:
    return {"type": "context", "block_id": block_id(bid), "elements": [mrkdwn(text, SLACK_CONTEXT_TEXT)]}


def divider(bid: str) -> Block:
    return {"type": "divider", "block_id": block_id(bid)}


def button(text: str, action_id: str, value: str | None = None, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "action_id": str(action_id), "text": plain(text, SLACK_BUTTON_TEXT)}
    if value is not None:
        element["value"] = value
    if style is not None:
        element["style"] = style
    return element


def actions(bid: str, elements: list[dict[str, Any]]) -> Block:
    return {"type": "actions", "block_id": block_id(bid), "elements": elements}


def message(text: str, blocks: list[Block]) -> dict[str, Any]:
    """A ``chat.postMessage`` / ``chat.update`` / ``chat.postEphemeral`` body without ``channel``/``ts``."""
    return {"text": text or " ", "blocks": blocks}
