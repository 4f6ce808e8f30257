"""Who a ticket is about (rules 1-6): the one org email the text names, else the reporter, else nobody."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .emails import Mention, domain_of, introduced_as_own, mentions
from .fastre import FastRe
from .form_names import form_name
from .mailboxes import is_system_mailbox, is_webmail
from .name_near import adjacent_name, lowercase_name, spelled_name
from .names import spells_local
from .systems import sentence_bounds
from .text import Prepared, fold
from .thirdparty import third_party_reference


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
    """The configured domains, else the reporter's (rule 5). A reporter on webmail leaves the webmail domain
    itself, on which nobody is ever a target: a work address written by a stranger's mailbox is not proposed."""
    if configured:
        return tuple(d.lower().lstrip("@").strip() for d in configured if d.strip())
    domain = domain_of(reporter)
    if domain and _looks_alike(domain):
        return ()  # "mosellefs-lu.com" for mosellefs.lu: with no domains configured, never trust such a reporter
    return (domain,) if domain else ()


# a country code folded into a generic domain, the usual shape of a look-alike (set OPSGATE_ORG_DOMAINS to be sure)
_LOOKALIKE = re.compile(
    r"^[a-z0-9]+-(?:lu|de|fr|es|it|nl|be|ch|at|uk|ie|pt|se|no|dk|fi|pl|cz|gr|eu|ca|us|au)\.(?:com|net|org|info|co|biz)$"
)


# a digit standing in for a letter inside a name ("kestre1pay.com" for kestrelpay.com): a look-alike
_DIGIT_SWAP = re.compile(r"[a-z][013][a-z]")


def _looks_alike(domain: str) -> bool:
    return bool(_LOOKALIKE.match(domain) or _DIGIT_SWAP.search(domain.split(".", 1)[0]))


def reporter_usable(reporter: str | None, org: tuple[str, ...]) -> str | None:
    if not reporter or "@" not in reporter:
        return None
    email = reporter.strip().lower()
    domain = domain_of(email) or ""
    if is_system_mailbox(email) or is_webmail(domain):
        return None
    if org and not any(domain == d or domain.endswith("." + d) for d in org):
        return None
    if not org and _looks_alike(domain):
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


_TITLE_THEN_NAME = re.compile(
    r"(?:\b(?i:our|the|a|an|new)\s+(?:[\w-]+\s+)?(?i:manager|supervisor|jefe|jefa|responsable|chef|cheffe|vorgesetzte\w*)"
    # a capitalised job title ("Watch Manager Graham Pettifer (...)"), not "My manager, Tom Reeve (...)"
    r"|\b(?!(?:My|Your|His|Her|Their|Our)\b)[A-Z][\w-]+\s+(?:Manager|Supervisor|Director|Officer|Lead|Coordinator)),?\s+"
    r"((?:[A-ZÀ-Þ][\w'’-]+\s+){1,3})\(?\s*$"
)
_APPROVAL = re.compile(
    r"approv|sign(?:ed)? (?:it )?off|authori[sz]|genehmig|aprob|approuv|autoriz|\bcc\b|copy|contact|forward|reply",
    re.I,
)


def _titled_subject(p: Prepared, m: Mention) -> Mention:
    """A job title before the person's own name is who the ticket is about, not an approver's address: "can our
    kit manager Ferran Ribas (ferran.ribas@...) get an E1 licence?" (the reporter is then not the target)."""
    if not m.role:
        return m
    line_start = p.text.rfind("\n", 0, m.start) + 1
    before = p.text[max(line_start, m.start - 80) : m.start]
    titled = _TITLE_THEN_NAME.search(before)
    if titled is None or not spells_local(titled.group(1).split(), m.email.split("@", 1)[0]):
        return m
    lo, hi = sentence_bounds(p.text, m.start)
    return m if _APPROVAL.search(p.text, lo, hi) else replace(m, role=False)


