"""Resolving the bearer key of a request (used by the auth middleware)."""

from __future__ import annotations

from aiohttp import web

from opsgate.bot.gate import OpsGate
from opsgate.bot.keys import KeyCache, authenticate_key
from opsgate.bot.services import Services
from opsgate.store.apikeys import Principal

SERVICES: web.AppKey[Services] = web.AppKey("opsgate_services", Services)
GATE: web.AppKey[OpsGate] = web.AppKey("opsgate_gate", OpsGate)
KEY_CACHE: web.AppKey[KeyCache] = web.AppKey("opsgate_key_cache", KeyCache)
PRINCIPAL: web.RequestKey[Principal] = web.RequestKey("opsgate_principal", Principal)


async def authenticate_request(request: web.Request, *, cacheable: bool = False) -> Principal | None:
    """The key's principal. ``cacheable`` routes re-check revocation in their own transaction (ingest), so a
    recently verified key may be trusted without another read; every other route reads the key row."""
    header = request.headers.get("Authorization", "")
    scheme, _, presented = header.partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        return None
    services = request.app[SERVICES]
    cache = request.app.get(KEY_CACHE) if cacheable else None
    presented = presented.strip()
    if cache is not None:
        hit = cache.get(presented)
        if hit is not None:
            return hit
    return await services.db(authenticate_key, services, presented, cache)
