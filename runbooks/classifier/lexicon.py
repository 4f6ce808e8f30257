"""Multilingual word lists, as regular-expression fragments over folded text (lower case, no accents).

English, Spanish, French and German are covered in depth; Italian, Portuguese, Dutch and the Nordic languages
for the everyday words of each intent, with a little Finnish, Icelandic and Polish. Keep each list to words that
mean the same thing in every context they can appear in; anything ambiguous belongs in a combination in
:mod:`.access` or :mod:`.lifecycle`. The second-factor and phone words live in :mod:`.lexicon_mfa`.
"""

from __future__ import annotations

from .cues import alt
from .fastre import FastRe
from .lexicon_mfa import MFA, PHONE, PHONE_EVENT

B = r"\b"

# --- the company login -------------------------------------------------------------------------------------
PASSWORD = alt(
    r"pass ?words?",
    r"passwor[dt]\w*",
    r"pas+w(?:ro|o)r?d\w*|passowrd\w*|passwrd\w*",  # typed in a hurry: "pasword", "passwrod", "passowrd"
    r"kennw[oe]rt\w*",
    r"contrasen\w+",
    r"contrasinal\w*",  # Galician
    r"clave",
    r"mots? de pas+e",
    r"mdp",
    r"senhas?",
    r"wachtwoord\w*",
    r"palavras?-passe",
    r"passord\w*",
    r"lykilord\w*",
    r"has(?:lo|la)",
    r"hesl(?:o|a|em)",  # Czech
    r"losenord\w*",
    r"adgangskode\w*",
    r"salasan\w+",
    r"jelszo\w*",
    r"login password",
    r"credentials",
    r"parola d'ordine",
    r"cyfrinair",
)
FORGOT = alt(
    r"forg[oe]t\w*+(?! to (?:update|change|sync|tell|log|sign|save|put|enter|type|mention|switch|turn|remove|cancel|add|charge|bring|take))",  # not "forgot to update it on my phone"
    r"(?:gone|vanished|disappeared) (?:\w+ )?(?:from|out of) my (?:head|memory|mind|brain)|slipped my mind|"
    r"(?:completely |totally )?left my (?:head|mind|brain)",
    r"can't (?:remember|recall|recollect)",
    r"couldn't (?:remember|recall)",
    r"(?:don't|do not|no longer) (?:remember|recall|know)",
    r"not sure (?:\w+ ){0,2}(?:what|which|if|whether)",
    r"(?:unsure|uncertain) (?:\w+ ){0,2}(?:what|which|of)",
    r"weiss (?:\w+ )?nicht,? ob",
    r"no se si",
    r"ne sais (?:pas|plus) si",
    r"non so se",
    r"nao sei se",
    r"weet (?:\w+ )?niet of",
    r"vet inte om",
    r"blank(?:ed)? on",
    r"blanked",
    r"lost my",
    r"no idea what",
    r"muddled",
    r"wiped my",
    r"(?:drawn|drew|draw) a blank",
    r"(?:mind|brain|head) (?:has |had |just )?(?:gone|went) blank",
    r"mixed up",
    r"olvid\w+",
    r"(?:brain|head|mind|memory) (?:has |have |is |went )?(?:deleted|wiped|erased|blank|gone blank|dropped)",
    r"oblidat\w*",  # Catalan: "he oblidat la contrasenya"
    r"no (?:me |la |lo )?(?:acuerdo|recuerdo)",
    r"no (?:se |le |la |lo )?(?:acuerda|recuerda|recuerdan)",
    r"ya no (?:se|la se|recuerdo)",
    r"oubli\w*",
    r"ne (?:me )?(?:souviens|rappelle)",
    r"vergess\w*",
    r"vergass\w*",
    r"weiss \w+ nicht mehr",
    r"nicht mehr (?:weiss|wissen|einfallt)",
    r"dimentica\w*",
    r"non (?:mi )?ricordo",
    r"esquec\w+",
    r"esqueci\w*",
    r"nao (?:me )?lembro",
    r"vergeten",
    r"kwijt",
    r"nao sei (?:qual|a |mais|mesmo)",
    r"no se (?:cual|que) ",
    r"ne sais (?:plus|pas) (?:quel|mon|le)",
    r"weiss (?:\w+ )?nicht (?:mehr|welches)",
    r"non so (?:piu|qual)",
    r"weet (?:\w+ )?niet (?:meer|welk)",
    r"weet \w+ niet meer",
    r"gleym\w*",
    r"man ekki",
    r"glemt",
    r"glomt",
    r"zapomnia\w*",
    r"unohd\w*",
    r"en muista",
    r"husker ikke",
    r"(?:gone|went|slipped|vanished) (?:\w+ ){0,2}out of my (?:head|mind)",
    r"slipped my mind",
    r"for the life of me",
    r"no clue (?:what|which)",
    r"minns inte",
    r"kan (?:ikke|inte) (?:huske|komma ihag)",
    r"nie pamietam",
)
RESET = alt(
    r"reset\w*",
    r"athshocr\w*",  # Irish
    r"re-set",
    r"restablec\w*",
    r"restablir\w*",  # Catalan
    r"nollstall\w*|nullstill\w*",  # Swedish, Norwegian
    r"reestablec\w*",
    r"resete\w*",
    r"reinicia\w*",
    r"reinicie\w*",
    r"reinitialis\w*",
    r"reinitializ\w*",
    r"zurucksetz\w*",
    r"zuruckzusetz\w*",
    r"zurueck\w*",
    r"neu (?:setzen|vergeben)",
    r"reimposta\w*",
    r"resetta\w*",
    r"redefin\w*",
    r"resetar",
    r"repor",
    r"repon(?:ham|ha|ham-me|ha-me)",
    r"repoe\w*",
    r"opnieuw instellen",
    r"herstellen",
    r"endurstill\w*",
    r"aterstall\w*",
    r"nulstil\w*",
    r"tilbakestill\w*",
    r"nollat\w*",
    r"nollaa\w*",
    r"zresetowa\w*",
    r"resetowa\w*",
)
EXPIRED = alt(
    r"expired",
    r"has expired",
    r"expire\b",
    r"a expire",
    r"caducad[oa]",
    r"ha caducado",
    r"expirad[oa]",
    r"abgelaufen",
    r"scadut[oa]",
    r"expirou",
    r"verlopen",
    r"runnid ut",
    r"gatt ut",
    r"utlopt",
    r"udlobet",
)
COMPROMISED = alt(
    r"phish\w*",
    r"compromis\w*",
    r"comprometid\w*",
    r"kompromittiert",
    r"breach\w*",
    r"hack(?:ed|ers?)",
    r"gehackt",
    r"pirate",
    r"leak(?:ed)?",
    r"pwned",
    r"fake (?:login|sign-?in|page|site|website|link|email)",
    r"suspicious (?:page|site|website|link|email|login|sign-?in|form)",
    r"scam\w*",
    r"fraudulent",
    r"someone (?:else )?(?:may |might |could |probably )?(?:have|has|knows?|got|used|is using|logged in with)",
    r"(?:weird|strange|unknown|unrecogni[sz]ed|unusual|foreign) (?:sign-?ins?|log-?ins?|logins?)",
)

