"""Rule 16: several requests in one ticket -> no_action.

Found three ways, from the most to the least explicit: a connector or a count ("also", "ademas", "two things",
"both"; in :mod:`.connectors`); a known kind of second problem in a sentence apart from the request (broken equipment or software, an
install, access to a share, "either / non plus / tampoco", someone asked to come and look); and, structurally, any
sentence apart from the request that uses no runbook word yet asks IT for something with an object ("can you send
me the expenses template") or reports a present-tense fault ("the coffee machine doesn't work"). A sentence that
says its problem is solved, or that no action is needed, is background and never counts. Quiet beats unsafe: an
IT admin loses a minute on a missed proposal, but a wrong one invites a rubber stamp.
"""

from __future__ import annotations

import re

from .fastre import FastRe
from .guards import main_ask, solved_in
from .lexicon import RUNBOOK_WORDS
from .text import Prepared

# "im 2. OG", "på 1. sal": an ordinal's dot does not end a sentence
_SENTENCE = re.compile(r"[.!?](?<! \d[.!?])[.!?]*(?=\s|$)|\n")


# --- rule 16: a second problem with equipment, in a sentence of its own ---------------------------------------
EQUIPMENT = FastRe(
    r"\b(?:printers?|monitors?|screens?|keyboards?|mouse|headsets?|docks?|docking station|scanners?|projectors?|webcams?|"
    r"chargers?|laptops?|notebooks?|computers?|drucker|bildschirm|tastatur|maus|rechner|impresoras?|"
    r"pantallas?|teclado|raton|portatil|ordenador|imprimantes?|ecran|clavier|souris|ordinateur|stampanti?|schermo|"
    r"tastiera|portatile|impressoras?|ecra|computador|scherm|toetsenbord|muis|skrivare|skriver|skjerm|skarm|"
    r"tangentbord|ploter|printern|skrivaren|skriveren|printeren|plottern|plotteren|skarmen|skaermen|skjermen|datorn|"
    r"tastaturet|tangentbordet|wifi|wi-fi|wlan|internet|network|reseau|netzwerk|rete|rede|netwerk|plotters?|copiers?|photocopiers?|"
    r"fax|label printer|traceur|plotter|kopierer|fotocopiadora|fotocopiatrice|copiadora)\b"
)
_EQUIPMENT_FAULT = FastRe(
    r"\b(?:not working|isn't working|doesn't work|won't (?:print|turn on|start|charge|connect|work|boot)|stopped working|"
    r"broken|died|is dead|jammed|keeps (?:crashing|freezing|disconnecting|flickering)|crashes|flickers|"
    r"no (?:funciona|imprime|enciende|carga|arranca)|funktioniert nicht|geht nicht|druckt (?:nicht|nur)|startet nicht|"
    r"ladt nicht|kaputt|defekt|flackert|ne (?:marche|fonctionne|demarre|charge|s'allume|imprime) (?:plus|pas)|en panne|"
    r"non (?:funziona|stampa|si accende|carica|parte)|guast[oa]|nao (?:funciona|imprime|liga|carrega)|avariad[oa]|"
    r"werkt niet|doet het niet|print niet|start niet|laadt niet|kapot|virker ikke|fungerar inte|fungerer ikke|"
    r"funkar inte|trasig|keeps (?:dropping|disconnecting|restarting|rebooting|logging me out)|drops? (?:off|out)|"
    r"dropping (?:off|out)|won't connect|can't connect|printing (?:everything|all|only|blank|in)|parpadea|no se ve|scintille|n'affiche rien|zeigt (?:nichts|kein bild)|sfarfalla|non si vede|"
    r"pisca|nao aparece|knippert|geeft geen beeld|flimrer|flimmer|is missing|are missing|missing (?:a|the|some))\b"
)
# software that malfunctions (crashes, freezes, stops syncing) is a problem of its own; "can't get into Outlook" is
# the login's consequence and is not listed
_SOFTWARE = FastRe(
    r"\b(?:outlook|teams|excel|word|onedrive|sharepoint|calendar|calendario|kalender|agenda|browser|chrome|zoom|"
    r"intranet|erp|crm|app)\b"
)
_SOFTWARE_FAULT = FastRe(
    r"\b(?:keeps (?:crashing|freezing|closing|hanging)|crash(?:es|ing)|freez(?:es|ing)|(?:isn't|not|stopped|won't) "
    r"sync(?:ing)?|no sincroniza|ne se synchronise (?:plus|pas)|synchronisiert (?:\w+ )?nicht|sturzt (?:\w+ )?ab|"
    r"non si sincronizza|nao sincroniza|synchroniseert niet|loopt vast|se cuelga|plante|"
    # wrong behaviour reported: "shows all desks as taken even though the office is empty", "gives an error"
    r"even though|although|(?:shows|gives|throws) an? error|error message|fehlermeldung|mensaje de error|"
    r"message d'erreur|messaggio di errore|mensagem de erro|foutmelding)\b"
)
_EQUIPMENT_ASK = FastRe(
    r"\b(?:please|pls|can you|could you|can someone|could someone|would you|can i|could i|bitte|konnt ihr|konnen sie|"
    r"por favor|podeis|podriais|podrian|pueden|pouvez|pourriez|merci de|per favore|potete|potreste|podem|podiam|"
    r"kunnen jullie|kun je|graag|kan ni|kan dere|kan i|venligst|vennligst|snalla)\b[^.!?\n]{0,60}\b(?:check|look at|"
    r"take a look|fix|repair|replace|swap|exchange|prufen|uberprufen|reparieren|anschauen|ansehen|tauschen|"
    r"austauschen|revisar|revisad|mirar|mirad|arreglar|arreglad|reparar|verifier|regarder|reparer|remplacer|controllare|"
    r"controllate|sistemare|sistemate|riparare|sostituire|verificar|arranjar|consertar|substituir|nakijken|bekijken|"
    r"repareren|vervangen|kolla|sjekke|tjekke|fixa|reparera)\b"
)


