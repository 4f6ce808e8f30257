"""Jira tickets created from a chat thread, and the thread's link to them.

A thread gets at most one ticket: its link row is reserved before Jira is called (the unique thread key decides a
race between two clicks), filled with the new issue key once Jira answers, and released if Jira refuses. The
optional thread transcript is attached afterwards; an attachment failure is reported, never fatal. Unlinking
removes the link (the run's own link to the issue, if any, stays) and leaves the Jira issue alone.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import structlog

from opsgate.bot.errors import Conflict, NotFound, OpsGateError
from opsgate.bot.jira import repo
from opsgate.bot.jira.client import JiraCallError
from opsgate.bot.jira.config import PROJECT_KEY, JiraSite
from opsgate.bot.jira.markup import JiraText, Span
from opsgate.store import audit
from opsgate.store.models import utcnow

if TYPE_CHECKING:
    from opsgate.bot.jira.gateway import JiraGateway

log = structlog.get_logger("opsgate.jira.tickets")

MAX_SUMMARY = 255
MAX_DESCRIPTION = 30000
RESERVATION_TTL = timedelta(minutes=10)


class TicketError(OpsGateError):
    code, status, title = "jira_ticket_failed", 422, "Jira ticket not created"


@dataclass(frozen=True)
class TicketRequest:
    org_id: int
    surface: str  # "slack"
    channel: str
    thread_ts: str  # the thread's root message
    requester: str  # "slack:U0123"
    summary: str
    description: str = ""
    project_key: str | None = None
    permalink: str | None = None
    due_date: str | None = None  # YYYY-MM-DD
    thread_text: str | None = None  # attached as a text file when given
    integration_id: str | None = None


@dataclass(frozen=True)
class TicketResult:
    key: str
    url: str
    integration_id: str
    attachment_error: str | None = None


@dataclass(frozen=True)
class LinkedTicket:
    key: str
    url: str
    integration_id: str


def description_text(text: str, permalink: str | None) -> JiraText:
    """The description, with the Slack permalink as a real link (appended when the text does not carry it)."""
    lines: list[tuple[Span, ...]] = []
    for line in text[:MAX_DESCRIPTION].splitlines():
        if permalink and permalink in line:
            before, _, after = line.partition(permalink)
            lines.append((Span(before), Span(permalink, href=permalink), Span(after)))
        else:
            lines.append((Span(line),))
    if permalink and permalink not in text:
        lines.append((Span("Slack thread: "), Span(permalink, href=permalink)))
    return JiraText(tuple(lines))


class Tickets:
    def __init__(self, gateway: JiraGateway) -> None:
        self.gw = gateway
        self.services = gateway.services

    # --- reads ----------------------------------------------------------------------------------------------

    def sites(self, org_id: int) -> list[JiraSite]:
        return self.gw.integrations.sites(org_id)

    def linked(self, *, surface: str, channel: str, thread: str) -> LinkedTicket | None:
        with self.services.read_session() as session:
            link = repo.link_for_thread(session, surface=surface, channel=channel, thread=thread)
            row = repo.get_row(session, link.integration_id) if link is not None else None
        if link is None or row is None or link.issue_key.startswith(repo.RESERVED):
            return None
        return LinkedTicket(link.issue_key, repo.site_of(row).browse_url(link.issue_key), row.id)

    def _site(self, org_id: int, integration_id: str | None) -> JiraSite:
        sites = self.gw.integrations.sites(org_id)
        chosen = next((s for s in sites if s.id == integration_id), None) if integration_id else next(iter(sites), None)
        if chosen is None:
            raise NotFound("No Jira site is configured for OpsGate (set JIRA_URL or run 'opsgate jira add').")
        loaded = self.gw.integrations.load(chosen.id, secrets=True)
        assert loaded is not None
        return loaded

    # --- create -----------------------------------------------------------------------------------------------

    def _validate(self, req: TicketRequest, site: JiraSite) -> tuple[str, str]:
        project = (req.project_key or site.config.project_key or "").strip().upper()
        if not PROJECT_KEY.match(project):
            raise TicketError(f"Give a Jira project key such as ITSM (got {project or 'none'!r}).")
        summary = " ".join(req.summary.split())
        if not summary:
            raise TicketError("The summary is empty.")
        if req.due_date:
            try:
                date.fromisoformat(req.due_date)
            except ValueError:
                raise TicketError(f"Due date {req.due_date!r} is not a date (YYYY-MM-DD).") from None
        return project, summary[:MAX_SUMMARY]

    async def create(self, req: TicketRequest) -> TicketResult:
        site = await self.services.db(self._site, req.org_id, req.integration_id)
        project, summary = self._validate(req, site)
        link_id = await self.services.db(self._reserve, site, req)
        description = description_text(req.description, req.permalink)
        try:
            key: str = await self.gw.call(
                site,
                lambda c: c.create_issue(
                    project_key=project,
                    summary=summary,
                    description=description,
                    issue_type=site.config.issue_type,
                    due_date=req.due_date,
                ),
            )
        except JiraCallError as err:
            await self.services.db(self._release, link_id)
            raise TicketError(f"Jira did not create the issue: {err}") from None
        except BaseException:
            await self.services.db(self._release, link_id)
            raise
        await self.services.db(self._confirm, link_id, site, key, req, project)
        attachment_error = None
        if req.thread_text:
            name = f"slack-thread-{req.channel}-{req.thread_ts}.txt"
            content = req.thread_text.encode("utf-8")
            try:
                await self.gw.call(site, lambda c: c.add_attachment(key, name, content))
            except JiraCallError as err:
                attachment_error = str(err)
                log.warning("jira_attachment_failed", issue=key, error=attachment_error)
        return TicketResult(key, site.browse_url(key), site.id, attachment_error)

    def _reserve(self, site: JiraSite, req: TicketRequest) -> int:
        with self.services.transaction() as session:
            existing = repo.link_for_thread(session, surface=req.surface, channel=req.channel, thread=req.thread_ts)
            if existing is not None:
                if repo.stale_reservation(existing, utcnow() - RESERVATION_TTL):
                    repo.delete_link(session, existing.id or 0)
                elif existing.issue_key.startswith(repo.RESERVED):
                    raise Conflict("A Jira ticket for this thread is being created right now.")
                else:
                    url = f"{existing.base_url}/browse/{existing.issue_key}"
                    raise Conflict(f"This thread is already linked to {existing.issue_key} ({url}); unlink it first.")
            placeholder = repo.RESERVED + uuid.uuid4().hex[:12]
            ok = repo.link_thread(
                session,
                site=site,
                issue_key=placeholder,
                surface=req.surface,
                channel=req.channel,
                thread=req.thread_ts,
            )
            link = repo.link_for_thread(session, surface=req.surface, channel=req.channel, thread=req.thread_ts)
            if not ok or link is None or link.id is None:
                raise Conflict("This thread is already linked to a Jira ticket.")
            return link.id

    def _release(self, link_id: int) -> None:
        with self.services.transaction() as session:
            repo.delete_link(session, link_id)

    def _confirm(self, link_id: int, site: JiraSite, key: str, req: TicketRequest, project: str) -> None:
        with self.services.transaction() as session:
            repo.set_link_issue(session, link_id, key)
            audit.append(
                session,
                org_id=req.org_id,
                actor=req.requester,
                action="jira.ticket_created",
                subject=f"jira:{site.link_base}/browse/{key}",
                data={
                    "issue": key,
                    "integration": site.id,
                    "project": project,
                    "surface": req.surface,
                    "channel": req.channel,
                    "thread": req.thread_ts,
                    "due_date": req.due_date,
                    "attachment": bool(req.thread_text),
                },
            )

    # --- unlink ---------------------------------------------------------------------------------------------

    async def unlink(self, *, org_id: int, surface: str, channel: str, thread: str, actor: str) -> str | None:
        """Forget the thread's ticket; returns the issue key it was linked to (None when it was not linked)."""
        return await self.services.db(self._unlink, org_id, surface, channel, thread, actor)

    def _unlink(self, org_id: int, surface: str, channel: str, thread: str, actor: str) -> str | None:
        with self.services.transaction() as session:
            link = repo.link_for_thread(session, surface=surface, channel=channel, thread=thread)
            if link is None or link.org_id != org_id or link.id is None or link.issue_key.startswith(repo.RESERVED):
                return None
            if link.run_id:
                repo.clear_thread(session, link.id)  # the run still follows its issue
            else:
                repo.delete_link(session, link.id)
            audit.append(
                session,
                org_id=org_id,
                actor=actor,
                action="jira.ticket_unlinked",
                subject=f"jira:{link.base_url}/browse/{link.issue_key}",
                data={
                    "issue": link.issue_key,
                    "integration": link.integration_id,
                    "channel": channel,
                    "thread": thread,
                },
            )
            return link.issue_key
