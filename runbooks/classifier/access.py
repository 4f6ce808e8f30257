"""Evidence for the sign-in intents ``password_reset`` and ``account_unlock`` (rules 8, 9, 15)."""

from __future__ import annotations

import re

from opsgate.runbooks.intents import Intent

from .cues import alt, cue, either, first_hit, hits, near
from .devices import device_lock, disk_encryption
from .evidence import Evidence
from .lexicon import ACCOUNT, COMPROMISED, EXPIRED, FORGOT, LOCKED, PASSWORD, RESET, UNLOCK
from .mfa import CANT_LOGIN
from .text import Prepared

PASSWORD_WORD = re.compile(PASSWORD)

_META = r"(?!\s+(?:e-?mails?|templates?|pages?|portal|process|policy|policies|procedure|flow|tool|feature|button|screen|form|wording|footer|message|notifications?|self-service|sspr))"

# --- password_reset ------------------------------------------------------------------------------------------
PW_FORGOT = cue("forgot", either(FORGOT, PASSWORD, 10), requires=FORGOT)
PW_RESET = cue(
    "reset",
    alt(
        near(RESET, PASSWORD, 4),
        near(PASSWORD, RESET, 6),
        # German's separable verb around its object: "Bitte setzt mein Passwort sofort zurück"
        r"\bsetz(?:t|en|e|st)? (?:\w+ ){0,3}" + PASSWORD + r" (?:\w+ ){0,3}zuruck\b",
        # "please force a reset on my account" after the password was named
        r"\bforce (?:a |an )?(?:password )?reset\b",
    )
    + _META,
    requires=alt(RESET, r"zuruck"),
)
PW_EXPIRED = cue("expired", either(PASSWORD, EXPIRED, 6), requires=EXPIRED)
_PHONE_LOCKS = frozenset({"passcode", "passcodes", "screen lock", "screenlock", "iphone", "ipad"})
PW_COMPROMISED = cue(
    "compromised",
    alt(
        either(PASSWORD, COMPROMISED, 10),
        # typed into a fake page: "metí mi contraseña en una web falsa", "auf einer gefälschten Seite"
        either(PASSWORD, r"(?:web|pagina|sitio|page|seite|site|website|sito)s? (?:falsa|falso|fausse|fake|trucha|rara)|"
               r"(?:gefalscht\w*|falsche\w*|fake|fausse|falsa|falso) (?:web|pagina|seite|site|page|website|sito)", 12),
        # "he puesto mi usuario y contraseña antes de darme cuenta", "j'ai saisi mon mot de passe sur le lien"
        # (the user name with it: typing the password alone with caps lock on is no phishing)
        r"\b(?:he|has|ha) (?:puesto|metido|introducido|escrito) (?:mi |tu |su )?usuario y (?:la |mi |su )?"
        r"(?:contrasena|clave)\b|\bj'ai (?:saisi|tape|entre|mis) (?:mon )?identifiant et (?:mon )?mot de passe\b",
        # (not an old password typed on a device: "typed my old password on the handheld scanner" is a stale login)
        r"(?<!mis)(?:typed|entered|put|gave|submitted) (?:in )?(?!(?:my |the |our )?(?:old|previous|former|last) )"
        r"(?:my |the |our )?(?:\w+ )?"
        + PASSWORD
        + r" (?:in|into|on|to) (?:a|an|the|some)(?! (?:\w+ ){0,3}(?:pc|laptop|computer|keyboard|desktop|machine|terminal|"
        r"ipad|tablet|scanner|handheld|phone|device|till)\b)",
        r"(?<!mis)(?:typed|entered|put in|gave|submitted) (?:in )?(?:my|our) (?:\w+ )?"
        + PASSWORD
        + r"\b[^.\n]{0,40}\b(?:before i (?:realised|realized|noticed|saw)|by mistake|on (?:a|the|that) (?:\w+ )?(?:site|page|"
        r"link|form)\b(?! (?:tablet|pc|laptop|computer|office|hut|kiosk|terminal)))",
        r"(?:read out|gave away|gave|told|shared|disclosed|revealed) (?:them |him |her |someone )?(?:my|our) (?:\w+ )?"
        + PASSWORD
        + r"\b[^.\n]{0,30}\b(?:to (?:them|him|her|someone|a caller|the caller|a stranger)|over the phone|before i)",
        r"clicked (?:on )?(?:a|the|an|that) [^.\n]{0,40}\blink\b[^.\n]{0,60}\b(?:entered|typed|put in|gave)\b[^.\n]{0,20}"
        + PASSWORD,
    ),
)
PW_LINK = cue(
    "reset link",
    r"reset (?:link|e-?mail)s?(?:\s+[\w']+){0,5}?\s+(?:expired|has expired|no longer works|doesn't work|isn't working|"
    r"invalid|never (?:arrives|arrived|came))",
)
PW_CANT_CHANGE = cue(
    "can't change",
    alt(
        near(
            r"(?:can't|unable to|won't let me|doesn't let me|not able to|no me deja|impossible de|kan inte|kan ikke|kan niet)",
            alt(
                r"change",
                r"update",
                r"set",
                r"cambiar",
                r"modifier",
                r"andern",
                r"cambiare",
                r"alterar",
                r"byta",
                r"bytte",
                r"skifte",
                r"wijzigen",
            ),
            2,
        )
        + r"(?:\s+\w+){0,3}\s+"
        + PASSWORD,
        near(
            r"(?:refus\w*|reject\w*|rechaza\w*|not accept\w*|won't accept|nimmt kein\w*|weigert)",
            r"(?:all |tous |toutes )?(?:\w+ )?(?:new|nouveaux?|nuevas?|neue[sn]?)\s+" + PASSWORD,
            4,
        ),
    ),
    negatable=False,
)
# unsure of the password is forgetting it (rule 9): "not sure I've been typing the right password, I may have mixed
# it up with the old one"
PW_UNSURE = cue(
    "forgot",
    r"\bnot (?:sure|certain) (?:i've been |i'm |i am |i was |i )?(?:typing|using|entering|typed|used|entered|of) (?:in )?"
    r"(?:the right|the correct|my|the) " + PASSWORD + r"|\b(?:mixed|mixing|mix|muddled) (?:it |them )?up with the old one\b|"
    r"\bne suis (?:plus|pas) (?:tres |vraiment )?sur(?:e)? (?:du|de mon) " + PASSWORD + r"|\bmelange\w* avec l'ancien\b|"
    r"\bnicht (?:mehr )?sicher,? ob ich (?:das|mein) (?:\w+ )?" + PASSWORD + r" (?:noch )?(?:weiss|kenne)\b|"
    # "no estoy segura de cuál es mi contraseña", "nicht sicher, welches mein Passwort ist"
    r"\bno estoy (?:muy |del todo )?segur[oa] de (?:cual|que) es (?:mi|la) " + PASSWORD + r"|"
    r"\bnicht (?:mehr )?sicher,? (?:was|welches|wie) (?:mein|das) " + PASSWORD + r"|"
    r"\bne sais (?:plus|pas) (?:tres bien |vraiment )?(?:quel|lequel) est (?:mon|le) " + PASSWORD + r"|"
    r"\b(?:can't|cant|cannae|canny|cannot) mind (?:my |the )?" + PASSWORD  # Scots: "i cant mind my password"
    + r"|\bbrain (?:has )?(?:\w+ )?(?:deleted|wiped|dropped|lost|erased)\b",  # "my brain has apparently deleted my password"
    negatable=False,
)
PW_HOWTO = cue("how do I reset", r"how (?:do|can|should) i (?:reset|recover) (?:my|the) " + PASSWORD)
# the verb before the password and its negation after it: "ich weiss mein Passwort nicht mehr"
PW_FORGOT_POST = cue(
    "forgot",
    r"\b(?:weiss|weet|husker|minns)\b(?: \w+){0,2}? "
    + PASSWORD
    + r" (?:\w+ )?(?:nicht mehr|niet meer|ikke(?: lenger| mere)?|inte(?: langre)?)\b",
    negatable=False,
    requires=PASSWORD,
)
# "Password" as the summary, "forgot it again, can you reset" as the body: the pronoun stands for the password
PW_FORGOT_IT = cue(
    "forgot it",
    r"(?:forg[oe]t\w*|can't remember) (?:it|mine)\b|\bforgotten what i (?:set|chose|picked|changed it to)\b|\b(?:don't|do not|can't|cannot|can not) (?:for the life of me |honestly |really |quite )?remember (?:the (?:new|old|current) one|what "
    r"i (?:set|changed it to|picked|chose))\b|\bla (?:he )?olvidad[oa]\b|\bl'ai oubliee?\b|\bno me acuerdo de ella\b|\bno la recuerdo\b|"
    r"\bes vergessen\b|\bweiss (?:ich )?es (?:\w+ ){0,4}nicht mehr\b|\bl'ho dimenticata\b|\besqueci-me dela\b|\bben (?:het|hem) vergeten\b",
    negatable=False,
)
_REFUSED = (
    r"(?:refused|rejected|not accepted|doesn't work|isn't working|stopped working|no longer works|won't work|"
    r"doesn't work any ?more|wrong|incorrect|invalid|funktioniert (?:\w+ ){0,3}nicht|ne fonctionne|no funciona|"
    r"non funziona|nao funciona|werkt niet|virker ikke|fungerar inte|fungerer ikke)"
)
PW_REFUSED = cue("password refused", either(PASSWORD, _REFUSED, 5), requires=_REFUSED)
PW_SEND_RESET = cue(
    "send a reset",
    r"(?:send|give|email|text) (?:me|him|her) (?:a |an |the )?(?:new |temporary )?(?:password |pw )?(?:reset|temporary password|new password)"
    r"|\breset (?:it|mine)\b|restablecerla|reinitialiser|zurucksetzen|force (?:a |the )?(?:password )?reset|"
    r"\b(?:reimpostarla|resettarla|resetearla|reiniciarla|restablecermela|resetearmela|redefini-la|repo-la|reporem-na|"
    r"reinicia-la|la reinitialiser|le reinitialiser)\b",
)

