"""The one transport and retry helper every connector uses.

:class:`HttpSession` owns one ``httpx.AsyncClient`` (timeouts, optional test transport, auth object) and sends
:class:`~.calls.Call` objects with retries:

* 429 is always retried (the request was not processed); the wait honours ``Retry-After`` (seconds or an HTTP
  date) and Okta's ``X-Rate-Limit-Reset`` (epoch seconds), and is never shorter than the backoff.
* 500/502/503/504, read timeouts and dropped connections are retried only for idempotent calls, because the
  first send may have landed; connection failures before anything was sent (connect errors, pool timeouts)
  always are.
* Backoff is capped exponential with jitter: ``min(cap, base * 2**(attempt-1))``, randomised in its upper
  half.
* A server asking to wait longer than ``max_retry_after`` is not waited for: the call fails at once, visibly.

Anything else that is not 2xx (or explicitly accepted by the caller) becomes a
:class:`~.errors.ConnectorError` built from the status and the remote error body (Okta
``errorCode``/``errorSummary``, Graph ``error.code``/``error.message``, OAuth
``error``/``error_description``). Headers and request bodies never reach an error or a log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import random
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
import structlog

from .calls import Call
from .errors import ConnectorError, ConnectorFailure, ConnectorHalt, ErrorCode

log = structlog.get_logger("opsgate.connectors")
E = TypeVar("E", bound=ConnectorError)

DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
RETRY_STATUSES = frozenset({500, 502, 503, 504})
# Failures where the request certainly never reached the server.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry. Inject ``sleep`` (and ``clock``, ``jitter``) in tests."""

    max_attempts: int = 4
    base: float = 0.5
    cap: float = 20.0
    max_retry_after: float = 120.0
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.time, repr=False)
    jitter: Callable[[], float] = field(default=random.random, repr=False)

    def backoff(self, attempt: int) -> float:
        """The wait after failed attempt ``attempt`` (1-based), without server hints."""
        ceiling = min(self.cap, self.base * 2.0 ** (attempt - 1))
        return ceiling / 2 + ceiling / 2 * self.jitter()

    def server_hint(self, response: httpx.Response) -> float | None:
        """Seconds the server asked us to wait (``Retry-After`` or Okta's ``X-Rate-Limit-Reset``), if any."""
        hints: list[float] = []
        retry_after = response.headers.get("Retry-After")
        if retry_after:
            hints.append(parse_retry_after(retry_after, self.clock()))
        reset = response.headers.get("X-Rate-Limit-Reset")
        if reset:
            with contextlib.suppress(ValueError):
                hints.append(float(reset) - self.clock())
        return max([0.0, *hints]) if hints else None


def parse_retry_after(value: str, now: float) -> float:
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, when.timestamp() - now)


def error_detail(response: httpx.Response) -> str:
    """The remote error's own words, from whichever of the documented error shapes the body has."""
    try:
        body: Any = response.json()
    except ValueError:
        return response.reason_phrase or "no error body"
    if isinstance(body, dict):
        if "errorSummary" in body:  # Okta
            causes = [c.get("errorSummary", "") for c in body.get("errorCauses") or [] if isinstance(c, dict)]
            text = str(body["errorSummary"]) + (f" ({'; '.join(causes)})" if causes else "")
            return f"{text} [{body.get('errorCode', '?')}]"
        error = body.get("error")
        if isinstance(error, dict):  # Graph
            return f"{error.get('message', '')} [{error.get('code', '?')}]"
        if isinstance(error, str):  # OAuth token endpoint; the description's first line names the AADSTS code
            description = str(body.get("error_description", "")).splitlines()
            return f"{description[0] if description else ''} [{error}]"
    return response.reason_phrase or "unexpected error body"


