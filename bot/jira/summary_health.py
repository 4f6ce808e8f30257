"""Connection health of every Jira site, from the gateway's scheduled self-test (at start and every
``OPSGATE_JIRA_HEALTH_INTERVAL``): kept per site for App Home (admins see the problems in full) and published as
``services.extensions["health_checks"]["jira:<integration id>"]`` for ``/readyz``.

``/readyz`` is unauthenticated, so its detail names only the state, the time, the deployment and which checks
failed; the problems themselves (URLs, account names, Jira's messages) stay in App Home and the logs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from opsgate.bot.jira.config import JiraSite
from opsgate.bot.jira.selftest import SelfTest
from opsgate.bot.services import Services
from opsgate.cards.jira_summary_views import HealthView

CHECKS_KEY = "health_checks"
STALE_AFTER = 2  # intervals without a check before the last result is called stale
Now = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Record:
    at: datetime
    ok: bool
    deployment: str | None
    problems: tuple[str, ...]
    failed: tuple[str, ...]  # names of the failed checks (site, account, project, permissions)


class HealthBoard:
    def __init__(self, services: Services, interval: timedelta, *, now: Now = _now) -> None:
        self.services = services
        self.interval = interval
        self.now = now
        self._records: dict[str, Record] = {}

    def record(self, site: JiraSite, test: SelfTest) -> None:
        """The gateway's listener: remember the result and publish it for ``/readyz``."""
        rec = Record(
            at=self.now(),
            ok=test.ok,
            deployment=test.deployment,
            problems=tuple(test.problems()),
            failed=tuple(c.name for c in test.checks if not c.ok),
        )
        self._records[site.id] = rec
        checks: dict[str, Any] = self.services.extensions.setdefault(CHECKS_KEY, {})
        checks[f"jira:{site.id}"] = self.public(rec)

    def forget(self, integration_id: str) -> None:
        self._records.pop(integration_id, None)
        self.services.extensions.get(CHECKS_KEY, {}).pop(f"jira:{integration_id}", None)

    @staticmethod
    def public(rec: Record) -> dict[str, Any]:
        return {
            "kind": "jira",
            "status": "ok" if rec.ok else "failing",
            "checkedAt": rec.at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "deployment": rec.deployment,
            "failedChecks": list(rec.failed),
        }

    def view(self, integration_id: str) -> HealthView:
        rec = self._records.get(integration_id)
        if rec is None:
            return HealthView(ok=None)
        stale = self.now() - rec.at > self.interval * STALE_AFTER
        return HealthView(rec.ok, rec.at, rec.deployment, rec.problems, stale)
