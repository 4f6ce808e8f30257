"""Someone other than the writer named without an email (rule 2): "he forgot", "für Herrn Albrecht",
"Dr. Kaplan is locked out", "take him out of", "Rajesh Kumar - locked out"."""

from __future__ import annotations

import re

from .fastre import FastRe
from .names import is_name_token, is_title
from .subjects import named_subject
from .text import Prepared, fold

_THIRD_LOW = FastRe(
    r"\b(?:he|she)(?:'s| is| was| has| had| got| has been| is being| will be| also)? (?:locked|forgot|forgotten|lost|"
    r"left|leaving|resigned|retir\w+|knows|can't (?:log|sign|get|access|remember|use)|cannot|couldn't|dropped|"
    r"broke|needs (?:a |an |the |to )?(?:new |reset|password|licen|access|mfa|unlock|account|be added|be removed)|"
    r"(?:has|got|bought) a new (?:phone|iphone|mobile|number)|changed (?:his|her) (?:phone|number|mobile)|moved|"
    r"is moving|been (?:locked|moved)|stepped down|finished|finishes|starts|joins|will not be back)\b"
    r"|\b(?:his|her) (?:\w+ )?(?:account|password|login|access|mfa|2fa|phone|mobile|licen[cs]e|mailbox|email|"
    r"user|authenticator|last day|credentials|laptop|details|sign-?in)s?\b"
    r"|\b(?:unlock|reset|suspend|disable|deactivate|remove|add|take|give|assign|create|set up|send|enrol|offboard|"
    r"onboard|help) (?:him|her)\b"
    r"|\bfor (?:him|her)\b|\bso (?:he|she) can (?:set|log|get|sign|use)\b|"
    r"\b[a-z]+ from (?:the )?[a-z]+ (?:has (?:a new|lost|forgotten)|can't|is locked|needs)\b|"
    r"\b(?:la chica|el chico|la nueva|el nuevo|la companera|el companero) (?:nuev[oa] )?de\b|"
    r"\ble (?:reseteais|reseteas|podeis resetear|desbloqueais|cambiais)\b|\b(?:assign|give|send|reset|unlock|add|grant|allocate|apply) (?:it|this|that|one|them|the licen[cs]e) to "
    r"(?:him|her)\b|"
    # Portuguese: "a Inês ... ficou com a conta bloqueada. Ela sabe a palavra-passe"
    r"\b(?:ela|ele) (?:sabe|tem|esqueceu|perdeu|ficou|nao consegue|precisa|mudou)\b|(?<!eu )\bficou com a conta\b|\b(?:make|create|set up|give) (?:him|her) (?:a |an )?(?:new )?(?:user|account|login|mailbox)\b"
    r"|\b(?:the|my|our) (?:\w+ )?(?:cfo|ceo|coo|cto|cio|boss|manager|director|colleague|co-?worker|assistant|intern|"
    r"employee|teller|nurse|driver|partner|supervisor)'s\b(?! (?:approval|ok|okay|sign-?off|go-ahead|permission|consent|e-?mail|mail|message|note)\b)"
    r"|\bi'm (?:his|her) (?:assistant|manager|colleague|deputy|pa)\b"
    r"|\b(?:add|remove|reset|unlock|suspend|disable|deactivate|give|assign|create|set up|enrol|offboard|onboard) "
    r"(?:the|our|my|a|this|that) (?:new )?(?:guy|girl|person|colleague|co-?worker|intern|trainee|apprentice|starter|"
    r"hire|employee|contractor|temp|team ?mate|assistant|manager|boss|user|teller|nurse|driver)\b"
    r"|\b(?:my |our |one of our |a )(?:colleague|co-?worker|team ?mate|assistant|employee|staff member|team member|"
    r"direct report|boss|supervisor|intern|trainee|apprentice|contractor|temp|new guy|new girl|tellers?|nurses?|"
    r"drivers?)(?:'s)? (?:\w+ )?(?:is|has|can't|forgot|needs|lost|got|was|account|password|phone|login)\b"
    r"|(?<!microsoft )(?<!google )(?<!okta )\bon behalf of\b(?! (?:\w+ ){0,4}<)"  # not a mail header's sender
    r"|\b(?:for|of) (?!(?:our|my|the) (?:\w+ )?directors\b)(?:our|my|the) (?:new )?(?:[a-z-]+ )?(?:driver|nurse|colleague|co-?worker|assistant|intern|trainee|"
    r"apprentice|receptionist|teller|boss|director|technician|clerk|doctor|teacher|contractor|temp|cfo|ceo|coo|cto)s?\b"
    r"|(?<!ihr )(?<!ihnen )\b(?:er|sie) (?:ist|hat|kann|kennt|weiss|braucht|hatte|wurde|kommt)\b"
    # "der Kollege Gruber ... könnt ihr ihn bitte entsperren?"
    r"|\b(?:der|die|unser|unsere|mein|meine) (?:kollege|kollegin|mitarbeiter|mitarbeiterin|azubi|praktikant|"
    r"praktikantin)\b(?! und ich)|\b(?:ihn|ihm) (?:bitte |mal )?(?:entsperren|freischalten|zurucksetzen)\b"
    # "Anja's colleague from the German office got a new phone"
    r"|\b[a-z]+'s (?:colleague|co-?worker|assistant|team ?mate|new starter)\b"
    # "a Rocío de la tienda del Centro se le ha bloqueado la cuenta": to him or her, not to the writer
    r"|\bse le (?:ha|han) (?:bloquead\w*|olvidad\w*|caducad\w*|borrad\w*)"
    # "Sergio, el educador del aula de bebés, se ha quedado bloqueado" (not "mi cuenta se ha quedado bloqueada")
    r"|(?<!cuenta )(?<!usuario )(?<!ordenador )(?<!equipo )(?<!portatil )(?<!sesion )\bse ha quedado (?:bloquead[oa]|sin acceso)\b"
    # "bitte Frau Lindqvist (...) in die Gruppe X aufnehmen": someone named by title and surname, acted on
    r"|\b(?:entfernt|nehmt|fugt|sperrt|entsperrt|tragt) (?:sie|ihn) (?:\w+ )?(?:aus|in|zu|bitte)\b"
    r"|\b(?:she|he)(?:'s| is) one of (?:our|my|the)\b|\b(?:she|he) has no (?:laptop|computer|pc|access|phone)\b"
    r"|\b(?:frau|herrn?|mme|madame|monsieur|senora|senor|sra|mrs|mr|ms)\.? [a-z][\w'-]+\b(?=[^.\n]{0,80}\b(?:aufnehmen|"
    r"hinzufug\w*|entsperr\w*|zurucksetz\w*|ajout\w*|debloqu\w*|reinitialis\w*|anad\w*|desbloque\w*|restablec\w*|"
    r"add|unlock|reset|remove|entfern\w*)\b)"
    # (not Windows' own "Ihr Kennwort ist abgelaufen und muss geändert werden", quoted)
    r"|\b(?:sein|seine|seinen|seinem|ihr|ihre|ihren|ihrem) (?!(?:kennwort|passwort) ist abgelaufen und muss)(?:konto|kennwort|passwort|zugang|handy|benutzer\w*|zwei-faktor\w*|diensthandy|"
    r"account|lizenz|mfa|telefon)\b"
    r"|\b(?:fur|bei) (?:herrn?|frau|den kollegen|die kollegin|unseren?|unsere)\b"
    # "Ulrike aus der Abrechnung hat ein neues Diensthandy ... Könnt ihr das für sie zurücksetzen?"
    r"|\b(?:das |es )?fur (?:sie|ihn) (?:\w+ )?(?:zurucksetzen|entsperren|freischalten|einrichten|sperren)\b"
    r"|\b[a-z]+ aus (?:der|dem|unserer|unserem) \w+ (?:hat (?:ein|eine|einen|sein|ihr|seine|ihre|kein|keine|das passwort)|"
    r"ist (?:gesperrt|ausgesperrt)|kann sich nicht|kommt nicht|braucht)\b"
    r"|\b(?:son|sa|ses) (?:compte|mot de passe|acces|telephone|portable|licence|identifiant|double authentification|"
    r"mfa|2fa|authenticator|application)s?\b"
    r"|\bsus? (?:cuenta|contrasena|clave|mfa|2fa|movil|telefono|acceso|licencia|autenticador|autenticacion|"
    r"verificacion|doble factor|usuario)s?\b"
    r"|\b(?:el|la|nuestr[oa]|mi) (?:\w+ )?(?:encargad[oa]|jef[ea]|gerente|supervisor[a]?|recepcionista|conductor[a]?|"
    r"companer[oa]|colega)\b[^.\n]{0,50}\b(?:tiene (?:un |una )?(?:movil|telefono|portatil|numero)|ha perdido|ha olvidado|"
    r"olvido|no puede (?:entrar|acceder)|se ha quedado|esta bloquead[oa]|necesita)"
    r"|\b(?:il|elle) (?:a (?!expire|du |ete |fallu |tente|essaye|reessaye|continue)|est (?!expire|perime|trop|tombe|reste|perdu|casse|dans|sous|enregistre|sauvegarde|memorise|hs\b|mort\b|foutu)|connait|"
    r"doit|s'est)"
    # "il ne" of a person, not of the password: "il ne peut plus se connecter", not "il ne respecte pas les exigences"
    r"|\b(?:il|elle) (?:ne (?:peut|sait|se souvient|trouve|arrive|reussit|parvient|recoit|travaille|revient|fait partie)|"
    r"n'(?:arrive|a plus|a pas|est plus|reussit|parvient|a jamais))"
    r"|\bpour (?:m\.|mme|madame|monsieur|maitre|mon collegue|ma collegue|notre|un collegue|une collegue)\b"
    r"|\b(?:mi|un|una|nuestr[oa]) (?:companer[oa]|colega|empleado|empleada|jefe|jefa)\b"
    r"|\bella (?:esta|ha|tiene|no|olvido|sabe)\b"
    # a third person in the pronoun: "le hace falta una licencia", "se la podéis asignar", "il lui faut", "gli serve"
    r"|\ble (?:hace|haria) falta\b|\bse (?:la|lo|las|los) (?:podeis|podriais|puedes|pueden|podrian) (?:asignar|dar|poner|"
    r"activar|restablecer|resetear|desbloquear)\b|\blui (?:faut|faudrait|manque)\b|\bpouvez-vous lui\b|"
    r"\b(?:gli|le) (?:serve|servirebbe|manca)\b|\bpotete (?:dargli|darle|assegnargli|assegnarle)\b"
    r"|\b(?:ma zablokowane|zapomniala|zapomnial|nie moze sie zalogowac|zna haslo|jego konto|jej konto|jego haslo|"
    r"jej haslo)\b"
    r"|\bpara (?:el sr|la sra|don|dona|mi companer[oa]|un companer[oa]|la companera|el companero)\b"
    r"|\b(?:suo|sua) (?:account|password|telefono|accesso)\b|\bil (?:mio |nostro )?collega\b"
    r"|(?<!del )\b(?:dele|dela)\b(?!-)|\bo colega\b|\bo meu colega\b|\bo nosso colega\b"
    r"|\b(?:zijn|haar) (?:account|wachtwoord|telefoon|toegang)\b|\b(?:hij|zij) (?:is|heeft|kan|werkt|moet|gaat|komt)\b"
    # the subject at work in the third person: "Hij werkt vanaf deze week mee", "Er arbeitet ab Montag im Lager"
    r"|\b(?:he|she) (?:works|is working|has been working|will be working)\b|\b(?:er|sie) arbeitet\b|"
    r"\b(?:il|elle) travaille\b"
    r"|\b(?:mijn|onze|een) collega\b|\ba (?:minha |nossa )?colega\b"
    r"|\b(?:min|mitt|var|vor|vores|en) (?:kollega|kollege|medarbetare|medarbeider|medarbejder)\b"
    r"|\b(?:hans|hennes|hendes|sitt|sin) (?:konto\w*|passord\w*|password|losenord\w*|adgangskode\w*|telefon\w*|mobil\w*)"
    r"|\b(?:for|of) (?:the )?(?:user|username|user id|userid|employee (?:id|number|no)|staff (?:id|number)) "
    r"[#:]?\s*(?!(?:accounts?|logins?|names?|ids?|is|was|has|and|or|to|in|on)\b)[a-z0-9][a-z0-9._-]+\b"
    r"|\b(?:del|al|para el) usuario [a-z0-9._-]{3,}\b|\bpour l'utilisateur [a-z0-9._-]{3,}\b"
    r"|\b(?:fur|von) (?:den |dem )?(?:benutzer|user) [a-z0-9._-]{3,}\b"
)
_TITLE = r"(?:Dr|Mr|Mrs|Ms|Miss|Prof|Herrn?|Frau|Mme|Mlle|Madame|Monsieur|Ma[iî]tre|Sr|Sra|Señora?|Don|Doña|Sig|Signora?|Dott)"
_TITLE_NAME = _TITLE + r"\.?\s+[A-Z][\w'’-]+"
_PARTICLE = r"(?:van|von|de|der|den|da|das|dos|do|di|del|della|du|la|le|ter|ten|te)"
# "Daan de Vries", "Sophie van den Berg": name words with lower-case particles between them
_PLAIN_NAME = r"[A-Z][a-z][\w'’-]+(?:\s+(?:" + _PARTICLE + r"\s+){0,2}[A-Z][a-z][\w'’-]+)?"
_FULL_NAME = r"[A-Z][a-z][\w'’-]+\s+(?:" + _PARTICLE + r"\s+){0,2}[A-Z][a-z][\w'’-]+"
# request verbs of the other ticket languages that take the person as their object ("añadid a Marta Gil al grupo")
_OBJECT_VERBS = tuple(
    """entsperr anad agreg quit desbloque resete restablec ajout retir debloqu reinitialis desactiv hinzufug entfern
    sperr deaktivier aggiung rimuov togli sblocc disattiv adicion removam remover remova desativ toevoeg verwijder
    ontgrendel deblokk voeg""".split()
)
_AFTER_OBJECT = (
    r"(?:'s\b|\s+(?i:from|to|out|off|aus|zur|zum|in|al|del|au|du|aux|de|des|dal|dallo|dalla|ao|do|da|dos|das|aan|uit|"
    r"bij|til|fra|i)\b|\s*[?.!,]|\s*$)"
)
_THIRD_TEXT = (
    (
        re.compile(
            r"\b(?:for|fur|pour|para|per|voor) (?:dr|mr|mrs|ms|miss|prof|herrn?|frau|mme|mlle|madame|monsieur|maitre|sra?|"
            r"senora?|dona?|sig|signora?|dott)\b"
        ),
        re.compile(r"\b(?:for|für|pour|para|per|voor)\s+(?P<who>" + _TITLE_NAME + r")"),
    ),
    (
        (
            " for ",
            "fur ",
            "pour ",
            "para ",
            " per ",
            "voor ",
            " de ",
            " von ",
            " del ",
            " di ",
            " van ",
            " do ",
            " da ",
            " til ",
            " till ",
            " av ",
            " af ",
        ),
        # "reset the password of Rui", "Passwort-Reset für Kollegin Schneider": found from the preposition, then
        # the request word looked for just before it (a leading alternation would be tried at every character)
        re.compile(
            # (not a place: "magasin de Lyon Part-Dieu", "the office of Cork")
            r"(?<!magasin)(?<!boutique)(?<!store)(?<!shop)(?<!office)(?<!site)(?<!agence)(?<!bureau)(?<!tienda)(?<!mercado)"
            r"(?<!market)(?<!marche)(?<!markt)(?<!feria)(?<!estacion)(?<!aeropuerto)(?<!station)(?<!airport)"
            r"(?<!oficina)(?<!filiale)(?<!standort)(?<!branch)(?<!campus)(?<!hotel)(?<!hôtel)"
            r"[ \t](?:for|für|pour|para|per|voor|de|von|del|di|van|do|da|til|till|av|af)[ \t]+"
            r"(?:(?i:kollegin|kollegen|kollege|coll[eè]gue|colleague|compa[nñ]er[oa]|collega|colega|kollega|"
            r"Herrn?|Frau|Mme|Madame|Monsieur|M\.|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Sr\.?|Sra\.?)\s+)?"
            r"(?P<who>[A-Z][a-z][\w'’-]+(?:\s+[A-Z][a-z][\w'’-]+)?)\b(?!\s*[(<@])"
        ),
        re.compile(
            r"(?i:\b(?:reset|unlock|password|passwords|pw|mfa|2fa|account|accounts|login|licen[cs]e|access|suspend|disable|"
            r"deactivate|offboard|kennwort|passwort|konto|zugang|contrase\w+|cuenta|mot de passe|compte|acc[eè]s|"
            r"wachtwoord|palavra-passe|senha|conta|kontoen|kontot|passordet|authenticator|phone|t[eé]l[eé]phone|"
            r"tel[eé]fono|m[oó]vil|handy|telefoon|telem[oó]vel|cellulare|mobile))[^\s.!?,;:]*(?:[ \t]+[^\s.!?,;:]+){0,3}?$"
        ),
    ),
    (
        (
            "unlock",
            "reset",
            "remove",
            "add",
            "suspend",
            "disable",
            "deactivate",
            "offboard",
            "take",
            "entsperren",
            "give",
            "assign",
            "grant",
        ),
        re.compile(
            # [ \t]: a summary "unlock" and a body "Locked out, ..." are two lines, not "unlock Locked"
            r"\b(?:[Uu]nlock|[Rr]eset|[Rr]emove|[Aa]dd|[Ss]uspend|[Dd]isable|[Dd]eactivate|[Oo]ffboard|[Tt]ake|entsperren|"
            r"[Gg]ive|[Aa]ssign|[Gg]rant)[ \t]+"
            r"(?P<who>" + _TITLE_NAME + "|" + _PLAIN_NAME + r")" + _AFTER_OBJECT
        ),
    ),
    (
        # gated on the words the look-behind needs, so most tickets skip the scan for " to <Name>"
        (
            "assign",
            "give",
            "giving",
            "allocat",
            "grant",
            "transfer",
            "licen",
            "seat",
            "visio",
            "project",
            "power bi",
            "e1",
            "e3",
            "e5",
            "f3",
            "business ",
        ),
        # "assign a Power BI Pro licence to Priya Raman on my team": the licence or access given to a named person
        re.compile(r" to[ \t]+(?P<who>" + _TITLE_NAME + "|" + _PLAIN_NAME + r")\b(?!\s*[(<\[])"),
        re.compile(
            r"(?i:\b(?:assign\w*|give|giving|allocate|grant|transfer|licen[cs]es?|seat|visio|project|power bi(?: pro)?|"
            r"e[135]|f3|business (?:basic|standard|premium)))\b[^.!?\n]{0,40}$"
        ),
    ),
    (
        _OBJECT_VERBS,
        re.compile(
            r"\b(?i:entsperr\w*|a[ñn]ad\w*|agreg\w*|quit\w*|desbloque\w*|resete\w*|restablec\w*|ajout\w*|retir\w*|"
            r"d[ée]bloqu\w*|r[ée]initialis\w*|d[ée]sactiv\w*|hinzuf[üu]g\w*|entfern\w*|sperr\w*|deaktivier\w*|"
            r"aggiung\w*|rimuov\w*|togli\w*|sblocc\w*|disattiv\w*|adicion\w*|remov[ae]\w*|desativ\w*|toevoeg\w*|"
            r"verwijder\w*|ontgrendel\w*|deblokk\w*|voeg)[ \t]+(?:(?i:a|al|o|le|la|il|lo|de|het)[ \t]+)?"
            r"(?P<who>" + _TITLE_NAME + "|" + _PLAIN_NAME + r")" + _AFTER_OBJECT
        ),
    ),
    (
        (
            "locked",
            "forg",
            "leaving",
            "left",
            "moved",
            "resigned",
            "gesperrt",
            "vergessen",
            "bloqu",
            "oubli",
            "olvid",
            "unable",
            "not able",
            "no longer",
            "terminated",
            "retir",
            "log in",
            "sign in",
            "get in",
        ),
        re.compile(
            r"(?P<who>" + _TITLE_NAME + "|" + _PLAIN_NAME + r")(?:'s)?\s+(?:is|was|has|got|can't|cannot|can not|forgot|"
            r"resigned|has moved|is moving|left|is leaving|will be leaving|ist|hat|est|a|está|ha)\s+(?:been\s+|also\s+)?"
            r"(?:locked|forgotten|leaving|left|moved|resigned|gesperrt|vergessen|bloqu\w*|oubli\w*|olvid\w*|unable|"
            r"not able|no longer|terminated|retir\w*|log in|sign in|get in)"
        ),
    ),
    (
        re.compile(r"[-:)] ?(?:is |has |just )?(?:locked|forgot|can't|cannot|new phone|leaving|left|resigned|lost)"),
        re.compile(
            r"(?:\((?P<who>"
            + _TITLE_NAME
            + r"|[A-Z][a-z][\w'’-]+\s+[A-Z][a-z][\w'’-]+)\)|(?P<who2>"
            + _TITLE_NAME
            + r"|[A-Z][a-z][\w'’-]+\s+[A-Z][a-z][\w'’-]+)\s*[-–:])\s*(?:is\s+|has\s+|just\s+)?(?:locked|forgot\w*|can't|"
            r"cannot|new phone|leaving|left|resigned|lost)"
        ),
    ),
    (
        ("reset", "unlock", "mfa", "authenticator", "password", "licen", "suspend", "disable"),
        re.compile(
            r"(?i:\b(?:reset|unlock|mfa|authenticator|password|licen[cs]e|suspend|disable))[^.\n]{0,30}?[-–:(,]\s*"
            r"(?P<who>" + _TITLE_NAME + r")\b"
        ),
    ),
    (
        re.compile(
            r" (?:to|into|from|out of|zur|in die|aus der|von der|al|del|au|du|aan|uit|ao|do|da|dal|nel|til|i|fra) "
            r"(?:the |de |het |der )?(?:group|gruppen?|grupo|groupe|groep|gruppo)\b"
        ),
        re.compile(
            r"(?P<who>"
            + _TITLE_NAME
            + r"|"
            + _FULL_NAME
            # a verb may stand between the name and the group in Dutch ("Daan de Vries toevoegen aan de groep")
            + r")\s+(?:(?i:toevoegen|verwijderen|halen|zetten|plaatsen|hinzuf[üu]gen|aufnehmen|entfernen|nehmen|"
            r"tilf[øo]je|legge|l[äa]gga|fjerne)\s+)?(?i:to|into|from|out of|zur|in die|aus der|"
            r"von der|al|del|au|du|aan|uit|ao|do|da|dal|nel|til|i|fra)\s+(?i:the\s+|de\s+|het\s+|der\s+)?(?i:group|gruppe|"
            r"gruppen|grupo|groupe|groep|gruppo)\b"
        ),
    ),
    (
        ("'s ",),
        re.compile(r"\b(?P<who>[A-Z][a-z]+)'s\s+(?:account|password|access|MFA|mfa|phone|licen[cs]e|login)"),
    ),
    (
        ("needs", "requires", "wants", "would like", "asking for"),
        re.compile(
            r"(?P<who>" + _TITLE_NAME + "|" + _PLAIN_NAME + r")\s+(?:needs|requires|wants|would like|is asking for)\s+"
            r"(?:a |an |the |to |his |her )?(?:new )?(?:[\w-]+ )?(?:password|reset|licen[cs]e|unlock|access|account|MFA|mfa|"
            r"be added|be removed)"
        ),
    ),
)


