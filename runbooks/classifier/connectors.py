"""Rule 16, said in words: a connector or a count that says the ticket asks for more than one thing ("also",
"ademas", "two things", "both", "while you're at it"), unless it only introduces the one request after news, counts
something solved, or doubts ("whether ... or not"). The other ways a second request shows are in :mod:`.multi`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .fastre import FastRe
from .guards import MAIN_ASK, solved_in
from .licences import LICENCE_HINT, find_licences
from .text import Prepared

_DONE_BY_ALL = r"(?! (?:had|were|got|did|received|changed|went|moved|switched|agreed|know|share|use|work|fail|failed)\b)"
_MULTI = FastRe(
    "|".join(
        (
            r"\b(?:two|three|several|a few|a couple of|couple of) (?:quick )?(?:things|requests|issues|items|changes|ones|bits)\b|"
            r"\b2 things|\b2 requests|\b3 things",
            r"\b(?:also|additionally|as well),? (?:i |we )?(?:need|require|want|would like|'d like)\b",
            r"\bi (?:also|additionally) (?:need|want|require|would like)\b|\bi'd also like\b",
            r"\b(?:can|could|would) you also\b|\bplease also\b|\balso,? (?:please|can you|could you|(?:could|can) (?:someone|somebody|anyone|the|we))\b|"
            r"(?<!raise that )(?<!raise it )(?<!raise this )(?<!handle that )\bseparately(?:[,:]|,? (?:the|my|our|can|could|please|i)\b)|\bunrelated(?:ly)?[,:]|\bon (?:an|a) (?:other|"
            r"separate|different) note\b|"
            r"\b(?:monitor|printer|laptop|keyboard|mouse|screen|headset|dock|docking station|scanner|projector|webcam|"
            r"camera|charger)\b[^.\n]{0,40}\b(?:died|dead|broken|broke|not working|isn't working|doesn't work|stopped "
            r"working|jammed|won't turn on)\b[^.\n]{0,15}\b(?:too|as well|also)\b|"
            r"\b(?:and|then|but) also (?:add|remove|reset|unlock|assign|give|create|disable|suspend|grant|install|put|"
            r"change|order|move|enable|set up|sort out|fix)\b|\balso\b[^.\n]{0,50}\b(?:needs (?:a new|new|fixing|"
            r"replacing|a refill)|is broken|isn't working|doesn't work|stopped working|won't (?:print|work|turn on))\b",
            r"\bwhile you(?:'re| are) at it\b|\band another thing\b|\bone more thing\b|"
            # Polish: "Skoro już przy tym jesteście ... od razu obie"
            r"\bskoro juz przy tym\b|\bprzy okazji\b|\bod razu (?:obie|oba|obydwie|obydwa)\b|"
            # Czech: "A ještě jedna věc: ..."
            r"\bjeste jedna vec\b|\bjeste neco\b",
            r"\bde paso,? (?:asignar|anadir|dar|quitar|me|os|podeis|podriais)\w*|\bademas,? (?:necesito|quiero|podeis|podrian|me|os pido)\b|\btambien (?:necesito|quiero)\b|\by tambien (?:una? |el |la |me |acceso)|\bdos cosas\b",
            r"\b(?:aussi|egalement) besoin\b|\bdeux (?:choses|trucs|points)\b|\ben plus,? (?:j'ai|pourriez|pouvez)\b",
            r"\b(?:ausserdem|zusatzlich) (?:brauche|benotige|bitte|noch)\b|\bzwei (?:dinge|sachen|punkte|bitten)\b|\bauch noch\b(?!(?: \w+){0,2} (?:gesperrt|blockiert|abgelaufen))",
            r"\bzwei anliegen\b|\bdos temas\b|\bdeux (?:demandes|sujets)\b|\bdue richieste\b|\btwee vragen\b|"
            r"\bduas questoes\b|\binoltre\b|\bdue cose\b|\balem disso\b|\bduas coisas\b|\btambem preciso\b|\bdaarnaast\b|\btwee dingen\b",
            r"1\)\s[^\n]{3,}\b2\)\s|1\.\s[^\n]+\n\s*2\.\s|\(1\)[^\n]{3,}\(2\)|a\)\s[^\n]+\n\s*b\)\s",
            r"\bactually,? (?:hold on|hold off|wait|no\b|scratch that|don't|do not|ignore|cancel|never mind)|\b(?:hold|hang) on\b(?=\s*(?:[,.!:;\-–—]|$|a (?:sec|second|minute)))|"
            r"\bon second thought|\bor not\b|\bwhichever\b|\bscratch that\b|\bmaybe\b[^.\n]{0,60}\binstead\b",
            r"\b(?:unlock|reset|add|remove|suspend|disable|sort|fix|handle|do) (?:them )?both\b|\bboth (?:issues|things|"
            r"requests|problems)\b|\bboth (?:of )?(?:our|my|the|of them|"
            r"accounts|users|of us)\b|(?<!across )(?<!at )(?<!for )\ball three\b(?! (?:sites|locations|offices|branches|shops|stores|venues|schools))|(?<!for )(?<!redo )(?<!update )(?<!re-enter )(?<!fix )(?<!change )\ball of them\b(?! (?:\w+ing|send|use|are|have|had|were|do|did|know)\b)|\beveryone in\b(?! (?:the |our |my )?\w+(?: \w+)? (?:goes|go|is|are|has|have|uses|use|gets|get|already|was|were)\b)(?! (?:the |our |my )?[\w-]+(?: \w+)? (?:group|list|team|channel)\b)|\b(?:for|on) everyone (?:on|in|at) the\b|\bthat'?s me,? \w+ and \w+|\bthe whole team\b|\ball users\b|"
            r"\b(?:allebei|allebeide|ambos|ambas|les deux(?! \w+s\b)|tous les deux|toutes les deux|entrambi|tutti e due|beide|begge|"
            r"bada)\b|(?:@[\w.-]+\)|\bkolleg\w*|\bcollega|\bcompaner[oa]|\bcollegue|\bcolega|\bkollega) (?:en|y|et|und|e|og|och|and) "
            r"(?:ik|yo|moi|ich|io|eu|jeg|jag|i)\b|\b(?:onze|nuestr[oa]s|nos|unsere|"
            r"nostr[ei]|nossas|nossos|vores|vara) (?:mfa|2fa|wachtwoorden|contrasenas|cuentas|comptes|mots de passe|"
            r"passworter|konten|password|account|senhas|contas|telefoons|moviles|telephones|handys)\b|"
            r"\b(?:und|and|also|plus|ademas|aussi|ausserdem|inoltre|tambem|ook|y (?:mi|la|el)|e (?:la|il|o|a|mia|mio)|"
            r"et (?:mon|ma|la|le)|en (?:mijn|de|het)) (?:\w+ ){0,2}(?:drucker|impresora|"
            r"imprimante|stampante|impressora|printer|monitor|bildschirm|pantalla|ecran|schermo|scherm|tastatur|teclado|"
            r"clavier|tastiera|toetsenbord|scanner|headset|mouse|maus|raton|souris|muis|keyboard|laptop|dock|webcam|charger|"
            r"speakers?|microphone|mic)\b[^.\n]{0,40}\b(?:druckt nicht|funktioniert nicht|geht nicht|"
            r"kaputt|defekt|no funciona|no imprime|roto|rota|ne marche|ne fonctionne|casse|non funziona|non stampa|"
            r"nao funciona|avariad[oa]|werkt niet|doet het niet|kapot|died|dead|broken|not working|jammed)|"
            r"\b(?:ademas|ausserdem|aussi|en plus|inoltre|alem disso|daarnaast|and also)\b(?:,? \S+){0,6}? (?:no (?:carga|enciende|"
            r"arranca|funciona|imprime)|geht nicht|funktioniert nicht|ladt nicht|startet nicht|ne (?:charge|demarre|marche|"
            r"fonctionne) (?:plus|pas)|non (?:carica|si accende|funziona)|nao (?:carrega|liga|funciona)|laadt niet|"
            r"start niet|werkt niet|won't (?:charge|turn on|start)|isn't working|doesn't work)\b|"
            r"(?<!to the )(?<!with the )\b(?:whole|entire) (?:\w+ )?(?:team|department|dept|office|branch|staff|company|floor|shift|crew|class)\b|"
            # (what everyone already did is background: "we all had to change them last week")
            r"\b(?:they|we) all\b" + _DONE_BY_ALL + r"|\beach of (?:them|us)\b|"
            # (a note "to all staff" is an audience, not the users asked about)
            r"(?<!to )(?<!with )(?<!- )\ball (?:our |the )?(?:users|staff|employees|interns|tellers|drivers|nurses)\b",
            r"\b(?:and|et|und) (?:that of|the one of|celui de|celle de|das von|den von)\b|\by el de\b|\by la de\b|"
            r"\bmy account and (?:my|his|her|the) \w+'?s?\b|\bfor me and\b|\bme and my\b",
            r"\bme and (?!i\b)(?!now\b)(?!then\b)(?:\w+ ){1,2}(?:both|are|were|have|can't)\b|\bwe (?:both" + _DONE_BY_ALL
            + r"(?! (?:spent|looked|tried|thought|checked|clicked|assumed))|all" + _DONE_BY_ALL + r"|are both)\b|"
            r"\bour (?:accounts|passwords|"
            r"phones|logins)\b",
        )
    )
)


_COUNTED = re.compile(
    r"(?:two|three|several|a few|a couple of|couple of|2|3) (?:quick )?(?:things|requests|issues|items|changes|ones|bits)"
)


def several_requests(
    p: Prepared, *, hire: bool = False, preface: Callable[[re.Match[str]], bool] | None = None
) -> str | None:
    """Words saying the ticket asks for more than one thing. "Two things: the printer is sorted now, thanks. And I
    need a Visio licence" counts one solved problem and one request: a count is dropped when something is said
    to be solved. "I also need it for ..." is the same thing again; for a new hire, "she'll also need an E3 licence
    and a laptop" is the hire's licence and equipment (rule 11), not another request. ``preface`` drops a connector
    that only introduces the request after news that asks for nothing."""
    m = _MULTI.search(p.cue, live=p.live)
    while m is not None and (_not_two(p, m) or _same_thing(p, m, hire=hire) or (preface is not None and preface(m))):
        m = _MULTI.search(p.cue, m.end(), live=p.live)
    return " ".join(m.group(0).split()) if m else None


_ALSO_NEED = re.compile(
    r"(?:also|additionally|as well),? (?:i |we )?(?:need|require|want|would like|'d like)|i (?:also|additionally) (?:need|want|require|would like)|i'd also like"
)
_PRONOUN = re.compile(r"\s*(?:it|this|that|them|one|those|these)\b")
_HIRE_KIT = re.compile(
    r"\s*(?:(?:prepare|order|set up|get|arrange|provide|sort)\s+)?(?:an? |the |her |his |their )?(?:[\w-]+ )?(?:e[135]|f3|business (?:basic|standard|premium)|visio|project|power ?bi|"
    r"(?:microsoft |office |m|o)?365|licen[cs]e|laptop|notebook|phone|mobile|monitors?|headset|desk|badge|keyboard|"
    r"mouse|dock|equipment|hardware|forward\w*|mailbox|induction|training|tablet)\b"
)


def _same_thing(p: Prepared, m: re.Match[str], *, hire: bool) -> bool:
    if hire and m.group(0) in ("please also", "can you also", "could you also") and _HIRE_KIT.match(p.cue, m.end()):
        return True  # "Please also prepare a lab tablet": the starter's equipment (rule 11)
    if _ALSO_NEED.search(m.group(0)) is None:
        return False
    return _PRONOUN.match(p.cue, m.end()) is not None or (hire and _HIRE_KIT.match(p.cue, m.end()) is not None)


_FOR_IT_NEXT = re.compile(r"[,:]?\s*(?:for (?:the )?it(?: team)?|it)\s*[:\-–]")
_NOT_FOR_IT = re.compile(
    r"\b(?:joking|nothing for you|no action for you|rather than you|decided against (?:both|it|that|them|this|those)|(?:i've|i have) sorted (?:those|that|it|them)|(?:take|raise) (?:that|it|this) (?:up )?with "
    r"(?:facilities|maintenance|estates|hr)|(?:that|it|this)(?:'s| is) not (?:you|for you|an it (?:thing|issue|problem|question)|it's|your (?:department|"
    r"problem|area|job))|not your (?:department|problem|area|job)|not an it (?:thing|issue|problem|question))\b"
)
_LISTED = re.compile(r"1\.\s")
_ASIDES_MARKED = re.compile(r"\b(?:mostly|just|all) fyi\b|\bno action needed\b[\s\S]*\bnothing (?:for you|further needed)\b")
_SENTENCE_STOP = re.compile(r"[.!?\n]")
_WHETHER = re.compile(r"\b(?:if|whether|si|ob|se|of|om)\b[^.!?\n]*$")


def _not_two(p: Prepared, m: re.Match[str]) -> bool:
    """A match that does not mean two requests: a count beside a solved problem, or "if ... or not" (a doubt)."""
    stop = _SENTENCE_STOP.search(p.cue, m.end(), m.end() + 200)
    if _FOR_IT_NEXT.match(p.cue, m.end()) or _NOT_FOR_IT.search(
        p.cue, m.end(), max(p.clause_end(m.end()) + 40, stop.start() if stop else m.end() + 200)
    ):
        # "Separately, for IT: ..." introduces the one request after news; "also the coffee machine is broken but
        # I know that's not you" is an aside the writer says is not IT's
        return True
    if (_COUNTED.fullmatch(m.group(0)) or _LISTED.match(m.group(0))) and _ASIDES_MARKED.search(p.cue):
        return True  # "A few things, mostly FYI: ... no action needed ... nothing for you ... Could you assign her F3?"
    if _COUNTED.fullmatch(m.group(0)) or _LISTED.match(m.group(0)):
        # a round-up of news with one line marked for IT ("A few items from the office: ... For IT: please
        # disable Stavros' account"): the count is the news, the one IT line the request
        return solved_in(p, 0, len(p.cue)) or MAIN_ASK.search(p.cue, m.end()) is not None
    if m.group(0) == "whichever" and re.match(r"(?:'s| is) (?:quicker|faster|easier|simpler|best|quickest|fastest|easiest|simplest)", p.cue[m.end() :]):
        return True
    if m.group(0) == "whichever":
        # "a Project licence (Project Online / Plan 3, whichever we use)": two names of one licence
        lic = find_licences(p)
        return len(lic.asked) == 1 and LICENCE_HINT.search(p.cue, max(0, m.start() - 80), m.start()) is not None
    if m.group(0) == "or not":
        lo = max(0, m.start() - 120)
        return _WHETHER.search(p.cue, lo, m.start()) is not None
    return False
