"""A remote call described as data, built once and either sent (real clients) or recorded (sandbox).

Every connector method is built from the pure builder functions in ``okta_calls`` / ``graph_calls``, which
return :class:`Call` objects: the real clients hand them to the shared HTTP helper, the sandbox records them.
Both therefore agree on methods, paths, query strings and bodies by construction, and the same objects can be
rendered into a run's plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

REDACTED = "[redacted]"
# Keys whose value is a secret wherever they appear in a body.
SECRET_KEYS = frozenset({"password", "client_secret", "access_token", "token", "secret", "answer", "value"})
# ``value`` is only a secret under a password or recovery-question object (Okta credentials).
_VALUE_PARENTS = frozenset({"password", "recovery_question", "passwordProfile"})


def segment(value: str) -> str:
    """Percent-encode one path segment (ids, logins, UPNs); ``@`` and ``:`` stay readable."""
    return quote(value, safe="@:")


@dataclass(frozen=True)
class Call:
    """One HTTP request to a connector's system, relative to its base URL."""

    system: str
    method: str
    path: str
    params: Mapping[str, str] = field(default_factory=dict)
    json: Any = None
    # Safe to resend after an ambiguous outcome (5xx, read timeout): the second send changes nothing more.
    idempotent: bool = True

    @property
    def name(self) -> str:
        """``METHOD /path``, as errors and logs name the call (no query string, no body)."""
        return f"{self.method} {self.path}"

    def recorded(self) -> RecordedCall:
        return RecordedCall(
            system=self.system,
            method=self.method,
            path=self.path,
            query=dict(self.params),
            body=redact(self.json),
        )


@dataclass(frozen=True)
class RecordedCall:
    """What the sandbox keeps of a call: secrets in the body are replaced by ``[redacted]``."""

    system: str
    method: str
    path: str
    query: Mapping[str, str]
    body: Any

    def line(self) -> str:
        """A one-line rendering for plans and audit entries."""
        query = "&".join(f"{k}={v}" for k, v in self.query.items())
        return f"{self.system}: {self.method} {self.path}" + (f"?{query}" if query else "")


def redact(body: Any, parent: str | None = None) -> Any:
    """A deep copy of a JSON body with every secret value replaced by ``[redacted]``."""
    if isinstance(body, Mapping):
        out: dict[str, Any] = {}
        for key, value in body.items():
            secret = key in SECRET_KEYS and (key != "value" or parent in _VALUE_PARENTS)
            if secret and not isinstance(value, Mapping):
                out[key] = REDACTED
            else:
                out[key] = redact(value, key)
        return out
    if isinstance(body, list):
        return [redact(item, parent) for item in body]
    return body
