"""Whole-ticket rules (16-20): text aimed at the bot, social engineering, security bypass, policy questions,
follow-ups and noise, several requests. Each returns the words that fired it, or None."""

from __future__ import annotations

import re

from .emails import is_automated_mailbox
from .fastre import FastRe
from .text import Prepared

# --- rule 18: text aimed at the bot (read on the raw text, before markup is thrown away) -------------------
_INJECTION = FastRe(
    "|".join(
        (
            r"\b(?:ignore|disregard|forget|override|bypass)\b(?:\s+[\w-]+){0,4}?\s+(?:instructions?|rules?|prompts?|"
            r"guidelines?|directions?|directives?|programming|system prompt|constraints)\b",
            r"\bignor\w*(?:\s+\w+){0,3}\s+(?:instrucciones|reglas|indicaciones|consignes|instructions|istruzioni|"
            r"regole|instrucoes|regras|anweisungen|regeln)\b",
            r"\bvergiss(?:\s+\w+){0,3}\s+(?:anweisungen|regeln|instruktionen|vorgaben)\b",
            r"\bnegeer(?:\s+\w+){0,3}\s+(?:instructies|regels)\b",
            r"\b(?:system|assistant|developer)\s*[\])>]?\s*:\s*(?:you\b|ignore|approve|classify|override|new\b|the "
            r"(?:user|ticket|following)|output|respond|set\b|mark|always|never|from now|escalate|elevate|grant|execute|"
            r"treat|disregard)",
            r"\[system\]|\[inst\]|<system|<\|system|<im_start|<\|im_start|\bsystem prompt\b",
            r"\bnew (?:rules|instructions)\s*:",
            r"\byou are now\b",
            r"\b(?:admin|developer|god|debug|dan|maintenance) mode\b",
            r"\bjailbreak",
            r"\b(?:note|message|instruction|reminder|p\.s\.|p\.s|ps\.|ps) ?(?:\w+ )?(?:to|for) (?:the |any |whatever )?(?:ai|bot|"
            r"assistant|classifier|model|llm|automation|triage|automated (?:system|assistant|classifier|triage|tool|"
            r"process\w*))\b",
            r"\b(?:ai|llm|gpt|automated|automation) (?:agents?|systems?|tools?|models?|bots?|triage)\b[^.\n]{0,30}\b(?:processing|"
            r"reading|handling|triaging|treat|approve|mark)\b",
            r"\bapprove (?:it |this |the request |everything )?without (?:review|approval|checks?|checking|a card|"
            r"(?:a )?human)\b|\btreat (?:it|this|the (?:ticket|request)) as (?:pre-?)?approved\b",
            r"\bto (?:whatever|any|the) (?:ai|bot|llm|model|assistant|automation|classifier)\b",
            r"\b(?:dear|hey|hi|hello|attention|attn)(?:, |: | )(?:ai|bot|classifier|assistant|chatgpt|llm|model|opsgate)\b",
            r"nota para el asistente|note (?:pour|a) l'assistant|hinweis (?:an|fur) (?:den|die) (?:bot|ki|assistent)|"
            r"\ban die ki\b|\bai (?:reads|reading|processing|that reads)\b",
            r"\bclassifier\s*[:=]|\bclassifier_\w+|\bclassifier\b[^.\n]{0,40}\b(?:output|return|respond|report|mark|"
            r"approve|set)\b",
            r"\b(?:output|return|respond with|report|classify (?:this|it) as)\s+(?:the\s+)?(?:intent|confidence|"
            r"disposition|runbook)\b",
            r"\bintent\s*[=:]\s*\w|\"intent\"\s*:|\bconfidence\s*(?:[=:]|of|with)?\s*(?:0?\.\d+|1\.0|100 ?%)",
            r"\boverride\"?\s*:\s*true|\"action\"\s*:|\"params\"\s*:|\"runbook\"\s*:|\"disposition\"\s*:|"
            r"\"approved\"\s*:|\"override\"\s*:",
            r"\bpre-?approved\b[^\n]{0,60}\b(?:skip|mark|card|bot|ai|automat|no need)",
            r"\b(?:skip|bypass) (?:the )?(?:approval card|card|approval step|human review)\b",
            r"\bmark (?:it|this|the ticket|the request) (?:as )?approved\b",
            r"\bauto-?approve\b",
            r"\bapprove (?:every|all|this) (?:request|ticket)s?\b",
            r"\bno (?:human )?(?:approval|review) (?:is )?(?:needed|required|necessary)\b",
        )
    )
)
_HIDDEN = re.compile(
    r"\{color:\s*(?:white|#?f{3}\b|#?f{6}\b|#?fefefe|#?fdfdfd|#?fcfcfc|#?fffffe|rgb\(\s*25[0-5],\s*25[0-5],\s*25[0-5]\s*\))"
    r"|<!--|display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?:px|pt)?\b|color\s*:\s*(?:white|#fff)",
    re.I,
)


