"""Evidence for the account-lifecycle intents: ``new_hire``, ``license_assign`` and ``group_membership`` (rules
11, 12, 14); ``offboarding`` is read in :mod:`.leavers` and re-exported here."""

from __future__ import annotations

import re

from opsgate.runbooks.intents import Intent

from .cues import Hit, alt, cue, first_hit, near
from .dates import START_KEYS
from .evidence import Evidence
from .form_names import AMBIGUOUS_FIRST, FIRST_KEYS, FULL_KEYS, LAST_KEYS
from .groups import CREATE_OR_PERMS, GroupMention, find_groups
from .leavers import REACTIVATE, offboarding_evidence
from .lexicon import LICENCE_WORD
from .licences import LicenceFinding, find_licences
from .text import Prepared

# --- new_hire ------------------------------------------------------------------------------------------------
NEW_HIRE = cue(
    "new hire",
    alt(
        # "We've taken on another English-speaking instructor", "we have appointed a new ..."
        # an address that does not exist yet: "His SU email will be r.v@... (we've checked it's free)"
        r"(?:his|her|their) (?:\w+ ){0,2}(?:e-?mail|address) (?:will be|is going to be|should be)\b",
        r"(?:taken on|we've hired|we have hired|have recruited|we've recruited|have appointed|we've appointed) "
        r"(?:a|an|another|two|three|a new) (?:[\w-]+ ){0,3}(?:instructor|teacher|tutor|assistant|coordinator|officer|"
        r"engineer|nurse|driver|worker|technician|manager|guide|advisor|adviser|analyst|developer|designer|cook|chef)s?\b",
        r"new (?:seasonal |temporary |temp |part-time |full-time )?(?:hire|starter|joiner|employee|worker|colleague|team member|staff member|recruit|user account|intern|trainee|"
        r"apprentice|member of staff)s?\b",
        r"\bstarters?\b",
        r"\bnew \w+(?: \w+){0,3} (?:starts|is starting|will start|begins|joins us)\b",
        r"\b(?:a|an|another|our) new (?:\w+ ){0,3}(?:starting|joining) (?:the |our |us |on |next |this )",
        r"\bjoiners?\b",
        r"(?<!partner )(?<!customer )(?<!client )(?<!supplier )(?<!carrier )(?<!vendor )(?<!fresh )onboarding(?! (?:plan|process|programme|program|project|deck|"
        r"document|flow|pack|checklist|module|portal|call|session)s?\b)",
        r"on-boarding",
        r"(?:we've|we have|we) (?:just )?hired",
        r"has (?:signed|accepted)(?! (?:an? )?(?:\w+ )?(?:role|job|position|offer|post) (?:elsewhere|at|with|in))"
        r"(?! (?:it |that |this |them |the request )?off\b)"  # "Florian has signed it off": an approval
        r"(?: (?:the|her|his|their) (?:contract|offer))?",
        r"(?:is|will be) joining(?! the (?:[\w-]+ ){0,2}(?:squad|rota|project|committee|channel|group|call|meeting|shift|"
        r"board|working group|on-call))",
        r"\bjoins (?:us|our|the (?:\w+ ){0,2}(?:team|company|practice|firm|office|business|bank|clinic|school|"
        r"organi[sz]ation|staff)\b|on \w+ \d|on \d)",
        r"\bjoining (?:us|the (?:team|company|practice|school|firm|office)|our|on \w+ \d|on \d|from \d)",
        r"(?:his|her|their) (?:new |work |company )?(?:e-?mail|email address|address|mailbox) (?:will be|is going to be|should be)",
        r"(?:son|sa) (?:adresse|e-?mail|courriel)\w* (?:sera|professionnelle sera)|su (?:correo|email|e-mail)\w* (?:sera|será)",
        r"(?:seine|ihre) (?:e-?mail|adresse)\w* (?:wird|lautet kunftig)|(?:zijn|haar) e-?mail(?:adres)? wordt|"
        r"(?:il suo|la sua) (?:e-?mail|indirizzo) sara|(?:o seu|o email dele|o email dela) (?:email )?sera",
        r"\b(?:starts?|starting|begins?|inizia\w*|empieza|comienza|commence|beginnt|fangt|comeca|begint)\b (?:\S+ ){0,4}?"
        r"(?:(?:da|con) noi|con nosotros|chez nous|bei uns|connosco|bij ons|with us)\b",
        r"(?:verstarkt|verstaerkt) (?:uns|das team|(?:\S+ ){0,4}?(?:unser\w*|das|die|den) \S+ als\b|(?:\S+ ){1,4}?als\b)|komt (?:\S+ ){0,4}bij ons werken|kommt (?:\S+ ){0,3}zu uns",
        r"employee\.hired",
        r"nueva incorporacion|incorporacion|se incorpora\w*|nuev[oa]s? (?:emplead[oa]|companer[oa]|trabajador\w*)|"
        r"dar de alta(?! (?:el|un|mi|su) (?:numero|movil|telefono|dispositivo))|alta de usuario",
        r"(?<!avis d')(?<!heure d')(?<!port d')arrivee|nouv(?:el|elle|eau)x? (?:arrivant\w*|collaborat\w*|salarie\w*|employe\w*|recrue|stagiaire)|rejoint|"
        r"rejoindra|embauch\w*",
        r"neue[rn]? (?:mitarbeiter\w*|kolleg\w*|azubi\w*|dozent\w*|lehrer\w*|lehrkraft)|nueva alta|alta nueva|"
        r"nueva incorporacion|fecha de alta|neueinstellung|(?<!renten)eintritt\w*+(?! in den ruhestand)(?!:? ?\d{1,2}\.\d{1,2}\.(?:19|20[01]|202[0-5]))|ausbildungsstart",
        r"entra (?:in|nel|nella|nello) \w+ (?:\S+ ){0,3}come\b|entra a lavorare|"
        r"nuov[oa] (?:assunt[oa]|dipendente|collega)|assunzione|entra (?:in (?:azienda|produzione|servizio|organico|"
        r"squadra|studio|negozio|magazzino|ufficio)|a far parte|nel (?:team|gruppo)|nella squadra)",
        r"nov[oa] (?:colaborador\w*|funcionari[oa])|admissao",
        r"nieuwe (?:medewerker|collega)|indiensttreding",
        r"nyr starfsmadur|nyr starfsmann",
        r"\bny (?:medarbetare|medarbejder|medarbeider|ansatt|anstalld|ansat|kollega)|\bnyansat\w*|\bnyanstalld",
        r"nuevo ingreso|(?:damos|dad|den|demos) de alta",
        r"uusi tyontekija\w*|nowy pracownik|nowa pracownica|nowego pracownika",
        r"nastup (?:\w+ )?(?:zamestnan\w*|kolegy|kolegyne|pracovnika|pracovnice)|nov(?:y|a|eho) (?:zamestnan\w*|kolega|"
        r"kolegyne|pracovnik\w*)|datum nastupu|nastoupi\w*",  # Czech and Slovak
        r"s'incorpora\w*|nova incorporacio|nou (?:treballador|company)|nova (?:treballadora|companya)",  # Catalan
        r"uj belepo\w*|uj munkatars\w*|belepes datuma",  # Hungarian
        # "a lateral associate joining the Corporate group from a firm in Chicago"
        r"\bjoining (?:\S+ ){1,4}from (?:a|an|another) (?:\w+ ){0,2}(?:firm|company|bank|agency|practice|employer|"
        r"competitor|hospital|school|university|trust|council)\b|\blateral (?:associate|hire|partner|joiner)\b|"
        r"\bjoining (?:the |our )?(?:[\w-]+ ){1,3}as (?:an? |our |the )[\w-]+",
        # "Dr. Adaeze Nwosu-Hartley joins Protein Engineering as an RA on 2026-10-05", "new RA starting 2026-10-05"
        r"\bjoins (?:[\w&-]+ ){1,4}as (?:an? |our |the )?[\w-]+(?: [\w-]+)? (?:on|from) ",
        r"\bnew (?!(?:policy|rule|system|process|phone|laptop|software|version|contract|term|schedule|rota|shift|"
        r"project|office|site|building)\b)[\w-]+ (?:starting|who starts|who is starting) (?:on |from )?\d",
    ),
)
CREATE_ACCOUNT = cue(
    "create account",
    alt(
        r"create (?:an? |the |her |his |their |a new )?(?:new )?(?:user|account|login|mailbox|m365 account)",
        r"set (?:up|him up|her up|them up) (?:an? |with an? |the |his |her |their )?(?:new )?(?:account|user|login|mailbox)",
        r"set (?:him|her|them) up with\b",  # "New starter Cal ... please set him up with Business Standard"
        r"(?:account|login|user) for (?:the |our )?new(?! (?:[\w-]+ ){0,2}(?:schedule|programme|program|project|extension|"
        r"building|site|system|process|rollout|plan|report|contract|season|website|office)\b)",
        r"crear(?:le)? (?:una |la |su )?cuenta",
        r"creer (?:un |son |le |leur )?(?:compte|acces)",
        r"(?:konto|benutzer|zugang|account) (?:anlegen|einrichten|erstellen)|anlegen|"
        r"\bricht\w* (?:\w+ ){0,2}(?:ein |einen )?(?:konto|zugang|account|benutzer\w*) ein\b|"
        # "Can you get Ruth set up please - ruth.ogundipe@..."
        r"\b(?:get|have) (?:him|her|them|[a-z]+) set up (?:please )?[-–:,]? ?[a-z0-9][\w.+-]*@|"
        r"\bleg(?:t|en|e)? (?:\w+ ){0,3}(?:ein |einen |eine )?(?:konto|zugang|benutzer\w*|account)\b(?:[^.\n]|\.(?=\S)){0,80}?\ban\b",
        r"crea(?:re|te|rgli|rle|telo|tela) (?:un |l'|l' |la sua |il suo )?(?:account|utenza)",
        r"criar(?:-lhe)? (?:uma |a )?conta",
        r"criar (?:uma |a )?conta",
        r"account aanmaken",
        r"(?:reserved|set aside|earmarked|allocated) (?:the (?:address|email) )?[a-z0-9][\w.+-]*@|"
        r"set (?:him|her|them) up (?:with|as) (?:an? (?:account|address|email|mailbox) )?[a-z0-9][\w.+-]*@|"
        r"zalozeni (?:\w+ )?uctu|zalozit (?:\w+ )?ucet|zriadeni\w* (?:\w+ )?uctu|crear(?:-li)? (?:el |un )?compte",
        r"(?:create|set up|make|crear|creer|anlegen|creare|criar|aanmaken|opprett\w*|skapa)\s+(?:\w+\s+)?[a-z0-9][\w.+-]*@",
    ),
)
# A start date alone is context ("add her to X from her first day"); with a new role or an account to create,
# or on its own with nothing else asked, it reads as a starter.
STARTING = cue(
    "starting",
    alt(
        r"(?:starts|starting|start|begins|beginning) (?:on |work |with us |next |at )?(?:\w+ ){0,2}\d",
        r"first (?:working )?day",
        r"start date",
        r"takes? (?:up )?office (?:on|from)|takes? up (?:the |her |his |their )?(?:post|role|position) (?:on|from)",
    ),
)
NEW_ROLE = cue(
    "new role",
    r"\bnew (?:\w+ )?(?:engineer|intern|assistant|asst|admin|mgr|coord|tech|tutor|lecturer|instructor|coach|trainer|manager|analyst|developer|producer|designer|officer|"
    r"nurse|hygienist|technician|devs?|specialist|coordinator|accountant|editor|driver|receptionist|guy|girl|person|"
    r"teacher|vet|architect|pharmacist|chef|cook|baker|cashier|doctor|lawyer|paralegal|solicitor|consultant|"
    r"planner|buyer|surveyor|electrician|mechanic|operator|picker|porter|cleaner|caretaker|administrator|advisor|"
    r"adviser|clerk|worker|joiner|starter|hire|recruit|colleague|team member|member of staff|employee)\b"
    r"|\b(?:nuev[oa]|nouvel(?:le)?|nouveau|neue[rn]?|nuov[oa]|nov[oa]|nieuwe|ny) (?:\w+ )?(?:profesora?|enfermer[oa]|"
    r"conductora?|medic[oa]|abogad[oa]|contable|camarer[oa]|cociner[oa]|professeur|infirmi[eè]re?|pharmacien\w*|"
    r"preparat\w+|comptable|conducteur|chauffeur|lehrer\w*|fahrer\w*|disponent\w*|buchhalter\w*|apotheker\w*|"
    r"verkaufer\w*|insegnante|autista|magazzinier[ei]|commess[oa]|professora?|motorista|farmaceutic[oa]|leraar|"
    r"bakker|verkoper|medewerker|kollega|colaborador\w*|collaborat\w+|collega|kolleg\w*|companer[oa]|"
    r"emplead[oa]|dipendente|funcionari[oa])\b",
)


