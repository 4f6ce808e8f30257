"""A person named without an email as the subject of the problem, in any ticket language (rule 2):
"Marco ha dimenticato la password", "a Ana da contabilidade esqueceu-se da senha", "María López no puede entrar",
"Jan de Boer is uit dienst".

The name must be followed, within its clause and a few words, by a word for the state the request is about
(forgot, locked, lost, leaving, can't get in, needs ...); the clause must not be about the writer (no "I", "my",
"mi", "ich", "je" or first-person verb), and the name must not be the writer introducing themselves ("soy Marta",
"this is Tom") or spelling the reporter's own address.
"""

from __future__ import annotations

import re
import unicodedata

from .fastre import FastRe
from .names import is_name_token, is_title, spells_local
from .text import Prepared

# What the request is about, said of someone (folded, for the gate; the same words unaccented, for the match).
_STATE = (
    r"forg[oe]t\w*|vergess\w*|vergass\w*|vergeten|dimentica\w*|esquec\w*|olvid\w*|oubli\w*|glemt|glomt|gleym\w*|"
    r"locked|bloque\w*|bloqu\w*|gesperrt|bloccat\w*|geblokkeerd|last ute|er last|ar last|lukittu|"
    r"lost|perdu|perdid[oa]|pers[oa]|perdeu|perdio|verloren|kwijt|tappat|mistet|mist|"
    r"left|leaving|resign\w*|retir\w*|quitte|lascia|deja|sai da|verlasst|vertrekt|slutar|slutter|stopper|uit dienst|"
    r"log (?:in|on)|sign (?:in|on)|get in|entrar|acceder|accedere|aceder|connecter|anmelden|einloggen|inloggen|logga in|"
    r"logge (?:inn|ind)|new (?:phone|mobile|iphone)|nuevo movil|neues handy|nuovo (?:telefono|cellulare)|"
    r"novo telemovel|nieuwe telefoon|ny (?:telefon|mobil)|sin acceso|sans acces|ohne zugang|senza accesso|sem acesso|"
    r"zonder toegang|(?:no puede|ne peut plus|ne peut pas|kann (?:sich )?nicht|non riesce a|nao consegue|kan niet|"
    r"kan inte|kan ikke) (?:\w+ )?(?:entrar|acceder|connecter|anmelden|einloggen|accedere|entrare|entrar|aceder|"
    r"inloggen|logga in|logge inn|logge ind)"
)
_GATE = FastRe(r"\b(?:" + _STATE + r")")
_NAME = r"[A-Z][a-z][\w'-]+(?:[ \t]+(?:(?:van|von|de|der|den|da|das|dos|do|di|del|della|du|la|le|ter|ten|te)[ \t]+){0,2}[A-Z][a-z][\w'-]+)?"
_SUBJECT = re.compile(
    r"(?P<who>" + _NAME + r")(?:'s)?(?P<gap>(?:[ \t]+[^\s.!?,;:()<>@]+){0,4}?)[ \t]+(?i:(?P<state>" + _STATE + r"))\b"
)
# The writer: first-person words and verb forms of the ticket languages (singular: "our colleague" is not "I").
_FIRST_PERSON = re.compile(
    r"(?i:\b(?:i|i'm|i've|i'd|my|me|mine|myself|ich|mich|mir|mein\w*|habe|bin|yo|mi|mis|puedo|tengo|estoy|soy|"
    r"olvide|perdi|je|j'|moi|mon|peux|ai|suis|io|mio|mia|miei|ho|sono|riesco|posso|eu|meu|minha|tenho|estou|"
    r"consigo|esqueci|ik|mij|mijn|ben|heb|jag|mig|min|mitt|jeg|meg|mitt|minun|olen)\b)"
)
_SELF_INTRO = re.compile(
    r"(?i:\b(?:soy|je suis|ich bin|sono|sou|ik ben|jag heter|jeg heter|this is|i'm|i am|it's|c'est|hier ist|qui e|"
    r"aqui e|hier is|me llamo|mi chiamo|je m'appelle|ich heisse|mein name ist|my name is|from|de la part de|von|da "
    r"parte di)\s*$)"
)
_CLAUSE_END = re.compile(r"[.!?;:,\n]")
_CARRIER = re.compile(r"(?i:\b(?:sim|simkarte|sim-karte|nummer|rufnummer|tarjeta|carte sim|phone number|number)\b)")
# A lone first name is only read as a person when a third-person verb follows it ("Marco ha dimenticato") or a
# word before it introduces it ("a Ana", "il collega Luca"): a capitalised word opening a sentence is no name.
_AUX = re.compile(
    r"(?i:has|had|is|was|got|ha|hat|ist|est|e|heeft|har|er|ar|tem|esta|ne|n'|no|nao|non|kann|kan|can't|cannot|"
    # third-person reflexives: "Luis se ha quedado sin acceso", "Marco si e bloccato", "Jan heeft zich ..."
    r"se|s'est|si|sich|zich|sig|seg|"
    r"couldn't|hatte|avait|aveva|tinha|still|also|just|said|says|dice|dit|sagt|zegt|sier|siger|sager)"
)
_INTRODUCED = re.compile(
    r"(?i:\b(?:a|o|la|el|il|lo|der|die|collega|colega|kollege|kollegin|collegue|colleague|co-?worker|companer[oa]|"
    r"compagn[oa]|kollega|medewerker|medewerkster|sig|sra|sr|frau|herrn?|mme|m|mr|mrs|ms|dr)\.?[ \t]+$)"
)
# Only a greeting's comma, a clause start or a conjunction before a lone name ("Hola, Marco ha ...").
_OPENING = re.compile(r"(?i:^[ \t]*(?:(?:and|y|et|und|e|en|og|och|but|pero|mais|aber|ma|mas|maar|also|too)[ \t]+)?$)")


