"""Evidence for the sign-in intents: ``password_reset``, ``mfa_reset`` and ``account_unlock`` (rules 8-10, 15)."""

from __future__ import annotations

import re

from opsgate.runbooks.intents import Intent

from .cues import alt, cue, either, first_hit, hits, near
from .evidence import Evidence
from .fastre import FastRe
from .lexicon import (
    ACCOUNT,
    COMPROMISED,
    EXPIRED,
    FORGOT,
    LOCKED,
    MFA,
    PASSWORD,
    PHONE,
    PHONE_EVENT,
    RESET,
    UNLOCK,
)
from .text import Prepared

_META = r"(?!\s+(?:e-?mails?|templates?|pages?|portal|process|policy|policies|procedure|flow|tool|feature|button|screen|form|wording|footer|message|notifications?|self-service|sspr))"

# --- password_reset ------------------------------------------------------------------------------------------
PW_FORGOT = cue("forgot", either(FORGOT, PASSWORD, 10))
PW_RESET = cue("reset", alt(near(RESET, PASSWORD, 4), near(PASSWORD, RESET, 3)) + _META)
PW_EXPIRED = cue("expired", either(PASSWORD, EXPIRED, 6))
PW_COMPROMISED = cue("compromised", either(PASSWORD, COMPROMISED, 10))
PW_LINK = cue(
    "reset link",
    r"reset (?:link|e-?mail)s?(?:\s+[\w']+){0,5}?\s+(?:expired|has expired|no longer works|doesn't work|isn't working|"
    r"invalid|never (?:arrives|arrived|came))",
)
PW_CANT_CHANGE = cue(
    "can't change",
    alt(
        near(r"(?:can't|unable to|won't let me|doesn't let me|not able to|no me deja|impossible de)", alt(
            r"change", r"update", r"set", r"cambiar", r"modifier", r"andern", r"cambiare", r"alterar"), 2)
        + r"(?:\s+\w+){0,3}\s+" + PASSWORD,
        near(r"(?:refus\w*|reject\w*|rechaza\w*|not accept\w*|won't accept|nimmt kein\w*|weigert)", r"(?:all |tous |toutes )?(?:\w+ )?(?:new|nouveaux?|nuevas?|neue[sn]?)\s+" + PASSWORD, 4),
    ),
    negatable=False,
)
PW_HOWTO = cue("how do I reset", r"how (?:do|can|should) i (?:reset|change|recover) (?:my|the) " + PASSWORD)
PW_REFUSED = cue(
    "password refused",
    either(PASSWORD, r"(?:refused|rejected|not accepted|doesn't work|isn't working|stopped working|no longer works|wrong|incorrect|invalid|funktioniert nicht|ne fonctionne|no funciona)", 5),
)
PW_SEND_RESET = cue(
    "send a reset",
    r"(?:send|give|email|text) (?:me|him|her) (?:a |an |the )?(?:new |temporary )?(?:password |pw )?(?:reset|temporary password|new password)"
    r"|\breset (?:it|mine)\b|restablecerla|reinitialiser|zurucksetzen",
)