_SHARED_BEFORE = re.compile(
    r"\b(?:shared|team|generic|group|common|functional|department(?:al)?|service|buzon compartido|boite partagee|"
    r"gemeinsame\w*|gedeelde|condivisa)\b(?: [\w-]+){0,3} (?:mailbox|inbox|account|address|e-?mail|login|postfach|"
    r"buzon|boite|mailadres|casella)\b[^@\n]{0,5}$"
    # a mailbox named as such just before its address: "das Postfach stoerungsannahme@", "La boîte secretariat.cardio@"
    r"|\b(?:the|das|la|el|le|die|il|a|de|het) (?:mailbox|inbox|postfach|bo[iî]te(?: mail| aux lettres)?|buz[oó]n|casella|"
    r"caixa|mailbox-account)\s*[:(]?\s*$",
    re.I,
)


_SHARED_AFTER = re.compile(
    r"[ \t)]*(?:\((?:the |a |our )?(?:[\w-]+ ){0,2})?(?:shared|team|generic|group|functional|common) (?:\w+ )?(?:mailbox|inbox|"
    r"account|address|postfach|buzon)\b",
    re.I,
)


_SHARED_NEXT = re.compile(
    r"[^.!?\n]{0,25}[.!?]+\s+(?:it's|it is|this is|that's|that is|it’s) (?:the|a|our) (?:[\w-]+ )?(?:shared|team|generic|"
    r"group|common|functional)\b",
    re.I,
)


# "reset the password for giftshop@...? Nobody on the shop team can remember it": a password a team holds
_HELD_BY_MANY = re.compile(
    r"\b(?:nobody|no one|no-one|noone) (?:on|in) the (?:[\w-]+ )?(?:team|shop|office|desk|site|branch) (?:can remember|"
    r"remembers|knows)\b|\bthe (?:[\w-]+ )?team (?:all )?(?:use|uses|share|shares)\b",
    re.I,
)


def _shared_named(p: Prepared, m: Mention) -> Mention:
    """An address introduced as a shared mailbox ("the shared box office mailbox boxoffice@...") is one (rule 3),
    also when the next sentence says so ("... donations@...? It's the shared inbox the team all use")."""
    if m.system:
        return m
    before = p.text[max(0, m.start - 70) : m.start]
    if (
        _SHARED_BEFORE.search(before)
        or _SHARED_AFTER.match(p.text, m.end)
        or _SHARED_NEXT.match(p.text, m.end)
        or _HELD_BY_MANY.search(p.text, m.end, m.end + 160)
    ):
        return replace(m, system=True)
    return m


_HEADER_LINE = re.compile(
    r"^[ \t>]*(?:from|von|de|da|van|fra|fran|från|od|to|an|a|à|para|aan|til|till|cc|kopie)[ \t]*:", re.I | re.M
)
_REQUESTER = re.compile(r"(?i:\b(?:requester|requestor|requested by|submitted by|raised by|logged by)\b[^@\n]{0,25}$)")
_TO_LINE = re.compile(r"^[ \t>]*(?:to|an|a|à|para|aan|til|till)[ \t]*:", re.I | re.M)
_YOU_NEED = re.compile(
    r"\b(?:you'll need|you will need|you need|you'd need|you should (?:be|get)|(?:add|put|get|enrol) you\b|"
    r"(?:necesitaras|necesitas|tu auras besoin|vous aurez besoin|du brauchst|sie brauchen|avrai bisogno|"
    r"vais precisar|je hebt nodig|heb je nodig))",
    re.I,
)
_FIRST_PERSON_ASK = re.compile(
    r"\b(?:(?:assign|give|send|add|grant|allocate|apply|set up|get)\w* (?:[\w']+ ){0,4}(?:to|for) me|"
    r"(?:assign|give|add|get) me|on my (?:account|user|login)|(?:fur|für) mich|zuweisen|pour moi|para mi|para mim|"
    r"per me|voor mij)\b",
    re.I,
)


def _called_by_first_name(text: str, email: str) -> bool:
    first = re.split(r"[._-]", email.split("@", 1)[0])[0]
    return len(first) >= 3 and re.search(r"\b" + re.escape(first.capitalize()) + r"\b", text) is not None


