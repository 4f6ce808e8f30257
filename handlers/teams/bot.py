"""The Teams bot: messages (``help``, ``status RUN_ID``, ``pending``, ``request``, ``access ...``
(:mod:`opsgate.handlers.teams.access`), ``@OpsGate set approvals here``) and Adaptive Card presses
(:mod:`opsgate.handlers.teams.invokes`).

Each message handler parses, authorises, calls one service and answers with a card; errors reach users through
:func:`on_turn_error` (one place), with a correlation id for anything unexpected.
"""

from __future__ import annotations

import html
import re
from enum import StrEnum
from typing import Any

import structlog
from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import Activity, ActivityEventNames, ActivityTypes, ConversationAccount
from botbuilder.schema.teams import TeamInfo, TeamsChannelAccount

from opsgate.bot import run_queries
from opsgate.bot.approval_views import summary_view
from opsgate.bot.errors import NotFound
from opsgate.bot.gate import OpsGate
from opsgate.cards.adaptive.access import help_card
from opsgate.cards.adaptive.approval import approval_card, note_card, refusal_card
from opsgate.cards.adaptive.forms import pending_list_card, request_form_card
from opsgate.cards.markup import TEAMS
from opsgate.cards.text import RefusalKind
from opsgate.handlers.teams import runbook_requests
from opsgate.handlers.teams.access import AccessCommands
from opsgate.handlers.teams.answers import as_dict, card_activity, invoke_message
from opsgate.handlers.teams.approvers import Approvers, Person, sender_of
from opsgate.handlers.teams.directory import TeamsDirectory, contact_of
from opsgate.handlers.teams.invokes import CardActions, correlation_id
from opsgate.store.models import Run

log = structlog.get_logger("opsgate.teams")