ROLE_STARTS = cue(
    "starts",
    r"\b(?:starts|is starting|will start|joins|is joining|begins|commences|empieza|comienza|se incorpora|commence|"
    r"arrive|beginnt|fangt \w+ an|inizia|comeca|begint)\b",
)


_EMAIL_KEY = re.compile(r"e-?mail|correo|courriel|epost|mail")


def starter_form(p: Prepared) -> Hit | None:
    """A form giving a person's names, an email and a start date (in any language) is a starter form."""
    if len(p.fields) < 3:
        return None
    keys = {k for k, v in p.fields if v}
    surname = bool(keys & LAST_KEYS) or ("nom" in keys and "prenom" in keys)  # French forms: Prénom / Nom
    named = bool(keys & FULL_KEYS) or (bool(keys & (FIRST_KEYS | AMBIGUOUS_FIRST)) and surname)
    emailed = any(_EMAIL_KEY.search(k) and "@" in v for k, v in p.fields)
    start = next((k for k in keys if START_KEYS.search(k) and not k.startswith(("last", "end"))), None)
    if any(_LEAVE_KEYS.search(k) for k in keys):
        return None  # a leaver form's "Eintritt: 01.09.2019" is when the leaver joined
    return Hit("starter form", f"{start}:", 0) if named and emailed and start else None


