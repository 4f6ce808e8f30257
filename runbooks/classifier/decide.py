"""The embedded decision: whole-ticket guards, then evidence per intent, then target and parameters.

Every exit says why in ``reason``; anything unsure ends in ``no_action`` (a wrong proposal costs an approver's
attention, a missed one costs a human a minute).
"""

from __future__ import annotations

import re

from opsgate.runbooks.intents import Intent

from . import added, asks, connectors, guards, multi, questions, social, topics
from .access import password_evidence
from .cues import first_hit
from .emails import mentions
from .evidence import Evidence
from .groups import GroupMention
from .injection import injection
from .leavers import SUSPEND, returning_employee
from .licences import LicenceFinding
from .lifecycle import (
    CREATE_ACCOUNT,
    group_evidence,
    licence_evidence,
    new_hire_evidence,
    offboarding_evidence,
    starter_form,
)
from .mfa import mfa_evidence
from .model import Classification, TargetUser, TicketText
from .outcome import Outcome, label, quote, short, stop
from .proposal import new_hire_params, param_reason, request_params
from .systems import other_system, system_names
from .targets import org_domains_for, resolve
from .text import Prepared, fold, prepare

_SIGN_IN = (Intent.PASSWORD_RESET, Intent.ACCOUNT_UNLOCK)


def decide(ticket: TicketText, org_configured: tuple[str, ...], threshold: float) -> Classification:
    try:
        return _decide(ticket, org_configured, threshold)
    except Outcome as outcome:
        return outcome.result


_SAFETY = (
    ("social engineering", social.social_engineering),
    ("a request to weaken sign-in security", social.security_bypass),
)


def safety_veto(ticket: TicketText) -> Classification | None:
    """The whole-ticket guards no other classifier may overrule: text aimed at the bot, social engineering and
    requests to weaken sign-in security. ``None`` when none fires."""
    p = prepare(ticket.summary or "", ticket.description)
    try:
        _injection(ticket, p)
        for what, guard in _SAFETY:
            words = guard(p)
            if words is not None:
                raise stop(f'{what} ("{short(words)}")', 0.9)
    except Outcome as outcome:
        return outcome.result
    return None


def _injection(ticket: TicketText, p: Prepared) -> None:
    hidden = injection(f"{ticket.summary or ''}\n{ticket.description or ''}", p)
    if hidden is not None:
        raise stop(f'text aimed at the bot ("{hidden}"), the whole ticket is ignored', 0.95)


def _closure_or_noise(p: Prepared) -> str | None:
    words = guards.closure_or_noise(p)
    if words is not None and guards.automated_footer(words) and starter_form(p) is not None:
        return None  # an HR system's onboarding task ("Do not reply to this message") carries a starter form
    return words