_SYSTEM_ROLE = re.compile(r"(?m:^\s*[\[<(]?(?:SYSTEM|ASSISTANT|DEVELOPER)\s*[\])>]?\s*:)")
_HEADING_ORDER = re.compile(r"##+\s*(?:new|system|override|instruction)", re.I)


def injection(raw: str, p: Prepared) -> str | None:
    """Hidden text and role markers on the raw ticket; instructions to the bot in its words."""
    m = (
        _HIDDEN.search(raw)
        or _SYSTEM_ROLE.search(raw)
        or _HEADING_ORDER.search(raw)
        or _INJECTION.search(p.low, live=p.live)
    )
    return " ".join(m.group(0).split())[:60] if m else None


# --- rule 19: social engineering and security bypass --------------------------------------------------------
_SOCIAL = FastRe(
    "|".join(
        (
            r"\bsend (?:the |my |his |her |a |an |it |them )?(?:new |temporary |temp )?(?:password|credentials|login "
            r"details|reset link|reset code|code|pin|passcode|new one|link)s?\b(?:\s+[\w']+){0,4}?\s+(?:to|at)\s+"
            r"(?:this|that|another|my (?:personal|private|other|home|gmail)|an? (?:external|outside|personal|"
            r"private|different)|the following|[\w.+-]+@)",
            r"(?:enviando|envia\w*|manda\w*)\s+(?:la |el )?(?:nueva|nuevo|contrasena|clave)\w*\s+a\b",
            r"(?:envoye\w*|transmet\w*)\s+(?:le |mon |son )?(?:nouveau )?mot de passe\s+a\b",
            r"(?:schick|send|sende)\w*\s+(?:das |mir das )?(?:neue )?(?:kennwort|passwort)\s+an\b",
            r"\b(?:text|whatsapp|sms|message|dm) me the (?:password|code|new password|credentials)\b",
            r"\b(?:password|credentials|passcode|reset)\b[^.\n]{0,80}\b(?:send|email|e-mail|forward|give|text|pass)\w* (?:it|"
            r"them|the (?:new |temporary |temp )?(?:one|password|credentials|link)) (?:on )?to (?:my |our |his |her |a )?"
            r"(?:colleague|co-?worker|assistant|manager|boss|wife|husband|partner|friend|pa|secretary|daughter|son|"
            r"[\w.+-]+@)",
            r"\bpassword (?:of|for) [\w.+-]+@[^.\n]{0,90}\b(?:give|send|email|forward|tell|text)\w* (?:it|them|the new one) "
            r"(?:to|back to|over to) me\b",
            r"\b(?:i'm|i am|we are|we're) (?:the |an? |your )?(?:new )?(?:external |outside |it )?(?:contractor|consultant|"
            r"vendor|technician|engineer|support (?:engineer|agent)) (?:from|at|with) (?!(?:the |our )?(?:office|branch|"
            r"site|warehouse|depot|team)\b)",
            r"\b(?:text|whatsapp|sms|message|send|forward)\w* (?:it|them|the (?:new |temporary |temp )?(?:one|password|"
            r"code|credentials))(?: to me)? (?:on|at|to|via|over) (?:\+?\d|whatsapp|signal|telegram|my (?:personal|private|"
            r"wife|husband)|this number)",
            r"\b(?:his|her|their|(?<![a-z])[a-z]+'s) password\b[^.\n]{0,40}\b(?:send|give|forward|text|email) (?:it|the new one|them) "
            r"(?:to|back to) me\b",
            r"\bverbal(?:ly)? approv\w*",
            r"\bno time for (?:the |a |any )?(?:review|approval|verification|checks?|process)\b",
            r"\b(?:skip|bypass) (?:the )?(?:approval|verification|review|checks?|process|usual process)\b",
            r"\b(?:don't|do not|never) (?:contact|call|phone|tell|involve|loop in|inform|notify|cc|check with|verify "
            r"with) (?:hr|human resources|personnel|security|it security|the security team|anyone|the ceo|the cfo|"
            r"him|her|them|my manager|his manager|her manager)\b",
            r"\bkeep (?:this|it) (?:between us|quiet)\b",
            r"\b(?:i'm|i am|we are|we're) (?:with|from) (?:group it|the parent company|your parent|an? (?:external|"
            r"outside|third-party)|the auditors?|your (?:vendor|provider|msp|partner|auditors?))\b",
            r"\bparent company\b",
            r"\b(?:external|outside|third[- ]party|independent) (?:auditor|vendor|consultant|it firm|firm|it)s?\b",
            r"\bauditors?\b[^.\n]{0,60}\b(?:admin|reset|password|rights|global|credentials)",
            r"\byour (?:cio|ceo|cfo|ciso|it director|it manager|company|organi[sz]ation|tenant|domain|admins|"
            r"administrators|global administrators)\b",
            r"\byour (?:\w+ )?(?:partner|vendor|supplier|provider|msp|consultant|consultancy|auditor)s?\b",
            r"\[external\]",
            r"\b(?:this is|i am|i'm) (?:the |your )?(?:ceo|cfo|coo|cto|president|owner|chairman|managing director)\b"
            r"[^\n]{0,120}\b(?:urgent|immediately|asap|right now|on stage|can't talk|no time)\b",
            r"\b(?:urgent|immediately|asap)\b[^\n]{0,120}\b(?:this is|i am|i'm) (?:the |your )?(?:ceo|cfo|coo|president)\b",
        )
    )
)
_BYPASS = FastRe(
    r"\b(?:disabl\w*|deactivat\w*|turn(?:ed|ing)? off|switch(?:ed|ing)? off|exempt\w*|bypass\w*|get rid of|stop "
    r"(?:asking|using|requiring)|no more|without|desactiv\w*|deaktivier\w*|abschalt\w*|ausschalt\w*|disattiv\w*|"
    r"desativ\w*|uitschakel\w*|uitzetten)\b(?:\s+[\w'-]+){0,4}?\s+(?:the\s+)?(?:mfa|2fa|two[- ]factor|multi-?factor|"
    r"second factor|double authentification|doble factor|zwei-?faktor\w*|2-faktor\w*|autenticazione a due fattori|"
    r"two-step|2-step|okta verify|authenticator)\b"
    r"|\b(?:mfa|2fa|two[- ]factor|double authentification|zwei-?faktor\w*)\b[^.\n]{0,30}\b(?:permanent\w*|for good|"
    r"forever|definitiv\w*|dauerhaft|para siempre|permanentemente)"
)


