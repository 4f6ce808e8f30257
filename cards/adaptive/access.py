"""Teams cards for just-in-time access (``access`` in a chat with the bot): the request form, the catalog with
the person's active grants, and the help card that lists the access commands.

Pure functions of the plain views below; the handler loads the catalog and the grants and formats durations.
The form is submitted as ``Action.Execute`` verb :attr:`AccessVerb.REQUEST` with the inputs named by
:class:`AccessInput`, which Teams merges into the action's data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .. import text as t
from ..limits import ELLIPSIS, LIST_LINE, REQUEST_REASON_MAX, TEAMS_LIST_MAX
from ..markup import PLAIN, TEAMS
from .elements import Element, card, choice_set, container, execute, fact_set, text_block, text_input

md = TEAMS

CHOICES_MAX = 100  # resources offered in the picker; a longer catalog is requested with the one-liner


class AccessVerb(StrEnum):
    """``Action.Execute`` verbs of the access cards (kept apart from ``cards.ids.Verb``, which routes run cards)."""

    REQUEST = "opsgate.access.request"  # inputs: AccessInput


class AccessInput(StrEnum):
    RESOURCE = "jit_resource"  # the catalog name
    DURATION = "jit_duration"  # "2h", "30m"; empty: the resource's default
    REASON = "jit_reason"


class AccessElement(StrEnum):
    """Ids of the elements tests and handlers look for."""

    FORM = "opsgate.access.form"
    EMPTY = "opsgate.access.empty"
    CATALOG = "opsgate.access.catalog"
    GRANTS = "opsgate.access.grants"
    SUBMIT = "opsgate.access.submit"


@dataclass(frozen=True)
class ResourceOption:
    """One catalog entry as people see it; durations already written as ``1h30m``."""

    name: str
    system: str  # "Okta" | "Entra ID"
    group: str
    default: str
    maximum: str
    area: str | None = None

    @property
    def line(self) -> str:
        area = f", area {self.area}" if self.area else ""
        return f"{self.system} group {self.group}: default {self.default}, max {self.maximum}{area}"


@dataclass(frozen=True)
class GrantLine:
    """One of the person's active grants."""

    grant_id: int
    resource: str
    left: str  # "1h12m"
    until: str  # "2026-06-09 18:42 UTC"


ACCESS_HELP: tuple[tuple[str, str], ...] = (
    ("access", "ask for just-in-time access (a form)"),
    ("access RESOURCE [DURATION] reason", "ask in one line, e.g. access prod-db-admin 2h hotfix for INC-42"),
    ("access list", "what you can ask for, and your active grants"),
    ("access release [GRANT_ID]", "give your access back now"),
    ("access revoke GRANT_ID", "approvers: end someone's access now"),
)


def access_form_card(resources: Sequence[ResourceOption]) -> dict[str, Any]:
    """The request form: resource (with its default and maximum), duration, reason."""
    if not resources:
        return card(
            [
                text_block(
                    "Nothing can be requested yet: an OpsGate admin adds resources with opsgate jit resources add.",
                    eid=AccessElement.EMPTY,
                )
            ],
            fallback="No just-in-time resources yet",
        )
    choices = [(r.name, PLAIN.fit(f"{r.name} ({r.default} by default, max {r.maximum})", 200)) for r in resources]
    body: list[Element] = [
        text_block("Request access", eid=AccessElement.FORM, size="large", weight="bolder"),
        text_block("An approver decides; access ends by itself when the time is up.", subtle=True, spacing="none"),
        choice_set(
            AccessInput.RESOURCE, "Resource", choices[:CHOICES_MAX], required=True, placeholder="Choose a resource"
        ),
        text_input(
            AccessInput.DURATION,
            "For how long",
            max_length=20,
            placeholder="e.g. 30m, 2h, 1d; empty: the resource's default",
        ),
        text_input(
            AccessInput.REASON,
            "Reason",
            multiline=True,
            required=True,
            max_length=REQUEST_REASON_MAX,
            placeholder="Why do you need it? Approvers read this.",
        ),
    ]
    if len(resources) > CHOICES_MAX:
        more = len(resources) - CHOICES_MAX
        body.append(text_block(f"{ELLIPSIS} and {more} more: ask with access RESOURCE DURATION reason", subtle=True))
    return card(
        body,
        [execute("Request", AccessVerb.REQUEST, {}, style="positive", eid=AccessElement.SUBMIT)],
        fallback="Request just-in-time access",
    )


def access_list_card(resources: Sequence[ResourceOption], grants: Sequence[GrantLine] | None) -> dict[str, Any]:
    """``access list``: the catalog, then the person's active grants with the time left (``None``: unknown, as
    their email is)."""
    body: list[Element] = [text_block("Just-in-time access", size="large", weight="bolder")]
    if resources:
        facts = [(md.fit(r.name, LIST_LINE), md.fit(r.line, LIST_LINE)) for r in resources[:TEAMS_LIST_MAX]]
        body.append(fact_set(facts, eid=AccessElement.CATALOG))
        if len(resources) > TEAMS_LIST_MAX:
            body.append(text_block(f"{ELLIPSIS} and {len(resources) - TEAMS_LIST_MAX} more", subtle=True))
    else:
        body.append(text_block("Nothing can be requested yet.", eid=AccessElement.CATALOG))
    if grants:
        lines = [
            text_block(
                f"**{md.escape(g.resource)}** (grant {g.grant_id}): {md.escape(g.left)} left, until "
                f"{md.escape(g.until)}"
            )
            for g in grants[:TEAMS_LIST_MAX]
        ]
        body.append(container([text_block("Your active grants", weight="bolder"), *lines], eid=AccessElement.GRANTS))
    elif grants is None:
        text = "OpsGate could not read your email address, so it cannot show your grants."
        body.append(text_block(text, eid=AccessElement.GRANTS, subtle=True))
    else:
        body.append(text_block("You have no active grant.", eid=AccessElement.GRANTS, subtle=True))
    fallback = "Grantable: " + (", ".join(r.name for r in resources) or "nothing yet")
    return card(body, fallback=fallback)


def help_card(*, with_access: bool) -> dict[str, Any]:
    """What the bot understands; the access commands only where just-in-time access is on."""
    commands = t.HELP + (ACCESS_HELP if with_access else ())
    body: list[Element] = [
        text_block("OpsGate", size="large", weight="bolder"),
        text_block("Runs IT runbooks after a human approves them. Message me:", eid="opsgate.help"),
        fact_set([(name, md.escape(what)) for name, what in commands], eid="opsgate.help.commands"),
    ]
    return card(body, fallback="OpsGate: " + ", ".join(name for name, _ in commands))
