"""Other systems and devices (rule 15): a password, lock or second factor that is not the company login."""

from __future__ import annotations

import re

from .fastre import FastRe
from .guards import main_ask, solved_in
from .mailboxes import is_webmail
from .names import STOP
from .text import Prepared

# --- other systems and devices (rule 15) ---------------------------------------------------------------------
OTHER_SYSTEM = FastRe(
    r"\bits (?:\w+ )?(?:password|pin|passcode|code)\b|"  # a thing's password: "the coffee machine forgot its password"
    r"\b(?:sap(?! (?:la|el|que|com|on|si|mai)\b)|eduroam|salesforce|sfdc|dentrix|corelink|core banking|voicemail|voice mail|voice-mail|pin|pins|puk|wifi(?! (?:made|asked|forced|prompted|wanted))(?! (?:mein|my|mon|mi) (?:windows|okta|microsoft|work|company))|"
    r"wi-fi(?! (?:made|asked|forced|prompted|wanted))(?! (?:mein|my|mon|mi) (?:windows|okta|microsoft|work|company))|"
    r"wlan(?! (?:mein|my|mon|mi) (?:windows|okta|microsoft|work|company))|"
    r"wireless(?! (?:keyboard|mouse|headset|charger|earbuds|presenter))|guest network|personal (?:gmail|email|e-mail|account|mailbox)|gmail|hotmail|yahoo|icloud|apple id|"
    r"facebook|instagram|linkedin|twitter|netflix|amazon|ebay|paypal|(?:bank|banking|payroll|benefits|pension|hr) "
    r"(?:app|portal|site|website|system)|adp|workday|servicenow|dropbox|docusign|adobe|"
    r"quickbooks|xero|lims|labware|shopify|hubspot|mailchimp|wordpress|squarespace|canva|epic|cerner|bloomberg|github|gitlab|crm|erp|practice management|banking software|"
    r"timeclock|time clock|kronos|admin(?:istrator)? password|ticket machine|router|alarm (?:code|panel)|cctv|"
    r"card machine|(?<!at )(?<!at the )(?<!at a )(?<!at our )(?<!on )(?<!on a )(?<!on the )(?:monitoring|vendor|supplier|customer|partner|client|booking|payment|insurance|benefits|expenses?|"
    r"travel|training|learning|exam board|parent|student|pension|supplier) (?:portal|site|website|app|system|tool)s?|"
    r"(?<!okta )(?<!sso )(?<!company )(?<!microsoft )(?<!office )(?<!self-service )(?<!reset )(?<!365 )(?<!through the )(?<!via the )(?<!access to the )(?<!get at the )(?<!get to the )(?<!\bthe )(?<![-.])portal(?! form)(?![-.]\w))\b"
    # a file's own password, a supplier's ordering portal ("Bestellportal", "Kundenportal")
    r"|\bpassword[- ]protected\b|\bpdf\b|\bzip file\b|\b\w{3,}portal\b"
)
LOGIN_FINE = FastRe(
    r"(?:windows|okta|email|e-mail|outlook|my (?:own |normal |work |company |network |computer |laptop |pc |windows )?logins?|"
    r"(?:computer|laptop|pc|desktop|network|microsoft|m365|365|office|company|work) login|sso)"
    r"(?:/[\w-]+)?(?: logins?| account password)?(?: and [\w ]{1,20}?)?(?:,? \(?(?:that one|which|that|it)(?:'s)?)? ?(?:is|are|works?|working|still works?)?(?: (?:absolutely|totally|completely|"
    r"perfectly|all))? (?:fine|ok|okay|working|normally|without (?:any )?(?:problems?|issues?|trouble))"
    r"|only (?:the|my) [\w -]{1,30}? (?:software|system|app|application|portal|tool|program)"
    # the same said in the other ticket languages: "El correo y Windows funcionan bien, solo falla el PMS",
    # "Mein Microsoft-Konto am PC geht ganz normal", "Windows et Outlook fonctionnent bien"
    r"|(?:windows|outlook|okta|correo|email|e-mail|mail|microsoft-konto|mein konto|meine anmeldung|messagerie|"
    r"ma session|mon compte windows|posta|la mia utenza|o meu email|mijn account)(?:-[\w]+)?"
    r"(?: [\w-]{1,20}){0,7}? (?:funcionan?|funciona(?:n)? (?:bien|perfectamente|normal)|van|va|geht|gehen|funktionier\w*|"
    r"klappt|fonctionnent?|marchent?|funziona(?:no)?|werkt|werken)"
    r"(?: (?:ganz|ganz normal|bien|ben|bem|tres bien|perfectamente|normalmente|normal|normalement|einwandfrei|problemlos|"
    r"bene|benissimo|gewoon|prima|prima))+\b"
    # "it's a separate login, not on Okta": the writer says the system is not the company sign-in
    r"|\b(?:it's|it is|is|uses) a (?:separate|standalone|stand-alone) (?:login|account|sign-in|password)\b"
    # "Das hat noch eine eigene Anmeldung, nicht die normale Windows-Anmeldung"
    r"|\beine? eigene[ns]? (?:anmeldung|login|passwort|kennwort|zugang)\b|\bnicht (?:die|das|der) normale[n]? (?:windows-)?"
    r"(?:anmeldung|login|konto)\b|\b(?:son|sa) propre (?:mot de passe|identifiant|connexion)\b|\bsu propi[oa] "
    r"(?:contrasena|usuario|acceso)\b"
    r"|\bnot (?:on|through|via|behind|part of|connected to|linked to|in) (?:okta|sso|single sign-on|entra(?: id)?|azure ad|"
    r"our sso|the company login)\b"
    # "Windows und Outlook gehen"; "(nicht Windows, nur das Praxisprogramm)"
    r"|\b(?:windows|outlook)(?: und| y| et| and| &) (?:windows|outlook|mail|e-mail|teams)(?: gehen| funktionieren| funcionan|"
    r" fonctionnent| work| are fine)\b(?! nicht| no\b| pas)|\bnicht (?:windows|outlook|okta)\b,? nur\b"
    r"|\bsolo falla (?:el|la)\b|\bnur (?:das|die|der) \w+ (?:geht nicht|streikt|sperrt)|\bseul(?:e|ement)? (?:le|la) \w+ "
    r"(?:ne marche|bloque|refuse)"
)