def _decide(ticket: TicketText, org_configured: tuple[str, ...], threshold: float) -> Classification:
    p = prepare(ticket.summary or "", ticket.description)
    _injection(ticket, p)
    if not any(ch.isalpha() for ch in p.cue):
        raise stop("no words to read", 0.95)

    for what, guard in (
        ("a follow-up, closure or automatic message", _closure_or_noise),
        *_SAFETY,
        ("a policy or process question", questions.policy_question),
        ("a suspicious message reported, not acted on", questions.phishing_report),
        ("a how-to or what-if for later, nothing needed now", questions.future_howto),
        ("a question, nothing asked of IT", questions.question_only),
        ("the writer has not decided what is wanted", questions.undecided),
        ("reactivating a returning employee", returning_employee),
        ("a forwarded mail with no request of the writer's own", guards.forwarded_only),
    ):
        words = guard(p)
        if words is not None:
            raise stop(f'{what} ("{short(words)}")', 0.9)
    alert = guards.machine_alert(p, ticket.reporter_email)
    if alert is not None and starter_form(p) is None:  # an HR system's onboarding notification carries a form
        raise stop(f'an automatic alert or notification ("{short(alert)}")', 0.9)

    evidence, licences, groups = _evidence(p)
    ranked = sorted((e for e in evidence if e.score > 0), key=lambda e: (-e.score, e.intent.value))
    top = ranked[0] if ranked else None

    if top is None:
        raise stop("no runbook request recognised", 0.95)
    strong = [e for e in ranked if e.strong]
    # (a hire is never "solved" by news told before it: "the coffee machine finally got fixed, and we've hired ...")
    solved = [
        e
        for e in strong
        if guards.solved_at(p, (_starts(p, e) or [-1])[0], after_only=e.intent is Intent.NEW_HIRE)
    ]
    if solved:  # background said to be solved ("thanks for resetting it, all working") is not a request
        strong = [e for e in strong if e not in solved]
        ranked = strong + [e for e in ranked if e not in strong and e not in solved]
        if not strong:
            raise stop(f"says the problem is solved ({label(solved[0])})", 0.85)
    if len(strong) == 2 and _licensing_group(p, strong, licences, groups):
        strong = [e for e in strong if e.intent is Intent.GROUP_MEMBERSHIP]
    if len(strong) > 1:
        asked = " and ".join(label(e) for e in strong[:3])
        raise stop(f"several requests in one ticket: {asked}", 0.85)
    best = strong[0] if strong else top
    if best.veto is not None:
        raise stop(best.veto, 0.85, best)
    hire = next(e for e in evidence if e.intent is Intent.NEW_HIRE)
    if best.intent is Intent.NEW_HIRE and licences.removal:
        # "take his E3 off him so we can give it to the new outreach worker": a licence moved, not a hire to create
        raise stop(f'removing a licence ("{licences.removal}")', 0.85, best)
    if best.intent is Intent.OFFBOARDING and licences.removal and first_hit(p, SUSPEND) is None:
        # "X left in January, take the E5 off his account": the licence is the ask (rule 12), not a suspension;
        # "disable his account and remove his E3" is one offboarding, the licence reclaimed with it
        raise stop(f'removing a licence ("{licences.removal}")', 0.85, best)
    # "our new compliance officer Svenja Harms (s.harms@...) needs E5" names the account; a newcomer named without
    # one ("la nostra nuova collaboratrice Giulia") or with a start, a form or an account to create is a hire
    if (
        best.intent is Intent.LICENSE_ASSIGN
        and hire.score > 0
        and not _newcomer_named(p, hire, ticket.reporter_email)
        and _SELF_NEW.search(p.cue) is None
    ):
        raise stop(f"a licence for someone who may be a new hire ({quote(hire.words, 1)})", 0.8, best)
    soft = guards.soft_closure(p)
    if soft is not None and best.score < 0.85:
        raise stop(f'says the problem is solved ("{soft}")', 0.8, best)
    everywhere = _every_start(p, best)
    several = (
        connectors.several_requests(
            p, hire=best.intent is Intent.NEW_HIRE, preface=lambda m: asks.preface_only(p, m, everywhere)
        )
        or multi.second_request(
            p,
            everywhere,
            group=best.intent is Intent.GROUP_MEMBERSHIP,
            licence=best.intent is Intent.LICENSE_ASSIGN,  # "desktop Excel crashes on F3" explains a licence request
            hire=best.intent is Intent.NEW_HIRE,
        )
        or multi.other_ask(
            p, everywhere, licence=best.intent is Intent.LICENSE_ASSIGN, mfa=best.intent is Intent.MFA_RESET
        )
        or topics.another_topic(p, everywhere, mfa=best.intent is Intent.MFA_RESET)
        or added.added_request(p, everywhere, hire=best.intent is Intent.NEW_HIRE)
        or (added.add_and_remove(p) if best.intent is Intent.GROUP_MEMBERSHIP else None)
    )
    if several is not None:
        raise stop(f'several requests in one ticket ("{several}")', 0.85, best)

    org = org_domains_for(org_configured, ticket.reporter_email)
    if best.intent in _SIGN_IN or best.intent is Intent.MFA_RESET:
        mfa = best.intent is Intent.MFA_RESET
        elsewhere = other_system(p, system_names(list(org)), _starts(p, best), second_factor=mfa)
        if elsewhere is not None:
            raise stop(f'about another system or a device, not the company login ("{elsewhere}")', 0.85, best)

    resolved = resolve(p, ticket.reporter_email, org_configured, group=best.intent is Intent.GROUP_MEMBERSHIP)
    if best.intent is Intent.NEW_HIRE:
        target, params = new_hire_params(p, resolved.others, resolved.problem, licences, best)
    else:
        if resolved.target is None:
            raise stop(f"no target: {resolved.problem}", 0.9, best)
        target = resolved.target
        params = request_params(p, best, target, licences, groups)

    if best.score < threshold:
        raise stop(f"confidence {best.score:.2f} is below the threshold {threshold:.2f}", 1 - best.score, best)

    reason = f"intent {best.intent.value}: {quote(best.words)}; target from {target.source}"
    detail = param_reason(best.intent, params)
    if detail:
        reason = f"{reason}; {detail}"
    return Classification(
        intent=best.intent,
        confidence=round(best.score, 3),
        target=TargetUser(email=target.email, name=target.name),
        params=params,
        reason=reason,
        best_guess=best.intent,
    )


# the writer is the newcomer and already has an account: "I'm the new practice manager ... can u add it to my account?"
_SELF_NEW = re.compile(
    # the writer new in a role: "I'm the new ...", "I've moved to the underwriting desk ... approved by my new manager"
    r"\b(?:i'm|im|i am|as) (?:the |a )?new\b|\bmy new (?:manager|boss|line manager|team ?lead(?:er)?|supervisor|director)\b|\b(?:je suis|soy|sono|ich bin|sou|ik ben) (?:le |la |el |la |il |der |die "
    r"|o |a |de |het )?(?:nouveau|nouvelle|nuev[oa]|nuov[oa]|neue[rn]?|nov[oa]|nieuwe)\b"
)


