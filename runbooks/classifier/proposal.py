"""The parameters of a proposal, read once the intent and the target are known: a starter's names, address,
licence and start date; a licence; a group and whether to add or remove. Anything unsettled stops the decision."""

from __future__ import annotations

import re
from typing import Any

from opsgate.runbooks.intents import Intent

from .dates import start_dates, unplaced_dates
from .emails import unconfirmed
from .evidence import Evidence
from .group_choice import groups_asked
from .groups import GroupMention
from .licences import LicenceFinding, find_licences
from .names import split_name
from .outcome import stop
from .targets import Target, self_leaver, target_from_text
from .text import Prepared

_EMAIL_FIELD = re.compile(r"e-?mail|correo|courriel|^epost|mailadres|electronique")  # not "date de prise de poste"
_PLACEHOLDER_LOCAL = re.compile(
    r"^(?:vorname\.nachname|firstname\.lastname|first\.last|name\.surname|nombre\.apellido|prenom\.nom|"
    r"nome\.cognome|voornaam\.achternaam|x+|xxx\.xxx|tbd|tbc)@"
)


def _email_field_unset(p: Prepared) -> str | None:
    """A starter form whose email field holds no address ("E-Mail-Adresse: wird von euch vergeben") or a pattern
    ("E-Mail: vorname.nachname@..."), while no other email field holds one: the work email is not written (rule 11)."""
    values = [v.strip() for k, v in p.fields if _EMAIL_FIELD.search(k) and not k.startswith(("manager", "vorgesetzt"))]
    if not values:
        return None
    real = [v for v in values if "@" in v and not _PLACEHOLDER_LOCAL.match(v.lower())]
    return None if real else values[0][:40]


def new_hire_params(
    p: Prepared,
    others: tuple[Any, ...],
    problem: str | None,
    licences: LicenceFinding,
    best: Evidence,
) -> tuple[Target, dict[str, Any]]:
    if problem is not None and "several users" in problem:
        raise stop(problem, 0.9, best)
    if len(others) != 1:
        raise stop("a new hire needs the work email written in the ticket", 0.9, best)
    pending = unconfirmed(p, others[0]) or _email_field_unset(p)
    if pending is not None:
        raise stop(f'the new hire\'s email is not settled yet ("{pending}")', 0.85, best)
    target = target_from_text(p, others[0], own=False)
    local = target.email.split("@", 1)[0]
    if target.first_last is not None:
        first, last = target.first_last
    elif target.name:
        f, l_ = split_name(target.name.split(), local)
        first, last = " ".join(f), " ".join(l_)
    else:
        raise stop("a new hire needs a first and last name tied to the email", 0.85, best)
    if not first or not last:
        raise stop("a new hire needs a first and last name tied to the email", 0.85, best)
    params: dict[str, Any] = {"first_name": first, "last_name": last, "email": target.email}
    licences = find_licences(p, p.low)  # JSON and form values may be quoted
    if len(licences.asked) > 1:
        raise stop(f"several licences named ({', '.join(licences.asked)})", 0.85, best)
    if licences.asked:
        params["license"] = licences.asked[0]
    when = start_dates(p)
    if len(when) > 1:
        # "starts 2 March ... induction on 9 March": which one is the start is for a human to say
        shown = ", ".join(sorted(d.isoformat() for d in when)[:3])
        raise stop(f"several start dates ({shown})", 0.8, best)
    if when:
        params["start_date"] = next(iter(when)).isoformat()
    elif unplaced := unplaced_dates(p):
        # every labelled starter with a date outside the mail headers has it read as the start: one that is not
        # read is a start date written in words no rule knows, and a card without it would be wrong
        raise stop(f"a date is written ({unplaced[0].isoformat()}) but not read as the start date", 0.8, best)
    return target, params


def request_params(
    p: Prepared,
    best: Evidence,
    target: Target,
    licences: LicenceFinding,
    groups: list[GroupMention],
) -> dict[str, Any]:
    if best.intent is Intent.OFFBOARDING and target.is_reporter and not self_leaver(p):
        raise stop("a leaver must be named by email (the reporter is not the one leaving)", 0.85, best)
    if best.intent is Intent.LICENSE_ASSIGN:
        if len(licences.asked) > 1:
            raise stop(f"several licences named ({', '.join(licences.asked)})", 0.85, best)
        if not licences.asked:
            raise stop("no Microsoft 365 licence named", 0.85, best)
        return {"license": licences.asked[0]}
    if best.intent is Intent.GROUP_MEMBERSHIP:
        groups = groups_asked(p, groups)
        if len(groups) > 1:
            raise stop(f"several groups named ({', '.join(g.name for g in groups[:3])})", 0.85, best)
        group = groups[0]
        if group.action == "both":
            raise stop(f'both adding and removing ("{group.words}")', 0.85, best)
        if group.action is None:
            raise stop(f'group "{group.name}" named but no add or remove asked', 0.8, best)
        return {"group": group.name, "action": group.action}
    return {}


def param_reason(intent: Intent, params: dict[str, Any]) -> str:
    if intent is Intent.LICENSE_ASSIGN:
        return f"licence {params['license']}"
    if intent is Intent.GROUP_MEMBERSHIP:
        return f'{params["action"]} group "{params["group"]}"'
    if intent is Intent.NEW_HIRE:
        extras = [f"licence {params['license']}"] if "license" in params else []
        if "start_date" in params:
            extras.append(f"start {params['start_date']}")
        name = f"{params['first_name']} / {params['last_name']}"
        return "name " + ", ".join([name, *extras])
    return ""