_LEAVE_KEYS = re.compile(
    r"austritt|lastday|leavingdate|leavedate|enddate|lastworkingday|terminationdate|fechadebaja|fechabaja|"
    r"datededepart|datedesortie|ultimogiorno|datadicessazione|uitdienst|laatstewerkdag"
)


_HAS_ACCOUNT = re.compile(
    r"\b(?:now|already) (?:has|have|got) (?:an?|the|her|his|their) (?:[\w-]+ )?(?:account|login|mailbox)\b(?! (?:from|with) "
    r"(?:another|a previous|her previous|his previous|an old|the old)\b)"
)


def new_hire_evidence(p: Prepared) -> Evidence:
    """A starter (new hire words, a starter form, or a new role plus an account to create) -- the email and
    names are checked when the target is read."""
    ev = Evidence(Intent.NEW_HIRE)
    found = first_hit(p, NEW_HIRE) or starter_form(p)
    create = first_hit(p, CREATE_ACCOUNT)
    role = first_hit(p, NEW_ROLE)
    starting = first_hit(p, STARTING)
    if found is None and starting is not None and (role is not None or create is not None):
        found = starting
    if found is None and role is not None and first_hit(p, ROLE_STARTS) is not None:
        found = role  # "our new Income Officer starts next Monday"
    if found is not None:
        ev.add([h for h in (found, create) if h is not None])
        ev.raise_to(0.85)
    elif starting is not None:
        ev.add(starting)
        ev.raise_to(0.6)
    elif create is not None:
        ev.add([h for h in (create, role) if h is not None])
        ev.raise_to(0.8 if role is not None else 0.7)
    elif role is not None:
        ev.add(role)
        ev.raise_to(0.4)
    if ev.score >= 0.7 and _HAS_ACCOUNT.search(p.cue):
        # "who joins our board as an observer, now has an account (x@...) ... assign her E1": the account exists
        ev.score = 0.5
    if ev.score:
        again = first_hit(p, REACTIVATE)
        if again is not None:
            ev.veto = f'a returning employee, not a new one ("{again.words}")'
    return ev


