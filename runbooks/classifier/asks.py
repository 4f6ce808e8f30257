"""Words that tell whether a sentence beside a request asks for something too, or is only background: thanks,
availability, a follow-up on the request itself ("how long does it take?"), troubleshooting already done, or the
login's own consequence ("I can't get into Teams"). Shared by :mod:`.topics` and :mod:`.added`.
"""

from __future__ import annotations

import re

from .guards import solved_in
from .lexicon import RUNBOOK_WORDS
from .multi import EQUIPMENT, NOTHING_ASKED
from .text import Prepared

# what makes an aside a request: a fault or an ask in it
ASK_OR_FAULT = re.compile(
    r"\?|\b(?:can|could|would) (?:you|someone|somebody|anyone|i)\b|\bplease\b|\b(?:i|we) need\b|\bneeds?\b|"
    r"\bis (?:it|there) (?:possible|any way)\b|\bnot working\b|\bdoesn't\b|\bisn't\b|\bwon't\b|\bstopped\b|\bbroken\b|"
    r"\b(?:disappeared|missing|vanished|wrong|no (?:dial tone|sound|signal|power)|full|error|expired|crash\w*|slow|wants?|"
    r"asked|looking for|should|swollen|bulging|cracked|leaking|smashed|damaged|faulty|dead|died|flickering|overheating|"
    r"beeping|blinking|flashing|red light|warning light|faut|faudrait|brauchte|nodig|hace falta|haria falta|"
    r"servirebbe|bisogno|precisaria|precisava|hjalp|hjelp|help with|"
    r"(?:someone|somebody|anyone) (?:could|can|would)|show me|walk me through|explain how|add|install|order|change|give|"
    r"send|fix|move|falta|manque|fehlt|manca|ontbreekt|mangler|saknas|ajouter|m'ajouter|anadir|anadirme|hinzufugen|"
    r"aggiungere|aggiungermi|adicionar|toevoegen|installer|instalar|installieren|installare|commander|pedir|bestellen|"
    r"changer|cambiar|andern|cambiare|mudar|wijzigen|envoyer|enviar|inviare|reparer|arreglar|reparieren|riparare)\b|"
    r"\bsince (?:yesterday|monday|tuesday|wednesday|thursday|friday|last|this|the)\b|\b(?:bitte|konnt|konnen|seit|nicht|"
    r"kein|keine|obwohl|kaputt|defekt|por favor|podeis|podriais|no (?:funciona|va|carga|sale|aparece)|desde(?! este mes| esta semana| este ano| enero| febrero| marzo| abril)|necesito|"
    r"pourriez|pouvez|merci de|ne \w+ (?:pas|plus)|depuis|besoin|potete|potreste|non \w+|da (?:ieri|lunedi|stamattina)|"
    r"serve|podem|nao \w+|preciso|kunnen|kunt|graag|niet|sinds|kan (?:i|ni|dere|jeg)|ikke|inte|trenger|traenger|"
    r"behover)\b"
)
# thanks, pleasantries and availability: what an aside usually is
SMALL_TALK = re.compile(
    r"\b(?:thanks?|thank you|cheers|appreciated|great|brilliant|lovely|love|happy|merci|danke|gracias|grazie|obrigad[oa]|"
    r"bedankt|tak|takk|dank|(?:nice|good|great|lovely) (?:weekend|holiday)|have a (?:good|nice|great|lovely)|(?:on|from|"
    r"after|before) (?:my )?(?:holiday|leave|vacation)|(?:en|de) vacaciones|en vacances|im urlaub|in ferie|op vakantie|"
    r"if you need|reach me|call me|(?:le|la|me) (?:podeis|puedes|pueden|podes) llamar|(?:podeis|puedes|pueden) llamar(?:la|le|me)|(?:call|ring) (?:him|her) (?:on|at)|"
    r"(?:vous pouvez|pouvez-vous) (?:l'|le |la )?(?:appeler|joindre)|(?:ihn|sie) (?:erreichen|anrufen)|my (?:mobile|"
    r"number|extension) is|i'm (?:in|at|on|working|around|available|off)|i am (?:in|at|on|working|around|available|off)|"
    r"in the office|at my desk|working from|volunteer\w*|(?:i'll|i will) (?:also )?be (?:at|away|out|off|in|travelling|on leave|on holiday))\b"
)