_JOINS = re.compile(
    r"(?:is |will be )?join(?:s|ing)(?: \w+){0,3}|rejoint|rejoindra|se incorpora\w*|entra (?:a|en)|kommt zu|wechselt (?:zu|in)"
)


_MFA_RESET_WORD = re.compile(r"reset|zuruck|restabl|reinit|reimpost|resete|herstel|lost|stolen|verlor|perdu|robad")


def _evidence(p: Prepared) -> tuple[list[Evidence], LicenceFinding, list[GroupMention]]:
    pw, unlock = password_evidence(p)
    mfa = mfa_evidence(p)
    hire = new_hire_evidence(p)
    leaver = offboarding_evidence(p)
    lic, licences = licence_evidence(p)
    grp, groups = group_evidence(p)
    if (
        hire.score >= 0.7
        and starter_form(p) is None
        and any(g.action is not None for g in groups)
        and (
            any(g.from_field for g in groups)
            or all(_JOINS.fullmatch(w) for w in hire.words)
            or first_hit(p, CREATE_ACCOUNT) is None
        )
    ):
        # a group ask beside starter words is the group request when no account is to be created: a group-change
        # table ("Group | Action: Add") over "Joanne is joining the recovery team", "X rejoint le laboratoire, merci
        # de l'ajouter au groupe", "Group access for new leasing hire: please add Jules to Leasing-Agents" (a starter
        # has an account to create or a starter form with names, an email and a start date)
        hire.score = 0.5
    if hire.score >= 0.7:
        lic.score = 0.0  # a new hire's licence is one of its parameters
        if not any(g.action is not None and not g.from_field for g in groups):
            grp.score = min(grp.score, 0.5)  # group fields on a starter form are context; "also add her to X" is not
    if hire.score >= 0.7 and not any(w for w in mfa.words if _MFA_RESET_WORD.search(w)):
        mfa.score = min(mfa.score, 0.5)  # "Kit: laptop + YubiKey" on a starter form is the hire's equipment
    if mfa.strong and unlock.score and not unlock.strong:
        unlock.score = 0.0
    return [pw, unlock, mfa, hire, leaver, lic, grp], licences, groups


def _newcomer_named(p: Prepared, hire: Evidence, reporter: str | None) -> bool:
    """Only "a new <role>" (no start, form or account to create) and someone else's address in the text."""
    rep = (reporter or "").strip().lower()
    return hire.score < 0.6 and any(m.email != rep for m in mentions(p, ()))


_VIA_GROUP = re.compile(r"\b(?:via|through|comes? (?:with|through)|by being in|rather than)\b")


def _licensing_group(
    p: Prepared, strong: list[Evidence], licences: LicenceFinding, groups: list[GroupMention]
) -> bool:
    """A group that hands out the licence it is named after ("add me to M365-Visio-Users, the Visio licence comes
    through that group") is one group request (rule 14), not a group plus a licence."""
    if {e.intent for e in strong} != {Intent.GROUP_MEMBERSHIP, Intent.LICENSE_ASSIGN} or len(licences.asked) != 1:
        return False
    names = [fold(g.name).replace("-", " ").replace("_", " ") for g in groups if g.action in ("add", "remove")]
    word = fold(licences.asked[0])
    # "M365-PowerBI-Users" for Power BI Pro: the licence's name without "pro", "plan 2" or "online"
    core = re.sub(r"\b(?:pro|plan \d|online)\b", "", word).replace(" ", "")
    via = _VIA_GROUP.search(p.cue) is not None  # "the way we get Power BI Pro now is via the M365-PowerBI-Users group"
    return len(names) == 1 and (
        word in names[0] or word.replace(" ", "") in names[0].replace(" ", "") or (via and core in names[0].replace(" ", ""))
    )


def _starts(p: Prepared, ev: Evidence) -> list[int]:
    out = []
    for w in ev.words:
        i = p.cue.find(w)
        if i < 0 and not w.islower():
            i = p.cue.find(fold(w))  # a group or licence name is kept as written; the cue is folded
        if i >= 0:
            out.append(i)
    return out


def _every_start(p: Prepared, ev: Evidence) -> list[int]:
    """Every place the words that decided ``ev`` occur (a summary often repeats the body's words), as whole words
    when they occur so ("add" is not in "address")."""
    out = []
    cue = p.cue
    for w in ev.words:
        found = []
        whole = []
        if not w.islower():
            w = fold(w)
        i = cue.find(w)
        while i >= 0:
            found.append(i)
            j = i + len(w)
            if not (w[0].isalnum() and i > 0 and cue[i - 1].isalnum()) and not (
                w[-1].isalnum() and j < len(cue) and cue[j].isalnum()
            ):
                whole.append(i)
            i = cue.find(w, i + 1)
        out.extend(whole or found)
    return out
