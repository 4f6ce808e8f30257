"""Rule 16, continued: a second topic opened in the same ticket, found from how people open it rather than from
what it is about.

Help-desk writers announce a second request with a small set of phrases in every language -- "while I have
you", "j'en profite pour", "aprovecho para", "bei der Gelegenheit", "già che ci siete", "ditto for Callum" -- and
report a second fault with a small set of shapes -- something "stopped appearing", "has vanished", "is spelt
wrong", "ne reconnaît plus", "ha dejado de funcionar". Either, in a sentence apart from the request that uses no
runbook word, makes the ticket ``no_action``: quiet beats a proposal that silently drops the other half.

Background stays background: a sentence said to be solved, one that says nothing is needed, thanks and
pleasantries ("by the way, thanks for last week") never count.
"""

from __future__ import annotations

import re

from .asks import ASK_OR_FAULT, FOLLOW_UP, NO_ASK, RESET_LINK, SMALL_TALK, hit, quiet
from .fastre import FastRe
from .guards import solved_in
from .lexicon import PASSWORD
from .multi import EQUIPMENT, NOTHING_ASKED, PHONE_LINE, SAME_ASK, excerpt, sentence
from .text import Prepared

# Phrases that open another request whatever follows (a runbook word after them is a second runbook request).
_OPENER = FastRe(
    r"\bwhile i(?: have|'ve got| got) you\b|\bwhilst i(?: have|'ve got| got) you\b|\bwhile i'm at it\b|"
    r"\bwhilst i'm at it\b|\bwhile we're at it\b|(?<=not )related,? but\b|\b(?:second|other|last|final) "
    r"(?:thing|request|question|point)\b|\bsecondly\b|"
    r"\baprovecho (?:para|y|el)\b|\bya que (?:estais|estas|estamos|esta)\b|"
    r"(?<!estoy )(?<!estaba )(?<!estare )(?<!voy )(?<!ando )(?<!esta )\bde paso\b|\botra cosa[,:]|"
    r"\bj'en profite\b|\bje profite\b|\btant que (?:vous y etes|j'y suis|tu y es)\b|\bau passage\b|\bautre chose[,:]|"
    r"\bd'autre part\b|"
    r"\bbei der gelegenheit\b|\bwo (?:ihr|sie|du) (?:gerade|schon) dabei\b|\bnoch (?:etwas|was)(?: anderes)?:|"
    r"\bapprofitto\b|\bgia che ci (?:siete|sei|sono|siamo)\b|\bun'altra cosa[,:]|\baltra cosa[,:]|"
    r"\baproveito (?:para|e)\b|\bja agora\b|\boutra coisa[,:]|"
    r"\bnu ik (?:jullie|je|u) toch\b|\bnog iets[,:]|\bmens jeg har (?:jer|dig|dere)\b|\bmedan jag har (?:er|dig)\b"
)
# The same done for someone else: a second user ("ditto for Callum", "pareil pour Léa").
_SAME_FOR = FastRe(
    r"\bditto (?:for|with)\b|\bsame (?:for|with) (?!me\b|us\b|the\b|all\b|every)|\bsame (?:goes|thing|applies) (?:for|with) "
    r"(?!me\b|us\b|the\b|all\b|every)|"
    r"\blikewise for\b|\bdo the same for\b|\blo mismo (?:para|con)\b|\bigual para\b|\bpareil pour\b|"
    r"\bidem (?:pour|para|per|voor|fur)\b|\bde meme pour\b|\bmeme chose pour\b|"
    r"\b(?:dasselbe|das ?gleiche|gleiches|ebenso) (?:bitte |auch |noch |gilt )?(?:fur|bei)\b|\blo stesso per\b|\bstessa cosa per\b|"
    r"\bo mesmo para\b|\bhetzelfde (?:geldt )?voor\b|\bdet samme (?:for|gaelder)\b|\bsamma sak for\b"
)
# Phrases that may open small talk too: they count only before a fault or an ask.
_ASIDE = FastRe(
    r"\bby the way\b|\bbtw\b|\bps(?::|-| )|\bp\.s\.|\boh and\b|\boh, and\b|\bon top of (?:that|this)\b|\bubrigens\b|\bnebenbei\b|\bapropos\b|\bpor cierto\b|"
    r"\bpor otro lado\b|\bau fait\b|\bpar ailleurs\b|\btra l'altro\b|\bdel resto\b|\ba proposito\b|\bpor falar nisso\b|"
    r"\btrouwens\b|\bverder\b|\bforresten\b|\bfor ovrigt\b|\bforovrigt\b|\bovrigens\b|\bi ovrigt\b"
)
# A second fault, told by its shape: something stopped doing what it did, vanished, is spelt wrong, prints
# nonsense, no longer works (said in any ticket language).
_FAULT = FastRe(
    r"\bstopped (?:appearing|showing|coming|loading|syncing|updating|printing|opening|connecting|responding|ringing|"
    r"receiving|sending|charging|scanning|playing|displaying|recogni[sz]ing|detecting|launching|starting|booting|saving|"
    r"pairing)\b|\b(?:vanished|disappeared|gone missing)\b|\b(?:missing|gone|vanished|disappeared) "
    r"from\b|\b(?:spelt|spelled|written|shown|showing|displayed|listed) (?:wrong(?:ly)?|incorrectly)\b|"
    r"\b(?:spelt|spelled) wrong\b|\bmisspel\w+|\btypo in my name\b|\b(?:showing|shows|displaying|displays) (?:the |a |an )?"
    r"(?:wrong|incorrect)\b|"
    r"\bkeeps printing\b|\bprints (?:every|each|everything|only|blank|double|twice|faded|streaks|lines)\b|\b(?:is|are) "
    r"printing (?:every|each|everything|all|only|blank|double|twice|faded|streaks|lines|in)\b|"
    r"\b(?:crackles|crackling|keeps buzzing|no sound)\b|"
    r"\btoner\b|"
    r"\bne (?:marche|fonctionne|s'allume|s'affiche|affiche|reconnait|imprime|charge|demarre|synchronise|repond|"
    r"sonne|s'ouvre|s'imprime|detecte) (?:\w+ )?plus\b|\bn'(?:affiche|imprime|apparait|ouvre|est plus reconnu)\w* plus\b|"
    r"\bya no (?:funciona|carga|enciende|imprime|aparece|sale|reconoce|abre|conecta|suena)\b|\b(?:ha dejado|dejo) de "
    r"(?:funcionar|cargar|imprimir|aparecer|sincronizar|conectar|sonar|encender)\b|"
    r"\b(?:geht|funktioniert|druckt|ladt|erkennt|zeigt|reagiert) (?:\w+ ){0,2}nicht mehr\b|\bist verschwunden\b|"
    r"\b(?:ladt|druckt|geht|funktioniert|lauft) (?:\w+ ){0,4}nur noch\b|\bzeigt (?:\w+ ){0,4}an,? obwohl\b|"
    r"\bnon (?:funziona|stampa|si accende|carica|parte|si apre|riconosce|compare|appare|si collega) piu\b|"
    r"\bha smesso di (?:funzionare|stampare|caricare|comparire|sincronizzar\w*|collegar\w*)\b|\bstampa (?:tutto|tutte|solo|male|sbiadit\w*|a righe)\b|\be sparit[oa]\b|"
    r"\b(?:werkt|doet het|print|laadt) niet meer\b|\bis verdwenen\b|\bherkent (?:\w+ ){0,2}niet meer\b|"
    r"\bdeixou de (?:funcionar|carregar|imprimir|aparecer|ligar|sincronizar)\b|\bja nao (?:funciona|liga|carrega|aparece|imprime)\b|\bdesapareceu\b|"
    r"\bvirker ikke (?:mere|lenger)\b|\bfungerer ikke (?:lenger|mere)\b|\bfungerar inte langre\b"
)

