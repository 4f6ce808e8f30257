"""Settings from the environment and an optional ``.env``, validated once at start.

OpsGate's own names start with ``OPSGATE_``; the vendors' integrations keep their usual names (``SLACK_BOT_TOKEN``,
``MicrosoftAppId``, ``JIRA_URL`` ...), exactly as DESIGN.md lists them. Secrets are ``SecretStr`` and never printed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from pydantic import AliasChoices, BeforeValidator, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from opsgate.bot.durations import DurationError, parse_duration

DEFAULT_DATABASE_URL = "sqlite:///./opsgate.db"


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    try:
        return parse_duration(str(value))
    except DurationError as exc:
        raise ValueError(str(exc)) from None


def _csv(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(part.strip() for part in str(value).split(",") if part.strip())


Duration = Annotated[timedelta, BeforeValidator(_duration)]
CsvList = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_csv)]


def _env(name: str) -> Any:
    return Field(default=None, validation_alias=AliasChoices(name))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        populate_by_name=True,
    )

    # server, store
    host: str = Field("127.0.0.1", validation_alias="OPSGATE_HOST")
    port: int = Field(3000, ge=1, le=65535, validation_alias="OPSGATE_PORT")
    database_url: str = Field(DEFAULT_DATABASE_URL, validation_alias="OPSGATE_DATABASE_URL")
    secret_key: SecretStr | None = Field(None, validation_alias="OPSGATE_SECRET_KEY")
    public_url: str | None = Field(None, validation_alias="OPSGATE_PUBLIC_URL")
    log_level: str = Field("info", validation_alias="OPSGATE_LOG_LEVEL")
    default_org: str = Field("default", validation_alias="OPSGATE_DEFAULT_ORG")

    # runs
    sandbox: bool | None = Field(None, validation_alias="OPSGATE_SANDBOX")
    approval_deadline: Duration = Field(timedelta(hours=24), validation_alias="OPSGATE_APPROVAL_DEADLINE")
    approval_reminder: Duration = Field(timedelta(hours=4), validation_alias="OPSGATE_APPROVAL_REMINDER")
    approval_surface: CsvList = Field((), validation_alias="OPSGATE_APPROVAL_SURFACE")
    org_domains: CsvList = Field((), validation_alias="OPSGATE_ORG_DOMAINS")
    ingest_rate_limit: int = Field(600, ge=1, validation_alias="OPSGATE_INGEST_RATE_LIMIT")
    scheduler_interval: Duration = Field(timedelta(seconds=5), validation_alias="OPSGATE_SCHEDULER_INTERVAL")
    jit_reconcile_interval: Duration = Field(timedelta(minutes=15), validation_alias="OPSGATE_JIT_RECONCILE_INTERVAL")

    # classifier
    classifier_threshold: float = Field(0.6, ge=0.0, le=1.0, validation_alias="OPSGATE_CLASSIFIER_THRESHOLD")
    llm_url: str | None = Field(None, validation_alias="OPSGATE_LLM_URL")
    llm_model: str | None = Field(None, validation_alias="OPSGATE_LLM_MODEL")
    llm_api_key: SecretStr | None = Field(None, validation_alias="OPSGATE_LLM_API_KEY")

    # Slack
    slack_bot_token: SecretStr | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str | None = Field(None, validation_alias="SLACK_API_URL")
    slack_approval_channel: str | None = Field(None, validation_alias="OPSGATE_SLACK_APPROVAL_CHANNEL")
    slack_approvers: CsvList = Field((), validation_alias="OPSGATE_SLACK_APPROVERS")
    approver_cache: Duration = Field(timedelta(seconds=60), validation_alias="OPSGATE_APPROVER_CACHE")
    admins: CsvList = Field((), validation_alias="OPSGATE_ADMINS")  # Slack user/group ids who manage integrations

    # Teams (the Bot Framework's own key names)
    microsoft_app_id: str | None = Field(None, validation_alias="MicrosoftAppId")
    microsoft_app_password: SecretStr | None = Field(None, validation_alias="MicrosoftAppPassword")
    microsoft_app_type: str | None = Field(None, validation_alias="MicrosoftAppType")
    microsoft_app_tenant_id: str | None = Field(None, validation_alias="MicrosoftAppTenantId")
    to_bot_from_channel_openid_metadata_url: str | None = Field(
        None, validation_alias="ToBotFromChannelOpenIdMetadataUrl"
    )
    to_bot_from_channel_token_issuer: str | None = Field(None, validation_alias="ToBotFromChannelTokenIssuer")
    to_channel_from_bot_login_url: str | None = Field(None, validation_alias="ToChannelFromBotLoginUrl")
    to_channel_from_bot_oauth_scope: str | None = Field(None, validation_alias="ToChannelFromBotOAuthScope")
    validate_authority: bool | None = Field(None, validation_alias="ValidateAuthority")
    teams_approvers: CsvList = Field((), validation_alias="OPSGATE_TEAMS_APPROVERS")

    # Jira
    jira_url: str | None = Field(None, validation_alias="JIRA_URL")
    jira_email: str | None = Field(None, validation_alias="JIRA_EMAIL")
    jira_api_token: SecretStr | None = Field(None, validation_alias="JIRA_API_TOKEN")
    jira_pat: SecretStr | None = Field(None, validation_alias="JIRA_PAT")
    jira_webhook_secret: SecretStr | None = Field(None, validation_alias="JIRA_WEBHOOK_SECRET")
    jira_project_key: str | None = Field(None, validation_alias="JIRA_PROJECT_KEY")
    jira_writeback_give_up: Duration = Field(timedelta(hours=24), validation_alias="OPSGATE_JIRA_WRITEBACK_GIVE_UP")
    jira_health_interval: Duration = Field(timedelta(minutes=5), validation_alias="OPSGATE_JIRA_HEALTH_INTERVAL")
    jira_cache_ttl: Duration = Field(timedelta(seconds=60), validation_alias="OPSGATE_JIRA_CACHE_TTL")
    jira_viewer_group: str | None = Field(None, validation_alias="OPSGATE_JIRA_VIEWER_GROUP")

    # Okta
    okta_org_url: str | None = Field(None, validation_alias="OKTA_ORG_URL")
    okta_api_token: SecretStr | None = Field(None, validation_alias="OKTA_API_TOKEN")
    okta_reset_sends_email: bool = Field(True, validation_alias="OPSGATE_OKTA_RESET_SENDS_EMAIL")
    okta_default_groups: CsvList = Field((), validation_alias="OPSGATE_OKTA_DEFAULT_GROUPS")

    # Graph
    graph_url: str = Field("https://graph.microsoft.com", validation_alias="GRAPH_URL")
    graph_login_url: str = Field("https://login.microsoftonline.com", validation_alias="GRAPH_LOGIN_URL")
    graph_tenant_id: str | None = Field(None, validation_alias="GRAPH_TENANT_ID")
    graph_client_id: str | None = Field(None, validation_alias="GRAPH_CLIENT_ID")
    graph_client_secret: SecretStr | None = Field(None, validation_alias="GRAPH_CLIENT_SECRET")
    license_skus: CsvList = Field((), validation_alias="OPSGATE_LICENSE_SKUS")  # "Name=SKU_PART,..." extends the map
    graph_usage_location: str = Field("US", min_length=2, max_length=2, validation_alias="OPSGATE_GRAPH_USAGE_LOCATION")

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql")):
            raise ValueError("must start with sqlite:/// or postgresql+psycopg://")
        return value

    @field_validator("approval_surface")
    @classmethod
    def _surfaces(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [v for v in value if v not in ("slack", "teams")]
        if bad:
            raise ValueError(f"unknown surface {', '.join(bad)}; use slack, teams or slack,teams")
        return value

    @field_validator("jira_url", "okta_org_url", "slack_api_url", "public_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/") if not value.endswith("/api/") else value

    # --- what is configured -------------------------------------------------------------------------------

    @property
    def okta_configured(self) -> bool:
        return bool(self.okta_org_url and self.okta_api_token)

    @property
    def graph_configured(self) -> bool:
        return bool(self.graph_tenant_id and self.graph_client_id and self.graph_client_secret)

    @property
    def sandbox_mode(self) -> bool:
        """Sandbox unless asked otherwise, whenever no connector has credentials."""
        if self.sandbox is not None:
            return self.sandbox
        return not (self.okta_configured or self.graph_configured)

    @property
    def slack_configured(self) -> bool:
        return bool(self.slack_bot_token and (self.slack_signing_secret or self.slack_app_token))

    @property
    def teams_configured(self) -> bool:
        return bool(self.microsoft_app_id)

    @property
    def surfaces(self) -> tuple[str, ...]:
        if self.approval_surface:
            return self.approval_surface
        return tuple(s for s, on in (("slack", self.slack_configured), ("teams", self.teams_configured)) if on)


class SettingsError(Exception):
    """Settings failed validation; ``lines`` holds one line per problem, naming the variable."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def _env_name(field: str) -> str:
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info else None
    return alias if isinstance(alias, str) else field


def load_settings(**overrides: Any) -> Settings:
    """Read and validate settings; raise SettingsError with one line per problem (values never echoed)."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            message = error["msg"].removeprefix("Value error, ")
            lines.append(f"{_env_name(field)}: {message}")
        raise SettingsError(lines) from None
