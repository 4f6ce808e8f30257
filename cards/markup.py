"""How text is marked up on each surface: escaping of user-supplied text, emphasis, links, dates, mentions.

The neutral text in :mod:`opsgate.cards.text` is written once against the :class:`Markup` interface and
rendered with one of three dialects:

* :data:`SLACK` — Slack ``mrkdwn``. ``&``, ``<`` and ``>`` become entities (so ``<!channel>`` or
  ``<http://evil|click>`` in a ticket shows literally and never pings or disguises a link), ``@here`` /
  ``@channel`` / ``@everyone`` are broken with a zero-width space, a leading ``>`` cannot start a quote, and
  formatting markers (``*bold*``, ``_it_``, ``~strike~``, backticks) are swapped for look-alike characters
  (Slack has no escape character). Markers inside words (``first_last@acme.com``) are left alone.
* :data:`TEAMS` — Adaptive Card ``TextBlock`` markdown: emphasis markers, link syntax ``[x](y)`` and list
  starts are neutralised the same way; HTML is not rendered there, so ``<`` ``>`` ``&`` stay.
* :data:`PLAIN` — no markup at all: Slack ``plain_text`` objects (headers, buttons) and plain strings.

Every ``fit`` truncates *before* the limit is reached without ever splitting an entity or a token.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

from .limits import ACTOR_LABEL, ELLIPSIS

ZWSP = "\u200b"
_SLACK_LOOKALIKES = {"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"}
_TEAMS_LOOKALIKES = {"*": "\u2217", "_": "\u02cd"}
_BROADCASTS = ("here", "channel", "everyone")
_SLACK_USER = re.compile(r"^(?:slack:|<@)([UW][A-Z0-9]{2,})>?$")
_TEAMS_BLOCK_START = re.compile(r"[ \t]*(?:[-+*#>][ \t]|\d+[.)][ \t])")  # list item, heading, quote


def utc(when: datetime) -> datetime:
    """Datetimes from the store may be naive; they are UTC by convention."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def plain_time(when: datetime) -> str:
    return utc(when).strftime("%Y-%m-%d %H:%M UTC")


def iso_time(when: datetime) -> str:
    return utc(when).strftime("%Y-%m-%dT%H:%M:%SZ")


