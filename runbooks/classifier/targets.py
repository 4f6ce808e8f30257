"""Who a ticket is about (rules 1-6): the one org email the text names, else the reporter, else nobody."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .emails import Mention, domain_of, introduced_as_own, is_system_mailbox, is_webmail, mentions
from .fastre import FastRe
from .names import adjacent_name, form_name, is_name_token, is_title, spelled_name
from .text import Prepared, fold


@dataclass(frozen=True)
class Target:
    email: str
    name: str | None
    source: str  # the words the target was read from, for the reason
    is_reporter: bool
    first_last: tuple[str, str] | None = None  # legal first / last name when the text gives both


@dataclass(frozen=True)
class TargetResult:
    target: Target | None
    problem: str | None  # why there is no target
    others: tuple[Mention, ...]  # org emails other than the reporter's, for new_hire and multi-user checks


def org_domains_for(configured: tuple[str, ...], reporter: str | None) -> tuple[str, ...]:
    """The configured domains, else the reporter's (rule 5); a webmail domain is never an org domain."""
    if configured:
        return tuple(d.lower().lstrip("@").strip() for d in configured if d.strip())
    domain = domain_of(reporter)
    if domain and not is_webmail(domain):
        return (domain,)
    return ()


def reporter_usable(reporter: str | None, org: tuple[str, ...]) -> str | None:
    if not reporter or "@" not in reporter:
        return None
    email = reporter.strip().lower()
    domain = domain_of(email) or ""
    if is_system_mailbox(email) or is_webmail(domain):
        return None
    if org and not any(domain == d or domain.endswith("." + d) for d in org):
        return None
    return email


def _snippet(p: Prepared, mention: Mention) -> str:
    line_start = p.text.rfind("\n", 0, mention.start) + 1
    before = p.text[max(line_start, mention.start - 32) : mention.start]
    if " " in before and mention.start - line_start > 32:
        before = before[before.index(" ") + 1 :]
    cut = max(before.rfind(", "), before.rfind(". "), before.rfind("; "), before.rfind("! "))
    if cut >= 0:
        before = before[cut + 2 :]
    after = p.text[mention.end : mention.end + 1]
    snippet = f"{before}{mention.email}{after if after in ')>' else ''}".strip()
    return " ".join(snippet.replace('"', "'").split())


def resolve(p: Prepared, reporter: str | None, org_configured: tuple[str, ...]) -> TargetResult:
    org = org_domains_for(org_configured, reporter)
    rep = reporter.strip().lower() if reporter and "@" in reporter else None
    found = mentions(p, org)
    usable = [m for m in found if not m.system and not m.outside and not m.role]
    others = tuple(m for m in usable if m.email != rep)
    outsiders = [m for m in found if m.outside and not m.system and not m.role and not m.personal and m.email != rep]
    if len(others) > 1:
        listed = ", ".join(m.email for m in others[:3])
        return TargetResult(None, f"several users named ({listed})", others)
    if outsiders and not others:
        return TargetResult(None, f"{outsiders[0].email} is not on the organisation's domain", others)
    shared = [m for m in found if m.system and not m.role and m.email != rep]
    if shared and not others:
        return TargetResult(None, f"{shared[0].email} is a system or shared mailbox", others)
    if len(others) == 1:
        mention = others[0]
        own = introduced_as_own(p, mention) and third_party_reference(p) is None
        return TargetResult(target_from_text(p, mention, own=own), None, others)
    third_party = third_party_reference(p)
    if third_party is not None:
        return TargetResult(None, f'names someone without an email ("{third_party}")', others)
    shared_account = _SHARED_ACCOUNT.search(p.cue, live=p.live)
    if shared_account is not None:
        return TargetResult(
            None, f'a shared or service account is never a target ("{shared_account.group(0)}")', others
        )
    usable_reporter = reporter_usable(reporter, org)
    if usable_reporter is None:
        if rep and is_system_mailbox(rep):
            return TargetResult(None, f"reporter {rep} is a system mailbox and the text names nobody", others)
        if rep:
            return TargetResult(None, f"reporter {rep} is not on an organisation domain", others)
        return TargetResult(None, "no reporter and no email in the text", others)
    in_text = next((m for m in usable if m.email == usable_reporter), None)
    source = f'"{_snippet(p, in_text)}"' if in_text else "reporter field"
    return TargetResult(Target(usable_reporter, None, source, True), None, others)


def target_from_text(p: Prepared, mention: Mention, *, own: bool) -> Target:
    local = mention.email.split("@", 1)[0]
    source = f'"{_snippet(p, mention)}"'
    in_form = any(mention.email in fold(v) for _, v in p.fields)
    form = form_name(p) if in_form else None
    first_last: tuple[str, str] | None = None
    name: str | None = None
    if form is not None:
        first, last = form
        first_last = (" ".join(first), " ".join(last))
        name = " ".join((*first, *last))
    elif not own:
        tokens = adjacent_name(p, mention.start, local) or spelled_name(p, local)
        if tokens:
            name = " ".join(tokens)
    return Target(mention.email, name, source, False, first_last)


