"""Evidence for ``offboarding`` (rule 13): a leaver and the request to suspend them; a returning employee is
not one."""

from __future__ import annotations

import re

from opsgate.runbooks.intents import Intent

from .cues import alt, cue, first_hit
from .evidence import Evidence
from .text import Prepared

# --- offboarding ---------------------------------------------------------------------------------------------
LEAVER = cue(
    "leaver",
    alt(
        r"\bleavers?\b",
        r"\bleaving\b",
        r"\b(?:he|she|they) (?:has |have |just )?quit\b",
        r"\bcdd (?:\S+ ){0,14}?se termine\b|\bne sera pas renouvel\w*",
        r"\bfinish(?:es|ing)? (?:her|his|their) (?:internship|externship|placement|apprenticeship|traineeship)\b|"
        r"\b(?:internship|externship|placement|apprenticeship|traineeship) (?:ends|finishes|is over)\b",
        r"\bcontract (?:is )?over\b|\b(?:engagement|assignment|placement) (?:has )?(?:completed|ended|finished)\b",
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
        r"(?:contract|internship|placement|assignment|secondment|apprenticeship|scholarship|loan|fellowship)(?:'s|s)? "
        r"(?:\S+ ){0,12}?(?:ends|ended|"
        r"finishes|finished|expires|expired|is over|comes to an end|runs out|ran out|terminates)",
        r"(?:ends|ended|finishes|finished|completes|completed|wraps up|wrapped up|is wrapping up) (?:his|her|their) "
        r"(?:contract|internship|placement|apprenticeship|secondment|appointment|residency|fellowship)",
        r"(?:phd|postdoc\w*|fixed-term|temporary|visiting) (?:appointment|position|post|contract)s? (?:\S+ ){0,3}?(?:ends|ended|"
        r"finishes|expires|runs out)",
        r"contrato (?:\S+ ){0,8}?(?:termin\w*|finaliz\w*|acab\w*|venc\w*|expir\w*)",
        r"(?:termina|terminan|finaliza|acaba) (?:su|el) contrato",
        r"contrat (?:\S+ ){0,8}?(?:termine|terminera|prend fin|se termine|s'acheve|expire)",
        r"(?:termine|achève|acheve|finit|a fini|a termine|a acheve) (?:son|sa) (?:contrat|stage|mission|alternance|saison)",
        r"(?:hat|hatte) (?:seinen|ihren) (?:vertrag|einsatz|saisonvertrag) (?:\S+ ){0,3}(?:beendet|abgeschlossen)",
        r"\bendet (?:der|sein|ihr) (?:\w+ ){0,2}vertrag|vertrag (?:\S+ ){0,6}?(?:endet|lauft aus|ausgelaufen)|"
        r"kommt (?:\w+ ){0,3}nicht (?:wieder|mehr|zuruck)",
        r"skonczyl\w* (?:\w+ )?prac\w*|konczy (?:\w+ )?prac\w*|ostatni dzien|odchodzi z (?:firmy|pracy)",  # Polish
        r"(?:ha|ha terminado|ha acabado|ha finalizado) (?:su|el) (?:contrato|temporada)",
        r"(?:termina|terminan|acaba|finaliza) (?:sus|las) practicas|fin de (?:sus |las )?practicas",
        r"(?:fin|la fin) (?:de |du )(?:son |sa )?(?:contrat|stage|mission|alternance)",
        r"vertrag (?:\S+ ){0,8}?(?:endet|lauft aus|ausgelaufen|beendet)|praktikum (?:\S+ ){0,8}?endet",
        r"(?:termina|terminera|scade|finisce) (?:il |lo |o )?(?:suo |seu )?(?:contratto|contrato|stage|tirocinio)",
        r"contratto (?:\S+ ){0,8}?(?:termina|scade|scaduto|finisce|terminato)|(?:fine|termine) (?:dello |del )?stage",
        r"contrato (?:\S+ ){0,8}?(?:terminou|termina|acaba|acabou)",
        r"contract (?:\S+ ){0,8}?(?:loopt af|eindigt|afgelopen)|stage (?:\S+ ){0,8}?(?:eindigt|afgelopen)",
        r"finished with us",
        r"\bstopt (?:per|bij ons|met werken|eind)|\bgaat (?:bij ons )?weg\b",
        # let go or dismissed: "Had to let Dean Rafferty go this morning - gross misconduct"
        r"\blet (?:\w+ ){1,3}go\b(?! of)|gross misconduct|(?:was|been|being|got) (?:dismissed|sacked|fired)\b",
        r"(?:contractor|intern|temp|freelancer|consultant|seasonal \w+)\b(?:\s+\S+){0,6}?\s+(?:has |have |is )?(?:finished|"
        r"completed|ended|wrapped up|finishing|finishes)\b",
        r"finished (?:for|with) (?:the |this )?(?:season|summer|winter|year|harvest)",
        r"(?:holiday|summer|seasonal|temporary|temp|christmas) job (?:\w+ ){0,5}(?:ended|finished|is over|has ended)|"
        r"student (?:is )?done\b|(?:back|going back|heading back|goes back) (?:at|to) (?:uni|university|college)\b",
        r"end of (?:the )?(?:summer |winter |ski |harvest |busy )?season|(?:isn't|is not|won't be|will not be|not) on the "
        r"(?:\w+ )?(?:roster|rota)\b",
        r"(?:finish\w*|ends?|ending|complet\w*) (?:his|her|their) (?:[\w-]+ ){0,2}(?:placement|internship|apprenticeship|contract|"
        r"secondment|assignment|residency|traineeship)\b",
        r"retir(?:ed|ing|ement|es)",
        r"passed away",
        r"deceased",
        r"has died",
        # "died suddenly at home on Sunday": said of a person, not of a laptop
        r"\b(?:he|she|who|they) (?:\w+ )?died\b|\bdied (?:suddenly|peacefully|unexpectedly|at home|in hospital|over the "
        r"weekend|last (?:week|weekend|night))",
        # "mit der Dernière am Samstag endet der Gastvertrag von X", "termina el contrato de": the verb first
        r"(?:endet|endete|lauft (?:\w+ )?aus|termina|acaba|se termine|prend fin|finisce|scade|eindigt) (?:\S+ ){0,3}?"
        r"(?:\w*vertrag|contrato|contrat|contratto|contract|praktikum|stage)\b",
        r"(?:won't|will not|isn't|is not|not) (?:be )?coming back\b|kommt (?:\S+ ){0,6}?nicht (?:mehr )?zuruck|no (?:va a )?volver(?:a|an)?\b|ne reviendra pas",
        r"offboard\w*",
        r"off-board\w*",
        r"(?<!no me deis de )(?<!no me des de )(?<!no me den de )(?<!ya esta dado de )(?<!vuelto de la )(?<!volver de la )(?<!vuelve de la )(?<!regresado de la )(?<!de la )(?<!de su )(?<!es una )(?<!no es )\bbaja\b(?! de empleado)(?! del? (?:grupo|la lista|lista|canal))(?! (?:medica|por enfermedad|por maternidad|por paternidad|de maternidad|de paternidad))",
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
        r"letzter (?:arbeits)?tag|letzten (?:arbeits)?tag",
        r"vertrag (?:\S+ ){0,2}lauft (?:\S+ ){0,3}aus\b",
        r"verstorben",
        r"vertragsende",
        r"licenziament\w*|cessazione|(?:e |rapporto (?:\S+ ){0,4}?)cessat[oa]|fine (?:della )?stagione",
        r"(?:chegou|chega|chegara) ao (?:fim|termo)|fim d[eoa] (?:contrato|temporada|estagio|epoca)|fin de (?:la )?temporada|"
        r"fin de (?:la )?saison",
        r"\bslut(?:ar|ter|tar)\b|uppsagning|oppsigelse|opsigelse|(?:sista|siste|sidste) (?:arbetsdag|arbeidsdag|arbejdsdag)|"
        r"gar (?:pa|i) pension|pensjon\w*",
        r"dimission\w*|dimess[oa]|lascia (?:l'azienda|la societa)|ultimo giorno|pensione|fine (?:del )?contratto|licenziat\w*",
        r"deslig\w*|demissao|demitid\w*|rescisao|aposentad\w*|saida da empresa|(?:sai|deixa|saira|deixara|vai sair|"
        r"vai deixar) da empresa|"
        r"(?:sai|deixa) a empresa|contrato (?:\S+ ){0,20}?cessou|cessou (?:\S+ ){0,3}?contrato",
        # Czech and Welsh: "odchází ... do starobního důchodu", "interniaeth ... yn dod i ben"
        r"odchazi (?:\S+ ){0,8}?do (?:starobniho )?duchodu|odchod do duchodu|(?:interniaeth|cytundeb) (?:\S+ ){0,10}?yn dod i ben",
        r"uit dienst|vertrekt|laatste (?:werk)?dag|laatste dienst|wordt niet verlengd|ontslag\w*|pensioen|"
        r"contract (?:\S+ ){0,4}loopt (?:\S+ ){0,2}af|(?:stage|contract|tijdelijk contract) "
        r"(?:\S+ ){0,6}?(?:zit erop|is afgelopen|is voorbij|is klaar)",
        r"haett\w*|sidasti dagur",
        r"geht (?:\w+ ){0,3}in (?:die )?(?:pension|rente)|pensionier\w*",
        # no longer working here, handing in notice, in the ticket languages
        r"accepted (?:an? )?(?:role|job|position|offer|post) (?:elsewhere|at another|with another|at a different)|"
        r"finish(?:es|ing)? (?:up )?with us|departing (?:the|our)|has departed|"
        r"join(?:ing)? (?:another|a new|a different|a competing) (?:firm|company|practice|employer|business)|"
        r"handed in (?:his|her|their) notice|serving (?:his|her|their) notice|notice period|no longer (?:with us|works? "
        r"(?:here|for us|with us))|\bhas quit\b|quit (?:his|her|their) job",
        r"(?:ha presentado|presento) (?:su )?(?:renuncia|dimision)|ya no trabaja (?:con nosotros|aqui|en la empresa)|"
        r"ne fait plus partie|ne travaille plus (?:chez nous|avec nous|ici|pour nous)|ausgeschieden|nicht mehr (?:bei uns|"
        r"im unternehmen|in der firma|im betrieb)|non lavora piu (?:con noi|qui|da noi|in azienda)|"
        r"nao trabalha (?:mais )?(?:connosco|aqui|na empresa)|despedid[oa]|werkt niet meer (?:bij ons|hier)|"
        r"sagt upp sig|lopettaa|viimeinen tyopaiva|irtisano\w*|elakkeelle|odchodzi|ostatni dzien|zwolnion\w*|"
        r"wypowiedzeni\w*|tyosuhte\w* (?:\S+ ){0,3}?(?:paattyy|paattyi|paattyminen|loppuu|purettiin|puretaan)|"
        r"not (?:been )?(?:offered|given) a new contract|contract (?:is |was |won't be |will not be )?not (?:being )?renewed|"
        r"arbeitsverhaltnis (?:\S+ ){0,10}?(?:beendet|endet|gekundigt|aufgelost)|fristlos\w*|"
        r"overleden|overlijden|odchod\w* (?:\S+ ){0,4}?do duchodu|desvinculaci\w*|desvincular\w*|fecha de termino|"
        r"termino (?:de|del) contrato|(?:season|contract|internship|placement|secondment) (?:\S+ ){0,6}?(?:has )?(?:wrapped|wraps)\b|"
        r"won't be (?:with us|back|returning)|will not be (?:with us|back|returning)|"
        r"ukonceni (?:\w+ )?(?:pracovniho pomeru|spoluprace)|posledni pracovni den|odchazi z (?:firmy|pivovaru|"
        r"spolecnosti)|konci (?:u nas|ve firme)",
        # leaving the workplace, named by what it is ("deixa a farmácia", "quitte l'atelier", "verlässt den Betrieb")
        r"(?:deixa|deixara|deixou|sai|saira|saiu|deja|dejara|ha dejado|se va de|se ha ido de|abandona|ha abandonado|"
        r"quitte|quittera|a quitte|lascia|lascera|ha lasciato|verlasst|hat (?:\w+ )?verlassen|verlaat|heeft (?:\w+ )?verlaten|"
        r"forlater|har forlatt|lamnar|har lamnat|leaves|will leave|is leaving|has left) "
        r"(?:(?:a|o|l'|la|el|le|il|lo|den|das|die|de|het|the|our|da|do|du) ?)?"
        r"(?:empresa|farmacia|loja|escola|clinica|hotel|firma|oficina|fabrica|tienda|restaurante|cabinet|societe|"
        r"entreprise|boutique|pharmacie|agence|atelier|azienda|negozio|ufficio|studio|bedrijf|winkel|praktijk|betrieb|"
        r"unternehmen|company|practice|school|firm|shop|store|clinic|bakery|backerei|bakkerij|panaderia|boulangerie)\b",
        r"reforma-se|reformar-se|vai para a reforma|reformad[oa]|in (?:die )?rente|geht in (?:den )?ruhestand|"
        r"stopper (?:hos|her|i|pa)|fratraed\w*|fratrad\w*|opsagt|sagt op|si e dimess[oa]|quitte (?:ses|son) fonctions",
        # a contract, internship or season said to end, in any of the ticket languages
        r"(?:estagio|practicas|tirocinio|stage|praktikum|internship|apprenticeship|ausbildung|aprendizagem|"
        r"contrato|contratto|contrat|vertrag|kontrakt\w*|anstallning\w*|ansettelse\w*|ansaettelse\w*|temporada|"
        r"stagione|saison|sesong\w*|sasong\w*|harjoittelu\w*|tyosopimus\w*) (?:\S+ ){0,8}?(?:termina\w*|terminou|"
        r"acaba\w*|finaliza\w*|finisce|finira|scade|scadra|se termine|prend fin|endet|eindigt|loopt af|slutter|"
        r"slutar|utloper|udlober|gar ut|loppuu|paattyy)\b",
    ),
)
SUSPEND = cue(
    "suspend",
    alt(
        r"suspend\w*",
        r"disabl\w*",
        r"(?:switch|turn|shut) (?:his|her|their|the|this) (?:\w+ )?(?:account|login|access|user) off",
        r"(?:account|access|login)s? (?:\w+ )?(?:switched|turned|shut|cut) off",
        r"shut (?:his|her|their|the) (?:\w+ )?(?:account|login|access) (?:down|off)",
        r"(?:switch|turn) off (?:[\w'’]+ ){0,2}(?:account|login|access|user)",
        r"shut (?:off|down) (?:his|her|their|the|this) (?:\w+ )?(?:account|login|access|user)",
        r"disabilit\w*|desabilit\w*|deshabilit\w*|inhabilit\w*",
        r"deactivat\w*",
        r"de-activat\w*",
        r"deprovision\w*",
        r"close (?:[\w'’]+ ){0,3}(?:account|accounts|access|mailbox)",
        r"(?:account|accounts|login|mailbox)\s*(?:\([^)]{0,80}\)\s*)?(?:can |could |should |will |needs to |need to )?(?:be|to be) "
        r"closed",
        r"block (?:\w+ ){0,2}(?:account|access)",
        r"(?:remove|revoke|cut off|cut|shut off|end|terminate) (?:all |his |her |their |the )?(?:\w+ )?access",
        r"lock (?:his|her|their|the) account",
        r"offboard\w*",
        r"desactiv\w*",
        r"dar de baja|dad de baja|den de baja|deis de baja|dadle de baja|darle de baja|dale de baja",
        r"kill (?:his|her|their|the) (?:\w+ )?(?:access|account|login)",
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
        r"(?:stang|steng\w*|luk|sparra|sperre|spaerr?e|inaktiver\w*|deaktiver\w*) (?:av )?(?:\w+ ){0,2}\w*(?:konto\w*|"
        r"adgang\w*|tilgang\w*)",
        r"couper (?:ses|les|son|tous ses) acces|(?:zugang|zugriff|zugange|berechtigungen) (?:\w+ )?entzieh\w*|stillleg\w*|"
        r"chiud\w* (?:il suo |l'|l' )?account|encerr\w* (?:a )?conta|(?:account|toegang) afsluiten|"
        r"sulke\w*|sulje\w*|poista\w* kaytosta|zablokowa\w*|dezaktywowa\w*|wylacz\w* konto|"
        r"(?:zablokov\w*|deaktiv\w*|zrus\w*|znepristupn\w*) (?:\w+ ){0,2}(?:uct\w*|ucet|pristup\w*)",
        r"suspensao d[ao] (?:respetiva |respectiva |sua )?conta|atal ei (?:ch)?gyfrif|atal ei chyfrif",
    ),
)
REACTIVATE = cue(
    "reactivate",
    r"reactivat\w*|re-activat\w*|reenabl\w*|re-enabl\w*|reinstat\w*|rehir\w*|re-hir\w*|\brejoin(?:s|ed|ing)?\b|re-join\w*|returning (?:employee|from)|back from "
    r"(?:leave|maternity|paternity|sabbatical|parental)|reactivar|volver a activar|reactiver|reaktivier\w*|"
    r"wieder (?:aktivier|freischalt|einstell)\w*|riattiva\w*|\breativ\w*|heractiveer\w*|coming back to (?:us|work)",
)
_IF_BEFORE = re.compile(r"\b(?:if|when|should|unless|si|wenn|falls|se|als) (?:\w+ )?$|\beligible for $")
_MFA_NEAR = re.compile(r"mfa|2fa|two-factor|authenticat|double authentification|zwei-faktor|doble factor")


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
    if again is not None and _IF_BEFORE.search(p.cue, max(0, again.start - 16), again.start):
        again = None  # "if we rehire him we'll open a new ticket": a maybe, not a return
    if again is not None and ev.score:
        ev.veto = f'reactivating a returning employee ("{again.words}")'
    return ev


