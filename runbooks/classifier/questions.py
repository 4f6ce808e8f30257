"""Questions and reports that ask for nothing (rules 17, 8, 20): policy and process questions, a how-to or
what-if for later, a suspicious message reported but not fallen for. Each returns the words that fired it, or
None."""

from __future__ import annotations

import re

from .fastre import FastRe
from .text import Prepared

# --- rule 17: policy and process questions -----------------------------------------------------------------
_POLICY = FastRe(
    "|".join(
        (
            r"\bhow often\b|\bhow frequently\b|\bhow long (?:do|does|must|should|can|are|is) (?:passwords?|accounts?|"
            r"licen[cs]es?|we)\b",
            r"\bhow many (?:attempts|tries|times|failed|wrong|licen[cs]es)\b",
            # nothing needed now, a how-to for later: "Not locked out or anything right now, but how do I ...?"
            r"\b(?:not|nothing)\b[^.\n]{0,40}\bright now,? but (?:how|what|where|is there|can i)\b|"
            r"\bis there a self-service (?:page|portal|site|way|option|link)\b",
            # may the writer do it for others: "can I reset the lads' passwords myself when they forget them?"
            r"\b(?:reset|unlock) (?:[\w']+ ){0,3}(?:passwords|accounts) myself\b[^\n]{0,120}\?",
            # what the writer should tell others: "How long is the reset link valid? ... What should I tell them?"
            r"\bhow long (?:is|are|does|do) (?:the |a |an |our )?(?:[\w-]+ ){0,4}(?:valid|good for|active|last|stay "
            r"valid)\b|\bwhat (?:should|do|can) i tell (?:them|people|students|users|staff|my team|the team|customers)\b|"
            r"\bwhat to tell (?:them|people|students|users|staff|my team|the team|customers)\b",
            # the same in the other ticket languages: "¿Cuántos intentos fallidos se permiten ...?"
            r"\b(?:cuantos (?:intentos|fallos)|combien (?:de tentatives|d'essais|d'erreurs|de fois)|wie viele[n]? (?:falschen )?"
            r"(?:\w+ )?(?:\w*versuchen?|\w*eingaben)|quanti (?:tentativi|errori)|quantas (?:tentativas|vezes)|"
            r"hoeveel (?:pogingen|keer)|hur manga (?:forsok|ganger)|hvor mange (?:forsog|forsok|ganger|gange))\b",
            # "it's only for the manual, I have no problem with my account"
            r"\b(?:es solo|solo es|c'est (?:juste|seulement)|es ist nur|e solo|e so|het is alleen) (?:para|pour|fur|per|"
            r"voor) (?:el|la|le|das|den|die|il|o|a|het) (?:manual|formacion|guia|manuel|formation|guide|handbuch|"
            r"schulung|leitfaden|manuale|formazione|guida|handleiding|opleiding)\b",
            r"\b(?:i have no|i don't have any|i do not have any|no tengo (?:ningun|ninguna)|je n'ai (?:aucun|pas de)|"
            r"ich habe (?:kein|keine|keinen)|non ho (?:nessun|alcun)|nao tenho (?:nenhum|qualquer)|ik heb geen) "
            r"(?:\w+ )?(?:problem|problems|issue|issues|problema|problemas|probleme|problemen|problemi)\b"
            r"[^.\n]{0,20}\b(?:my|mi|mon|ma|meinem|meiner|mio|mia|minha|meu|mijn) (?:account|login|cuenta|compte|konto|"
            r"zugang|account|utenza|conta|password|contrasena|mot de passe|passwort)\b",
            r"\bwhat(?:'s| is| are) (?:the|our) (?:policy|policies|process|procedure|rule|rules|guideline|"
            r"guidelines|requirement|requirements|standard|limit)\b",
            r"\bis there (?:a|an|any)(?: official| formal| written| company)? (?:rule|policy|process|procedure|"
            r"guideline|requirement|limit)\b",
            r"\b(?:am i|are we|are employees|are staff|are users|is it|are interns|are contractors|are they|is anyone)"
            r" (?:allowed|permitted|required|supposed)\b",
            r"\b(?:do|does|will|would|should) (?:we|employees|staff|users|new starters|new hires|interns|trainees|"
            r"contractors|managers|everyone|they|apprentices)(?: always| still| also| all)? (?:need|have to|get|"
            r"receive|require|use)\b",
            r"\bwho (?:approves|handles|decides|is responsible|can approve|should approve|signs off|owns|handles)\b",
            r"\bwho can (?:unlock|reset|approve|add|assign)\b",
            r"\bhow (?:do|can|should) (?:managers|team leads|supervisors|admins|we|i)\b[^.?\n]{0,40}\b(?:others|other "
            r"people|someone else|colleagues|employees|staff|their team|contractors|team members)\b",
            r"\bhow (?:do|should) we (?:request|raise|handle|process|document)\b",
            r"\bis (?:it|either|that|this|one) (?:allowed|permitted|ok|okay|approved)\b|\bwhich (?:app|one|authenticator|"
            r"licen[cs]e|option|method) should (?:i|we)\b|\bshould (?:i|we) (?:use|install|choose|pick)\b",
            r"\bwhat(?:'s| is) the process\b",
            r"\b(?:jaka jest procedura|cual es el procedimiento|quelle est la procedure|wie ist das vorgehen|"
            r"qual e la procedura|wat is de procedure|qual e o procedimento|nikt nie potrzebuje)\b",
            r"(?<!if you're )(?<!if you are )\bcurious\b|\bout of curiosity\b|\bjust wondering\b",
            r"(?:^|\n)\s*(?:request ?type|type of request|anfrageart|tipo de solicitud|type de demande)\s*:\s*(?:question|"
            r"query|enquiry|information|frage|pregunta|consulta)\s*(?:\n|$)|\binformation only\b|"
            r"\b(?:please )?(?:don't|do not) change anything\b(?! else)|"
            r"\b(?:aucun|pas de) besoin (?:immediat|urgent)\b|\bkein (?:akuter|sofortiger) bedarf\b|"
            r"\ben tant que [^.?\n]{0,40}\bje (?:peux|puis)\b[^?\n]{0,160}\?|"
            r"\bjust checking (?:what|whether|if)\b|\b(?:i )?(?:just|only) (?:need|want|needed|wanted) (?:the|some) "
            r"(?:instructions|steps|procedure|info|information|wording|details)\b(?! (?:for|to) (?:reset|unlock|get|log|sign))",
            r"(?<!\()\bfor (?:the |our |my )?(?:documentation|handbook|wiki|faq|onboarding pack|welcome pack|policy document|"
            r"training material)\b(?![^()\n]*\))|\bto document (?:it|this|the process)\b",
            r"\b(?:nur|bloss) eine (?:\w*frage)\b|\b(?:es ist|ist) (?:aktuell |derzeit |gerade )?niemand gesperrt\b|\bsolo una (?:pregunta|consulta|duda)\b|\b(?:juste|simple) une? question\b|"
            r"\bsolo una domanda\b|\b(?:so|apenas) uma (?:pergunta|duvida)\b|\b(?:alleen|gewoon) een vraag\b|"
            r"\b(?:durfen|darf|konnen) (?:\w+ )?(?:teamleiter\w*|vorgesetzte\w*|manager|fuhrungskrafte)\b|"
            r"\bgive the right answer\b|\bgeneral question\b|\bprocess suggestion\b|\bjust a suggestion\b|\bjust an idea\b|"
            r"\bit would be (?:nice|great|good|helpful|useful) if\b|\bfeature request\b|\bsuggestion:",
            r"\bkurze frage\b|\bgibt es (?:eine|einen) (?:regel|richtlinie|vorgabe|prozess)\b|\bwie oft\b|"
            r"\bwer (?:genehmigt|entscheidet|ist zustandig)\b|\b(?:bekommen|erhalten|brauchen) (?:unsere |die |neue )?"
            r"(?:azubis|mitarbeiter|praktikanten)\b",
            r"\bcada cuanto\b|\bquien (?:aprueba|autoriza|decide)\b|\b(?:hay|existe) (?:alguna|una) (?:norma|politica|"
            r"regla)\b",
            r"\ba quelle frequence\b|\bqui (?:approuve|valide|decide)\b|\bdevront-(?:ils|elles)\b|\bfaut-il\b|"
            r"\best-il (?:possible|permis|autorise)\b(?! d[e'] ?(?:passer|mettre|m'|me |ajouter|avoir|obtenir|debloquer|"
            r"reinitialiser|attribuer|activer))|\b(?:existe-t-il|y a-t-il) une (?:regle|politique|procedure)\b",
            r"\bogni quanto\b|\bchi approva\b|\bcom que frequencia\b|\bquem aprova\b|\bhoe vaak\b",
            r"\bnot asking for (?:any |a )?change(?! to\b)|\bno need to do anything(?=\s*[:;,\-–])",
            r"\b(?:nobody|no one|noone|no-one) is leaving\b",
            # nobody needs it now: "Al momento nessuno è bloccato", "Er is op dit moment niemand die het nodig heeft"
            r"\b(?:nobody|no one|nessuno|nadie|niemand|ninguem|ingen)(?:'s| is| e| esta| ist| er| ar) (?:\w+ )?(?:currently |"
            r"attualmente |ora |gerade |actualmente )?(?:locked|bloccat[oa]|bloquead[oa]|gesperrt|bloqueado|blokkert|"
            r"last|spaerret)\b|\bpersonne n'est (?:\w+ )?bloque|\ber is (?:\w+ ){0,3}niemand die\b|"
            r"\bniemand (?:heeft|hoeft) (?:\w+ ){0,2}(?:nodig|gereset)\b",
            # how a manager does it for their staff: "Come posso resettare la password ai miei commessi?"
            r"\b(?:come posso|come possiamo|como puedo|como podemos|comment (?:puis-je|pouvons-nous|je peux)|wie kann ich|"
            r"wie konnen wir|como posso|hoe kan ik|kan ik als)\b[^.?\n]{0,60}\b(?:commessi|colleghi|dipendenti|"
            r"collaboratori|mitarbeiter\w*|kollegen|empleados|companeros|colegas|collegues|employes|collaborateurs|"
            r"medewerkers?|collega's|funcionarios|teamleden)\b[^\n]{0,120}\?",
            r"\b(?:esiste|c'e) (?:un|una) (?:modo|maniera|procedura)\b[^\n]{0,120}\?|"
            r"\bof moet dat (?:\w+ )?(?:via|door)\b",
            r"\bno (?:new )?(?:starter|hire|joiner|employee)s? (?:is |are )?(?:pending|planned|yet|right now)\b",
            r"\bnot (?:about|for) a (?:specific|particular|concrete|real)\b|\bno (?:specific|particular|concrete) "
            r"(?:person|employee|user|case)\b",
            r"es geht nicht um (?:einen|eine|ein) konkret|\b(?:aktuell|derzeit|momentan) (?:ist |sind )?kein",
            r"\bno hay ningun|\bpas de cas concret\b|\baucune? (?:depart|arrivee|nouvel|nouveau)\b",
            r"\bjust asking\b(?! for)|\bbefore i (?:request|ask for|raise|order) anything\b|\bis it better (?:for \w+ )?to\b|"
            r"\bjust sharing\b|\bjust venting\b(?![^(\n]*\))|(?<!and )(?<!back )(?<!are )(?<!is )(?<!both )(?<!that's )(?<!thats )\ball fine\b(?! now\b)|\bnothing (?:to do|needed|required)\b(?! (?:there|for (?:that|those|them|it|this|him|her)|from (?:it|you|us|the it team)\b|on (?:that|those|it)|with "
            r"(?:that|those|it)|from (?:us|you) (?:there|on that)|from (?:ict|i\.t\.|the (?:ict|it) (?:team|desk|side)|the "
            r"helpdesk|helpdesk|the service ?desk))\b)",
            # who may do what, and what a rule requires, asked in general
            r"\bcan (?:team ?lead(?:er)?s|managers|supervisors|admins|line managers|heads? of \w+|we|employees|staff|users) "
            r"(?:\w+ ){0,2}(?:unlock|reset|add|remove|assign|approve|disable|create)\b[^.?\n]{0,60}\?",
            # what a whole group of people must or may do, asked as a question ("est-ce que les apprentis doivent ... ?")
            # (not "I'm staff on the news desk, I can't install Word ... could IT move me to E3?")
            r"(?<!i'm )(?<!i am )(?<!as )\b(?:apprentis|stagiaires|employes|salaries|collaborateurs|interns|trainees|apprentices|employees|staff|"
            r"contractors|becari[oa]s|emplead[oa]s|trabajador[ea]s|practicantes|azubis|praktikant\w*|mitarbeiter\w*|"
            r"stagisti|tirocinanti|dipendenti|apprendisti|estagiari[oa]s|funcionari[oa]s|colaborador[ea]s|stagiairs|"
            r"medewerkers|leerlingen|praktikanter|anstallda|ansatte|laerlinger)\b[^.?\n]{0,20}\b(?:doivent|peuvent|ont|"
            r"must|need|have to|should|can|deben|tienen que|pueden|necesitan|mussen|durfen|brauchen|sollen|devono|"
            r"possono|hanno|devem|tem de|tem que|podem|precisam|moeten|mogen|hebben|maste|far|behover|ma|skal|trenger)"
            r"(?= )[^.?\n]{0,120}\?",
            # managers as the subject of "unlock/reset", asked as a question: who may do it, not a request to do it
            r"\b(?:capireparto|capi|responsabili|manager|managers|teamleiter\w*|vorgesetzte\w*|jefes|jefas|encargad[oa]s|"
            r"responsables|chefs|gerentes|chefes|leidinggevenden?|teamleiders|supervisors|team ?leads|team ?leaders|"
            r"line managers|heads of department|chefer|ledere|ledare)\b[^.?\n]{0,40}\b(?:sbloccar\w*|resettar\w*|"
            r"reimpostar\w*|desbloquear\w*|resetear\w*|restablecer\w*|debloquer|reinitialiser|entsperren|zurucksetzen|"
            r"repor|ontgrendelen|deblokkeren|resetten|unlock|reset|lasa upp|lase opp|nulstille|tilbakestille|aterstalla)"
            r"\b[^\n]{0,120}\?",
            r"\bis there (?:a|any) way for (?:\w+ ){1,6}to (?:reset|unlock|add|remove|assign|do (?:this|that|it))\b[^\n]{0,120}\?|"
            r"\b(?:just )?want to know the (?:procedure|process|policy|rules?)\b",
            r"\b(?:nobody|no one) needs (?:one|it|this|a reset|an unlock)(?: right now| now)?\b|\bnothing'?s broken\b",
            r"\bor (?:does|do|must|should) (?:it|this|that|we|they|i|each one|each|every one|they all) (?:always |still )?(?:go|have to go|need to go|have to come|come|"
            r"have to be raised|have to ask) (?:through|via|to)\b",
            r"\b(?:do|does|will|would) (?:an? |the |our )?(?:\w+ ){0,2}(?:licen[cs]es?|accounts?|passwords?|groups?|"
            r"requests?|resets?) (?:need|require|have to)\b",
            r"\b(?:i|we) (?:might|may) (?:need|request|want|ask for) (?:one|it|this|that|them)?\b[^.?\n]{0,30}\b(?:later|"
            r"next|in the future|at some point|eventually)\b",
            r"\b(?:what(?:'s| is) the (?:minimum|maximum|max|min)|minimum (?:password )?length)\b",
            r"\bif (?:you|someone|somebody|one|a user|an employee|a colleague) (?:\w+ )?(?:gets?|types?|enters?|forgets?|"
            r"loses?|mistypes?)\b",
            r"\b(?:wenn man|si uno|si l'on|si on|se uno|se alguem|als je|als iemand|om man|hvis man|hvis en)\b",
            # how long an account stays locked, not how long the ticket takes ("Wie lange dauert das?")
            r"\b(?:wie lange|cuanto tiempo|combien de temps|quanto tempo|hoe lang|hur lange|hvor (?:lenge|laenge|lange))"
            r"\b(?! (?:dauert|duurt|tarda\w*|(?:ca |cela )?prend\w*|ci vuole|ci vorra|demora\w*|leva|tar|tager)\b)"
            r"[^.?\n]{0,60}\?",
            r"\bes geht nur um (?:die |eine )?(?:info\w*|doku\w*|anleitung)\b|\bfur (?:die|unsere) (?:einarbeitungsmappe|doku\w*|schulungsunterlagen)\b|\b(?:nur zur info|solo (?:para|por) informacion|pour (?:info|information)(?!,? ci-(?:dessous|joint|apres))|solo per (?:info|informazione)|"
            r"so para informacao|ter info|bara for info|kun til info|just for info|for information only)\b",
        )
    )
)