# --- someone named without an email (rule 2) ---------------------------------------------------------------

_THIRD_LOW = FastRe(
    r"\b(?:he|she)(?:'s| is| was| has| had| got| has been| is being| will be| also)? (?:locked|forgot|forgotten|lost|"
    r"left|leaving|resigned|retir\w+|knows|can't (?:log|sign|get|access|remember|use)|cannot|couldn't|dropped|"
    r"broke|needs (?:a |an |the |to )?(?:new |reset|password|licen|access|mfa|unlock|account|be added|be removed)|"
    r"(?:has|got|bought) a new (?:phone|iphone|mobile|number)|changed (?:his|her) (?:phone|number|mobile)|moved|"
    r"is moving|been (?:locked|moved)|stepped down|finished|finishes|starts|joins|will not be back)\b"
    r"|\b(?:his|her) (?:\w+ )?(?:account|password|login|access|mfa|2fa|phone|mobile|licen[cs]e|mailbox|email|"
    r"user|authenticator|last day|credentials|laptop|details|sign-?in)s?\b"
    r"|\b(?:unlock|reset|suspend|disable|deactivate|remove|add|take|give|assign|create|set up|send|enrol|offboard|"
    r"onboard|help) (?:him|her)\b"
    r"|\bfor (?:him|her)\b"
    r"|\b(?:the|my|our) (?:\w+ )?(?:cfo|ceo|coo|cto|cio|boss|manager|director|colleague|co-?worker|assistant|intern|"
    r"employee|teller|nurse|driver|partner|supervisor)'s\b|\bi'm (?:his|her) (?:assistant|manager|colleague|deputy|pa)\b"
    r"|\b(?:add|remove|reset|unlock|suspend|disable|deactivate|give|assign|create|set up|enrol|offboard|onboard) "
    r"(?:the|our|my|a|this|that) (?:new )?(?:guy|girl|person|colleague|co-?worker|intern|trainee|apprentice|starter|"
    r"hire|employee|contractor|temp|team ?mate|assistant|manager|boss|user|teller|nurse|driver)\b"
    r"|\b(?:my |our |one of our |a )(?:colleague|co-?worker|team ?mate|assistant|employee|staff member|team member|"
    r"direct report|boss|supervisor|intern|trainee|apprentice|contractor|temp|new guy|new girl|tellers?|nurses?|"
    r"drivers?)(?:'s)? (?:\w+ )?(?:is|has|can't|forgot|needs|lost|got|was|account|password|phone|login)\b"
    r"|\bon behalf of\b"
    r"|\b(?:er|sie) (?:ist|hat|kann|kennt|weiss|braucht|hatte|wurde|kommt)\b"
    r"|\b(?:sein|seine|seinen|seinem|ihr|ihre|ihren|ihrem) (?:konto|kennwort|passwort|zugang|handy|benutzer\w*|"
    r"account|lizenz|mfa|telefon)\b"
    r"|\b(?:fur|bei) (?:herrn?|frau|den kollegen|die kollegin|unseren?|unsere)\b"
    r"|\b(?:son|sa|ses) (?:compte|mot de passe|acces|telephone|portable|licence|identifiant|double authentification)s?\b"
    r"|\b(?:il|elle) (?:a |est |ne |n'|connait|doit|s'est)"
    r"|\bpour (?:m\.|mme|madame|monsieur|maitre|mon collegue|ma collegue|notre|un collegue|une collegue)\b"
    r"|\b(?:mi|un|una|nuestr[oa]) (?:companer[oa]|colega|empleado|empleada|jefe|jefa)\b"
    r"|\bella (?:esta|ha|tiene|no|olvido|sabe)\b"
    r"|\bpara (?:el sr|la sra|don|dona|mi companer[oa]|un companer[oa]|la companera|el companero)\b"
    r"|\b(?:suo|sua) (?:account|password|telefono|accesso)\b|\bil (?:mio |nostro )?collega\b"
    r"|\b(?:dele|dela)\b|\bo colega\b|\bo meu colega\b|\bo nosso colega\b"
    r"|\b(?:zijn|haar) (?:account|wachtwoord|telefoon|toegang)\b|\b(?:hij|zij) (?:is|heeft|kan)\b"
)
_TITLE = r"(?:Dr|Mr|Mrs|Ms|Miss|Prof|Herrn?|Frau|Mme|Mlle|Madame|Monsieur|Ma[iî]tre|Sr|Sra|Señora?|Don|Doña|Sig|Signora?|Dott)"
_TITLE_NAME = _TITLE + r"\.?\s+[A-Z][\w'’-]+"
_PLAIN_NAME = r"[A-Z][a-z][\w'’-]+(?:\s+[A-Z][a-z][\w'’-]+)?"
_THIRD_TEXT = (
    (
        (
            "dr",
            "mr",
            "ms",
            "miss",
            "prof",
            "herr",
            "frau",
            "mme",
            "mlle",
            "madame",
            "monsieur",
            "maitre",
            "sr",
            "senor",
            "don",
            "sig",
            "dott",
        ),
        re.compile(r"\b(?:for|für|pour|para|per|voor)\s+(?P<who>" + _TITLE_NAME + r")"),
    ),
    (
        (" for ", "fur ", "pour ", "para ", " per ", "voor ", " de ", " von ", " del ", " di "),
        re.compile(
            r"(?i:\b(?:reset|unlock|password|passwords|pw|mfa|2fa|account|accounts|login|licen[cs]e|access|suspend|disable|"
            r"deactivate|offboard|kennwort|passwort|konto|zugang|contrase\w+|cuenta|mot de passe|compte|acc[eè]s))"
            r"(?:\s+\S+){0,3}?\s+(?:for|für|pour|para|per|voor|de|von|del|di)\s+"
            r"(?P<who>[A-Z][a-z][\w'’-]+(?:\s+[A-Z][a-z][\w'’-]+)?)\b(?!\s*[(<@])"
        ),
    ),
    (
        ("unlock", "reset", "remove", "add", "suspend", "disable", "deactivate", "offboard", "take", "entsperren"),
        re.compile(
            r"\b(?:[Uu]nlock|[Rr]eset|[Rr]emove|[Aa]dd|[Ss]uspend|[Dd]isable|[Dd]eactivate|[Oo]ffboard|[Tt]ake|entsperren)\s+"
            r"(?P<who>" + _TITLE_NAME + "|" + _PLAIN_NAME + r")(?:'s\b|\s+(?:from|to|out|off|aus|zur)\b|\s*[?.!,]|\s*$)"
        ),
    ),
    (
        (
            "locked",
            "forg",
            "leaving",
            "left",
            "moved",
            "resigned",
            "gesperrt",
            "vergessen",
            "bloqu",
            "oubli",
            "olvid",
            "unable",
            "not able",
            "no longer",
            "terminated",
            "retir",
            "log in",
            "sign in",
            "get in",
        ),
        re.compile(
            r"(?P<who>" + _TITLE_NAME + "|" + _PLAIN_NAME + r")(?:'s)?\s+(?:is|was|has|got|can't|cannot|can not|forgot|"
            r"resigned|has moved|is moving|left|is leaving|will be leaving|ist|hat|est|a|está|ha)\s+(?:been\s+|also\s+)?"
            r"(?:locked|forgotten|leaving|left|moved|resigned|gesperrt|vergessen|bloqu\w*|oubli\w*|olvid\w*|unable|"
            r"not able|no longer|terminated|retir\w*|log in|sign in|get in)"
        ),
    ),
    (
        ("'s ",),
        re.compile(r"\b(?P<who>[A-Z][a-z]+)'s\s+(?:account|password|access|MFA|mfa|phone|licen[cs]e|login)"),
    ),
    (
        ("needs", "requires", "wants", "would like", "asking for"),
        re.compile(
            r"(?P<who>" + _TITLE_NAME + "|" + _PLAIN_NAME + r")\s+(?:needs|requires|wants|would like|is asking for)\s+"
            r"(?:a |an |the |to |his |her )?(?:new )?(?:[\w-]+ )?(?:password|reset|licen[cs]e|unlock|access|account|MFA|mfa|"
            r"be added|be removed)"
        ),
    ),
)


