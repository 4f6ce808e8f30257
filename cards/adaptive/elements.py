"""Constructors for Adaptive Card 1.5 JSON (what Teams renders), valid against the official schema as-is.

No ``msteams`` property is ever emitted (it is not part of the schema). Text handed to ``text_block`` and
``fact`` is already escaped for Adaptive Card markdown (see :mod:`opsgate.cards.markup`).
"""

from __future__ import annotations

from typing import Any

from ..limits import TEAMS_TEXT
from ..markup import PLAIN

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"

Element = dict[str, Any]
Action = dict[str, Any]


def card(
    body: list[Element],
    actions: list[Action] | None = None,
    *,
    fallback: str = "",
    refresh: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A top-level card. ``fallback`` is plain text for clients that cannot render it."""
    out: dict[str, Any] = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION}
    if refresh is not None:
        out["refresh"] = refresh
    out["body"] = body
    if actions:
        out["actions"] = actions
    if fallback:
        out["fallbackText"] = PLAIN.fit(fallback, TEAMS_TEXT)
    return out


def text_block(
    text: str,
    *,
    eid: str | None = None,
    size: str | None = None,
    weight: str | None = None,
    color: str | None = None,
    subtle: bool = False,
    separator: bool = False,
    spacing: str | None = None,
) -> Element:
    block: Element = {"type": "TextBlock", "text": text or " ", "wrap": True}
    optional: dict[str, Any] = {
        "id": str(eid) if eid else None,
        "size": size,
        "weight": weight,
        "color": color,
        "isSubtle": True if subtle else None,
        "separator": True if separator else None,
        "spacing": spacing,
    }
    block.update({key: value for key, value in optional.items() if value is not None})
    return block


def fact_set(facts: list[tuple[str, str]], eid: str | None = None) -> Element:
    block: Element = {"type": "FactSet", "facts": [{"title": title, "value": value or " "} for title, value in facts]}
    if eid:
        block["id"] = str(eid)
    return block


def container(items: list[Element], *, eid: str | None = None, style: str | None = None) -> Element:
    block: Element = {"type": "Container", "items": items}
    if eid:
        block["id"] = str(eid)
    if style:
        block["style"] = style
    return block


def execute(title: str, verb: str, data: dict[str, Any], *, style: str | None = None, eid: str | None = None) -> Action:
    action: Action = {"type": "Action.Execute", "title": title, "verb": str(verb), "data": data}
    if style:
        action["style"] = style
    if eid:
        action["id"] = str(eid)
    return action


def show_card(title: str, inner: dict[str, Any], *, style: str | None = None, eid: str | None = None) -> Action:
    action: Action = {"type": "Action.ShowCard", "title": title, "card": inner}
    if style:
        action["style"] = style
    if eid:
        action["id"] = str(eid)
    return action


def open_url(title: str, url: str) -> Action:
    return {"type": "Action.OpenUrl", "title": title, "url": url}


def text_input(
    input_id: str,
    label: str,
    *,
    multiline: bool = False,
    required: bool = False,
    max_length: int | None = None,
    placeholder: str = "",
    style: str | None = None,
    error: str = "",
) -> Element:
    block: Element = {"type": "Input.Text", "id": str(input_id), "label": label}
    if multiline:
        block["isMultiline"] = True
    if required:
        block["isRequired"] = True
        block["errorMessage"] = error or f"{label} is required"
    if max_length:
        block["maxLength"] = max_length
    if placeholder:
        block["placeholder"] = placeholder
    if style:
        block["style"] = style
    return block


def choice_set(
    input_id: str,
    label: str,
    choices: list[tuple[str, str]],
    *,
    required: bool = False,
    placeholder: str = "",
) -> Element:
    """A compact single-choice picker; ``choices`` are ``(value, title)``."""
    block: Element = {
        "type": "Input.ChoiceSet",
        "id": str(input_id),
        "label": label,
        "style": "compact",
        "choices": [{"title": title, "value": value} for value, title in choices],
    }
    if required:
        block["isRequired"] = True
        block["errorMessage"] = f"Choose a {label.lower()}"
    if placeholder:
        block["placeholder"] = placeholder
    return block