# --- license_assign ------------------------------------------------------------------------------------------
_ASK_VERB = (
    r"(?:assign|need|needs|request|ask for|asking for|get|have|give|grant|add|provide|allocate|upgrade|move|switch|want|require|order|"
    r"buy|purchase|apply|pop|stick)\w*"
)
LICENCE_ASK = cue(
    "licence request",
    alt(
        near(_ASK_VERB, LICENCE_WORD, 6),
        r"\b(?:asign\w*|necesit\w*|necessit\w*|attribu\w*|besoin|brauch\w*|zuweis\w*|zuteil\w*|benotig\w*|assegn\w*|"
        r"bisogno|atribu\w*|preciso|precisa|toewijz\w*|nodig|servirebbe|mi serve|vorrei|quisiera|me hace falta|faudrait|"
        r"il me faut|"
        r"voudrais|aurais besoin|hatte gern|gostaria|zou graag|krijgen|bekommen|erhalten|obtenir|ottenere|conseguir|"
        r"receber|obter|trenger|behover|brug for|tarvitsen|potrzebuj\w*|poprosze|prosze o|prosim o|potrebuj\w*|mae angen|tarvitsisin|haluaisin|vil gerne have|vil gjerne ha|"
        r"skulle gerne have|skulle gjerne hatt|vill ha|skulle vilja ha)\b",
        r"\b(?:kan|kunne|ma|far|skal) (?:jeg|jag|eg|vi|ni|dere|i) (?:\w+ )?(?:fa|tildele|tilldela|tildela)\b",
        r"(?:please|pls|kindly|could i|can i|may i|i'd like|i would like|upgrade|move me|switch me|requested|request\b|"
        r"bitte|por favor|s'il vous plait|merci de|per favore|graag|venligst|vennligst|snalla|mag ik|kan ik|kunnen jullie|"
        r"kun je|puedo|podria|pourrais-je|puis-je|posso|potrei|kann ich|konnte ich|darf ich)",
        LICENCE_WORD + r" (?:for|on|to) (?:my|me|the|his|her|our|their)\b",
        r"\blicen[cs]e (?:needed|requested|required|wanted)\s*:",  # a request form's "*Licence needed:* Project"
        r"\b(?:give|assign|allocate|get) (?:him|her|them|me) (?:a |an |the )?(?:(?:microsoft |ms |m|o)?365 )?(?:e[135]|f3|"
        r"busines+ (?:basic|standard|prem(?:ium)?)|power ?bi pro|visio(?: plan ?[12])?|project(?: plan ?[135]| online)?)\b",
        # the licence named in one sentence, asked for in the next: "... means Business Premium. Could you assign it to me?"
        r"\bput\b(?:[^.\n?]|\.(?=\w)){0,90}? on (?:an? |the )?(?:(?:microsoft |ms |m|o)?365 )?(?:e[135]|f3|busines+ (?:basic|standard|"
        r"prem\w*)|visio|project|power ?bi)\b",
        r"\b(?:assign|give|allocate|apply|add|put) (?:it|that|this|one) (?:to|for|on) (?:me|my account|him|her|them|his account|"
        r"her account)\b",
    ),
)


