"""Shared set-up for the Jira summary tests: a FakeJira (Cloud or Server) with thousands of issues on loopback, a
gate with the real Jira gateway and the summary service, and readers that take every number back out of the Slack
blocks (by label) so tests compare them with the fake's true counts (``FakeJira.count``)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import Block
from sqlalchemy import Engine

from opsgate.bot.gate import OpsGate, build_gate
from opsgate.bot.jira import JiraGateway, attach
from opsgate.bot.jira import summary as summary_module
from opsgate.bot.jira.config import JiraSite
from opsgate.bot.jira.summary import JiraSummary
from opsgate.bot.services import Services
from opsgate.cards.blockkit.jira_summary import SummaryBlock
from tests.conftest import make_settings
from tests.fakes.jira import FakeJira
from tests.fakes.server import serve
from tests.jira_support import jira_env

PROJECT = "OPS"
OTHER = "ITSM"
BULK = 3000
_LINE = re.compile(r"^(?:`[█░]+` )?(?:[⚪🔵✅] )?(?P<label>[^:`]+?): (?P<n>\d+)(?: · (?P<open>\d+) open)?$")


@dataclass
class SummaryEnv:
    fake: FakeJira
    base: str
    gate: OpsGate
    gw: JiraGateway
    summary: JiraSummary

    @property
    def services(self) -> Services:
        return self.gate.services

    async def site(self) -> JiraSite:
        return await self.summary.site(self.services.default_org_id)

    def requests_since(self, mark: int) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.fake.requests[mark:]]


def seeded(deployment: str, n: int = BULK, seed: int = 11) -> FakeJira:
    fake = FakeJira(deployment, base_path="" if deployment == "Cloud" else "/jira")
    fake.add_project(OTHER, "IT Service Management", type="service_desk")
    fake.add_project(PROJECT, "Operations")
    fake.bulk_issues(PROJECT, n, seed=seed)
    fake.bulk_issues(OTHER, 150, seed=seed + 1)  # another project: must never leak into OPS's numbers
    return fake


@contextlib.asynccontextmanager
async def summary_env(
    db_url: str, engine: Engine, fake: FakeJira, *, env: dict[str, str] | None = None, **options: Any
) -> AsyncIterator[SummaryEnv]:
    async with serve(fake.app) as root:
        base = root + fake.base_path
        services = Services(make_settings(db_url, **jira_env(fake, base), **(env or {})), engine)
        gate = build_gate(services)
        gw = attach(gate)
        summary = summary_module.attach(gate, **options)
        assert summary is not None
        try:
            yield SummaryEnv(fake, base, gate, gw, summary)
        finally:
            gw.close()
            services.close()


# ---- reading numbers back out of Block Kit ------------------------------------------------------------------


def block(message: dict[str, Any], bid: str) -> dict[str, Any]:
    found = [b for b in message["blocks"] if b.get("block_id") == bid]
    assert len(found) == 1, f"expected one block {bid}"
    return found[0]


def texts(b: dict[str, Any]) -> list[str]:
    out = [b["text"]["text"]] if isinstance(b.get("text"), dict) else []
    out += [f["text"] for f in b.get("fields") or []]
    out += [e.get("text", "") for e in b.get("elements") or [] if isinstance(e, dict)]
    return out


def labelled(b: dict[str, Any]) -> dict[str, tuple[int, int | None]]:
    """``{label: (number, open or None)}`` of every ``Label: N`` line of a block."""
    found: dict[str, tuple[int, int | None]] = {}
    for text in texts(b):
        for line in text.split("\n"):
            m = _LINE.match(line.strip())
            if m:
                found[m["label"]] = (int(m["n"]), int(m["open"]) if m["open"] else None)
    return found


def stats(message: dict[str, Any]) -> dict[str, int]:
    return {k: v for k, (v, _o) in labelled(block(message, SummaryBlock.STATS)).items()}


def validate(blocks: list[dict[str, Any]]) -> None:
    """Slack's own models accept every block, and block ids are unique."""
    ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(ids) == len(set(ids)), "block_ids must be unique"
    for raw in blocks:
        parsed = Block.parse(raw)
        assert parsed is not None, raw.get("type")
        parsed.validate_json()


def project_truth(fake: FakeJira, key: str = PROJECT) -> dict[str, int]:
    p = f"project = {key}"
    return {
        "Open": fake.count(f"{p} AND statusCategory != Done"),
        "In progress": fake.count(f'{p} AND statusCategory = "In Progress"'),
        "Done in the last 30 days": fake.count(f"{p} AND statusCategory = Done AND resolved >= -30d"),
        "Unassigned": fake.count(f"{p} AND assignee is EMPTY"),
        "All issues": fake.count(p),
    }


def priority_truth(fake: FakeJira, key: str = PROJECT) -> dict[str, tuple[int, int]]:
    out = {}
    for name in ("Highest", "High", "Medium", "Low", "Lowest"):
        where = f"project = {key} AND priority = {name}"
        out[name] = (fake.count(where), fake.count(f"{where} AND statusCategory != Done"))
    return out


def assignee_truth(fake: FakeJira, key: str = PROJECT) -> dict[str, tuple[int, int]]:
    out = {}
    for user in fake.users.values():
        where = f'project = {key} AND assignee = "{user.account_id}"'
        total = fake.count(where)
        if total:
            out[user.display_name] = (total, fake.count(f"{where} AND statusCategory != Done"))
    where = f"project = {key} AND assignee is EMPTY"
    out["Unassigned"] = (fake.count(where), fake.count(f"{where} AND statusCategory != Done"))
    return out
