"""``GET /api/v1/openapi.json``."""

from __future__ import annotations

from aiohttp import web

from opsgate.handlers.http.openapi_doc import document


async def openapi_json(_request: web.Request) -> web.Response:
    return web.json_response(document())


def register(app: web.Application) -> None:
    app.router.add_get("/api/v1/openapi.json", openapi_json)