# the writer has not decided: "Or maybe reset it anyway to be safe, not sure. Do whatever you think."
_UNDECIDED = FastRe(
    r"\bdo (?:whatever|what) (?:you think|you think is best|you reckon|'?s normal|is normal|you like|makes sense)\b|"
    r"\blet me (?:check|confirm|find out|ask|double-check|talk to \w+|speak to \w+)(?: with (?:\w+ ){0,2}?\w+)? and (?:get back|come back) to you\b|"
    r"\b(?:don't|do not) do anything (?:yet|for now|until)\b|\b(?:i'll|i will) (?:get|come) back to you (?:to confirm|once i(?:'ve| have)? (?:checked|confirmed|spoken))\b|\bup to you\b[^.\n]{0,20}\bnot sure\b|"
    r"\bnot sure\b[^.\n]{0,30}\bup to you\b|\b(?:hasn't|has not|haven't|have not) (?:yet )?(?:decided|made up (?:his|her|their|my) mind)\b|"
    r"\b(?:i'll|i will|we'll) (?:confirm|let you know|come back to you|get back to you) (?:once|when) (?:we|i) know\b|"
    r"\b(?:i'll|i will|we'll) confirm once (?:\w+ ){1,3}(?:decides|knows|confirms|agrees)\b|\bheads[- ]up for now\b|\bnot sure yet if\b|"
    r"\bhold off (?:for now|until)\b|\bto (?:figure|work|find) out what(?:'s| is) (?:needed|wrong|going on)\b|"
    r"\bnot sure if it'?s my password,? (?:if|or)\b|\b(?:don't|do not) assign anything\b|\bi'll come back once\b|"
    r"\bnothing confirmed yet\b|\bheads-?up more than a request\b|"
    r"\b(?:i'll|i will) raise a (?:proper |new |real )?ticket if\b|\b(?:i'll|i will) (?:try again|check) (?:\w+ ){0,3}and let you know\b|"
    r"\b(?:please )?(?:don't|do not) (?:create|set up|do|change|touch) anything (?:until|yet)\b|"
    r"\b(?:i'll|i will) confirm once the (?:contract|offer) is (?:signed|accepted)\b|\bje (?:reviens|reviendrai) vers vous\b|"
    r"\bje vais d'abord voir avec\b|\bbitte noch nichts (?:anlegen|machen|tun|einrichten|andern)\b|\bich melde mich,? sobald\b|"
    r"\bya os (?:digo|confirmo)\b|\bos confirmo cuando\b|\bde momento no (?:desactiv\w+|toqu\w+|hag\w+|deis de baja)\b|\bno tocar (?:aun|todavia)\b|"
    r"\bya abriremos otro ticket\b|\b(?:i'll|i will|we'll) confirm (?:tomorrow|later|on \w+day)\b|\bnot sure yet,? (?:i'll|i will) (?:come|get) back to you\b|\bhaz(?:ed)? lo que (?:veais|creais|os parezca)\b|\bfaites (?:comme vous voulez|"
    r"ce que vous (?:pensez|jugez))\b|\bmacht (?:was|wie) ihr (?:denkt|meint|wollt)\b"
)


