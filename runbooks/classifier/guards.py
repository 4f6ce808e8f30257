"""Whole-ticket rule 20: follow-ups and noise, and whether a problem is said to be solved. Each returns the words
that fired it, or None. Text aimed at the bot (rule 18) is read in :mod:`.injection`, social engineering and
security bypass (rule 19) in :mod:`.social`."""

from __future__ import annotations

import re
from functools import lru_cache

from .fastre import FastRe
from .mailboxes import is_automated_mailbox
from .text import Prepared

# --- rule 20: follow-ups, closures, auto-replies, bounces, alerts, marketing, jokes, tests ------------------
_CLOSED = FastRe(
    "|".join(
        (
            r"(?<!that one )(?<!so that one )\bcan be closed\b|\bclose (?:this|the|my) (?:ticket|request|issue|case)\b|\b(?:you can|feel free to|please|ok to|okay to) "
            r"close (?:it|this)\b(?! (?:access|account|login|user|mailbox|down))|\b(?:you can|feel free to|please|ok to|okay to) close [a-z][a-z0-9]+-\d+\b|\bmark (?:this|it|the ticket|the request) (?:as )?(?:resolved|closed|done|complete)\b|"
            r"\bthe (?:\w+ )?(?:reset|unlock|fix|change) (?:worked|did the trick)\b",
            r"\bnever ?mind\b(?!,? (?:not your|that's not|that is not|it's not|not for you|not an it|not you))|\bignore (?:this|my (?:previous|last|earlier)) (?:ticket|request|email|message)\b"
            r"(?! (?:about|re|regarding|on) (?:that|the|this|those|it|my \w+ \w+)\b)",
            # "Ignore this one, I raised it twice by accident - dupe of HLT-4502"
            r"\bignore this one\b|\b(?:dupe|duplicate) of [a-z][a-z0-9]+-\d+\b|\braised (?:it|this) twice\b|"
            # a thank-you for work done: "Solo para daros las gracias por lo del MFA de ayer"
            r"\b(?:just|only) (?:wanted |a quick note |a note )?to say thank|\bsolo (?:para|queria) (?:daros|dar|darte|deciros) "
            r"las gracias|\bjuste pour (?:vous |te )?(?:remercier|dire merci)|\bnur (?:mal )?(?:kurz )?danke sagen|"
            # told for the record: "FYI only ... No action needed, just logging it"
            r"\bno action (?:is )?(?:needed|required)\b[^\n]{0,40}\bjust (?:logging|letting you know|recording|flagging|"
            r"noting)\b|\bjust (?:logging|recording|noting) (?:it|this)\b[^\n]{0,80}\bno action (?:is )?(?:needed|required)\b|"
            # "Cheers for unlocking me yesterday ... All good, close whatever's still open"
            r"\bclose (?:whatever|anything|everything)(?:'s| is| that's| that is)? (?:still )?open\b|"
            # "managed to reset it myself through the self-service page ... All working now"
            r"\b(?:managed|was able) to (?:reset|unlock|fix|sort|change) (?:it|my \w+) (?:myself|on my own)\b|"
            r"\bsorted my own (?:password|account|login)\b|"
            # done by the writer: "I disabled his account myself from the admin console", "I've already changed it myself"
            r"\b(?:i|we) (?:already )?(?:disabled|suspended|blocked) (?:his|her|their|the)(?: \w+)?(?: \w+)? (?:myself|ourselves)\b|"
            r"\b(?:i've|i have) already (?:changed|reset) it myself\b|\bignore my (?:call|email|message|ticket) (?:earlier|this morning)\b|"
            r"\bmanaged to (?:reset|unlock|change) (?:it|my \w+) (?:thru|through|via|using|on|with) (?:the )?self[- ]?service\b|"
            # "I used the self-service reset this morning ... All working now, nothing needed from you"
            r"\b(?:i|we) (?:used|did|went through) the self[- ]?service\b[^\n]{0,160}\b(?:all|everything|it's) (?:working|fine|good)\b|"
            r"\bno longer (?:needed|required)\b|\bplease cancel (?:this|my|the) (?:ticket|request)\b",
            r"\b(?:has|have) been (?:resolved|fixed|closed|completed)\b|\bthank(?:s| you)\b[^.\n]{0,60}\b(?:worked|"
            r"did the trick|sorted it)\b|\ball set up on\b",
            r"\bse puede cerrar\b|\bpotete chiudere (?:il|la) (?:ticket|richiesta)\b|\btutto risolto\b|\bpode(?:is|mos)? cerrar\b|\bpouvez (?:fermer|cloturer)\b|"
            r"\bpeut etre (?:ferme|cloture)\b|\bkann geschlossen werden\b|\bticket (?:schliessen|kann zu)\b|"
            r"\bpuo essere chiuso\b|\bpode ser fechado\b|\bmag (?:gesloten|dicht)\b|\bhat sich erledigt\b",
            r"(?<!is )(?<!he's )(?<!she's )(?<!they're )(?<!are )(?<!was )(?<!were )(?<!locked )(?<!locked me )\bout of (?:the )?office\b|\bautomatic reply\b|\bauto-?reply\b(?! (?:to (?:point|say|redirect|forward|tell)|pointing|saying|redirecting))|\bautoreply\b|\babwesenheitsnotiz\b|"
            r"\brespuesta automatica\b|\bfuera de la oficina\b|\breponse automatique\b|\babsente? du bureau\b|"
            r"\brisposta automatica\b|\bfuori ufficio\b|\bresposta automatica\b|\bautomatisch antwoord\b|"
            r"\bautomatische antwort\b|\bnicht im buro\b|\bautosvar\b|\bautomatisk svar\b|\bfrånvaro\b",

            r"\bundeliverable\b|\bdelivery (?:has )?failed\b|\bdelivery status notification\b|\bmail delivery "
            r"(?:subsystem|failed|failure)\b|\bcould not be delivered\b|\bmessage not delivered\b|\breturned mail\b|"
            r"\b(?:second|third|fourth|another|final) chase\b|"
            r"\bwas (?:going|about) to ask (?:for|you)\b[^\n]{0,120}\bbut\b|"
            r"\bunzustellbar\b|\bnon remis\b|\bikke-leverbar\b|\bleveringen til\b[^\n]{0,40}\bmislykkedes\b|\bonbestelbaar\b|"
            r"\bnon recapitabile\b|\bno se puede entregar\b|\bnao entregue\b|\bolevererbart\b|\bnedorucitelne\b",
            # a test ticket: "Ticket de test ... Merci de l'ignorer et de le clôturer", "ne pas traiter"
            r"\bticket de (?:test|prueba)\b|\bne pas traiter\b|\bmerci de l'ignorer\b|\bno (?:tramitar|procesar)\b|"
            r"\bbitte nicht bearbeiten\b",
            r"\b(?:automated|automatic|system) (?:alert|alarm)\b|\bthis (?:is an? )?(?:automated|automatically "
            r"generated) (?:message|notification|email)\b|\bsystem log\b|\badmin cent(?:er|re) (?:notification|alert)\b|"
            r"\b(?:do not|please do not|don't) reply to this (?:e-?mail|message|notification)\b|\bunmonitored mailbox\b|"
            r"\byou(?:'re| are) receiving this (?:e-?mail|message|notification)\b",
            r"\brate your experience\b|\bsatisfaction survey\b|\bhow did we do\b|\bunsubscribe\b|\bwebinar\b|(?<!staff )(?<!for the )(?<!in the )(?<!the )(?<!familys )(?<!family )\bnewsletter\b(?! items?\b| over\b)|% off\b|\blimited[- ]time offer\b|\bspecial offer\b|"
            r"\bfree trial\b|\bview (?:this email )?in (?:your )?browser\b",
            r"\bhaiku\b|\bjust (?:kidding|joking)\b|\bapril fool",
            r"\btest (?:ticket|issue|request|message|email)\b|\bthis is (?:a|just a|only a) test\b|\btesting (?:the )?(?:new )?"
            r"(?:integration|automation|webhook|jira|connector|workflow|bot|opsgate)\b|\bplease ignore\b(?=\s*(?:[.!,;:)\-–]|$|this (?:ticket|one|message|email|test|request)|and close))",
            r"\bsee (?:my |the )?(?:previous|earlier|last|other|original) (?:ticket|request|email|message)\b|"
            r"\bduplicate (?:of|ticket|request)\b|(?<!she's )(?<!he's )(?<!they've )(?<!has )\b(?:already|previously) (?:raised|logged|reported|opened|submitted|"
            # (not what was reported elsewhere: "I've already reported it to the police", "already logged in the TMS")
            r"filed)\b(?! (?:it |this |that )?(?:to|with|in|at) (?:the |my |our )?(?!(?:it|i\.t\.|helpdesk|service ?desk|you)\b)\w+)|\bsame as (?:ticket )?[a-z]+-\d+\b|\braised (?:this )?twice\b|\bdoppelt\b|\bduplicado\b(?! de (?:la|mi|tu|su) (?:sim|tarjeta))|"
            r"\bdoublon\b",
            r"\b(?:ticket|request|case) (?:# ?)?[a-z]{2,10}-\d+\b[^.\n]{0,60}\b(?:approve\w*|update|status|progress|eta|"
            r"done|closed|pending)\b|\bany (?:update|news|progress)\b|\b(?:following|follow) up on\b|\bchasing (?:this|my|the)\b(?! (?:\w+ ){0,2}(?:invoice|payment|signature|contract|document|envelope|docusign|consultant|"
            r"supplier|client|contractor|customer|vendor|agency|architect|builder))|\bstill "
            # (not "still waiting on the new rota screen - I know that's with procurement, not you")
            r"waiting (?:for|on)\b(?![^\n]{0,160}\b(?:none of (?:that|this|it) needs|nothing for you|just context)\b)"
            r"(?![^.\n]{0,80}\b(?:not (?:you|for you|it|an it \w+)|with (?:procurement|facilities|"
            r"finance|hr|the supplier|purchasing|estates))\b)|\bstatus (?:of|on) (?:my|the) (?:ticket|request)\b|\beta on\b",
        )
    )
)
_CLOSED_SOFT = FastRe(
    r"\bresolved (?:now|itself)\b|\b(?:it's|it is|all|everything(?:'s)?) (?:working|sorted|fixed|resolved|good) now\b"
    r"|\bworking again\b|\bworks (?:again|now)\b|\b(?:thanks|thank you)[,!.]? (?:it |that )?(?:works|worked)\b|"
    r"\bthat (?:worked|did the trick|fixed it)\b|\b(?:problem|issue) (?:solved|resolved)\b|\bya (?:funciona|esta "
    r"resuelto)\b|\bca (?:marche|fonctionne) (?:a nouveau|de nouveau|maintenant)\b|\bc'est (?:resolu|regle)\b|"
    r"\bfunktioniert (?:wieder|jetzt)\b|\bfunziona di nuovo\b|\bja funciona\b|\bwerkt weer\b"
)
_ALERT_SUMMARY = re.compile(r"^\s*\[?(?:alert|alarm|firing|resolved|warning|critical|monitoring)\]?\s*[:\]-]", re.I)


