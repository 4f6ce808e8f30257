"""``POST /api/v1/tickets/ingest``: what Jira Automation's "Send web request" calls (scope ``ticket:ingest``).

Checks, in order, each answered as problem+json: 415 (not JSON), 413 (over 64 KiB), 400 (unparseable), 422 (a
field, with its JSON path; or a source other than "jira"), then the service answers 200, or 429 from the key's
rate limit. Nothing is stored for a rejected request.
"""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web

from opsgate.bot.errors import InvalidJson, PayloadTooLarge, UnsupportedMediaType, UnsupportedSource, ValidationFailed
from opsgate.bot.gate import OpsGate
from opsgate.bot.ingest import IngestTicket
from opsgate.handlers.http.keys import GATE, PRINCIPAL
from opsgate.handlers.http.middleware import requires_scope

MAX_BODY = 64 * 1024
MAX_SUMMARY = 1000
MAX_DESCRIPTION = 32000

_ISSUE_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*-[1-9]\d{0,9}$")
_EMAIL = re.compile(r"^[^@\s<>\"']+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


async def read_json(request: web.Request, limit: int) -> Any:
    if request.content_type != "application/json":
        raise UnsupportedMediaType(
            f"Send the body as JSON with 'Content-Type: application/json' (got {request.content_type or 'none'!r}); "
            "in Jira Automation choose 'Custom data' and add that header."
        )
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(f"The body is {request.content_length} bytes; the limit is {limit} bytes (64 KiB).")
    body = bytearray()
    async for chunk in request.content.iter_chunked(16384):
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"The body is over the limit of {limit} bytes (64 KiB).")
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidJson(
            f"The body is not valid UTF-8 JSON: {exc}. Check the smart values in the rule's body."
        ) from None


def _optional_str(ticket: dict[str, Any], name: str, limit: int, errors: list[dict[str, str]]) -> str | None:
    value = ticket.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        errors.append({"path": f"$.ticket.{name}", "message": "must be a string or null"})
        return None
    if len(value) > limit:
        errors.append({"path": f"$.ticket.{name}", "message": f"is {len(value)} characters; at most {limit} allowed"})
        return None
    return value


def parse_ingest(body: Any) -> IngestTicket:
    """Validate the Jira Automation body; every problem is reported with its JSON path."""
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object.", [{"path": "$", "message": "must be an object"}])
    errors: list[dict[str, str]] = []
    source = body.get("source")
    if source is None:
        errors.append({"path": "$.source", "message": 'is required and must be "jira"'})
    elif source != "jira":
        raise UnsupportedSource(f'source {source!r} is not supported; Jira Automation must send "source": "jira".')
    ticket = body.get("ticket")
    if not isinstance(ticket, dict):
        errors.append({"path": "$.ticket", "message": "is required and must be an object"})
        raise ValidationFailed(_summary(errors), errors)
    key = ticket.get("issueKey")
    if not isinstance(key, str) or not key.strip():
        errors.append({"path": "$.ticket.issueKey", "message": "is required (use {{issue.key}})"})
    elif not _ISSUE_KEY.match(key.strip()):
        errors.append({"path": "$.ticket.issueKey", "message": f"{key[:40]!r} is not a Jira issue key like ITSM-123"})
    summary = ticket.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        errors.append({"path": "$.ticket.summary", "message": "is required (use {{issue.summary}})"})
    elif len(summary) > MAX_SUMMARY:
        errors.append({"path": "$.ticket.summary", "message": f"is {len(summary)} characters; at most {MAX_SUMMARY}"})
    description = _optional_str(ticket, "description", MAX_DESCRIPTION, errors)
    url = _optional_str(ticket, "url", 2000, errors)
    if url is not None and not url.startswith(("https://", "http://")):
        errors.append({"path": "$.ticket.url", "message": "must be an http(s) URL such as {{issue.url}}"})
    reporter = _optional_str(ticket, "reporterEmail", 320, errors)
    if reporter is not None and not _EMAIL.match(reporter.strip()):
        errors.append({"path": "$.ticket.reporterEmail", "message": "must be an email address or empty"})
    if errors:
        raise ValidationFailed(_summary(errors), errors)
    assert isinstance(key, str) and isinstance(summary, str)
    return IngestTicket(
        issue_key=key.strip().upper(),
        summary=summary.strip(),
        description=description,
        url=url.strip() if url else None,
        reporter_email=reporter.strip().lower() if reporter else None,
    )


def _summary(errors: list[dict[str, str]]) -> str:
    return "Fix these fields in the rule's body: " + "; ".join(f"{e['path']} {e['message']}" for e in errors)


@requires_scope("ticket:ingest")
async def ingest(request: web.Request) -> web.Response:
    ticket = parse_ingest(await read_json(request, MAX_BODY))
    result = await request.app[GATE].ingest.ingest(request[PRINCIPAL], ticket)
    return web.json_response(result.to_json())


def register(app: web.Application, gate: OpsGate) -> None:
    app.router.add_post("/api/v1/tickets/ingest", ingest)