_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n")


def sentence_bounds(text: str, at: int, reach: int = 240) -> tuple[int, int]:
    """The sentence around ``at`` (at most ``reach`` characters either side)."""
    lo = max(0, at - reach)
    for m in _SENTENCE_END.finditer(text, lo, at):
        lo = m.end()
    after = _SENTENCE_END.search(text, at, at + reach)
    return lo, after.start() if after else min(len(text), at + reach)


_LURE = re.compile(
    r"(?:look(?:ed|s|ing)? like|pretend\w* to be|posing as|disguised as|claim\w* to be|supposedly from|purport\w* to "
    r"be|made to look like|fake|spoofed|parec\w*|ressembl\w*|sah \w+ aus wie|sembrava|leek op)(?: an?| the| un[ae]?| "
    r"ein\w*| een)?(?: \w+){0,2} $"
)
# "my normal school login, not the exam board site": the system named to say it is not the one meant
_NOT_THIS = re.compile(
    r"\b(?:not|nicht|pas|no|niet|non|nao|ikke|inte) (?:the |my |a |an |das |die |der |le |la |el |il |o |a |de |het )?"
    r"(?:\w+ ){0,2}$"
)
# the device that kept the old password is the cause of the lock, not the system locked: "The iPad we use with the
# card machine was still signed into my email with the old one"
_STALE_LOGIN = re.compile(
    r"\b(?:still (?:signed|logged) (?:in|into|on)|still had (?:my|the) old|with the old (?:one|password)|(?:kept|keeps) "
    r"(?:trying|retrying))\b"
)
_SAVED_FOR = re.compile(
    r"\b(?:(?:saved|stored|cached|remembered) (?:in|for|on)|(?:restored|backed up|recovered|synced) (?:\w+ ){0,3}(?:from|to|via|in))"
    r" (?:the |my |its )?(?:\w+ )?$"
)
_LISTED_WITH_EMAIL = re.compile(r"[,/]\s*(?:my |the )?(?:email|e-mail|outlook|teams)\b|\b(?:email|e-mail|outlook|teams)\s*[,/]")
_INSTEAD_OF_PASSWORD = re.compile(
    r"\b(?:instead of|rather than|en lugar de|en vez de|au lieu d[eu]|statt|anstatt|invece d(?:i|ella)|em vez d[ao]|"
    r"in plaats van) (?:the |my |la |mi |le |mon |das |mein |la mia |a minha |het |mijn )?(?:\w+ )?"
    r"(?:password|contrasena|mot de passe|passwort|kennwort|wachtwoord|senha)\b"
)
_MACHINE_AFTER = re.compile(r"[ -](?:workstation|pc|computer|desktop|terminal)\b")
_LURE_AFTER = re.compile(
    r"[^.\n]{0,10}?\b(?:link|e-?mail|page|message|site|sign-?in page|login page)\b[^.\n]{0,60}?\b(?:looked like|look(?:ed|s)? "
    r"(?:real|legit)|pretend\w*|fake|spoof\w*|phish\w*)"
)
_ABOUT = re.compile(r"\b(?:e-?mail|message|mail|text|sms|notification)\b[^.\n]{0,70}\babout (?:an? |my |the |your |new )?$")
_FILING = re.compile(
    r"\b(?:no tiene|n'a pas|hat keinen|has no|doesn't have|does not have) (?:\w+ )?(?:acceso|acces|zugang|access) "
    r"(?:al|au|zum|to the) portal\b|"
    r"\b(?:por eso|asi que) (?:abro|pongo|escribo|mando)\b|\bso i'm (?:raising|logging|opening|filing)\b|\bthat's why i'm\b|"
    r"\bc'est pourquoi (?:j'ouvre|je)\b|\bdeshalb (?:eroffne|schreibe|melde)\b"
)
_PHONE_LOCK = frozenset({"pin", "pins", "puk"})  # "wiped after too many wrong PIN attempts": the phone's own lock