_TICKET_KEY = re.compile(r"\b[A-Z][A-Z0-9]{1,9}-\d+\b")


_MACHINE_WORDS = FastRe(r"\b(?:alert|alerts|alarm|notification|warning|incident|detected)\b")


def machine_alert(p: Prepared, reporter: str | None) -> str | None:
    """Rule 20: an alert or notification sent by an automated mailbox (a kiosk form or an HR webhook is no alert)."""
    if not reporter or not is_automated_mailbox(reporter.strip().lower()):
        return None
    m = _MACHINE_WORDS.search(p.low, live=p.live)
    return f"{m.group(0)} from {reporter.strip().lower()}" if m else None


# an HR system's feed ("This is an automated message from Workday ... Event: Hire") is a starter or a leaver
_HR_EVENT = re.compile(
    r"\b(?:event|event type|business process)\s*:\s*(?:hire|new hire|termination|terminate|rehire)\b|\b(?:hire|termination) event\b"
)
_AUTOMATED = re.compile(r"automat|do not reply|don't reply|no-?reply|unmonitored")


def automated_footer(words: str) -> bool:
    """The words of a closure are an automated mail's footer ("Do not reply to this message")."""
    return _AUTOMATED.search(words) is not None


# told for the record: "FYI ... it unlocked itself ... No action needed, just in case it shows up on a report"
_RECORD_WORDS = (
    r"\b(?:fyi|just letting you know|just so you know|for info(?:rmation)?|heads up|for (?:your|the) records?|so (?:there's|there is) "
    r"a record|have it on file|logging it anyway|(?:just )?logging this for the audit(?: trail)?|for the audit trail|para que conste|(?:para )?que quede registrado|pour m[ée]moire|zur kenntnis|"
    r"per conoscenza)\b"
)
_NOTHING_TO_DO = (
    r"\b(?:no action (?:is )?(?:needed|required)|no need to do anything|nothing (?:else )?(?:is )?(?:needed|required) from "
    r"(?:you|it|us|the it team)|nothing for (?:it|you|the it team) to do|no hace falta hacer nada|no hay que hacer nada|rien (?:a faire|n'est a faire)|"
    r"(?:es ist )?nichts zu tun|kein handlungsbedarf)\b"
)
# told for the record, nothing to do: "Just so there's a record: ... I'm back in now. Nothing needed from you."
_FOR_THE_RECORD = re.compile(_RECORD_WORDS + r"[\s\S]{0,400}?" + _NOTHING_TO_DO + "|" + _NOTHING_TO_DO + r"[\s\S]{0,300}?" + _RECORD_WORDS)
_ASKS = re.compile(r"\b(?:please|can you|could you|would you|pls)\b")
# where the ticket says what it is really about ("The actual issue:", "One thing I do need:", "IT:", "For IT - ...",
# "More importantly"): what comes before is asides, read by the closure, second-request and other-system rules
MAIN_ASK = re.compile(
    r"\bthe (?:actual|real|main) (?:problem|issue|request|reason|ask)\b|\bmain reason for\b|"
    r"\bthe one (?:thing )?(?:i|we) (?:actually |really )?need(?: help with)?\b|\bthe it bit\b|\bthe bit for (?:it|you)\b|"
    r"\bone (?:proper|real|actual) (?:problem|issue|request)\b|(?:^|\n)[ \t-]*(?:it|for it|it team)[ \t]*:|"
    r"\b(?:one thing|what) (?:i|we) (?:do |still |actually )?need\b|"
    r"(?:^|\n|[.!?] )(?:for it|it|one thing for it|for the it team)\s*(?:[:\-–]|only\b)|\bthe main (?:thing|problem|issue|reason)\b|"
    r"(?:^|\n|[.!?] )main (?:thing|reason|request|ask|point)\b|\b(?:more|most) importantly\b|"
    r"\b(?:the|my|one) (?:actual|real|only) (?:problem|issue|request|reason|ask|question|thing)\b|\bthe reason for (?:my|this) ticket\b|"
    r"\bthe bit that'?s (?:actually )?for you\b|\bwhat i (?:actually |do |really )?need from (?:you|it)\b|"
    r"\b(?:one|the (?:one )?(?:thing|bit|part)) (?:thing )?(?:i|we) (?:do |actually |really |still )?need\b|"
    r"\bthe (?:one )?(?:thing|bit|part) (?:i|we) (?:actually |really )?need (?:help|you) (?:with|for)\b|"
    r"\bone thing (?:i|we) can(?:'t|not) (?:sort|do|fix)\b|\bit,? (?:one|this one|something) for you\b|"
    r"(?:^|\n|[.!?] )(?:it|ict|the it|it helpdesk|it service ?desk|helpdesk|service ?desk)(?: team)?\s*(?:\([\w ]+\))?\s*[:\-–]"
)