def _correspondents(p: Prepared, found: list[Mention], reporter: str | None) -> list[Mention]:
    """The senders and recipients of a forwarded message are not the subject when the writer, above it, asks for
    themselves: "see approval below - can you assign the licence to me?" over "From: Ralf <ralf@...>", or when
    the message was sent to the writer and tells them what they need ("you'll need to be in X - ask IT to add
    you")."""
    first = _HEADER_LINE.search(p.text)
    if first is None:
        return found
    in_header = [_HEADER_LINE.match(p.text, p.text.rfind("\n", 0, m.start) + 1) is not None for m in found]
    if reporter is not None and _YOU_NEED.search(p.text, first.start()) is not None:
        to_writer = any(
            h and m.email == reporter and _TO_LINE.match(p.text, p.text.rfind("\n", 0, m.start) + 1) is not None
            for m, h in zip(found, in_header, strict=True)
        )
        if to_writer:
            return [replace(m, role=True) if h else m for m, h in zip(found, in_header, strict=True)]
    # "Mary's last day is Friday; please disable her account" over "From: Mary Kinsella <mary.kinsella@...> To:
    # Declan Furlong <...>": the one correspondent the writer names by first name is the subject
    named_in_body = any(not h and not m.system and not m.role for m, h in zip(found, in_header, strict=True))
    top = p.text[len(p.summary) : first.start()]
    called = [
        m
        for m, h in zip(found, in_header, strict=True)
        if h and not m.system and m.email != reporter and _called_by_first_name(top, m.email)
    ]
    if not named_in_body and len(called) == 1:
        return [replace(m, role=True) if h and m is not called[0] else m for m, h in zip(found, in_header, strict=True)]
    # ... and when the message itself names someone ("the employment of Kevin Linster (kevin.linster@...) is
    # terminated" under "From: Paul Reding <paul.reding@...>"), the headers are its correspondents
    if not named_in_body and _FIRST_PERSON_ASK.search(p.text, 0, first.start()) is None:
        return found
    return [replace(m, role=True) if h else m for m, h in zip(found, in_header, strict=True)]


_ACTED_ON = re.compile(
    r"(?i:\b(?:add|include|put|invite|give|grant|assign|subscribe|enrol|ajout\w*|an(?:a|ã|á)d\w*|añad\w*|agreg\w*|hinzuf(?:u|ü)g\w*|"
    r"aggiung\w*|toevoeg\w*|adicion\w*))\b(?:\s+\S+){0,4}?\s*[\"“'«<(]?$"
)
_MINE = re.compile(r"\b(?:my (?:own )?(?:password|account|login|mfa|phone)|i've forgotten|i forgot|i can't log)\b")
# the writer's own account said outright: someone else in the background ("from Declan, he's leaving") is context
_ON_MY_ACCOUNT = re.compile(r"\b(?:licen[cs]e|e[135]|f3|visio|project) (?:on|to|for) my (?:own )?account\b")
_FOR_MY_ACCOUNT = re.compile(
    r"\b(?:for|to|on) my (?:own )?(?:account|user|login)\b|"
    r"\b(?:disable|suspend|close|deactivate|switch off|shut off|turn off) my (?:own )?(?:account|user|login)\b|"
    r"\b(?:reset|unlock|change) my (?:own )?(?:password|account|login|mfa)\b|\bfor me\s*:|\b(?:remove|add) me (?:from|to)\b|"
    r"\b(?:pour moi|para mi|fur mich|per me|voor mij)(?=\s*[.,!?;:)]|\s*$)|\b(?:reset|unlock) it for me\b"
)


_PASTED = re.compile(r"\b(?:pasting|pasted|copying|copied) (?:\w+ ){0,2}?(?:from|below|in)\b")