def safe_url(url: str | None) -> str | None:
    """An absolute http(s) URL, or ``None``: nothing else is ever rendered as a link."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return quote(url.strip(), safe=":/?#[]@!$&'*+,;=%-._~")


def slack_user_id(label: str) -> str | None:
    """``U0123`` for ``slack:U0123`` or ``<@U0123>``, else ``None``."""
    match = _SLACK_USER.match(label.strip())
    return match.group(1) if match else None


def _boundary(text: str, i: int) -> bool:
    """A formatting marker can only open or close emphasis next to a non-word character."""
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    return not (prev.isalnum() and nxt.isalnum())


def _fit_tokens(tokens: list[str], limit: int) -> str:
    if sum(len(t) for t in tokens) <= limit:
        return "".join(tokens)
    budget = max(limit - len(ELLIPSIS), 0)
    out: list[str] = []
    used = 0
    for token in tokens:
        if used + len(token) > budget:
            break
        out.append(token)
        used += len(token)
    return "".join(out).rstrip() + ELLIPSIS if limit >= len(ELLIPSIS) else ""


class Markup:
    """The plain dialect, and the interface the others implement."""

    name = "plain"

    def tokens(self, text: str) -> list[str]:
        """The escaped form of ``text``, one token per input character."""
        return list(text.replace("\r\n", "\n").replace("\r", "\n"))

    def escape(self, text: str) -> str:
        return "".join(self.tokens(text))

    def fit(self, text: str, limit: int) -> str:
        """Escape ``text`` and cut it, with an ellipsis, so the result is at most ``limit`` characters."""
        return _fit_tokens(self.tokens(text), limit)

    def bold(self, markup: str) -> str:
        return markup

    def code(self, text: str, limit: int = 1000) -> str:
        """Text shown as code (monospace where the surface has it), cut to ``limit``."""
        return self.fit(text, limit)

    def link(self, url: str | None, label: str) -> str:
        """A link labelled ``label``; plain text keeps only the label."""
        return self.escape(label)

    def url(self, url: str) -> str:
        """A bare link whose text is the URL itself."""
        return safe_url(url) or self.escape(url)

    def date(self, when: datetime) -> str:
        return plain_time(when)

    def actor(self, label: str) -> str:
        """An actor label: a Slack user id (``slack:U0123`` / ``<@U0123>``) or free text, escaped."""
        user = slack_user_id(label)
        return f"Slack user {user}" if user else self.fit(label, ACTOR_LABEL)


class SlackMarkup(Markup):
    name = "slack"

    def tokens(self, text: str) -> list[str]:
        text = "".join(super().tokens(text))
        out: list[str] = []
        for i, ch in enumerate(text):
            line_start = i == 0 or text[i - 1] == "\n"
            if ch == "&":
                out.append("&amp;")
            elif ch == "<":
                out.append("&lt;")
            elif ch == ">":
                out.append(ZWSP + "&gt;" if line_start else "&gt;")
            elif ch == "`" or (ch in _SLACK_LOOKALIKES and _boundary(text, i)):
                out.append(_SLACK_LOOKALIKES[ch])
            elif ch == "@" and text[i + 1 : i + 10].lower().startswith(_BROADCASTS):
                out.append(ch + ZWSP)
            else:
                out.append(ch)
        return out

    def bold(self, markup: str) -> str:
        return f"*{markup}*" if markup else markup

    def code(self, text: str, limit: int = 1000) -> str:
        # Inside backticks formatting is inert: only entities, and no backtick may close the span early.
        table = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "`": "\u02cb", "\n": " "}
        inner = _fit_tokens([table.get(ch, ch) for ch in text], max(limit - 2, 0))
        return f"`{inner}`" if inner.strip() else inner

    def link(self, url: str | None, label: str) -> str:
        target = safe_url(url)
        if target is None:
            return self.escape(label)
        target = target.replace("&", "&amp;").replace("|", "%7C")
        return f"<{target}|{self.escape(label).replace('|', '¦')}>"

    def url(self, url: str) -> str:
        target = safe_url(url)
        return f"<{target.replace('&', '&amp;')}>" if target else self.escape(url)

    def date(self, when: datetime) -> str:
        epoch = int(utc(when).timestamp())
        return f"<!date^{epoch}^{{date_short_pretty}} {{time}}|{iso_time(when)}>"

    def actor(self, label: str) -> str:
        user = slack_user_id(label)
        return f"<@{user}>" if user else self.fit(label, ACTOR_LABEL)


class SlackNotificationMarkup(SlackMarkup):
    """Slack escaping without emphasis: the top-level ``text`` shows up raw in push notifications."""

    name = "slack-notification"

    def bold(self, markup: str) -> str:
        return markup


class TeamsMarkup(Markup):
    name = "teams"

    def tokens(self, text: str) -> list[str]:
        text = "".join(super().tokens(text))
        out: list[str] = []
        for i, ch in enumerate(text):
            token = ch
            if ch in _TEAMS_LOOKALIKES and _boundary(text, i):
                token = _TEAMS_LOOKALIKES[ch]
            elif ch == "(" and i > 0 and text[i - 1] == "]":
                token = ZWSP + ch  # "[x](y)" is a link; "[x]\u200b(y)" is not
            if (i == 0 or text[i - 1] == "\n") and _TEAMS_BLOCK_START.match(text, i):
                token = ZWSP + token  # "- x", "1. x", "# x" must not start a list or a heading
            out.append(token)
        return out

    def bold(self, markup: str) -> str:
        return f"**{markup}**" if markup else markup

    def link(self, url: str | None, label: str) -> str:
        target = safe_url(url)
        if target is None:
            return self.escape(label)
        return f"[{self.escape(label).replace(']', '］')}]({target})"

    def url(self, url: str) -> str:
        return self.link(url, url)


PLAIN = Markup()
SLACK = SlackMarkup()
SLACK_NOTIFICATION = SlackNotificationMarkup()
TEAMS = TeamsMarkup()