# --- accounts ----------------------------------------------------------------------------------------------
LOCKED = alt(
    r"(?<!un)locked(?: out)?",
    r"(?<!un)lock(?:ed|s)? (?:me|him|her) out",
    r"lock-?out",
    r"lockout",
    r"locks? me out",
    r"(?<!ent)gesperrt",
    r"(?:compte|session|usager|utilisateur) (?:est |a ete |s'est |est rendu )?barree?",  # Quebec French: "mon compte est barré"
    r"ausgesperrt",
    r"bloquead[oa]s?\b",
    r"(?:se|me) (?:ha |han )?bloquead[oa]\b",
    r"(?:han|ha) bloqueado\b",
    r"bloquee?s?\b",
    r"verrouille\w*",
    r"bloccat[oa]",
    r"bloquej\w*",  # Catalan: "el compte s'ha bloquejat"
    r"bloquedad[oa]",  # a common slip for "bloqueada"
    r"geblokkeerd",
    r"vergrendeld",
    r"laest\w*",
    r"\b(?:er|ar|blev|ble|blitt|vart|har blitt) last\b",
    r"\blast ute\b",
    r"lukittu",
    r"spaerret",
    r"buitengesloten",
    r"utelast",
    r"zablokowan\w*",
    r"zablokovan\w*",  # Czech
    r"zablokowal\w*",
    r"lukossa",
    r"lukkoon",
    r"lukkiutu\w*",
    r"wedi'?i gloi|wedi cloi",
)
UNLOCK = alt(
    r"unlock\w*",
    r"un-lock\w*",
    r"unblock\w*",
    r"desbloque\w*",
    r"desbloquear\w*",
    r"debloqu\w*",
    r"debarr\w*",
    r"odemcen\w*|odemknout|odemknete|odblokov\w*",
    r"deverrouill\w*",
    r"entsperr\w*",
    r"freischalt\w*",
    r"freigeben",
    r"sblocca\w*",
    r"ontgrendel\w*",
    r"deblokk\w*",
    r"odblok\w*",
    r"las[ae] (?:\w+ ){0,2}op+\b",
    r"lasa upp",
    r"opna\w*",
    r"avat(?:a|kaa)\b",
    r"lukituksen (?:avaus|avaaminen|poisto)",
    r"n?d?datgloi\w*",
)
ACCOUNT = alt(
    r"accounts?",
    r"log ?ins?",
    r"sign[- ]?in",
    r"users?",
    r"usernames?",
    r"windows",
    r"okta",
    r"outlook",
    r"email",
    r"network",
    r"konto\w*",
    r"benutzer\w*",
    r"zugang\w*",
    r"anmeld\w*",
    r"cuentas?",
    r"usuario\w*",
    r"compte\w*",
    r"utilisateur\w*",
    r"session",
    r"conta",
    r"utente",
    r"aadgang\w*",
    r"adgang\w*",
    r"aðgang\w*",
    r"gebruiker\w*",
    r"tili\w*",
)
LICENCE_WORD = alt(
    r"licen[cs]es?\b",
    r"licen[cs]ias?\b",
    r"llicencia\w*",  # Catalan
    r"licen[cs]as?\b",
    r"licenzas?\b",
    r"licenties?\b",
    r"licens\b",
    r"lisens\b",
    r"lisen[cs]es?\b",
    r"lizenz(?:en)?\b",
    r"seats?",
    r"subscriptions?",
    r"abonnement",
    r"suscripcion",
    r"leyfi",
    r"licencj\w*",
    r"lisenssi\w*",
)
GROUP_WORD = alt(
    r"groups?",
    r"grupos?",
    r"grups?",  # Catalan
    r"groupes?",
    r"gruppen?",
    r"gruppo",
    r"gruppi",
    r"groep(?:en)?",
    r"distribution lists?",
    r"security groups?",
    r"hop(?:ur|inn|num)",
)

