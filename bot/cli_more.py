"""Command groups beyond the foundation (runs, classify), kept apart so bot/cli.py stays small."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from opsgate.bot.settings import Settings


def cmd_runs_list(args: argparse.Namespace, settings: Settings) -> int:
    from opsgate.bot import run_queries
    from opsgate.bot.cli import _org, _services
    from opsgate.bot.run_views import run_json, run_line
    from opsgate.store.orgs import get_org

    services = _services(settings)
    with services.read_session() as session:
        org_id = get_org(session, _org(args, settings)).id
    assert org_id is not None
    runs = run_queries.list_runs(
        services, org_id=org_id, status=args.status, issue_key=args.issue_key, limit=args.limit
    )
    if args.json:
        print(json.dumps([run_json(r) for r in runs]))
    else:
        for run in runs:
            print(run_line(run))
    return 0


def cmd_runs_show(args: argparse.Namespace, settings: Settings) -> int:
    from opsgate.bot import run_queries
    from opsgate.bot.cli import _org, _services
    from opsgate.bot.run_views import run_json
    from opsgate.store.orgs import get_org

    services = _services(settings)
    with services.read_session() as session:
        org_id = get_org(session, _org(args, settings)).id
    assert org_id is not None
    run = run_queries.get_run(services, run_id=args.id, org_id=org_id)
    doc = run_json(run)
    if args.json:
        print(json.dumps(doc))
        return 0
    for key in (
        "id",
        "status",
        "issueKey",
        "runbook",
        "intent",
        "confidence",
        "targetUser",
        "requester",
        "reason",
        "deadline",
        "decidedBy",
        "decidedAt",
        "denyReason",
        "failure",
    ):
        print(f"{key:>12}: {doc[key]}")
    print("        plan:")
    for step in doc["plan"]:
        print(f"              {step['method']} {step['path']}  ({step['description']})")
    for step in doc["steps"]:
        print(f"        step: {step}")
    return 0


def cmd_classify(args: argparse.Namespace, settings: Settings) -> int:
    from opsgate.runbooks.classifier import EmbeddedClassifier, classify_jsonl

    classifier = EmbeddedClassifier(org_domains=settings.org_domains, threshold=settings.classifier_threshold)
    source = open(args.file, encoding="utf-8") if args.file and args.file != "-" else sys.stdin  # noqa: SIM115
    try:
        out = sys.stdout
        for line in classify_jsonl(source, classifier):
            out.write(line)
            out.write("\n")
    finally:
        if source is not sys.stdin:
            source.close()
    return 0


def _add_runs(sub: Any) -> None:
    runs = sub.add_parser("runs", help="runs and their state").add_subparsers(dest="runs_cmd", required=True)
    p = runs.add_parser("list")
    p.add_argument("--status")
    p.add_argument("--issue-key")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--org")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_runs_list)
    p = runs.add_parser("show")
    p.add_argument("id")
    p.add_argument("--org")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_runs_show)


def _add_classify(sub: Any) -> None:
    p = sub.add_parser("classify", help="classify JSON Lines tickets (file or stdin) to JSON Lines results")
    p.add_argument("file", nargs="?", help="JSON Lines of {issueKey, summary, description, reporterEmail}")
    p.set_defaults(func=cmd_classify)


def extensions() -> list[Callable[[Any], None]]:
    from opsgate.bot.doctor import add_doctor_command
    from opsgate.bot.jira.cli import add_jira_commands
    from opsgate.bot.jit.cli import add_jit_commands
    from opsgate.bot.teams_package import add_teams_commands

    return [_add_runs, _add_classify, add_doctor_command, add_jira_commands, add_jit_commands, add_teams_commands]