_MENTION = re.compile(r"<at\b[^>]*>.*?</at>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
PENDING_LIMIT = 50
PROACTIVE = frozenset({ActivityEventNames.continue_conversation, ActivityEventNames.create_conversation})


class Command(StrEnum):
    HELP = "help"
    STATUS = "status"
    PENDING = "pending"
    REQUEST = "request"
    ACCESS = "access"
    SET_APPROVALS = "set approvals here"


def command_text(text: str | None) -> str:
    """The words of a message without mentions or markup: ``<at>OpsGate</at> Set  approvals here`` -> ``set
    approvals here`` (case kept for arguments, collapsed white space)."""
    plain = html.unescape(_TAG.sub(" ", _MENTION.sub(" ", text or "")))
    return " ".join(plain.replace("\u00a0", " ").split())


def parse(text: str | None) -> tuple[Command, str]:
    words = command_text(text)
    lowered = words.casefold()
    if lowered == Command.SET_APPROVALS:
        return Command.SET_APPROVALS, ""
    head, _, rest = words.partition(" ")
    try:
        return Command(head.casefold()), rest.strip()
    except ValueError:
        return Command.HELP, ""


def _channel_of(activity: Activity) -> tuple[str | None, str | None, str | None]:
    """(channel id, channel name, team id) from Teams' ``channelData``; the channel id falls back to the
    conversation id without its ``;messageid=`` thread suffix."""
    data = as_dict(activity.channel_data)
    channel, team = as_dict(data.get("channel")), as_dict(data.get("team"))
    conversation = str(getattr(activity.conversation, "id", "") or "").split(";messageid=")[0] or None
    channel_id = channel.get("id") or data.get("teamsChannelId") or conversation
    return channel_id, channel.get("name"), team.get("id") or data.get("teamsTeamId")


def _mentions_bot(turn_context: TurnContext) -> bool:
    bot_id = getattr(turn_context.activity.recipient, "id", None)
    for mention in TurnContext.get_mentions(turn_context.activity):
        mentioned = (mention.additional_properties or {}).get("mentioned") or {}
        if isinstance(mentioned, dict) and mentioned.get("id") == bot_id:
            return True
    return False


class OpsGateBot(TeamsActivityHandler):  # type: ignore[misc]
    def __init__(self, gate: OpsGate, approvers: Approvers, directory: TeamsDirectory) -> None:
        self.gate = gate
        self.approvers = approvers
        self.directory = directory
        self.access = AccessCommands(gate, approvers, directory)
        self.actions = CardActions(gate, approvers, directory, access=self.access)

    # invokes --------------------------------------------------------------------------------------------------

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        # Answered here, as a botbuilder InvokeResponse: on_adaptive_card_invoke answers 500 in botbuilder 4.17.
        if turn_context.activity.name == "adaptiveCard/action":
            return await self.actions.handle(turn_context)
        response: InvokeResponse = await super().on_invoke_activity(turn_context)
        return response

    # messages -------------------------------------------------------------------------------------------------

    async def _reply(self, turn_context: TurnContext, card: dict[str, Any]) -> None:
        await turn_context.send_activity(card_activity(card))

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        command, argument = parse(turn_context.activity.text)
        sender = sender_of(turn_context.activity)  # who, from the (authenticated) activity; no lookups yet
        if (
            getattr(turn_context.activity.conversation, "conversation_type", None) == "personal"
            and sender.aad_object_id
        ):
            await self.directory.remember_user(sender.aad_object_id, contact_of(turn_context.activity))
        if command is Command.SET_APPROVALS:
            await self._set_approvals(turn_context, sender)
        elif command is Command.STATUS:
            await self._status(turn_context, sender, argument)
        elif command is Command.PENDING:
            await self._pending(turn_context, await self.approvers.person(turn_context))  # needs the email
        elif command is Command.REQUEST:
            await self._reply(turn_context, request_form_card(runbook_requests.choices()))
        elif command is Command.ACCESS:
            await self._access(turn_context, argument)
        else:
            await self._reply(turn_context, help_card(with_access=self.access.enabled))

    async def _access(self, turn_context: TurnContext, argument: str) -> None:
        conversation_type = getattr(turn_context.activity.conversation, "conversation_type", None)
        if conversation_type != "personal" and not _mentions_bot(turn_context):
            return  # in a channel or group chat, only a message that mentions the bot asks it for access
        await self._reply(turn_context, await self.access.command(turn_context, argument))

    async def _set_approvals(self, turn_context: TurnContext, person: Person) -> None:
        activity = turn_context.activity
        channel, channel_name, team = _channel_of(activity)
        if getattr(activity.conversation, "conversation_type", None) != "channel" or not channel:
            await self._reply(
                turn_context, refusal_card("Post this in a team channel, mentioning me: @OpsGate set approvals here.")
            )
            return
        if not _mentions_bot(turn_context):
            return  # a channel message that does not mention the bot is not for it
        if not await self.approvers.is_approver(person.aad_object_id):
            log.info("teams_set_channel_refused", actor=person.actor, channel=channel)
            await self._reply(
                turn_context, refusal_card("Only OpsGate approvers can choose the approval channel. Nothing changed.")
            )
            return
        reference = TurnContext.get_conversation_reference(activity)
        reference.activity_id = None
        reference.user = None
        reference.conversation = ConversationAccount(
            id=channel,
            is_group=True,
            conversation_type="channel",
            tenant_id=getattr(activity.conversation, "tenant_id", None),
            name=channel_name,
        )
        await self.directory.set_approval_channel(
            reference, name=channel_name or channel, actor=person.actor, team=team
        )
        self.gate.outbox.kick()
        log.info("teams_approval_channel_set", actor=person.actor, channel=channel)
        await self._reply(
            turn_context,
            note_card(f"✅ Approval cards will be posted in this channel, set by {TEAMS.escape(person.name)}."),
        )

    async def _run(self, run_id: str) -> Run:
        services = self.gate.services
        return await services.db(run_queries.get_run, services, run_id=run_id, org_id=services.default_org_id)

    async def _status(self, turn_context: TurnContext, person: Person, run_id: str) -> None:
        if not run_id:
            await self._reply(turn_context, refusal_card("Say which run: status RUN_ID (the id is on every card)."))
            return
        try:
            run = await self._run(run_id.split()[0])
        except NotFound:
            await self._reply(turn_context, refusal_card(RefusalKind.UNKNOWN_RUN))
            return
        mine = run.requester == person.actor
        if not mine and not await self.approvers.is_approver(person.aad_object_id):
            await self._reply(
                turn_context, refusal_card("Only approvers and the requester can see a run. Nothing shown.")
            )
            return
        await self._reply(turn_context, approval_card(self.gate.cards.view(run)))

    def _waiting_for(self, person: Person) -> list[Run]:
        services = self.gate.services
        runs = run_queries.list_runs(
            services, org_id=services.default_org_id, status="awaiting_approval", limit=PENDING_LIMIT
        )
        email = (person.email or "").casefold()
        return [
            r
            for r in runs
            if r.requester != person.actor
            and not (email and email in ((r.requester_email or "").casefold(), (r.target_email or "").casefold()))
            and person.actor not in {a.get("actor") for a in r.approvals}
        ]

    async def _pending(self, turn_context: TurnContext, person: Person) -> None:
        runs: list[Run] = []
        if await self.approvers.is_approver(person.aad_object_id):
            runs = await self.gate.services.db(self._waiting_for, person)
        await self._reply(turn_context, pending_list_card([summary_view(r) for r in runs]))

    # installation ---------------------------------------------------------------------------------------------

    async def on_teams_members_added(  # type: ignore[override]
        self,
        teams_members_added: list[TeamsChannelAccount],
        team_info: TeamInfo,
        turn_context: TurnContext,
    ) -> None:
        bot_id = getattr(turn_context.activity.recipient, "id", None)
        if team_info is not None and any(m.id == bot_id for m in teams_members_added):
            text = (
                "Hello! I post OpsGate approval cards. An approver chooses the channel by posting "
                "**@OpsGate set approvals here** in it. Message me **help** to see what else I do."
            )
            await self._reply(turn_context, note_card(text))


async def on_turn_error(turn_context: TurnContext, error: Exception) -> None:
    """The one place a failed turn reaches the user: an invoke gets a message, a chat a line, with a correlation id."""
    activity = turn_context.activity
    if activity.type == ActivityTypes.event and activity.name in PROACTIVE:
        raise error  # proactive sends report to their caller (the outbox retries them)
    log.error("teams_turn_failed", error=f"{type(error).__name__}: {error}", exc_info=error)
    text = f"Something went wrong on our side; quote correlation id {correlation_id()} when reporting it."
    try:
        if turn_context.activity.type == ActivityTypes.invoke:
            await turn_context.send_activity(Activity(type=ActivityTypes.invoke_response, value=invoke_message(text)))
        else:
            await turn_context.send_activity(card_activity(note_card(TEAMS.escape(text))))
    except Exception:
        log.exception("teams_error_reply_failed")
