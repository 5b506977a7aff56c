"""One mapped row of a file → a validated `ImportRow`, or a `RowError` saying what is wrong.

Cells are stored as plain text. A text cell that a spreadsheet would run as a formula
(`=…`, or `+ - @` followed by a call, a DDE pipe or a sheet reference) is refused with a
message, per the OWASP CSV-injection guidance; phone and email cells are normalized instead,
so "+86 138…" stays a phone number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.core.errors import InvalidInput
from reservoir.parties.enums import ContactKind, PartyKind, PartyRoleKind
from reservoir.parties.normalize import normalize, normalize_email, normalize_phone
from reservoir.resolution.importing.fields import BY_KEY, CHAT_FIELDS
from reservoir.resolution.matching.records import PartyRecord

_SPLIT = re.compile(r"[;,，；\n]+")
_PHONE_SPLIT = re.compile(r"[;,，；/\n]+")
_FORMULA = re.compile(r"^(=|[+\-@].*[(|!])", re.DOTALL)
_COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "歐陽",
        "司马",
        "司馬",
        "诸葛",
        "諸葛",
        "上官",
        "东方",
        "東方",
        "皇甫",
        "令狐",
        "慕容",
        "司徒",
        "夏侯",
        "尉迟",
        "尉遲",
        "公孙",
        "公孫",
        "长孙",
        "長孫",
    ]
)
_COUNTRIES = {
    "cn": "CN", "china": "CN", "中国": "CN", "中國": "CN", "prc": "CN", "中华人民共和国": "CN",
    "tw": "TW", "taiwan": "TW", "台湾": "TW", "台灣": "TW", "臺灣": "TW",
    "hk": "HK", "hong kong": "HK", "香港": "HK", "mo": "MO", "macau": "MO", "macao": "MO",
    "澳门": "MO", "澳門": "MO", "us": "US", "usa": "US", "united states": "US", "美国": "US",
    "美國": "US", "sg": "SG", "singapore": "SG", "新加坡": "SG", "jp": "JP", "japan": "JP",
    "日本": "JP", "gb": "GB", "uk": "GB", "united kingdom": "GB", "英国": "GB", "英國": "GB",
    "de": "DE", "germany": "DE", "德国": "DE", "德國": "DE", "fr": "FR", "france": "FR",
    "法国": "FR", "法國": "FR",
}  # fmt: skip
_ROLES = {
    **{r.value: r.value for r in PartyRoleKind},
    **{str(r.label).lower(): r.value for r in PartyRoleKind},
    "客户": "customer", "客戶": "customer", "潜在客户": "prospect", "潛在客戶": "prospect",
    "经销商": "distributor", "經銷商": "distributor", "合作伙伴": "partner", "合作夥伴": "partner",
    "伙伴": "partner", "供应商": "supplier", "供應商": "supplier", "lead": "prospect",
}  # fmt: skip
_ORG_WORDS = {
    "organization",
    "organisation",
    "company",
    "org",
    "公司",
    "机构",
    "機構",
    "企业",
    "企業",
}
_GENDERS = {
    "m": "male", "male": "male", "man": "male", "男": "male", "先生": "male",
    "f": "female", "female": "female", "woman": "female", "女": "female", "女士": "female",
}  # fmt: skip
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_LIMITS = {"display_name": 200, "family_name": 100, "given_name": 100, "company": 200,
           "title": 100, "street": 255, "city": 100, "region": 100, "district": 100,
           "postal_code": 20, "website": 200, "industry": 100, "notes": 5000}  # fmt: skip


class RowError(Exception):
    """A row that cannot be imported; `message` says why (shown in the report)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ImportRow:
    line: int
    kind: str
    display_name: str
    family_name: str = ""
    given_name: str = ""
    company: str = ""
    title: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[tuple[str, str], ...] = ()  # (E.164, label)
    chats: tuple[tuple[str, str], ...] = ()  # (kind, value)
    address: tuple[str, str, str, str, str, str] | None = (
        None  # street district city region code country
    )
    birth_date: dt.date | None = None
    gender: str = ""
    language: str = ""
    website: str = ""
    industry: str = ""
    notes: str = ""
    roles: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    key: str = ""

    @property
    def identifiers(self) -> list[tuple[str, str]]:
        """Normalized contact points that identify the row: emails, phones, chat ids."""
        return [
            *((ContactKind.EMAIL.value, e) for e in self.emails),
            *((ContactKind.PHONE.value, p) for p, _label in self.phones),
            *self.chats,
        ]

    def record(self) -> PartyRecord:
        """The row as the matching engine sees it."""
        street, _district, city, region, code, country = self.address or ("",) * 6
        return PartyRecord(
            key=f"row:{self.line}",
            kind=self.kind,
            family_name=self.family_name,
            given_name=self.given_name,
            full_name=self.display_name,
            birth_date=self.birth_date,
            gender=self.gender,
            emails=self.emails,
            phones=tuple(p for p, _label in self.phones),
            other_ids=tuple(f"{k}:{v}" for k, v in self.chats),
            company=self.company if self.kind == PartyKind.PERSON else "",
            street=street,
            city=city,
            region=region,
            postal_code=code,
            country=country,
        )