_SECOND_ASK = FastRe(
    r"\b(?:please|pls|can you|could you|can someone|could someone|would you|bitte|konnt ihr|konnen sie|por favor|"
    r"podeis|podriais|podrian|pueden|pouvez|pourriez|merci de|per favore|potete|potreste|podem|podiam|kunnen jullie|"
    r"kun je|graag|kan ni|kan dere|kan i|venligst|vennligst|snalla)\b[^.!?\n]{0,60}\b(?:install|order|"
    r"installier\w*|bestell\w*|instal(?:ar|ad|en|eis)\b|pedi(?:r|d)\b|installer|commander|installare|installate|ordinare|"
    r"instalar|instalem|encomendar|installeren|bestellen|installera|installere|bestille)\b"
)
_RESOURCE = (
    r"(?:vpn|share|shared drive|network drive|folder|drive|sharepoint|site|channel|server|database|repo|repository|"
    r"shared mailbox|calendar|carpeta|unidad|dossier|lecteur|ordner|laufwerk|cartella|unita|pasta|unidade|map|schijf|"
    r"mapp|mappe)"
)
_ACCESS = r"(?:access|acceso|acces|zugriff|zugang|accesso|acesso|toegang|atkomst|tilgang|adgang)"
_ACCESS_ASK = FastRe(
    r"\b(?:need|needs|require|request|want|give me|grant me|(?:can|could|may) i (?:get|have)|necesito|necesitaria|"
    r"besoin|brauche|benotige|bisogno|mi serve|preciso|precisava|nodig|behover|trenger|brug for)\b[^.!?\n]{0,30}"
    r"(?:\b"
    + _ACCESS
    + r"\b[^.!?\n]{0,30}\b"
    + _RESOURCE
    + r"|\b"
    + _RESOURCE
    + r"[ -](?:\w+ )?"  # "VPN-Zugang", "VPN access"
    + _ACCESS
    + r")\b|\b(?:access|acceso|acces|zugriff|zugang|accesso|acesso|toegang)\b (?:to |a |al |au |auf |zum |zur |alla |ao |tot )?"
    r"(?:the |la |el |le |den |die |das |il |o |a |de |het )?"
    + _RESOURCE
    + r"\b[^.!?\n]{0,30}\b(?:please|por favor|svp|bitte|per favore|graag|needed|necesario|notig|nodig)\b"
)


