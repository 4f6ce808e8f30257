"""``access``: just-in-time access from Microsoft Teams (the Teams twin of Slack's ``/access``).

In a personal chat with the bot, or mentioning it in a channel:

- ``access`` answers a form (resource picker with each resource's default and maximum, duration, reason); its
  submission (verb ``opsgate.access.request``) asks like the one-liner;
- ``access RESOURCE [DURATION] reason...`` asks in one line (``access prod-db-admin 2h hotfix for INC-42``; no
  duration: the resource's default). A duration is written with its unit (``s``, ``m``, ``h``, ``d``); a bare
  number is refused rather than read as seconds;
- ``access list`` shows the catalog and the sender's active grants with the time left;
- ``access release [GRANT_ID]`` ends the sender's own grant now (no id: their only active grant, else they are
  asked which);
- ``access revoke GRANT_ID`` (approvers only) ends anyone's grant now.

The requester is ``teams:<aadObjectId>`` with the email Teams (or, failing that, Microsoft Graph) gives for them:
JIT grants the Okta or Entra ID group to that email, so without one nothing is requested. The request is an
RB-020 run whose approval card goes to the approval channel like any other; the run machine refuses the
requester's own approval. Every refusal (not in the catalog, longer than the maximum, a bad duration) is answered
and changes nothing. Answers in a channel are visible to the channel; the personal chat keeps them private.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import structlog
from botbuilder.core import InvokeResponse, TurnContext

from opsgate.bot.durations import format_duration
from opsgate.bot.errors import NotFound, OpsGateError
from opsgate.bot.gate import OpsGate
from opsgate.bot.jit.catalog import list_resources
from opsgate.bot.jit.service import JitRequest, JitService
from opsgate.cards.adaptive.access import (
    AccessInput,
    GrantLine,
    ResourceOption,
    access_form_card,
    access_list_card,
)
from opsgate.cards.adaptive.approval import note_card, refusal_card
from opsgate.cards.limits import REQUEST_REASON_MAX
from opsgate.cards.markup import TEAMS, plain_time, utc
from opsgate.handlers.teams.answers import invoke_card, invoke_message
from opsgate.handlers.teams.approvers import Approvers, Person, sender_of
from opsgate.handlers.teams.directory import TeamsDirectory, contact_of
from opsgate.store.models import JitGrant, JitResource, utcnow

log = structlog.get_logger("opsgate.teams")

Card = dict[str, Any]

USAGE = (
    "Usage: access (a form); access RESOURCE [DURATION] reason (e.g. access prod-db-admin 2h hotfix for INC-42); "
    "access list; access release [GRANT_ID]; approvers: access revoke GRANT_ID."
)
NOT_ENABLED = "Just-in-time access is not enabled on this OpsGate server. Nothing changed."
NO_EMAIL = (
    "OpsGate could not read your email address from Teams or Microsoft Entra ID. Just-in-time access needs it to "
    "find you in Okta or Entra ID, so nothing was requested; ask an OpsGate admin."
)
NO_IDENTITY = "Teams did not say who you are in Microsoft Entra ID, so nothing was requested."
BARE_NUMBER = "Write the duration with its unit, such as 30m, 2h or 1d (s, m, h, d). Nothing was requested."
NOT_APPROVER = "Only OpsGate approvers can end someone else's access early. Nothing changed."


def parse_line(text: str) -> tuple[str, str | None, str]:
    """``RESOURCE [DURATION] reason...`` -> (resource, duration or None for the default, reason). A word after the
    resource that starts with a digit is the duration (checked by the service, so ``2x`` is refused, not read as
    the reason)."""
    parts = text.split(None, 2)
    resource = parts[0] if parts else ""
    rest = parts[1:]
    if rest and rest[0][:1].isdigit():
        return resource, rest[0], rest[1] if len(rest) > 1 else ""
    return resource, None, " ".join(rest)


def resource_option(resource: JitResource) -> ResourceOption:
    return ResourceOption(
        name=resource.name,
        system="Okta" if resource.system == "okta" else "Entra ID",
        group=resource.group_name,
        default=format_duration(timedelta(seconds=resource.default_seconds)),
        maximum=format_duration(timedelta(seconds=resource.max_seconds)),
        area=resource.area,
    )


def _left(grant: JitGrant) -> str:
    """Time left, to the minute once above one (a list read a minute later is no less true)."""
    now = utcnow()
    seconds = int(max(timedelta(0), utc(grant.due_at or now) - now).total_seconds())
    if seconds >= 60:
        seconds -= seconds % 60
    return format_duration(timedelta(seconds=seconds))


def grant_line(grant: JitGrant) -> GrantLine:
    assert grant.id is not None
    until = plain_time(grant.due_at) if grant.due_at else "-"
    return GrantLine(grant.id, grant.resource, _left(grant), until)


def _grant_names(grants: Sequence[JitGrant]) -> str:
    return "; ".join(f"{g.resource} (grant {g.id}, {_left(g)} left)" for g in grants)


def _text(data: dict[str, Any], key: str, limit: int) -> str:
    value = data.get(str(key))
    return value.strip()[:limit] if isinstance(value, str) else ""


def asked_text(made: JitRequest) -> str:
    length = format_duration(timedelta(seconds=made.grant.duration_seconds))
    return (
        f"**Asked** for {TEAMS.escape(made.resource.name)} for {length} (run {TEAMS.escape(made.run.id)}). An "
        "approver decides on the card in the approval channel; I will message you here when access is granted "
        "and when it ends."
    )


class AccessCommands:
    def __init__(self, gate: OpsGate, approvers: Approvers, directory: TeamsDirectory) -> None:
        self.gate = gate
        self.approvers = approvers
        self.directory = directory

    @property
    def service(self) -> JitService | None:
        found = self.gate.extras.get("jit")
        return found if isinstance(found, JitService) else None

    @property
    def enabled(self) -> bool:
        return self.service is not None

    async def _org(self) -> int:
        services = self.gate.services
        return await services.db(lambda: services.default_org_id)

    async def _requester(self, turn_context: TurnContext) -> tuple[Person, str | None]:
        """The sender and their email, or (sender, refusal) when JIT cannot act for them."""
        person = await self.approvers.person(turn_context)
        if not person.aad_object_id:
            return person, NO_IDENTITY
        if not person.email:
            log.info("teams_access_no_email", actor=person.actor)
            return person, NO_EMAIL
        return person, None

    async def _remember(self, turn_context: TurnContext, person: Person) -> None:
        """Keep how to reach the requester privately, for the granted / expiring / ended notices."""
        if person.aad_object_id:
            await self.directory.remember_user(person.aad_object_id, contact_of(turn_context.activity))

    # messages -------------------------------------------------------------------------------------------------

    async def command(self, turn_context: TurnContext, argument: str) -> Card:
        """The card answering ``access ...``; a refusal card for anything that changed nothing."""
        service = self.service
        if service is None:
            return refusal_card(NOT_ENABLED)
        head, _, rest = argument.partition(" ")
        sub = head.casefold()
        try:
            if not argument:
                return await self.form()
            if sub == "help":
                return note_card(TEAMS.escape(USAGE))
            if sub == "list":
                return await self.listing(turn_context, service)
            if sub == "release":
                return await self.release(turn_context, service, rest.strip())
            if sub == "revoke":
                return await self.revoke(turn_context, service, rest.strip())
            return await self.request_line(turn_context, service, argument)
        except OpsGateError as exc:  # the service's refusals: not in the catalog, too long, not yours
            log.info("teams_access_refused", sub=sub or "form", code=exc.code, detail=exc.detail)
            return refusal_card(f"{exc.detail} Nothing changed.")

    async def _catalog(self) -> list[JitResource]:
        services = self.gate.services
        return await services.db(list_resources, services, await self._org())

    async def form(self) -> Card:
        return access_form_card([resource_option(r) for r in await self._catalog()])

    async def listing(self, turn_context: TurnContext, service: JitService) -> Card:
        resources = [resource_option(r) for r in await self._catalog()]
        person, refused = await self._requester(turn_context)
        if refused is not None or person.email is None:
            return access_list_card(resources, None)
        grants = await self.gate.services.db(service.active_grants, await self._org(), person.email)
        return access_list_card(resources, [grant_line(g) for g in grants])

    async def request_line(self, turn_context: TurnContext, service: JitService, text: str) -> Card:
        resource, duration, reason = parse_line(text)
        if duration is not None and duration.isdigit():
            return refusal_card(BARE_NUMBER)
        org_id = await self._org()
        if not reason:
            # what is wrong with the resource or the duration first, then the missing reason
            await self.gate.services.db(service.resolve, org_id, resource, duration)
            example = f"access {resource} {duration or ''} reason".replace("  ", " ")
            return refusal_card(f"Say why you need {resource}: {example}. Approvers read it. Nothing was requested.")
        person, refused = await self._requester(turn_context)
        if refused is not None or person.email is None:
            return refusal_card(refused or NO_EMAIL)
        made = await self._ask(turn_context, service, person, person.email, resource, duration, reason)
        return note_card(asked_text(made))

    async def _ask(
        self,
        turn_context: TurnContext,
        service: JitService,
        person: Person,
        email: str,
        resource: str,
        duration: str | None,
        reason: str,
    ) -> JitRequest:
        org_id = await self._org()
        made: JitRequest = await self.gate.services.db(
            service.request, org_id, resource, duration, reason[:REQUEST_REASON_MAX], person.actor, email,
            source="teams",
        )  # fmt: skip
        await self._remember(turn_context, person)
        self.gate.outbox.kick()
        log.info("teams_access_requested", actor=person.actor, resource=made.resource.name, run=made.run.id)
        return made

    async def release(self, turn_context: TurnContext, service: JitService, arg: str) -> Card:
        if arg and not arg.isdigit():
            return refusal_card("Usage: access release [GRANT_ID] (the number from access list). Nothing changed.")
        person, refused = await self._requester(turn_context)
        if refused is not None or person.email is None:
            return refusal_card(refused or NO_EMAIL)
        org_id = await self._org()
        grants = await self.gate.services.db(service.active_grants, org_id, person.email)
        if arg:
            chosen = [g for g in grants if g.id == int(arg)]
            if not chosen:
                yours = f" Yours: {_grant_names(grants)}." if grants else ""
                return refusal_card(f"You have no active grant {arg}.{yours} Nothing changed.")
        elif not grants:
            return refusal_card("You have no active grant to release.")
        elif len(grants) > 1:
            return refusal_card(
                f"You have {len(grants)} active grants: {_grant_names(grants)}. Say which: access release GRANT_ID."
            )
        else:
            chosen = grants
        grant = chosen[0]
        assert grant.id is not None
        await self.gate.services.db(
            service.end_early, org_id, grant.id, actor=person.actor, email=person.email, is_approver=False
        )
        log.info("teams_access_released", actor=person.actor, grant=grant.id)
        return note_card(
            f"**Released** {TEAMS.escape(grant.resource)} (grant {grant.id}). Your access is removed at the next "
            "check; I will tell you here when it is gone."
        )

    async def revoke(self, turn_context: TurnContext, service: JitService, arg: str) -> Card:
        if not arg.isdigit():
            return refusal_card("Usage: access revoke GRANT_ID. Nothing changed.")
        person = sender_of(turn_context.activity)  # the approver check needs the object id only
        if not await self.approvers.is_approver(person.aad_object_id):
            log.info("teams_access_revoke_refused", actor=person.actor, grant=arg)
            return refusal_card(NOT_APPROVER)
        try:
            grant = await self.gate.services.db(
                service.end_early, await self._org(), int(arg), actor=person.actor, email=None, is_approver=True
            )
        except NotFound:
            return refusal_card(f"There is no grant {arg}. Nothing changed.")
        if grant.status != "active":
            return note_card(f"Grant {grant.id} is already {TEAMS.escape(grant.status)}. Nothing changed.")
        log.info("teams_access_revoked", actor=person.actor, grant=grant.id)
        return note_card(
            f"**Revoking** {TEAMS.escape(grant.resource)} from {TEAMS.escape(grant.requester_email)} "
            f"(grant {grant.id}) now."
        )

    # the form's submission ------------------------------------------------------------------------------------

    async def submit(self, turn_context: TurnContext, data: dict[str, Any]) -> InvokeResponse:
        """The form's ``Request``: the form stays (answered with a message) until the request goes through."""
        service = self.service
        if service is None:
            return invoke_message(NOT_ENABLED)
        resource = _text(data, AccessInput.RESOURCE, 100)
        duration = _text(data, AccessInput.DURATION, 20) or None
        reason = _text(data, AccessInput.REASON, REQUEST_REASON_MAX)
        if not resource:
            return invoke_message("Choose a resource. Nothing was requested.")
        if duration is not None and duration.isdigit():
            return invoke_message(BARE_NUMBER)
        person, refused = await self._requester(turn_context)
        if refused is not None or person.email is None:
            return invoke_message(refused or NO_EMAIL)
        try:
            made = await self._ask(turn_context, service, person, person.email, resource, duration, reason)
        except OpsGateError as exc:
            log.info("teams_access_refused", sub="form", code=exc.code, detail=exc.detail)
            return invoke_message(f"{exc.detail} Nothing was requested.")
        return invoke_card(note_card(asked_text(made)))
