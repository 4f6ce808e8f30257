"""App Home sections for just-in-time access: "Your access" (everyone) and "Active access grants" (approvers).

Pure functions of :class:`~opsgate.cards.views.GrantView` lists (the caller loads them; ``as_of`` of each view is
the moment the tab was built). Each grant is one section with its button as accessory: "Release" for your own,
"Revoke" for an approver, both behind a confirmation dialog. A grant already ending (released, revoked or due)
has no button: the revoker removes it at its next poll. Lists are capped at ``HOME_LIST_MAX`` with
"… and N more".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import grant_text as g
from ..ids import ActionId, BlockId, GrantButton
from ..limits import ELLIPSIS, HOME_LIST_MAX
from ..markup import PLAIN, SLACK
from ..views import GrantView
from .blocks import Block, block_id, button, context, plain, section

md = SLACK
CONFIRM_TEXT = 300


def _confirm(title: str, text: str, yes: str) -> dict[str, Any]:
    return {
        "title": plain(title, 100),
        "text": plain(text, CONFIRM_TEXT),
        "confirm": plain(yes, 30),
        "deny": plain("Cancel", 30),
        "style": "danger",
    }


def _unique(grants: Sequence[GrantView]) -> list[GrantView]:
    """One entry per grant id (block ids must be unique within a view), first occurrence kept."""
    seen: set[int | None] = set()
    out: list[GrantView] = []
    for grant in grants:
        if grant.grant_id not in seen:
            seen.add(grant.grant_id)
            out.append(grant)
    return out


def _more(count: int, name: str) -> list[Block]:
    return [context(f"{ELLIPSIS} and {count} more", block_id(BlockId.HOME_MORE, name))] if count > 0 else []


def release_button(grant: GrantView) -> dict[str, Any]:
    name = PLAIN.fit(grant.resource, 100)
    element = button("Release", ActionId.JIT_RELEASE, GrantButton(grant_id=grant.grant_id or 0).to_value())
    element["confirm"] = _confirm(
        "Release access?", f"Your access to {name} ends now: OpsGate removes it within seconds.", "Release"
    )
    return element


def revoke_button(grant: GrantView) -> dict[str, Any]:
    name, who = PLAIN.fit(grant.resource, 100), PLAIN.fit(grant.requester_email or grant.requester_label, 200)
    element = button("Revoke", ActionId.JIT_REVOKE, GrantButton(grant_id=grant.grant_id or 0).to_value(), "danger")
    element["confirm"] = _confirm(
        "Revoke access?", f"{who} loses {name} now: OpsGate removes it within seconds and tells them.", "Revoke"
    )
    return element


def your_access(grants: Sequence[GrantView]) -> list[Block]:
    """Everyone's "Your access": the person's active grants with time left and a Release button each."""
    grants = _unique([x for x in grants if x.status == "active" and x.grant_id is not None])
    blocks = [section(md.bold("Your access"), BlockId.HOME_ACCESS)]
    if not grants:
        empty = "You hold no just-in-time access. Ask for some with `/access`."
        return [*blocks, context(empty, block_id(BlockId.HOME_ACCESS, "empty"))]
    for grant in grants[:HOME_LIST_MAX]:
        bid = block_id(BlockId.HOME_ACCESS, str(grant.grant_id))
        accessory = None if g.ending(grant) else release_button(grant)
        blocks.append(section(g.home_line(grant, md), bid, accessory=accessory))
    return blocks + _more(len(grants) - HOME_LIST_MAX, "access")


def active_grants(grants: Sequence[GrantView], total: int | None = None) -> list[Block]:
    """Approvers' "Active access grants": the org's active grants, newest first as given, with who holds each
    and a Revoke button. ``total`` is how many there are in all (``grants`` may be the first page only)."""
    grants = _unique([x for x in grants if x.status == "active" and x.grant_id is not None])
    count = max(total if total is not None else 0, len(grants))
    blocks = [section(md.bold(f"Active access grants ({count})"), BlockId.HOME_GRANTS)]
    if not grants:
        return [*blocks, context("Nobody holds just-in-time access now.", block_id(BlockId.HOME_GRANTS, "empty"))]
    for grant in grants[:HOME_LIST_MAX]:
        bid = block_id(BlockId.HOME_GRANTS, str(grant.grant_id))
        accessory = None if g.ending(grant) else revoke_button(grant)
        blocks.append(section(g.home_line(grant, md, holder=True), bid, accessory=accessory))
    return blocks + _more(count - min(len(grants), HOME_LIST_MAX), "grants")