def undecided(p: Prepared) -> str | None:
    m = _UNDECIDED.search(p.cue, live=p.live)
    return m.group(0) if m else None


def policy_question(p: Prepared) -> str | None:
    m = _POLICY.search(p.cue, live=p.live)
    return m.group(0) if m else None


# --- a reported phishing message -------------------------------------------------------------------------
_PHISH_REPORT = FastRe(
    r"\b(?:email|e-mail|mail|message|text|sms|link)\b[^.\n]{0,40}\b(?:asking|asks|asked|telling) (?:me |us |you )?to "
    r"(?:reset|verify|confirm|update|change|re-?enter|unlock|click|log ?in|sign ?in|enter|provide|share|validate|"
    r"keep)\b"
    r"|\b(?:email|e-mail|mail|message|text|sms)\b[^.\n]{0,20}\b(?:saying|says|said|claiming|claims|warning|warns|"
    r"threatening|pretending)\b"
    r"|\b(?:e-?mail|mail|correo|courriel|messaggio|mensagem|mensaje|nachricht|bericht|sms)\b[^.\n]{0,40}\b(?:chiede|"
    r"chiedeva|pide|pedia|demande|demandait|fordert|auffordert|pede|pedia|vraagt|ber)\b"
)
_LEGIT_QUESTION = FastRe(
    r"\b(?:is (?:it|this|that) (?:legit\w*|real|genuine|safe|phishing|spam|a scam)|looks? (?:fake|suspicious|dodgy|"
    r"phishy|like (?:phishing|spam|a scam))|(?:phishing|suspicious|fake) (?:e-?mail|mail|message|link|text|sms))\b"
)
_NOT_FALLEN_FOR = FastRe(
    r"\b(?:didn't|did not|haven't|have not|never) (?:click|open|enter|type|follow|respond)\w*|\bfor your info\w*|"
    r"\bfyi\b|\bjust reporting\b|\breporting (?:it|this)\b|\bforwarding (?:it |this )?(?:to you|for)|\bdeleted it\b|"
    r"\bignored it\b|\bnon ho (?:cliccato|aperto|inserito)|\bno he (?:pinchado|hecho clic|clicado|abierto|puesto)|"
    r"\bje n'ai (?:pas|rien) (?:clique|ouvert|saisi)|\bnicht (?:angeklickt|geklickt|geoffnet)|\bnichts (?:angeklickt|"
    r"eingegeben)|\bnao (?:cliquei|abri|cliquei em nada)|\bniet (?:geklikt|aangeklikt|geopend)|\bnergens op geklikt|"
    r"\bve la inoltro|\bos lo reenvio|\bje vous le transfere|\bich leite sie weiter|\bstuur ik door"
)


