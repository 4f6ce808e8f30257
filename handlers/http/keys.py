"""Resolving the bearer key of a request (used by the auth middleware)."""

from __future__ import annotations

from aiohttp import web
from opsgate.bot.gate import OpsGate
from opsgate.bot.keys import authenticate_key
from opsgate.bot.services import Services
from opsgate.store.apikeys import Principal

SERVICES: web.AppKey[Services] = web.AppKey("opsgate_services", Services)
GATE: web.AppKey[OpsGate] = web.AppKey("opsgate_gate", OpsGate)
PRINCIPAL: web.RequestKey[Principal] = web.RequestKey("opsgate_principal", Principal)


async def authenticate_request(request: web.Request) -> Principal | None:
    header = request.headers.get("Authorization", "")
    scheme, _, presented = header.partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        return None
    services = request.app[SERVICES]
    return await services.db(authenticate_key, services, presented.strip())
