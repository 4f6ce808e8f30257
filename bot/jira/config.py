"""What one Jira site integration holds: its settings (``integrations.config``, plain JSON) and its secrets
(``integrations.secrets``, encrypted with ``OPSGATE_SECRET_KEY``), and the rules that read them.

The state mapping names, per OpsGate run state, the Jira status the linked issue should move to
(``{"succeeded": "Done", "denied": "Won't Do"}``); inbound, a move in Jira to a status that a closing state maps
to cancels a run still waiting for approval. Matching of status names is case-insensitive both ways.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

KIND = "jira"
STATES = (
    "awaiting_approval",
    "approved",
    "executing",
    "succeeded",
    "failed",
    "denied",
    "expired",
    "cancelled",
)
# States that end a run: a Jira move to a status one of these maps to means "closed in Jira".
CLOSING_STATES = frozenset({"succeeded", "failed", "denied", "expired", "cancelled"})
PROJECT_KEY = re.compile(r"^[A-Z][A-Z0-9_]{0,254}$")

AuthKind = Literal["basic", "pat"]


class ConfigError(ValueError):
    """An integration setting that cannot work; the message names it and says what to use."""


def normalize_base_url(url: str) -> str:
    """``https://Acme.atlassian.net/`` -> ``https://acme.atlassian.net`` (scheme and host lower-cased, the
    context path kept: Jira Server paths such as ``/jira`` are case-sensitive)."""
    raw = (url or "").strip()
    parts = urlsplit(raw)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"Jira URL {raw!r} must be an http(s) URL such as https://acme.atlassian.net")
    if parts.query or parts.fragment:
        raise ConfigError(f"Jira URL {raw!r} must be the site's base URL, without a query or fragment")
    path = parts.path.rstrip("/")
    if "/browse/" in path + "/" or path.endswith("/rest/api"):
        raise ConfigError(f"Jira URL {raw!r} must be the site's base URL (e.g. https://acme.atlassian.net)")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}"


def parse_state_mapping(pairs: Mapping[str, str] | list[str]) -> dict[str, str]:
    """``{"succeeded": "Done"}`` or ``["succeeded=Done", ...]``; unknown states are refused by name."""
    items = pairs.items() if isinstance(pairs, Mapping) else [p.split("=", 1) if "=" in p else (p, "") for p in pairs]
    out: dict[str, str] = {}
    for state, status in items:
        state, status = str(state).strip().lower(), str(status).strip()
        if state not in STATES:
            raise ConfigError(f"state mapping: {state!r} is not an OpsGate state; use one of {', '.join(STATES)}")
        if not status:
            raise ConfigError(f"state mapping: {state} needs a Jira status name (e.g. {state}=Done)")
        out[state] = status
    return out


class JiraConfig(BaseModel):
    """``integrations.config`` of a Jira site (no secrets)."""

    model_config = ConfigDict(extra="ignore")

    auth: AuthKind = "basic"  # basic: email + API token (Cloud); pat: personal access token (Server/DC)
    email: str | None = None
    project_key: str | None = None
    issue_type: str = "Task"  # for tickets created from Slack
    state_mapping: dict[str, str] = Field(default_factory=dict)
    comment_format: Literal["full", "compact"] = "full"
    internal_comments: bool = False  # Jira Service Management: post write-backs as internal notes
    default_jql: str | None = None  # scope of the Slack Jira summary (App Home); None: updated >= -30d
    # Learned from the site at the last successful check (serverInfo, /myself):
    deployment: str | None = None
    account_id: str | None = None  # Cloud accountId
    account_name: str | None = None  # Server/DC username
    account_display: str | None = None
    checked_at: str | None = None

    @field_validator("project_key")
    @classmethod
    def _project(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        key = value.strip().upper()
        if not PROJECT_KEY.match(key):
            raise ValueError(f"{value!r} is not a Jira project key like ITSM")
        return key

    @field_validator("state_mapping")
    @classmethod
    def _mapping(cls, value: dict[str, str]) -> dict[str, str]:
        try:
            return parse_state_mapping(value)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None


class JiraSecrets(BaseModel):
    """``integrations.secrets`` (decrypted): never logged, never audited, never answered."""

    model_config = ConfigDict(extra="ignore")

    token: SecretStr  # API token (basic) or personal access token (pat)
    webhook_secret: SecretStr | None = None


@dataclass(frozen=True)
class Credentials:
    base_url: str
    auth: AuthKind
    email: str | None
    token: str

    def __repr__(self) -> str:  # never the token
        return f"Credentials({self.base_url!r}, {self.auth!r}, {self.email!r})"

    @property
    def who(self) -> str:
        """How an error names the account it tried."""
        if self.auth == "basic":
            return self.email or "the API token's account"
        return "the personal access token's account"


@dataclass(frozen=True)
class JiraSite:
    """One configured Jira site, as services use it."""

    id: str
    org_id: int
    name: str
    base_url: str
    config: JiraConfig
    secrets: JiraSecrets | None = None  # loaded only where needed (calls, signatures)

    @property
    def link_base(self) -> str:
        """The key links and runs use for this site (as ``ingest.jira_site`` derives it from an issue URL)."""
        return self.base_url.lower()

    def credentials(self) -> Credentials:
        if self.secrets is None:
            raise ConfigError(f"Jira site {self.id}: secrets not loaded")
        return Credentials(self.base_url, self.config.auth, self.config.email, self.secrets.token.get_secret_value())

    def browse_url(self, key: str) -> str:
        return f"{self.base_url}/browse/{key}"

    def target_status(self, state: str) -> str | None:
        return self.config.state_mapping.get(state)

    def states_for_status(self, status: str | None) -> set[str]:
        wanted = (status or "").casefold()
        return {s for s, name in self.config.state_mapping.items() if name.casefold() == wanted} if wanted else set()

    def is_own_account(self, user: Mapping[str, Any] | None) -> bool:
        """Whether a webhook's acting user is OpsGate's own Jira account (Cloud accountId, Server name/key)."""
        if not user:
            return False
        cfg = self.config
        if cfg.account_id and user.get("accountId") == cfg.account_id:
            return True
        names = {str(user.get(k)).casefold() for k in ("name", "key") if user.get(k)}
        if cfg.account_name and cfg.account_name.casefold() in names:
            return True
        email = str(user.get("emailAddress") or "").casefold()
        return bool(cfg.email and email and email == cfg.email.casefold())
