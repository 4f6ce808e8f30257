"""Scope-gated reads: ``GET /api/v1/runs``, ``GET /api/v1/runs/{id}`` (``audit:read``), ``GET /api/v1/runbooks``
(``catalog:read``)."""

from __future__ import annotations

from aiohttp import web

from opsgate.bot import run_queries
from opsgate.bot.errors import ValidationFailed
from opsgate.bot.gate import OpsGate
from opsgate.bot.run_views import run_json
from opsgate.handlers.http.keys import PRINCIPAL, SERVICES
from opsgate.handlers.http.middleware import requires_scope
from opsgate.runbooks import catalog


def _limit(request: web.Request) -> int:
    raw = request.query.get("limit", "50")
    if not raw.isdigit() or not 1 <= int(raw) <= 500:
        raise ValidationFailed("limit must be 1-500", [{"path": "query.limit", "message": "expected 1-500"}])
    return int(raw)


@requires_scope("audit:read")
async def list_runs(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    limit = _limit(request)
    runs = await services.db(
        run_queries.list_runs,
        services,
        org_id=request[PRINCIPAL].org_id,
        status=request.query.get("status"),
        issue_key=request.query.get("issueKey"),
        limit=limit,
        before=request.query.get("before"),
    )
    next_url = None
    if len(runs) == limit:
        params = {k: v for k, v in request.query.items() if k != "before"}
        params["before"] = runs[-1].id
        next_url = str(request.rel_url.with_query(params))
    return web.json_response({"runs": [run_json(r) for r in runs], "next": next_url})


@requires_scope("audit:read")
async def get_run(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    run = await services.db(
        run_queries.get_run, services, run_id=request.match_info["id"], org_id=request[PRINCIPAL].org_id
    )
    return web.json_response(run_json(run))


@requires_scope("catalog:read")
async def list_runbooks(_request: web.Request) -> web.Response:
    return web.json_response({"runbooks": [rb.describe() for rb in catalog.RUNBOOKS.values()]})


def register(app: web.Application, _gate: OpsGate) -> None:
    app.router.add_get("/api/v1/runs", list_runs)
    app.router.add_get("/api/v1/runs/{id}", get_run)
    app.router.add_get("/api/v1/runbooks", list_runbooks)
