"""Contact points for demo parties: mobile numbers, e-mail addresses and messaging ids.

Every value is stored normalized (E.164 phones, lower-case e-mail) with the raw form a person
would have typed. E-mail domains sit under example.com, so the demo can never mail anyone.
"""

from __future__ import annotations

import random

from reservoir.demo import names, places
from reservoir.demo.dataset import ContactRow, PartyRow

EMAIL_PROVIDERS = ("qq", "163", "126", "gmail", "outlook", "sina")


class ContactMaker:
    """Makes contact points; remembers e-mail addresses so that none is given out twice."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.emails: set[str] = set()

    def unique_email(self, local: str, domain: str) -> str:
        """Return local@domain, numbered when that address is taken."""
        email = f"{local}@{domain}"
        while email in self.emails:
            email = f"{local}{self.rng.randint(1, 999)}@{domain}"
        self.emails.add(email)
        return email

    def phone_contact(self, country: str, label: str = "mobile") -> ContactRow:
        """Return a mobile number in `country`, raw as people type it."""
        value = places.phone_number(self.rng, country)
        raw = value
        if country == "CN" and self.rng.random() < 0.7:
            # People type mainland numbers without the country code, often with spaces.
            local = value[3:]
            raw = local if self.rng.random() < 0.5 else f"{local[:3]} {local[3:7]} {local[7:]}"
        return ContactRow("phone", value, raw, label, verified=self.rng.random() < 0.6)

    def email_contact(self, local: str, domain: str, label: str = "") -> ContactRow:
        """Return an e-mail contact point (normalized lower-case, raw sometimes capitalized)."""
        value = self.unique_email(local.lower(), domain)
        raw = value if self.rng.random() < 0.8 else value.capitalize()
        return ContactRow("email", value, raw, label, verified=self.rng.random() < 0.5)

    def local_part(self, party: PartyRow, *, work: bool = False) -> str:
        """Return an e-mail local part a person like `party` would pick (or be given at work)."""
        rng = self.rng
        if party.name_order == "western":
            return f"{party.given_name}.{party.family_name}".lower()
        if party.region in {"hk", "tw"}:
            # One English name per person, whichever of their ids is being made.
            english = names.HK_ENGLISH_GIVEN[party.key % len(names.HK_ENGLISH_GIVEN)].lower()
            table = (
                names.HK_ROMANIZED_SURNAME if party.region == "hk" else names.TW_ROMANIZED_SURNAME
            )
            return f"{english}.{table[party.family_name].lower()}"
        spelled = names.pinyin(party.family_name + party.given_name) or "user"
        if work:
            return f"{names.pinyin(party.given_name)}.{names.pinyin(party.family_name)}".strip(".")
        if rng.random() < 0.15:
            return str(rng.randint(10_000_000, 2_999_999_999))  # a QQ number
        year = party.birth_date.year if party.birth_date else rng.randint(1970, 2004)
        return (
            f"{spelled}{year % 100:02d}"
            if rng.random() < 0.5
            else f"{spelled}{rng.randint(1, 999)}"
        )

    def personal_contacts(self, party: PartyRow, country: str, *, reach: float) -> None:
        """Give `party` a mobile, an e-mail address (with probability `reach`), a chat id."""
        rng = self.rng
        phone = self.phone_contact(country)
        phone.is_primary = True
        party.contacts.append(phone)
        if rng.random() < 0.05:
            party.contacts.append(self.phone_contact(country, "work"))
        if rng.random() < reach:
            provider = "gmail" if party.region == "intl" else rng.choice(EMAIL_PROVIDERS)
            email = self.email_contact(self.local_part(party), f"{provider}.example.com")
            email.is_primary = True
            party.contacts.append(email)
        extra = {"hk": ("whatsapp", 0.6), "tw": ("line", 0.6), "intl": ("whatsapp", 0.3)}
        kind, share = extra.get(party.region, ("wechat", 0.6))
        if rng.random() < share:
            if kind == "whatsapp":
                value = phone.value
            elif kind == "line":
                value = f"{self.local_part(party).replace('.', '_')}{rng.randint(1, 99)}"
            elif rng.random() < 0.5:
                value = "wxid_" + "".join(rng.choices("abcdefghijkmnpqrstuvwxyz0123456789", k=14))
            else:
                value = f"{names.pinyin(party.family_name + party.given_name) or 'wx'}_{rng.randint(1, 9999)}"
            party.contacts.append(
                ContactRow(kind, value.lower() if kind != "wechat" else value, value, "", True)
            )
