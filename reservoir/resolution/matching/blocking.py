"""Blocking keys: short strings that two records of the same party very likely share.

A party's keys go into a DB index (another module); a new record fetches the parties that
share any of its keys and only those are scored. Each key combines two or more fields so
that one typo leaves other keys intact while a key stays selective among 100,000 parties.
Soundex is written here (12 lines) instead of adding a phonetic library: it is only a
blocking aid, and the runtime dependencies stay the ones the CRM already ships.
"""

from __future__ import annotations

import functools
import hashlib
import re

from reservoir.resolution.matching.compare import Prepared, prepare
from reservoir.resolution.matching.names import NamePart
from reservoir.resolution.matching.records import PartyRecord

MAX_KEY_LENGTH = 64
_SOUNDEX = str.maketrans("bfpvcgjkqsxzdtlmnr", "111122222222334556")
_DIGITS = re.compile(r"\d+")


@functools.lru_cache(maxsize=65536)
def soundex(word: str) -> str:
    """American Soundex of a folded latin word ('robert' → 'r163'); '' if no letters."""
    letters = [c for c in word if "a" <= c <= "z"]
    if not letters:
        return ""
    codes = [
        c.translate(_SOUNDEX) if c not in "aeiouyhw" else ("0" if c not in "hw" else "")
        for c in letters
    ]
    out, last = [], codes[0]
    for code in codes[1:]:
        if code and code not in ("0", last):
            out.append(code)
        if code:
            last = code
    return (letters[0] + "".join(out) + "000")[:4]


def _key(prefix: str, value: str) -> str:
    key = f"{prefix}:{value}"
    if len(key) <= MAX_KEY_LENGTH:
        return key
    return f"{prefix}#" + hashlib.blake2b(value.encode(), digest_size=16).hexdigest()


def _given_keys(given: NamePart) -> set[str]:
    keys = {given.primary} if given.primary and not given.is_initial else set()
    keys.update(sorted(given.nick - {given.first})[:3])
    return keys


def _name_keys(p: Prepared) -> set[str]:
    keys: set[str] = set()
    for family, given in p.name.readings:
        if not family.primary:
            continue
        givens = _given_keys(given)
        for fam in sorted(family.keys)[:6]:
            for giv in givens:
                keys.add(_key("n", "|".join(sorted((fam, giv)))))
        fam, giv = family.primary, given.primary
        if p.birth:
            keys.add(_key("fb", f"{fam}|{p.birth}"))
            if giv:
                keys.add(_key("gb", f"{giv}|{p.birth}"))
        if giv:
            keys.add(_key("sx", soundex(fam) + soundex(giv) + (p.birth[:4] or p.postal_code)))
        place = p.postal_code or p.city
        if place:
            keys.add(_key("fp", f"{fam}|{place}"))
            if giv:
                keys.add(_key("gp", f"{giv}|{place}"))
    return keys


def prepared_keys(p: Prepared) -> frozenset[str]:
    keys: set[str] = set()
    keys.update(_key("e", e) for e in p.emails)
    keys.update(_key("el", local) for local in p.email_locals if len(local) >= 4)
    keys.update(_key("p", phone) for phone in p.phones)
    for scheme, values in p.ids.items():
        keys.update(_key("i", f"{scheme}:{v}") for v in values)
    if p.kind == "organization":
        if p.company:
            keys.add(_key("c", p.company))
            words = p.company.split()
            if p.postal_code or p.city:
                keys.add(_key("cp", f"{words[0]}|{p.postal_code or p.city}"))
        return frozenset(keys)
    keys |= _name_keys(p)
    if p.birth:
        keys.add(_key("b", p.birth))
    street_no = next(iter(_DIGITS.findall(p.street)), "")
    if p.postal_code and street_no:
        keys.add(_key("pn", f"{p.postal_code}|{street_no}"))
    street_word = next((w for w in p.street.split() if not w.isdigit()), "")
    if street_word and (p.postal_code or p.city):
        keys.add(_key("sp", f"{street_word}|{p.postal_code or p.city}"))
    if street_word and p.name.readings and p.name.readings[0][0].primary:
        keys.add(_key("fs", f"{p.name.readings[0][0].primary}|{street_word}"))
    return frozenset(keys)


@functools.lru_cache(maxsize=8192)
def blocking_keys(record: PartyRecord) -> frozenset[str]:
    """Keys (≤ 64 chars) under which to index `record` and look up its candidates."""
    return prepared_keys(prepare(record))
