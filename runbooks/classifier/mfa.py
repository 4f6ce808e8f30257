"""Evidence for ``mfa_reset`` (rule 10): a second factor lost, stolen, replaced or wiped, or the number changed."""

from __future__ import annotations

import re

from opsgate.runbooks.intents import Intent

from .cues import alt, cue, either, first_hit, near
from .evidence import Evidence
from .lexicon import MFA, PHONE, PHONE_EVENT, RESET
from .text import Prepared

# --- mfa_reset -----------------------------------------------------------------------------------------------
_MFA_PLUS = alt(
    MFA,
    r"(?:approvals?|push(?:es)?|prompts?|codes?|notifications?) (?:\w+ ){0,5}(?:to|on) my (?:old|previous|former|lost|broken|stolen) (?:phone|number|device|mobile|handset)",
    r"approve (?:it |the (?:sign-?in|login|request) )?(?:on|with|in) (?:my|the) (?:phone|app|mobile)",
    r"approve sign-?in request",  # the Authenticator prompt's own words
    r"(?:okta|duo|authenticator|microsoft|verify) push(?:es)?|push (?:notifications?|approvals?|requests?)",
)
MFA_WORD = cue("mfa", _MFA_PLUS)
MFA_ASK = cue(
    "reset mfa",
    alt(
        near(
            alt(
                RESET,
                r"clear",
                r"remove",
                r"reregister",
                r"re-register",
                r"reenrol\w*",
                r"re-enrol\w*",
                r"repair",
                r"re-pair",
                r"reconfigur\w*",
                r"re-configure",
                r"reactivate",
                r"re-activate",
                r"resetup",
                r"re-setup",
                r"set ?up",
                r"redo",
            ),
            MFA,
            4,
        ),
        near(
            MFA,
            alt(
                RESET, r"neu einrichten", r"neu aufsetzen", r"reenrol\w*", r"re-enrol\w*", r"reregister", r"re-register"
            ),
            3,
        ),
        # German's separable verb around its object: "Bitte setzt meine MFA zurück"
        r"\bsetz(?:t|en|e|st)? (?:\w+ ){0,2}" + MFA + r" (?:\w+ ){0,2}zuruck\b",
    ),
    requires=MFA,
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
        either(PHONE_EVENT + r"\b", PHONE + r"\b", 3),  # whole words: "perso" is not "personnel"
        r"factory[- ]reset",
        r"android ?-?>? ?(?:to )?iphone|iphone ?-?>? ?(?:to )?android",
        r"ersatz(?:gerat|handy|telefon)",
        r"(?:stolen|lost|new|verloren\w*|perdu\w*|perdid[oa]|smarrit[oa]|kwijt\w*|gestohlen\w*|vole|robad[oa]) "
        r"(?:\w+ ){0,2}(?:yubi ?key|security key|token|sicherheitsschlussel)",
        r"(?:yubi ?key|security key|token|sicherheitsschlussel|cle de securite|llave de seguridad|chiave di sicurezza)"
        r"(?: \w+){0,6} (?:stolen|lost|verloren|perdu\w*|perdid[oa]|smarrit[oa]|kwijt|gestohlen|vole\w*|robad[oa])",
        # the sign-in prompt still goes to a phone handed back: "that's the old phone I handed back"
        r"(?:old|previous) (?:phone|mobile|handset|samsung|iphone|pixel|android)(?:[ -]+\w+){0,4} (?:handed (?:back|in)|returned|"
        r"gave back|traded in|swapped)",
        r"(?:new|replacement) (?:one|phone|mobile) (?:\w+ ){0,2}never (?:had|got) (?:the |an? )?(?:app|authenticator)",
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


_NOT_MFA = re.compile(
    r"\((?:not|no) (?:the )?(?:mfa|2fa|authenticator)\)|\bnot (?:an? )?mfa (?:reset|issue|problem)\b|"
    r"\bnot (?:mfa|2fa|the authenticator)\s*[-–:,.]|\bbefore (?:anyone|you|someone) resets? my (?:authenticator|mfa|2fa)\b"
)


def mfa_evidence(p: Prepared) -> Evidence:
    ev = Evidence(Intent.MFA_RESET)
    word = first_hit(p, MFA_WORD)
    ask = first_hit(p, MFA_ASK)
    if ask is not None and _NOT_MFA.search(p.cue):
        ask = None  # "Just a password reset please (not MFA)"
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