# --- mfa_reset -----------------------------------------------------------------------------------------------
_MFA_PLUS = alt(
    MFA,
    r"(?:approvals?|push(?:es)?|prompts?|codes?|notifications?) (?:\w+ ){0,3}(?:to|on) my (?:old|previous|former|lost|broken|stolen) (?:phone|number|device|mobile|handset)",
)
MFA_WORD = cue("mfa", _MFA_PLUS)
MFA_ASK = cue(
    "reset mfa",
    alt(
        near(alt(RESET, r"clear", r"remove", r"re-?register", r"re-?enrol\w*", r"re-?pair", r"reconfigur\w*", r"re-?configure",
                 r"re-?activate", r"re-?set ?up", r"set ?up", r"redo"), MFA, 4),
        near(MFA, alt(RESET, r"neu einrichten", r"neu aufsetzen", r"re-?enrol\w*", r"re-?register"), 3),
    ),
)
MFA_ENROL = cue(
    "enrol new phone",
    alt(
        r"(?:register|enrol\w*|enroll\w*|set ?up|pair|add|configure|activate|move|transfer)\w* (?:\w+ ){0,3}(?:the |a |my )?(?:new|replacement|iphone|android) (?:phone|iphone|device|handset|mobile|number)?",
        r"(?:set (?:it )?up|pair it|register it|setup) (?:again|from scratch|on the new)",
        r"(?:neu einrichten|configurarlo otra vez|configurar(?:lo)? de nuevo|enregistrer \w+ (?:\w+ )?sur le nouvel|reconfigurer)",
        r"(?:enrol\w*|enroll\w*|register) (?:\w+ ){0,2}(?:iphone|android|replacement)",
    ),
)
PHONE_EVT = cue(
    "phone",
    alt(
        either(PHONE_EVENT, PHONE, 3),
        r"factory[- ]reset",
        r"android ?-?>? ?(?:to )?iphone|iphone ?-?>? ?(?:to )?android",
        r"ersatz(?:gerat|handy|telefon)",
        r"(?:stolen|lost|new) (?:\w+ ){0,2}(?:yubi ?key|security key|token)",
        r"(?:yubi ?key|security key|token)(?: \w+){0,6} (?:stolen|lost)",
        r"(?:authenticator|verify|app)\w*(?: [\w']+){0,4} (?:wiped|was wiped|empty|is empty|gone|deleted|missing|"
        r"didn't (?:come|transfer|move)|not transferred|no longer there|ya no esta|fehlt|ist weg|farid|a disparu)",
        r"(?:was|got) (?:on|in) the (?:stolen|lost) ",
        r"(?:new|changed|different) (?:phone )?(?:number|numero|nummer)",
        r"ported (?:my )?number",
        r"new sim",
    ),
)
CANT_LOGIN = cue(
    "can't log in",
    r"(?:can't|unable to|not able to|couldn't|no puedo|impossible de|kann mich nicht|komme nicht) (?:\w+ ){0,2}(?:log ?in|sign ?in|get in|access|entrar|acceder|connecter|anmelden|einloggen)",
    negatable=False,
)

# --- account_unlock ------------------------------------------------------------------------------------------
LOCK = cue("locked", LOCKED)
UNLOCK_ASK = cue(
    "unlock",
    alt(near(UNLOCK, ACCOUNT, 3), near(ACCOUNT, UNLOCK, 3),
        r"(?:please|pls|kindly|can you|could you|just)(?: \w+)? " + UNLOCK,
        UNLOCK + r"(?: it)?(?: please| pls| thanks| thank you|[.!?]|$)",
        r"desbloque(?:ais|eis|en|ar|e)\w*",
        r"debloquer", r"entsperren"),
)
KNOWS = cue(
    "knows the password",
    alt(
        r"(?:i |he |she |they |we )(?:do |still |definitely |actually )?knows? (?:the|my|his|her|their|our) " + PASSWORD,
        PASSWORD + r" (?:is|was) (?:right|correct|fine|ok|okay|good|not the (?:problem|issue))",
        r"(?:have|having|using|typed|entering|know) the (?:right|correct) " + PASSWORD,
        r"i remember (?:my|the) " + PASSWORD,
        r"(?:se|conozco|recuerdo|sabe|conoce) (?:la|mi|su) " + PASSWORD,
        PASSWORD + r" (?:la|lo) (?:se|sabe|conozco|conoce|recuerdo)",
        r"(?:connais|connait|me souviens de) (?:mon|son|le) " + PASSWORD,
        PASSWORD + r" est (?:bon|correct)",
        r"(?:kenne|kennt|weiss)(?: ich| er| sie)? (?:das|mein|sein|ihr|es) " + PASSWORD,
        PASSWORD + r" (?:kenne ich|kennt (?:er|sie)|weiss (?:ich|er|sie)|ist (?:richtig|korrekt|bekannt))",
        r"(?:conosco|ricordo) (?:la|la mia) " + PASSWORD,
        r"(?:sei|conheco|lembro) (?:a|a minha) " + PASSWORD,
        r"(?:ken|weet) (?:mijn|het) " + PASSWORD,
        r"man " + PASSWORD,
        r"not an? " + PASSWORD + r" (?:problem|issue)",
    ),
    negatable=True,
)
MISTYPE = cue(
    "wrong attempts",
    alt(
        r"too many (?:\w+ )?(?:attempts|tries|times|failed|logins?)",
        r"(?:several|multiple|a few|few|many|repeated|couple of|three|four|five|six) (?:\w+ )?(?:wrong |bad |failed |"
        r"incorrect |password )?(?:attempts|tries)",
        r"[2-9] (?:wrong |bad |failed |incorrect |password )?(?:attempts|tries)",
        r"wrong (?:attempts|pin)s?",
        r"(?:typed|entered|put in) (?:it|my password|the password) wrong",
        r"mistyp\w*|typo'?d|fat[- ]?finger\w*|caps ?lock",
        r"(?:old|previous|former|cached|saved|stored) (?:\w+ )?(?:password|credentials)",
        r"(?:kept|keeps?|keep) (?:on )?(?:trying|retrying)",
        r"failed (?:attempts|logins?|login attempts|sign-?ins?)",
        r"auto-?capitali\w*",
        r"intentos fallidos|varios intentos|demasiados intentos|(?:plusieurs|trop de) (?:erreurs|tentatives)|erreurs de saisie",
        r"mehrfach (?:vertippt|falsch)|vertippt|zu oft falsch|falsch eingegeben|fehlversuch\w*",
        r"troppi tentativi|tentativi errati|varias tentativas|tentativas erradas|te vaak|verkeerd ingevoerd",
        r"of margar tilraunir",
    ),
    negatable=False,
)