# "... isn't syncing either", "ne marche pas non plus": another problem, said to come on top
_ALSO_BROKEN = FastRe(
    r"\b(?:isn't|doesn't|won't|can't|not|no longer|aren't|don't)\b[^.!?\n]{0,60}\beither\b|\bnon plus\b|\btampoco\b|"
    r"\bauch nicht\b|\b(?:neanche|nemmeno|neppure)\b|\btambem nao\b|\book niet\b|\bheller ikke\b|\binte heller\b"
)
# ... said of something other than the login itself ("je ne connais pas mon mot de passe non plus" is the same problem)
_LOGIN_WORDS = FastRe(
    r"\b(?:pass ?words?|passwor[dt]\w*|kennw[oe]rt\w*|contrasen\w+|clave|mots? de passe|senhas?|wachtwoord\w*|"
    r"palavras?-passe|passord\w*|losenord\w*|adgangskode\w*|accounts?|konto\w*|cuentas?|comptes?|conta|login|"
    r"mfa|2fa|authenticat\w*|locked|gesperrt|bloque\w*|bloccat\w*|geblokkeerd|nirgends|anmeld\w*|einlogg\w*|"
    r"rein|reinkomm\w*|sign in|log in|get in|acceder|entrar|connecter|"
    # "won't take the old one either", "weiß auch nicht mehr, welches das alte war": the old password
    r"the old one|das alte|den alten|el antiguo|la antigua|l'ancien|l'ancienne|het oude|quello vecchio)\b"
)
# a sentence opening with "also" about equipment: "Also the A0 plotter is printing everything in magenta"
_ALSO_OPENER = re.compile(
    r"(?:^|[.!?\n]\s*)(?:and )?(?:also|plus|ademas|aussi|en plus|ausserdem|inoltre|alem disso|daarnaast|dessutom|"
    r"desuden|ogsa)\b"
)


def software_problem(p: Prepared, starts: list[int]) -> str | None:
    """Rule 16 without a connector: "Excel keeps crashing" in a sentence of its own, beside the request."""
    if not _SOFTWARE.maybe(p.live) or not _SOFTWARE_FAULT.maybe(p.live):
        return None
    asides = _asides_end(p)
    for m in _SOFTWARE_FAULT.finditer(p.cue, live=p.live):
        lo, hi = sentence(p, m.start())
        if any(lo <= s < hi for s in starts) or _LOGIN_WORDS.search(p.cue, lo, hi, live=p.live) or hi <= asides:
            continue
        if _SOFTWARE.search(p.cue, lo, hi, live=p.live) and not solved_in(p, lo, hi):
            return excerpt(p, lo, hi)
    return None


# "The hoist in room 14 has a warning light on, can someone look?": asked to look at something that is not the login
_LOOK_ASK = FastRe(
    r"\b(?:can|could|would) (?:someone|somebody|you|anyone|one of you) (?:please )?(?:come and )?(?:look|check|have a "
    r"look|take a look|fix|repair|come)\b|\b(?:podeis|podriais|puede alguien) (?:mirar|revisar|arreglar)\w*|"
    r"\b(?:pouvez-vous|pourriez-vous|quelqu'un peut-il) (?:regarder|verifier|reparer|passer)\b|"
    r"\b(?:konnt ihr|kann (?:sich )?(?:jemand|einer)) (?:\w+ )?(?:anschauen|ansehen|prufen|reparieren|vorbeikommen)\b|"
    r"\b(?:potete|puo qualcuno) (?:\w+ )?(?:controllare|guardare|sistemare|riparare)\b|"
    r"\b(?:podem|alguem pode) (?:\w+ )?(?:verificar|ver|arranjar|reparar)\b|"
    r"\b(?:kunnen jullie|kan iemand) (?:\w+ )?(?:kijken|nakijken|repareren)\b"
)
# ... unless the sentence asks about the request itself: "can you check why", "could you look into it"
_WHY = re.compile(
    r"\b(?:why|por que|porque|pourquoi|warum|perche|waarom|varfor|hvorfor)\b|\b(?:look|check|fix|sort|repair|come)"
    r"(?: (?:at|into|over|out))? (?:it|this|that|me|things|my account|mine)\b"
)
# access to a share or folder asked for, in any sentence: "... und mir außerdem Zugriff auf den Ordner X geben"
_ACCESS_GIVE = FastRe(
    r"\b(?:access|acceso|acces|zugriff|zugang|accesso|acesso|toegang|atkomst|tilgang|adgang)\b (?:\S+ ){0,5}?"
    + _RESOURCE
    + r"\b[^.!?\n]{0,40}\b(?:geben|gewahren|einrichten|dar|donner|dare|geven|ge|gi|give|grant)\b"
)