@lru_cache(maxsize=8)
def main_ask(cue: str) -> tuple[int, int] | None:
    """Where the first main-ask marker stands in a ticket's ``cue`` (asked by several rules per ticket, found once)."""
    m = MAIN_ASK.search(cue)
    return m.span() if m else None


def closure_or_noise(p: Prepared) -> str | None:
    """Rule 20. A reply on an existing ticket ("RE: [ITSD-7719] ...") is a follow-up, whatever it says: a new
    request belongs in a new ticket."""
    record = _FOR_THE_RECORD.search(p.cue)
    if record is not None and _ASKS.search(p.cue) is None:
        return " ".join(record.group(0).split())[:60]
    m = _CLOSED.search(p.low, live=p.live)
    # "... facilities already have a ticket for that one so please ignore." deep in a long note is about an aside
    # ... and thanks for earlier help ("Huge thanks for all the help on the day - the card readers worked") before a
    # new ask ("Could you add her?") is a pleasantry
    while m is not None and (
        (m.group(0) == "please ignore" and len(p.cue) > 300 and "test" not in p.low)
        # ... and so is a newsletter mentioned among office news ("The tenants' newsletter goes to print on Friday")
        or (("thank" in m.group(0) or m.group(0) == "newsletter") and _ASKS.search(p.cue, m.end()) is not None)
        # ... and so is any aside before the ticket says what it is really about ("... you can ignore my earlier
        # message. The actual problem: my account has been locked since 8am")
        or MAIN_ASK.search(p.cue, m.end()) is not None
    ):
        m = _CLOSED.search(p.low, m.end(), live=p.live)
    if m and not (_HR_EVENT.search(p.low) and _AUTOMATED.search(m.group(0))):
        return m.group(0)
    if p.reply:
        key = _TICKET_KEY.search(p.summary)
        if key:
            return f"a reply on {key.group(0)}"
    if _ALERT_SUMMARY.match(p.summary):
        return p.summary.split()[0]
    return None


