"""Liveness, readiness (the database answers) and Prometheus metrics."""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from opsgate.bot.services import Services
from opsgate.handlers.http.keys import SERVICES


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def _database_answers(services: Services) -> bool:
    try:
        with services.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


async def readyz(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    db_ok = await services.db(_database_answers, services)
    settings = services.settings
    body = {
        "status": "ok" if db_ok else "unavailable",
        "database": "ok" if db_ok else "unreachable",
        "sandbox": settings.sandbox_mode,
        "surfaces": list(settings.surfaces),
        "checks": dict(services.extensions.get("health_checks", {})),
    }
    return web.json_response(body, status=200 if db_ok else 503)


async def metrics(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    payload = generate_latest(services.metrics.registry)
    return web.Response(body=payload, headers={"Content-Type": CONTENT_TYPE_LATEST})


def register(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
