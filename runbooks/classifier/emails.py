"""Emails in a ticket and which of them may be a target (rules 1, 3, 4, 5)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .mailboxes import is_system_mailbox, is_webmail
from .text import Prepared, fold

EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
EMAIL_SHAPE = re.compile(r"^[a-z0-9][a-z0-9._%+'-]*@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.[a-z]{2,}$")


def domain_of(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    return email.rsplit("@", 1)[1].lower().strip()


def on_org_domain(email: str, org_domains: tuple[str, ...]) -> bool:
    domain = domain_of(email) or ""
    return any(domain == d or domain.endswith("." + d) for d in org_domains)


# A mention in one of these roles is context, not the person the request is about.
_ROLE = re.compile(
    r"(?:approved by|approval(?: from)?|approver|approving|manager|supervisor|reports? to|line manager|\bcc|copy|"
    r"contact|requested by|requester|requestor|submitted by|raised by|logged by|buddy|mentor|backup|delegate|"
    r"forward\w*(?: mail| emails?)?(?: to)?|send (?:it |them |the \w+ )?to|reply to|personal e-?mail|private e-?mail|"
    r"home e-?mail|personal address|private address|jefe|jefa|responsable|vorgesetzte\w*|chef(?! de| d'| du| des| p[aâ]tissier| cuisinier| boulanger| sommelier| comptable)|cheffe|"
    r"genehmigt von|aprobado por|approuve par|autorizado por|validated by|valide par|verified by|"
    r"hiring manager|recruiter|"
    # sign-offs, deputies, successors and people copied in, in the ticket languages
    r"sign-?off from|validation|jefatura|weiterleitung|stellvertret\w*|r[uü]ckfragen|copia|en copie|in kopie|copied|"
    r"referente|chefia|genehmigt|einarbeitung durch|successeur|successor|nachfolger\w*|sucesor\w*|hablaremos|"
    # ... and a title that names a relation, unless it is the organisation's own ("our tutor Gloria ...")
    r"tuteur|tutor|tutora|secretari[ao]|asistente)\b(?:[^@\n.!?;]|\.(?=\S)|(?<=\b(?:dr|mr|ms|st))\.|(?<=\bmrs)\.){0,40}$",
    re.I,
)


@dataclass(frozen=True)
class Mention:
    email: str
    start: int
    end: int
    system: bool
    outside: bool  # webmail, or not on an org domain
    role: bool  # named as approver, manager, contact ...
    personal: bool  # labelled as the person's private address


_PERSONAL = re.compile(
    r"(?:personal|private|home|privat|persoonlijk|personnel|personale|particular)\w*[^@\n]{0,25}$", re.I
)


# "On Mon, Mar 2, 2026 at 9:14 AM Saltchuck IT <itsupport@...> wrote:": the author of a quoted reply
_WROTE = re.compile(r"(?i:\b(?:wrote|escribio|escribió|a ecrit|a écrit|schrieb|ha scritto|schreef|skrev)\s*:?\s*$)")
_FROM_LINE = re.compile(r"[ \t>*]*(?:from|von|de|da|van|fra|fran|från|od|expediteur|remitente)[ \t*]*:", re.I)
_SENT_FROM = re.compile(r"(?i:\b(?:from|sent by|de|von|van|da|fra|fran|od))\s*[\"“'«<(]?$")


def _in_role(before: str) -> bool:
    """Whether the words before an address name a role ("approved by", "manager"); a job title in the person's own
    parenthesis ("Farah Siddiqui (cover supervisor) - farah@...") describes the person, it is no role."""
    m = _ROLE.search(before)
    if m is None:
        return False
    if _NEW_TITLE.search(before, 0, m.start()):
        return False  # "an account for our new Partner Agency Manager: jm@...": the newcomer's own title
    if _OWN_TITLE.match(m.group(0)) and _OURS.search(before, 0, m.start()):
        return False  # "our long-time adult literacy tutor Gloria Pennyworth (...)": her own job, no relation
    return not (_OPEN_PAREN.search(before, 0, m.start()) and ")" in before[m.start() :])


_OWN_TITLE = re.compile(r"(?i:tuteur|tutor|tutora|secretari[ao]|asistente)\b")
_OURS = re.compile(r"(?i:\b(?:our|nuestr[oa]|notre|unser\w*|nostr[oa])\b(?:\s+[\w-]+){0,4}\s+)$")
_OPEN_PAREN = re.compile(r"\([^()]{0,30}$")
_NEW_TITLE = re.compile(r"\bnew (?:[\w-]+ ){0,3}$", re.I)


# a signature or footer line: a phone number or the "·" and "|" that join a signature's parts, or a disclaimer
_SIGNATURE_LINE = re.compile(
    r"(?:\+?\d[\d()./-]{0,4} \d[\d ()./-]{4,}\d)|\s[·|•]\s|^\s*(?:t|m|tel|tél|fax|mob|mobile|dd|phone)\s*[.:]|"
    r"\b(?:ne r[ée]pondez pas|no responda|nicht antworten|notif[ií]quelo)",
    re.I,
)
_PERSONAL_LOCAL = re.compile(r"[._-]")
_NAME_PAIR = re.compile(r"\b([A-ZÀ-Þ][\wÀ-ÿ'-]+)[ \t]+([A-ZÀ-Þ][\wÀ-ÿ'-]+)")


def _signature_box(line: str, email: str, before: str = "", in_signature: bool = False) -> bool:
    """An address with no person's name in it (no dot or hyphen between names: "kanzlei@", "perth@", "agence@") on a
    signature or footer line ("0711 5550 862 · kanzlei@bergmann-stb.de", "Ne répondez pas à adherents@...") is an
    office's or a team's box, never a target."""
    local = email.split("@", 1)[0]
    # after the sign-off every address is the signature's; on a signature-like line elsewhere only a box's
    if not in_signature and (_PERSONAL_LOCAL.search(local) or len(line) > 100 or not _SIGNATURE_LINE.search(line)):
        return False
    # "Hamish Carruthers | Laboratory Manager ... hcarruthers@...": the writer's own address under their name
    return not any(_spelled_by(first, last, local) for first, last in _NAME_PAIR.findall(before))


def _spelled_by(first: str, last: str, local: str) -> bool:
    """Whether ``local`` is written from both words of a name: hcarruthers <- Hamish Carruthers (not "celler" <- the
    office "Celler Cooperatiu")."""
    f, la, target = fold(first), fold(last), re.sub(r"[^a-z]", "", fold(local))
    return target in {f + la, f[0] + la, f + la[0], la + f, la + f[0], la}


# where a signature starts: a "--" line, or the sign-off before the writer's name
_SIGN_OFF = re.compile(
    r"^[ \t]*(?:--|—|(?:thanks|thank you|many thanks|regards|kind regards|best(?: regards)?|cheers|servus|saludos|un saludo|"
    r"gracias|grcs|gruß|gruss|viele grüße|mit freundlichen grüßen|danke|cordialement|bien cordialement|merci)\b[^\n]{0,30})[ \t]*$",
    re.I | re.M,
)


_APPROVED_AFTER = re.compile(
    r"[)\s,]{0,4}(?:\w+ ){0,2}?(?:has |have |had |already |ya |ja |já |hat |a )?(?:approved|signed (?:it )?off|ok'?d|okayed|"
    r"agreed|authori[sz]ed|is happy with|aprob[oó]|aprobado|aprovou|est[aá] de acuerdo|genehmigt|freigegeben|zugestimmt|"
    r"approuv[ée]|valid[ée]|d'accord)\b",
    re.I,
)


def _signature_start(text: str, body: int = 0) -> int:
    """Where the signature block begins: after the last sign-off, when what follows is short and holds a phone
    number or the separators of a signature; else the end of the text."""
    # (a greeting that opens the mail, "Servus IT,", is no sign-off)
    offs = [m for m in _SIGN_OFF.finditer(text, body) if text[body : m.start()].strip()]
    last = offs[-1] if offs else None
    if last is None or len(text) - last.end() > 600:
        return len(text)
    if _SIGNATURE_LINE.search(text, last.end()) is None:
        return len(text)
    return last.end()


def mentions(p: Prepared, org_domains: tuple[str, ...]) -> list[Mention]:
    """Every distinct email written in the ticket, in order, classified."""
    seen: dict[str, Mention] = {}
    signature = _signature_start(p.text, len(p.summary))
    for m in EMAIL.finditer(p.text):
        email = m.group(0).rstrip(".").lower()
        if email in seen:
            continue
        domain = domain_of(email) or ""
        line_start = p.text.rfind("\n", 0, m.start()) + 1
        before = p.text[max(line_start, m.start() - 60) : m.start()]
        line_end = p.text.find("\n", m.end())
        quoted_header = _WROTE.search(p.text, m.end(), line_end if line_end >= 0 else len(p.text)) is not None
        outside = is_webmail(domain) or bool(org_domains and not on_org_domain(email, org_domains))
        line = p.text[line_start : line_end if line_end >= 0 else len(p.text)]
        seen[email] = Mention(
            email=email,
            start=m.start(),
            end=m.end(),
            system=is_system_mailbox(email),
            outside=outside,
            # an outside address a message came from ("a DocuSign link from "legal@helixa-therapeutics.co"") is
            # its sender, never the account to act on
            # an office's box in a signature or footer ("Tel. 09473 555 20 · brauerei@...") is context too, and so is
            # an approver named before saying so ("Teresa Almeida (teresa.almeida@...), já aprovou")
            role=_in_role(before)
            or _APPROVED_AFTER.match(p.text, m.end()) is not None
            or (
                line_start > len(p.summary)
                and _signature_box(line, email, p.text[max(0, line_start - 200) : m.start()], m.start() >= signature)
            )
            or (outside and _SENT_FROM.search(before) is not None)
            # an outside sender on a forwarded "From:" line ("From: Microsoft on behalf of ... <msonline...@...>")
            or (outside and _FROM_LINE.match(p.text, line_start) is not None)
            # the IT desk quoted in a reply ("Saltchuck IT <itsupport@...> wrote:") is a correspondent
            or (quoted_header and is_system_mailbox(email)),
            personal=bool(_PERSONAL.search(before)),
        )
    return list(seen.values())


_MY_EMAIL = re.compile(
    r"(?:\bmy (?:work |company |office )?e-?mail(?: address)?(?: is)?|\bmi correo(?: electronico)?(?: es)?|"
    r"\bmon (?:adresse |e-?mail|courriel)\w*(?: est)?|\bmeine (?:e-?mail|adresse)\w*(?: ist| lautet)?|"
    r"\bla mia (?:e-?mail|mail)(?: e)?|\bmeu e-?mail(?: e)?|\bo meu (?:correo|e-?mail|enderezo)(?: e)?|\bmijn e-?mail(?:adres)?(?: is)?|\bi am|\bi'm|\bthis is)"
    r"[\s:,-]*$"
)


def introduced_as_own(p: Prepared, mention: Mention) -> bool:
    """ "My email: x@y" / "mi correo es ...": the writer's own address (a self-request)."""
    before = fold(p.text[max(0, mention.start - 40) : mention.start])
    return bool(_MY_EMAIL.search(before))


_UNCONFIRMED = re.compile(
    r"^(?:(?![.;?!]\s)[^\n]){0,12}?\b(?:tbc|tbd|to be (?:confirmed|created|assigned|set up)|not (?:yet )?(?:confirmed|created|active)|"
    r"provisional|tentative|pending|placeholder|pendiente|por confirmar|a confirmar|a (?:confirmer|definir)|"
    r"vorlaufig|noch nicht|da confermare|nog niet)\b"
)


def unconfirmed(p: Prepared, mention: Mention) -> str | None:
    """ "kim.ode@acme.com (to be confirmed)": a work email written but not yet settled (rule 11)."""
    m = _UNCONFIRMED.match(fold(p.text[mention.end : mention.end + 60]))
    return m.group(0).strip(" (-") if m else None
