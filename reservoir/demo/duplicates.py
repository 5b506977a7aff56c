"""Planted duplicates: customers who reached the company a second time as someone "new".

A real base holds such records — the web shop's lead form, a trade-show card, a call from
another number — so the demo carries some for the duplicates queue and the merge page to
show. Each copy shares no phone or e-mail with its original (otherwise the exact match at
ingestion would have caught it); it is recognizable by its name written another way
(traditional characters, pinyin, a typo, a nickname) and, for some, its birth date and
street address. The copies that carry everything are certain matches, which the running
system merges on its own; the others wait in the duplicates queue for a person to decide.
"""

from __future__ import annotations

import random
from dataclasses import replace

from reservoir.demo import names
from reservoir.demo.dataset import ContactRow, PartyRow
from reservoir.demo.hant import to_hant
from reservoir.parties.services import compose_display_name

SHARE = 0.02  # of consumers, at any scale
SOURCES = ("Website 官网商城", "AWE 家电博览会", "Hotline 400 热线", "Douyin 抖音直播")
NICKNAMES = {"William": "Bill", "Robert": "Bob", "Elizabeth": "Liz", "Katherine": "Kate",
             "Michael": "Mike", "Jennifer": "Jenny", "Thomas": "Tom", "Margaret": "Maggie",
             "James": "Jim", "Richard": "Rick", "Daniel": "Dan", "Susan": "Sue"}  # fmt: skip


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _renamed(rng: random.Random, original: PartyRow) -> tuple[str, str, str]:
    """Return (family, given, order): the original's name as the second record spells it."""
    family, given = original.family_name, original.given_name
    if original.name_order == "western":
        if given in NICKNAMES and rng.random() < 0.6:
            return family, NICKNAMES[given], "western"
        return family, _typo(rng, given), "western"
    romanized_family = names.pinyin(family).capitalize()
    romanized_given = names.pinyin(given).capitalize()
    if rng.random() < 0.5 and romanized_family and romanized_given:
        return romanized_family, romanized_given, "western"
    return to_hant(family), to_hant(given), "eastern"


def plant_duplicates(rng: random.Random, parties: list[PartyRow]) -> list[PartyRow]:
    """Append second records of about 2% of the consumers to `parties`; return them."""
    consumers = [p for p in parties if p.segment == "consumer" and p.given_name]
    picked = rng.sample(consumers, max(1, round(len(consumers) * SHARE)))
    planted = []
    for original in sorted(picked, key=lambda p: p.key):
        family, given, order = _renamed(rng, original)
        local = names.pinyin(original.family_name + original.given_name) or "member"
        if order == "western" and original.name_order == "western":
            local = f"{given}.{family}".lower()
        email = f"{local}.{rng.randint(100, 999)}@newmail.example.com"
        certain = rng.random() < 0.4
        addresses = [
            (
                addr if certain else replace(addr, street="", district="", postal_code=""),
                label,
                primary,
            )
            for addr, label, primary in original.addresses[:1]
        ]
        copy = replace(
            original,
            key=len(parties),
            display_name=compose_display_name(family, given, order),
            segment="lead",
            family_name=family,
            given_name=given,
            name_order=order,
            source=rng.choice(SOURCES),
            roles=["prospect"],
            role_since=None,
            contacts=[ContactRow("email", email, email, "", is_primary=True)],
            addresses=addresses,
            birth_date=original.birth_date if certain or rng.random() < 0.5 else None,
            profile=None,
            traits=[],
            employer=None,
            last_interaction_at=None,
            owner=original.owner if rng.random() < 0.3 else None,
        )
        parties.append(copy)
        planted.append(copy)
    return planted
