"""``opsgate doctor`` for Slack: real authenticated reads that say what works and exactly what to fix.

``auth.test`` (the token), ``conversations.info`` (the approval channel exists and the app is in it) and the
approvers (user groups resolved, profile emails readable: without one an approver decides nothing). Plug it into
``opsgate.bot.doctor.default_checks`` as ``check_slack``.
"""

from __future__ import annotations

import asyncio

import aiohttp
from slack_sdk.errors import SlackApiError

from opsgate.bot.doctor import CheckResult
from opsgate.bot.settings import Settings
from opsgate.handlers.slack.approvers import Approvers
from opsgate.handlers.slack.directory import SlackDirectory
from opsgate.handlers.slack.pacing import PacedWebClient
from opsgate.handlers.slack.surface import SETUP, slack_error

DEFAULT_API_URL = "https://slack.com/api/"
TIMEOUT = 10


def _why(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        error = slack_error(exc)
        return f"{error}: {SETUP[error]}" if error in SETUP else f"Slack answered {error}"
    return f"Slack is unreachable ({type(exc).__name__}); check SLACK_API_URL and the network"


async def _channel(client: PacedWebClient, channel: str | None) -> CheckResult:
    name = "slack channel"
    if not channel:
        return CheckResult(name, "fail", "OPSGATE_SLACK_APPROVAL_CHANNEL is not set: approval cards have nowhere to go")
    try:
        info = (await client.conversations_info(channel=channel))["channel"]
    except SlackApiError as exc:
        if slack_error(exc) == "channel_not_found":
            return CheckResult(name, "fail", f"{channel} not found: use the channel id (C…) and invite the app to it")
        return CheckResult(name, "fail", f"{channel}: {_why(exc)}")
    label = f"#{info.get('name', channel)} ({channel})"
    if info.get("is_archived"):
        return CheckResult(name, "fail", f"{label} is archived; choose a live channel")
    if not info.get("is_member", True):
        return CheckResult(name, "fail", f"the app is not in {label}: type /invite @OpsGate there")
    return CheckResult(name, "ok", f"approval cards go to {label}")


async def _approvers(directory: SlackDirectory, configured: tuple[str, ...]) -> CheckResult:
    name = "slack approvers"
    if not configured:
        return CheckResult(name, "fail", "OPSGATE_SLACK_APPROVERS is empty: nobody can approve or deny")
    approvers = Approvers(directory, configured)
    people = set(approvers.users)
    for group in approvers.groups:
        members = await directory.group_members(group)
        if not members:
            return CheckResult(name, "fail", f"user group {group} is unknown or empty")
        people |= members
    missing = []
    for user_id in sorted(people):
        user = await directory.user(user_id)
        if user is None or user.deleted or not user.email:
            missing.append(user_id)
    detail = f"{len(people)} approver(s) from {len(approvers.users)} user id(s) and {len(approvers.groups)} group(s)"
    if missing:
        return CheckResult(
            name, "warn", f"{detail}; no readable profile email (they decide nothing): {', '.join(missing)}"
        )
    return CheckResult(name, "ok", detail)


async def check_slack(settings: Settings) -> list[CheckResult]:
    if not settings.slack_configured:
        return [CheckResult("slack", "skip", "not configured (SLACK_BOT_TOKEN and a signing secret or app token)")]
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    client = PacedWebClient(token=token, base_url=settings.slack_api_url or DEFAULT_API_URL, timeout=TIMEOUT)
    modes = [m for m, on in (("HTTP", settings.slack_signing_secret), ("Socket Mode", settings.slack_app_token)) if on]
    try:
        who = await client.auth_test()
    except (SlackApiError, aiohttp.ClientError, TimeoutError, OSError) as exc:
        return [CheckResult("slack", "fail", _why(exc))]
    results = [
        CheckResult("slack", "ok", f"token accepted: @{who.get('user')} in {who.get('team')} ({' + '.join(modes)})")
    ]
    directory = SlackDirectory(client, ttl=60)
    for part in (_channel(client, settings.slack_approval_channel), _approvers(directory, settings.slack_approvers)):
        try:
            results.append(await asyncio.wait_for(part, TIMEOUT))
        except (SlackApiError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            results.append(CheckResult("slack", "fail", _why(exc)))
    return results