def phishing_report(p: Prepared) -> str | None:
    """A suspicious message reported, not fallen for: nothing to reset."""
    report = _PHISH_REPORT.search(p.cue, live=p.live) or _LEGIT_QUESTION.search(p.cue, live=p.live)
    if report is not None and _NOT_FALLEN_FOR.search(p.cue, live=p.live) is not None:
        return report.group(0)
    return None


# --- rule 17/8: a how-to or what-if about the future, from someone who needs nothing now --------------------
_HOWTO = FastRe(
    r"\bhow (?:do|can|should|would|will) (?:i|we)\b|\bhow to\b|\bwhat (?:do|will|would|should) (?:i|we) (?:need to|have "
    r"to)? ?do\b|\bwhat happens (?:if|when)\b|\bif i (?:ever |get|lose|change|forget|buy|switch)|\bcomment (?:faire|puis-je)\b|"
    r"\bcomo (?:puedo|hago|se)\b|\bwie (?:kann|muss|mache) ich\b|\bcome (?:posso|faccio)\b|\bhoe (?:kan|moet) ik\b"
)
_LATER = FastRe(
    r"\b(?:for the future|in (?:the )?future|(?:if|should) (?:it|that|this) ever|one day|someday|"
    r"para el futuro|en el futuro|pour l'avenir|a l'avenir|fur die zukunft|in zukunft|per il futuro|in futuro|"
    r"para o futuro|no futuro|voor de toekomst|in de toekomst|"
    r"next (?:week|month|year|monday|tuesday|wednesday|thursday|friday|time)|in advance|ahead of time|before it "
    r"expires|when it expires|(?:want|like) to be (?:ready|prepared)|just in case|for future reference|for "
    r"later|when the time comes|in case (?:it|i|that) (?:happens|ever)|nothing urgent|not urgent|la semaine prochaine|"
    r"la proxima semana|nachste woche|la prossima settimana|volgende week)\b"
)
_NEED_NOW = FastRe(
    r"\b(?:forgot\w*|forgotten|can't (?:log|sign|get|access|remember|use)|cannot|unable to|locked|lost|stolen|"
    r"has expired|expired (?:today|yesterday|this)|right now|asap|urgent(?:ly)?(?! ?-)|today|this morning)\b"
)


