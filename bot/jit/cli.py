"""``opsgate jit resources add|list|remove|load``: the JIT resource catalog, per org, and ``opsgate jit reconcile
[--dry-run]``: one reconcile round of every managed resource now (the lead registers :func:`add_jit_commands` in
``bot/cli_more.extensions``)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from opsgate.bot.settings import Settings


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def _context(args: argparse.Namespace, settings: Settings) -> tuple[Any, int]:
    from opsgate.bot.cli import _org, _services
    from opsgate.store.orgs import get_org

    services = _services(settings)
    with services.read_session() as session:
        org_id = get_org(session, _org(args, settings)).id
    assert org_id is not None
    return services, org_id


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    from opsgate.bot.errors import ValidationFailed
    from opsgate.bot.jit.catalog import ResourceSpec, add_resource, describe

    if bool(args.okta_group) == bool(args.entra_group):
        raise ValidationFailed("Give exactly one of --okta-group or --entra-group.", [])
    spec = ResourceSpec(
        name=args.name,
        system="okta" if args.okta_group else "graph",
        group=args.okta_group or args.entra_group,
        max_duration=args.max,
        default_duration=args.default or args.max,
        area=args.area,
        jira_project=args.jira_project,
        extra_approvers=tuple(args.approver or ()),
        managed=args.managed,
    )
    services, org_id = _context(args, settings)
    row = add_resource(services, org_id, spec, actor="cli")
    _out(f"saved {describe(row)}")
    return 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    from opsgate.bot.jit.catalog import describe, list_resources

    services, org_id = _context(args, settings)
    found = list_resources(services, org_id)
    if args.json:
        _out(json.dumps([r.model_dump(mode="json", exclude={"id", "org_id", "created_at"}) for r in found]))
    elif not found:
        _out("no JIT resources yet; add one with `opsgate jit resources add`")
    for row in [] if args.json else found:
        _out(describe(row))
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    from opsgate.bot.jit.catalog import remove_resource

    services, org_id = _context(args, settings)
    if not remove_resource(services, org_id, args.name, actor="cli"):
        sys.stderr.write(f"opsgate: no JIT resource {args.name!r}\n")
        return 1
    _out(f"removed {args.name} (active grants keep their revocation)")
    return 0


def cmd_load(args: argparse.Namespace, settings: Settings) -> int:
    from opsgate.bot.jit.catalog import load_resources_file

    services, _org_id = _context(args, settings)
    names = load_resources_file(services, args.file)
    _out(f"loaded {len(names)} resources: {', '.join(names)}")
    return 0


def cmd_reconcile(args: argparse.Namespace, settings: Settings) -> int:
    """One round now, whatever the schedule (groups another process is reconciling right now are skipped). Removals
    are audited here; the channel report is queued and posted by the running server's outbox."""
    import asyncio

    from opsgate.bot.cli import _services
    from opsgate.bot.connector_factory import ConnectorSet
    from opsgate.bot.jit.reconcile import Reconciler

    services = _services(settings)
    reconciler = Reconciler(services, ConnectorSet(settings))

    async def once() -> list[Any]:
        try:
            return await reconciler.run_once(force=True, dry_run=args.dry_run)
        finally:
            await reconciler.connectors.aclose()

    try:
        rounds = asyncio.run(once())
    finally:
        services.close()
    if not rounds:
        _out("no managed JIT resources (mark one with `opsgate jit resources add ... --managed`)")
    for result in rounds:
        for line in result.lines():
            _out(line)
    if args.dry_run:
        _out("dry run: nothing was removed")
    return 1 if any(r.error is not None or r.failed for r in rounds) else 0


def add_jit_commands(sub: Any) -> None:
    jit = sub.add_parser("jit", help="just-in-time access").add_subparsers(dest="jit_cmd", required=True)
    res = jit.add_parser("resources", help="the grantable resources").add_subparsers(dest="jit_res_cmd", required=True)
    p = res.add_parser("add", help="add or update a resource")
    p.add_argument("name")
    p.add_argument("--okta-group", help="the Okta group's name")
    p.add_argument("--entra-group", help="the Entra ID group's display name")
    p.add_argument("--max", required=True, help="longest grant: 90s, 15m, 4h, 1d")
    p.add_argument("--default", help="grant length when none is asked (default: --max)")
    p.add_argument("--area", help="the account or area it belongs to")
    p.add_argument("--jira-project", help="the Jira project tracking requests")
    p.add_argument("--approver", action="append", help="an extra approver (repeatable)")
    p.add_argument("--managed", action="store_true", help="the group exists only for JIT (reconciled)")
    p.add_argument("--org")
    p.set_defaults(func=cmd_add)
    p = res.add_parser("list")
    p.add_argument("--org")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    p = res.add_parser("remove")
    p.add_argument("name")
    p.add_argument("--org")
    p.set_defaults(func=cmd_remove)
    p = res.add_parser("load", help="load jit-resources.yml into the default org")
    p.add_argument("file")
    p.set_defaults(func=cmd_load)
    p = jit.add_parser("reconcile", help="remove members without an active grant from managed groups, now")
    p.add_argument("--dry-run", action="store_true", help="only say who would be removed")
    p.set_defaults(func=cmd_reconcile)