# --- other systems and devices (rule 15) ---------------------------------------------------------------------
OTHER_SYSTEM = FastRe(
    r"\b(?:sap|salesforce|sfdc|dentrix|corelink|core banking|voicemail|voice mail|voice-mail|pin|pins|puk|wifi|wi-fi|wlan|"
    r"wireless|guest network|personal (?:gmail|email|e-mail|account|mailbox)|gmail|hotmail|yahoo|icloud|apple id|"
    r"facebook|instagram|linkedin|twitter|netflix|amazon|ebay|paypal|(?:bank|banking|payroll|benefits|pension|hr) "
    r"(?:app|portal|site|website|system)|adp|workday|servicenow|dropbox|docusign|adobe|"
    r"quickbooks|xero|epic|cerner|bloomberg|github|gitlab|crm|erp|practice management|banking software|"
    r"timeclock|time clock|kronos)\b"
)
LOGIN_FINE = FastRe(
    r"(?:windows|okta|email|e-mail|outlook|my (?:normal |work |company |network )?login|network login|sso|everything else)"
    r"(?: login)?(?: and [\w ]{1,20}?)? (?:is|are|works?|working|still works?) (?:fine|ok|okay|working|normally)"
    r"|only (?:the|my) [\w -]{1,30}? (?:software|system|app|application|portal|tool|program)"
)
DEVICE = FastRe(
    r"\b(?:bitlocker|recovery key|passcode|screen ?lock|iphone|ipad|door|doors|badge|keycard|key card|building|locker|"
    r"cabinet|drawer|file|files|document|spreadsheet|workbook|sheet|excel file|word file|for editing|checked out|"
    r"terminal|kiosk|forklift|vehicle|car|printer|copier|channel|team site|site|folder|archived|read-only|read only|"
    r"sim|safe|till|register|scanner|tablet screen|supervisor code)\b"
)
_ACCOUNT_CONTEXT = FastRe(
    r"\b(?:account|accounts|login|log in|sign in|user|username|windows|okta|outlook|email|network|password|"
    r"konto|benutzer|cuenta|usuario|compte|utilisateur|conta|utente|gebruiker|aðgang\w*|adgang\w*|i'm locked|"
    r"i am locked|me out|him out|her out|locked out)\b"
)


def _device_lock(p: Prepared, start: int) -> str | None:
    """Device or physical lock: the clause of the lock words names a device and no account."""
    lo, hi = p.clause_start(start), p.clause_end(start)
    clause = p.cue[max(0, lo - 60) : hi + 60]
    device = DEVICE.search(clause, live=p.live)
    if device and not _ACCOUNT_CONTEXT.search(clause, live=p.live):
        return device.group(0)
    return None


def other_system(p: Prepared, known_names: frozenset[str], starts: list[int]) -> str | None:
    """A non-SSO system whose password or lock is meant (SAP, a PIN, Wi-Fi, "Windows is fine, it's only X"):
    named near the words that decided the intent, or the company login said to be fine."""
    for start in starts:
        lo, hi = p.clause_start(start), p.clause_end(start)
        m = OTHER_SYSTEM.search(p.cue, max(0, lo - 80), hi + 80, live=p.live)
        if m:
            return m.group(0)
    m = LOGIN_FINE.search(p.cue, live=p.live)
    if m:
        return m.group(0)
    for name in _NAMED_LOGIN.findall(p.text):
        low = name.lower()
        if low not in _COMPANY_LOGIN and not any(k.startswith(low) or low.startswith(k) for k in known_names):
            return f"{name} login"
    return None


