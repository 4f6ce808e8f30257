"""Checks for an answer the classifier did not compute itself (the LLM path): the same contract the embedded
classifier is built to, applied to someone else's JSON.

Every check raises :class:`AnswerError` with a short message that names what was wrong (it goes into the reason,
so it never quotes secrets, only the ticket's own words).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, TypeGuard

from opsgate.runbooks.intents import LICENSE_NAMES, NO_ACTION, Intent

from .emails import EMAIL_SHAPE, domain_of, on_org_domain
from .mailboxes import is_system_mailbox, is_webmail
from .text import fold

#: Intents a classifier may propose (``jit_access`` is requested, never inferred from a ticket).
PROPOSABLE: frozenset[str] = frozenset(i.value for i in Intent if i is not Intent.JIT_ACCESS)
ACTIONS = ("add", "remove")
_NEW_HIRE_KEYS = frozenset({"first_name", "last_name", "email", "license", "start_date"})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WORD = re.compile(r"[^\W_]+")


class AnswerError(ValueError):
    """An answer that breaks the contract."""


def is_email(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and len(value) <= 254 and bool(EMAIL_SHAPE.match(value.lower()))


def is_iso_date(value: object) -> bool:
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def parse_intent(value: object) -> Intent | None:
    """``None`` for no_action; an :class:`Intent` the classifier may propose; anything else is an error."""
    if value is None or value == NO_ACTION:
        return None
    if not isinstance(value, str) or value not in PROPOSABLE:
        raise AnswerError(f"unknown intent {str(value)[:40]!r}")
    return Intent(value)


def parse_confidence(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= float(value) <= 1.0:
        raise AnswerError("confidence must be a number in [0, 1]")
    return float(value)


def words_in(text: str, phrase: str) -> bool:
    """Every word of ``phrase`` occurs in ``text`` (case and accents ignored)."""
    haystack = set(_WORD.findall(fold(text)))
    needles = _WORD.findall(fold(phrase))
    return bool(needles) and all(w in haystack for w in needles)


def check_target(email: object, *, text: str, reporter: str | None, org_domains: tuple[str, ...]) -> str:
    """The target must be an email written in the ticket or the reporter's, on an org domain, not a shared or
    personal mailbox (rules 1, 3, 5)."""
    if not is_email(email):
        raise AnswerError("target_email is missing or not an email address")
    address = email.strip().lower()
    own = reporter.strip().lower() if reporter else None
    if address != own and address not in text.lower():
        raise AnswerError(f"target {address} is neither in the ticket text nor the reporter")
    domain = domain_of(address) or ""
    if is_webmail(domain):
        raise AnswerError(f"target {address} is a personal mailbox")
    if org_domains and not on_org_domain(address, org_domains):
        raise AnswerError(f"target {address} is not on the organisation's domain")
    if is_system_mailbox(address):
        raise AnswerError(f"target {address} is a system or shared mailbox")
    return address


def check_name(name: object, *, text: str) -> str | None:
    if name is None or name == "":
        return None
    if not isinstance(name, str) or len(name) > 120:
        raise AnswerError("target_name must be a string")
    if not words_in(text, name):
        raise AnswerError("target_name does not appear in the ticket")
    return " ".join(name.split())


def check_params(intent: Intent, params: object, *, text: str, target: str) -> dict[str, Any]:
    """The parameters each runbook takes (data/README.md rules 7, 11, 12, 14), and nothing else."""
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise AnswerError("params must be an object")
    if intent is Intent.NEW_HIRE:
        return _new_hire(params, text=text, target=target)
    if intent is Intent.LICENSE_ASSIGN:
        if set(params) != {"license"} or params["license"] not in LICENSE_NAMES:
            raise AnswerError(f"license must be one of {', '.join(LICENSE_NAMES)}")
        return {"license": params["license"]}
    if intent is Intent.GROUP_MEMBERSHIP:
        if set(params) != {"group", "action"}:
            raise AnswerError("group_membership takes exactly group and action")
        group, action = params["group"], params["action"]
        if not isinstance(group, str) or not group.strip() or len(group) > 256:
            raise AnswerError("group must be a non-empty name")
        if group.strip().lower() not in text.lower():
            raise AnswerError("group does not appear in the ticket")
        if action not in ACTIONS:
            raise AnswerError("action must be add or remove")
        return {"group": group.strip(), "action": action}
    if params:
        raise AnswerError(f"{intent.value} takes no parameters")
    return {}


def _new_hire(params: dict[str, Any], *, text: str, target: str) -> dict[str, Any]:
    extra = set(params) - _NEW_HIRE_KEYS
    if extra:
        raise AnswerError(f"unexpected new_hire parameters: {', '.join(sorted(extra))}")
    out: dict[str, Any] = {}
    for key in ("first_name", "last_name"):
        value = params.get(key)
        if not isinstance(value, str) or not value.strip() or len(value) > 64:
            raise AnswerError(f"{key} is required")
        if not words_in(text, value):
            raise AnswerError(f"{key} does not appear in the ticket")
        out[key] = " ".join(value.split())
    email = params.get("email")
    if not is_email(email) or email.lower() != target:
        raise AnswerError("email must be the target's work email")
    out["email"] = target
    if "license" in params:
        if params["license"] not in LICENSE_NAMES:
            raise AnswerError(f"license must be one of {', '.join(LICENSE_NAMES)}")
        out["license"] = params["license"]
    if "start_date" in params:
        if not is_iso_date(params["start_date"]):
            raise AnswerError("start_date must be an ISO date (YYYY-MM-DD)")
        out["start_date"] = params["start_date"]
    return out
