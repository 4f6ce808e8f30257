"""``POST /api/messages``: authenticate the activity first, then let the CloudAdapter run the bot's turn.

The stock ``CloudAdapter.process`` answers 500 when a token is missing, expired, signed by an unknown key or
forged (botbuilder raises assorted exceptions there). This handler validates the token itself with the same
``BotFrameworkAuthentication`` and answers **401** for any failure, before anything reads or changes state; the
already-validated result is then handed to ``process_activity`` so the token is checked once.
"""

from __future__ import annotations

import json
from typing import Any

import structlog
from aiohttp import web
from botbuilder.core import Bot, serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticateRequestResult, BotFrameworkAuthentication
from msrest.serialization import Model

from opsgate.handlers.http.problems import problem
from opsgate.handlers.teams.answers import as_dict
from opsgate.handlers.teams.config import SigningKeys

log = structlog.get_logger("opsgate.teams")

MAX_BODY = 256 * 1024  # Teams activities are small; a card invoke with inputs is a few KiB


def _unauthorized(detail: str) -> web.Response:
    response = problem(401, "unauthenticated", "Unauthenticated", detail)
    response.headers["WWW-Authenticate"] = 'Bearer realm="Bot Framework"'
    return response


class MessagesEndpoint:
    def __init__(
        self,
        adapter: CloudAdapter,
        bot: Bot,
        auth: BotFrameworkAuthentication,
        keys: SigningKeys,
        tenant_id: str | None,
    ) -> None:
        self.adapter = adapter
        self.bot = bot
        self.auth = auth
        self.keys = keys
        self.tenant_id = tenant_id

    async def authenticate(self, activity: Activity, header: str) -> AuthenticateRequestResult | None:
        """The validated identity of the caller, or ``None`` for any failure (never raises)."""
        try:
            await self.keys.warm()
            result = await self.auth.authenticate_request(activity, header)
        except Exception as exc:  # botbuilder signals bad tokens with many exception types
            log.info("teams_unauthenticated", reason=f"{type(exc).__name__}: {exc}"[:300])
            return None
        identity = getattr(result, "claims_identity", None)
        if identity is None or not identity.is_authenticated or result.connector_factory is None:
            log.info("teams_unauthenticated", reason="no identity")
            return None
        return result

    async def handle(self, request: web.Request) -> web.StreamResponse:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme != "Bearer" or not token.strip():
            return _unauthorized("Bot Framework activities carry 'Authorization: Bearer <channel token>'.")
        activity = await self._read(request)
        if activity is None:
            # Answer 401 rather than 400 to anyone whose token does not validate, whatever they sent.
            if await self.authenticate(Activity(), header) is None:
                return _unauthorized("The channel token did not validate.")
            return problem(400, "bad_request", "Bad request", "The body is not a Bot Framework activity (JSON).")
        result = await self.authenticate(activity, header)
        if result is None:
            return _unauthorized("The channel token did not validate.")
        if not self._tenant_allowed(activity):
            log.warning("teams_foreign_tenant", tenant=_tenant(activity))
            return problem(403, "forbidden", "Forbidden", "This OpsGate serves another Microsoft Entra tenant.")
        invoke_response = await self.adapter.process_activity(result, activity, self.bot.on_turn)
        if invoke_response is None:
            return web.Response(status=200)
        body = invoke_response.body
        data = serializer_helper(body) if isinstance(body, Model) else body
        return web.json_response(data, status=invoke_response.status or 200)

    async def _read(self, request: web.Request) -> Activity | None:
        if request.content_type != "application/json":
            return None
        if request.content_length is not None and request.content_length > MAX_BODY:
            return None
        raw = await request.content.read(MAX_BODY + 1)
        if len(raw) > MAX_BODY:
            return None
        try:
            body: Any = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None
        if not isinstance(body, dict):
            return None
        try:
            activity = Activity().deserialize(body)
        except Exception:  # msrest raises DeserializationError and friends
            return None
        return activity if activity.type else None

    def _tenant_allowed(self, activity: Activity) -> bool:
        return self.tenant_id is None or _tenant(activity) in (None, self.tenant_id)


def _tenant(activity: Activity) -> str | None:
    conversation = activity.conversation
    tenant = getattr(conversation, "tenant_id", None) if conversation is not None else None
    if tenant:
        return str(tenant)
    data = as_dict(activity.channel_data)
    inner = as_dict(data.get("tenant"))
    return str(inner["id"]) if inner.get("id") else None
