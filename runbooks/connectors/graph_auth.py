"""OAuth 2.0 client-credentials for Microsoft Graph as an ``httpx.Auth``.

The token is a plain form POST to ``{GRAPH_LOGIN_URL}/{tenant}/oauth2/v2.0/token`` (msal refuses plain-http
authorities, which loopback fakes use). It is yielded from the auth flow, so it goes through the connector's
own ``httpx.AsyncClient`` and transport. The token is cached until shortly before ``expires_in`` runs out; a
401 from Graph drops it and the request is replayed once with a fresh one. Token endpoint answers map onto the
error taxonomy: 400/401 (bad tenant, client id or secret) are halts, 429/5xx are failures the retry helper may
retry. The client secret and the token never appear in an error, a log line or a repr.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import AsyncGenerator, Callable, Generator
from dataclasses import dataclass, field
from typing import Any

import httpx

from .errors import ConnectorFailure, ConnectorHalt, ErrorCode
from .http import error_detail, parse_retry_after


@dataclass(frozen=True)
class AccessToken:
    value: str = field(repr=False)
    refresh_at: float
    roles: frozenset[str]


def jwt_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, decoded without verification (only to read ``roles``); {} if not a JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return {}
    return claims if isinstance(claims, dict) else {}


class ClientCredentialsAuth(httpx.Auth):
    """Bearer auth with a cached client-credentials token; safe under concurrent requests."""

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        scope: str,
        *,
        system: str = "graph",
        call_name: str = "POST /oauth2/v2.0/token",
        clock: Callable[[], float] = time.time,
        refresh_margin: float = 300.0,
    ) -> None:
        self._token_url = token_url
        self._form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
            "scope": scope,
        }
        self._system = system
        self._call = call_name
        self._clock = clock
        self._margin = refresh_margin
        self._lock = asyncio.Lock()
        self._token: AccessToken | None = None

    def __repr__(self) -> str:
        return f"ClientCredentialsAuth({self._token_url!r}, client_id={self._form['client_id']!r})"

    @property
    def roles(self) -> frozenset[str]:
        """Application permissions of the cached token (empty before the first call)."""
        return self._token.roles if self._token else frozenset()

    def invalidate(self) -> None:
        self._token = None

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        raise RuntimeError("ClientCredentialsAuth works with httpx.AsyncClient only")

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        async with self._lock:
            if self._token is None or self._clock() >= self._token.refresh_at:
                answer = yield self._token_request()
                self._token = await self._parse(answer)
            token = self._token
        request.headers["Authorization"] = f"Bearer {token.value}"
        response = yield request
        if response.status_code != 401:
            return
        async with self._lock:  # revoked or expired early: one fresh token, one replay
            if self._token is token:
                answer = yield self._token_request()
                self._token = await self._parse(answer)
            token = self._token
        request.headers["Authorization"] = f"Bearer {token.value}"
        yield request

    def _token_request(self) -> httpx.Request:
        return httpx.Request("POST", self._token_url, data=self._form, headers={"Accept": "application/json"})

    async def _parse(self, response: httpx.Response) -> AccessToken:
        await response.aread()
        status = response.status_code
        if status == 200:
            try:
                body = response.json()
                value = str(body["access_token"])
                lifetime = float(body.get("expires_in", 3600))
            except (ValueError, KeyError, TypeError) as exc:
                raise ConnectorFailure(
                    self._system,
                    self._call,
                    status,
                    "token answer lacks access_token",
                    code=ErrorCode.BAD_RESPONSE,
                ) from exc
            margin = min(self._margin, lifetime / 2)
            roles = jwt_claims(value).get("roles") or []
            return AccessToken(value, self._clock() + lifetime - margin, frozenset(str(r) for r in roles))
        detail = error_detail(response)
        if status == 429 or status >= 500:
            header = response.headers.get("Retry-After")
            hint = parse_retry_after(header, self._clock()) if header else None
            code = ErrorCode.RATE_LIMITED if status == 429 else ErrorCode.REMOTE_ERROR
            raise ConnectorFailure(
                self._system, self._call, status, detail, code=code, retry_after=hint, retryable=True
            )
        raise ConnectorHalt(
            self._system,
            self._call,
            status,
            f"token refused; check GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET: {detail}",
            code=ErrorCode.UNAUTHORIZED,
        )
