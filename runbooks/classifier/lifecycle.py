"""Evidence for the account-lifecycle intents: ``new_hire``, ``offboarding``, ``license_assign`` and
``group_membership`` (rules 11-14)."""

from __future__ import annotations

import re

from opsgate.runbooks.intents import Intent

from .cues import Hit, alt, cue, first_hit, near
from .dates import START_KEYS
from .evidence import Evidence
from .groups import CREATE_OR_PERMS, GroupMention, find_groups
from .lexicon import LICENCE_WORD
from .licences import LicenceFinding, find_licences
from .names import AMBIGUOUS_FIRST, FIRST_KEYS, FULL_KEYS, LAST_KEYS
from .text import Prepared

# --- new_hire ------------------------------------------------------------------------------------------------
NEW_HIRE = cue(
    "new hire",
    alt(
        r"new (?:hire|starter|joiner|employee|colleague|team member|staff member|recruit|user account|intern|trainee|"
        r"apprentice|member of staff)s?\b",
        r"\bstarters?\b",
        r"\bjoiners?\b",
        r"onboarding",
        r"on-boarding",
        r"(?:we've|we have|we) (?:just )?hired",
        r"has (?:signed|accepted)(?: (?:the|her|his|their) (?:contract|offer))?",
        r"(?:is|will be) joining",
        r"\bjoins (?:us|the|our|on \w+ \d|on \d)",
        r"\bjoining (?:us|the (?:team|company|practice|school|firm|office)|our|on \w+ \d|on \d|from \d)",
        r"(?:his|her|their) (?:new |work |company )?(?:e-?mail|email address|address|mailbox) (?:will be|is going to be|should be)",
        r"(?:son|sa) (?:adresse|e-?mail|courriel)\w* (?:sera|professionnelle sera)|su (?:correo|email|e-mail)\w* (?:sera|será)",
        r"(?:seine|ihre) (?:e-?mail|adresse)\w* (?:wird|lautet kunftig)|(?:zijn|haar) e-?mail(?:adres)? wordt|"
        r"(?:il suo|la sua) (?:e-?mail|indirizzo) sara|(?:o seu|o email dele|o email dela) (?:email )?sera",
        r"\b(?:starts?|starting|begins?|inizia\w*|empieza|comienza|commence|beginnt|fangt|comeca|begint)\b (?:\S+ ){0,4}?"
        r"(?:(?:da|con) noi|con nosotros|chez nous|bei uns|connosco|bij ons|with us)\b",
        r"(?:verstarkt|verstaerkt) (?:uns|das team)|komt (?:\S+ ){0,4}bij ons werken|kommt (?:\S+ ){0,3}zu uns",
        r"employee\.hired",
        r"nueva incorporacion|incorporacion|se incorpora\w*|nuev[oa]s? (?:emplead[oa]|companer[oa]|trabajador\w*)|"
        r"dar de alta|alta de usuario",
        r"arrivee|nouv(?:el|elle|eau)x? (?:arrivant\w*|collaborat\w*|salarie\w*|employe\w*|recrue|stagiaire)|rejoint|"
        r"rejoindra|embauch\w*",
        r"neue[rn]? (?:mitarbeiter\w*|kolleg\w*|azubi\w*)|neueinstellung|eintritt\w*|ausbildungsstart",
        r"nuov[oa] (?:assunt[oa]|dipendente|collega)|assunzione|entra (?:in (?:azienda|produzione|servizio|organico|"
        r"squadra|studio|negozio|magazzino|ufficio)|a far parte|nel (?:team|gruppo)|nella squadra)",
        r"nov[oa] (?:colaborador\w*|funcionari[oa])|admissao",
        r"nieuwe (?:medewerker|collega)|indiensttreding",
        r"nyr starfsmadur|nyr starfsmann",
        r"\bny (?:medarbetare|medarbejder|medarbeider|ansatt|anstalld|ansat|kollega)|\bnyansat\w*|\bnyanstalld",
        r"nuevo ingreso|(?:damos|dad|den|demos) de alta",
    ),
)
CREATE_ACCOUNT = cue(
    "create account",
    alt(
        r"create (?:an? |the |her |his |their |a new )?(?:new )?(?:user|account|login|mailbox|m365 account)",
        r"set (?:up|him up|her up|them up) (?:an? |with an? |the )?(?:new )?(?:account|user|login|mailbox)",
        r"(?:account|login|user) for (?:the |our )?new",
        r"crear(?:le)? (?:una |la |su )?cuenta",
        r"creer (?:un |son |le |leur )?(?:compte|acces)",
        r"(?:konto|benutzer|zugang|account) (?:anlegen|einrichten|erstellen)|anlegen",
        r"creare (?:un |l')?(?:account|utenza)",
        r"criar (?:uma |a )?conta",
        r"account aanmaken",
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
    ),
)
NEW_ROLE = cue(
    "new role",
    r"\bnew (?:\w+ )?(?:engineer|intern|assistant|manager|analyst|developer|producer|designer|officer|"
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

# --- offboarding ---------------------------------------------------------------------------------------------
LEAVER = cue(
    "leaver",
    alt(
        r"\bleavers?\b",
        r"\bleaving\b",
        r"\bleaves (?:us|the company|on|today|tomorrow|at|next|this|after)",
        r"left (?:the company|us|the firm|the business|the organi[sz]ation)",
        r"last (?:working )?day",
        r"separation(?: date| notice)?",
        r"(?:exit|leaving|termination|leave) date",
        r"(?:end|date) of employment",
        r"employment end\w*",
        r"involuntary",
        r"final day",
        r"resign\w*",
        r"terminat\w*",
        r"dismiss\w*",
        r"\bfired\b",
        r"let go",
        r"laid off",
        r"redundan\w*",
        r"contract (?:has )?(?:ended|ends|end|is over|finished|expired|expires|terminated|runs out|ran out)",
        r"end of (?:(?:his|her|their|the) )?(?:contract|season|internship|placement|assignment|engagement)",
        r"(?:contractor|intern|internship|placement|assignment|season) (?:has |is )?(?:finished|ended|over|complete\w*)",
        r"(?:contract|internship|placement|assignment|secondment|apprenticeship)s? (?:\S+ ){0,8}?(?:ends|ended|"
        r"finishes|finished|expires|expired|is over|comes to an end|runs out|ran out|terminates)",
        r"(?:ends|ended|finishes|finished|completes|completed) (?:his|her|their) (?:contract|internship|placement|"
        r"apprenticeship)",
        r"contrato (?:\S+ ){0,8}?(?:termin\w*|finaliz\w*|acab\w*|venc\w*|expir\w*)",
        r"(?:termina|terminan|finaliza|acaba) (?:su|el) contrato",
        r"contrat (?:\S+ ){0,8}?(?:termine|terminera|prend fin|se termine|s'acheve|expire)",
        r"(?:termine|achève|acheve|finit) (?:son|sa) (?:contrat|stage|mission|alternance)",
        r"(?:fin|la fin) (?:de |du )(?:son |sa )?(?:contrat|stage|mission|alternance)",
        r"vertrag (?:\S+ ){0,8}?(?:endet|lauft aus|ausgelaufen|beendet)|praktikum (?:\S+ ){0,8}?endet",
        r"(?:termina|terminera|scade|finisce) (?:il |lo |o )?(?:suo |seu )?(?:contratto|contrato|stage|tirocinio)",
        r"contratto (?:\S+ ){0,8}?(?:termina|scade|scaduto|finisce|terminato)|(?:fine|termine) (?:dello |del )?stage",
        r"contrato (?:\S+ ){0,8}?(?:terminou|termina|acaba|acabou)",
        r"contract (?:\S+ ){0,8}?(?:loopt af|eindigt|afgelopen)|stage (?:\S+ ){0,8}?(?:eindigt|afgelopen)",
        r"finished with us",
        r"\bstopt (?:per|bij ons|met werken|eind)|\bgaat (?:bij ons )?weg\b",
        r"(?:contractor|intern|temp|freelancer|consultant|seasonal \w+)\b(?:\s+\S+){0,6}?\s+(?:has |have )?(?:finished|"
        r"completed|ended|wrapped up)\b",
        r"finished (?:for|with) (?:the |this )?(?:season|summer|winter|year|harvest)",
        r"retir(?:ed|ing|ement|es)",
        r"passed away",
        r"deceased",
        r"has died",
        r"offboard\w*",
        r"off-board\w*",
        r"\bbaja\b",
        r"finaliza su contrato",
        r"fin(?:al)? de (?:su )?contrato",
        r"(?:deja|abandona) la empresa",
        r"se (?:va|marcha) de la empresa",
        r"ultimo dia",
        r"jubila\w*",
        r"fallec\w*",
        r"despid\w*",
        r"\bcese\b",
        r"\bdepart\b",
        r"quitte (?:le cabinet|la societe|l'entreprise|nous|l'equipe|le groupe)",
        r"demission\w*",
        r"fin de (?:son )?contrat",
        r"licencie\w*",
        r"retraite",
        r"\bdeces\b",
        r"decede\w*",
        r"dernier jour",
        r"austritt\w*",
        r"ausscheid\w*",
        r"scheidet \w* ?aus",
        r"verlasst (?:das unternehmen|uns|die firma)",
        r"kundig\w*",
        r"ruhestand",
        r"letzter (?:arbeits)?tag",
        r"verstorben",
        r"vertragsende",
        r"licenziament\w*|cessazione|(?:e |rapporto (?:\S+ ){0,4}?)cessat[oa]|fine (?:della )?stagione",
        r"(?:chegou|chega|chegara) ao (?:fim|termo)|fim d[oa] (?:contrato|temporada|estagio|epoca)|fin de (?:la )?temporada|"
        r"fin de (?:la )?saison",
        r"\bslut(?:ar|ter|tar)\b|uppsagning|oppsigelse|opsigelse|(?:sista|siste|sidste) (?:arbetsdag|arbeidsdag|arbejdsdag)|"
        r"gar (?:pa|i) pension|pensjon\w*",
        r"dimission\w*|dimess[oa]|lascia (?:l'azienda|la societa)|ultimo giorno|pensione|fine (?:del )?contratto|licenziat\w*",
        r"deslig\w*|demissao|demitid\w*|rescisao|aposentad\w*|saida da empresa|(?:sai|deixa|saira|deixara|vai sair|"
        r"vai deixar) da empresa|"
        r"(?:sai|deixa) a empresa",
        r"uit dienst|vertrekt|laatste werkdag|ontslag\w*|pensioen",
        r"haett\w*|sidasti dagur",
    ),
)
SUSPEND = cue(
    "suspend",
    alt(
        r"suspend\w*",
        r"disabl\w*",
        r"deactivat\w*",
        r"de-activat\w*",
        r"deprovision\w*",
        r"close (?:\w+ ){0,2}(?:account|accounts|access|mailbox)",
        r"block (?:\w+ ){0,2}(?:account|access)",
        r"(?:remove|revoke|cut off|cut|shut off|end|terminate) (?:all |his |her |their |the )?(?:\w+ )?access",
        r"lock (?:his|her|their|the) account",
        r"offboard\w*",
        r"desactiv\w*",
        r"dar de baja",
        r"(?:bloque\w*|cerr\w*|cancel\w*|desactiv\w*|suspend\w*) (?:su|la|sus) cuentas?",
        r"suspendr\w*",
        r"(?:bloquer|fermer|cloturer) (?:son|le) compte",
        r"(?<!ent)(?<!ge)sperr(?:en|ung|t)\b",
        r"zu sperren",
        r"deaktivier\w*",
        r"stilleg\w*",
        r"disattiv\w*",
        r"sospend\w*",
        r"bloccare (?:il suo |l')account",
        r"desativ\w*",
        r"bloquear a conta",
        r"deactiveer\w*",
        r"blokkeer\w*",
        r"blokker\w*",
        r"deactiver\w*",
        r"uitschakel\w*",
        r"loka (?:\w+ )?(?:adgang\w*|reikning\w*)",
        r"(?:stang|steng\w*|luk|sparra|sperre|inaktiver\w*|deaktiver\w*) (?:av )?(?:\w+ )?(?:konto\w*|adgang\w*|tilgang\w*)",
    ),
)
REACTIVATE = cue(
    "reactivate",
    r"reactivat\w*|re-activat\w*|reenabl\w*|re-enabl\w*|reinstat\w*|rehir\w*|re-hir\w*|\brejoin(?:s|ed|ing)?\b|re-join\w*|returning (?:employee|from)|back from "
    r"(?:leave|maternity|paternity|sabbatical|parental)|reactivar|volver a activar|reactiver|reaktivier\w*|"
    r"wieder (?:aktivier|freischalt|einstell)\w*|riattiva\w*|reativ\w*|heractiveer\w*|coming back to (?:us|work)",
)
_MFA_NEAR = re.compile(r"mfa|2fa|two-factor|authenticat|double authentification|zwei-faktor|doble factor")


_EMAIL_KEY = re.compile(r"e-?mail|correo|courriel|epost|mail")


def starter_form(p: Prepared) -> Hit | None:
    """A form giving a person's names, an email and a start date (in any language) is a starter form."""
    if len(p.fields) < 3:
        return None
    keys = {k for k, v in p.fields if v}
    named = bool(keys & FULL_KEYS) or (bool(keys & (FIRST_KEYS | AMBIGUOUS_FIRST)) and bool(keys & LAST_KEYS))
    emailed = any(_EMAIL_KEY.search(k) and "@" in v for k, v in p.fields)
    start = next((k for k in keys if START_KEYS.search(k) and not k.startswith(("last", "end"))), None)
    return Hit("starter form", f"{start}:", 0) if named and emailed and start else None


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
    if ev.score:
        again = first_hit(p, REACTIVATE)
        if again is not None:
            ev.veto = f'a returning employee, not a new one ("{again.words}")'
    return ev


def offboarding_evidence(p: Prepared) -> Evidence:
    ev = Evidence(Intent.OFFBOARDING)
    leaver = first_hit(p, LEAVER)
    suspend = first_hit(p, SUSPEND)
    if suspend is not None and _MFA_NEAR.search(p.cue, max(0, suspend.start - 40), suspend.start + 60):
        suspend = None  # "disable MFA" is a security bypass, not a leaver
    if leaver is not None and suspend is not None:
        ev.add([leaver, suspend])
        ev.raise_to(0.9)
    elif leaver is not None:
        ev.add(leaver)
        ev.raise_to(0.72 if leaver.words.startswith(("offboard", "off-board", "leaver", "austritt", "baja")) else 0.5)
    elif suspend is not None:
        ev.add(suspend)
        ev.raise_to(0.45)
    again = first_hit(p, REACTIVATE)
    if again is not None and ev.score:
        ev.veto = f'reactivating a returning employee ("{again.words}")'
    return ev


# --- license_assign ------------------------------------------------------------------------------------------
_ASK_VERB = (
    r"(?:assign|need|needs|request|get|have|give|grant|add|provide|allocate|upgrade|move|switch|want|require|order|"
    r"buy|purchase|apply)\w*"
)
LICENCE_ASK = cue(
    "licence request",
    alt(
        near(_ASK_VERB, LICENCE_WORD, 6),
        r"\b(?:asign\w*|necesit\w*|attribu\w*|besoin|brauch\w*|zuweis\w*|zuteil\w*|benotig\w*|assegn\w*|"
        r"bisogno|atribu\w*|preciso|precisa|toewijz\w*|nodig|servirebbe|mi serve|vorrei|quisiera|me hace falta|"
        r"voudrais|aurais besoin|hatte gern|gostaria|zou graag|krijgen|bekommen|erhalten|obtenir|ottenere|conseguir|"
        r"receber|obter|trenger|behover|brug for)\b",
        r"(?:please|pls|kindly|could i|can i|may i|i'd like|i would like|upgrade|move me|switch me|requested|request\b|"
        r"bitte|por favor|s'il vous plait|merci de|per favore|graag|venligst|vennligst|snalla|mag ik|kan ik|kunnen jullie|"
        r"kun je|puedo|podria|pourrais-je|puis-je|posso|potrei|kann ich|konnte ich|darf ich)",
        LICENCE_WORD + r" (?:for|on|to) (?:my|me|the|his|her|our|their)\b",
    ),
)


INSTALL = cue(
    "install",
    r"\b(?:install\w*|instalar\w*|instala(?:r|d|ci[oó]n)\w*|installer|installieren|installiert|installare|"
    r"software cent(?:er|re)|download\w*|descargar|telecharger|herunterladen)\b",
)


PLAN_ASK = cue(
    "plan request",
    near(
        alt(
            _ASK_VERB,
            r"asign\w*|necesit\w*|attribu\w*|besoin|brauch\w*|zuweis\w*|benotig\w*|assegn\w*|bisogno|"
            r"atribu\w*|preciso|precisa|toewijz\w*|nodig|pasar\w*|passer|wechseln|umstellen|krijgen|bekommen|"
            r"erhalten|obtenir|ottenere|conseguir|receber|obter|trenger|behover",
        ),
        r"(?:(?:microsoft|office|ms|m|o) ?365 )?(?:e[135]|f3|business (?:basic|standard|premium)|power ?bi pro|"
        r"visio plan ?[12]|project (?:plan ?[135]|online))\b",
        5,
    ),
)


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
    elif install is not None and (ask is None or not lic.context):
        ev.veto = f'a software install ("{install.words}")'
    return ev, lic


# --- group_membership ----------------------------------------------------------------------------------------


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
    if create:
        ev.veto = f'creating a group or changing permissions ("{create.group(0)}")'
    return ev, groups


__all__ = [
    "group_evidence",
    "licence_evidence",
    "new_hire_evidence",
    "offboarding_evidence",
]