_NAMED_LOGIN = re.compile(r"\b([A-Z][A-Za-z0-9]{2,})\s+(?:password|passwort|kennwort|pw|login|log-in|user|pin|passcode)\b")
_COMPANY_LOGIN = frozenset(
    {
        "windows", "okta", "outlook", "microsoft", "office", "o365", "m365", "network", "email", "e-mail", "work",
        "company", "computer", "laptop", "domain", "azure", "entra", "vpn", "sso", "my", "the", "your", "new", "old",
        "temporary", "login", "account", "forgot", "forgotten", "reset", "expired", "changed", "his", "her", "our",
        "their", "same", "current", "previous", "initial", "default", "wrong", "correct", "right", "mail", "temp",
        "one-time", "first", "local", "strong", "secure", "complex", "its", "is", "was", "a", "an", "new-hire",
        "corporate", "staff", "employee", "main", "usual", "desktop", "pc", "mac", "this", "that", "admin", "user",
        "windows/okta", "okta/windows", "password", "and", "for", "with", "please", "help", "need", "can",
    }
)


def password_evidence(p: Prepared) -> tuple[Evidence, Evidence]:
    """(password_reset, account_unlock) evidence, resolved against each other by rule 9."""
    pw = Evidence(Intent.PASSWORD_RESET)
    un = Evidence(Intent.ACCOUNT_UNLOCK)
    strong = hits(p, (PW_FORGOT, PW_EXPIRED, PW_COMPROMISED, PW_LINK, PW_CANT_CHANGE, PW_HOWTO))
    reset = first_hit(p, PW_RESET)
    weak = hits(p, (PW_REFUSED, PW_SEND_RESET))
    locked = first_hit(p, LOCK)
    ask = first_hit(p, UNLOCK_ASK)
    knows = first_hit(p, KNOWS)
    mistype = first_hit(p, MISTYPE)

    for h in (locked, ask):
        if h is not None and knows is None and un.veto is None:
            device = _device_lock(p, h.start)
            if device is not None:
                un.veto = f'a device or object lock, not an account ("{device}")'

    if strong:
        pw.add(strong)
        pw.raise_to(0.9 if (reset or len(strong) > 1) else 0.85)
        pw.add(reset)
    elif reset is not None and knows is None:
        pw.add(reset)
        pw.raise_to(0.85)
    elif len(weak) >= 2 or (weak and (locked or reset)):
        pw.add(weak)
        pw.raise_to(0.7)
    elif weak:
        pw.add(weak)
        pw.raise_to(0.45)

    if locked is not None or ask is not None:
        un.add([h for h in (locked, ask, knows, mistype) if h is not None])
        if knows is not None or mistype is not None:
            un.raise_to(0.9 if locked is not None or ask is not None else 0.6)
        elif locked is not None and ask is not None:
            un.raise_to(0.8)
        elif ask is not None:
            un.raise_to(0.7)
        else:
            un.raise_to(0.5)
    elif knows is not None and mistype is not None:
        un.add([knows, mistype])
        un.raise_to(0.6)

    # Rule 9: locked out and forgot (or unsure of) the password is a reset; knowing it is an unlock.
    if pw.score >= 0.7 and un.score > 0:
        forgot_like = any(h.name in ("forgot", "expired", "compromised", "reset link", "can't change") for h in strong)
        if forgot_like or (knows is None and mistype is None):
            pw.add(locked)
            un.score = 0.0
        else:
            pw.score = 0.0
    return pw, un


def mfa_evidence(p: Prepared) -> Evidence:
    ev = Evidence(Intent.MFA_RESET)
    word = first_hit(p, MFA_WORD)
    ask = first_hit(p, MFA_ASK)
    phone = first_hit(p, PHONE_EVT)
    enrol = first_hit(p, MFA_ENROL)
    cant = first_hit(p, CANT_LOGIN)
    if ask is not None:
        ev.add([h for h in (ask, phone, word) if h is not None])
        ev.raise_to(0.92 if phone or enrol else 0.85)
    elif word is not None and (phone is not None or enrol is not None):
        ev.add([h for h in (phone, word, enrol) if h is not None])
        ev.raise_to(0.85 if phone is not None and (enrol is not None or cant is not None) else 0.8)
    elif word is not None and cant is not None:
        ev.add([word, cant])
        ev.raise_to(0.6)
    elif phone is not None and enrol is not None:
        ev.add([phone, enrol])
        ev.raise_to(0.6)
    elif word is not None:
        ev.add(word)
        ev.raise_to(0.3)
    return ev


def system_names(domains: list[str]) -> frozenset[str]:
    """Names that mean the company's own login: the first label of each org domain ("tidewaterbank")."""
    return frozenset(d.split(".")[0].lower() for d in domains if d)


__all__ = [
    "CANT_LOGIN",
    "PHONE",
    "mfa_evidence",
    "other_system",
    "password_evidence",
    "system_names",
]