_PARTICLES = frozenset(_PARTICLE[3:-1].split("|"))


# mobile carriers and other companies a sentence names like people ("Wechsel von Swisscom zu Sunrise")
_COMPANIES = frozenset(
    "swisscom sunrise salt telekom vodafone o2 orange movistar sfr bouygues free ee three tim wind verizon telstra optus "
    "proximus telenet kpn telia telenor yoigo jazztel".split()
)


def _is_person(who: str) -> bool:
    tokens = [t for t in who.split() if not is_title(t)]
    if any(fold(t) in _COMPANIES for t in tokens):
        return False
    if not tokens or tokens[0] in _PARTICLES or tokens[-1] in _PARTICLES:
        return False
    return all(is_name_token(t) or t in _PARTICLES for t in tokens)


_APPROVER = re.compile(
    r"\b(?:approved|signed off|authori[sz]ed|okayed|ok'd) by\b|\bapproval (?:from|by)\b|\bsign-?off from\b|"
    r"\b(?:genehmigt|freigegeben) (?:von|durch)\b|\baprobado por\b|\bapprouve par\b|\bapprovato da\b|"
    r"\b(?:lo |la )?(?:aprobo|autorizo|ha aprobado|ha autorizado)\b|\b(?:l'a |a )(?:approuve|valide)\b|\bhat (?:es |das )?(?:genehmigt|freigegeben)\b|"
    r"\bgoedgekeurd door\b|"
    # "She's approved it (happy to forward her email if needed)": the approval mail, not a person to act on
    r"\b(?:forward|forwarding|send you|send over|attach|attaching) $"
)