_SOLVED = FastRe(
    r"\b(?:all|everything|it's|it is|that's|that is|that one's|that one is|this one's|which is|now|since then|and)(?: \w+)? (?:working|works|worked|fine|"
    r"sorted|fixed|resolved|ok|okay|good)\b|\b(?:was|were|got|been) (?:fixed|sorted|resolved|done)\b|"
    r"\b(?:is|are) (?:now |all )?(?:sorted|fixed|resolved|working again)\b|\bfine for now\b|"
    r"\b(?:is|are) (?:ok|okay|fine|good) (?:now|again)\b|\bworking (?:beautifully|perfectly|great|fine|well) (?:now|again)\b|\b(?:ya )?(?:lo )?tengo todo funcionando\b|\bso that'?s (?:covered|sorted|done|in hand|taken care of)\b|"
    # done by the writer or someone else: "the scanner jammed again but I cleared it (myself)", "but Brenda fixed it"
    r"\b(?:(?:i|we) (?:cleared|fixed|sorted|unjammed|unblocked|rebooted|restarted|replaced|swapped)|(?:but|and) [a-z]+ "
    r"(?:fixed|sorted|cleared|resolved)) (?:it|them|that)"
    r"(?: myself| ourselves| out)?\b(?! (?:but|and still|yet)\b)|"
    # thanks for work already done: "thanks to whoever unlocked Álvaro's account this morning"
    r"\bthank(?:s| you)\b[^.\n]{0,20}\bto (?:whoever|the person who|everyone who|whichever)\b[^.\n]{0,20}\b(?:"
    r"unlocked|reset|fixed|sorted|added|removed|set up|enabled|restored)\b|"
    r"\b(?:says?|said|reckons?) (?:it'?s |it is |it was |is |was )?(?:fine|ok|okay|sorted|nothing to worry)\b|\balready "
    r"(?:fixed|sorted|resolved|done|working)\b|\bsorted itself out\b|\b(?:sorted|fixed|resolved) (?:the|my|out)\b|\bno longer (?:a problem|an issue)\b|"
    r"\bya (?:funciona|esta resuelto)\b|\bc'est (?:resolu|regle)\b|\bfunktioniert (?:wieder|jetzt)\b|\bhat sich erledigt\b|"
    r"\b(?:funziona|funciona) (?:di|de) nuovo\b|\bvuelve a funcionar\b|\b(?:werkt|doet het) (?:weer|nu weer)\b|"
    r"\b(?:marche|fonctionne) (?:a|de) nouveau\b|\bfunciona outra vez\b|\bja funciona\b|\b(?:virker|fungerar|fungerer) "
    r"(?:igen|igjen)\b|\b(?:geht|lauft) wieder\b|"
    r"\bthanks? (?:you )?(?:so much |a lot )?for (?:resetting|unlocking|the reset|the unlock|sorting|fixing|adding|"
    r"removing|setting up|your help|the help|helping)\b"
)
# repaired, in the other ticket languages ("das hat der Hausmeister schon repariert"), unless negated just before
_REPAIRED = FastRe(
    r"\b(?:repariert|behoben|gerepareerd|opgelost|riparat[oa]|risolt[oa]|reparad[oa]|arreglad[oa]|solucionad[oa]|"
    r"resuelt[oa]|repare|reparee|resolu|resolue|resolvid[oa]|consertad[oa]|fikset|reparert|lagad|fixad)\b"
)
_NOT_YET = re.compile(r"\b(?:nicht|not|no|pas|encore|non|niet|nao|ikke|inte) (?:\w+ )?$")
_SENTENCE = re.compile(r"[.!?]+(?=\s|$)|\n")


