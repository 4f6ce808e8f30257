"""``POST /api/v1/runs``: ask for a runbook run from a script or portal (scope ``runbook:request``).

The run is proposed exactly as one born in chat or from Jira (same validation, plan, audit and approval card); the
caller may name the person asking (``requesterEmail``), who then can never approve it.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from opsgate.bot.errors import ValidationFailed
from opsgate.bot.gate import OpsGate
from opsgate.bot.proposals import propose
from opsgate.bot.run_views import run_json
from opsgate.handlers.http.ingest import read_json
from opsgate.handlers.http.keys import GATE, PRINCIPAL
from opsgate.handlers.http.middleware import requires_scope
from opsgate.runbooks import catalog
from opsgate.runbooks.base import Target
from opsgate.runbooks.intents import Intent

MAX_BODY = 16 * 1024
_EMAIL = re.compile(r"^[^@\s<>\"']+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def _email(body: dict[str, Any], path: str, value: Any, errors: list[dict[str, str]], required: bool) -> str | None:
    if value in (None, ""):
        if required:
            errors.append({"path": path, "message": "is required"})
        return None
    if not isinstance(value, str) or not _EMAIL.match(value.strip()):
        errors.append({"path": path, "message": "must be an email address"})
        return None
    return value.strip().lower()


@requires_scope("runbook:request")
async def request_run(request: web.Request) -> web.Response:
    body = await read_json(request, MAX_BODY)
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object.", [{"path": "$", "message": "must be an object"}])
    errors: list[dict[str, str]] = []
    runbook_id = body.get("runbook")
    runbook = catalog.RUNBOOKS.get(runbook_id) if isinstance(runbook_id, str) else None
    if runbook is None:
        errors.append({"path": "$.runbook", "message": f"must be one of {', '.join(catalog.RUNBOOKS)}"})
    elif runbook.intent == Intent.JIT_ACCESS:
        # JIT grants must come from the resource catalog (bounded duration, revocation scheduled).
        runbook = None
        errors.append({"path": "$.runbook", "message": "request just-in-time access with POST /api/v1/jit/requests"})
    raw_target = body.get("target")
    target: dict[str, Any] = raw_target if isinstance(raw_target, dict) else {}
    target_email = _email(
        body, "$.target.email", target.get("email"), errors, required=bool(runbook and runbook.needs_target)
    )
    requester_email = _email(body, "$.requesterEmail", body.get("requesterEmail"), errors, required=False)
    params = body.get("params", {})
    if not isinstance(params, dict):
        errors.append({"path": "$.params", "message": "must be an object"})
    raw_reason = body.get("reason")
    reason = raw_reason.strip() if isinstance(raw_reason, str) else ""
    if not reason or len(reason) > 2000:
        errors.append({"path": "$.reason", "message": "is required (1-2000 characters): approvers read it"})
    if errors or runbook is None:
        raise ValidationFailed("Fix these fields: " + "; ".join(f"{e['path']} {e['message']}" for e in errors), errors)
    gate = request.app[GATE]
    settings = gate.services.settings
    proposal = propose(
        runbook.intent,
        Target(target_email, target.get("name")) if target_email else None,
        params,
        confidence=1.0,
        reason=f"requested through the API: {reason}",
        settings=settings,
    )
    if proposal.status != "awaiting_approval":
        detail = proposal.reason.split("not proposed: ", 1)[-1]
        raise ValidationFailed(
            f"The parameters do not fit {runbook.id}: {detail}", [{"path": "$.params", "message": detail}]
        )
    principal = request[PRINCIPAL]
    requester = f"api:{principal.key_id}" if requester_email is None else f"api:{requester_email}"
    run = await gate.services.db(
        gate.ingest.request,
        org_id=principal.org_id,
        source="api",
        requester=requester,
        requester_email=requester_email,
        summary=reason,
        proposal=proposal,
    )
    return web.json_response(run_json(run), status=201)


def register(app: web.Application, _gate: OpsGate) -> None:
    app.router.add_post("/api/v1/runs", request_run)
