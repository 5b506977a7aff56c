"""The trade-show scenario: a seeded base of customers and a pile of business cards.

`generate(n_base, n_cards, seed)` makes a base of persons (mainland, Taiwan/Hong Kong and
Western names, employed by organizations) and cards with the known truth of who each card
is: an existing customer written differently (traditional ↔ simplified script, pinyin in
either order, Cantonese/Wade–Giles surnames, typos, nicknames, initials, a company written
without its legal suffix), a new person, or a second card of somebody already in the pile.
Phones and e-mails are on many cards but not all. `load_base` writes the base with bulk
inserts; `evaluate` matches every card through `match_record` and the cards among
themselves through `find_duplicates`, and counts right and wrong decisions.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pypinyin import lazy_pinyin

from reservoir.demo import names, places
from reservoir.demo.hant import to_hant

ORIGINS = (("cn", 0.55), ("tw", 0.08), ("hk", 0.07), ("west", 0.30))
LEGAL_ZH = "有限公司"
LEGAL_EN = ("Ltd.", "Co., Ltd.", "Inc.", "LLC")
NICKNAMES = {
    "William": "Bill", "Robert": "Bob", "Richard": "Rick", "Michael": "Mike", "James": "Jim",
    "Thomas": "Tom", "Daniel": "Dan", "Matthew": "Matt", "Andrew": "Andy", "Steven": "Steve",
    "Edward": "Ed", "Samuel": "Sam", "Elizabeth": "Liz", "Jennifer": "Jen", "Patricia": "Pat",
    "Susan": "Sue", "Jessica": "Jess", "Margaret": "Maggie", "Charlotte": "Charlie",
    "Rachel": "Rach", "Hannah": "Anna", "Emily": "Em",
}  # fmt: skip
CITIES_EN = ("London", "New York", "San Francisco", "Toronto", "Singapore", "Sydney")


@dataclass(frozen=True)
class Org:
    idx: int
    name: str
    city: str
    western: bool


@dataclass(frozen=True)
class Person:
    """A real person of the scenario (in the base or not)."""

    ident: str  # "b12" (in the base) or "n7" (new)
    origin: str
    family: str
    given: str
    phone: str
    email: str
    org: int  # Org.idx or -1
    city: str


@dataclass(frozen=True)
class Card:
    n: int
    ident: str  # the Person it was written from
    family: str
    given: str
    full_name: str
    phone: str
    email: str
    company: str
    city: str


@dataclass
class Scenario:
    orgs: list[Org]
    base: list[Person]  # loaded into the database
    cards: list[Card]
    people: dict[str, Person] = field(default_factory=dict)


class _Maker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.phones: set[str] = set()
        self.emails: set[str] = set()
        self.names_at: set[tuple[str, int]] = set()
        self.pools: dict[bool, list[Org]] = {}

    def phone(self, country: str) -> str:
        while True:
            value = places.phone_number(self.rng, country)
            if value not in self.phones:
                self.phones.add(value)
                return value

    def email(self, local: str, domain: str) -> str:
        value = f"{local}@{domain}"
        while value in self.emails:
            value = f"{local}{self.rng.randint(1, 9999)}@{domain}"
        self.emails.add(value)
        return value


def _pinyin(text: str) -> str:
    return "".join(lazy_pinyin(text))


def _name_key(family: str, given: str) -> str:
    return (family + given).lower()


def _orgs(rng: random.Random, n: int) -> list[Org]:
    """Organizations with names unique even without their legal form."""
    seen: set[str] = set()
    out: list[Org] = []
    trades = [t for group in names.COMPANY_TRADES.values() for t in group]
    cities = list(places.CITY_INFO)
    words = names.ENGLISH_COMPANY_WORDS
    while len(out) < n:
        western = rng.random() < 0.3
        if western:
            city = rng.choice(CITIES_EN)
            trade = rng.choice(trades)[1]
            options = [
                f"{rng.choice(words)} {trade}",
                f"{city} {rng.choice(words)} {trade}",
                f"{rng.choice(words)} {rng.choice(words)} {trade}",
            ]
        else:
            city = rng.choice(cities)
            core = f"{rng.choice(names.COMPANY_BRANDS)[0]}{rng.choice(trades)[0]}"
            options = [core, f"{city.removesuffix('市')}{core}"]
        name = next((o for o in options if o not in seen), "")
        if not name:
            continue
        seen.add(name)
        full = f"{name} {rng.choice(LEGAL_EN)}" if western else f"{name}{LEGAL_ZH}"
        out.append(Org(len(out), full, city, western))
    return out


def _person(rng: random.Random, mk: _Maker, ident: str, orgs: Sequence[Org]) -> Person:
    roll, origin = rng.random(), "west"
    for name, share in ORIGINS:
        if roll < share:
            origin = name
            break
        roll -= share
    gender = names.gender_for(rng)
    western = origin == "west"
    if western not in mk.pools:
        mk.pools[western] = [o for o in orgs if o.western == western] or list(orgs)
    pool = mk.pools[western]
    while True:
        if origin == "cn":
            family, given = names.chinese_name(rng, gender)
        elif origin in ("tw", "hk"):
            family, given = names.traditional_name(rng)
        else:
            family, given = names.english_name(rng, gender)
        org = rng.choice(pool) if rng.random() < 0.92 else None
        key = (_name_key(family, given), org.idx if org else -1)
        if key not in mk.names_at:
            mk.names_at.add(key)
            break
    # Western mobiles are British: the fictional North American range holds only 600 numbers.
    country = {"cn": "CN", "tw": "TW", "hk": "HK"}.get(origin, "GB")
    phone = mk.phone(country) if rng.random() < 0.75 or org is None else ""
    local = (
        f"{given}.{family}".lower() if origin == "west" else f"{_pinyin(given)}.{_pinyin(family)}"
    )
    domain = f"{rng.choice(('qq', '163', 'gmail', 'outlook'))}.example.com"
    if org is not None and rng.random() < 0.6:
        domain = f"corp{org.idx}.example.com"
    email = mk.email(local, domain) if rng.random() < 0.8 else ""
    city = org.city if org else rng.choice(list(places.CITY_INFO))
    return Person(ident, origin, family, given, phone, email, org.idx if org else -1, city)


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:  # transposition
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:  # deletion
        return word[:i] + word[i + 1 :]
    return word[:i] + rng.choice("aeiourn") + word[i + 1 :]  # substitution


def _written_name(  # noqa: PLR0911 - one return per way of writing a name
    rng: random.Random, p: Person, *, known: bool
) -> tuple[str, str, str]:
    """Return (family, given, full) as the card prints the person's name."""
    r = rng.random()
    if p.origin == "cn":
        if r < 0.45 or not known:
            return p.family, p.given, ""
        if r < 0.60:
            return to_hant(p.family), to_hant(p.given), ""
        fam, giv = _pinyin(p.family).title(), _pinyin(p.given).title()
        return ("", "", f"{giv} {fam}") if r < 0.8 else ("", "", f"{fam.upper()} {giv}")
    if p.origin in ("tw", "hk"):
        if r < 0.5 or not known:
            return p.family, p.given, ""
        if r < 0.75:
            return _simplified(p.family), _simplified(p.given), ""
        table = names.HK_ROMANIZED_SURNAME if p.origin == "hk" else names.TW_ROMANIZED_SURNAME
        fam = table.get(p.family, _pinyin(_simplified(p.family)).title())
        giv = _pinyin(_simplified(p.given)).title()
        return "", "", f"{giv} {fam}"
    if r < 0.6 or not known:
        return p.family, p.given, ""
    if r < 0.75 and p.given in NICKNAMES:
        return p.family, NICKNAMES[p.given], ""
    if r < 0.92:
        if rng.random() < 0.5:
            return _typo(rng, p.family), p.given, ""
        return p.family, _typo(rng, p.given), ""
    return p.family, f"{p.given[0]}.", ""