def _gather(cells: list[str], mapping: list[str]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for index, key in enumerate(mapping):
        if not key or index >= len(cells):
            continue
        text = (cells[index] or "").strip()
        if text:
            values.setdefault(key, []).append(text)
    return values


def _check_formula(key: str, text: str) -> None:
    if _FORMULA.match(text.lstrip("\t\r ")):
        raise RowError(
            _("%(field)s “%(value)s” looks like a spreadsheet formula; formulas are not imported.")
            % {"field": BY_KEY[key].label, "value": text[:60]}
        )


def split_name(full: str) -> tuple[str, str]:
    """Return (family, given) of a full name: 张伟 → (张, 伟), Alice Smith → (Smith, Alice)."""
    text = full.strip()
    if any("\u3400" <= ch <= "\u9fff" for ch in text) and " " not in text:
        cut = 2 if text[:2] in _COMPOUND_SURNAMES and len(text) > 2 else 1
        return text[:cut], text[cut:]
    parts = text.split()
    if len(parts) < 2:
        return "", text
    return parts[-1], " ".join(parts[:-1])


def parse_date(text: str) -> dt.date:
    value = text.strip()
    m = _DATE.match(value) or re.match(r"^(\d{4})(\d{2})(\d{2})$", value)
    try:
        if not m:
            raise ValueError(value)
        day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise RowError(_("“%(v)s” is not a date (use YYYY-MM-DD).") % {"v": value[:40]}) from exc
    if not 1900 <= day.year <= timezone.localdate().year:
        raise RowError(_("The birth date %(v)s is out of range.") % {"v": value})
    return day


def country_code(text: str, default: str) -> str:
    value = text.strip()
    if not value:
        return default
    code = _COUNTRIES.get(value.lower())
    if code:
        return code
    if len(value) == 2 and value.isalpha():
        return value.upper()
    raise RowError(_("Unknown country “%(v)s” (use a two-letter code such as CN).") % {"v": value})


def _first(values: dict[str, list[str]], key: str) -> str:
    text = values.get(key, [""])[0]
    limit = _LIMITS.get(key)
    if limit and len(text) > limit:
        raise RowError(
            _("%(field)s is too long (%(n)s characters at most).")
            % {"field": BY_KEY[key].label, "n": limit}
        )
    return text


def _contacts(values: dict[str, list[str]], region: str) -> tuple[tuple[str, ...], tuple, tuple]:
    emails, phones, chats = [], [], []
    try:
        for raw in (v for cell in values.get("email", []) for v in _SPLIT.split(cell)):
            if raw.strip():
                emails.append(normalize_email(raw))
        for key, label in (("mobile", "mobile"), ("phone", "")):
            for raw in (v for cell in values.get(key, []) for v in _PHONE_SPLIT.split(cell)):
                if raw.strip():
                    phones.append((normalize_phone(raw, region), label))
        for kind in CHAT_FIELDS:
            for raw in (v for cell in values.get(kind, []) for v in _SPLIT.split(cell)):
                if raw.strip():
                    _check_formula(kind, raw)
                    chats.append((kind, normalize(kind, raw)))
    except InvalidInput as exc:
        raise RowError(exc.message) from exc
    seen: set[str] = set()
    unique_phones = tuple(p for p in phones if not (p[0] in seen or seen.add(p[0])))  # type: ignore[func-returns-value]
    return tuple(dict.fromkeys(emails)), unique_phones, tuple(dict.fromkeys(chats))


def parse_row(
    cells: list[str], mapping: list[str], *, line: int, source: str, default_country: str
) -> ImportRow:
    """Validate one row; raise RowError with the first problem found."""
    values = _gather(cells, mapping)
    for key, texts in values.items():
        if key not in ("email", "phone", "mobile", *CHAT_FIELDS):
            for text in texts:
                _check_formula(key, text)
    country = country_code(_first(values, "country"), default_country)
    emails, phones, chats = _contacts(values, country)
    full, family, given = (
        _first(values, "full_name"),
        _first(values, "family_name"),
        _first(values, "given_name"),
    )
    company = _first(values, "company")
    kind_text = _first(values, "kind").lower()
    kind = PartyKind.ORGANIZATION if kind_text in _ORG_WORDS else PartyKind.PERSON
    if kind == PartyKind.PERSON and not (full or family or given):
        if not company:
            raise RowError(_("A name (or a company) is required."))
        kind = PartyKind.ORGANIZATION
    if kind == PartyKind.ORGANIZATION:
        display = full or company or f"{family}{given}"
        family = given = ""
        company = "" if company == display else company
    else:
        if full and not (family or given):
            family, given = split_name(full)
        display = full
    if len(display) > 200:
        raise RowError(_("The name is too long (200 characters at most)."))
    roles: list[str] = []
    tags: list[str] = []
    for raw in (v.strip() for cell in values.get("tags", []) for v in _SPLIT.split(cell)):
        if raw:
            role = _ROLES.get(raw.lower())
            (roles if role else tags).append(role or raw[:50])
    address = None
    if any(values.get(k) for k in ("street", "district", "city", "region", "postal_code")):
        address = (
            _first(values, "street"),
            _first(values, "district"),
            _first(values, "city"),
            _first(values, "region"),
            _first(values, "postal_code"),
            country,
        )
    birth = parse_date(values["birth_date"][0]) if values.get("birth_date") else None
    gender_text = _first(values, "gender")
    row = ImportRow(
        line=line,
        kind=kind,
        display_name=display,
        family_name=family,
        given_name=given,
        company=company,
        title=_first(values, "title"),
        emails=emails,
        phones=phones,
        chats=chats,
        address=address,
        birth_date=birth,
        gender=_GENDERS.get(gender_text.lower(), gender_text.lower()[:16]),
        language=_first(values, "language")[:10],
        website=_website(_first(values, "website")),
        industry=_first(values, "industry"),
        notes="\n".join(values.get("notes", []))[:5000],
        roles=tuple(dict.fromkeys(roles)),
        tags=tuple(dict.fromkeys(tags)),
    )
    return _with_key(row, source)


def _website(text: str) -> str:
    if not text:
        return ""
    return text if re.match(r"^https?://", text, re.I) else f"https://{text}"


def _with_key(row: ImportRow, source: str) -> ImportRow:
    parts = [
        source.strip().casefold(),
        row.kind,
        row.display_name.casefold(),
        ",".join(sorted(row.emails)),
        ",".join(sorted(p for p, _label in row.phones)),
        ",".join(sorted(f"{k}:{v}" for k, v in row.chats)),
        row.company.casefold(),
        row.birth_date.isoformat() if row.birth_date else "",
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return ImportRow(**{**row.__dict__, "key": digest})