_APPROVES = re.compile(
    r"[^.!?\n]{0,20}?\b(?:est d'accord|a (?:donne son accord|approuve|valide)|(?:has )?(?:approved|agreed|signed (?:it )?off|"
    r"okayed|ok'd)|is (?:ok|okay|fine) with (?:it|this)|ist einverstanden|hat (?:es )?(?:genehmigt|freigegeben)|"
    r"esta de acuerdo|(?:lo |la )?ha aprobado|e d'accordo|ha approvato|is akkoord|heeft (?:het )?goedgekeurd)\b"
)


_TITLE_DOT = re.compile(r"(?<=\b(?:mr|ms|dr))\.|(?<=\bmrs)\.|(?<=\bprof)\.")


def _names_reporter(after: str, reporter: str | None) -> bool:
    """The words right after "für Frau" name the reporter (a surname from their address)."""
    if not reporter or "@" not in reporter:
        return False
    segments = {s for s in re.split(r"[._-]", reporter.split("@", 1)[0].lower()) if len(s) >= 3}
    # an initial glued to the surname ("aruiz@", "smithj@") names Ruiz and Smith
    segments |= {s[1:] for s in segments if len(s) >= 5} | {s[:-1] for s in segments if len(s) >= 5}
    after = _TITLE_DOT.sub(" ", after)  # "Mr. Ruiz": a title's dot ends no sentence
    words = re.findall(r"[a-z]{3,}", re.split(r"[.!?\n]", after, maxsplit=1)[0])[:2]
    return any(w in segments for w in words)


