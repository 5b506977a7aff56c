"""Identifying the parties of a batch of contacts, fast.

Normalizing a phone with `phonenumbers` costs ~65 µs, more than storing the interaction, so a
batch first guesses each phone's E.164 form from its digits and asks the database which
guesses are stored contact points; only the rest go through full normalization. A guess is
taken only when it IS a stored number, and stored numbers are valid E.164 (they were
normalized when stored); for a valid number the guess equals what `phonenumbers` returns:

- "+86 138-0013-8000", "(+86) 13800138000": the separators phonenumbers ignores removed, a
  valid E.164 string parses back to itself;
- "0086 138 0013 8000": the region's international prefix is stripped, as phonenumbers does;
- "138 0013 8000": national digits get the region's country code, unless the region's
  national-prefix/carrier-code pattern matches their start (phonenumbers may strip such a
  prefix), in which case the number takes the full path.

tests/test_contacts.py checks this against phonenumbers for numbers of many regions. Full
normalizations are memoized per process (bounded), since channels repeat the same callers.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

import phonenumbers
from django.conf import settings
from django.db import connection
from phonenumbers import PhoneMetadata

from reservoir.core.bulk import in_list
from reservoir.parties.enums import ContactKind
from reservoir.parties.models import ContactPoint
from reservoir.parties.normalize import normalize

_SEPARATORS = re.compile(r"[\s().\-]")
_PLAIN_NUMBER = re.compile(r"\+?[0-9]{4,17}")


def guess_e164(raw: str, region: str) -> str | None:
    """Return the E.164 form `raw` has if it is a valid number, or None when unsure."""
    text = _SEPARATORS.sub("", raw)
    if not _PLAIN_NUMBER.fullmatch(text):
        return None
    if text.startswith("+"):
        return text
    country_code, international, national = _region_patterns(region)
    if country_code is None:
        return None
    idd = international.match(text) if international is not None else None
    if idd is not None:
        return "+" + text[idd.end() :]
    if national is not None and national.match(text):
        return None
    return f"+{country_code}{text}"


@functools.cache
def _region_patterns(
    region: str,
) -> tuple[int | None, re.Pattern[str] | None, re.Pattern[str] | None]:
    """Return the region's country code, international prefix and national prefix patterns."""
    metadata = PhoneMetadata.metadata_for_region(region)
    if metadata is None:
        return None, None, None
    idd = metadata.international_prefix
    national = metadata.national_prefix_for_parsing or metadata.national_prefix
    return (
        phonenumbers.country_code_for_region(region),
        re.compile(f"(?:{idd})") if idd else None,
        re.compile(f"(?:{national})") if national else None,
    )


@functools.lru_cache(maxsize=16_384)
def normalize_cached(kind: str, raw: str, region: str) -> str:
    """`parties.normalize`, memoized (the region is part of the key); raises InvalidInput."""
    return normalize(kind, raw)


def find_parties(kind: str, values: Iterable[str]) -> dict[str, int]:
    """Return {value: party id} for the stored contact points of `kind` among `values`.

    When several parties share a value, the one with the smallest id wins. One query,
    hand-written (see `core.bulk.in_list`).
    """
    wanted = sorted(set(values))
    if not wanted:
        return {}
    condition, params = in_list(_q("value"), wanted)
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(f"{_FIND_SQL()} AND {condition}", [kind, *params])
        for value, party_id in cursor.fetchall():
            if value not in found or party_id < found[value]:
                found[value] = party_id
    return found


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


@functools.cache
def _FIND_SQL() -> str:  # noqa: N802 - a constant computed once the models are loaded
    table = _q(ContactPoint._meta.db_table)
    return f"SELECT {_q('value')}, {_q('party_id')} FROM {table} WHERE {_q('kind')} = %s"  # noqa: S608


def identify(
    contacts: Sequence[tuple[str, str] | None],
) -> tuple[list[tuple[str, str] | None], dict[tuple[str, str], int]]:
    """Normalize each (kind, raw) contact (None stays None) and find the stored ones.

    Returns the (kind, value) keys and {key: party id} for the keys already stored. Phones
    whose guessed E.164 form is stored skip phonenumbers (see the module docstring); the
    lookups take one query per kind. Raises InvalidInput for the first
    contact that cannot be normalized.
    """
    region = settings.DEFAULT_PHONE_REGION
    guesses: dict[str, str | None] = {}
    for contact in contacts:
        if contact is not None and contact[0] == ContactKind.PHONE and contact[1] not in guesses:
            guesses[contact[1]] = guess_e164(contact[1], region)
    phones = find_parties(ContactKind.PHONE, (g for g in guesses.values() if g is not None))
    keys: list[tuple[str, str] | None] = []
    wanted: dict[str, set[str]] = {}
    for contact in contacts:
        if contact is None:
            keys.append(None)
            continue
        kind, raw = contact
        guess = guesses.get(raw) if kind == ContactKind.PHONE else None
        if guess is not None and guess in phones:
            keys.append((kind, guess))
            continue
        value = normalize_cached(kind, raw, region)
        keys.append((kind, value))
        if kind != ContactKind.PHONE or value not in phones:
            wanted.setdefault(kind, set()).add(value)
    known = {(ContactKind.PHONE.value, v): pid for v, pid in phones.items()}
    for kind, values in wanted.items():
        known.update({(kind, v): pid for v, pid in find_parties(kind, values).items()})
    return keys, known
