"""Which sentence a refused press gets. The run machine already refused (``Outcome.changed`` is False); this only
picks the wording of :class:`~opsgate.cards.text.RefusalKind` from the run's state and the clicker, checking in the
same order as ``RunMachine._refusal``. When none fits, the caller falls back to ``Outcome.message``.

(Core change proposed in the report: let ``Outcome`` carry the refusal kind, so no edge has to infer it.)
"""

from __future__ import annotations

from typing import Literal

from opsgate.bot.runs import Decider, last_approval_is_named, may_decide
from opsgate.cards.text import RefusalKind
from opsgate.store.models import Run


def refusal_kind(
    run: Run, decider: Decider, decision: Literal["approve", "deny"], plan_hash: str | None
) -> RefusalKind | None:
    if run.status != "awaiting_approval":
        return RefusalKind.ALREADY_DECIDED
    if not may_decide(run, decider):  # a JIT resource's own approvers may decide on its requests
        return RefusalKind.NOT_APPROVER
    if decision == "approve":
        email = (decider.email or "").casefold()
        if decider.actor == run.requester or (email and email == (run.requester_email or "").casefold()):
            return RefusalKind.OWN_REQUEST
        if email and email == (run.target_email or "").casefold():
            return RefusalKind.YOU_ARE_TARGET
        if any(a.get("actor") == decider.actor for a in run.approvals):
            return RefusalKind.ALREADY_APPROVED_BY_YOU
        if last_approval_is_named(run, decider):
            return None  # the last approval is the resource approvers' to give: the run machine's words say so
    if plan_hash is not None and plan_hash != run.plan_hash:
        return RefusalKind.PLAN_CHANGED
    return None


def deny_precheck(run: Run, decider: Decider, plan_hash: str | None) -> RefusalKind | None:
    """Before opening the deny modal: refuse at once what the submission would be refused for anyway."""
    return refusal_kind(run, decider, "deny", plan_hash)
