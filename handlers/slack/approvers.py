"""Who clicked, as the run machine needs to know it: a :class:`~opsgate.bot.runs.Decider`.

``OPSGATE_SLACK_APPROVERS`` lists user ids (``U…``/``W…``) and user-group ids (``S…``, resolved with
``usergroups.users.list``, cached for ``OPSGATE_APPROVER_CACHE``). The clicker's email comes from their Slack
profile (``users.info``, cached as briefly): the run machine compares it with the run's requester and target to
keep requester, subject and approver apart. The rules themselves live in ``RunMachine.decide``; this module only
describes the clicker, and fails closed: an approver whose profile email cannot be read decides nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from opsgate.bot.errors import OpsGateError
from opsgate.bot.runs import Decider
from opsgate.handlers.slack.directory import SlackDirectory

log = structlog.get_logger("opsgate.slack.approvers")


class ProfileUnavailable(OpsGateError):
    code, status, title = "slack_profile_unavailable", 403, "Slack profile unavailable"


def actor(user_id: str) -> str:
    return f"slack:{user_id}"


def label(user_id: str) -> str:
    return f"<@{user_id}>"


class Approvers:
    def __init__(self, directory: SlackDirectory, configured: Sequence[str]) -> None:
        self.directory = directory
        self.users = frozenset(i for i in configured if i[:1] in ("U", "W"))
        self.groups = tuple(i for i in configured if i[:1] == "S")
        unknown = [i for i in configured if i[:1] not in ("U", "W", "S")]
        if unknown:
            log.warning("approver_ids_ignored", ids=unknown, hint="use Slack user ids (U…/W…) or user-group ids (S…)")
        if not configured:
            log.warning("no_slack_approvers", hint="set OPSGATE_SLACK_APPROVERS; until then nobody can decide")

    async def is_approver(self, user_id: str) -> bool:
        if user_id in self.users:
            return True
        for group in self.groups:
            if user_id in await self.directory.group_members(group):
                return True
        return False

    async def decider(self, user_id: str) -> Decider:
        """The clicker as a Decider; raises :class:`ProfileUnavailable` for an approver without a readable email."""
        if not await self.is_approver(user_id):
            # Not an approver, yet maybe named by a run itself (a JIT resource's owner, by email): best effort.
            try:
                user = await self.directory.user(user_id)
            except Exception:
                user = None
            email = user.email if user is not None and not user.deleted else None
            return Decider(actor=actor(user_id), label=label(user_id), email=email, is_approver=False)
        user = await self.directory.user(user_id)
        if user is None or not user.email or user.deleted:
            raise ProfileUnavailable(
                "OpsGate could not read the email address of your Slack profile, so it cannot check that you are "
                "neither the requester nor the target of this run. Nothing changed. (An admin can check that the "
                "app has the users:read.email scope.)"
            )
        return Decider(actor=actor(user_id), label=label(user_id), email=user.email, is_approver=True)
