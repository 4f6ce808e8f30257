"""``GET /api/v1/audit``: page through the caller's org chain (scope ``audit:read``)."""

from __future__ import annotations

from aiohttp import web

from opsgate.bot import audit_log
from opsgate.bot.errors import ValidationFailed
from opsgate.handlers.http.keys import PRINCIPAL, SERVICES
from opsgate.handlers.http.middleware import requires_scope

MAX_LIMIT = 1000


def _int_param(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ValidationFailed(
            f"query parameter {name!r} must be a whole number from {low} to {high}",
            [{"path": f"query.{name}", "message": f"expected an integer from {low} to {high}"}],
        )
    return int(raw)


@requires_scope("audit:read")
async def list_audit(request: web.Request) -> web.Response:
    principal = request[PRINCIPAL]
    after = _int_param(request, "after", 0, 0, 2**62)
    limit = _int_param(request, "limit", 100, 1, MAX_LIMIT)
    services = request.app[SERVICES]
    entries = await services.db(
        audit_log.page, services, org_id=principal.org_id, org=principal.org, after_seq=after, limit=limit
    )
    body: dict[str, object] = {"entries": entries, "next": None}
    if len(entries) == limit:
        body["next"] = f"/api/v1/audit?after={entries[-1]['seq']}&limit={limit}"
    return web.json_response(body)


def register(app: web.Application) -> None:
    app.router.add_get("/api/v1/audit", list_audit)
