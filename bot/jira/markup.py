"""Rich text for Jira, built once as plain data and rendered per deployment.

Jira Cloud's REST API v3 takes Atlassian Document Format (ADF) for comment bodies and descriptions; Jira Server and
Data Center (REST API v2) take wiki markup. A :class:`JiraText` is a list of lines, each a list of spans (plain,
strong or a link), so the same comment renders correctly on both, and user text is escaped for wiki markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Span:
    text: str
    strong: bool = False
    href: str | None = None


@dataclass(frozen=True)
class JiraText:
    lines: tuple[tuple[Span, ...], ...] = field(default_factory=tuple)

    @classmethod
    def plain(cls, text: str) -> JiraText:
        return cls(tuple((Span(line),) for line in text.splitlines()))

    def plain_text(self) -> str:
        return "\n".join("".join(s.text for s in line) for line in self.lines)

    def to_json(self) -> list[list[dict[str, Any]]]:
        """A JSON-safe form for outbox payloads."""
        return [[{k: v for k, v in vars(s).items() if v not in (None, False)} for s in line] for line in self.lines]

    @classmethod
    def from_json(cls, data: list[list[dict[str, Any]]]) -> JiraText:
        return cls(
            tuple(tuple(Span(str(s["text"]), bool(s.get("strong")), s.get("href")) for s in line) for line in data)
        )


# --- Atlassian Document Format (Cloud, REST v3) ------------------------------------------------------------


def _adf_span(span: Span) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": span.text}
    marks: list[dict[str, Any]] = []
    if span.strong:
        marks.append({"type": "strong"})
    if span.href:
        marks.append({"type": "link", "attrs": {"href": span.href}})
    if marks:
        node["marks"] = marks
    return node


def to_adf(text: JiraText) -> dict[str, Any]:
    """One paragraph per non-empty line; empty spans are dropped (ADF text nodes must not be empty)."""
    content = []
    for line in text.lines:
        spans = [_adf_span(s) for s in line if s.text]
        if spans:
            content.append({"type": "paragraph", "content": spans})
    return {"type": "doc", "version": 1, "content": content}


def adf_text(node: Any) -> str:
    """The text of an ADF document (paragraphs become lines); a string is returned as it is."""
    if isinstance(node, str):
        return node
    if not isinstance(node, dict):
        return ""
    if node.get("type") == "text":
        return str(node.get("text", ""))
    if node.get("type") == "hardBreak":
        return "\n"
    parts = [adf_text(child) for child in node.get("content", []) or []]
    return ("\n" if node.get("type") in {"doc", "bulletList", "orderedList"} else "").join(parts)


# --- wiki markup (Server / Data Center, REST v2) -----------------------------------------------------------

_WIKI_SPECIAL = re.compile(r"([\\\[\]{}|*_^~+!?#])")
_WIKI_DASH = re.compile(r"(^|\s)-|-(\s|$)")


def wiki_escape(text: str) -> str:
    """Escape what wiki markup would turn into formatting, links, macros or lists."""
    escaped = _WIKI_SPECIAL.sub(r"\\\1", text)
    return _WIKI_DASH.sub(lambda m: (m.group(1) or "") + "\\-" + (m.group(2) or ""), escaped)


def _wiki_span(span: Span) -> str:
    if span.href:
        label = wiki_escape(span.text).replace("\\|", "&#124;")
        return f"[{label}|{span.href}]"
    text = wiki_escape(span.text)
    return f"*{text}*" if span.strong and text.strip() else text


def to_wiki(text: JiraText) -> str:
    return "\n".join("".join(_wiki_span(s) for s in line) for line in text.lines)
