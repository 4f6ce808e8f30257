"""The ``opsgate`` console script: serve, migrate, keys, audit, orgs, runs, classify, doctor, secret-key.

Each command parses its arguments, calls one service and prints; errors are one line on stderr and exit 2
(bad input or configuration) or 1 (a check failed, e.g. a broken audit chain).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from opsgate.bot.errors import OpsGateError
from opsgate.bot.settings import Settings, SettingsError, load_settings

Command = Callable[[argparse.Namespace, Settings], int]


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


def _services(settings: Settings, *, migrate: bool = True) -> Any:
    from opsgate.bot.services import Services
    from opsgate.store.migrate import migrate as run_migrations

    services = Services(settings)
    if migrate:
        run_migrations(services.engine, settings.default_org)
    return services


def _org(args: argparse.Namespace, settings: Settings) -> str:
    return str(getattr(args, "org", None) or settings.default_org)


# --- server and store ------------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from opsgate.bot.server import serve

    serve(settings, host=args.host, port=args.port)
    return 0


def cmd_migrate(_args: argparse.Namespace, settings: Settings) -> int:
    _services(settings)
    print(f"database is up to date ({_safe_url(settings.database_url)})")
    return 0


def cmd_secret_key(args: argparse.Namespace, settings: Settings) -> int:
    from opsgate.bot.secret_key import ensure_secret_key

    ensure_secret_key(settings, env_file=args.env_file)
    return 0


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


# --- orgs and keys ---------------------------------------------------------------------------------------


def cmd_orgs_create(args: argparse.Namespace, settings: Settings) -> int:
    from opsgate.store.orgs import ensure_org

    services = _services(settings)
    with services.transaction() as session:
        org = ensure_org(session, args.slug, args.name)
    print(f"org {org.slug} ({org.name})")
    return 0


def cmd_orgs_list(_args: argparse.Namespace, settings: Settings) -> int:
    from opsgate.store.orgs import list_orgs

    services = _services(settings)
    with services.read_session() as session:
        for org in list_orgs(session):
            print(f"{org.slug}\t{org.name}")
    return 0


def cmd_keys_create(args: argparse.Namespace, settings: Settings) -> int:
    from opsgate.bot import keys

    services = _services(settings)
    created = keys.create(
        services,
        org=_org(args, settings),
        name=args.name,
        scopes=args.scope or [],
        rate_limit_per_min=args.rate_limit,
        actor="cli",
    )
    if args.json:
        print(
            json.dumps(
                {
                    "id": created.id,
                    "name": created.name,
                    "key": created.key,
                    "scopes": list(created.scopes),
                    "org": created.org,
                }
            )
        )
    else:
        print(f"Created key {created.id} ({created.name}) for org {created.org}, scopes: {', '.join(created.scopes)}")
        print(f"  {created.key}")
        print("This is the only time the key is shown; store it now (Jira: Authorization: Bearer <key>).")
    return 0


def cmd_keys_list(args: argparse.Namespace, settings: Settings) -> int:
    from opsgate.bot import keys

    services = _services(settings)
    rows = keys.listing(services, org=_org(args, settings))
    out: list[dict[str, Any]] = [
        {
            "id": k.id,
            "name": k.name,
            "scopes": k.scopes,
            "rateLimitPerMin": k.rate_limit_per_min,
            "createdAt": k.created_at.isoformat(),
            "lastUsedAt": k.last_used_at.isoformat() if k.last_used_at else None,
            "revokedAt": k.revoked_at.isoformat() if k.revoked_at else None,
        }
        for k in rows
    ]
    if args.json:
        print(json.dumps(out))
        return 0
    for k in out:
        state = "revoked" if k["revokedAt"] else "active"
        print(f"{k['id']}\t{k['name']}\t{','.join(k['scopes'])}\t{state}\tlast used {k['lastUsedAt'] or 'never'}")
    return 0


def cmd_keys_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from opsgate.bot import keys

    services = _services(settings)
    key = keys.revoke(services, org=_org(args, settings), key_id=args.id, actor="cli")
    print(f"revoked key {key.id} ({key.name})")
    return 0


# --- audit -----------------------------------------------------------------------------------------------


def cmd_audit_export(args: argparse.Namespace, settings: Settings) -> int:
    from opsgate.bot import audit_log

    services = _services(settings, migrate=False)
    if args.out and args.out != "-":
        with open(args.out, "w", encoding="utf-8") as fh:
            count = audit_log.export(services, org=_org(args, settings), out=fh)
        print(f"exported {count} entries to {args.out}", file=sys.stderr)
    else:
        audit_log.export(services, org=_org(args, settings), out=sys.stdout)
    return 0


def cmd_audit_verify(args: argparse.Namespace, settings: Settings) -> int:
    from opsgate.bot import audit_log

    services = _services(settings, migrate=False)
    result = audit_log.verify(services, org=_org(args, settings))
    if result.ok:
        print(f"OK: {result.count} entries, head {result.head_hash}")
        return 0
    print(f"BROKEN at seq {result.bad_seq}: {result.problem}")
    return 1


# --- parser ----------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="opsgate", description="Approval-gated IT operations.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="migrate, then serve HTTP (and Slack Socket Mode when configured)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func=cmd_serve)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    p = sub.add_parser("secret-key", help="generate OPSGATE_SECRET_KEY into .env if it is not set")
    p.add_argument("--env-file", default=".env")
    p.set_defaults(func=cmd_secret_key)

    orgs = sub.add_parser("orgs", help="organisations").add_subparsers(dest="orgs_cmd", required=True)
    p = orgs.add_parser("create")
    p.add_argument("slug")
    p.add_argument("--name")
    p.set_defaults(func=cmd_orgs_create)
    orgs.add_parser("list").set_defaults(func=cmd_orgs_list)

    keys = sub.add_parser("keys", help="API keys").add_subparsers(dest="keys_cmd", required=True)
    p = keys.add_parser("create", help="create a key (shown once)")
    p.add_argument("--name", required=True)
    p.add_argument("--scope", action="append", help="ticket:ingest, runbook:request, audit:read, catalog:read")
    p.add_argument("--org")
    p.add_argument("--rate-limit", type=int, help="requests per minute (default OPSGATE_INGEST_RATE_LIMIT)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_keys_create)
    p = keys.add_parser("list")
    p.add_argument("--org")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_keys_list)
    p = keys.add_parser("revoke")
    p.add_argument("id")
    p.add_argument("--org")
    p.set_defaults(func=cmd_keys_revoke)

    audit = sub.add_parser("audit", help="the audit chain").add_subparsers(dest="audit_cmd", required=True)
    p = audit.add_parser("export", help="write the chain as JSON Lines")
    p.add_argument("--org")
    p.add_argument("--out", default="-")
    p.set_defaults(func=cmd_audit_export)
    p = audit.add_parser("verify", help="recompute every link; exit 1 naming the first bad seq")
    p.add_argument("--org")
    p.set_defaults(func=cmd_audit_verify)

    for extend in _extensions():
        extend(sub)
    return parser


def _extensions() -> list[Callable[[Any], None]]:
    """Command groups contributed by other services (runs, classify, doctor ...)."""
    from opsgate.bot.cli_more import extensions

    return extensions()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print("opsgate: configuration problems:", file=sys.stderr)
        for line in exc.lines:
            print(f"  {line}", file=sys.stderr)
        return 2
    try:
        return int(args.func(args, settings))
    except CliError as exc:
        print(f"opsgate: {exc}", file=sys.stderr)
        return 2
    except (ValueError, LookupError) as exc:
        print(f"opsgate: {exc}", file=sys.stderr)
        return 2
    except OpsGateError as exc:
        print(f"opsgate: {exc.detail}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