def second_request(
    p: Prepared, starts: list[int], *, group: bool, licence: bool = False, hire: bool = False
) -> str | None:
    """Rule 16 without a connector: a sentence of its own asks for something else -- broken equipment or software,
    an install, someone to come and look at a thing, or (unless the request is a group, which is how access is
    given) access to a share, folder or VPN. On a starter form (``hire``) a field line such as "Mobile: please
    order an iPhone" is the hire's equipment (rule 11), not another request."""
    found = equipment_problem(p, starts) or (None if licence else software_problem(p, starts))
    if found is not None:
        return found
    if not group:
        given = _ACCESS_GIVE.search(p.cue, live=p.live) if _ACCESS_GIVE.maybe(p.live) else None
        if given is not None:
            return " ".join(given.group(0).split())[:80]
    forwarded = _FORWARDED.search(p.cue)  # an ask inside a forwarded mail was made of someone else
    asides = _asides_end(p)
    checks = (_SECOND_ASK, _ALSO_BROKEN, _LOOK_ASK) if group else (_SECOND_ASK, _ALSO_BROKEN, _LOOK_ASK, _ACCESS_ASK)
    for check in checks:
        if not check.maybe(p.live):
            continue
        m = check.search(p.cue, live=p.live)
        while m is not None:
            lo, hi = sentence(p, m.start())
            about_login = check in (_ALSO_BROKEN, _LOOK_ASK) and (
                _LOGIN_WORDS.search(p.cue, lo, hi, live=p.live) is not None
                or (check is _LOOK_ASK and _WHY.search(p.cue, lo, hi) is not None)
            )
            in_field = hire and _FIELD_LINE.match(p.cue, p.cue.rfind("\n", 0, m.start()) + 1) is not None
            quoted = check is _SECOND_ASK and _after(forwarded, m.start())
            refused = _DONT.match(m.group(0)) is not None  # "please don't send me the install guide again"
            aside = hi <= asides  # "... not your problem either. The actual issue: ..."
            if not about_login and not in_field and not quoted and not refused and not aside and not any(lo <= s < hi for s in starts):
                return " ".join(m.group(0).split())[:80]
            m = check.search(p.cue, m.end(), live=p.live)
    return None


_DONT = re.compile(r"(?:please |pls |kindly )?(?:don't|do not|dont|no need to)\b")
_FIELD_LINE = re.compile(r"[ \t|*>-]*[\w ]{1,25}\s*[:|]")


_TRIED = re.compile(r"\btried (?:\d|it|again|several|a few|twice|three|many)")


def _asides_end(p: Prepared) -> int:
    """Where the asides end when the ticket says what it is really about ("... the coffee machine died, which isn't
    your problem. The actual issue: ..."): what comes before the marker asks nothing of IT."""
    marker = main_ask(p.cue)
    return marker[0] if marker is not None else -1


def excerpt(p: Prepared, lo: int, hi: int) -> str:
    """``cue[lo:hi]`` on one line, cut to 80 characters: the words a refusal quotes."""
    return " ".join(p.cue[lo:hi].split())[:80]


def sentence(p: Prepared, at: int) -> tuple[int, int]:
    lo = 0
    for stop in _SENTENCE.finditer(p.cue, max(0, at - 240), at):
        lo = stop.end()
    end = _SENTENCE.search(p.cue, at)
    return lo, end.start() if end else len(p.cue)


