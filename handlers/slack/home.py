"""App Home: for approvers, the approvals waiting for them (with their buttons) and recent decisions; for everyone,
their own requests and where they stand; then any sections other rooms registered (e.g. the Jira summary).

With just-in-time access on (``gate.extras["jit"]``), approvers also see the org's active grants with a Revoke
button each, and everyone sees their own active grants ("Your access") with time left and a Release button
(both handled in :mod:`.access`). The tab is published when it is opened, after a press in it, and for a requester
when their grant becomes active or ends (the ``jit.home`` outbox item, :mod:`.access` registers the publisher).

Sections are registered on the Bolt app (:func:`register_home_section`), not in a module global, so every assembled
app has its own. A section that fails is left out (and logged); the rest of the tab still renders.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import structlog
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.ack.async_ack import AsyncAck

from opsgate.bot.approval_views import summary_view
from opsgate.bot.jit.views import home_grants
from opsgate.bot.run_lists import pending_runs, recent_decisions
from opsgate.bot.run_queries import list_runs
from opsgate.cards.blockkit.access_home import active_grants, your_access
from opsgate.cards.blockkit.blocks import Block
from opsgate.cards.blockkit.home import home_view
from opsgate.cards.blockkit.modals import request_runbook_modal
from opsgate.cards.ids import ActionId
from opsgate.handlers.slack.approvers import actor
from opsgate.handlers.slack.requests import runbook_choices
from opsgate.handlers.slack.runtime import HomeRequest, HomeSection, SlackRuntime, runtime, runtime_of
from opsgate.store.models import utcnow

log = structlog.get_logger("opsgate.slack.home")

LIST_LIMIT = 50  # rows read per list; the view shows 10 and "… and N more"


def register_home_section(app: AsyncApp, section: HomeSection) -> None:
    """Add extra App Home blocks (e.g. the read-only Jira summary) for every user's tab."""
    runtime_of(app).home_sections.append(section)


async def _extra(rt: SlackRuntime, request: HomeRequest) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for section in rt.home_sections:
        try:
            blocks += list(await section(request))
        except Exception:
            log.exception("home_section_failed", section=getattr(section, "__name__", repr(section)))
    return blocks


async def _access(
    rt: SlackRuntime, org_id: int, email: str | None, is_approver: bool
) -> tuple[list[Block], list[Block]]:
    """With just-in-time access on: "Your access" (everyone) and "Active access grants" (approvers). Like an extra
    section, a failure here leaves them out and the rest of the tab still renders."""
    if rt.gate.extras.get("jit") is None:
        return [], []
    services = rt.gate.services
    try:
        found = await services.db(
            home_grants, services, org_id=org_id, email=email, is_approver=is_approver, as_of=utcnow()
        )
    except Exception:
        log.exception("home_access_failed")
        return [], []
    return your_access(found.mine), active_grants(found.org, found.org_total) if is_approver else []


async def build_home(rt: SlackRuntime, user_id: str) -> dict[str, Any]:
    """The ``views.publish`` view for one user."""
    gate = rt.gate
    services = gate.services
    org_id = await services.db(lambda: services.default_org_id)
    is_approver = await rt.approvers.is_approver(user_id)
    pending: Sequence[Any] = []
    recent: Sequence[Any] = []
    email: str | None = None
    if is_approver or gate.extras.get("jit") is not None:
        profile = await rt.directory.user(user_id)
        email = profile.email if profile else None
    if is_approver:
        runs = await services.db(
            pending_runs, services, org_id=org_id, limit=LIST_LIMIT, for_actor=actor(user_id), for_email=email
        )
        pending = [gate.cards.view(run) for run in runs]
        decided = await services.db(recent_decisions, services, org_id=org_id, limit=LIST_LIMIT)
        recent = [summary_view(run) for run in decided]
    mine = await services.db(list_runs, services, org_id=org_id, requester=actor(user_id), limit=LIST_LIMIT)
    request = HomeRequest(gate=gate, client=rt.client, user_id=user_id, is_approver=is_approver)
    access, grants = await _access(rt, org_id, email, is_approver)
    return home_view(
        pending,
        recent,
        [summary_view(r) for r in mine],
        is_approver,
        await _extra(rt, request),
        access=access,
        grants=grants,
    )


async def publish(rt: SlackRuntime, user_id: str) -> None:
    await rt.client.views_publish(user_id=user_id, view=await build_home(rt, user_id))


async def on_refresh(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    await ack()
    rt = runtime(context)
    user = body["user"]["id"]
    rt.later(publish(rt, user), context, body)


async def on_new_request(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    """App Home "New request": the same modal as ``/opsgate request`` (the trigger is used at once)."""
    await ack()
    rt = runtime(context)

    async def open_modal() -> None:
        await rt.client.views_open(trigger_id=body["trigger_id"], view=request_runbook_modal(runbook_choices()))

    rt.later(open_modal(), context, body)


def register(app: AsyncApp) -> None:
    app.action(str(ActionId.REFRESH_HOME))(on_refresh)
    app.action(str(ActionId.NEW_REQUEST))(on_new_request)
