"""Slack: the read-only Jira summary. ``/jira`` (``projects``, ``project KEY``, ``search JQL``, ``config``), the
issue table's filter selects and Previous / Next buttons, the projects list's pages, and the Jira section of App
Home with its Refresh button. Every listener acks first; the service is ``opsgate.bot.jira.summary``.

``/jira`` answers in its ack when Jira answers within ``ack_budget`` seconds (cached answers always do); otherwise
it acks with a "reading Jira…" note and replaces it through the command's ``response_url`` when done.

Who sees what: viewing needs membership of ``OPSGATE_JIRA_VIEWER_GROUP`` (a Slack user-group id; unset: everyone in
the workspace; admins always may); ``/jira config`` and the connection health in App Home need an admin
(``OPSGATE_ADMINS``, user or user-group ids: the same admins who manage integrations). Group members come from the
shared :class:`~opsgate.handlers.slack.directory.SlackDirectory` (``usergroups.users.list``, cached).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import structlog
from pydantic import ValidationError
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from opsgate.bot.errors import OpsGateError
from opsgate.bot.jira.client import JiraCallError
from opsgate.bot.jira.summary import JiraSummary, attach
from opsgate.bot.jira.summary_data import site_label
from opsgate.bot.jira.summary_fetch import explain
from opsgate.bot.settings import Settings
from opsgate.cards.blockkit.jira_summary import (
    ProjectsPageButton,
    SummaryAction,
    TableState,
    config_message,
    help_message,
    home_blocks,
    home_no_access_blocks,
    jira_error_message,
    note_message,
    project_message,
    projects_message,
    search_message,
)
from opsgate.handlers.slack.directory import SlackDirectory
from opsgate.handlers.slack.home import publish, register_home_section
from opsgate.handlers.slack.payloads import Where
from opsgate.handlers.slack.runtime import HomeRequest, SlackRuntime, runtime, runtime_of

log = structlog.get_logger("opsgate.slack.jira_summary")

COMMAND = "/jira"
ACK_BUDGET = 2.0  # seconds /jira may spend answering inside its ack (Slack waits 3)
HOME_BUDGET = 2.0  # seconds App Home waits for Jira's counts before showing "counting…"
HOME_SITES = 3  # Jira sites shown in App Home
SELECTS = {
    SummaryAction.FILTER_STATUS: "status",
    SummaryAction.FILTER_ASSIGNEE: "assignee",
    SummaryAction.FILTER_PRIORITY: "priority",
}
ANY = "~any"
Message = dict[str, Any]


class Sub(StrEnum):
    HELP = "help"
    PROJECTS = "projects"
    PROJECT = "project"
    SEARCH = "search"
    CONFIG = "config"


@dataclass(frozen=True)
class Command:
    sub: Sub
    arg: str = ""
    site: str | None = None  # "site=NAME" before the subcommand


SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})


def unescape(text: str) -> str:
    """Command text as typed: Slack sends ``&``, ``<`` and ``>`` as entities, and its clients may turn straight
    quotes into curly ones, which JQL does not take."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").translate(SMART_QUOTES)


def parse(text: str) -> Command:
    """``[site=NAME] projects | project KEY | search JQL | config [jql JQL|default]``; anything else is help."""
    rest = unescape(text).strip()
    site = None
    if rest.lower().startswith("site="):
        head, _, rest = rest.partition(" ")
        site = head[5:] or None
    head, _, arg = rest.strip().partition(" ")
    try:
        return Command(Sub(head.lower()), arg.strip(), site)
    except ValueError:
        return Command(Sub.HELP, site=site)


class Access:
    """The viewer group and the admins, resolved through the shared Slack directory."""

    def __init__(self, directory: SlackDirectory, settings: Settings) -> None:
        self.directory = directory
        self.viewers = (settings.jira_viewer_group or "").strip() or None
        self.admin_users = frozenset(i for i in settings.admins if i[:1] in ("U", "W"))
        self.admin_groups = tuple(i for i in settings.admins if i[:1] == "S")

    async def is_admin(self, user_id: str) -> bool:
        if user_id in self.admin_users:
            return True
        for group in self.admin_groups:
            if user_id in await self.directory.group_members(group):
                return True
        return False

    async def can_view(self, user_id: str) -> bool:
        if self.viewers is None or user_id in await self.directory.group_members(self.viewers):
            return True
        return await self.is_admin(user_id)