# thanks, wishes and "no rush": what follows an opener that opens nothing
NO_ASK = re.compile(
    r"\b(?:no rush|no hurry|whenever|any ?time|at your convenience|when you (?:can|get a chance)|sin prisa|"
    r"pas d'urgence|keine eile|nessuna fretta|sem pressa|geen haast|"
    r"thank|thanks|remercier|agradec\w*|ringrazi\w*|danke|dank|bedank\w*|obrigad\w*|gracias|grazie|merci|"
    r"souhaiter|vous souhaite|wish you|augur\w*|wunsche\w*|desearos|les deseo|felicit\w*|congratulat\w*)\b"
)
# what a first-person ask is about when it only follows up on this request: "could I have an update by lunch?"
FOLLOW_UP = re.compile(
    r"\b(?:update|updates|confirmation|call|callback|reply|response|answer|eta|idea|status|ticket number|reference|"
    r"word|heads-up|heads up|next|now|then|to do|happen\w*|expect|long|soon|quick\w*|fast|wrong|cause\w*|reason|these|"
    r"those|turnaround|anything else|need from me|need anything|if (?:i|it|this|that) (?:get|gets|happens|doesn't|does "
    r"not|fails|still)|dauert|duurt|tarda\w*|prend\w*|ci vuole|ci vorra|demora\w*|wie lange|hoe lang|cuanto tiempo|"
    r"combien de temps|quanto tempo|tar det|tager det)\b"
)
# ... and, in an "also" sentence, what only follows up on the request ("Also, which number should I call if I get
# stuck again?")
IF_STUCK = re.compile(
    r"\b(?:if (?:i|it|this|that) (?:get|gets|happens|doesn't|does not|fails|still)|anything else|need from me|"
    r"turnaround|which number|call you|ring you)\b"
)


DONE_OR_CONSEQUENCE = re.compile(
    r"\b(?:tried|restarted|rebooted|cleared|checked|already|reinstalled|can't (?:get|access|open|use|sign|log|do|work|"
    r"see)|cannot|unable to|not able to|locked|deadline|urgent|(?:a|my|the) meeting (?:at|in)|approv\w*|signed off|"
    r"(?:is|are) (?:fine|ok|okay) with|same (?:problem|issue)|happened|happens)\b"
)
WH = re.compile(
    r"\b(?:who|where|how|what|which|when|is there|are there|does anyone|wer|wo|wie|was|welche\w*|quien|donde|como|"
    r"que|cual|qui|ou|comment|quel\w*|chi|dove|come|quale|quem|onde|waar|hoe|wat|welke|hvem|hvor|hvordan|vem|var|hur)\b"
)
THANKS = re.compile(
    r"\b(?:thank|thanks|cheers|merci|danke|dank|gracias|grazie|obrigad\w*|bedankt|tak|takk|no rush|no hurry)\b"
)


def hit(rx: re.Pattern[str], p: Prepared, lo: int, hi: int) -> bool:
    """Whether ``rx`` matches within ``cue[lo:hi]``. These run on one sentence at a time, so plain ``re`` is cheap
    and they stay out of the literal index every ticket pays for."""
    return rx.search(p.cue, lo, hi) is not None


def quiet(p: Prepared, lo: int, hi: int) -> bool:
    """A sentence that is the login itself, solved, or says nothing is needed."""
    return (
        RUNBOOK_WORDS.search(p.cue, lo, hi, live=p.live) is not None
        or solved_in(p, lo, hi)
        or NOTHING_ASKED.search(p.cue, lo, hi) is not None
    )


_CONNECTOR = re.compile(
    r"(?:one more thing|and another thing|also\b|separately|unrelated|while you(?:'re| are) at it|on another note)"
)


def preface_only(p: Prepared, m: re.Match[str], starts: list[int]) -> bool:
    """ "Thanks for the recap, all agreed ... One more thing while I remember: Windows says my account is locked":
    the connector opens the only request; everything before it is news that asks for nothing and names nothing
    of IT."""
    if not starts or min(starts) < m.end() or not _CONNECTOR.match(m.group(0)):
        return False
    before = p.cue[p.body_start : m.start()]  # the body only: the summary names the request
    return (
        ASK_OR_FAULT.search(before) is None
        and RUNBOOK_WORDS.search(before) is None
        and EQUIPMENT.search(before) is None
    )


# a reset link is the password request itself: "I requested a reset link, but ... the link had expired as well"
RESET_LINK = re.compile(r"\b(?:reset )?link\b|\benlace\b|\blien\b")
