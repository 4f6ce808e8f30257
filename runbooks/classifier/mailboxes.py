"""Addresses no person is acted on through (rule 3 and rule 5): system and shared mailboxes (``noreply@``,
``hr@``, ``secretariat.cardio@``), automated senders (``alerts@``) and personal webmail domains."""

from __future__ import annotations

import re

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
        "pensions",
        "pension",
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