def _unaccented(value: str) -> str:
    if value.isascii():
        return value
    return "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))


def _is_person(who: str) -> bool:
    tokens = [t for t in who.split() if not is_title(t)]
    if not tokens:
        return False
    return (
        is_name_token(tokens[0]) and is_name_token(tokens[-1]) and all(is_name_token(t) or t.islower() for t in tokens)
    )


def named_subject(p: Prepared, reporter: str | None = None) -> str | None:
    """Words naming someone other than the writer as the one with the problem, or None."""
    if not _GATE.maybe(p.live) or _GATE.search(p.cue, live=p.live) is None:
        return None
    text = _unaccented(p.text)
    local = reporter.split("@", 1)[0] if reporter and "@" in reporter else None
    body = len(p.summary) + 1  # a summary is headline words ("Telefono perso", "Har glemt"), not sentences
    for m in _SUBJECT.finditer(text, body):
        who = m.group("who")
        if not _is_person(who) or _FIRST_PERSON.search(m.group("gap")):
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        start = max([line_start] + [c.end() for c in _CLAUSE_END.finditer(text, line_start, m.start())])
        if _SELF_INTRO.search(text, max(line_start, m.start() - 30), m.start()):
            continue
        tokens = who.split()
        if len([t for t in tokens if not is_title(t)]) == 1 and not is_title(tokens[0]):
            gap = m.group("gap").split()
            aux = gap and _AUX.fullmatch(gap[0]) and _OPENING.match(text[start : m.start()])
            if not aux and not _INTRODUCED.search(text, max(line_start, m.start() - 30), m.start()):
                continue
        end = _CLAUSE_END.search(text, m.end())
        clause = text[start : end.start() if end else len(text)]
        if _FIRST_PERSON.search(clause) or _CARRIER.search(clause):
            continue  # ... or a phone line: "die SIM hat die Telekom schon gesperrt"
        if local and spells_local([t for t in who.split() if not is_title(t)], local):
            continue
        return " ".join(m.group(0).split())
    return None
