"""Jira site integrations per org: add, list, test, update, remove, and the one created from the environment.

Secrets (API token or personal access token, webhook secret) are encrypted with ``OPSGATE_SECRET_KEY`` and never
leave this module in a log line, an audit entry or an answer. Saving validates the credentials with an
authenticated ``/myself`` call; a failure names the account tried and Jira's HTTP status. Create, update and delete
append an audit entry in the same transaction as the change. An org may have several sites; each is keyed by its
base URL (a second integration for the same URL in one org is refused).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import SecretStr, ValidationError

from opsgate.bot.errors import Conflict, NotFound, OpsGateError
from opsgate.bot.jira import repo
from opsgate.bot.jira.client import JiraClient
from opsgate.bot.jira.config import (
    AuthKind,
    ConfigError,
    Credentials,
    JiraConfig,
    JiraSecrets,
    JiraSite,
    normalize_base_url,
    parse_state_mapping,
)
from opsgate.bot.jira.selftest import Check, Connect, SelfTest, learned, run_self_test
from opsgate.bot.services import Services
from opsgate.store import audit

T = TypeVar("T")
Blocking = Callable[[Callable[[], Any]], Awaitable[Any]]


class IntegrationError(OpsGateError):
    code, status, title = "jira_integration_invalid", 422, "Jira integration not saved"


@dataclass(frozen=True)
class JiraInput:
    """What an admin gives to add a site (CLI, environment)."""

    base_url: str
    token: str
    auth: AuthKind = "basic"
    email: str | None = None
    webhook_secret: str | None = None
    project_key: str | None = None
    state_mapping: dict[str, str] = field(default_factory=dict)
    comment_format: str = "full"
    internal_comments: bool = False
    issue_type: str = "Task"
    name: str | None = None

    def __repr__(self) -> str:
        return f"JiraInput({self.base_url!r}, auth={self.auth!r}, email={self.email!r})"


def _public_config(site: JiraSite) -> dict[str, Any]:
    return {
        "integration": site.id,
        "name": site.name,
        "url": site.base_url,
        "auth": site.config.auth,
        "email": site.config.email,
        "project": site.config.project_key,
        "state_mapping": dict(site.config.state_mapping),
        "comment_format": site.config.comment_format,
        "internal_comments": site.config.internal_comments,
    }


class Integrations:
    def __init__(self, services: Services, *, blocking: Blocking | None = None, connect: Connect | None = None):
        self.services = services
        self._blocking: Blocking = blocking or (lambda fn: asyncio.to_thread(fn))
        self.connect: Connect = connect or JiraClient.connect

    @property
    def secret_key(self) -> str:
        key = self.services.settings.secret_key
        if key is None:
            raise IntegrationError("Set OPSGATE_SECRET_KEY to store Jira credentials ('opsgate secret-key' makes one).")
        return key.get_secret_value()

    # --- reads -------------------------------------------------------------------------------------------------

    def load(self, integration_id: str, *, secrets: bool = False) -> JiraSite | None:
        with self.services.read_session() as session:
            row = repo.get_row(session, integration_id)
            return None if row is None else repo.site_of(row, self.secret_key if secrets else None)

    def sites(self, org_id: int | None = None) -> list[JiraSite]:
        with self.services.read_session() as session:
            return [repo.site_of(r) for r in repo.list_rows(session, org_id=org_id)]

    def webhook_url(self, site: JiraSite) -> str:
        s = self.services.settings
        base = s.public_url or f"http://{s.host}:{s.port}"
        return f"{base.rstrip('/')}/api/v1/webhooks/jira/{site.id}"

    def public(self, site: JiraSite) -> dict[str, Any]:
        """What ``opsgate jira list --json`` shows: everything but the secrets."""
        cfg = site.config
        return {
            "id": site.id,
            "name": site.name,
            "url": site.base_url,
            "webhookUrl": self.webhook_url(site),
            "org": site.org_id,
            "auth": cfg.auth,
            "email": cfg.email,
            "projectKey": cfg.project_key,
            "issueType": cfg.issue_type,
            "stateMapping": dict(cfg.state_mapping),
            "commentFormat": cfg.comment_format,
            "internalComments": cfg.internal_comments,
            "deployment": cfg.deployment,
            "account": cfg.account_display or cfg.account_name or cfg.account_id,
            "checkedAt": cfg.checked_at,
        }

    # --- checks ------------------------------------------------------------------------------------------------

    async def self_test(self, site: JiraSite) -> SelfTest:
        """Check a stored site and remember what it told us (its deployment and OpsGate's account)."""
        if site.secrets is None:
            site = self.load(site.id, secrets=True) or site
        creds, project = site.credentials(), site.config.project_key
        test: SelfTest = await self._blocking(lambda: run_self_test(creds, project, self.connect))
        if test.authenticated:
            await self.services.db(self._remember, site.id, test)
        return test

    def _remember(self, integration_id: str, test: SelfTest) -> None:
        with self.services.transaction() as session:
            row = repo.get_row(session, integration_id)
            if row is not None:
                repo.save(session, row, config=learned(repo.site_of(row).config, test))

    def remember_account(self, integration_id: str, me: dict[str, Any], deployment: str) -> None:
        account = {"id": str(me.get("accountId") or ""), "name": str(me.get("name") or "")}
        account["display"] = str(me.get("displayName") or "")
        self._remember(integration_id, SelfTest([Check("account", True, "")], deployment, account))

    # --- changes -----------------------------------------------------------------------------------------------

    def _validated(self, data: JiraInput) -> tuple[str, JiraConfig, JiraSecrets]:
        try:
            base = normalize_base_url(data.base_url)
            if data.auth == "basic" and not data.email:
                raise ConfigError("Jira Cloud needs the account's email with its API token (JIRA_EMAIL)")
            if not data.token:
                raise ConfigError("a Jira API token (JIRA_API_TOKEN) or personal access token (JIRA_PAT) is required")
            config = JiraConfig(
                auth=data.auth,
                email=data.email or None,
                project_key=data.project_key,
                issue_type=data.issue_type,
                state_mapping=parse_state_mapping(data.state_mapping),
                comment_format=data.comment_format,  # type: ignore[arg-type]
                internal_comments=data.internal_comments,
            )
        except ConfigError as exc:
            raise IntegrationError(str(exc)) from None
        except ValidationError as exc:
            raise IntegrationError("; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())) from None
        hook = SecretStr(data.webhook_secret) if data.webhook_secret else None
        return base, config, JiraSecrets(token=SecretStr(data.token), webhook_secret=hook)

    async def verify(self, base: str, config: JiraConfig, secrets: JiraSecrets) -> SelfTest:
        creds = Credentials(base, config.auth, config.email, secrets.token.get_secret_value())
        test: SelfTest = await self._blocking(lambda: run_self_test(creds, config.project_key, self.connect))
        if not test.authenticated:
            raise IntegrationError("Jira integration not saved: " + "; ".join(test.problems()), checks=test.checks)
        return test

    async def add(self, org_id: int, data: JiraInput, *, actor: str, verify: bool = True) -> tuple[JiraSite, SelfTest]:
        base, config, secrets = self._validated(data)
        await self.services.db(self._refuse_duplicate, org_id, base)
        test = await self.verify(base, config, secrets) if verify else SelfTest([])
        site = await self.services.db(
            self._insert, org_id, data.name or base, base, learned(config, test), secrets, actor
        )
        return site, test

    def _refuse_duplicate(self, org_id: int, base: str, keep: str | None = None) -> None:
        with self.services.read_session() as session:
            row = repo.row_for_base(session, org_id=org_id, base_url=base)
        if row is not None and row.id != keep:
            raise Conflict(f"{base} is already configured as Jira integration {row.id}; update or remove that one")

    def _insert(
        self, org_id: int, name: str, base: str, config: JiraConfig, secrets: JiraSecrets, actor: str
    ) -> JiraSite:
        with self.services.transaction() as session:
            row = repo.insert(
                session,
                org_id=org_id,
                name=name,
                base_url=base,
                config=config,
                secrets_=secrets,
                secret_key=self.secret_key,
            )
            site = repo.site_of(row)
            data = {**_public_config(site), "signed_webhooks": secrets.webhook_secret is not None}
            audit.append(
                session,
                org_id=org_id,
                actor=actor,
                action="integration.created",
                subject=f"integration:{site.id}",
                data=data,
            )
            return site

    async def update(
        self, integration_id: str, changes: dict[str, Any], *, actor: str, org_id: int | None = None
    ) -> tuple[JiraSite, SelfTest | None]:
        """Change settings and/or secrets (keys of :class:`JiraInput`); new credentials or URL are verified first."""
        site = await self.services.db(self.load, integration_id, secrets=True)
        if site is None or (org_id is not None and site.org_id != org_id):
            raise NotFound(f"no Jira integration {integration_id!r}")
        assert site.secrets is not None
        cfg = site.config
        merged = JiraInput(
            base_url=changes.get("base_url") or site.base_url,
            token=changes.get("token") or site.secrets.token.get_secret_value(),
            auth=changes.get("auth") or cfg.auth,
            email=changes.get("email", cfg.email),
            webhook_secret=changes.get("webhook_secret")
            or (site.secrets.webhook_secret.get_secret_value() if site.secrets.webhook_secret else None),
            project_key=changes.get("project_key", cfg.project_key),
            state_mapping=changes.get("state_mapping", cfg.state_mapping),
            comment_format=changes.get("comment_format", cfg.comment_format),
            internal_comments=changes.get("internal_comments", cfg.internal_comments),
            issue_type=changes.get("issue_type", cfg.issue_type),
            name=changes.get("name", site.name),
        )
        base, config, secrets = self._validated(merged)
        await self.services.db(self._refuse_duplicate, site.org_id, base, site.id)
        reverify = base != site.base_url or any(k in changes for k in ("token", "auth", "email"))
        test = await self.verify(base, config, secrets) if reverify else None
        config = (
            learned(config, test)
            if test
            else config.model_copy(
                update={
                    k: getattr(cfg, k)
                    for k in ("deployment", "account_id", "account_name", "account_display", "checked_at")
                }
            )
        )
        config = config.model_copy(update={"default_jql": changes.get("default_jql", cfg.default_jql) or None})
        changed = sorted(k if k not in ("token", "webhook_secret") else "credentials" for k in changes)
        updated = await self.services.db(self._save, site, base, merged.name or base, config, secrets, actor, changed)
        return updated, test

    def _save(
        self,
        site: JiraSite,
        base: str,
        name: str,
        config: JiraConfig,
        secrets: JiraSecrets,
        actor: str,
        changed: list[str],
    ) -> JiraSite:
        with self.services.transaction() as session:
            row = repo.get_row(session, site.id)
            if row is None:
                raise NotFound(f"no Jira integration {site.id!r}")
            repo.save(
                session, row, config=config, secrets_=secrets, secret_key=self.secret_key, name=name, base_url=base
            )
            new = repo.site_of(row)
            data = {**_public_config(new), "changed": sorted(set(changed))}
            audit.append(
                session,
                org_id=row.org_id,
                actor=actor,
                action="integration.updated",
                subject=f"integration:{row.id}",
                data=data,
            )
            return new

    async def remove(self, integration_id: str, *, actor: str, org_id: int | None = None) -> JiraSite:
        return await self.services.db(self._remove, integration_id, actor, org_id)

    def _remove(self, integration_id: str, actor: str, org_id: int | None) -> JiraSite:
        with self.services.transaction() as session:
            row = repo.get_row(session, integration_id)
            if row is None or (org_id is not None and row.org_id != org_id):
                raise NotFound(f"no Jira integration {integration_id!r}")
            site = repo.site_of(row)
            links = repo.delete_row(session, integration_id)
            data = {**_public_config(site), "links_removed": links}
            audit.append(
                session,
                org_id=site.org_id,
                actor=actor,
                action="integration.deleted",
                subject=f"integration:{site.id}",
                data=data,
            )
            return site

    # --- the environment's site ----------------------------------------------------------------------------

    def env_input(self) -> JiraInput | None:
        s = self.services.settings
        token = s.jira_api_token or s.jira_pat
        if not s.jira_url or token is None:
            return None
        return JiraInput(
            base_url=s.jira_url,
            token=token.get_secret_value(),
            auth="basic" if s.jira_api_token is not None and s.jira_email else "pat",
            email=s.jira_email,
            webhook_secret=s.jira_webhook_secret.get_secret_value() if s.jira_webhook_secret else None,
            project_key=s.jira_project_key,
            name="environment",
        )

    def ensure_from_env(self) -> JiraSite | None:
        """Create (or bring up to date) the default org's site from JIRA_* settings, without network calls; the
        start-up self-test checks it. Returns the site, or None when the environment names no Jira."""
        data = self.env_input()
        if data is None:
            return None
        base, config, secrets = self._validated(data)
        org_id = self.services.default_org_id
        with self.services.transaction() as session:
            row = repo.row_for_base(session, org_id=org_id, base_url=base)
            if row is None:
                row = repo.insert(
                    session,
                    org_id=org_id,
                    name="environment",
                    base_url=base,
                    config=config,
                    secrets_=secrets,
                    secret_key=self.secret_key,
                )
                site = repo.site_of(row)
                audit.append(
                    session,
                    org_id=org_id,
                    actor="opsgate:env",
                    action="integration.created",
                    subject=f"integration:{site.id}",
                    data={**_public_config(site), "signed_webhooks": secrets.webhook_secret is not None},
                )
                return site
            current = repo.site_of(row, self.secret_key)
            assert current.secrets is not None
            changed = [
                name
                for name, old, new in (
                    ("auth", current.config.auth, config.auth),
                    ("email", current.config.email, config.email),
                    ("project_key", current.config.project_key, config.project_key),
                    ("credentials", current.secrets.token.get_secret_value(), secrets.token.get_secret_value()),
                    (
                        "credentials",
                        current.secrets.webhook_secret.get_secret_value() if current.secrets.webhook_secret else None,
                        secrets.webhook_secret.get_secret_value() if secrets.webhook_secret else None,
                    ),
                )
                if old != new
            ]
            if not changed:
                return repo.site_of(row)
            keep = current.config.model_copy(
                update={"auth": config.auth, "email": config.email, "project_key": config.project_key}
            )
            if "credentials" in changed or "auth" in changed or "email" in changed:
                keep = keep.model_copy(update={"account_id": None, "account_name": None, "checked_at": None})
            repo.save(session, row, config=keep, secrets_=secrets, secret_key=self.secret_key)
            site = repo.site_of(row)
            audit.append(
                session,
                org_id=org_id,
                actor="opsgate:env",
                action="integration.updated",
                subject=f"integration:{site.id}",
                data={**_public_config(site), "changed": sorted(set(changed))},
            )
            return site
