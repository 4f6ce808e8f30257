"""Just-in-time access over HTTP (scope ``runbook:request``):

- ``POST /api/v1/jit/requests`` ``{"resource", "duration"?, "reason", "requesterEmail", "extends"?}`` -> 201 with
  the run and the grant; a resource not in the catalog or a duration above its maximum is a 422 problem.
- ``POST /api/v1/jit/grants/{id}/release`` ``{"requesterEmail"}`` -> 200 with the grant, due now; the revocation
  worker removes the access within one scheduler interval.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from opsgate.bot.errors import NotFound, ValidationFailed
from opsgate.bot.gate import OpsGate
from opsgate.bot.jit import JitService, grant_json
from opsgate.bot.run_views import run_json
from opsgate.handlers.http.ingest import read_json
from opsgate.handlers.http.keys import GATE, PRINCIPAL
from opsgate.handlers.http.middleware import requires_scope

MAX_BODY = 16 * 1024
_EMAIL = re.compile(r"^[^@\s<>\"']+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def _service(request: web.Request) -> JitService:
    gate: OpsGate = request.app[GATE]
    service = gate.extras.get("jit")
    if not isinstance(service, JitService):
        raise NotFound("Just-in-time access is not enabled on this server.")
    return service


def _fields(body: Any, required: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object.", [{"path": "$", "message": "must be an object"}])
    errors = [
        {"path": f"$.{k}", "message": "is required"}
        for k in required
        if not isinstance(body.get(k), str) or not body[k].strip()
    ]
    email = body.get("requesterEmail")
    if isinstance(email, str) and email and not _EMAIL.match(email.strip()):
        errors.append({"path": "$.requesterEmail", "message": "must be an email address"})
    for key in ("duration", "reason", "resource"):
        if key in body and body[key] is not None and not isinstance(body[key], str):
            errors.append({"path": f"$.{key}", "message": "must be a string"})
    if "extends" in body and body["extends"] is not None and not isinstance(body["extends"], int):
        errors.append({"path": "$.extends", "message": "must be a grant id (integer)"})
    if errors:
        raise ValidationFailed("Fix these fields: " + "; ".join(f"{e['path']} {e['message']}" for e in errors), errors)
    return body


@requires_scope("runbook:request")
async def create_request(request: web.Request) -> web.Response:
    body = _fields(await read_json(request, MAX_BODY), ("reason", "requesterEmail"))
    service = _service(request)
    principal = request[PRINCIPAL]
    email = str(body["requesterEmail"]).strip().lower()
    requester = f"api:{email}"
    if body.get("extends") is not None:
        made = await service.services.db(
            service.extend,
            principal.org_id,
            int(body["extends"]),
            body.get("duration"),
            body["reason"],
            requester,
            email,
        )
    else:
        if not isinstance(body.get("resource"), str) or not body["resource"].strip():
            raise ValidationFailed("$.resource is required", [{"path": "$.resource", "message": "is required"}])
        made = await service.services.db(
            service.request, principal.org_id, body["resource"], body.get("duration"), body["reason"], requester, email
        )
    return web.json_response({"run": run_json(made.run), "grant": grant_json(made.grant)}, status=201)


@requires_scope("runbook:request")
async def release_grant(request: web.Request) -> web.Response:
    body = _fields(await read_json(request, MAX_BODY), ("requesterEmail",))
    service = _service(request)
    try:
        grant_id = int(request.match_info["grant_id"])
    except ValueError:
        raise NotFound("no such grant") from None
    email = str(body["requesterEmail"]).strip().lower()
    grant = await service.services.db(
        service.end_early, request[PRINCIPAL].org_id, grant_id, actor=f"api:{email}", email=email, is_approver=False
    )
    return web.json_response(grant_json(grant))


def register(app: web.Application, _gate: OpsGate) -> None:
    app.router.add_post("/api/v1/jit/requests", create_request)
    app.router.add_post("/api/v1/jit/grants/{grant_id}/release", release_grant)