def _simplified(text: str) -> str:
    from reservoir.resolution.matching.names import to_simplified

    return str(to_simplified(text))


def _company(rng: random.Random, org: Org | None, origin: str) -> str:
    if org is None:
        return ""
    r = rng.random()
    if org.western:
        if r < 0.6:
            return org.name
        base = org.name
        for suffix in LEGAL_EN:
            base = base.removesuffix(f" {suffix}")
        return base if r < 0.85 else base.upper()
    name = org.name
    if r < 0.5:
        pass
    elif r < 0.85:
        name = name.removesuffix(LEGAL_ZH)
    return to_hant(name) if origin in ("tw", "hk") and rng.random() < 0.6 else name


def _card(rng: random.Random, mk: _Maker, n: int, p: Person, orgs: Sequence[Org]) -> Card:
    """Write one business card of `p`: variants, missing fields, changed contact points."""
    known = p.ident.startswith("b")
    family, given, full = _written_name(rng, p, known=known)
    country = {"cn": "CN", "tw": "TW", "hk": "HK"}.get(p.origin, "GB")
    phone, email = p.phone, p.email
    r = rng.random()
    if phone:
        phone = "" if r < 0.2 else (mk.phone(country) if r < 0.25 else phone)
    elif r < 0.3:
        phone = mk.phone(country)
    r = rng.random()
    if email:
        email = "" if r < 0.2 else (mk.email(f"x{n}", "mail.example.net") if r < 0.25 else email)
    elif r < 0.3:
        email = mk.email(f"card{n}", "mail.example.net")
    org = orgs[p.org] if p.org >= 0 else None
    company = _company(rng, org, p.origin) if rng.random() < 0.9 else ""
    shared = (phone and phone == p.phone) or (email and email == p.email)
    if not shared and not company:
        # Somebody must be able to tell who the card is: keep a company or an identifier.
        if org is not None:
            company = _company(rng, org, p.origin)
        elif p.email:
            email = p.email
        else:
            phone = p.phone
    city = p.city if rng.random() < 0.5 else ""
    return Card(n, p.ident, family, given, full, phone, email, company, city)