def _is_person(who: str) -> bool:
    tokens = [t for t in who.split() if not is_title(t)]
    return bool(tokens) and all(is_name_token(t) for t in tokens)


def third_party_reference(p: Prepared) -> str | None:
    """Words that put the request on someone other than the writer ("he forgot", "für Herrn Albrecht",
    "Dr. Kaplan is locked out", "take him out of")."""
    m = _THIRD_LOW.search(p.cue, live=p.live)
    if m:
        return m.group(0)
    for triggers, pattern in _THIRD_TEXT:
        if not any(t in p.low for t in triggers):
            continue
        for found in pattern.finditer(p.text):
            if _is_person(found.group("who")):
                return " ".join(found.group(0).split())
    return None


_SHARED_ACCOUNT = FastRe(
    r"\b(?:shared|generic|team|service|kiosk|guest|test|functional|departmental) (?:account|mailbox|login|user|inbox)s?\b"
    r"|\b(?:cuenta|buzon) (?:compartid[oa]|generic[oa])\b|\bcompte (?:partage|generique|de service)\b"
    r"|\b(?:sammelpostfach|funktionspostfach|gruppenpostfach|dienstkonto|servicekonto)\b"
)
_SELF_LEAVER = FastRe(
    r"\b(?:i'm leaving|i am leaving|i'm retiring|i am retiring|i resigned|i have resigned|i've resigned|"
    r"my last (?:working )?day|my contract (?:ends|ended|is ending)|me voy de|mi ultimo dia|je quitte|mon dernier jour|"
    r"ich verlasse|mein letzter (?:arbeits)?tag|il mio ultimo giorno|meu ultimo dia|mijn laatste werkdag)\b"
)


def self_leaver(p: Prepared) -> bool:
    return bool(_SELF_LEAVER.search(p.cue, live=p.live))
