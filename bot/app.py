"""Assembly of the one aiohttp application (one process, one port) and its lifecycle."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import structlog
from aiohttp import web

from opsgate.bot.gate import OpsGate
from opsgate.bot.keys import KeyCache
from opsgate.handlers.http import audit as audit_routes
from opsgate.handlers.http import health, openapi
from opsgate.handlers.http.keys import GATE, KEY_CACHE, SERVICES
from opsgate.handlers.http.middleware import bearer_auth, observe

log = structlog.get_logger("opsgate.app")

# Extra route groups and background tasks are plugged in by later rooms (ingest, Slack, Teams, Jira...).
RouteRegistrar = Callable[[web.Application, OpsGate], None]

CLIENT_MAX_SIZE = 4 * 1024 * 1024  # routes apply their own, tighter limits (ingest: 64 KiB)


def build_app(
    gate: OpsGate,
    *,
    registrars: list[RouteRegistrar] | None = None,
    background: list[Callable[[web.Application], AsyncIterator[None]]] | None = None,
) -> web.Application:
    app = web.Application(middlewares=[observe, bearer_auth], client_max_size=CLIENT_MAX_SIZE)
    services = gate.services
    app[SERVICES] = services
    app[GATE] = gate
    app[KEY_CACHE] = KeyCache()
    health.register(app)
    openapi.register(app)
    audit_routes.register(app)
    for register in registrars if registrars is not None else default_registrars():
        register(app, gate)
    for ctx in background if background is not None else [gate.scheduler.context()]:
        app.cleanup_ctx.append(ctx)
    app.on_cleanup.append(_close(services))
    return app


def _close(services: Any) -> Callable[[web.Application], Awaitable[None]]:
    async def close(_app: web.Application) -> None:
        services.close()

    return close


def default_registrars() -> list[RouteRegistrar]:
    """Every route group of a full server. Imported lazily so `opsgate --help` stays fast."""
    from opsgate.bot.assembly import registrars

    return registrars()