def social_engineering(p: Prepared) -> str | None:
    m = _SOCIAL.search(p.cue, live=p.live)
    return m.group(0) if m else None


def security_bypass(p: Prepared) -> str | None:
    m = _BYPASS.search(p.cue, live=p.live)
    return m.group(0) if m else None


# --- rule 20: follow-ups, closures, auto-replies, bounces, alerts, marketing, jokes, tests ------------------
_CLOSED = FastRe(
    "|".join(
        (
            r"\bcan be closed\b|\bclose (?:this|the|my) (?:ticket|request|issue|case)\b|\b(?:you can|feel free to|please|ok to|okay to) "
            r"close (?:it|this)\b|\bmark (?:this|it|the ticket|the request) (?:as )?(?:resolved|closed|done|complete)\b|"
            r"\bthe (?:\w+ )?(?:reset|unlock|fix|change) (?:worked|did the trick)\b",
            r"\bnever ?mind\b|\bignore (?:this|my (?:previous|last|earlier)) (?:ticket|request|email|message)\b",
            r"\bno longer (?:needed|required)\b|\bplease cancel (?:this|my|the) (?:ticket|request)\b",
            r"\b(?:has|have) been (?:resolved|fixed|closed|completed)\b|\bthank(?:s| you)\b[^.\n]{0,60}\b(?:worked|"
            r"did the trick|sorted it)\b|\ball set up on\b",
            r"\bse puede cerrar\b|\bpode(?:is|mos)? cerrar\b|\bpouvez (?:fermer|cloturer)\b|"
            r"\bpeut etre (?:ferme|cloture)\b|\bkann geschlossen werden\b|\bticket (?:schliessen|kann zu)\b|"
            r"\bpuo essere chiuso\b|\bpode ser fechado\b|\bmag (?:gesloten|dicht)\b|\bhat sich erledigt\b",
            r"\bout of (?:the )?office\b|\bautomatic reply\b|\bauto-?reply\b|\bautoreply\b|\babwesenheitsnotiz\b|"
            r"\brespuesta automatica\b|\bfuera de la oficina\b|\breponse automatique\b|\babsente? du bureau\b|"
            r"\brisposta automatica\b|\bfuori ufficio\b|\bresposta automatica\b|\bautomatisch antwoord\b",
            r"\bundeliverable\b|\bdelivery (?:has )?failed\b|\bdelivery status notification\b|\bmail delivery "
            r"(?:subsystem|failed|failure)\b|\bcould not be delivered\b|\bmessage not delivered\b|\breturned mail\b|"
            r"\bunzustellbar\b|\bnon remis\b",
            r"\b(?:automated|automatic|system) (?:alert|alarm)\b|\bthis (?:is an? )?(?:automated|automatically "
            r"generated) (?:message|notification|email)\b|\bsystem log\b|\badmin cent(?:er|re) (?:notification|alert)\b|"
            r"\b(?:do not|please do not|don't) reply to this (?:e-?mail|message|notification)\b|\bunmonitored mailbox\b|"
            r"\byou(?:'re| are) receiving this (?:e-?mail|message|notification)\b",
            r"\brate your experience\b|\bsatisfaction survey\b|\bhow did we do\b|\bunsubscribe\b|\bwebinar\b|\bnewsletter\b|% off\b|\blimited[- ]time offer\b|\bspecial offer\b|"
            r"\bfree trial\b|\bview (?:this email )?in (?:your )?browser\b",
            r"\bhaiku\b|\bjust (?:kidding|joking)\b|\bapril fool",
            r"\btest (?:ticket|issue|request|message|email)\b|\bthis is (?:a|just a|only a) test\b|\btesting (?:the )?"
            r"(?:integration|automation|webhook|jira|connector|workflow|bot|opsgate)\b|\bplease ignore\b",
            r"\bsee (?:my |the )?(?:previous|earlier|last|other|original) (?:ticket|request|email|message)\b|"
            r"\bduplicate (?:of|ticket|request)\b|\b(?:already|previously) (?:raised|logged|reported|opened|submitted|"
            r"filed)\b|\bsame as (?:ticket )?[a-z]+-\d+\b|\braised (?:this )?twice\b|\bdoppelt\b|\bduplicado\b|"
            r"\bdoublon\b",
            r"\b(?:ticket|request|case) (?:# ?)?[a-z]{2,10}-\d+\b[^.\n]{0,60}\b(?:approve\w*|update|status|progress|eta|"
            r"done|closed|pending)\b|\bany (?:update|news|progress)\b|\b(?:following|follow) up on\b|\bchasing (?:this|my|the)\b|\bstill "
            r"waiting (?:for|on)\b|\bstatus (?:of|on) (?:my|the) (?:ticket|request)\b|\beta on\b",
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


def closure_or_noise(p: Prepared) -> str | None:
    """Rule 20. A reply on an existing ticket ("RE: [ITSD-7719] ...") is a follow-up, whatever it says: a new
    request belongs in a new ticket."""
    m = _CLOSED.search(p.low, live=p.live)
    if m:
        return m.group(0)
    if p.reply:
        key = _TICKET_KEY.search(p.summary)
        if key:
            return f"a reply on {key.group(0)}"
    if _ALERT_SUMMARY.match(p.summary):
        return p.summary.split()[0]
    return None


_SOLVED = FastRe(
    r"\b(?:all|everything|it's|it is|that's|that is|which is|now|since then|and)(?: \w+)? (?:working|works|worked|fine|"
    r"sorted|fixed|resolved|ok|okay|good)\b|\b(?:was|were|got|been) (?:fixed|sorted|resolved|done)\b|\balready "
    r"(?:fixed|sorted|resolved|done|working)\b|\bsorted itself out\b|\b(?:sorted|fixed|resolved) (?:the|my|out)\b|\bno longer (?:a problem|an issue)\b|"
    r"\bya (?:funciona|esta resuelto)\b|\bc'est (?:resolu|regle)\b|\bfunktioniert (?:wieder|jetzt)\b|\bhat sich erledigt\b|"
    r"\bthanks? (?:you )?(?:so much |a lot )?for (?:resetting|unlocking|the reset|the unlock|sorting|fixing|adding|"
    r"removing|setting up|your help|the help|helping)\b"
)
_SENTENCE = re.compile(r"[.!?]+(?=\s|$)|\n")


def solved_at(p: Prepared, pos: int) -> bool:
    """Whether the sentence around ``pos`` says its problem is already solved ("you reset my MFA then, all
    working fine")."""
    if pos < 0:
        return False
    lo = max(0, pos - 240)
    for m in _SENTENCE.finditer(p.cue, lo, pos):
        lo = m.end()
    end = _SENTENCE.search(p.cue, pos, pos + 240)
    return _SOLVED.search(p.cue, lo, end.start() if end else pos + 240, live=p.live) is not None


def soft_closure(p: Prepared) -> str | None:
    m = _CLOSED_SOFT.search(p.cue, live=p.live)
    return m.group(0) if m else None


# --- rule 16: several requests ------------------------------------------------------------------------------
_MULTI = FastRe(
    "|".join(
        (
            r"\b(?:two|three|several|a few|a couple of|couple of) (?:things|requests|issues|items|changes)\b|"
            r"\b2 things|\b2 requests|\b3 things",
            r"\b(?:also|additionally|as well),? (?:i |we )?(?:need|require|want|would like|'d like)\b",
            r"\bi (?:also|additionally) (?:need|want|require|would like)\b|\bi'd also like\b",
            r"\b(?:can|could|would) you also\b|\bplease also\b|\balso,? (?:please|can you|could you)\b|"
            r"\bseparately(?:[,:]|,? (?:the|my|our|can|could|please|i)\b)|\bunrelated(?:ly)?[,:]|\bon (?:an|a) (?:other|"
            r"separate|different) note\b|"
            r"\b(?:monitor|printer|laptop|keyboard|mouse|screen|headset|dock|docking station|scanner|projector|webcam|"
            r"camera|charger)\b[^.\n]{0,40}\b(?:died|dead|broken|broke|not working|isn't working|doesn't work|stopped "
            r"working|jammed|won't turn on)\b[^.\n]{0,15}\b(?:too|as well|also)\b|"
            r"\b(?:and|then|but) also (?:add|remove|reset|unlock|assign|give|create|disable|suspend|grant|install|put|"
            r"change|order|move|enable|set up|sort out|fix)\b|\balso\b[^.\n]{0,50}\b(?:needs (?:a new|new|fixing|"
            r"replacing|a refill)|is broken|isn't working|doesn't work|stopped working|won't (?:print|work|turn on))\b",
            r"\bwhile you(?:'re| are) at it\b|\band another thing\b|\bone more thing\b",
            r"\bademas,? (?:necesito|quiero|podeis|podrian|me|os pido)\b|\btambien (?:necesito|quiero)\b|\bdos cosas\b",
            r"\b(?:aussi|egalement) besoin\b|\bdeux choses\b|\ben plus,? (?:j'ai|pourriez|pouvez)\b",
            r"\b(?:ausserdem|zusatzlich) (?:brauche|benotige|bitte|noch)\b|\bzwei dinge\b|\bauch noch\b",
            r"\bzwei anliegen\b|\bdos temas\b|\bdeux (?:demandes|sujets)\b|\bdue richieste\b|\btwee vragen\b|"
            r"\bduas questoes\b|\binoltre\b|\bdue cose\b|\balem disso\b|\bduas coisas\b|\btambem preciso\b|\bdaarnaast\b|\btwee dingen\b",
            r"1\)\s[^\n]{3,}\b2\)\s|1\.\s[^\n]+\n\s*2\.\s|\(1\)[^\n]{3,}\(2\)|a\)\s[^\n]+\n\s*b\)\s",
            r"\bactually,? (?:hold on|wait|no\b|scratch that|don't|do not|ignore|cancel|never mind)|\bhold on\b|"
            r"\bon second thought|\bor not\b|\bwhichever\b|\bscratch that\b|\bmaybe\b[^.\n]{0,60}\binstead\b",
            r"\b(?:unlock|reset|add|remove|suspend|disable|sort|fix|handle|do) (?:them )?both\b|\bboth (?:issues|things|"
            r"requests|problems)\b|\bboth (?:of )?(?:our|my|the|of them|"
            r"accounts|users|of us)\b|\ball three\b|\ball of them\b|\beveryone in\b|\bthe whole team\b|\ball users\b|"
            r"\b(?:allebei|allebeide|ambos|ambas|les deux|tous les deux|toutes les deux|entrambi|tutti e due|beide|begge|"
            r"bada)\b|(?:\)|\bkolleg\w*|\bcollega|\bcompaner[oa]|\bcollegue|\bcolega|\bkollega) (?:en|y|et|und|e|og|och|and) "
            r"(?:ik|yo|moi|ich|io|eu|jeg|jag|i)\b|\b(?:onze|nuestr[oa]s|nos|unsere|"
            r"nostr[ei]|nossas|nossos|vores|vara) (?:mfa|2fa|wachtwoorden|contrasenas|cuentas|comptes|mots de passe|"
            r"passworter|konten|password|account|senhas|contas|telefoons|moviles|telephones|handys)\b|"
            r"\b(?:und|and|also|plus|ademas|aussi|ausserdem|inoltre|tambem|ook|y (?:mi|la|el)|e (?:la|il|o|a|mia|mio)|"
            r"et (?:mon|ma|la|le)|en (?:mijn|de|het)) (?:\w+ ){0,2}(?:drucker|impresora|"
            r"imprimante|stampante|impressora|printer|monitor|bildschirm|pantalla|ecran|schermo|scherm|tastatur|teclado|"
            r"clavier|tastiera|toetsenbord|scanner|headset)\b[^.\n]{0,40}\b(?:druckt nicht|funktioniert nicht|geht nicht|"
            r"kaputt|defekt|no funciona|no imprime|roto|rota|ne marche|ne fonctionne|casse|non funziona|non stampa|"
            r"nao funciona|avariad[oa]|werkt niet|doet het niet|kapot|died|dead|broken|not working|jammed)|"
            r"\b(?:ademas|ausserdem|aussi|en plus|inoltre|alem disso|daarnaast|and also)\b(?:,? \S+){0,6}? (?:no (?:carga|enciende|"
            r"arranca|funciona|imprime)|geht nicht|funktioniert nicht|ladt nicht|startet nicht|ne (?:charge|demarre|marche|"
            r"fonctionne) (?:plus|pas)|non (?:carica|si accende|funziona)|nao (?:carrega|liga|funciona)|laadt niet|"
            r"start niet|werkt niet|won't (?:charge|turn on|start)|isn't working|doesn't work)\b|"
            r"\b(?:whole|entire) (?:\w+ )?(?:team|department|dept|office|branch|staff|company|floor|shift|crew|class)\b|"
            r"\b(?:they|we) all\b|\beach of (?:them|us)\b|"
            r"\ball (?:our |the )?(?:users|staff|employees|interns|tellers|drivers|nurses)\b",
            r"\b(?:and|et|und) (?:that of|the one of|celui de|celle de|das von|den von)\b|\by el de\b|\by la de\b|"
            r"\bmy account and (?:my|his|her|the) \w+'?s?\b|\bfor me and\b|\bme and my\b",
            r"\bme and (?:\w+ ){1,2}(?:both|are|were|have|can't)\b|\bwe (?:both|all|are both)\b|\bour (?:accounts|passwords|"
            r"phones|logins)\b",
        )
    )
)


def several_requests(p: Prepared) -> str | None:
    m = _MULTI.search(p.cue, live=p.live)
    return " ".join(m.group(0).split()) if m else None
