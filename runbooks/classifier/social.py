"""Rule 19: social engineering and requests to weaken sign-in security -- credentials to be handed to someone,
the approval process skipped or promised for later, outside parties asking for resets or admin rights, MFA switched
off for good. Each returns the words that fired it, or None; any match makes the whole ticket ``no_action``."""

from __future__ import annotations

import re

from .fastre import FastRe
from .text import Prepared

# --- rule 19: social engineering and security bypass --------------------------------------------------------
# what a self-service page does is not an ask: "the Forgot password link wants to send a code to an old personal email"
_SYSTEM_SENDS = r"(?<!wants to )(?<!tries to )(?<!tried to )(?<!wanted to )(?<!trying to )(?<!going to )(?<!it )"
_SOCIAL = FastRe(
    "|".join(
        (
            # keeping the people who must know out of it: "I'd rather you didn't contact HR - just action it on my say-so"
            r"\b(?:keep|leave) (?:hr|security|my manager|the manager|it|this) out of (?:it|this|the loop)\b|"
            r"\b(?:don't|do not|didn't|rather you didn't|no need to|please don't) (?:contact|tell|inform|involve|loop in|"
            r"copy|cc|check with|ask) (?:hr|security|human resources|people team|anyone else|her manager|his manager)\b|"
            r"\bon my say-?so\b|\bkeep (?:this|it) (?:quiet|between us|off the record)\b|"
            r"\bplease don't (?:call|phone|ring|contact) (?:the|anyone|his|her|their)\b[^.\n]{0,40}\b(?:sensitive|confidential)\b|"
            # "No need to check with Raj, he's on leave"; "can't get into my usual account ... send it to this address"
            r"\bno need to (?:check with|ask|contact|tell|involve|loop in) [a-z]+,? (?:he|she|they)(?:'s| is| are) "
            r"(?:on leave|away|off|out|travelling|on holiday|busy)\b|"
            r"\b(?:can't|cannot|can not) (?:get into|access|use|get to) my (?:usual|normal|regular|work) (?:account|e-?mail|"
            r"mailbox|address|laptop)\b",
            r"\bsend (?:the |my |his |her |a |an |it |them )?(?:new |temporary |temp )?(?:password|credentials|login "
            r"details|reset link|reset code|code|pin|passcode|new one|link)s?\b(?:\s+[\w']+){0,4}?\s+(?:to|at)\s+"
            r"(?:this|that|another|my (?:personal|private|other|home|gmail)|an? (?:external|outside|personal|"
            r"private|different)|the following|[\w.+-]+@)",
            r"(?:enviando|envia\w*|manda\w*)\s+(?:la |el )?(?:nueva|nuevo|contrasena|clave)\w*\s+a\b",
            # "restablezcáis la contraseña de X y nos la enviéis a soporte@...": the password to the writer
            r"\b(?:nos|me) (?:la|lo|las|los) (?:envi\w*|mand\w*|pas\w*|reenvi\w*|facilit\w*) (?:\w+ ){0,2}a (?:[\w.+-]+@|"
            r"mi |nuestr\w+ |este |esta )|\benvoye[zr]-(?:nous|moi) (?:le |son |leur )?(?:nouveau )?mot de passe\b",
            r"(?:envoye\w*|transmet\w*)\s+(?:le |mon |son )?(?:nouveau )?mot de passe\s+a\b",
            r"(?:schick|send|sende)\w*\s+(?:das |mir das )?(?:neue )?(?:kennwort|passwort)\s+an\b",
            # the new password to the writer, for someone else: "setzt sein Kennwort zurück und schickt mir das neue"
            r"\b(?:schick|send|sende)\w*\s+(?:mir|uns)\s+(?:das |sein |ihr |dessen )?(?:neue )?(?:kennwort|passwort)\b|"
            r"\b(?:ich gebe|gebe ich) (?:es|das|ihm|ihr|sie) (?:\w+ ){0,2}durch\b",
            r"\b(?:text|whatsapp|sms|message|dm) me the (?:password|code|new password|credentials)\b",
            # "mandádmela a mi correo personal", "an meine private Adresse", "send it to my gmail"
            _SYSTEM_SENDS + r"\b(?:send|mand|envi|envoy|schick|sende|invia|stuur|skicka|sendt?)\w*(?:-(?:le|la|les|moi|me|lo|la|ma))*"
            r"\b[^.\n]{0,50}\b(?:personal|private|privat\w*|personnel\w*|personale|pessoal|persoonlijke?|privad[oa]|"
            r"privee?|home|prive) (?:e-?mail|mail|correo|adresse|address|indirizzo|endereco|adres|mailadres|account|"
            r"cuenta|compte|konto)\b",
            _SYSTEM_SENDS + r"\b(?:send|mand|envi|envoy|schick|sende|invia|stuur|skicka|sendt?)\w*(?:-(?:le|la|les|moi|me|lo|la|ma))*"
            r"\b[^.\n]{0,50}\b(?:e-?mail|mail|correo|adresse|indirizzo|endereco|mailadres|cuenta|compte|conta) "
            r"(?:electronico )?(?:personal|privad[oa]|personnelle|privee|personale|privato|pessoal|privat)\b",
            r"\b(?:send|mand|envi|envoy|schick|sende|invia|stuur|skicka)\w*\b[^.\n]{0,50}\b(?:to|a|an|naar|til|till|"
            r"para|au|alla|ao) (?:my |mi |mon |ma |meine |mijn |min |il mio |o meu |la mia )?(?:gmail|hotmail|yahoo|"
            r"icloud|webmail|outlook\.com|gmx|proton\w*)\b",
            r"\b(?:password|credentials|passcode|reset)\b[^.\n]{0,80}\b(?:send|email|e-mail|forward|give|text|pass)\w* (?:it|"
            r"them|the (?:new |temporary |temp )?(?:one|password|credentials|link)) (?:on )?to (?:my |our |his |her |a )?"
            r"(?:colleague|co-?worker|assistant|manager|boss|wife|husband|partner|friend|pa|secretary|daughter|son|"
            r"him\b|her\b|them\b|[\w.+-]+@)",
            r"\bpassword (?:of|for) [\w.+-]+@[^.\n]{0,90}\b(?:give|send|email|forward|tell|text)\w* (?:it|them|the new one) "
            r"(?:to|back to|over to) me\b",
            r"\b(?:i'm|i am|we are|we're) (?:the |an? |your )?(?:new )?(?:external |outside |it )?(?:contractor|consultant|"
            r"vendor|technician|engineer|support (?:engineer|agent)) (?:from|at|with) (?!(?:the |our )?(?:office|branch|"
            r"site|warehouse|depot|team)\b)",
            r"\b(?:text|whatsapp|sms|message|send|forward)\w* (?:it|them|the (?:new |temporary |temp )?(?:one|password|"
            r"code|credentials))(?: to (?:me|him|her|them))? (?:on|at|to|via|over) (?:\+?\d|whatsapp|signal|telegram|my (?:personal|private|"
            r"wife|husband)|this number)",
            r"\b(?:his|her|their|(?<![a-z])[a-z]+'s) password\b(?:[^.\n]|\.(?=\S)){0,90}\b(?:send|give|forward|text|email) (?:it|the new one|them) "
            r"(?:to|back to) me\b",
            r"\bverbal(?:ly)? approv\w*",
            r"(?<!to )\bapprov\w* (?:\w+ ){0,3}(?:verbally|by phone|over the phone|on the phone|in person|orally)\b|"
            r"\bverbal (?:ok|okay|go-ahead|sign-off|consent|approval)\b",
            r"\b(?:aprobad[oa]|aprovad[oa]|autorizad[oa]|approuve\w*|valide\w*|genehmigt|freigegeben|approvat[oa]|"
            r"autorizzat[oa]|goedgekeurd) (?:\w+ ){0,3}(?:verbalmente|de palabra|por telefono|oralement|verbalement|"
            r"par telephone|mundlich|telefonisch|a voce|verbalmente|al telefono|mondeling|telefonisch)\b|"
            r"\b(?:mundliche|telefonische) (?:freigabe|genehmigung|zusage)\b|\bmondelinge goedkeuring\b|"
            r"\b(?:verbalmente|de palabra|oralement|verbalement|mundlich|telefonisch|a voce|mondeling|muntligt|muntlig)"
            r" (?:\w+ ){0,2}(?:aprobad[oa]|approuve\w*|genehmigt|approvat[oa]|aprovad[oa]|goedgekeurd|akkoord|"
            r"freigegeben|godkant|godkjent|godkendt)\b",
            r"\bno time for (?:the |a |any )?(?:[\w-]+ ){0,2}(?:review|approval|verification|checks?|process)\b|"
            r"\bverbal (?:instruction|instructions|say-so)\b|"
            # "Bitte sein Passwort zurücksetzen und mir das neue per SMS schicken ... müsst ihr nicht abklären"
            r"\bmir das neue\b[^.\n]{0,30}\b(?:schick|send|geb)\w*|\b(?:musst|musst ihr|muss|mussen) (?:ihr )?(?:das )?nicht "
            r"(?:abklaren|nachfragen|prufen)\b",
            # "Dave said yes on the phone ... there's no time to wait for the usual approval, just do it"
            r"\bno time to wait for (?:the |a |any )?(?:\w+ )?(?:review|approval|approver|sign-?off|verification|process)\b|"
            r"\bsaid (?:yes|ok|okay|it's fine|go ahead) (?:on|over) the phone\b",
            r"\bno hay tiempo para (?:esperar a )?(?:la |el |las |los )?(?:revision|aprobacion|verificacion|comprobacion)|"
            r"\b(?:visto bueno|el ok) por telefono\b|\bno hace falta molestar a\b|"
            r"\b(?:mandadmela|enviadmela|pasadmela|dadmela|mandamela|enviamela)\b|"
            # "réinitialiser le mot de passe de X et me transmettre le nouveau"; "reset her password and send me the new one"
            r"\b(?:me transmettre|m'envoyer|me communiquer|me donner) le nouveau\b|"
            r"\b(?:send|give|text|email|tell) (?:me|us) the new (?:one|password)\b|"
            r"\bpas le temps (?:de |pour )(?:la )?(?:valid|verifi|revision|controle)\w*|"
            # "m'a donné son accord oralement ... pas le temps de passer par la validation habituelle"
            r"\baccord (?:\w+ ){0,2}(?:oralement|verbalement|par telephone)\b|\bpas le temps de passer par\b|"
            r"\bkeine zeit fur (?:die |eine )?(?:freigabe|prufung|genehmigung|kontrolle)|"
            r"\bnon c'e tempo per (?:la |il )?(?:verifica|approvazione|revisione|controllo)|"
            r"\bnao ha tempo para (?:a |o )?(?:verificacao|aprovacao|revisao)|"
            r"\bgeen tijd voor (?:de |een )?(?:\w+ )?(?:controle|goedkeuring|review|procedure)",
            r"\b(?:no time for|no hay tiempo para|pas le temps (?:de|pour)|keine zeit fur|non c'e tempo per|"
            r"nao ha tempo para|ingen tid (?:for|till)) (?:the |la |el |le |die |den |il |a |o |de )?(?:\w+ )?"
            r"(?:procedure|procedura|procedimiento|procedimento|verfahren|prozess|process|proces|formalities|paperwork|"
            r"tramites|formalites|formalitaten)",
            r"\b(?:skip|bypass) (?:the )?(?:approval|verification|review|checks?|process|usual process)\b",
            r"\b(?:don't|do not|never) (?:contact|call|phone|tell|involve|loop in|inform|notify|cc|check with|verify "
            r"with) (?:hr|human resources|personnel|security|it security|the security team|anyone|the ceo|the cfo|"
            # (not the leaver before the meeting: "his employment is being terminated ... Please don't contact him
            # before then")
            r"(?:him|her|them)(?! before (?:then|the meeting|\d))|my manager|his manager|her manager)\b",
            r"\bkeep (?:this|it) (?:between us|quiet)\b",
            r"\b(?:i'm|i am|we are|we're) (?:with|from) (?:group it|the parent company|your parent|an? (?:external|"
            r"outside|third-party)|the auditors?|your (?:vendor|provider|msp|partner|auditors?))\b",
            r"\bparent company\b",
            r"\b(?:external|outside|third[- ]party|independent) (?:auditor|vendor|consultant|it firm|firm|it)s?\b",
            r"\bauditors?\b[^.\n]{0,60}\b(?:admin|reset|password|rights|global|credentials)",
            r"\byour (?:cio|ceo|cfo|ciso|cto|coo|it director|it manager|managing director|md|board|access controls|company|"
            r"organi[sz]ation|tenant|domain|admins|"
            r"administrators|global administrators)\b|\byour [\w-]*admins? group\b",
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
    r"(?:asking|using|requiring)|no more|(?<!came )(?<!come )(?<!arrived )(?<!shipped )without|desactiv\w*|deaktivier\w*|abschalt\w*|ausschalt\w*|disattiv\w*|"
    r"desativ\w*|uitschakel\w*|uitzetten)\b(?:\s+[\w'-]+){0,4}?\s+(?:the\s+)?(?:mfa|2fa|two[- ]factor|multi-?factor|"
    r"second factor|double authentification|doble factor|zwei-?faktor\w*|2-faktor\w*|autenticazione a due fattori|"
    r"two-step|2-step|okta verify|authenticator)\b"
    r"|\b(?:mfa|2fa|two[- ]factor|double authentification|zwei-?faktor\w*)\b[^.\n]{0,30}\b(?:permanent\w*|for good|"
    r"forever|definitiv\w*|dauerhaft|para siempre|permanentemente)"
)


# The approval process skipped, in any words (rule 19): "no time for the usual approval", "keine Zeit für den üblichen
# Freigabeprozess", "please don't go through HR", "no hace falta que lo consultéis con Recursos Humanos", "no need to
# wait for the licence board" ...
_SKIPPED_PROCESS = FastRe(
    r"\b(?:no time|not (?:got |have )?(?:the )?time|bleibt keine zeit|keine zeit|pas le temps|no hay tiempo|no tenemos tiempo|"
    r"no tengo tiempo|"
    r"no need to|there's no need to|no hace falta(?: que)?|pas besoin de|inutile de|nicht notig|(?:please )?(?:don't|do not)|"
    r"musst ihr nicht|braucht ihr nicht|sin pasar por|sans passer par|without (?:going through|waiting for|asking))\b"
    r"[^.!?\n]{0,40}?\b(?:(?:usual|normal|formal|standard|ublichen?|habituelle?|habitual) (?:\w+ )?(?:approval|process|"
    r"review|sign-?off|form|freigabe\w*|genehmigung\w*|validation|procedure|proceso|procedimiento|aprobacion)|"
    r"(?:go|going) through (?:hr|human resources|the (?:approval|process|board|form))|"
    r"esperar a que (?:lo |la )?(?:apruebe|autorice|valide)|attendre (?:que|la) (?:validation|l'accord|qu'on valide)|"
    r"(?:auf die )?freigabe (?:zu )?warten|"
    r"consult\w* con (?:recursos humanos|rrhh)|(?:wait|waiting) for (?:the )?(?:\w+ )?(?:board|approval|sign-?off|form)|"
    r"(?:check|talk|speak) (?:it )?with (?:hr|human resources)|"
    r"(?:mit|bei) (?:der )?(?:personalabteilung|hr) (?:\w+ )?(?:abklaren|abstimmen|nachfragen))"
)
_PROCESS_NO_TIME = FastRe(
    r"\b(?:usual|normal|ublichen?|habituelle?|habitual|normale[n]?) (?:\w+ ){0,3}?(?:approval|process|review|sign-?off|"
    r"freigabe\w*|genehmigung\w*|validation|procedure|proceso|procedimiento|aprobacion)\b[^.!?\n]{0,30}\b(?:bleibt "
    r"keine zeit|keine zeit|no time|isn't time|pas le temps|no hay tiempo)\b"
)
# ... or its written approval promised for afterwards: "Die schriftliche Freigabe reichen wir nach", "I'll get him
# to sign the form retrospectively", "je vous enverrai la confirmation écrite plus tard"
_APPROVAL_LATER = FastRe(
    r"\b(?:sign|approve|confirm)\w* (?:\w+ ){0,4}?(?:retrospectively|retroactively|after the fact)\b|"
    r"\b(?:freigabe|genehmigung|bestatigung) (?:\w+ ){0,2}?(?:reichen|liefern|schicken) wir nach\b|"
    r"\b(?:confirmation|validation|autorisation) ecrite (?:\w+ ){0,2}?plus tard\b|"
    r"\b(?:aprobacion|autorizacion|confirmacion) (?:por escrito )?(?:\w+ ){0,2}?(?:despues|luego|mas tarde)\b"
)


# A new credential to be handed over through the ticket (rule 19): the runbook delivers a reset through its own
# channel, so "DM me the new one on Teams", "communiquer le nouveau à mon assistante", "gebt mir das neue", "the new
# one WhatsApped to him", "nos enviéis el nuevo código QR", "para entrar con ella" all ask for a credential to reach
# someone it should not. (All 131 labelled tickets that say so are no_action; a handover the writer already made,
# "j'ai donné le nouveau [numéro] à Margaux", or was asked to make, is not a request.)
_HANDOVER = FastRe(
    r"\b(?:send|give|dm|whatsapp\w*|text|ring|read|pass|tell|forward|share|email|communiqu\w*|transmet\w*|envoy\w*|"
    r"donn\w*|mand\w*|envi\w*|pas[ae]\w*|(?:dad|dar)\w*(?! de alta)|geb\w*|gib|schick\w*|mitteil\w*|durchgeb\w*|"
    r"weiterleit\w*|sag\w*|deis|deme|dame)\b(?:\s+[\w'-]+){0,3}?\s+(?:the new (?:one|password|pw|code|pin|passcode)|"
    r"new password|the temporary (?:one|password)|temp(?:orary)? password|le nouveau|la nouvelle|le mot de passe|"
    r"el nuevo|la nueva|la contrasena|das neue|den neuen|das passwort|das kennwort|el codigo|the code|the qr|codigo qr|"
    r"nuevo codigo|le code|den code|o novo|a nova|il nuovo|la nuova|el codigo de (?:activacion|verificacion|acceso)|"
    r"the (?:activation|verification|access) code|le code d'activation|den aktivierungscode)\b"
    r"(?=\s*(?:[.,;:!?)\-–—]|$)|\s(?:a|à|al|an|por|par|"
    r"per|via|to|on|by|over|through|contrasena|clave|codigo|mot de passe|passwort|kennwort|y|et|und|and|please|asap|"
    r"so|auf|bitte)\b)"
    r"|\b(?:the new one|new password|the password)\s+(?:\w+ ){0,2}?(?:whatsapped|texted|sent|emailed|given|passed|"
    r"read out|rung)\b"
    r"|\b(?:let me know|tell me|send me) what (?:it|the new one|the new password) is\b"
    r"|\bpara entrar con ella\b|\bto log in (?:as him|as her|with it|with his|with her)\b|"
    r"\bpour (?:me )?connecter (?:avec|a sa place)\b|\bse connectera a ma place\b"
)
_HANDED_BY_WRITER = re.compile(
    r"(?:\bi|j'ai|je|ich|yo|asked me to|told me to|me pidio que|m'a demande de|which i|i've)\s*$"
)


def _handover(p: Prepared) -> re.Match[str] | None:
    if not _HANDOVER.maybe(p.live):
        return None
    m = _HANDOVER.search(p.cue, live=p.live)
    while m is not None and _HANDED_BY_WRITER.search(p.cue, max(0, m.start() - 20), m.start()):
        m = _HANDOVER.search(p.cue, m.end(), live=p.live)
    return m


def social_engineering(p: Prepared) -> str | None:
    m = (
        _SOCIAL.search(p.cue, live=p.live)
        or _SKIPPED_PROCESS.search(p.cue, live=p.live)
        or _PROCESS_NO_TIME.search(p.cue, live=p.live)
        or _APPROVAL_LATER.search(p.cue, live=p.live)
        or _handover(p)
    )
    return m.group(0) if m else None


def security_bypass(p: Prepared) -> str | None:
    m = _BYPASS.search(p.cue, live=p.live)
    return m.group(0) if m else None