# "He knows his password, nothing's been forgotten"
_NOT_FORGOTTEN = re.compile(r"nothing(?:'s| has| is) (?:been )?forg|(?:hasn't|has not|haven't|have not|not) (?:been )?forg")
# "did you forget the password again?"; "I didn't forget it"
_ASKED_BEFORE = re.compile(r"\b(?:(?:did|have|has|had) (?:you|he|she|they)|didn't|did not|haven't|have not|never)\s+$")

# --- account_unlock ------------------------------------------------------------------------------------------
LOCK = cue("locked", LOCKED)
UNLOCK_ASK = cue(
    "unlock",
    alt(
        near(UNLOCK, alt(ACCOUNT, r"me", r"him", r"her", r"myself"), 3),
        near(ACCOUNT, UNLOCK, 3),
        r"(?:please|pls|kindly|can you|could you|just|juste|simplement|pouvez-vous|pourriez-vous|merci de|podeis|"
        r"podriais|bitte|konnt ihr|konnen sie|(?:nomes )?cal|podeu)(?: \w+)? " + UNLOCK,
        UNLOCK + r"(?: it)?(?: please| pls| thanks| thank you|[.!?]|$)",
        r"desbloque(?:ais|eis|en|an|ar|ad|e)\w*",
        r"debloquer",
        r"entsperren",
    ),
)
KNOWS = cue(
    "knows the password",
    alt(
        r"(?:i do|i still|i definitely|i actually|i|he|she|they|we|he still|she still|he does|she does)"
        r" (?:know|knows) (?:the|my|his|her|their|our) (?:current |new |actual |correct )?" + PASSWORD,
        PASSWORD
        + r"(?: itself| still| definitely)?(?: is| was|'s) (?:right|correct|fine|ok|okay|good|not the (?:problem|issue))",
        # "La contraseña está bien, pero el móvil se reseteó", "le mot de passe est bon", "das Passwort ist richtig"
        PASSWORD + r" (?:esta|es) (?:bien|correcta)|" + PASSWORD + r" est (?:bon|correct)|" + PASSWORD + r" ist (?:richtig|korrekt)",
        r"(?:have|having|using|typed|entering|know) the (?:right|correct) " + PASSWORD,
        r"i remember (?:my|the) " + PASSWORD,
        r"\bheslo znam\b|\bznam (?:sve |své )?heslo\b|\bhaslo znam\b|\bznam (?:swoje )?haslo\b",  # Czech, Polish
        r"(?:have|'ve) not forgotten (?:my|the|it)|\bhaven't forgotten (?:my|the|it)",
        r"(?:^|[.!?,;]\s)know (?:my|the) " + PASSWORD,
        r"(?:^|[.!?,;|]\s*)knows (?:his|her|their|the) " + PASSWORD,  # a form's "Issue: ... Knows his password."
        r"(?:se|conozco|recuerdo|sabe|conoce|sap|conec|coneix|recorda) (?:la|mi|su|meva|seva) " + PASSWORD,
        PASSWORD + r" (?:si |ya )?(?:me )?(?:la|lo) (?:se|sabe|conozco|conoce|recuerdo)",
        r"(?:connais|connait|me souviens de) (?:bien |tres bien |parfaitement )?(?:mon|son|le) (?:nouveau |nouvel )?" + PASSWORD,
        r"(?:kenne|weiss|kennt) (?:mein|sein|ihr|das) (?:\w+ )?" + PASSWORD,
        r"(?:je )?(?:connais|connait|sais) (?:bien )?le bon\b",
        PASSWORD + r" est (?:bon|correct)",
        r"(?:kenne|kennt|weiss)(?: ich| er| sie)? (?:das|mein|sein|ihr|es) " + PASSWORD,
        PASSWORD + r" (?:kenne ich|kennt (?:er|sie)|weiss (?:ich|er|sie)|ist (?:richtig|korrekt|bekannt))",
        r"(?:conosco|ricordo) (?:la|la mia) " + PASSWORD,
        r"(?:sei|conheco|lembro) (?:a|a minha) " + PASSWORD,
        r"(?:ken|weet) (?:mijn|het) " + PASSWORD,
        r"man " + PASSWORD,
        r"(?:husker|kjenner|kender|vet|ved|minns|kommer ihag|muistan|tiedan|znam|pamietam) (?:\w+ )?" + PASSWORD,
        PASSWORD + r" (?:la|lo) (?:so|conosco|ricordo)\b",
        PASSWORD + r" (?:eu )?(?:sei|conheco|lembro)\b",
        PASSWORD + r" (?:weet|ken) ik",
        r"\bgwybod (?:y |fy )?" + PASSWORD,
        PASSWORD + r"[^.\n]{0,6}?\s*[:,-]?\s*(?:je le connais|je le sais|lo conozco|lo se|ich kenne es|ik ken het|lo conosco)\b",
        PASSWORD + r"(?:'s| is) (?:definitely|actually|still|100%) (?:right|correct|fine|ok|okay)",
        PASSWORD + r" (?:pamietam|znam|muistan|tiedan|on tiedossa|znam|vim|si pamatuji)\b",
        r"not an? " + PASSWORD + r" (?:problem|issue)",
    ),
    negatable=True,
    requires=PASSWORD,  # every branch names the password (the French "je connais le bon" follows "mot de passe")
)
MISTYPE = cue(
    "wrong attempts",
    alt(
        r"too many (?:\w+ )?(?:attempts|tries|times|failed|logins?)",
        r"(?:several|multiple|a few|few|many|repeated|couple of|three|four|five|six) (?:\w+ )?(?:wrong |bad |failed |"
        r"incorrect |password )?(?:attempts|tries)",
        r"[2-9] (?:wrong |bad |failed |incorrect |password )?(?:attempts|tries)",
        r"wrong (?:attempts|pin)s?",
        r"(?:typed|typing|entered|entering|put in|putting in|keyed|keying) (?:it|my password|the password|my pin) "
        r"(?:in )?(?:wrong|incorrectly)",
        r"mistyp\w*|typo'?d|fat[- ]?finger\w*|caps ?lock",
        r"(?:old|previous|former|cached|saved|stored) (?:\w+ )?(?:password|credentials)",
        r"(?:kept|keeps?|keep) (?:on )?(?:trying|retrying)|\bretrying\b",
        r"failed (?:attempts|logins?|login attempts|sign-?ins?)",
        r"auto-?capitali\w*",
        r"intentos fallidos|varios intentos|demasiados intentos|(?:plusieurs|trop de) (?:erreurs|tentatives)|erreurs de saisie",
        r"mehrfach (?:vertippt|falsch)|vertippt|zu oft falsch|falsch eingegeben|fehlversuch\w*",
        r"troppi tentativi|tentativi errati|varias tentativas|tentativas erradas|te vaak|verkeerd ingevoerd",
        r"of margar tilraunir",
        r"for mang[ae] (?:forsok|forsog)",
        r"(?:skrev|tastet|tastede|tastade) (?:\w+ )?(?:feil|fel|forkert)",
        r"(?:mauvais|faux) mot de passe|contrasena (?:incorrecta|equivocada|erronea)|falsches (?:passwort|kennwort)|"
        r"password (?:sbagliata|errata)|ho sbagliato|senha errada|verkeerd wachtwoord",
    ),
    negatable=False,
)


