"""Slack: the "Create Jira ticket" message shortcut, its modal submission and the thread's Unlink button.

Each listener acks first, then calls the Jira gateway's ticket service (``gate.extras["jira"].tickets``); the gate
comes from ``context["gate"]`` (put there by the Slack app's middleware). Slack I/O stays here: the permalink
(``chat.getPermalink``), the thread transcript (``conversations.replies``), the answers in the thread.
"""

from __future__ import annotations

from collections.abc import Coroutine
from datetime import UTC, date, datetime
from typing import Any

import structlog
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from opsgate.bot.errors import OpsGateError
from opsgate.bot.gate import OpsGate
from opsgate.bot.jira.tickets import TicketRequest
from opsgate.cards.blockkit.jira_ticket import (
    JiraAction,
    SiteChoice,
    TicketForm,
    TicketModalMetadata,
    UnlinkButton,
    created_message,
    form_errors,
    info_modal,
    notice_message,
    read_ticket_form,
    ticket_modal,
    unlinked_message,
)
from opsgate.cards.ids import CallbackId

log = structlog.get_logger("opsgate.slack.jira")
SURFACE = "slack"
MAX_TRANSCRIPT = 1000  # messages


def _gateway(context: dict[str, Any]) -> Any:
    gate: OpsGate | None = context.get("gate")
    return None if gate is None else gate.extras.get("jira")


async def _after_ack(context: dict[str, Any], body: dict[str, Any], work: Coroutine[Any, Any, None]) -> None:
    """Slow work after the ack: in the Slack app's tracked background tasks (its Bolt app holds the HTTP answer
    until listeners return), or inline when there is no runtime (a bare AsyncApp)."""
    later = getattr(context.get("opsgate"), "later", None)
    if callable(later):
        later(work, context, body)
    else:
        await work


def _label(url: str) -> str:
    return url.split("://", 1)[-1]


async def transcript(client: AsyncWebClient, channel: str, thread_ts: str) -> str:
    """The thread as plain text, one message per paragraph: ``2026-06-09 17:42 UTC <U0123>: text``."""
    lines: list[str] = []
    cursor: str | None = None
    while len(lines) < MAX_TRANSCRIPT:
        page = await client.conversations_replies(channel=channel, ts=thread_ts, limit=200, cursor=cursor)
        for m in page.get("messages") or []:
            when = datetime.fromtimestamp(float(m.get("ts", "0")), UTC).strftime("%Y-%m-%d %H:%M UTC")
            who = m.get("user") or m.get("bot_id") or "unknown"
            lines.append(f"{when} <{who}>: {m.get('text', '')}")
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            break
    return "\n".join(lines) + "\n"


async def open_ticket_modal(
    ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient, context: dict[str, Any]
) -> None:
    await ack()
    gateway = _gateway(context)
    trigger = shortcut["trigger_id"]
    if gateway is None:
        await client.views_open(trigger_id=trigger, view=info_modal("Jira is not configured for OpsGate."))
        return
    gate: OpsGate = context["gate"]
    channel = str(shortcut["channel"]["id"])
    message = shortcut.get("message") or {}
    thread_ts = str(message.get("thread_ts") or message.get("ts") or shortcut.get("message_ts"))
    linked = await gate.services.db(gateway.tickets.linked, surface=SURFACE, channel=channel, thread=thread_ts)
    if linked is not None:
        view = info_modal(
            "This thread is already linked to a Jira ticket (unlink it there first):", (linked.url, linked.key)
        )
        await client.views_open(trigger_id=trigger, view=view)
        return
    try:
        permalink = (await client.chat_getPermalink(channel=channel, message_ts=str(message.get("ts"))))["permalink"]
    except SlackApiError:
        permalink = None
    org_id = gate.services.default_org_id
    sites = await gate.services.db(gateway.tickets.sites, org_id)
    if not sites:
        await client.views_open(trigger_id=trigger, view=info_modal("No Jira site is configured for OpsGate yet."))
        return
    metadata = TicketModalMetadata(channel=channel, thread_ts=thread_ts, permalink=permalink)
    view = ticket_modal(
        metadata,
        message_text=str(message.get("text") or ""),
        default_project=sites[0].config.project_key,
        sites=[SiteChoice(s.id, _label(s.base_url)) for s in sites],
    )
    await client.views_open(trigger_id=trigger, view=view)


async def submit_ticket(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, context: dict[str, Any]
) -> None:
    form = read_ticket_form(view["state"]["values"])
    errors = form_errors(form, date.today())
    if errors:
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    meta = TicketModalMetadata.parse(view.get("private_metadata") or "")
    await _after_ack(context, body, _create(context, client, meta, form, str(body["user"]["id"])))


async def _create(
    context: dict[str, Any], client: AsyncWebClient, meta: TicketModalMetadata, form: TicketForm, user: str
) -> None:
    gateway = _gateway(context)
    if gateway is None:
        await client.chat_postEphemeral(channel=meta.channel, user=user, text="Jira is not configured for OpsGate.")
        return
    thread_text, read_error = None, None
    if form.attach_thread:
        try:
            thread_text = await transcript(client, meta.channel, meta.thread_ts)
        except SlackApiError as exc:
            read_error = f"Slack did not give the thread ({exc.response.get('error')})"
    request = TicketRequest(
        org_id=context["gate"].services.default_org_id,
        surface=SURFACE,
        channel=meta.channel,
        thread_ts=meta.thread_ts,
        requester=f"slack:{user}",
        summary=form.summary,
        description=form.description,
        project_key=form.project,
        permalink=meta.permalink,
        due_date=form.due_date,
        thread_text=thread_text,
        integration_id=form.site,
    )
    try:
        result = await gateway.tickets.create(request)
    except OpsGateError as err:
        log.info("jira_ticket_not_created", channel=meta.channel, problem=err.detail)
        await client.chat_postEphemeral(
            channel=meta.channel, user=user, **notice_message(f"Jira ticket not created: {err.detail}")
        )
        return
    answer = created_message(result.key, result.url, meta.thread_ts, result.attachment_error or read_error)
    await client.chat_postMessage(channel=meta.channel, thread_ts=meta.thread_ts, **answer)


async def unlink_ticket(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, context: dict[str, Any]
) -> None:
    await ack()
    gateway = _gateway(context)
    if gateway is None:
        return
    button = UnlinkButton.parse(str(action.get("value") or ""))
    channel = str((body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id"))
    user = str(body["user"]["id"])
    key = await gateway.tickets.unlink(
        org_id=context["gate"].services.default_org_id,
        surface=SURFACE,
        channel=channel,
        thread=button.thread_ts,
        actor=f"slack:{user}",
    )
    message_ts = (body.get("message") or {}).get("ts") or (body.get("container") or {}).get("message_ts")
    if key is not None and message_ts:
        await client.chat_update(channel=channel, ts=str(message_ts), **unlinked_message(key))
    elif key is None:
        await client.chat_postEphemeral(
            channel=channel, user=user, **notice_message(f"This thread is no longer linked to {button.key}.")
        )


def register(app: AsyncApp) -> None:
    app.shortcut(str(CallbackId.CREATE_JIRA_TICKET))(open_ticket_modal)
    app.view(str(CallbackId.CREATE_JIRA_TICKET))(submit_ticket)
    app.action(str(JiraAction.UNLINK))(unlink_ticket)