NOT_A_VIEWER = "The Jira summary is for members of the Jira viewer group; ask an OpsGate admin to add you."
NOT_AN_ADMIN = "Only OpsGate admins (OPSGATE_ADMINS) may change the Jira summary settings."
NO_JIRA = "Jira is not configured for OpsGate (an admin adds a site with: opsgate jira add)."
STALE = "This table is out of date; run the command again."


def _failure(err: JiraCallError, what: str, jql: str | None = None) -> Message:
    """Jira refused: its own message for a bad query or an unknown project, else what it means and what to do."""
    if err.status in (400, 404) and not err.temporary:
        return jira_error_message(what, err.detail, jql)
    return note_message(explain(err))


async def _org(rt: SlackRuntime) -> int:
    services = rt.gate.services
    org: int = await services.db(lambda: services.default_org_id)
    return org


async def answer(rt: SlackRuntime, summary: JiraSummary, user: str, cmd: Command) -> Message:
    """The private answer to one ``/jira`` command."""
    access = Access(rt.directory, rt.gate.services.settings)
    if cmd.sub is Sub.CONFIG:
        if not await access.is_admin(user):
            return note_message(NOT_AN_ADMIN)
    elif not await access.can_view(user):
        return note_message(NOT_A_VIEWER)
    org = await _org(rt)
    try:
        if cmd.sub is Sub.CONFIG:
            return await configure(summary, org, user, cmd)
        site = await summary.site(org, cmd.site)
        if cmd.sub is Sub.PROJECTS:
            return projects_message(await summary.projects(site))
        if cmd.sub is Sub.PROJECT:
            key = cmd.arg.split(" ")[0].upper()
            if not key:
                return note_message(f"Usage: {COMMAND} project KEY (e.g. {COMMAND} project ITSM)")
            try:
                view = await summary.project(site, key)
            except JiraCallError as err:
                return _failure(err, f"Jira shows OpsGate no project {key}.")
            return project_message(view, TableState(site=site.id, project=view.key))
        try:
            found = await summary.search(site, cmd.arg)
        except JiraCallError as err:
            return _failure(err, "Jira did not accept this JQL.", cmd.arg)
        return search_message(found, TableState(site=site.id, jql=found.jql))
    except JiraCallError as err:
        return note_message(explain(err))
    except OpsGateError as err:
        return note_message(err.detail)


async def configure(summary: JiraSummary, org: int, user: str, cmd: Command) -> Message:
    """``/jira config`` (show), ``/jira config jql JQL`` (set the App Home scope), ``… jql default`` (reset)."""
    what, _, value = cmd.arg.partition(" ")
    if not what:
        return config_message(await summary.config_views(org), COMMAND)
    value = value.strip()
    if what.lower() != "jql" or not value:
        return note_message(f"Usage: {COMMAND} config jql JQL (or: {COMMAND} config jql default)")
    site = await summary.site(org, cmd.site)
    jql = None if value.lower() == "default" else value
    try:
        updated = await summary.set_default_jql(site, jql, actor=f"slack:{user}")
    except JiraCallError as err:
        return _failure(err, "Jira did not accept this JQL, so the App Home scope is unchanged.", jql)
    return note_message(f"The App Home Jira scope of {site_label(updated)} is now: {summary.home_jql(updated)}")


async def table_again(rt: SlackRuntime, summary: JiraSummary, user: str, state: TableState) -> Message:
    """The project or search message again, with the table's new filters or page."""
    if not await Access(rt.directory, rt.gate.services.settings).can_view(user):
        return note_message(NOT_A_VIEWER)
    try:
        site = await summary.site(await _org(rt), state.site)
        if state.project:
            view = await summary.project(site, state.project, state.filters, state.page)
            return project_message(view, state.but(page=view.table.page))
        found = await summary.search(site, state.query or "", state.filters, state.page)
        return search_message(found, state.but(page=found.table.page))
    except JiraCallError as err:
        return _failure(err, "Jira did not answer this table.", state.query)
    except OpsGateError as err:
        return note_message(err.detail)


async def projects_again(rt: SlackRuntime, summary: JiraSummary, user: str, button: ProjectsPageButton) -> Message:
    if not await Access(rt.directory, rt.gate.services.settings).can_view(user):
        return note_message(NOT_A_VIEWER)
    try:
        site = await summary.site(await _org(rt), button.site)
        return projects_message(await summary.projects(site, button.page))
    except JiraCallError as err:
        return note_message(explain(err))
    except OpsGateError as err:
        return note_message(err.detail)