INSTALL = cue(
    "install",
    # the verb, or "installation of": "the press installation schedule" is no software install
    r"\b(?:install(?:ed|ing|s)?\b(?!-)|installation (?:of|von|de|di)\b|(?:software|app) installation|instalar\w*|instalad\w*|"
    r"instalacion de|installer|installieren|installiert|installare|installat[oa]|installeren|geinstalleerd|"
    r"installera|installere|"
    r"software cent(?:er|re)|download\w*|descargar|telecharger|herunterladen)\b",
)


PLAN_ASK = cue(
    "plan request",
    alt(
        # "Bronwyn's approved Business Premium - can you switch me over?"
        r"(?:business (?:basic|standard|premium)|e[135]|f3)\b[^.?\n]{0,40}\b(?:switch|move|bump) (?:me|him|her|them) "
        r"(?:over|across|up)\b",
        # a request form's "*What:* Visio Plan 2"
        r"\bwhat\s*:\s*(?:microsoft 365 |m365 )?(?:visio|project|power ?bi|e[135]|f3|business (?:basic|standard|premium))\b",
        # "E1 -> E3 pls": from one plan to another
        r"(?:business (?:basic|standard|premium)|e[135]|f3)\s*(?:->|→|=>|>)\s*(?:business (?:basic|standard|premium)|e[135]|f3)\b",
        # "Martin has approved an E5 for me ... Could you assign it?"
        r"(?:approved|agreed|signed off|ok'd|okayed) (?:an? |the )?(?:business (?:basic|standard|premium)|e[135]|f3)"
        r"(?: licen[cs]e)? for (?:me|him|her|them)\b",
        r"(?:business (?:basic|standard|premium)|e[135]|f3)\b[^?\n]{0,120}\b(?:could|can|would) you (?:please )?(?:assign|"
        r"apply|allocate|add|sort|set up) it\b",
        # "needs email and Teams on his phone ... Business Basic should cover it"
        r"(?:business (?:basic|standard|premium)|e[135]|f3)(?: licen[cs]e)? (?:should|would|will|ought to) (?:cover|do|be "
        r"enough|suffice)\b",
        near(
            alt(
                _ASK_VERB,
                r"asign\w*|necesit\w*|attribu\w*|besoin|brauch\w*|zuweis\w*|benotig\w*|assegn\w*|bisogno|"
                r"atribu\w*|preciso|precisa|toewijz\w*|nodig|pasar\w*|subir\w*|demand\w*|pedir|anfragen|chiedere|necessit\w*|"
                r"passer|wechseln|umstellen|hochstufen|krijgen|bekommen|(?:il |elle )?(?:me|lui|leur) faut|would like|'d like|"
                r"erhalten|obtenir|ottenere|conseguir|receber|obter|trenger|behover",
                r"(?:ticket|request) is (?:just |only )?(?:for|about)",
                r"put",  # "could you put Wojciech Zieliński (...) on E1?"
                r"(?:switch|move|bump) (?:me|him|her|them) (?:over|across|up)",
                r"moving (?:me|him|her|them) (?:over )?to|switching (?:me|him|her|them) (?:over )?to",
            ),
            r"(?:(?:microsoft|office|ms|m|o) ?365 )?(?:e[135]|f3|busines+ (?:basic|standard|prem(?:ium)?)|power ?bi pro|"
            r"visio \(?plan ?[12]\)?|project (?:\(?plan ?[135]\)?|online))(?!\w)",
            5,
        ),
    ),
)