def password_evidence(p: Prepared) -> tuple[Evidence, Evidence]:
    """(password_reset, account_unlock) evidence, resolved against each other by rule 9."""
    pw = Evidence(Intent.PASSWORD_RESET)
    un = Evidence(Intent.ACCOUNT_UNLOCK)
    strong = hits(
        p, (PW_FORGOT, PW_FORGOT_POST, PW_UNSURE, PW_EXPIRED, PW_COMPROMISED, PW_LINK, PW_CANT_CHANGE, PW_HOWTO)
    )
    strong = [
        h
        for h in strong
        if not _ASKED_BEFORE.search(p.cue, max(0, h.start - 14), h.start) and not _NOT_FORGOTTEN.search(h.words)
    ]
    weak = hits(p, (PW_REFUSED, PW_SEND_RESET))
    # "forgotten it" is the password when the summary names one, or the text says the password was refused
    if not strong and (
        PASSWORD_WORD.search(p.low.split("\n", 1)[0])
        or any(h.name == "password refused" for h in weak)
        or (any(h.name == "send a reset" for h in weak) and PASSWORD_WORD.search(p.low))  # "... reset it so I can"
    ):
        strong = [h for h in hits(p, (PW_FORGOT_IT,)) if not _ASKED_BEFORE.search(p.cue, max(0, h.start - 14), h.start)]
    reset = first_hit(p, PW_RESET)
    locked = first_hit(p, LOCK)
    ask = first_hit(p, UNLOCK_ASK)
    knows = first_hit(p, KNOWS)
    mistype = first_hit(p, MISTYPE)

    # a disk-encryption prompt anywhere ("the laptop asks for a BitLocker key ... unlock it?") is the machine's lock,
    # even beside "Windows password is fine": knowing the password does not make it an account
    recovery = disk_encryption(p) if (locked or ask) else None
    if locked or ask:
        device = recovery or device_lock(p, [h.start for h in (locked, ask) if h is not None])
        # a known password points to the account, unless the lock is a phone's own ("forgotten the passcode on my
        # work iPhone ... My email password is fine. Can IT unlock the phone?")
        if device is not None and (knows is None or recovery is not None or device in _PHONE_LOCKS):
            un.veto = f'a device or object lock, not an account ("{device}")'

    if strong:
        pw.add(strong)
        pw.raise_to(0.9 if (reset or len(strong) > 1) else 0.85)
        pw.add(reset)
    elif reset is not None and knows is None:
        pw.add(reset)
        pw.raise_to(0.85)
    elif len(weak) >= 2 or (weak and reset):
        pw.add(weak)
        pw.raise_to(0.7)
    elif weak and locked:
        pw.add(weak)
        pw.raise_to(0.55)
    elif weak and weak[0].name == "password refused" and knows is None and (cant := first_hit(p, CANT_LOGIN)):
        pw.add([*weak, cant])  # "password won't work, can't get in to anything": a reset, unless an unlock is said
        pw.raise_to(0.65)
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
        forgot_like = any(
            h.name in ("forgot", "forgot it", "expired", "compromised", "reset link", "can't change") for h in strong
        )
        if forgot_like or (knows is None and mistype is None):
            pw.add(locked)
            un.score = 0.0
        else:
            pw.score = 0.0
    return pw, un
