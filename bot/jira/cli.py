"""``opsgate jira add|list|test|update|remove`` and the Jira checks of ``opsgate doctor``.

Tokens are read from ``--token-stdin`` (or ``--token``, which lands in shell history) and never printed. Without a
webhook secret ``add`` generates one and shows it once, to paste into Jira's webhook set-up; ``list --json`` gives
each site's ``webhookUrl``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sys
from typing import Any, Literal

from opsgate.bot.settings import Settings

Level = Literal["ok", "warn", "fail", "skip"]
STATES_HELP = "awaiting_approval, approved, executing, succeeded, failed, denied, expired, cancelled"


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def _context(args: argparse.Namespace, settings: Settings) -> tuple[Any, Any, int]:
    from opsgate.bot.cli import _org, _services
    from opsgate.bot.jira.integrations import Integrations
    from opsgate.store.orgs import get_org

    services = _services(settings)
    with services.read_session() as session:
        org_id = get_org(session, _org(args, settings)).id
    assert org_id is not None
    return services, Integrations(services), org_id


def _token(args: argparse.Namespace) -> str | None:
    if getattr(args, "token_stdin", False):
        return sys.stdin.readline().strip() or None
    return getattr(args, "token", None) or None


def _print_checks(test: Any) -> None:
    for check in test.checks:
        _out(f"  {'ok ' if check.ok else 'FAIL'} {check.name}: {check.detail}")


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    from opsgate.bot.jira.integrations import IntegrationError, JiraInput

    services, integrations, org_id = _context(args, settings)
    token = _token(args)
    if not token:
        raise IntegrationError("Give the API token or personal access token with --token-stdin (or --token).")
    _bad_pairs(args.map)
    generated = None
    hook = args.webhook_secret
    if not hook and not args.no_webhook_secret:
        hook = generated = secrets.token_urlsafe(32)
    data = JiraInput(
        base_url=args.url,
        token=token,
        auth=args.auth or ("basic" if args.email else "pat"),
        email=args.email,
        webhook_secret=hook,
        project_key=args.project,
        state_mapping=dict(pair.split("=", 1) for pair in args.map or []),
        comment_format=args.comment_format or "full",
        internal_comments=bool(args.internal_comments),
        issue_type=args.issue_type or "Task",
        name=args.name,
    )
    site, test = asyncio.run(integrations.add(org_id, data, actor="cli"))
    services.close()
    if args.json:  # one JSON document on stdout; a generated webhook secret is in it (shown this once)
        shown = {"webhookSecret": generated} if generated else {}
        _out(json.dumps({**integrations.public(site), "checks": [vars(c) for c in test.checks], **shown}))
        return 0
    _out(f"Added Jira site {site.id} ({site.base_url})")
    _print_checks(test)
    _out(f"Webhook URL: {integrations.webhook_url(site)}")
    if generated:
        _out(f"Webhook secret (shown once; paste it into the Jira webhook's Secret field): {generated}")
    return 0


def _bad_pairs(pairs: list[str] | None) -> None:
    bad = [p for p in pairs or [] if "=" not in p]
    if bad:
        from opsgate.bot.jira.integrations import IntegrationError

        raise IntegrationError(f"--map takes state=Status pairs (got {bad[0]!r}); states: {STATES_HELP}")


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    services, integrations, org_id = _context(args, settings)
    sites = integrations.sites(org_id)
    services.close()
    rows = [integrations.public(s) for s in sites]
    if args.json:
        _out(json.dumps(rows))
        return 0
    if not rows:
        _out("No Jira sites. Add one with 'opsgate jira add' (or set JIRA_URL and start OpsGate).")
    for r in rows:
        mapping = ", ".join(f"{k}={v}" for k, v in r["stateMapping"].items()) or "no state mapping"
        _out(f"{r['id']}\t{r['url']}\t{r['deployment'] or 'unchecked'}\tproject {r['projectKey'] or '-'}\t{mapping}")
        _out(f"\twebhook: {r['webhookUrl']}")
    return 0


def cmd_test(args: argparse.Namespace, settings: Settings) -> int:
    from opsgate.bot.errors import NotFound

    services, integrations, org_id = _context(args, settings)
    site = integrations.load(args.id, secrets=True)
    if site is None or site.org_id != org_id:
        raise NotFound(f"no Jira integration {args.id!r} (see 'opsgate jira list')")
    test = asyncio.run(integrations.self_test(site))
    services.close()
    if args.json:
        _out(json.dumps({"id": site.id, "ok": test.ok, "checks": [vars(c) for c in test.checks]}))
    else:
        _out(f"{site.id} {site.base_url}: {'OK' if test.ok else 'PROBLEMS'}")
        _print_checks(test)
    return 0 if test.ok else 1


def cmd_update(args: argparse.Namespace, settings: Settings) -> int:
    services, integrations, org_id = _context(args, settings)
    changes: dict[str, Any] = {}
    token = _token(args)
    for key, value in (
        ("base_url", args.url),
        ("token", token),
        ("auth", args.auth),
        ("email", args.email),
        ("webhook_secret", args.webhook_secret),
        ("project_key", args.project),
        ("comment_format", args.comment_format),
        ("issue_type", args.issue_type),
        ("name", args.name),
    ):
        if value:
            changes[key] = value
    if args.map is not None:
        _bad_pairs(args.map)
        changes["state_mapping"] = dict(p.split("=", 1) for p in args.map if p)
    if args.internal_comments is not None:
        changes["internal_comments"] = args.internal_comments
    site, test = asyncio.run(integrations.update(args.id, changes, actor="cli", org_id=org_id))
    services.close()
    _out(f"Updated Jira site {site.id} ({site.base_url}): {', '.join(sorted(changes)) or 'nothing'}")
    if test is not None:
        _print_checks(test)
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    services, integrations, org_id = _context(args, settings)
    site = asyncio.run(integrations.remove(args.id, actor="cli", org_id=org_id))
    services.close()
    _out(f"Removed Jira site {site.id} ({site.base_url}); its issue links are gone, the Jira issues are untouched.")
    return 0


def _site_options(p: argparse.ArgumentParser, *, adding: bool) -> None:
    p.add_argument("--url", required=adding, help="the site's base URL, e.g. https://acme.atlassian.net")
    p.add_argument(
        "--auth",
        choices=["basic", "pat"],
        help="basic: email + API token (Cloud); pat: personal access token (Server/DC)",
    )
    p.add_argument("--email", help="the Jira account's email (Cloud)")
    p.add_argument("--token", help="API token or PAT (prefer --token-stdin: arguments land in shell history)")
    p.add_argument("--token-stdin", action="store_true", help="read the token from the first line of stdin")
    p.add_argument("--webhook-secret", help="the secret Jira signs webhooks with")
    p.add_argument("--project", help="default project key, e.g. ITSM")
    p.add_argument(
        "--map", action="append", metavar="STATE=STATUS", help=f"state mapping, repeatable; states: {STATES_HELP}"
    )
    p.add_argument("--comment-format", choices=["full", "compact"])
    p.add_argument("--issue-type", help="issue type of tickets created from Slack (default Task)")
    p.add_argument("--name")
    p.add_argument("--org")


def add_jira_commands(sub: Any) -> None:
    jira = sub.add_parser("jira", help="Jira sites (write-back, webhooks, tickets)")
    cmds = jira.add_subparsers(dest="jira_cmd", required=True)
    p = cmds.add_parser("add", help="add a Jira site (validated with an authenticated /myself)")
    _site_options(p, adding=True)
    p.add_argument("--internal-comments", action="store_true", help="post write-backs as JSM internal notes")
    p.add_argument("--no-webhook-secret", action="store_true", help="do not generate a webhook secret")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_add)
    p = cmds.add_parser("list", help="list Jira sites with their webhook URLs")
    p.add_argument("--org")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    p = cmds.add_parser("test", help="self-test a site: credentials, project, permissions")
    p.add_argument("id")
    p.add_argument("--org")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_test)
    p = cmds.add_parser("update", help="change a site's settings or credentials")
    p.add_argument("id")
    _site_options(p, adding=False)
    p.add_argument("--internal-comments", action=argparse.BooleanOptionalAction, default=None)
    p.set_defaults(func=cmd_update)
    p = cmds.add_parser("remove", help="remove a site and its issue links (Jira itself is untouched)")
    p.add_argument("id")
    p.add_argument("--org")
    p.set_defaults(func=cmd_remove)


# --- opsgate doctor ------------------------------------------------------------------------------------------


async def jira_checks(settings: Settings) -> list[Any]:
    """The Jira checks of ``opsgate doctor`` (a ``bot.doctor`` check: ``async (settings) -> list[CheckResult]``):
    every site, stored or only in the environment, checked with real authenticated calls."""
    import asyncio as _asyncio

    from opsgate.bot.doctor import CheckResult

    rows = await _asyncio.to_thread(_jira_rows, settings)
    return [CheckResult(name, status, detail) for name, status, detail in rows]


def _jira_rows(settings: Settings) -> list[tuple[str, Level, str]]:
    from opsgate.bot.jira import repo
    from opsgate.bot.jira.config import Credentials
    from opsgate.bot.jira.integrations import Integrations
    from opsgate.bot.jira.selftest import run_self_test
    from opsgate.bot.services import Services

    services = Services(settings)
    try:
        integrations = Integrations(services)
        out: list[tuple[str, Level, str]] = []
        targets: list[tuple[str, Credentials, str | None, bool]] = []
        try:
            with services.read_session() as session:
                rows = repo.list_rows(session)
        except Exception:  # no database yet: only the environment's site can be checked
            rows = []
        for row in rows:
            try:
                site = repo.site_of(row, integrations.secret_key)
            except Exception as exc:  # SecretKeyError: saved with another OPSGATE_SECRET_KEY
                out.append((f"jira {row.base_url}", "fail", str(getattr(exc, "detail", exc))))
                continue
            assert site.secrets is not None
            hooked = site.secrets.webhook_secret is not None
            targets.append((site.base_url, site.credentials(), site.config.project_key, hooked))
        env = integrations.env_input()
        if env is not None and not any(t[0].lower() == env.base_url.rstrip("/").lower() for t in targets):
            creds = Credentials(env.base_url.rstrip("/"), env.auth, env.email, env.token)
            targets.append((creds.base_url, creds, env.project_key, env.webhook_secret is not None))
        if not targets and not out:
            return [("jira", "skip", "not configured (set JIRA_URL and credentials, or run 'opsgate jira add')")]
        for base, creds, project, hooked in targets:
            test = run_self_test(creds, project)
            for c in test.checks:
                detail = c.detail if c.ok else f"{c.detail}. Fix: {FIXES.get(c.name, 'see docs/jira.md')}"
                out.append((f"jira {base}: {c.name}", "ok" if c.ok else "fail", detail))
            if not hooked:
                detail = (
                    "no webhook secret, so Jira webhooks for this site are ignored. Fix: set JIRA_WEBHOOK_SECRET or "
                    "'opsgate jira update <id> --webhook-secret ...'"
                )
                out.append((f"jira {base}: webhooks", "warn", detail))
        return out
    finally:
        services.close()


FIXES = {
    "site": "check JIRA_URL: the site's base URL, e.g. https://acme.atlassian.net",
    "account": "check JIRA_EMAIL + JIRA_API_TOKEN (Cloud) or JIRA_PAT (Server/Data Center)",
    "project": "check JIRA_PROJECT_KEY and that OpsGate's account can browse the project",
    "permissions": "grant OpsGate's Jira account the missing permissions in the project's permission scheme",
}