# the self-service reset's own pieces belong to the password request: "it says my security answers are wrong too"
SELF_SERVICE = r"self-service|self service|security (?:questions?|answers?)|recovery (?:questions?|answers?|email|code)"
RUNBOOK_WORDS = FastRe(
    r"\b"
    + alt(
        PASSWORD,
        RESET,
        UNLOCK,
        LOCKED,
        MFA,
        PHONE,
        LICENCE_WORD,
        GROUP_WORD,
        ACCOUNT,
        r"create\w*|set ?up|aanmaken|crear\w*|anlegen|creer|creare|criar|skapa|opret\w*|disabl\w*|deactivat\w*|"
        r"suspend\w*|desactiv\w*|deaktivier\w*|disattiv\w*|desativ\w*|uitschakel\w*|add(?:ed|ing|s)?\b|remov\w*|"
        r"[\w.+-]+@",
        r"e[135]|f3|visio|power ?bi|business (?:basic|standard|premium)|m365|o365|office 365|microsoft 365",
        SELF_SERVICE,
        r"link\b[^.\n]{0,40}\bexpired",  # the reset link: "the link doesn't work, it just says it's expired"
    )
)

__all__ = [
    "ACCOUNT",
    "COMPROMISED",
    "EXPIRED",
    "FORGOT",
    "GROUP_WORD",
    "LICENCE_WORD",
    "LOCKED",
    "MFA",
    "PASSWORD",
    "PHONE",
    "PHONE_EVENT",
    "RESET",
    "RUNBOOK_WORDS",
    "SELF_SERVICE",
    "UNLOCK",
    "B",
]