def resolve(
    p: Prepared, reporter: str | None, org_configured: tuple[str, ...], *, group: bool = False
) -> TargetResult:
    """Who the ticket is about. For a group request (``group``) a shared mailbox or channel is what the group
    opens ("I can't see the Export shared mailbox yet, add me to Export-Nordics"), not the account acted on."""
    org = org_domains_for(org_configured, reporter)
    rep = reporter.strip().lower() if reporter and "@" in reporter else None
    if not org_configured and rep and _looks_alike(domain_of(rep) or ""):
        # "tmarsh@ridgeway1ab.com" asking about dkurtz@ridgewaylab.com: nobody is acted on for such a reporter
        return TargetResult(None, f"reporter {rep} writes from a look-alike domain", ())
    found = [_shared_named(p, _titled_subject(p, m)) for m in mentions(p, org)]
    found = _correspondents(p, found, rep)
    if rep and is_system_mailbox(rep):
        # a portal's form ("Requester email: thu.tran@...") sent from a no-reply address: the requester is the user
        found = [
            replace(m, role=False) if m.role and _REQUESTER.search(p.text, max(0, m.start - 40), m.start) else m
            for m in found
        ]
    usable = [m for m in found if not m.system and not m.outside and not m.role]
    others = tuple(m for m in usable if m.email != rep)
    outsiders = [m for m in found if m.outside and not m.system and not m.role and not m.personal and m.email != rep]
    if len(others) > 1:
        listed = ", ".join(m.email for m in others[:3])
        return TargetResult(None, f"several users named ({listed})", others)
    if outsiders and not others:
        return TargetResult(None, f"{outsiders[0].email} is not on the organisation's domain", others)
    # "add my personal address quentin.photo@gmail.com to the group": the private address is what is acted on
    acted_on = next((m for m in found if m.outside and _ACTED_ON.search(p.text, max(0, m.start - 50), m.start)), None)
    if acted_on is not None and not others:
        return TargetResult(None, f"{acted_on.email} is a personal or outside address, not an organisation account", others)
    shared = [m for m in found if m.system and not m.role and m.email != rep]
    if shared and not others:
        return TargetResult(None, f"{shared[0].email} is a system or shared mailbox", others)
    if len(others) == 1:
        mention = others[0]
        # with no reporter, a writer who speaks of "my password" and names nobody else signs with their own address
        own = (introduced_as_own(p, mention) or (rep is None and _MINE.search(p.cue) is not None)) and (
            third_party_reference(p, reporter) is None
        )
        return TargetResult(target_from_text(p, mention, own=own), None, others)
    third_party = third_party_reference(p, reporter)
    # "Pasting from WhatsApp ... Jess: can u ask IT to unlock my account": the pasted "my" is the other person's
    mine = _FOR_MY_ACCOUNT.search(p.cue) if _PASTED.search(p.cue) is None else None
    if third_party is not None and mine is None:
        return TargetResult(None, f'names someone without an email ("{third_party}")', others)
    # "F3 licence on my account ... the teller workstation needs Teams + the shared mailbox": the writer's own account
    # is acted on, the shared mailbox is why
    shared_account = None if group or _ON_MY_ACCOUNT.search(p.cue) else _SHARED_ACCOUNT.search(p.cue, live=p.live)
    while shared_account is not None and _MOVED_ONTO.search(p.cue, max(0, shared_account.start() - 24), shared_account.start()):
        # "I've switched the build agent over to the service account": where a job now runs, not whose login
        shared_account = _SHARED_ACCOUNT.search(p.cue, shared_account.end(), live=p.live)
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
    name = None
    form = form_name(p) if p.fields else None  # rule 6: a form field naming the person counts, even on a self-request
    if form is not None and (
        (in_text is not None and any(in_text.email in fold(v) for _, v in p.fields))
        # a self-service form with "Name: Aisling Murphy" and no address in it: the name must spell the reporter's
        or (in_text is None and spells_local([*form[0], *form[1]], usable_reporter.split("@", 1)[0]))
    ):
        name = " ".join((*form[0], *form[1]))
    return TargetResult(Target(usable_reporter, name, source, True), None, others)


_LEGAL_NAME = re.compile(
    r"\b(?i:legal name)(?: [\w ]{0,25}?)? (?i:is|:)\s+([A-ZÀ-Þ][\w'’-]+(?:[ \t]+[A-ZÀ-Þ][\w'’-]+){1,3})"
)


