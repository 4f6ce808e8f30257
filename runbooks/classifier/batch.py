"""``opsgate classify``: JSON Lines of tickets in, one JSON result per line out."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from .embedded import EmbeddedClassifier
from .model import Classification, TicketText

_OPTIONAL_TEXT = ("description", "reporterEmail")


class TicketLineError(ValueError):
    """A line that is not a ticket object; the message says what to fix."""


def ticket_from_object(obj: Any) -> TicketText:
    """The ingest ``ticket`` object (``issueKey``, ``summary``, ``description``, ``reporterEmail``) as a
    :class:`TicketText`; other keys are ignored."""
    if not isinstance(obj, dict):
        raise TicketLineError(f"expected a JSON object, got {type(obj).__name__}")
    key = obj.get("issueKey")
    if not isinstance(key, str) or not key.strip():
        raise TicketLineError("issueKey is required and must be a non-empty string")
    summary = obj.get("summary")
    if not isinstance(summary, str):
        raise TicketLineError("summary is required and must be a string")
    for name in _OPTIONAL_TEXT:
        if obj.get(name) is not None and not isinstance(obj[name], str):
            raise TicketLineError(f"{name} must be a string or null")
    reporter = obj.get("reporterEmail")
    return TicketText(
        issue_key=key.strip(),
        summary=summary,
        description=obj.get("description") or None,
        reporter_email=reporter.strip() if isinstance(reporter, str) and reporter.strip() else None,
    )


def result_object(issue_key: str, result: Classification) -> dict[str, Any]:
    return {
        "issueKey": issue_key,
        "disposition": result.disposition,
        "intent": None if result.intent is None else result.intent.value,
        "runbook": result.runbook,
        "confidence": round(result.confidence, 2),
        "targetUser": None if result.target is None else {"email": result.target.email, "name": result.target.name},
        "params": result.params,
        "reason": result.reason,
    }


def classify_jsonl(lines: Iterable[str], classifier: EmbeddedClassifier) -> Iterator[str]:
    """For `opsgate classify`: each input line is a JSON ticket shaped like the ingest `ticket` object (issueKey,
    summary, description, reporterEmail; other keys ignored); yields one JSON line each: {"issueKey",
    "disposition","intent","runbook","confidence","targetUser":{"email","name"} or null,"params","reason"}
    ("intent"/"runbook" null for no_action). A malformed line yields an error object line {"line": n, "error":
    "..."} rather than crashing. Blank lines are skipped."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            ticket = ticket_from_object(json.loads(line))
        except json.JSONDecodeError as exc:
            yield json.dumps({"line": number, "error": f"invalid JSON: {exc.msg} at column {exc.colno}"})
            continue
        except TicketLineError as exc:
            yield json.dumps({"line": number, "error": str(exc)})
            continue
        yield json.dumps(result_object(ticket.issue_key, classifier.classify_sync(ticket)), ensure_ascii=False)