# A first-person ask for a thing: "Can I get a new headset too?", "Is there any way to get my mailbox increased?"
_SELF_ASK = FastRe(
    # (not the month: "for the audit in May I have to redraw the flow")
    r"\b(?:can|could|(?<!in )(?<!by )(?<!until )(?<!since )(?<!of )(?<!early )(?<!mid )(?<!late )may) i (?:also |please )?"
    r"(?:get|have|borrow|order)\b|"
    r"\bis (?:it|there) (?:possible|any way|a way) "
    r"to (?:get|have|increase|change|move|order|fix)\b|\bwould it be possible to (?:get|have|increase|change|move)\b|"
    r"\b(?:i'd|i would)(?: also)? like (?:a|an|another|some|my|to get|to have)\b|\bme gustaria (?:tener|pedir)\b|\bquisiera (?:tener|pedir)\b|\bj'aimerais (?:avoir|aussi)\b|"
    r"\bje voudrais (?:avoir|aussi)\b|\bich hatte (?:gern|gerne)\b|\bkonnte ich (?:\w+ )?(?:bekommen|haben)\b|"
    r"\bvorrei (?:avere|anche)\b|\be possibile avere\b|\bgostaria de (?:ter|pedir)\b|\bik (?:wil|zou) (?:ook )?graag\b|"
    r"\bkan ik (?:\w+ ){0,3}krijgen\b"
)