def generate(
    *, n_base: int = 10_000, n_cards: int = 4_700, seed: int = 2026, known: float = 0.5
) -> Scenario:
    """Return a scenario: n_base parties (one in ten an organization) and n_cards cards.

    About `known` of the cards are existing customers, 6% are second cards of a person
    already in the pile, the rest new people (some at the customers' companies).
    """
    rng = random.Random(seed)
    mk = _Maker(rng)
    orgs = _orgs(rng, max(1, n_base // 10))
    base = [_person(rng, mk, f"b{i}", orgs) for i in range(n_base - len(orgs))]
    people = {p.ident: p for p in base}
    cards: list[Card] = []
    new = 0
    for n in range(n_cards):
        r = rng.random()
        if cards and r < 0.06:
            person = people[rng.choice(cards).ident]
        elif r < 0.06 + known:
            person = rng.choice(base)
        else:
            person = _person(rng, mk, f"n{new}", orgs)
            people[person.ident] = person
            new += 1
        cards.append(_card(rng, mk, n, person, orgs))
    return Scenario(orgs=orgs, base=base, cards=cards, people=people)


def card_record(card: Card) -> Any:
    """Return the card as the engine's PartyRecord (key "card-<n>")."""
    from reservoir.resolution.matching.records import PartyRecord

    return PartyRecord(
        key=f"card-{card.n}",
        kind="person",
        family_name=card.family,
        given_name=card.given,
        full_name=card.full_name,
        emails=(card.email.lower(),) if card.email else (),
        phones=(card.phone,) if card.phone else (),
        company=card.company,
        city=card.city,
    )


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


def evaluate(
    scenario: Scenario,
    party_ids: dict[str, int],
    match: Callable[[Any], list[Any]],
    find_pairs: Callable[[list[Any]], Sequence[tuple[Any, Any]]],
) -> tuple[Counts, Counts, list[str]]:
    """Decide every card as an import would, and count the decisions against the truth.

    Links: each card is matched against the base (`match`, best candidate first).
    Within the file: two cards are the same person when `find_pairs` pairs them or when
    both link to the same party. Returns (links, within-file pairs, errors).
    """
    links, errors = Counts(), []
    linked: dict[int, list[str]] = defaultdict(list)
    for card in scenario.cards:
        found = match(card_record(card))
        got = found[0].party_id if found else None
        want = party_ids.get(card.ident)
        if got is not None:
            linked[got].append(f"card-{card.n}")
        if got == want:
            links.tp += got is not None
            continue
        links.fp += got is not None
        links.fn += want is not None
        why = [(e.field, e.level) for e in found[0].evidence] if found else []
        best = f"{found[0].probability:.3f}" if found else "-"
        errors.append(f"{card} → {got} (p={best} {why}), expected {want}")
    predicted = {
        frozenset((str(a), str(b)))
        for a, b in find_pairs([card_record(card) for card in scenario.cards])
    }
    predicted |= _pairs_of(linked.values())
    by_ident: dict[str, list[str]] = defaultdict(list)
    for card in scenario.cards:
        by_ident[card.ident].append(f"card-{card.n}")
    truth = _pairs_of(by_ident.values())
    within = Counts(len(predicted & truth), len(predicted - truth), len(truth - predicted))
    return links, within, errors


def _pairs_of(groups: Any) -> set[frozenset[str]]:
    return {frozenset((a, b)) for keys in groups for i, a in enumerate(keys) for b in keys[i + 1 :]}


def _insert(model: Any, fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Bulk insert `rows` for `fields`; every other column takes the model's default."""
    from django.db import connection

    from reservoir.core.bulk import db_now, insert_rows

    now = db_now()
    extra_names: list[str] = []
    extra_values: list[Any] = []
    template = model()
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name in fields or f.attname in fields:
            continue
        value = getattr(template, f.attname)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            extra_names.append(f.name)
            extra_values.append(now)
        elif value is not None or not f.null:
            extra_names.append(f.name)
            extra_values.append(f.get_db_prep_save(value, connection))
    tail = tuple(extra_values)
    return insert_rows(model, (*fields, *extra_names), [(*row, *tail) for row in rows])


def load_base(scenario: Scenario, *, first_id: int | None = None) -> dict[str, int]:
    """Write the scenario's organizations and base persons with bulk inserts.

    Persons get their phone, e-mail, an address (city) and an employee-of relationship.
    Returns {person ident: party id}. The match index is not rebuilt here.
    """
    from django.db import transaction
    from django.db.models import Max

    from reservoir.parties.models import ContactPoint, Party, PostalAddress, Relationship

    start = first_id or (Party.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    org_ids = {o.idx: start + i for i, o in enumerate(scenario.orgs)}
    ids = {p.ident: start + len(org_ids) + i for i, p in enumerate(scenario.base)}
    parties, points, addresses, jobs = [], [], [], []
    for org in scenario.orgs:
        pid = org_ids[org.idx]
        parties.append(
            (pid, "organization", org.name, "", "", "western", org.name, org.name.lower())
        )
        addresses.append((pid, _country(org), org.city, True))
    for p in scenario.base:
        pid = ids[p.ident]
        eastern = p.origin != "west"
        display = f"{p.family}{p.given}" if eastern else f"{p.given} {p.family}"
        order = "eastern" if eastern else "western"
        parties.append((pid, "person", display, p.family, p.given, order, "", display.lower()))
        if p.phone:
            points.append((pid, "phone", p.phone, p.phone, True))
        if p.email:
            points.append((pid, "email", p.email, p.email, True))
        addresses.append((pid, _country_of(p), p.city, True))
        if p.org >= 0:
            jobs.append((pid, org_ids[p.org], "employee_of"))
    with transaction.atomic():
        _insert(
            Party,
            (
                "id",
                "kind",
                "display_name",
                "family_name",
                "given_name",
                "name_order",
                "legal_name",
                "search_text",
            ),
            parties,
        )
        _insert(ContactPoint, ("party", "kind", "value", "raw", "is_primary"), points)
        _insert(PostalAddress, ("party", "country", "city", "is_primary"), addresses)
        _insert(Relationship, ("from_party", "to_party", "kind"), jobs)
    _reset_sequence(Party)
    return ids


def _country(org: Org) -> str:
    return "US" if org.western else "CN"


def _country_of(p: Person) -> str:
    return {"cn": "CN", "tw": "TW", "hk": "HK"}.get(p.origin, "US")


def _reset_sequence(model: Any) -> None:
    """After inserting explicit ids on PostgreSQL, move the id sequence past them."""
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)