def _names_org(who: str, reporter: str | None) -> bool:
    """"la cuenta de Lanternfish" from someone at lanternfish.io: the organisation, not a person."""
    if not reporter or "@" not in reporter:
        return False
    label = re.sub(r"[^a-z0-9]", "", reporter.rsplit("@", 1)[1].split(".", 1)[0].lower())
    word = re.sub(r"[^a-z0-9]", "", fold(who))
    return len(word) >= 4 and (word == label or (len(label) >= 6 and label.startswith(word)))


def third_party_reference(p: Prepared, reporter: str | None = None) -> str | None:
    """Words that put the request on someone other than the writer ("he forgot", "für Herrn Albrecht",
    "Dr. Kaplan is locked out", "take him out of", "Marco ha dimenticato la password")."""
    m = _THIRD_LOW.search(p.cue, live=p.live)
    # "approved by the plant manager, his email is attached"; "E5 für Frau Kowalski" from kowalski@ herself
    while m is not None and (
        _APPROVER.search(p.cue, max(0, p.clause_start(m.start()) - 60), m.start())
        or _names_reporter(p.cue[m.end() : m.end() + 30], reporter)
    ):
        m = _THIRD_LOW.search(p.cue, m.end(), live=p.live)
    if m:
        return m.group(0)
    for gate, pattern, *before in _THIRD_TEXT:
        if isinstance(gate, re.Pattern):
            if gate.search(p.low) is None:  # the literal part every match needs, on the folded text
                continue
        elif not any(t in p.low for t in gate):
            continue
        for found in pattern.finditer(p.text):
            who = found.groupdict().get("who") or found.groupdict().get("who2") or ""
            if not _is_person(who) or _names_reporter(fold(who), reporter) or _names_org(who, reporter):
                continue
            if who and re.search(r"[\w]-" + re.escape(who) + r"\b|\b" + re.escape(who) + r"-\w", p.text):
                continue  # "Access for Mumbai" beside the group Customs-Docs-Mumbai: a place in a name, no person
            if _APPROVES.match(fold(p.text[found.end() : found.end() + 60])):
                continue  # "Ma responsable, Mme Dubois-Lacroix, est d'accord": the approver
            if before:
                lead = before[0].search(p.text, max(0, found.start() - 80), found.start())
                if lead is None:
                    continue
                return " ".join(f"{lead.group(0)}{found.group(0)}".split())
            return " ".join(found.group(0).split())
    return named_subject(p, reporter)