def _state(body: dict[str, Any]) -> TableState | None:
    """The table state a filter select (its block's id) or a table button (its value) carries, changed as pressed."""
    pressed = (body.get("actions") or [{}])[0]
    action = str(pressed.get("action_id") or "")
    try:
        if action in SELECTS:
            chosen = str((pressed.get("selected_option") or {}).get("value") or ANY)
            state = TableState.decode(str(pressed.get("block_id") or ""))
            return state.but(page=0, **{SELECTS[SummaryAction(action)]: None if chosen == ANY else chosen})
        return TableState.decode(str(pressed.get("value") or ""))
    except (ValidationError, ValueError):
        return None


def _home_section(rt: SlackRuntime, budget: float) -> Callable[[HomeRequest], Awaitable[Sequence[Message]]]:
    republishing: set[str] = set()  # users whose tab is published again once Jira's counts arrive

    async def again(user: str, pending: list[asyncio.Future[Any]]) -> None:
        try:
            await asyncio.wait(pending)
        finally:
            republishing.discard(user)
        await publish(rt, user)

    async def section(request: HomeRequest) -> Sequence[Message]:
        summary = attach(request.gate)
        if summary is None:
            return []
        access = Access(rt.directory, request.gate.services.settings)
        if not await access.can_view(request.user_id):
            return home_no_access_blocks()
        admin = await access.is_admin(request.user_id)
        found = await summary.home_views(await _org(rt), admin=admin, budget=budget, limit=HOME_SITES)
        if not found:
            return []
        pending = [task for _view, task in found if task is not None]
        if pending and request.user_id not in republishing:
            republishing.add(request.user_id)
            rt.tasks.spawn(again(request.user_id, pending), Where(user_id=request.user_id), "jira-home")
        return home_blocks([view for view, _task in found], admin=admin)

    return section


def register(app: AsyncApp, *, ack_budget: float = ACK_BUDGET, home_budget: float = HOME_BUDGET) -> None:
    rt = runtime_of(app)

    async def on_command(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, respond: AsyncRespond) -> None:
        cmd = parse(str(body.get("text") or ""))
        if cmd.sub is Sub.HELP:
            await ack(response_type="ephemeral", **help_message(str(body.get("command") or COMMAND)))
            return
        summary = attach(rt.gate)
        if summary is None:
            await ack(response_type="ephemeral", **note_message(NO_JIRA))
            return
        work = asyncio.ensure_future(answer(rt, summary, str(body["user_id"]), cmd))
        done, _ = await asyncio.wait({work}, timeout=ack_budget)
        if done:
            await ack(response_type="ephemeral", **work.result())
            return
        await ack(response_type="ephemeral", **note_message("⏳ Reading Jira… the answer replaces this message."))

        async def deliver() -> None:
            await respond(response_type="ephemeral", replace_original=True, **(await work))

        runtime(context).later(deliver(), context, body)

    async def on_table(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, respond: AsyncRespond) -> None:
        await ack()
        summary = attach(rt.gate)
        state = _state(body)
        user = str(body["user"]["id"])

        async def again() -> None:
            if summary is None or state is None:
                await respond(response_type="ephemeral", replace_original=False, **note_message(STALE))
                return
            message = await table_again(rt, summary, user, state)
            await respond(response_type="ephemeral", replace_original=True, **message)

        runtime(context).later(again(), context, body)

    async def on_projects_page(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext, respond: AsyncRespond
    ) -> None:
        await ack()
        summary = attach(rt.gate)
        user = str(body["user"]["id"])

        async def again() -> None:
            try:
                button = ProjectsPageButton.parse(str(action.get("value") or ""))
            except ValidationError:
                button = None
            if summary is None or button is None:
                await respond(response_type="ephemeral", replace_original=False, **note_message(STALE))
                return
            message = await projects_again(rt, summary, user, button)
            await respond(response_type="ephemeral", replace_original=True, **message)

        runtime(context).later(again(), context, body)

    async def on_home_refresh(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        summary = attach(rt.gate)
        user = str(body["user"]["id"])

        async def again() -> None:
            if summary is not None and await Access(rt.directory, rt.gate.services.settings).can_view(user):
                summary.refresh(str(action.get("value") or ""))
            await publish(rt, user)

        runtime(context).later(again(), context, body)

    app.command(COMMAND)(on_command)
    for action in (*SELECTS, SummaryAction.CLEAR_FILTERS, SummaryAction.PAGE):
        app.action(str(action))(on_table)
    app.action(str(SummaryAction.PROJECTS_PAGE))(on_projects_page)
    app.action(str(SummaryAction.HOME_REFRESH))(on_home_refresh)
    register_home_section(app, _home_section(rt, home_budget))