def solved_at(p: Prepared, pos: int, *, after_only: bool = False) -> bool:
    """Whether the sentence around ``pos`` says its problem is already solved ("you reset my MFA then, all
    working fine"); with ``after_only``, only from the clause at ``pos`` on."""
    if pos < 0:
        return False
    lo = max(0, pos - 240)
    for m in _SENTENCE.finditer(p.cue, lo, pos):
        lo = m.end()
    if after_only:
        lo = max(lo, p.clause_start(pos))
    end = _SENTENCE.search(p.cue, pos, pos + 240)
    return solved_in(p, lo, end.start() if end else pos + 240)


def solved_in(p: Prepared, lo: int, hi: int) -> bool:
    """Whether ``cue[lo:hi]`` says its problem is solved ("the fix from last month held up, all working")."""
    if _SOLVED.search(p.cue, lo, hi, live=p.live) is not None:
        return True
    if not _REPAIRED.maybe(p.live):
        return False
    m = _REPAIRED.search(p.cue, lo, hi, live=p.live)
    while m is not None:
        if _NOT_YET.search(p.cue, max(lo, m.start() - 20), m.start()) is None:
            return True
        m = _REPAIRED.search(p.cue, m.end(), hi, live=p.live)
    return False


def soft_closure(p: Prepared) -> str | None:
    m = _CLOSED_SOFT.search(p.cue, live=p.live)
    return m.group(0) if m else None


# A ticket that is nothing but a forwarded mail, with no word of the writer's own above it: the asks in it were made
# of someone else ("Cuando lo tengas claro, ya le pido yo a Sistemas la cuenta", "Dann gebe ich der IT den
# Sperrtermin durch"). All six labelled tickets of this shape are no_action.
_FORWARD_FIRST = re.compile(
    r"\s*(?:-{3,} ?(?:forwarded message|original message|mensaje reenviado|message transf[ée]r[ée]|weitergeleitete "
    r"nachricht|messaggio inoltrato|doorgestuurd bericht|mensagem encaminhada) ?-{0,}|(?:from|de|von|da|van)\s*:[^\n]*\n"
    r"(?:[^\n]*\n){0,2}?\s*(?:sent|date|datum|fecha|envoy[ée]|data|verzonden)\s*:)",
    re.I,
)


def forwarded_only(p: Prepared) -> str | None:
    body = p.text[len(p.summary) :].lstrip()
    m = _FORWARD_FIRST.match(body)
    return " ".join(m.group(0).split())[:40] if m else None
