"""Emails in a ticket and which of them may be a target (rules 1, 3, 4, 5)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import Prepared, fold

EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
EMAIL_SHAPE = re.compile(r"^[a-z0-9][a-z0-9._%+'-]*@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.[a-z]{2,}$")

# Local-part words of system and shared mailboxes: never a target (rule 3).
_SYSTEM_WORDS = frozenset(
    {
        "noreply",
        "no-reply",
        "donotreply",
        "do-not-reply",
        "no_reply",
        "jira",
        "jira-automation",
        "automation",
        "automations",
        "webhook",
        "bot",
        "robot",
        "daemon",
        "mailer-daemon",
        "postmaster",
        "notifications",
        "notification",
        "notify",
        "alerts",
        "alert",
        "support",
        "itsupport",
        "it-support",
        "helpdesk",
        "help-desk",
        "servicedesk",
        "service-desk",
        "ithelp",
        "it-help",
        "hr",
        "rrhh",
        "hrops",
        "people",
        "talent",
        "personal",
        "personnel",
        "recruiting",
        "recruitment",
        "payroll",
        "admin",
        "administrator",
        "info",
        "office",
        "reception",
        "security",
        "audit",
        "it",
        "ict",
        "sysadmin",
        "devops",
        "monitoring",
        "system",
        "systems",
        "mailer",
        "bounce",
        "bounces",
        "newsletter",
        "marketing",
        "sales",
        "billing",
        "accounts",
        "finance",
        "team",
        "all",
        "staff",
        "everyone",
        "starfsmannahald",
        "personalabteilung",
        "ressources-humaines",
        "rh",
        "drh",
        "recursoshumanos",
        "risorseumane",
        "bamboohr",
        "workday",
        "okta",
        "microsoft",
        "office365",
        "azure",
        "service",
        "services",
        "ops",
        "operations",
        "kiosk",
        "scanner",
        "printer",
        "test",
        "mail",
        "postfach",
        "contact",
        "hello",
        "svc",
        "backup",
        "survey",
        "surveys",
        "feedback",
        # operational team mailboxes
        "dispatch",
        "bookings",
        "booking",
        "warehouse",
        "logistics",
        "scheduling",
        "installs",
        "installations",
        "shipping",
        "workshop",
        "depot",
        "fleet",
        # shared role and department mailboxes, in the ticket languages
        "legal",
        "compliance",
        "facilities",
        "procurement",
        "purchasing",
        "accounting",
        "accountspayable",
        "invoices",
        "orders",
        "enquiries",
        "inquiries",
        "careers",
        "jobs",
        "press",
        "comms",
        "communications",
        "frontdesk",
        "front-desk",
        "management",
        "direction",
        "direccion",
        "directie",
        "direzione",
        "direcao",
        "geschaeftsfuehrung",
        "geschaftsfuhrung",
        "verwaltung",
        "buchhaltung",
        "contabilidad",
        "comptabilite",
        "contabilita",
        "contabilidade",
        "boekhouding",
        "amministrazione",
        "administracion",
        "administration",
        "administracao",
        "segreteria",
        "secretaria",
        "secretariat",
        "sekretariat",
        "empfang",
        "recepcion",
        "accueil",
        "receptie",
        "kontakt",
        "contacto",
        "contatto",
        "events",
        "webmaster",
        "abuse",
        "privacy",
        "dpo",
        # the shared boxes of shops, charities and venues
        "facturacion",
        "facturation",
        "compta",
        "results",
        "resultados",
        "resultats",
        "stoerungsannahme",
        "hotline",
        "kundenservice",
        "kundendienst",
        "giftshop",
        "shop",
        "donations",
        "fundraising",
        "lettings",
        "boxoffice",
        "tickets",
        "ticketing",
        "membership",
        "volunteers",
        "reservations",
        "admissions",
        "stores",
    }
)
_WEBMAIL = re.compile(
    r"^(?:gmail|googlemail|outlook|hotmail|live|msn|yahoo|ymail|rocketmail|aol|icloud|me|mac|proton|protonmail|pm|"
    r"gmx|web|mail|email|yandex|zoho|tutanota|tuta|fastmail|hushmail|mailfence|posteo|orange|free|wanadoo|laposte|"
    r"sfr|t-online|freenet|libero|virgilio|tiscali|alice|uol|bol|terra|sapo|ziggo|kpnmail|home|btinternet|sky|"
    r"virginmedia|comcast|verizon|att|sbcglobal|qq|163|126|naver|seznam|wp|o2|interia|onet|inbox|ukr|rambler|"
    r"bluewin|hispeed|telenet|skynet|kolumbus|simnet|internet)\.",
    re.I,
)


_SYSTEM_STRONG = frozenset(
    {
        "noreply",
        "no-reply",
        "reply",
        "donotreply",
        "jira",
        "automation",
        "webhook",
        "bot",
        "daemon",
        "postmaster",
        "notifications",
        "notification",
        "alerts",
        "support",
        "helpdesk",
        "servicedesk",
        "itsupport",
        "bamboohr",
        "mailer",
        "bounce",
        "bounces",
        "newsletter",
        "workday",
        "monitoring",
        "ops",  # "ops.innsbruck@": a station's shared box
        "secretariat",  # "secretariat.cardio@": a ward's secretariat, no person
        "sekretariat",
        "segreteria",
        "itdesk",
        "ithelp",
        "ithelpdesk",
        "itservicedesk",
    }
)


def is_system_mailbox(email: str) -> bool:
    """A system or shared mailbox (rule 3): ``noreply@``, ``jira-automation@``, ``hr@``, ``it-audit@`` ..."""
    local = email.split("@", 1)[0].lower()
    if local in _SYSTEM_WORDS:
        return True
    parts = [part for part in re.split(r"[._+-]", local) if part]
    if any(part in _SYSTEM_STRONG for part in parts):
        return True
    return len(parts) > 1 and all(part in _SYSTEM_WORDS for part in parts)


_AUTOMATED = re.compile(
    r"(?:^|[._+-])(?:no-?reply|do-?not-?reply|alerts?|notifications?|notify|monitoring|mailer|daemon|postmaster|"
    r"system|bot|automation)(?:$|[._+-])"
)


def is_automated_mailbox(email: str) -> bool:
    """A mailbox no person writes from (``okta-noreply@``, ``alerts@``): narrower than a shared mailbox."""
    return bool(_AUTOMATED.search(email.split("@", 1)[0].lower()))


def is_webmail(domain: str) -> bool:
    return bool(_WEBMAIL.match(domain))


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
    r"home e-?mail|personal address|private address|jefe|jefa|responsable|vorgesetzte\w*|chef(?! de)|cheffe|"
    r"genehmigt von|aprobado por|approuve par|autorizado por|validated by|valide par|verified by|"
    r"hiring manager|recruiter)\b(?:[^@\n.!?;]|\.(?=\S)|(?<=\b(?:dr|mr|ms|st))\.|(?<=\bmrs)\.){0,40}$",
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
    return not (_OPEN_PAREN.search(before, 0, m.start()) and ")" in before[m.start() :])


_OPEN_PAREN = re.compile(r"\([^()]{0,30}$")
_NEW_TITLE = re.compile(r"\bnew (?:[\w-]+ ){0,3}$", re.I)


def mentions(p: Prepared, org_domains: tuple[str, ...]) -> list[Mention]:
    """Every distinct email written in the ticket, in order, classified."""
    seen: dict[str, Mention] = {}
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
        seen[email] = Mention(
            email=email,
            start=m.start(),
            end=m.end(),
            system=is_system_mailbox(email),
            outside=outside,
            # an outside address a message came from ("a DocuSign link from "legal@helixa-therapeutics.co"") is
            # its sender, never the account to act on
            role=_in_role(before)
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
    r"^(?:(?![.;]\s)[^\n]){0,12}?\b(?:tbc|tbd|to be (?:confirmed|created|assigned|set up)|not (?:yet )?(?:confirmed|created|active)|"
    r"provisional|tentative|pending|placeholder|pendiente|por confirmar|a confirmar|a (?:confirmer|definir)|"
    r"vorlaufig|noch nicht|da confermare|nog niet)\b"
)


def unconfirmed(p: Prepared, mention: Mention) -> str | None:
    """ "kim.ode@acme.com (to be confirmed)": a work email written but not yet settled (rule 11)."""
    m = _UNCONFIRMED.match(fold(p.text[mention.end : mention.end + 60]))
    return m.group(0).strip(" (-") if m else None