# a problem told as background: "the tablet died, so I finished on paper (no action needed)"
NOTHING_ASKED = re.compile(
    r"\b(?:no action (?:needed|required)|nothing (?:to do|needed)|no need to|just fyi|for info|not urgent|"
    # where to reach the person: "le podéis llamar al 655 ...", "ring her on 087 ..."
    r"(?:le|la|me) (?:podeis|puedes|pueden) llamar|(?:call|ring) (?:him|her|me) (?:on|at)|appelez-(?:le|la)|"
    r"(?:so )?ignore (?:that|this|it|me)(?: too| as well)?|no action for you|nothing for you|(?:i'll|i can|i will) live with it|"
    # where a thing is, for whoever looks: "the projector remote is in my drawer if anyone's looking for it"
    r"(?:if|in case) (?:anyone|anybody|someone|somebody)(?:'s| is)? (?:looking|needs|wants|asks)|"
    r"already (?:reported|logged|raised) (?:that|it|this)(?: one)?|"
    r"not your (?:problem|department|area|job|concern)|joking|just so you know|not you\b|kein handlungsbedarf|"
    r"do you (?:want|need) me to (?:forward|send) (?:you )?(?:the|it|that)|(?:i've|i have) sorted (?:those|that|it|them) with|"
    r"(?:sonst|ansonsten) nichts (?:andern|machen|anfassen)|(?:don't|do not) (?:touch|change) anything else|"
    r"nothing else (?:needed|on (?:the|her|his) account)|"
    r"je fais la demande a part|je m'en occupe|lo pido (?:yo )?aparte|ich beantrage (?:das|es|sie) (?:separat|selbst)|"
    r"(?:take|raise) (?:that|it|this) (?:up )?with (?:facilities|maintenance|estates|hr|the caretaker)|rather than you|"
    r"aucune action (?:requise|necessaire)|rien a faire|no hace falta (?:hacer )?nada|"
    r"(?:i've|i have|i) (?:told|reported it to|let|rung|called|emailed) (?:facilities|maintenance|estates|the caretaker|"
    r"building services)|"
    r"(?:podeis|puedes|pueden) llamar(?:la|le|me)|not an it (?:question|thing|issue|problem)|"
    r"i'll raise (?:it|that|this) separately|will raise (?:it|that|this) separately|"
    # someone else is on it: "he'll need a radio and keys as well but Tom is sorting those"
    r"(?:but|and) [a-z]+ (?:is|are|'s) (?:sorting|handling|arranging|organising|organizing|dealing with|getting) "
    r"(?:those|that|them|it|these)|"
    # someone else's job, said so: "the coffee machine was broken, but that is facilities, I know"
    r"(?:that'?s|that is|it'?s|it is) (?:one )?(?:for )?(?:facilities|maintenance|the caretaker|building services|"
    r"not (?:for )?(?:you|it|an it (?:thing|issue|problem))))\b"
)


# why the phone was replaced (rule 10's cause): "has a new work phone as the screen died on the old one"
_PHONE_REPLACED = re.compile(
    r"\b(?:new|replacement) (?:\w+ )?(?:phone|mobile|handset|iphone)\b[^.\n]{0,30}\b(?:as|because|since|after|when) "
    r"(?:the |her |his |my )?(?:\w+ )?(?:screen|battery|old one|old phone)\b"
)


_PHONE_WORD = re.compile(r"\b(?:phone|handset|mobile|iphone|pixel|handy|movil|telephone|telefono|portable|smartphone)\b")


def equipment_problem(p: Prepared, starts: list[int]) -> str | None:
    """Rule 16 without a connector: a sentence of its own reports broken equipment or asks for it to be checked
    ("Bitte den Drucker in Halle 2 prüfen"), apart from the sentence that holds the request."""
    if not EQUIPMENT.maybe(p.live):
        return None
    asides = _asides_end(p)
    for m in EQUIPMENT.finditer(p.cue, live=p.live):
        lo, hi = sentence(p, m.start())
        if any(lo <= s < hi for s in starts) or _PHONE_REPLACED.search(p.cue, lo, hi) or hi <= asides:
            continue
        if _PHONE_WORD.search(p.cue, max(0, lo - 160), hi):
            continue  # "a heifer stood on my work phone ... Screen is gone, won't turn on": the phone's damage
        found = (
            _EQUIPMENT_FAULT.search(p.cue, lo, hi, live=p.live)
            or _EQUIPMENT_ASK.search(p.cue, lo, hi, live=p.live)
            or _ALSO_OPENER.match(p.cue, max(0, lo - 2), hi)
        )
        # "The monitor flickers when the heating kicks in. No action needed, I've swapped it": the next words count
        if found is not None and not solved_in(p, lo, hi) and NOTHING_ASKED.search(p.cue, lo, min(len(p.cue), hi + 40)) is None:
            return excerpt(p, lo, hi)
    return None