def other_system(
    p: Prepared, known_names: frozenset[str], starts: list[int], *, second_factor: bool = False
) -> str | None:
    """A non-SSO system whose password, lock or second factor is meant (SAP, a PIN, Wi-Fi, GitHub 2FA, "Windows
    is fine, it's only X"): named near the words that decided the intent, or the company login said to be fine."""
    marker = main_ask(p.cue)
    marker_end = marker[1] if marker is not None else None
    if marker_end is not None:
        # "Quick notes first: the hotel Wi-Fi blocked the VPN ... The actual issue: my account is locked": the words
        # before the marker are asides
        starts = [s for s in starts if s >= marker_end] or starts
    for start in starts:
        lo, hi = sentence_bounds(p.cue, start)
        if lo > 1:  # and the sentence before (empty across a blank line)
            lo = max(sentence_bounds(p.cue, lo - 1)[0], lo - 160)
        if marker_end is not None and marker_end <= start:
            lo = max(lo, marker_end)
        m = OTHER_SYSTEM.search(p.cue, lo, hi, live=p.live)
        while m is not None:
            lure = (
                _LURE.search(p.cue, max(0, m.start() - 60), m.start())
                or _NOT_THIS.search(p.cue, max(0, m.start() - 30), m.start())
                # what a phishing mail was about: "an email that looked like it came from our Microsoft 365 about a
                # voicemail"
                or _ABOUT.search(p.cue, max(0, m.start() - 90), m.start())
                # "a DocuSign link in an email that looked like it came from our loan processor": the lure's brand
                or _LURE_AFTER.match(p.cue, m.end())
            )
            # the look of a phishing message ("an email that looked like DocuSign") is not the account meant
            generic = second_factor and m.group(0) in ("portal", *_PHONE_LOCK)  # "the sign in for the driver portal"
            # "I typed the PIN from my phone instead of the password": the PIN is how the login was mistyped
            typed = m.group(0) in _PHONE_LOCK and _INSTEAD_OF_PASSWORD.search(p.cue, m.end(), m.end() + 60)
            typed = typed or (second_factor and _LISTED_WITH_EMAIL.search(p.cue, max(0, m.start() - 40), m.end() + 40))
            saved = _SAVED_FOR.search(p.cue, max(0, m.start() - 50), m.start()) or _STALE_LOGIN.search(p.cue, lo, hi)
            # "No tiene acceso al portal, por eso abro yo el ticket": why someone else files, not the system meant
            saved = saved or _FILING.search(p.cue, *sentence_bounds(p.cue, m.start()))
            if (
                lure is None
                and not generic
                and not typed
                and not saved
                and not _said_fine(p, m.end())
                and not _not_the_one(p, m.group(0))
                and not _MACHINE_AFTER.match(p.cue, m.end())  # "LIMS workstation": a machine named by its use
            ):
                return m.group(0)
            m = OTHER_SYSTEM.search(p.cue, m.end(), hi, live=p.live)
    if second_factor:
        m = _NAMED_FACTOR.search(p.text)
        if m and _foreign_app(m.group(1).lower()):
            return m.group(0)
        return None
    m = LOGIN_FINE.search(p.cue, live=p.live)
    if m:
        return m.group(0)
    for name in _NAMED_LOGIN.findall(p.text):
        low = name.lower()
        if low in _COMPANY_LOGIN or low in _LABELS or any(_names_org(k, low) for k in known_names):
            continue
        if re.search(r"\b" + re.escape(low) + r"[\w.+-]*@", p.low):
            continue  # "Jayden pw" beside jayden.mcfarlane@...: whose password, not which system
        return f"{name} login"
    return None