# Something else that ran out as well: "My Adobe subscription has expired as well" (a licence word, so not caught
# by the fault shapes, which skip sentences with runbook words) -- unless it is the password again.
_ALSO_EXPIRED = FastRe(
    # each branch starts with its rarest word, so the literal index keeps it asleep on most tickets
    r"\bexpired (?:as well|too)\b|\balso expired\b|\bauch abgelaufen\b|\bcaducado tambien\b|"
    r"\b(?:aussi|egalement) expire\w*\b|\bscadut[oa] anche\b|\book verlopen\b|\btambem expirou\b"
)
_PASSWORD = re.compile(PASSWORD)


def another_topic(p: Prepared, starts: list[int], *, mfa: bool = False) -> str | None:
    """A sentence apart from the request that opens another topic (a connector before a new request or fault,
    "ditto for ...") or reports a second fault or asks for a thing in the first person. For an MFA reset
    (``mfa``) an aside about the phone or the number is why it is asked ("el antiguo ya no funciona")."""
    live = p.live
    if _SAME_FOR.maybe(live):
        for m in _SAME_FOR.finditer(p.cue, live=live):
            lo, hi = sentence(p, m.start())
            if not solved_in(p, lo, hi):
                return excerpt(p, lo, hi)
    if _OPENER.maybe(live):
        body = p.body_start
        for m in _OPENER.finditer(p.cue, live=live):
            lo, hi = sentence(p, m.start())
            if solved_in(p, lo, hi) or NOTHING_ASKED.search(p.cue, lo, hi) or hit(NO_ASK, p, m.end(), hi):
                continue
            # "Thanks, the handover is done. While I have you: could I move to E3?" -- the opener leads into the
            # request itself; what came before is the other topic, and it asked for nothing
            if any(s >= m.start() for s in starts) and not any(body <= s < m.start() for s in starts):
                continue
            return excerpt(p, lo, hi)
    if _ASIDE.maybe(live):
        for m in _ASIDE.finditer(p.cue, live=live):
            lo, hi = sentence(p, m.start())
            if any(lo <= s < hi for s in starts) or (mfa and PHONE_LINE.search(p.cue, lo, hi)):
                continue
            # the question mark or fault may end the sentence after the aside
            if not hit(ASK_OR_FAULT, p, m.end(), min(len(p.cue), hi + 1)) and not EQUIPMENT.search(
                p.cue, m.end(), hi, live=live
            ):
                continue
            if hit(SMALL_TALK, p, m.end(), hi) or hit(NO_ASK, p, m.end(), hi) or quiet(p, lo, hi):
                continue
            return excerpt(p, lo, hi)
    if _ALSO_EXPIRED.maybe(live):
        for m in _ALSO_EXPIRED.finditer(p.cue, live=live):
            lo, hi = sentence(p, m.start())
            # "I think it also expired while I was away": "it" is the password already asked about
            it = p.cue[max(lo, m.start() - 4) : m.start()].endswith("it ")
            # ... and so is a reset link: "the link had expired as well"
            link = RESET_LINK.search(p.cue, lo, hi) is not None
            if not any(lo <= s < hi for s in starts) and not _PASSWORD.search(p.cue, lo, hi) and not it and not link:
                return excerpt(p, lo, hi)
    for check in (_FAULT, _SELF_ASK):
        if not check.maybe(live):
            continue
        for m in check.finditer(p.cue, live=live):
            lo, hi = sentence(p, m.start())
            if any(lo <= s < hi for s in starts) or quiet(p, lo, hi) or (mfa and PHONE_LINE.search(p.cue, lo, hi)):
                continue
            if check is _SELF_ASK:
                tail = p.cue[m.end() : hi]
                if len(tail.split()) < 2 or SAME_ASK.search(tail) or hit(FOLLOW_UP, p, m.end(), hi):
                    continue
            return excerpt(p, lo, hi)
    return None
