"""``/access``: just-in-time access from Slack.

- ``/access`` opens a modal (resource picker from the catalog, duration, reason);
- ``/access RESOURCE [DURATION] reason...`` requests in one line (``/access prod-db-admin 2h hotfix for INC-42``);
- ``/access release [GRANT_ID]`` ends your active grants (or one) now;
- ``/access list`` shows the catalog and your active grants;
- ``/access revoke GRANT_ID`` (approvers) ends someone's grant now;
- App Home's "Release" (your grant) and "Revoke" (approvers) buttons do the same as the two commands; a
  non-approver's Revoke press is refused privately.

Each listener acks at once and answers privately through ``response_url`` from a background task; errors of the
service (not in the catalog, too long) reach the user through the one Slack error map. The requester is the
Slack user and their profile email; the run refuses their own approval.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from opsgate.bot.durations import DurationError, format_duration, parse_duration
from opsgate.bot.errors import OpsGateError, ValidationFailed
from opsgate.bot.jit import JitService
from opsgate.bot.jit.catalog import describe, list_resources
from opsgate.bot.jit.revoke import add_home_publisher
from opsgate.cards.ids import ActionId, GrantButton
from opsgate.handlers.slack.approvers import actor
from opsgate.handlers.slack.errors import tell
from opsgate.handlers.slack.home import publish
from opsgate.handlers.slack.payloads import Where, action_value
from opsgate.handlers.slack.present import note
from opsgate.handlers.slack.runtime import SlackRuntime, runtime, runtime_of
from opsgate.handlers.slack.surface import unavailable
from opsgate.store.models import JitResource, utcnow

COMMAND = "/access"
CALLBACK = "opsgate.jit.request"
RESOURCE, DURATION, REASON = "jit_resource", "jit_duration", "jit_reason"
NOT_APPROVER = "Only OpsGate approvers can revoke someone's access early."
MALFORMED = "That button is out of date; open the Home tab again."
USAGE = (
    f"Usage: `{COMMAND}` (a form), `{COMMAND} RESOURCE [DURATION] reason...` (e.g. `{COMMAND} prod-db-admin 2h "
    f"hotfix`), `{COMMAND} release [GRANT_ID]`, `{COMMAND} list`; approvers: `{COMMAND} revoke GRANT_ID`."
)


def parse_line(text: str) -> tuple[str, str | None, str]:
    """``RESOURCE [DURATION] reason...`` -> (resource, duration or None for the default, reason)."""
    parts = text.split(None, 2)
    resource = parts[0] if parts else ""
    rest = parts[1:]
    if rest:
        try:
            parse_duration(rest[0])
        except DurationError:
            return resource, None, " ".join(rest)
        return resource, rest[0], rest[1] if len(rest) > 1 else ""
    return resource, None, ""


def request_modal(resources: list[JitResource], channel_id: str) -> dict[str, Any]:
    """The request form (pure: the caller loads the catalog)."""
    options = [
        {
            "text": {"type": "plain_text", "text": r.name[:75]},
            "value": r.name,
            "description": {"type": "plain_text", "text": describe(r).split(": ", 1)[-1][:75]},
        }
        for r in resources[:100]
    ]
    return {
        "type": "modal",
        "callback_id": CALLBACK,
        "private_metadata": channel_id,
        "title": {"type": "plain_text", "text": "Request access"},
        "submit": {"type": "plain_text", "text": "Request"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input",
                "block_id": RESOURCE,
                "label": {"type": "plain_text", "text": "Resource"},
                "element": {"type": "static_select", "action_id": RESOURCE, "options": options},
            },
            {
                "type": "input",
                "block_id": DURATION,
                "optional": True,
                "label": {"type": "plain_text", "text": "For how long (e.g. 30m, 2h; empty: the resource's default)"},
                "element": {"type": "plain_text_input", "action_id": DURATION, "max_length": 20},
            },
            {
                "type": "input",
                "block_id": REASON,
                "label": {"type": "plain_text", "text": "Why (approvers read it)"},
                "element": {"type": "plain_text_input", "action_id": REASON, "multiline": True, "max_length": 2000},
            },
        ],
    }


def _service(rt: SlackRuntime) -> JitService:
    service = rt.gate.extras.get("jit")
    if not isinstance(service, JitService):
        raise ValidationFailed("Just-in-time access is not enabled on this server.", [])
    return service


async def _say(respond: AsyncRespond, text: str) -> None:
    await respond(response_type="ephemeral", replace_original=False, **note(text))


async def _requester(rt: SlackRuntime, user: str) -> str:
    profile = await rt.directory.user(user)
    if profile is None or not profile.email:
        raise ValidationFailed("Your Slack profile has no email, so OpsGate cannot tell who to grant access to.", [])
    return profile.email


async def request(rt: SlackRuntime, user: str, text: str, respond: AsyncRespond) -> None:
    resource, duration, reason = parse_line(text)
    if not reason:
        await _say(respond, f"Say why you need {resource}. {USAGE}")
        return
    service = _service(rt)
    email = await _requester(rt, user)
    org_id = await rt.gate.services.db(lambda: rt.gate.services.default_org_id)
    made = await rt.gate.services.db(
        service.request, org_id, resource, duration, reason, actor(user), email, source="slack"
    )
    length = format_duration(timedelta(seconds=made.grant.duration_seconds))
    await _say(
        respond,
        f"Asked for {made.resource.name} for {length} (run {made.run.id}); approvers have the card. "
        "You will hear here when it is granted.",
    )


async def release_now(rt: SlackRuntime, user: str, arg: str) -> tuple[bool, str]:
    """``/access release [GRANT_ID]`` and App Home's Release: end the user's active grants (or one) now. Returns
    whether anything was released and what to tell them."""
    service = _service(rt)
    email = await _requester(rt, user)
    org_id = await rt.gate.services.db(lambda: rt.gate.services.default_org_id)
    grants = await rt.gate.services.db(service.active_grants, org_id, email)
    if arg.strip():
        grants = [g for g in grants if str(g.id) == arg.strip()]
    if not grants:
        return False, "You have no active grant to release." if not arg else f"No active grant {arg} of yours."
    now = utcnow()
    for grant in grants:
        assert grant.id is not None
        await rt.gate.services.db(
            service.end_early, org_id, grant.id, actor=actor(user), email=email, is_approver=False, now=now
        )
    names = ", ".join(f"{g.resource} (grant {g.id})" for g in grants)
    return True, f"Released {names}; access is removed within a minute."


async def release(rt: SlackRuntime, user: str, arg: str, respond: AsyncRespond) -> None:
    _done, text = await release_now(rt, user, arg)
    await _say(respond, text)


async def revoke_now(rt: SlackRuntime, user: str, grant_id: int) -> tuple[bool, str]:
    """``/access revoke GRANT_ID`` and App Home's Revoke (approvers only): end someone's grant now. Returns
    whether it is ending because of this press and what to tell the approver."""
    if not await rt.approvers.is_approver(user):
        return False, NOT_APPROVER
    service = _service(rt)
    services = rt.gate.services
    org_id = await services.db(lambda: services.default_org_id)
    grant = await services.db(service.end_early, org_id, grant_id, actor=actor(user), email=None, is_approver=True)
    if grant.status == "active":
        return True, f"Revoking {grant.resource} from {grant.requester_email} (grant {grant.id}) now."
    return False, f"Grant {grant.id} is already {grant.status}."


async def revoke(rt: SlackRuntime, user: str, arg: str, respond: AsyncRespond) -> None:
    if not arg.strip().isdigit():
        await _say(respond, f"Usage: `{COMMAND} revoke GRANT_ID`")
        return
    _done, text = await revoke_now(rt, user, int(arg.strip()))
    await _say(respond, text)


async def listing(rt: SlackRuntime, user: str, respond: AsyncRespond) -> None:
    service = _service(rt)
    services = rt.gate.services
    org_id = await services.db(lambda: services.default_org_id)
    resources = await services.db(list_resources, services, org_id)
    lines = [describe(r) for r in resources] or ["No resources are grantable yet."]
    profile = await rt.directory.user(user)
    if profile and profile.email:
        now = utcnow()
        for g in await services.db(service.active_grants, org_id, profile.email):
            left = format_duration(max(timedelta(0), (g.due_at or now) - now))
            lines.append(f"Active: {g.resource} (grant {g.id}), {left} left")
    await _say(respond, "\n".join(lines))


async def open_modal(rt: SlackRuntime, trigger_id: str, channel_id: str) -> None:
    services = rt.gate.services
    org_id = await services.db(lambda: services.default_org_id)
    resources = await services.db(list_resources, services, org_id)
    if not resources:
        raise ValidationFailed(
            "No resources are grantable yet; an admin adds them with `opsgate jit resources add`.", []
        )
    await rt.client.views_open(trigger_id=trigger_id, view=request_modal(resources, channel_id))


async def on_command(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, respond: AsyncRespond) -> None:
    text = str(body.get("text") or "").strip()
    head, _, rest = text.partition(" ")
    if head.lower() == "help":
        await ack(response_type="ephemeral", text=USAGE)
        return
    await ack()
    rt = runtime(context)
    user = str(body["user_id"])
    if not text:
        rt.later(open_modal(rt, str(body["trigger_id"]), str(body.get("channel_id") or "")), context, body)
    elif head.lower() == "release":
        rt.later(release(rt, user, rest, respond), context, body)
    elif head.lower() == "revoke":
        rt.later(revoke(rt, user, rest, respond), context, body)
    elif head.lower() == "list":
        rt.later(listing(rt, user, respond), context, body)
    else:
        rt.later(request(rt, user, text, respond), context, body)


def _state(view: dict[str, Any], block: str) -> str:
    found = ((view.get("state") or {}).get("values") or {}).get(block, {}).get(block, {})
    selected = found.get("selected_option")
    value = selected.get("value") if isinstance(selected, dict) else found.get("value")
    return str(value or "").strip()


async def on_submit(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    """Validated before closing: a refusal shows on the field it concerns (Slack waits up to 3 s)."""
    view = body["view"]
    rt = runtime(context)
    user = str(body["user"]["id"])
    resource, duration, reason = _state(view, RESOURCE), _state(view, DURATION) or None, _state(view, REASON)
    try:
        service = _service(rt)
        email = await _requester(rt, user)
        org_id = await rt.gate.services.db(lambda: rt.gate.services.default_org_id)
        made = await rt.gate.services.db(
            service.request, org_id, resource, duration, reason, actor(user), email, source="slack"
        )
    except ValidationFailed as exc:
        paths = " ".join(e.get("path", "") for e in exc.errors)
        block = DURATION if "duration" in paths else REASON if "reason" in paths else RESOURCE
        await ack(response_action="errors", errors={block: exc.detail[:150]})
        return
    except OpsGateError as exc:
        await ack(response_action="errors", errors={RESOURCE: exc.detail[:150]})
        return
    await ack()
    length = format_duration(timedelta(seconds=made.grant.duration_seconds))
    await rt.client.chat_postMessage(
        channel=user,  # a user id posts to the DM with the app
        text=f"Asked for {made.resource.name} for {length} (run {made.run.id}); approvers have the card.",
    )


# --- App Home buttons (cards.blockkit.access_home) -------------------------------------------------------------


def _grant_id(body: dict[str, Any]) -> int | None:
    value = action_value(body)
    if value is None:
        return None
    try:
        return GrantButton.parse(value).grant_id
    except ValueError:
        return None


async def _after_press(rt: SlackRuntime, where: Where, done: bool, text: str) -> None:
    """Show the clicker their tab again (the grant now "ending now", or gone) and, when nothing changed, why:
    privately (App Home has no channel, so a DM from the app)."""
    assert where.user_id is not None
    if where.view_type == "home":
        await publish(rt, where.user_id)
    if not done or where.view_type != "home":
        await tell(rt.client, where, note(text))


async def release_pressed(rt: SlackRuntime, where: Where, grant_id: int | None) -> None:
    assert where.user_id is not None
    if grant_id is None:
        await tell(rt.client, where, note(MALFORMED))
        return
    done, text = await release_now(rt, where.user_id, str(grant_id))
    await _after_press(rt, where, done, text)


async def revoke_pressed(rt: SlackRuntime, where: Where, grant_id: int | None) -> None:
    assert where.user_id is not None
    if grant_id is None:
        await tell(rt.client, where, note(MALFORMED))
        return
    if not await rt.approvers.is_approver(where.user_id):  # a stale tab or a forged press: nothing is touched
        await tell(rt.client, where, note(NOT_APPROVER))
        return
    done, text = await revoke_now(rt, where.user_id, grant_id)
    await _after_press(rt, where, done, text)


async def on_release(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    await ack()
    rt = runtime(context)
    rt.later(release_pressed(rt, Where.of(body), _grant_id(body)), context, body)


async def on_revoke(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    await ack()
    rt = runtime(context)
    rt.later(revoke_pressed(rt, Where.of(body), _grant_id(body)), context, body)


def home_publisher(rt: SlackRuntime) -> Callable[[str, str], Awaitable[None]]:
    """Re-publish a requester's App Home (the ``jit.home`` outbox item: their grant became active or ended). The
    requester is found by their Slack id, or by email for a request made elsewhere; nobody found, nothing to do."""

    async def republish(requester: str, email: str) -> None:
        user = await rt.surface.requester_user(requester)
        if user is None and email:
            try:
                found = await rt.directory.user_by_email(email)
            except Exception as exc:
                _temporary(exc, "users.lookupByEmail")
                raise
            user = found.id if found is not None and not found.deleted and not found.is_bot else None
        if user is None:
            return
        try:
            await publish(rt, user)
        except Exception as exc:
            _temporary(exc, "views.publish")
            raise

    return republish


def _temporary(exc: Exception, what: str) -> None:
    mapped = unavailable(exc, what)
    if mapped is not None:
        raise mapped from exc


def register(app: AsyncApp) -> None:
    app.command(COMMAND)(on_command)
    app.view(CALLBACK)(on_submit)
    app.action(str(ActionId.JIT_RELEASE))(on_release)
    app.action(str(ActionId.JIT_REVOKE))(on_revoke)
    add_home_publisher(runtime_of(app).gate, "slack", home_publisher(runtime_of(app)))