def error_from_response(
    system: str, call: str, response: httpx.Response, *, attempts: int = 1
) -> ConnectorError:
    """Map a non-success answer onto the taxonomy."""
    status = response.status_code
    detail = error_detail(response)
    if attempts > 1:
        detail = f"after {attempts} attempts: {detail}"
    if status == 401:
        return ConnectorHalt(
            system, call, status, "credentials rejected: " + detail, code=ErrorCode.UNAUTHORIZED
        )
    if status == 403:
        return ConnectorHalt(system, call, status, "permission denied: " + detail, code=ErrorCode.FORBIDDEN)
    if status == 404:
        return ConnectorHalt(system, call, status, detail, code=ErrorCode.NOT_FOUND)
    if status == 429:
        return ConnectorFailure(system, call, status, "rate limited " + detail, code=ErrorCode.RATE_LIMITED)
    if 400 <= status < 500 and status != 408:
        return ConnectorHalt(system, call, status, detail, code=ErrorCode.REJECTED)
    return ConnectorFailure(system, call, status, detail, code=ErrorCode.REMOTE_ERROR)


class HttpSession:
    """One ``httpx.AsyncClient`` plus the retry loop, for one connector instance."""

    def __init__(
        self,
        system: str,
        base_url: str,
        *,
        auth: httpx.Auth | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | float | None = None,
    ) -> None:
        self.system = system
        self.retry = retry or RetryPolicy()
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            auth=auth,
            transport=transport,
            timeout=timeout if timeout is not None else DEFAULT_TIMEOUT,
            headers={"Accept": "application/json", "User-Agent": "OpsGate/0.1 (+connectors)"},
            follow_redirects=False,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def send(self, call: Call, *, accept: Collection[int] = ()) -> httpx.Response:
        """Send ``call`` with retries; return a 2xx answer (or one whose status is in ``accept``)."""
        policy = self.retry
        attempt = 0
        while True:
            attempt += 1
            last = attempt >= policy.max_attempts
            try:
                response = await self._client.request(
                    call.method, call.path, params=dict(call.params) or None, json=call.json
                )
            except httpx.TransportError as exc:
                failure = ConnectorFailure(
                    self.system,
                    call.name,
                    None,
                    f"no answer after {attempt} attempt(s) ({type(exc).__name__})",
                    code=ErrorCode.UNREACHABLE,
                )
                if last or not (call.idempotent or isinstance(exc, _NOT_SENT)):
                    raise self.report(failure) from None
                await self._wait(call, attempt, policy.backoff(attempt), f"{type(exc).__name__}")
                continue
            except ConnectorError as exc:  # raised inside an auth flow (token endpoint)
                too_long = exc.retry_after is not None and exc.retry_after > policy.max_retry_after
                if last or not exc.retryable or too_long:
                    self.report(exc)
                    raise
                delay = max(exc.retry_after or 0.0, policy.backoff(attempt))
                await self._wait(call, attempt, delay, f"token endpoint {exc.status}")
                continue

            status = response.status_code
            if 200 <= status < 300 or status in accept:
                return response
            retryable = status == 429 or (status in RETRY_STATUSES and call.idempotent)
            if retryable and not last:
                hint = policy.server_hint(response)
                if hint is not None and hint > policy.max_retry_after:
                    impatient = ConnectorFailure(
                        self.system,
                        call.name,
                        status,
                        f"asked to wait {hint:.0f}s, more than the {policy.max_retry_after:.0f}s allowed: "
                        + error_detail(response),
                        code=ErrorCode.RATE_LIMITED if status == 429 else ErrorCode.REMOTE_ERROR,
                    )
                    raise self.report(impatient)
                await self._wait(call, attempt, max(hint or 0.0, policy.backoff(attempt)), f"HTTP {status}")
                continue
            error = error_from_response(self.system, call.name, response, attempts=attempt)
            raise self.report(error)

    async def _wait(self, call: Call, attempt: int, delay: float, reason: str) -> None:
        log.warning(
            "connector.retry",
            system=self.system,
            call=call.name,
            reason=reason,
            attempt=attempt,
            delay=round(delay, 3),
        )
        await self.retry.sleep(delay)

    def report(self, error: E) -> E:
        """Log ``error`` (halts at info, failures at error) and hand it back to be raised."""
        level = log.info if error.halt else log.error
        level(
            "connector.halt" if error.halt else "connector.failure",
            system=error.system,
            call=error.call,
            status=error.status,
            code=str(error.code),
            detail=error.detail,
        )
        return error