# the install is what the licence is for: "ask for Business Standard so I can install the desktop apps"
_INSTALL_IS_WHY = re.compile(
    r"(?:so (?:that )?(?:i|we|he|she|they) (?:can|could) |to be able to |in order to |para (?:poder )?|pour (?:pouvoir )?|"
    r"(?:i |we )?(?:can't|cannot|can not|unable to|not able to|won't let me) |"
    r"damit (?:ich|wir) (?:\w+ ){0,3}|per (?:poter )?)$"
)

# "Please don't send me the Software Center link again - Excel IS installed": the install is ruled out, not asked
_INSTALL_REFUSED = re.compile(r"\b(?:don't|do not|no need to|not) (?:\w+ ){0,4}(?:the |a |another )?$")


def licence_evidence(p: Prepared) -> tuple[Evidence, LicenceFinding]:
    ev = Evidence(Intent.LICENSE_ASSIGN)
    lic = find_licences(p)
    if not lic.mentioned:
        return ev, lic
    ask = first_hit(p, LICENCE_ASK)
    ev.words.extend(w for w in lic.words if w not in ev.words)
    plan_ask = first_hit(p, PLAN_ASK) if lic.unambiguous else None
    if lic.context and ask is not None:
        ev.add(ask)
        ev.raise_to(0.85)
    elif plan_ask is not None:
        ev.add(plan_ask)
        ev.raise_to(0.8)
    elif lic.context or lic.unambiguous:
        ev.raise_to(0.55)
    else:
        ev.raise_to(0.4)
    install = first_hit(p, INSTALL)
    if lic.removal:
        ev.veto = f'removing a licence ("{lic.removal}")'
    elif (
        install is not None
        and (ask is None or not lic.context)
        and not _INSTALL_IS_WHY.search(p.cue, max(0, install.start - 24), install.start)
        and not _INSTALL_REFUSED.search(p.cue, max(0, install.start - 40), install.start)
    ):
        ev.veto = f'a software install ("{install.words}")'
    return ev, lic


# --- group_membership ----------------------------------------------------------------------------------------


_ASKED_BY_OTHERS = re.compile(
    r"[^.!?\n]*\b(?:beantragt|requests?|will request|will ask for|raises?|will raise|pide|pedira|demande(?:ra)?|chiede(?:ra)?)"
    r"\b[^.!?\n]*\b(?:selbst|himself|herself|themselves|separately|separat|el mismo|ella misma|lui-meme|elle-meme|"
    r"lui stesso|lei stessa)\b"
)


def group_evidence(p: Prepared) -> tuple[Evidence, list[GroupMention]]:
    ev = Evidence(Intent.GROUP_MEMBERSHIP)
    groups = find_groups(p)
    if not groups:
        return ev, groups
    acted = [g for g in groups if g.action is not None]
    for g in acted or groups:
        if g.words and g.words not in ev.words:
            ev.words.append(g.words)
        if g.name not in ev.words:
            ev.words.append(g.name)
    ev.raise_to(0.9 if acted else 0.45)
    create = CREATE_OR_PERMS.search(p.cue, live=p.live)
    if create and _ASKED_BY_OTHERS.match(p.cue, create.end(), p.clause_end(create.end()) + 60):
        create = None  # "Die neue Gruppe beantragt ihr neuer Teamleiter selbst": someone else's request, later
    if create:
        ev.veto = f'creating a group or changing permissions ("{create.group(0)}")'
    return ev, groups


__all__ = [
    "group_evidence",
    "licence_evidence",
    "new_hire_evidence",
    "offboarding_evidence",
]
