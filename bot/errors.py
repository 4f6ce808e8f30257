"""One error taxonomy. Services raise these; one place per surface maps them to users (HTTP problem+json,
Slack ephemeral text, Teams invoke response). Each carries a stable ``code`` and an HTTP ``status``.
"""

from __future__ import annotations

from typing import Any


class OpsGateError(Exception):
    code = "error"
    status = 500
    title = "Internal error"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class BadRequest(OpsGateError):
    code, status, title = "bad_request", 400, "Bad request"


class InvalidJson(OpsGateError):
    code, status, title = "invalid_json", 400, "Body is not valid JSON"


class ValidationFailed(OpsGateError):
    code, status, title = "validation_error", 422, "Validation failed"

    def __init__(self, detail: str, errors: list[dict[str, str]]) -> None:
        super().__init__(detail, errors=errors)
        self.errors = errors


class UnsupportedSource(OpsGateError):
    code, status, title = "unsupported_source", 422, "Unsupported source"


class Unauthenticated(OpsGateError):
    code, status, title = "unauthenticated", 401, "Unauthenticated"


class InsufficientScope(OpsGateError):
    code, status, title = "insufficient_scope", 403, "Insufficient scope"


class NotFound(OpsGateError):
    code, status, title = "not_found", 404, "Not found"


class PayloadTooLarge(OpsGateError):
    code, status, title = "payload_too_large", 413, "Payload too large"


class UnsupportedMediaType(OpsGateError):
    code, status, title = "unsupported_media_type", 415, "Unsupported media type"


class RateLimited(OpsGateError):
    code, status, title = "rate_limited", 429, "Rate limited"

    def __init__(self, detail: str, retry_after: float) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class Conflict(OpsGateError):
    code, status, title = "conflict", 409, "Conflict"