def _not_the_one(p: Prepared, name: str) -> bool:
    """Whether the writer says anywhere that the system named works or is not the one meant: "Not SAP this time ...
    SAP is fine", "Das SAP-Passwort ist separat und funktioniert", "Le Wi-Fi et la messagerie vocale fonctionnent"."""
    if len(name) < 3:
        return False
    n = re.escape(name)
    said = re.compile(
        rf"\b(?:not|nicht|pas|no|ni) (?:the |das |le |la |el )?{n}\b|\b{n}\b[\w-]*(?: [\w-]+){{0,6}}? (?<!\bno )(?<!\bnot )(?<!\bne )(?:is fine|are fine|is ok|"
        rf"is okay|works|work fine|is working|are working|ist separat|funktioniert|funktionieren|fonctionnent|fonctionne|"
        rf"funciona|funcionan|geht|gehen|marche|marchent)\b(?! (?:nicht|pas|no|not)\b)"
    )
    return said.search(p.cue) is not None


_CLAUSE_STOP = re.compile(r"[.!?;\n()]| (?:and|but|und|aber|et|mais|y|pero|e|ma|en|maar) ")


def _said_fine(p: Prepared, at: int) -> bool:
    """Whether the system named just before ``at`` is said to work again in its own clause, a parenthesis
    included: "the Wi-Fi was down (the router was replaced, it's fine now) and Outlook locked me out"."""
    depth = 0
    end = min(len(p.cue), at + 200)
    pos = at
    while pos < end:
        stop = _CLAUSE_STOP.search(p.cue, pos, end)
        if stop is None:
            break
        ch = stop.group(0)
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                end = stop.start()
                break
        elif depth == 0:
            end = stop.start()
            break
        pos = stop.end()
    return solved_in(p, at, end)


# what an organisation adds to its initials in a domain: "qflegal" is Quillfeather Legal, "abcgroup" ABC Group
_DOMAIN_TAIL = re.compile(
    r"(?:legal|law|group|tech|labs?|hq|uk|global|partners|consulting|solutions|systems|services|health|care|media|"
    r"digital|co|ltd|inc|llp|plc)$"
)