def future_howto(p: Prepared) -> str | None:
    """A how-to or what-if about later ("how do I change it before it expires next week?"): nothing to do now."""
    how = _HOWTO.search(p.cue, live=p.live)
    if how is None:
        return None
    later = _LATER.search(p.cue, live=p.live)
    if later is None:
        return None
    now = _NEED_NOW.search(p.cue, live=p.live)
    if now is not None and not now.group(0).startswith("urgent"):
        return None
    return f"{how.group(0)} ... {later.group(0)}"


# --- a ticket that only asks questions -------------------------------------------------------------------------
# Every labelled ticket that asks a wh-question, has no word of a request ("please", "can you", "reset", "need" ...)
# and states no problem ("can't", "locked", "expired" ...) is a question for a human (28 of them, all no_action):
# the shape catches policy and how-to questions in words no rule above knows yet.
_WH_QUESTION = re.compile(
    r"(?:^|[.!?\n]\s*)(?:how|what|when|where|who|which|why|is there|are there|is it|can i|may i|do i|should i|do we|does|"
    r"como|cuando|donde|quien|cual|comment|quand|ou|qui|quel\w*|wie|wann|wo|wer|welche\w*|warum|gibt es)\b[^?\n]{0,200}\?"
)
_REQUEST_WORD = re.compile(
    r"\b(?:please|pls|plz|can (?:you|u|someone|somebody|i get|i have|we get|it be|i be)|could (?:you|u|someone|i get|"
    r"i have|i be|we|it be)|may i have|would you|will you|need|needs|needed|want|wants|require|requires|have to|must|"
    r"asap|urgent|help|kindly|bitte|por favor|s'il vous|svp|merci de|pourriez|pouvez|podeis|podriais|podrian|puedes|"
    r"konnt|konnen|konntet|brauche|brauchen|necesito|necesitamos|besoin|reset|unlock|add|remove|disable|suspend|assign|"
    r"give|grant|set up|create|ayuda|hilfe|aide|per favore|potete|graag|kunnen|(?:any )?way (?:to|for me to) (?:get|have|be))\b"
)
_PROBLEM_WORD = re.compile(
    r"\b(?:can't|cannot|can not|unable|won't|isn't|doesn't|locked|expired|lost|stolen|forgot|forgotten|broken|"
    r"new phone|no puedo|kann nicht|kann mich nicht|impossible|bloque\w*|gesperrt|perdu|verloren|olvid\w*|oublie\w*|"
    r"vergessen|abgelaufen|caducad\w*|expire\w*|no me acuerdo|ne me souviens|erinnere mich nicht)\b"
)


def question_only(p: Prepared) -> str | None:
    """A ticket that asks questions and nothing else: no request word, no problem told."""
    q = _WH_QUESTION.search(p.cue)
    if q is None or _REQUEST_WORD.search(p.cue) or _PROBLEM_WORD.search(p.cue):
        return None
    return " ".join(q.group(0).strip(" .!\n").split())
