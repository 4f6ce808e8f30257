"""One error taxonomy for every connector.

:class:`ConnectorError` names the system, the call (``METHOD /path``) and the HTTP status (``None`` when no
answer came back), plus a short detail taken from the remote error body. Its two subclasses say what the run
engine should do with it (the split Sentry's integration lifecycle calls "halt" vs "failure"):

* :class:`ConnectorHalt`: a precondition or a user/config problem. The user does not exist, the licence has no
  free seats, the group name is ambiguous, the credentials are rejected (401/403), the system refused the
  request as asked (400/404/409). Logged at info; the fix is on the admin's side, retrying changes nothing.
* :class:`ConnectorFailure`: an unexpected remote answer. 5xx or 429 still there after the retries, no answer
  at all, a body that is not what the API documents. Logged at error.

The message never contains a token, a client secret, a password or a request body: it is built only from the
method, the path, the status and the remote error's code/summary.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

MAX_DETAIL = 300


class ErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    AMBIGUOUS = "ambiguous"
    NO_FREE_SEATS = "no_free_seats"
    LICENCE_UNAVAILABLE = "licence_unavailable"
    PRECONDITION = "precondition"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    REJECTED = "rejected"
    RATE_LIMITED = "rate_limited"
    REMOTE_ERROR = "remote_error"
    UNREACHABLE = "unreachable"
    BAD_RESPONSE = "bad_response"


class ConnectorError(Exception):
    """A connector call that did not do what was asked. Use a subclass; ``halt`` tells them apart."""

    halt: ClassVar[bool] = False

    def __init__(
        self,
        system: str,
        call: str,
        status: int | None,
        detail: str,
        *,
        code: ErrorCode,
        retry_after: float | None = None,
        retryable: bool = False,
    ) -> None:
        self.system = system
        self.call = call
        self.status = status
        self.detail = clip(detail)
        self.code = code
        # For the retry helper only: an error raised in an auth flow (token endpoint 429/5xx) may be retried.
        self.retry_after = retry_after
        self.retryable = retryable
        super().__init__(str(self))

    def __str__(self) -> str:
        answer = f"HTTP {self.status}" if self.status is not None else "no answer"
        return f"{self.system} {self.call} failed ({answer}, {self.code}): {self.detail}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class ConnectorHalt(ConnectorError):
    """A precondition, user or configuration problem: report it, don't retry, don't page anyone."""

    halt = True


class ConnectorFailure(ConnectorError):
    """An unexpected remote answer (5xx or 429 after the retries, no answer, an undocumented body)."""

    halt = False


def clip(text: str) -> str:
    """One line, at most ``MAX_DETAIL`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= MAX_DETAIL else line[: MAX_DETAIL - 1] + "…"
