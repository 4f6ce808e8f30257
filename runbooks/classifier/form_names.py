"""A name read from a ticket's form fields (rule 6 and rule 11): "Name:", "Employee name:", "First name" /
"Last name", the same labels in the ticket languages and bilingual ones ("Fornavn / First name")."""

from __future__ import annotations

from .names import clean_value, drop_post_nominals, spells_local, split_name
from .text import Prepared, fold

FULL_KEYS = frozenset(
    """name fullname legalname yourname yourfullname employeename employee nameofemployee leaver leavername starter newstarter newhire
    newemployee employeefullname nombrecompleto nombreyapellidos empleado empleada nomcomplet collaborateur
    collaboratrice salarie mitarbeiter mitarbeiterin namedesmitarbeiters vollstandigername nomecompleto dipendente
    colaborador colaboradora naam volledigenaam medewerker nafn fulltnafn person persona personne navn namn
    requestername requestorname worker workername""".split()
)
FIRST_KEYS = frozenset(
    """firstname givenname forename first vorname vornamen prenom primeironome voornaam fornafn legalfirstname nombres
    fornamn fornavn etunimi nomeproprio nomesproprios nombrepropio nombredepila prenoms imie forenames
    givennames firstnames jmeno meno keresztnev utonev legalnamefirst namefirst""".split()
)
LAST_KEYS = frozenset(
    """lastname surname familyname last nachname familienname apellidos apellido cognome sobrenome apelido
    achternaam eftirnafn legallastname apelidos sobrenomes cognomi efternamn etternavn efternavn sukunimi
    primerapellido apellido1 apellidopaterno firstsurname surnames lastnames familynames prijmeni priezvisko nazwisko vezeteknev csaladnev legalnamelast namelast""".split()
)
SECOND_LAST_KEYS = frozenset("segundoapellido apellido2 apellidomaterno secondsurname".split())
# the particles a Dutch or German form keeps apart: "Tussenvoegsel: van der" / "Achternaam: Linden"
PARTICLE_KEYS = frozenset("tussenvoegsel tussenvoegsels voorvoegsel namensvorsatz".split())
AMBIGUOUS_FIRST = frozenset({"nombre", "nome", "name"})  # first name only beside a last-name field


def _full_name_key(key: str) -> bool:
    """``employeenamelastfirst``, ``legalnameoftheemployee`` ...: a label about the person's whole name."""
    return key.startswith(("name", "fullname", "employeename", "legalname", "staffname", "username")) and not any(
        word in key for word in ("user", "manager", "preferred", "nick", "display", "login", "account", "first", "last")
    )


# "Name, Vorname: Schäfer-Lindner, Marco": the surname, a comma, the given name
_SURNAME_FIRST = frozenset(
    "namevorname nachnamevorname nomprenom apellidosnombre apellidonombre cognomenome achternaamvoornaam "
    "sobrenomenome surnamefirstname".split()
)
_ENGLISH_TAIL = ("firstname", "givenname", "forename", "lastname", "surname", "familyname")


def _canonical_key(key: str) -> str:
    """A bilingual label ("Fornavn / First name" -> ``fornavnfirstname``) read by its English half."""
    if key in FIRST_KEYS or key in LAST_KEYS or key in FULL_KEYS:
        return key
    bare = key.removesuffix("legal").removeprefix("legal")  # "Forename(s) (legal)" -> forenames
    if bare != key and (bare in FIRST_KEYS or bare in LAST_KEYS or bare in FULL_KEYS):
        return bare
    return next((tail for tail in _ENGLISH_TAIL if key.endswith(tail) and key != tail), key)


def form_name(p: Prepared, local: str | None = None) -> tuple[list[str], list[str]] | None:
    """(first, last) from labelled fields, or None. With the address's ``local`` part, a full-name field that spells
    it wins over one that does not ("Leaver: Sports Development Coordinator" in the summary, "Name: Bethan
    Lloyd-Hughes" in the form), and the split follows it ("jonander.etxeberria@" is Jon Ander / Etxeberria)."""
    first: list[str] = []
    last: list[str] = []
    second: list[str] = []
    particle: list[str] = []
    full: list[str] = []
    spelled: list[str] = []
    fields = [(_canonical_key(k), v) for k, v in p.fields]
    keys = {k for k, _ in fields}
    has_last = bool(keys & LAST_KEYS) or ("nom" in keys and "prenom" in keys)
    # "Name: Ravi Shankar Iyer / First name: Ravi Shankar / Last name: Iyer": with a first-name field of its own,
    # "Name" is the full name
    has_first = bool(keys & FIRST_KEYS)
    # "Vorname: Anne-Laure / Name: Favre Rochat": beside a first-name field and no last-name one, "Name" is the
    # surname (German and Swiss forms) unless it repeats the first name
    given = next((fold(v) for k, v in fields if k in FIRST_KEYS and v), "")
    surname_key = "name" if has_first and not has_last and "name" in keys else None
    for key, value in fields:
        value = drop_post_nominals(value)  # "Dr. Priya Anand, PhD" is no "Surname, Given"
        if not value:
            continue
        if "," in value and (
            ("last" in key and "first" in key and key.index("last") < key.index("first")) or key in _SURNAME_FIRST
        ):
            surname, _, given = value.partition(",")
            first, last = first or clean_value(given), last or clean_value(surname, surname=True)
        elif key in FIRST_KEYS or (key in AMBIGUOUS_FIRST and has_last and not has_first):
            first = first or clean_value(value)
        elif key in LAST_KEYS or (key == "nom" and "prenom" in keys) or (
            key == surname_key and given and not fold(value).startswith(given)
        ):
            last = last or clean_value(value, surname=True)
        elif key in SECOND_LAST_KEYS:
            second = second or clean_value(value, surname=True)
        elif key in PARTICLE_KEYS:
            particle = particle or value.split()
        elif key in FULL_KEYS or key == "nom" or key in AMBIGUOUS_FIRST or _full_name_key(key):
            if "," in value and not full:
                surname, _, given = value.partition(",")
                if "," not in given and "@" not in given and len(given.split()) <= 3:
                    full = clean_value(given) + clean_value(surname, surname=True)  # "Okafor, Fionnuala"
                else:  # "New starter: Fionnuala Byrne-Okafor, f.b@..., hygienist Rathmines, starts ...": a list
                    full = next((n for n in map(clean_value, value.split(",")) if len(n) >= 2), [])
            # "Starter: Barty Nwosu" in the summary, "Legal name: Bartholomew Nwosu" in the form: the legal name wins
            full = clean_value(value) if key.startswith("legal") else full or clean_value(value)
            if local and not spelled and spells_local(clean_value(value), local):
                spelled = clean_value(value)
    if first and last:
        return first, particle + last + second
    if len(spelled) >= 2 and not spells_local(full, local or ""):
        full = spelled
    if len(full) >= 2:
        return split_name(full, local)
    return None
