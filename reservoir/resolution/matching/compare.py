"""Per-record features (`prepare`) and per-field comparison levels of two prepared records.

rapidfuzz (C++) does the string similarity: Jaro–Winkler for names, Levenshtein/OSA edit
distances for dates, identifiers and postcodes, indel ratios for streets and companies.
Each comparison returns a level index into `LEVELS[field]` (0 = exact … last = different)
or `MISSING` when either side lacks the value; the model turns levels into weights.
Features are computed once per record (`prepare` is cached on the frozen record), so one
comparison of a prepared pair costs a few microseconds.
The model multiplies the fields' evidence as if independent, so facts that repeat another
field are not counted twice: the city when the company already agrees, and an email user
name spelled from the person's own name (amelia.carter@…) at another domain.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

from reservoir.resolution.matching.names import EMPTY_PART, NamePart, ParsedName, fold, parse_name
from reservoir.resolution.matching.records import PartyRecord

MISSING = -1
_GENDERS = {"m": "m", "f": "f", "w": "f", "男": "m", "女": "f"}
# Shared mailbox names: the same one at two domains says nothing about the person.
_ROLE_ACCOUNTS = frozenset(
    (
        "info",
        "contact",
        "sales",
        "admin",
        "office",
        "hello",
        "support",
        "service",
        "mail",
        "enquiries",
        "inquiries",
        "marketing",
        "hr",
        "team",
        "noreply",
        "no-reply",
        "webmaster",
    )
)
# Field → level names, strongest first. The model holds one m/u probability per level.
LEVELS: dict[str, tuple[str, ...]] = {
    "kind": ("exact", "different"),
    "family_name": ("exact", "close", "partial", "different"),
    "given_name": ("exact", "close", "partial", "different"),
    "birth_date": ("exact", "close", "partial", "different"),
    "gender": ("exact", "different"),
    "email": ("exact", "partial", "different"),
    "phone": ("exact", "partial", "different"),
    "other_id": ("exact", "close", "different"),
    "company": ("exact", "close", "partial", "different"),
    "street": ("exact", "close", "partial", "different"),
    "city": ("exact", "close", "different"),
    "postal_code": ("exact", "close", "different"),
    "region": ("exact", "different"),
    "country": ("exact", "different"),
}
FIELDS: tuple[str, ...] = tuple(LEVELS)

_LEGAL_FORMS = re.compile(
    r"\b(inc|incorporated|ltd|limited|llc|llp|plc|co|corp|corporation|company|gmbh|ag|sa|sas|"
    r"srl|spa|bv|nv|kk|pty|pte|the)\b|(有限责任公司|股份有限公司|有限公司|集团|公司|株式会社)"
)


@dataclass(frozen=True, slots=True)
class Prepared:
    """Comparison-ready features of one `PartyRecord`."""

    record: PartyRecord
    kind: str
    name: ParsedName
    birth: str  # "YYYYMMDD" or ""
    gender: str  # "m" / "f" / other folded / ""
    emails: frozenset[str]
    email_locals: frozenset[str]
    phones: frozenset[str]
    ids: dict[str, frozenset[str]]  # scheme → values
    company: str
    street: str
    city: str
    postal_code: str
    region: str
    country: str


def normalize_company(text: str) -> str:
    """'ACME Co., Ltd.' → 'acme'; '上海某某有限公司' → '上海某某'."""
    from reservoir.resolution.matching.names import to_simplified

    return " ".join(_LEGAL_FORMS.sub(" ", fold(to_simplified(text))).split())


def _name_pieces(name: ParsedName) -> frozenset[str]:
    pieces: set[str] = set()
    for reading in name.readings:
        for part in reading:
            if part.primary:
                pieces.update(part.keys)
                pieces.update(fold(part.text).split() if not part.hanzi else ())
                pieces.add(part.initial)
    return frozenset(pieces)


def _spelled_by(letters: str, pieces: frozenset[str], depth: int = 3) -> bool:
    """Whether `letters` is a concatenation of at most `depth` of `pieces`."""
    if not letters:
        return True
    if depth == 0:
        return False
    return any(
        letters.startswith(p) and _spelled_by(letters[len(p) :], pieces, depth - 1) for p in pieces
    )


def _informative_locals(emails: frozenset[str], name: ParsedName) -> frozenset[str]:
    """Email user names that say something beyond the name: not a role mailbox (info@) and
    not spelled from the person's own name (amelia.carter@, jsmith@), which would count
    the name twice when the same user name shows up at another domain."""
    pieces = _name_pieces(name)
    out = set()
    for email in emails:
        local = email.partition("@")[0]
        letters = "".join(c for c in local if c.isalpha())
        if local in _ROLE_ACCOUNTS or (letters and pieces and _spelled_by(letters, pieces)):
            continue
        out.add(local)
    return frozenset(out)


@functools.lru_cache(maxsize=32768)
def prepare(record: PartyRecord) -> Prepared:
    """Features of a record, cached on the (frozen, hashable) record (~2.5 kB each, so the
    cache holds at most ~80 MB; batch callers keep their own list of prepared records)."""
    ids: dict[str, set[str]] = {}
    for other in record.other_ids:
        scheme, sep, value = other.partition(":")
        if sep and value.strip():
            ids.setdefault(scheme.strip().lower(), set()).add(value.strip())
    kind = "organization" if record.kind.startswith("org") else "person"
    company = record.company
    if kind == "organization" and not company:
        company = record.full_name or " ".join(
            p for p in (record.given_name, record.family_name) if p
        )
    name = parse_name(record.family_name, record.given_name, record.full_name)
    if kind == "organization":
        name = ParsedName((), explicit=False)
    gender = _GENDERS.get(fold(record.gender)[:1], "")
    emails = frozenset(e.strip().lower() for e in record.emails if e.strip())
    return Prepared(
        record=record,
        kind=kind,
        name=name,
        birth=record.birth_date.strftime("%Y%m%d") if record.birth_date else "",
        gender=gender,
        emails=emails,
        email_locals=_informative_locals(emails, name),
        phones=frozenset(p for p in record.phones if p),
        ids={k: frozenset(v) for k, v in ids.items()},
        company=normalize_company(company),
        street=fold(record.street),
        city=fold(record.city),
        postal_code=fold(record.postal_code).replace(" ", ""),
        region=fold(record.region),
        country=fold(record.country),
    )


def _hanzi_given_level(a: NamePart, b: NamePart) -> int:
    """Both written in Chinese: same characters, homophones, same first character."""
    if a.hanzi == b.hanzi:
        return 0
    return 1 if a.primary == b.primary else (2 if a.hanzi[:1] == b.hanzi[:1] else 3)


def _given_level(a: NamePart, b: NamePart) -> int:
    if not a.primary or not b.primary:
        return MISSING
    if a.hanzi and b.hanzi:
        return _hanzi_given_level(a, b)
    if a.keys & b.keys:
        return 0
    if a.is_initial or b.is_initial:
        # "J." vs "John": all an initial can say. Agreement is as telling as a near-equal
        # name (1 in ~15 strangers share an initial, about the odds of "close").
        return 1 if a.initial == b.initial else 3
    if (a.nick & b.nick) or a.first == b.first:
        return 1
    return _spelling_level(a.primary, b.primary)


def _spelling_level(a: str, b: str) -> int:
    """1 = one typo (edit, or Jaro–Winkler ≥ 0.92), 2 = similar (JW ≥ 0.8), 3 = different."""
    sim = JaroWinkler.similarity(a, b)
    if sim >= 0.92 or (min(len(a), len(b)) >= 4 and OSA.distance(a, b, score_cutoff=1) <= 1):
        return 1
    return 2 if sim >= 0.8 else 3


def _family_level(a: NamePart, b: NamePart) -> int:
    if not a.primary or not b.primary:
        return MISSING
    if a.hanzi and b.hanzi:
        if a.hanzi == b.hanzi:
            return 0
        return 1 if a.keys & b.keys else 3
    if a.keys & b.keys:
        return 0
    return _spelling_level(a.primary, b.primary)


def _rank(family: int, given: int) -> tuple[int, int, int]:
    """Order of alignments: more agreement first, then the better family level (symmetric)."""
    return ((4 - family if family >= 0 else 1) + (4 - given if given >= 0 else 1), -family, -given)


def name_levels(a: ParsedName, b: ParsedName) -> tuple[int, int, int, int]:
    """(family level, given level, reading of a, reading of b): the best-aligned readings.

    With both names given as separate fields, a swap of the two fields is also tried
    (reported as readings -2, -2).
    """
    if not a.readings or not b.readings:
        return MISSING, MISSING, -1, -1
    best = (MISSING, MISSING, 0, 0)
    best_rank = (-1, 0, 0)
    for i, (fa, ga) in enumerate(a.readings):
        for j, (fb, gb) in enumerate(b.readings):
            fam, giv = _family_level(fa, fb), _given_level(ga, gb)
            if fam == 0 and giv == 0:
                return 0, 0, i, j
            rank = _rank(fam, giv)
            if rank > best_rank:
                best, best_rank = (fam, giv, i, j), rank
    if a.explicit and b.explicit:
        (fa, ga), (fb, gb) = a.readings[0], b.readings[0]
        # Names written in Chinese characters are not swapped by writers; romanized ones are.
        if ga is not EMPTY_PART and gb is not EMPTY_PART and not (fa.hanzi and fb.hanzi):
            fam, giv = _family_level(fa, gb), _family_level(ga, fb)
            if _rank(fam, giv)[0] > best_rank[0] + 1:  # a swap must be clearly better
                best = (fam, giv, -2, -2)
    return best


def postal_level(a: str, b: str) -> int:
    if not a or not b:
        return MISSING
    if a == b:
        return 0
    return 1 if OSA.distance(a, b, score_cutoff=2) <= 1 else 2


def date_level(a: str, b: str) -> int:
    if not a or not b:
        return MISSING
    if a == b:
        return 0
    if a[:4] == b[:4] and a[4:6] == b[6:8] and a[6:8] == b[4:6]:
        return 1  # day and month swapped
    d = OSA.distance(a, b, score_cutoff=3)
    return 1 if d <= 1 else (2 if d <= 2 else 3)


def _set_level(a: frozenset[str], b: frozenset[str], la: frozenset[str], lb: frozenset[str]) -> int:
    if not a or not b:
        return MISSING
    if a & b:
        return 0
    return 1 if la & lb else 2


def phone_level(a: frozenset[str], b: frozenset[str]) -> int:
    if not a or not b:
        return MISSING
    if a & b:
        return 0
    for x in a:
        for y in b:
            if x[-8:] == y[-8:] or Levenshtein.distance(x, y, score_cutoff=1) <= 1:
                return 1
    return 2


def ids_level(a: dict[str, frozenset[str]], b: dict[str, frozenset[str]]) -> int:
    common = a.keys() & b.keys()
    if not common:
        return MISSING
    level = 2
    for scheme in common:
        if a[scheme] & b[scheme]:
            return 0
        for x in a[scheme]:
            for y in b[scheme]:
                if OSA.distance(x, y, score_cutoff=2) <= 2:
                    level = 1
    return level


def _text_level(a: str, b: str, close: float, partial: float) -> int:
    if not a or not b:
        return MISSING
    if a == b:
        return 0
    if fuzz.ratio(a, b) >= close:
        return 1
    return 2 if fuzz.token_set_ratio(a, b) >= partial else 3


def _short_level(a: str, b: str) -> int:
    if not a or not b:
        return MISSING
    if a == b:
        return 0
    return 1 if JaroWinkler.similarity(a, b) >= 0.9 else 2


def _eq_level(a: str, b: str) -> int:
    if not a or not b:
        return MISSING
    return 0 if a == b else 1


def compare(a: Prepared, b: Prepared) -> tuple[int, ...]:
    """Level index per field of `FIELDS` (MISSING when either side lacks it)."""
    fam, giv, _, _ = name_levels(a.name, b.name)
    company = _text_level(a.company, b.company, 92, 90)
    # The same company implies its city: counting both would count one fact twice.
    city = MISSING if company in (0, 1) else _short_level(a.city, b.city)
    return (
        0 if a.kind == b.kind else 1,
        fam,
        giv,
        date_level(a.birth, b.birth),
        _eq_level(a.gender, b.gender),
        _set_level(a.emails, b.emails, a.email_locals, b.email_locals),
        phone_level(a.phones, b.phones),
        ids_level(a.ids, b.ids),
        company,
        _text_level(a.street, b.street, 88, 75),
        city,
        postal_level(a.postal_code, b.postal_code),
        _eq_level(a.region, b.region),
        _eq_level(a.country, b.country),
    )