def target_from_text(p: Prepared, mention: Mention, *, own: bool) -> Target:
    local = mention.email.split("@", 1)[0]
    source = f'"{_snippet(p, mention)}"'
    in_form = any(mention.email in fold(v) for _, v in p.fields)
    form = form_name(p, local) if in_form else None
    first_last: tuple[str, str] | None = None
    name: str | None = None
    if form is not None:
        first, last = form
        first_last = (" ".join(first), " ".join(last))
        name = " ".join((*first, *last))
    elif not own:
        legal = _LEGAL_NAME.search(p.text)
        legal_tokens = legal.group(1).split() if legal else []
        if legal_tokens and spells_local(legal_tokens, local):
            tokens = legal_tokens  # "My legal name for the paperwork is Jacqueline Moreau-Simmons, but everyone calls me Jackie"
        else:
            tokens = (
                adjacent_name(p, mention.start, local) or spelled_name(p, local) or lowercase_name(p, mention.start, local)
            )
        if tokens:
            name = " ".join(_nominative(p, tokens, local))
    return Target(mention.email, name, source, False, first_last)


# Polish and Czech decline names after "pana", "pani" ...: "pana Grzegorza Wiśniewskiego" is Grzegorz Wiśniewski,
# whose address (grzegorz.wisniewski@) keeps the name as it is written
_HONORIFIC = re.compile(r"\b(?:pana|panu|pani|panią|panem|paní|pane|panu)\s+$", re.I)
_CASE_ENDINGS = ("iego", "ego", "owi", "em", "a", "ą", "e", "y", "u")


def _nominative(p: Prepared, tokens: list[str], local: str) -> list[str]:
    at = p.text.find(" ".join(tokens))
    if at < 0 or _HONORIFIC.search(p.text, max(0, at - 12), at) is None:
        return tokens
    segments = [s for s in re.split(r"[._-]", fold(local)) if len(s) >= 4]
    out = []
    for token in tokens:
        plain = fold(token)
        seg = next((s for s in segments if plain.startswith(s) and plain[len(s) :] in _CASE_ENDINGS), None)
        out.append(token[: len(seg)] if seg and len(plain) == len(token) else token)
    return out


_MOVED_ONTO = re.compile(
    r"\b(?:over to|onto|to|under|uses?|using|runs as|with) (?:the|a|its own|our|a dedicated) $|\w(?:'s|’s) $"  # the software's
    r"|\bput (?:the |a )?(?:[\w-]+ )?$"  # "put the LSS service account back on"
)
_SHARED_ACCOUNT = FastRe(
    r"(?<!hi )(?<!hey )(?<!hello )(?<!morning )\b(?:shared|generic|team|service|kiosk|guest|test|functional|departmental|tablet|counter|reception|till) "
    r"(?:\w+ )?(?:account|mailbox|login|user|"
    r"inbox)s?\b(?! (?:screen|page|prompt|window|box|form)s?\b)"
    # an address several people sign in with: "Several of us use it on the tablets"
    r"|\b(?:several|all|many|a few|both|most) of us (?:use|share|log into|sign into|log in with|sign in with)\b"
    r"|\bwe (?:all )?share (?:it|this|that|the (?:login|password|account))\b|\bused by (?:several|all|the whole|multiple)\b"
    # "Nobody on the shop team can remember it": a password several people hold is a shared account's
    r"|\b(?:nobody|no one|no-one|noone) (?:on|in) the (?:\w+ )?(?:team|shop|office|desk|site) (?:can remember|remembers|knows)\b"
    r"|\b(?:cuenta|buzon) (?:compartid[oa]|generic[oa])\b|\bcompte (?:partage|generique|de service)\b"
    r"|\b(?:sammelpostfach|funktionspostfach|gruppenpostfach|dienstkonto|servicekonto)\b"
)
_SELF_LEAVER = FastRe(
    r"\b(?:i'm leaving|i am leaving|i'm retiring|i am retiring|i resigned|i have resigned|i've resigned|"
    r"my last (?:working )?day|my (?:\w+ ){0,2}contract (?:\w+ ){0,4}?(?:ends|ended|is ending|finishes|expires)|"
    r"(?:disable|suspend|deactivate|close) my (?:own )?account|me voy de|mi ultimo dia|je quitte|mon dernier jour|"
    r"ich verlasse|mein letzter (?:arbeits)?tag|il mio ultimo giorno|meu ultimo dia|mijn laatste werkdag)\b"
)


def self_leaver(p: Prepared) -> bool:
    return bool(_SELF_LEAVER.search(p.cue, live=p.live))