def _names_org(label: str, word: str) -> bool:
    """Whether ``word`` names the organisation whose domain label is ``label``: the label itself or its start
    ("tidewater" for "tidewaterbank"), or the name its initials stand for ("Quillfeather" for "qflegal")."""
    if label.startswith(word) or word.startswith(label) or (len(word) >= 3 and label.endswith(word)) or (
        len(word) >= 5 and word in label  # "my Orchard Valley password" from orchardvalleycu.org
    ):
        return True  # "tidewater" for "tidewaterbank"; "my Maple & Ash password" from mapleash.ca
    initials = _DOMAIN_TAIL.sub("", label)
    if not 2 <= len(initials) <= 4 or initials == label or word[0] != initials[0]:
        return False
    rest = iter(word[1:])
    return all(ch in rest for ch in initials[1:])


_NAMED_LOGIN = re.compile(r"\b([A-Z][A-Za-z0-9]{2,})\s+(?:password|passwort|kennwort|pw|login|log-in|pin|passcode)\b")
_THIRD_PARTY_APPS = frozenset({"jira", "zoom", "slack", "github", "gitlab", "confluence", "dropbox", "salesforce"})


def _foreign_app(word: str) -> bool:
    if word in _THIRD_PARTY_APPS:
        return True
    return word not in _COMPANY_LOGIN and word not in _LABELS and word not in STOP


_NAMED_FACTOR = re.compile(r"\b([A-Z][A-Za-z0-9]{2,})\s+(?:2FA|MFA|two-factor|2-step|authenticator code)\b")
_LABELS = frozenset(
    "affected new reset forgot forgotten expired current old temporary initial my your his her their our the this that "
    "please help hi hello dear request subject re fw fwd urgent possible potential suspected compromised exposed "
    "leaked wrong lost not no and but or which what whose fake phishing phished suspicious scam dodgy spoofed "
    # the same little words in the other ticket languages: "Graag MFA opnieuw instellen", "Bitte MFA zurücksetzen"
    "graag bitte por favor svp merci grazie obrigado obrigada tack takk tak venligst vennligst snalla kiitos mein meine "
    "mijn mon ma mes mi mis il la le o a meu minha min mitt mine neue neues nieuwe nouvelle nouveau nuevo nueva nuovo "
    "nuova novo nova ny nytt uusi hallo hola bonjour ciao ola hoi hej hei moi dringend urgente".split()
)
_COMPANY_LOGIN = frozenset(
    {
        "windows",
        "okta",
        "outlook",
        "microsoft",
        "office",
        "o365",
        "m365",
        "network",
        "email",
        "e-mail",
        "work",
        "company",
        "computer",
        "laptop",
        "domain",
        "azure",
        "entra",
        "vpn",
        "sso",
        "my",
        "the",
        "your",
        "new",
        "old",
        "temporary",
        "login",
        "account",
        "forgot",
        "forgotten",
        "reset",
        "expired",
        "changed",
        "his",
        "her",
        "our",
        "their",
        "same",
        "current",
        "previous",
        "initial",
        "default",
        "wrong",
        "correct",
        "right",
        "mail",
        "temp",
        "one-time",
        "first",
        "local",
        "strong",
        "secure",
        "complex",
        "its",
        "is",
        "was",
        "a",
        "an",
        "new-hire",
        "corporate",
        "staff",
        "employee",
        "main",
        "usual",
        "desktop",
        "pc",
        "mac",
        "this",
        "that",
        "admin",
        "user",
        "windows/okta",
        "okta/windows",
        "password",
        "and",
        "for",
        "with",
        "please",
        "help",
        "need",
        "can",
    }
)


def system_names(domains: list[str]) -> frozenset[str]:
    """Names that mean the company's own login: the first label of each org domain ("tidewaterbank")."""
    return frozenset(d.split(".")[0].lower() for d in domains if d and not is_webmail(d))
