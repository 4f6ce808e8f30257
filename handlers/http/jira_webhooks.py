"""``POST /api/v1/webhooks/jira/{integration_id}``: Jira's issue webhooks (created, updated, deleted).

The raw body is read (at most 1 MiB) and handed, with the headers, to the Jira gateway, which checks the
``X-Hub-Signature`` HMAC before parsing anything. Every outcome (applied, a duplicate, a bad signature, an unknown
integration or issue) is the same empty ``200``, so the endpoint tells a prober nothing.
"""

from __future__ import annotations

from aiohttp import web

from opsgate.bot.errors import PayloadTooLarge
from opsgate.bot.gate import OpsGate
from opsgate.handlers.http.keys import GATE

MAX_BODY = 1024 * 1024
ROUTE = "/api/v1/webhooks/jira/{integration_id}"


async def read_raw(request: web.Request, limit: int = MAX_BODY) -> bytes:
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(f"The body is {request.content_length} bytes; Jira webhooks are limited to {limit}.")
    body = bytearray()
    async for chunk in request.content.iter_chunked(65536):
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"The body is over the limit of {limit} bytes.")
    return bytes(body)


async def jira_webhook(request: web.Request) -> web.Response:
    body = await read_raw(request)
    gateway = request.app[GATE].extras.get("jira")
    if gateway is not None:
        await gateway.sync.receive(request.match_info["integration_id"], body, request.headers)
    return web.Response(status=200)


def register(app: web.Application, gate: OpsGate) -> None:
    app.router.add_post(ROUTE, jira_webhook)
