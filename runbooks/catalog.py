"""The runbook catalog: every shipped runbook registered by id and by intent."""

from __future__ import annotations

from opsgate.runbooks.base import Runbook
from opsgate.runbooks.intents import Intent
from opsgate.runbooks.shipped.rb001_password_reset import PasswordReset
from opsgate.runbooks.shipped.rb002_mfa_reset import MfaReset
from opsgate.runbooks.shipped.rb003_new_hire import NewHire
from opsgate.runbooks.shipped.rb006_license import LicenseAssignment
from opsgate.runbooks.shipped.rb007_account_unlock import AccountUnlock
from opsgate.runbooks.shipped.rb011_offboarding import Offboarding
from opsgate.runbooks.shipped.rb013_group import GroupMembership
from opsgate.runbooks.shipped.rb020_jit_access import JitAccess

RUNBOOKS: dict[str, Runbook] = {
    rb.id: rb
    for rb in (
        PasswordReset(),
        MfaReset(),
        NewHire(),
        LicenseAssignment(),
        AccountUnlock(),
        Offboarding(),
        GroupMembership(),
        JitAccess(),
    )
}
BY_INTENT: dict[Intent, Runbook] = {rb.intent: rb for rb in RUNBOOKS.values()}


class UnknownRunbook(LookupError):
    pass


def get(runbook_id: str) -> Runbook:
    try:
        return RUNBOOKS[runbook_id]
    except KeyError:
        raise UnknownRunbook(f"no runbook {runbook_id!r}; shipped: {', '.join(RUNBOOKS)}") from None


def for_intent(intent: Intent | str) -> Runbook:
    return BY_INTENT[Intent(intent)]