# --- rule 13, whatever the runbook words: an account switched off while its owner was away, asked back ---------
_ACCOUNT_OFF = re.compile(
    r"\b(?:account|user|login|konto|benutzer|compte|cuenta|usuario|conta|utente|utenza)\b[^.\n]{0,30}?\b(?:is|was|has been|"
    r"had been|got|ist|war|wurde|est|etait|a ete|avait ete|esta|estaba|fue|ha sido|habia sido|e stato|era|foi|estava)"
    r"(?: \w+){0,3}? (?:disabled|"
    r"deactivated|suspended|switched off|turned off|deaktiviert|stillgelegt|desactive|desactivad[oa]|suspendu|"
    r"disattivat[oa]|desativad[oa]|gedeactiveerd)\b"
)
_RETURNS = re.compile(
    r"\b(?:returning|returns|back from|back at work|back to work|retour|reprend|revient|vuelve|"
    r"regresa|se reincorpora|reincorpor\w+|zuruck(?:kommt|kehrt)?|ruckkehr|rientra|ritorno|regressa|volta ao trabalho|"
    r"fangt (?:\w+ ){0,3}wieder|wieder bei uns|elternzeit|mutterschutz)\b"
)
_NEVER = re.compile(r"\b(?:never|not|wasn't|isn't|hasn't|nie|nicht|jamais|pas|nunca|no|mai|nao)\b")
_TURN_BACK_ON = re.compile(
    r"\b(?:konto|zugang|account|benutzer)\w* (?:\w+ ){0,3}wieder (?:freischalten|aktivieren|einschalten)\b|"
    r"\b(?:re-?enable|reactivate|reinstate|turn (?:it |him |her )?back on|switch (?:it |him |her )?back on|reactiver|"
    r"reactivar|reaktivieren|wieder (?:aktivieren|freischalten|einschalten)|riattivare|reativar)\b (?:\w+ ){0,3}?"
    r"(?:it|him|her|them|account|user|login|le|la|lo|son compte|konto|cuenta|conta)\b"
)


def returning_employee(p: Prepared) -> str | None:
    """An account switched off while its owner was away and asked back ("His user is disabled. Can you re-enable it
    and give him back the E3 licence", "Son compte avait été désactivé ... merci de le débloquer pour son retour"):
    reactivating a returning employee is no runbook (rule 13), whatever else the ticket asks with it."""
    on = _TURN_BACK_ON.search(p.cue)
    if on is not None:
        return on.group(0)
    off = _ACCOUNT_OFF.search(p.cue)
    if off is not None and _NEVER.search(off.group(0)):
        off = None  # "my account was never disabled while I was away"
    back = _RETURNS.search(p.cue) if off is not None else None
    return f"{off.group(0)} ... {back.group(0)}" if off is not None and back is not None else None
