"""Request middlewares: correlation id + one log line per request, errors -> problem+json, bearer-key auth.

A route that needs a key declares its scope with :func:`requires_scope`; the auth middleware then resolves the
``Authorization: Bearer`` key (401 ``unauthenticated``) and checks the scope (403 ``insufficient_scope``) before
the handler runs. The principal lands in ``request[PRINCIPAL]``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiohttp import web

from opsgate.bot.errors import InsufficientScope, OpsGateError, Unauthenticated
from opsgate.handlers.http.keys import PRINCIPAL, SERVICES, authenticate_request
from opsgate.handlers.http.problems import from_error, problem

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
log = structlog.get_logger("opsgate.http")


def requires_scope(scope: str) -> Callable[[Handler], Handler]:
    def mark(handler: Handler) -> Handler:
        handler.opsgate_scope = scope  # type: ignore[attr-defined]
        return handler

    return mark


def _route_name(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "unmatched"


@web.middleware
async def observe(request: web.Request, handler: Handler) -> web.StreamResponse:
    request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex[:16]
    structlog.contextvars.bind_contextvars(request_id=request_id)
    started = time.perf_counter()
    status = 500
    try:
        try:
            response = await handler(request)
        except OpsGateError as err:
            response = from_error(err)
        except web.HTTPException as exc:
            if exc.status >= 400 and exc.content_type != "application/problem+json":
                code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status, "http_error")
                response = problem(exc.status, code, exc.reason, f"{request.method} {request.path}: {exc.reason}")
            else:
                raise
        except Exception:
            log.exception("request_failed", method=request.method, path=request.path)
            response = problem(
                500,
                "internal_error",
                "Internal error",
                f"Something went wrong on our side; quote correlation id {request_id} when reporting it.",
            )
        status = response.status
        response.headers["X-Request-Id"] = request_id
        return response
    finally:
        elapsed = time.perf_counter() - started
        route = _route_name(request)
        services = request.app.get(SERVICES)
        if services is not None:
            services.metrics.http_requests.labels(route, str(status)).inc()
            services.metrics.http_latency.labels(route).observe(elapsed)
        principal = request.get(PRINCIPAL)
        log.info(
            "request",
            method=request.method,
            path=request.path,
            status=status,
            ms=round(elapsed * 1000, 1),
            key=principal.key_id if principal else None,
        )
        structlog.contextvars.unbind_contextvars("request_id")


@web.middleware
async def bearer_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    scope = _declared_scope(handler)
    if scope is None:
        return await handler(request)
    principal = await authenticate_request(request, cacheable=scope == "ticket:ingest")
    if principal is None:
        raise Unauthenticated(
            "Send an OpsGate API key as 'Authorization: Bearer <key>' (create one with 'opsgate keys create')."
        )
    if scope not in principal.scopes:
        raise InsufficientScope(
            f"This key ({principal.name}) lacks the scope {scope!r}; create a key with '--scope {scope}'."
        )
    request[PRINCIPAL] = principal
    return await handler(request)


def _declared_scope(handler: Any) -> str | None:
    while handler is not None:
        scope = getattr(handler, "opsgate_scope", None)
        if scope is not None:
            return str(scope)
        handler = getattr(handler, "__wrapped__", None) or getattr(handler, "func", None)
    return None
