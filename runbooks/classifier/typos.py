"""Misspellings seen in real tickets and apostrophe-less English contractions, repaired word by word in the
lower-cased text (``Prepared.low``) before any rule reads it."""

from __future__ import annotations

import re
from functools import lru_cache

_TYPOS: dict[str, str] = {
    "pasword": "password",
    "expierd": "expired",
    "incorect": "incorrect",
    "grupe": "gruppe",
    "vergesen": "vergessen",
    "vizio": "visio",
    "gespert": "gesperrt",
    "gesperet": "gesperrt",
    "entsperen": "entsperren",
    "jai": "j'ai",
    "pwer": "power",
    "powr": "power",
    "standrd": "standard",
    "stnadard": "standard",
    "vergesssen": "vergessen",
    "projct": "project",
    "porject": "project",
    "prject": "project",
    "incorrct": "incorrect",
    "adress": "address",
    "expried": "expired",
    "exipred": "expired",
    "expird": "expired",
    "chnage": "change",
    "cahnge": "change",
    "paswd": "password",
    "passwd": "password",
    "passwrd": "password",
    "passwrod": "password",
    "passowrd": "password",
    "pssword": "password",
    "passsword": "password",
    "pasword's": "password",
    "passward": "password",
    "passord": "password",
    "pword": "password",
    "passcode's": "passcode",
    "acount": "account",
    "accout": "account",
    "accoutn": "account",
    "acc": "account",
    "acct": "account",
    "accnt": "account",
    "accunt": "account",
    "lockd": "locked",
    "loked": "locked",
    "lcoked": "locked",
    "unlcok": "unlock",
    "unlok": "unlock",
    "unlcoked": "unlocked",
    "forgoten": "forgotten",
    "forgotton": "forgotten",
    "forgott": "forgot",
    "fogot": "forgot",
    "frogot": "forgot",
    "forgor": "forgot",
    "forgt": "forgot",
    "forgotted": "forgot",
    "rememeber": "remember",
    "remeber": "remember",
    "rember": "remember",
    "resett": "reset",
    "licens": "licence",
    "lisence": "licence",
    "lisense": "license",
    "licience": "licence",
    "licnese": "license",
    "licnse": "license",
    "cna": "can",
    "liscence": "licence",
    "licsense": "license",
    "licese": "license",
    "busness": "business",
    "buisness": "business",
    "bussiness": "business",
    "bussines": "business",
    "busines": "business",
    "premuim": "premium",
    "premiun": "premium",
    "standart": "standard",
    "authenticater": "authenticator",
    "autenticator": "authenticator",
    "authentificator": "authenticator",
    "authenicator": "authenticator",
    "athenticator": "authenticator",
    "authenticatior": "authenticator",
    "authentcator": "authenticator",
    "verfiy": "verify",
    "verifiy": "verify",
    "comming": "coming",
    "recieve": "receive",
    "recieving": "receiving",
    "suspned": "suspend",
    "deactive": "deactivate",
    "disbale": "disable",
    "grp": "group",
    "gruop": "group",
    "gorup": "group",
    "plz": "please",
    "pls": "please",
    "pleas": "please",
    "thx": "thanks",
    "u": "you",
    "ur": "your",
    "cant": "can't",
    "cannot": "can't",
    "dont": "don't",
    "doesnt": "doesn't",
    "didnt": "didn't",
    "isnt": "isn't",
    "arent": "aren't",
    "wasnt": "wasn't",
    "wont": "won't",
    "couldnt": "couldn't",
    "wouldnt": "wouldn't",
    "havent": "haven't",
    "hasnt": "hasn't",
    "shouldnt": "shouldn't",
    "ive": "i've",
    "youre": "you're",
    "thats": "that's",
    "hes": "he's",
    "shes": "she's",
    "pwd": "password",
    "pw": "password",
    "passwords": "passwords",
    "mfa's": "mfa",
}
_TYPO_KEYS = frozenset(_TYPOS)
_WORDS = re.compile(r"[a-z][a-z']*")
_CAN_NOT = re.compile(r"\bcan not\b")


# The request's key words, repaired when a word is one slip away from one of them (a letter missing, extra, wrong
# or two swapped: "licnce", "asign", "acount", "pasword"). Only long words whose one-slip neighbours are no other
# word a ticket uses: not "expired" ("expires" is a word), "suspend" ("suspense"), "unlock" ("unblock").
_KEY_WORDS = (
    "password",
    "licence",
    "license",
    "account",
    "assign",
    "authenticator",
    "business",
    "premium",
    "forgotten",
    "remember",
)
_REAL_WORDS = frozenset({"passwort", "busyness", *_KEY_WORDS})
_KEY_FIRST = frozenset(k[0] for k in _KEY_WORDS)


def one_slip(a: str, b: str, *, replace: bool = True) -> bool:
    """Whether ``a`` becomes ``b`` by one inserted or deleted letter, two neighbours swapped, or (with ``replace``)
    one letter replaced. Group names leave replacement out: "Team-A" and "Team-B" are two groups."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
        return swapped or (replace and len(diff) == 1)
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


@lru_cache(maxsize=65536)
def _near_key(word: str) -> str | None:
    if len(word) < 5 or word in _REAL_WORDS or word[0] not in _KEY_FIRST:
        return None
    for key in _KEY_WORDS:
        # an inflection is no slip ("accounts", "licensed", "assigned")
        if word[0] == key[0] and not word.startswith(key[:-1]) and not key.startswith(word) and one_slip(word, key):
            return key
    return None


def repair(low: str) -> str:
    words = set(_WORDS.findall(low))
    fixes = {w: _TYPOS[w] for w in _TYPO_KEYS.intersection(words)}
    for w in words:
        if w not in fixes and (near := _near_key(w)) is not None:
            fixes[w] = near
    if fixes:
        pattern = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, fixes), key=len, reverse=True)) + r")\b")
        low = pattern.sub(lambda m: fixes[m.group(0)], low)
    return _CAN_NOT.sub("can't", low) if "can not" in low else low
