"""The read-only Jira summary (App Home widget, ``/jira projects``, ``/jira project KEY``, ``/jira search JQL``):
the service that reads Jira for it, on the Jira gateway's integrations and clients.

* App Home: the integration's default JQL (``config.default_jql``; blank: ``updated >= -30d ORDER BY updated
  DESC``) split by status category with Jira's counts (Cloud: ``/search/approximate-count``; Server: ``total``).
* A project or a search: the **whole** matching set is read with token paging (Cloud ``/search/jql``; Server
  ``/search`` with ``startAt``), only the fields the numbers need, in pages as large as Jira allows, up to ``cap``
  issues (10,000 by default). Stats and breakdowns are computed over that set; when the cap is hit, the stat
  numbers come from Jira's own counts and the views say what the breakdowns cover.
* Answers are cached per (integration, query) for ``OPSGATE_JIRA_CACHE_TTL``; concurrent identical requests share
  one read. On 429 the site waits out ``Retry-After``, or a request gives up saying when to retry (``patience``).
* Connection health comes from the gateway's scheduled self-test (:mod:`.summary_health`).

Jira calls run in the gateway's worker threads, one page at a time (the ``jira`` library is synchronous).
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from opsgate.bot.errors import OpsGateError
from opsgate.bot.gate import OpsGate
from opsgate.bot.jira import summary_fetch as fetch
from opsgate.bot.jira.client import JiraCallError, JiraClient
from opsgate.bot.jira.config import PROJECT_KEY, JiraSite
from opsgate.bot.jira.gateway import EXTRA_KEY as GATEWAY_KEY
from opsgate.bot.jira.gateway import JiraGateway
from opsgate.bot.jira.summary_cache import TtlCache
from opsgate.bot.jira.summary_data import (
    DEFAULT_JQL,
    DONE_30D_JQL,
    DONE_JQL,
    IN_PROGRESS_JQL,
    OPEN_JQL,
    TO_DO_JQL,
    UNASSIGNED_JQL,
    Breakdowns,
    IssueSet,
    breakdowns,
    filter_clauses,
    matches,
    narrow,
    project_jql,
    project_stats,
    scan_note,
    site_label,
    site_matches,
    split_of,
    table_view,
)
from opsgate.bot.jira.summary_fetch import explain
from opsgate.bot.jira.summary_health import HealthBoard
from opsgate.cards.jira_summary_views import (
    CategorySplit,
    HomeSiteView,
    IssueLine,
    ProjectLine,
    ProjectsPage,
    ProjectStats,
    ProjectView,
    SearchView,
    SiteConfigView,
    TableFilters,
    TableView,
)
from opsgate.store.crypto import SecretKeyError

T = TypeVar("T")
EXTRA_KEY = "jira_summary"
DEFAULT_CAP = 10_000
TABLE_PAGE = 10
PROJECTS_PAGE = 20
PATIENCE = 30.0  # seconds one request may wait for Jira (Retry-After, retries) before giving up
ATTEMPTS = 4
TYPES = {"software": "Software", "service_desk": "Service management", "business": "Business"}


class SummaryError(OpsGateError):
    code, status, title = "jira_summary_invalid", 400, "Jira summary"


class SiteNotFound(SummaryError):
    code, status = "jira_site_not_found", 404


def _weight(value: Any) -> int:
    return len(value.rows) if isinstance(value, IssueSet) else 1


def _now() -> datetime:
    return datetime.now(UTC)


class JiraSummary:
    def __init__(
        self,
        gw: JiraGateway,
        *,
        cap: int = DEFAULT_CAP,
        ttl: float | None = None,
        patience: float = PATIENCE,
        table_page: int = TABLE_PAGE,
        now: Callable[[], datetime] = _now,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        settings = gw.services.settings
        self.gw = gw
        self.services = gw.services
        self.cap = max(1, cap)
        self.patience = patience
        self.table_page = table_page
        self.now = now
        self.clock = clock
        seconds = settings.jira_cache_ttl.total_seconds() if ttl is None else ttl
        self.cache: TtlCache[Any] = TtlCache(seconds, clock=clock, weigh=_weight)
        self.health = HealthBoard(self.services, settings.jira_health_interval, now=now)
        self._cooling: dict[str, float] = {}  # integration id -> when Jira's Retry-After ends (clock())

    # --- sites ----------------------------------------------------------------------------------------------

    async def sites(self, org_id: int) -> list[JiraSite]:
        found: list[JiraSite] = await self.services.db(self.gw.integrations.sites, org_id)
        return found

    async def site(self, org_id: int, selector: str | None = None) -> JiraSite:
        """The org's site named by ``selector`` (integration id, name or host; the first site when None), with
        its secrets loaded for calls."""
        sites = await self.sites(org_id)
        if not sites:
            raise SiteNotFound("No Jira site is configured for OpsGate yet (an admin adds one: opsgate jira add).")
        chosen: JiraSite | None = sites[0]
        if selector:
            chosen = next((s for s in sites if site_matches(s, selector)), None)
        if chosen is None:
            names = ", ".join(site_label(s) for s in sites)
            raise SiteNotFound(f"No Jira site {selector!r} here; the sites are: {names}.")
        try:
            loaded = await self.gw.site(chosen.id)
        except SecretKeyError:
            raise SummaryError(
                f"OpsGate cannot read the stored credentials of {site_label(chosen)} (was OPSGATE_SECRET_KEY "
                "changed?); an admin can enter them again with opsgate jira update."
            ) from None
        if loaded is None:
            raise SiteNotFound(f"The Jira site {site_label(chosen)} was just removed.")
        return loaded

    def home_jql(self, site: JiraSite) -> str:
        return (site.config.default_jql or "").strip() or DEFAULT_JQL

    # --- Jira, politely -----------------------------------------------------------------------------------

    async def _jira(self, site: JiraSite, fn: Callable[[JiraClient], T]) -> T:
        """``fn(client)`` in a Jira thread, after any Retry-After of this site; temporary failures retried within
        ``patience``. Raises :class:`JiraCallError`."""
        started = self.clock()
        for attempt in range(1, ATTEMPTS + 1):
            wait = self._cooling.get(site.id, 0.0) - self.clock()
            if wait > 0:
                if self.clock() + wait - started > self.patience:
                    raise JiraCallError("Jira", "rate limited", status=429, retry_after=wait, temporary=True)
                await asyncio.sleep(wait)
            try:
                return await self.gw.call(site, fn)
            except JiraCallError as err:
                if not err.temporary or attempt == ATTEMPTS:
                    raise
                delay = err.retry_after if err.retry_after is not None else 0.5 * 2 ** (attempt - 1)
                if err.status == 429:
                    self._cooling[site.id] = max(self._cooling.get(site.id, 0.0), self.clock() + delay)
                if self.clock() + delay - started > self.patience:
                    raise
                if err.status != 429:
                    await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def count(self, site: JiraSite, jql: str) -> int:
        """Jira's count of ``jql`` (cached)."""
        query = narrow(jql, keep_order=False)
        found: int = await self.cache.get(
            (site.id, "count", query), lambda: self._jira(site, lambda c: fetch.count(c, query))
        )
        return found

    async def _counts(self, site: JiraSite, jql: str, clauses: Sequence[str]) -> list[int]:
        return list(await asyncio.gather(*(self.count(site, narrow(jql, c)) for c in clauses)))

    async def issue_set(self, site: JiraSite, jql: str) -> IssueSet:
        """Every issue matching ``jql`` (up to ``cap``), with the fields the summary needs (cached)."""
        found: IssueSet = await self.cache.get((site.id, "set", jql), lambda: self._read_set(site, jql))
        return found

    async def _read_set(self, site: JiraSite, jql: str) -> IssueSet:
        rows: list[IssueLine] = []
        ranks: dict[str, int] = {}
        size = await self._jira(site, fetch.page_size)
        token: str | None = None
        start = 0
        total: int | None = None
        while True:
            want = min(size, self.cap - len(rows))
            read = functools.partial(fetch.issue_page, jql=jql, size=want, token=token, start=start, base=site.base_url)
            page, got, seen = await self._jira(site, read)
            rows += got
            for name, rank in seen.items():
                ranks.setdefault(name, rank)
            total = page.total if page.total is not None else total
            if not page.more or len(rows) >= self.cap or not got:  # (an empty page that claims more: stop)
                break
            token, start = page.next_token, page.next_start
        complete = not page.more
        if complete:
            total = len(rows)
        elif total is None:
            total = await self.count(site, jql)
        return IssueSet(jql, tuple(rows), complete, max(total, len(rows)), ranks, self.now())

    # --- what the views need ---------------------------------------------------------------------------------

    async def _table(
        self, site: JiraSite, jql: str, issues: IssueSet, filters: TableFilters, page: int
    ) -> tuple[TableView, Breakdowns]:
        parts = breakdowns(issues.rows, issues.ranks)
        if filters.active and not issues.complete:  # the filter must see past the cap: ask Jira
            rows: Sequence[IssueLine] = (await self.issue_set(site, narrow(jql, *filter_clauses(filters)))).rows
        else:
            rows = [r for r in issues.rows if matches(r, filters)]
        return table_view(rows, filters, page, self.table_page, parts), parts

    async def project(
        self, site: JiraSite, key: str, filters: TableFilters | None = None, page: int = 0
    ) -> ProjectView:
        """Stats, breakdowns and the issue table of a whole project (not narrowed by the default JQL)."""
        key = key.strip().upper()
        if not PROJECT_KEY.match(key):
            raise SummaryError(f"{key!r} is not a Jira project key like ITSM.")
        info: dict[str, Any] = await self.cache.get(
            (site.id, "project", key), lambda: self._jira(site, lambda c: fetch.project(c, key))
        )
        jql = project_jql(key)
        issues = await self.issue_set(site, jql)
        if issues.complete:
            stats = project_stats(issues.rows, self.now())
        else:
            counted = await self._counts(site, jql, (OPEN_JQL, IN_PROGRESS_JQL, DONE_30D_JQL, UNASSIGNED_JQL))
            open_, in_progress, done_30d, unassigned = counted
            stats = ProjectStats(open_, in_progress, done_30d, unassigned, total=issues.total)
        table, parts = await self._table(site, jql, issues, filters or TableFilters(), page)
        return ProjectView(
            site_label=site_label(site),
            key=key,
            name=str(info.get("name") or key),
            url=site.browse_url(key),
            stats=stats,
            by_priority=parts.by_priority,
            by_assignee=parts.by_assignee,
            scan=scan_note(len(issues.rows), issues.total, self.cap, "most recently updated"),
            refreshed_at=issues.fetched_at,
            table=table,
        )

    async def search(self, site: JiraSite, jql: str, filters: TableFilters | None = None, page: int = 0) -> SearchView:
        """The issue table of any JQL, with its split by status category."""
        jql = jql.strip()
        if not jql:
            raise SummaryError("Give a JQL query, e.g. /jira search project = ITSM AND assignee is EMPTY")
        issues = await self.issue_set(site, jql)
        if issues.complete:
            split = split_of(issues.rows)
        else:
            split = CategorySplit(*await self._counts(site, jql, (TO_DO_JQL, IN_PROGRESS_JQL, DONE_JQL)))
        table, _parts = await self._table(site, jql, issues, filters or TableFilters(), page)
        return SearchView(
            site_label(site), jql, split, scan_note(len(issues.rows), issues.total, self.cap), issues.fetched_at, table
        )

    async def projects(self, site: JiraSite, page: int = 0) -> ProjectsPage:
        """Every project the integration's account can see (key, name, lead, type), a page at a time."""
        raw: list[dict[str, Any]] = await self.cache.get(
            (site.id, "projects"), lambda: self._jira(site, fetch.projects)
        )
        lines = sorted(
            (
                ProjectLine(
                    key=str(p.get("key")),
                    name=str(p.get("name") or p.get("key")),
                    lead=str((p.get("lead") or {}).get("displayName") or "") or None,
                    type=TYPES.get(str(p.get("projectTypeKey")), str(p.get("projectTypeKey") or "unknown")),
                    url=site.browse_url(str(p.get("key"))),
                )
                for p in raw
            ),
            key=lambda p: p.key,
        )
        pages = max(1, -(-len(lines) // PROJECTS_PAGE))
        page = min(max(page, 0), pages - 1)
        shown = tuple(lines[page * PROJECTS_PAGE : (page + 1) * PROJECTS_PAGE])
        return ProjectsPage(site.id, site_label(site), shown, page, PROJECTS_PAGE, len(lines))

    # --- App Home -----------------------------------------------------------------------------------------

    def home_task(self, site: JiraSite) -> asyncio.Future[tuple[CategorySplit, datetime]]:
        """The (cached or running) split of the site's default JQL."""
        jql = self.home_jql(site)

        async def split() -> tuple[CategorySplit, datetime]:
            counted = await self._counts(site, jql, (TO_DO_JQL, IN_PROGRESS_JQL, DONE_JQL))
            return CategorySplit(*counted), self.now()

        found: asyncio.Future[tuple[CategorySplit, datetime]] = self.cache.task((site.id, "home", jql), split)
        return found

    async def home_view(
        self, site: JiraSite, *, admin: bool, budget: float
    ) -> tuple[HomeSiteView, asyncio.Future[Any] | None]:
        """The site's App Home section; when the counts take longer than ``budget`` seconds, a "counting" view
        and the running count (to publish again when it is done)."""
        view = HomeSiteView(
            site.id, site_label(site), self.home_jql(site), health=self.health.view(site.id) if admin else None
        )
        task = self.home_task(site)
        try:
            split, at = await asyncio.wait_for(asyncio.shield(task), budget)
        except TimeoutError:
            return replace(view, loading=True), task
        except JiraCallError as err:
            return replace(view, error=explain(err)), None
        return replace(view, split=split, refreshed_at=at), None

    async def home_views(
        self, org_id: int, *, admin: bool, budget: float, limit: int
    ) -> list[tuple[HomeSiteView, asyncio.Future[Any] | None]]:
        """The App Home sections of the org's first ``limit`` sites, read at once (see :meth:`home_view`); a site
        that cannot be used says why in its own section."""

        async def one(site: JiraSite) -> tuple[HomeSiteView, asyncio.Future[Any] | None]:
            try:
                loaded = await self.site(org_id, site.id)
            except OpsGateError as err:
                health = self.health.view(site.id) if admin else None
                return HomeSiteView(
                    site.id, site_label(site), self.home_jql(site), error=err.detail, health=health
                ), None
            return await self.home_view(loaded, admin=admin, budget=budget)

        return list(await asyncio.gather(*(one(s) for s in (await self.sites(org_id))[:limit])))

    def refresh(self, integration_id: str) -> None:
        """Forget every cached answer of a site (App Home "Refresh Jira")."""
        self.cache.forget(lambda key: isinstance(key, tuple) and key[0] == integration_id)

    # --- settings (admins) ---------------------------------------------------------------------------------

    async def config_views(self, org_id: int) -> list[SiteConfigView]:
        return [
            SiteConfigView(
                s.id,
                site_label(s),
                s.base_url,
                self.home_jql(s),
                not (s.config.default_jql or "").strip(),
                self.health.view(s.id),
            )
            for s in await self.sites(org_id)
        ]

    async def set_default_jql(self, site: JiraSite, jql: str | None, *, actor: str) -> JiraSite:
        """Set (or, with None, reset) the App Home scope of a site, after Jira has accepted the JQL (its own message
        is raised when not); audited as ``integration.updated``."""
        jql = (jql or "").strip() or None
        if jql is not None:
            await self._jira(site, lambda c: fetch.count(c, narrow(jql, keep_order=False)))
        updated, _test = await self.gw.integrations.update(
            site.id, {"default_jql": jql}, actor=actor, org_id=site.org_id
        )
        self.refresh(site.id)
        return updated


def attach(gate: OpsGate, **options: Any) -> JiraSummary | None:
    """The gate's Jira summary (created on first use, idempotent); None when no Jira gateway is attached. Hooks the
    health board to the gateway's scheduled self-test."""
    existing = gate.extras.get(EXTRA_KEY)
    if isinstance(existing, JiraSummary):
        return existing
    gw = gate.extras.get(GATEWAY_KEY)
    if not isinstance(gw, JiraGateway):
        return None
    summary = JiraSummary(gw, **options)
    listeners = getattr(gw, "health_listeners", None)
    if isinstance(listeners, list):
        listeners.append(summary.health.record)
    gate.extras[EXTRA_KEY] = summary
    return summary
