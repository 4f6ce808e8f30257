"""The self-test of a Jira site (at save, at start, every OPSGATE_JIRA_HEALTH_INTERVAL, in ``opsgate doctor``):
``serverInfo`` (is it Jira, Cloud or Server?), ``/myself`` (do the credentials work, and is the answer Jira's
JSON?), the default project, and ``/mypermissions`` for what OpsGate needs, naming anything missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from opsgate.bot.jira.client import JiraCallError, JiraClient, NotJira
from opsgate.bot.jira.config import Credentials, JiraConfig
from opsgate.store.models import utcnow

PERMISSIONS = ("BROWSE_PROJECTS", "CREATE_ISSUES", "TRANSITION_ISSUES", "ADD_COMMENTS")
Connect = Callable[[Credentials], JiraClient]


@dataclass(frozen=True)
class Check:
    name: str  # site | account | project | permissions
    ok: bool
    detail: str


@dataclass(frozen=True)
class SelfTest:
    checks: list[Check]
    deployment: str | None = None
    account: dict[str, str] = field(default_factory=dict)  # id, name, display, email

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def authenticated(self) -> bool:
        return any(c.name == "account" and c.ok for c in self.checks)

    def problems(self) -> list[str]:
        return [c.detail for c in self.checks if not c.ok]


def run_self_test(creds: Credentials, project_key: str | None, connect: Connect = JiraClient.connect) -> SelfTest:
    """Blocking: serverInfo, /myself (Jira's JSON?), the project, and the permissions OpsGate needs."""
    try:
        client = connect(creds)
    except NotJira as err:
        return SelfTest([Check("site", False, f"{creds.base_url} does not answer like a Jira site: {err}")])
    except JiraCallError as err:
        if err.status in (401, 403):
            return SelfTest([Check("account", False, f"authentication failed: {err}")])
        return SelfTest([Check("site", False, f"{creds.base_url}: {err}")])
    checks = [
        Check("site", True, f"{creds.base_url} is Jira {client.deployment} (REST API v{client.flavor.api_version})")
    ]
    try:
        me = client.myself()
    except NotJira as err:
        return SelfTest([*checks, Check("account", False, f"{err}")], client.deployment)
    except JiraCallError as err:
        return SelfTest([*checks, Check("account", False, f"authentication failed: {err}")], client.deployment)
    account = {
        "id": str(me.get("accountId") or ""),
        "name": str(me.get("name") or ""),
        "display": str(me.get("displayName") or ""),
        "email": str(me.get("emailAddress") or ""),
    }
    who = account["display"] or account["name"] or account["id"]
    checks.append(
        Check("account", True, f"authenticated as {who} ({account['email'] or account['name'] or account['id']})")
    )
    if project_key:
        try:
            project = client.project(project_key)
            checks.append(Check("project", True, f"project {project_key} ({project.get('name', '')})"))
        except JiraCallError as err:
            checks.append(Check("project", False, f"project {project_key} is not visible to {who}: {err}"))
    else:
        checks.append(Check("project", True, "no default project key set (tickets from Slack ask for one)"))
    try:
        perms = client.permissions(list(PERMISSIONS), project_key)
        missing = [k for k in PERMISSIONS if not perms.get(k)]
        where = f" in {project_key}" if project_key else ""
        if missing:
            detail = f"{who} lacks Jira permissions{where}: {', '.join(missing)} (grant them in the permission scheme)"
            checks.append(Check("permissions", False, detail))
        else:
            checks.append(Check("permissions", True, f"{who} may {', '.join(PERMISSIONS)}{where}"))
    except JiraCallError as err:
        checks.append(Check("permissions", False, f"could not read permissions: {err}"))
    client.close()
    return SelfTest(checks, client.deployment, account)


def learned(config: JiraConfig, test: SelfTest) -> JiraConfig:
    """The config with what the site told us (deployment, OpsGate's own account) at a successful check."""
    if not test.authenticated:
        return config
    return config.model_copy(
        update={
            "deployment": test.deployment,
            "account_id": test.account.get("id") or None,
            "account_name": test.account.get("name") or None,
            "account_display": test.account.get("display") or None,
            "checked_at": utcnow().isoformat(timespec="seconds"),
        }
    )
