"""RFC 9457 problem details: the one place that turns an OpsGateError into an HTTP answer."""

from __future__ import annotations

import json
import math
from typing import Any

from aiohttp import web

from opsgate.bot.errors import OpsGateError, RateLimited, ValidationFailed

PROBLEM_TYPE_BASE = "https://opsgate.dev/problems/"


def problem(status: int, code: str, title: str, detail: str, **extra: Any) -> web.Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title,
        "status": status,
        "code": code,
        "detail": detail,
        **extra,
    }
    headers = {}
    if "retryAfter" in extra:
        headers["Retry-After"] = str(extra["retryAfter"])
    return web.Response(status=status, text=json.dumps(body), content_type="application/problem+json", headers=headers)


def from_error(err: OpsGateError) -> web.Response:
    extra: dict[str, Any] = {}
    if isinstance(err, ValidationFailed):
        extra["errors"] = err.errors
    if isinstance(err, RateLimited):
        extra["retryAfter"] = max(1, math.ceil(err.retry_after))
    return problem(err.status, err.code, err.title, err.detail, **extra)
