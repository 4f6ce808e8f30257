"""``opsgate classify``: JSON Lines of tickets in, one JSON result per line out."""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
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


def _classify_lines(first_number: int, lines: list[str], classifier: EmbeddedClassifier) -> list[str]:
    out: list[str] = []
    for number, line in enumerate(lines, start=first_number):
        if number == 1:
            line = line.lstrip("\ufeff")  # a byte-order mark from an editor on Windows
        if not line.strip():
            continue
        try:
            ticket = ticket_from_object(json.loads(line))
        except json.JSONDecodeError as exc:
            out.append(json.dumps({"line": number, "error": f"invalid JSON: {exc.msg} at column {exc.colno}"}))
            continue
        except TicketLineError as exc:
            out.append(json.dumps({"line": number, "error": str(exc)}))
            continue
        out.append(json.dumps(result_object(ticket.issue_key, classifier.classify_sync(ticket)), ensure_ascii=False))
    return out


def _idle_cpus() -> int:
    """One worker per CPU, unless the machine is already saturated (then extra processes only add overhead)."""
    cpus = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # not on every platform
        return cpus
    return cpus if load < cpus + 0.5 else 1


CHUNK = 1_000  # lines per unit of work; inputs shorter than one chunk never start a worker process


def classify_jsonl(
    lines: Iterable[str], classifier: EmbeddedClassifier, *, workers: int | None = None
) -> Iterator[str]:
    """For `opsgate classify`: each input line is a JSON ticket shaped like the ingest `ticket` object (issueKey,
    summary, description, reporterEmail; other keys ignored); yields one JSON line each: {"issueKey",
    "disposition","intent","runbook","confidence","targetUser":{"email","name"} or null,"params","reason"}
    ("intent"/"runbook" null for no_action). A malformed line yields an error object line {"line": n, "error":
    "..."} rather than crashing. Blank lines are skipped.

    Output order is input order. A long input is classified in chunks by ``workers`` processes (default: one per
    CPU when the machine is not already saturated); the classifier is deterministic, so the result is the same as
    with ``workers=1``.
    """
    source = iter(lines)
    first = list(islice(source, CHUNK))
    processes = min(workers if workers is not None else _idle_cpus(), 8)
    if len(first) < CHUNK or processes < 2:
        yield from _classify_lines(1, first, classifier)
        number = len(first) + 1
        while chunk := list(islice(source, CHUNK)):
            yield from _classify_lines(number, chunk, classifier)
            number += len(chunk)
        return
    with ProcessPoolExecutor(max_workers=processes) as pool:
        pending: deque[Future[list[str]]] = deque([pool.submit(_classify_lines, 1, first, classifier)])
        number = len(first) + 1
        while True:
            while len(pending) < 2 * processes and (chunk := list(islice(source, CHUNK))):
                pending.append(pool.submit(_classify_lines, number, chunk, classifier))
                number += len(chunk)
            if not pending:
                return
            yield from pending.popleft().result()