# --- rule 16, structurally: any sentence of its own that asks IT for something or reports a fault ----------------
_ASK_MARKER = FastRe(
    r"\b(?:can you|could you|would you|can someone|could someone|can somebody|can anyone|could anyone|podeis|podriais|"
    r"pouvez-vous|pourriez-vous|konnt ihr|konnen sie|konntet ihr|potete|potreste|podem|podiam|podiam|kunnen jullie|"
    r"kunt u|kan ni|kan dere|kan i|voisitteko|voitteko)\b"
)
_FAULT_MARKER = FastRe(
    r"\b(?:isn't working|is not working|not working|doesn't work|does not work|stopped working|won't (?:open|load|start|"
    r"sync|print|work|connect|turn on|charge|boot)|keeps (?:crashing|freezing|closing|dropping|disconnecting|restarting)|"
    r"no funciona|no va|ne (?:marche|fonctionne) (?:plus|pas)|funktioniert (?:\w+ )?nicht|geht (?:\w+ )?nicht mehr|"
    r"non funziona|nao funciona|werkt (?:\w+ )?niet|doet het niet|virker ikke|fungerar inte|fungerer ikke)\b"
)
# what an ask of that kind is about when it is the same request or small talk
SAME_ASK = re.compile(
    r"\b(?:it|this|that|them|one|another|again|mine|my account|asap|today|quickly|urgently|soon|now|help|advise|confirm|let me know|"
    r"call|ring|phone me|text me|email me|reply|update me|get back|thanks|thank you|please\??$|do so|necessaire|necesario|"
    r"necessario|notige|nodige|what's needed|what is needed|the needful|the (?:change|switch|swap|upgrade|move)|el cambio|"
    r"set (?:him|her|them|[a-z]+) up|(?:mich|ihn|sie) (?:\w+ ){0,2}(?:hinzufugen|aufnehmen|eintragen)|add (?:me|him|her) (?:to it|there)|(?:mir|ihm|ihr) (?:die|das|den|sie|es) (?:zuweisen|geben|freischalten)|"
    r"le changement|la modifica|die umstellung|den wechsel|o cambio|a troca)\b"
)


# Words of any runbook request: a sentence using them is this request or another runbook one (which the evidence
# for two intents already catches), never an unrelated ask.


# where a forwarded or quoted mail begins: "---------- Forwarded message ---------", or "From: ..." then "Sent: ..."
_FORWARDED = re.compile(
    r"-{3,} ?(?:forwarded message|original message) ?-{3,}|"
    r"^[ \t>]*(?:from|von|de)[ \t]*:.*\n(?:.*\n){0,2}?[ \t>]*(?:sent|date|datum|fecha)[ \t]*:",
    re.M,
)


def _after(forwarded: re.Match[str] | None, pos: int) -> bool:
    """Whether ``pos`` lies inside the forwarded mail: an ask there was made of someone else."""
    return forwarded is not None and pos > forwarded.start()
PHONE_LINE = re.compile(r"\b(?:numero|number|nummer|phone|movil|telefono|handy|sim|mobile|telephone)\b")
_OFFICE_APP = re.compile(
    r"\b(?:excel|word|outlook|teams|powerpoint|onenote|sharepoint|desktop apps?|office apps?|web version|"
    r"visio|power bi|project)\b"
)


def other_ask(p: Prepared, starts: list[int], *, licence: bool = False, mfa: bool = False) -> str | None:
    """A sentence apart from the request, not about the login, that asks IT to do something or reports something
    broken: "The hoist has a warning light on, can someone look?", "The shared calendar isn't working either".
    For a licence request (``licence``) an Office app's trouble is why it is asked ("need Excel desktop, the web
    version keeps crashing")."""
    forwarded = _FORWARDED.search(p.cue)
    asides = _asides_end(p)
    for check in (_ASK_MARKER, _FAULT_MARKER):
        if not check.maybe(p.live):
            continue
        for m in check.finditer(p.cue, live=p.live):
            lo, hi = sentence(p, m.start())
            if any(lo <= s < hi for s in starts) or RUNBOOK_WORDS.search(p.cue, lo, hi, live=p.live) or hi <= asides:
                continue
            if licence and _OFFICE_APP.search(p.cue, lo, hi):
                continue
            if mfa and (PHONE_LINE.search(p.cue, lo, hi) or _PHONE_WORD.search(p.cue, max(0, lo - 160), lo)):
                continue  # "tengo número nuevo (el antiguo ya no funciona)": why the second factor is reset
            if _after(forwarded, m.start()):
                continue  # "Can you sort his PPE order" inside a forwarded mail was asked of someone else
            if solved_in(p, lo, hi) or NOTHING_ASKED.search(p.cue, lo, hi) or _TRIED.search(p.cue, lo, hi):
                continue  # ("tried 2-3 times, not working": the login tried, the same problem)
            tail = p.cue[m.end() : hi] if check is _ASK_MARKER else ""
            # an ask of its own names what it is about: a verb and an object ("send me the new expenses template"),
            # not a pronoun ("me la podéis asignar", "kan dere nullstille det")
            if check is _ASK_MARKER and (len(tail.split()) < 3 or SAME_ASK.search(tail)):
                continue
            return excerpt(p, lo, hi)
    return None
