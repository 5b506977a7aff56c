"""Demo parties: organizations (distributors, partners, suppliers, business customers,
prospects) and persons (consumers, leads, contacts at organizations), with contact points,
addresses, relationships and profiles."""

from __future__ import annotations

import datetime as dt
import random

from reservoir.demo import names, places, profiles
from reservoir.demo.contacts import ContactMaker
from reservoir.demo.dataset import ContactRow, PartyRow, RelationshipRow
from reservoir.demo.hant import to_hant
from reservoir.demo.places import Address
from reservoir.demo.staff import EAST, KEY_ACCOUNTS, NORTH, SALES_BY_REGION
from reservoir.parties.services import compose_display_name

ORG_MIX = (("distributor", 0.10), ("partner", 0.07), ("supplier", 0.05), ("prospect_org", 0.18))
ORG_ROLES = {
    "distributor": ["distributor"],
    "partner": ["partner"],
    "supplier": ["supplier"],
    "business": ["customer"],
    "prospect_org": ["prospect"],
}
ORG_TRADE = {"prospect_org": "customer", "business": "customer"}
TEAM_FOR_REGION = {"east": EAST, "north": NORTH}
CONSUMER_SOURCES = (
    "Tmall 天猫旗舰店", "JD 京东自营", "Website 官网商城", "Store 门店", "Douyin 抖音直播",
    "WeChat Mini Program 微信小程序", "Referral 转介绍",
)  # fmt: skip
BUSINESS_SOURCES = ("AWE 家电博览会", "Canton Fair 广交会", "Referral 转介绍", "Website 官网",
                    "Tender 招标", "Hotline 400 热线")  # fmt: skip
TZ_BY_CITY = {"San Francisco": "America/Los_Angeles", "Seattle": "America/Los_Angeles",
              "New York": "America/New_York", "Boston": "America/New_York",
              "Toronto": "America/Toronto", "Vancouver": "America/Vancouver"}  # fmt: skip
HOUSEHOLD_TITLES = ("配偶 Spouse", "父母 Parent", "子女 Child")


class Population:
    """Builds the parties; one instance per generation run."""

    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today
        self.parties: list[PartyRow] = []
        self.relationships: list[RelationshipRow] = []
        self._org_names: set[str] = set()
        self.contacts = ContactMaker(rng)
        self._slugs: set[str] = set()

    # -- helpers ---------------------------------------------------------------------------

    def _locale(self, *, intl_share: float = 0.10) -> str:
        r = self.rng.random()
        if r < 0.05:
            return "hk"
        if r < 0.10:
            return "tw"
        if r < 0.10 + intl_share:
            return "intl"
        return places.pick_mainland_region(self.rng)

    def _address(self, region: str, *, office: bool = False) -> Address:
        if region == "hk":
            return places.hong_kong_address(self.rng)
        if region == "tw":
            return places.taiwan_address(self.rng)
        if region == "intl":
            return places.western_address(self.rng, office=office)
        return places.mainland_address(self.rng, region, office=office)

    def _owner(
        self, region: str, *, owned: float, team_only: float
    ) -> tuple[str | None, str | None]:
        """Pick an owner (and the owner's team) for a party in `region`."""
        team = TEAM_FOR_REGION.get(region)
        if team is None:
            return None, None
        r = self.rng.random()
        if r < owned:
            return self.rng.choice(SALES_BY_REGION[region]), team
        if r < owned + team_only:
            return None, team
        return None, None

    def _key_account(self, region: str) -> tuple[str, str]:
        reps = SALES_BY_REGION["key"]
        return (reps[1] if region == "intl" else reps[0]), KEY_ACCOUNTS

    def _since(self, years: float) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(30, int(365 * years)))

    # -- organizations ---------------------------------------------------------------------

    def add_organization(self, segment: str) -> PartyRow:
        """Create one organization of `segment` with contacts, address and profile."""
        rng = self.rng
        region = self._locale(intl_share=0.0 if segment == "distributor" else 0.08)
        address = self._address(region, office=True)
        trade_zh, trade_en, industry = rng.choice(
            names.COMPANY_TRADES[ORG_TRADE.get(segment, segment)]
        )
        for _attempt in range(50):
            brand, brand_py = rng.choice(names.COMPANY_BRANDS)
            if region == "intl":
                word = rng.choice(names.ENGLISH_COMPANY_WORDS)
                name = f"{word} {trade_en} {rng.choice(('Ltd.', 'Inc.', 'LLC'))}"
                slug = word.lower()
            elif region == "hk":
                name, slug = to_hant(f"香港{brand}{trade_zh}有限公司", region="hk"), f"{brand_py}hk"
            elif region == "tw":
                name, slug = to_hant(f"{brand}{trade_zh}股份有限公司"), f"{brand_py}tw"
            else:
                city = address.city.removesuffix("市")
                name = f"{city}{brand}{trade_zh}有限公司"
                slug = f"{places.CITY_INFO.get(address.city, ('', 'cn'))[1]}{brand_py}"
            if name not in self._org_names:
                break
        else:
            name = f"{name} ({len(self.parties)})"
        self._org_names.add(name)
        while slug in self._slugs:
            slug += str(rng.randint(2, 9))
        self._slugs.add(slug)
        language = {"intl": "en", "hk": "zh-hant", "tw": "zh-hant"}.get(region, "zh-hans")
        domain = f"{slug}.example.com"
        party = PartyRow(
            key=len(self.parties),
            kind="organization",
            display_name=name,
            legal_name=name,
            segment=segment,
            region=region,
            tz=TZ_BY_CITY.get(
                address.city, "Europe/London" if address.country == "GB" else "Asia/Shanghai"
            ),
            industry=industry,
            website=f"https://www.{domain}",
            language=language,
            source=rng.choice(BUSINESS_SOURCES),
            roles=list(ORG_ROLES[segment]),
        )
        if segment == "distributor" and rng.random() < 0.5:
            party.roles.append("customer")
        switchboard = places.landline(rng, address)
        party.contacts.append(ContactRow("phone", switchboard, switchboard, "switchboard", True))
        if segment in {"distributor", "supplier"} or rng.random() < 0.3:
            fax = places.landline(rng, address)
            if fax != switchboard:
                party.contacts.append(ContactRow("phone", fax, fax, "fax"))
        mailbox = {"distributor": "orders", "supplier": "sales", "partner": "service"}.get(
            segment, "info"
        )
        party.contacts.append(
            ContactRow(
                "email",
                self.contacts.unique_email(mailbox, domain),
                f"{mailbox}@{domain}",
                "",
                True,
            )
        )
        party.addresses.append((address, "办公 Office", True))
        if segment == "distributor":
            party.owner, party.team = self._key_account(region)
        elif segment == "partner":
            party.owner, party.team = (
                self._key_account(region) if rng.random() < 0.6 else (None, None)
            )
        elif segment == "business":
            if region in TEAM_FOR_REGION:
                party.owner, party.team = self._owner(region, owned=0.8, team_only=0.1)
            elif rng.random() < 0.4:
                party.owner, party.team = self._key_account(region)
        elif segment == "prospect_org":
            party.owner, party.team = self._owner(region, owned=0.6, team_only=0.2)
        if rng.random() < 0.5:
            party.profile = profiles.organization_profile(rng, segment=segment, language=language)
        self.parties.append(party)
        return party

    # -- persons ---------------------------------------------------------------------------

    def _person(self, segment: str, region: str) -> PartyRow:
        rng = self.rng
        gender = names.gender_for(rng)
        if region == "intl" and rng.random() > 0.15:
            family, given = names.english_name(rng, gender)
            order, language = "western", "en"
        elif region in {"hk", "tw"}:
            family, given = names.traditional_name(rng)
            order, language = "eastern", "zh-hant"
        else:
            family, given = names.chinese_name(rng, gender)
            order, language = "eastern", "en" if region == "intl" else "zh-hans"
        age = min(78, max(18, int(rng.gauss(36, 11))))
        birth = self.today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
        return PartyRow(
            key=len(self.parties),
            kind="person",
            display_name=compose_display_name(family, given, order),
            segment=segment,
            region=region,
            family_name=family,
            given_name=given,
            name_order=order,
            gender=gender,
            birth_date=birth if rng.random() < 0.7 else None,
            language=language,
        )

    def add_consumer(self, segment: str = "consumer") -> PartyRow:
        """Create a consumer (or a lead when `segment` is "lead")."""
        rng = self.rng
        region = self._locale()
        party = self._person(segment, region)
        address = self._address(region)
        party.tz = TZ_BY_CITY.get(
            address.city, "Europe/London" if address.country == "GB" else "Asia/Shanghai"
        )
        party.source = rng.choice(CONSUMER_SOURCES)
        party.roles = ["customer"] if segment == "consumer" else ["prospect"]
        self.contacts.personal_contacts(
            party, address.country, reach=0.9 if region == "intl" else 0.65
        )
        if segment == "consumer" or rng.random() < 0.3:
            party.addresses.append((address, "家 Home", True))
        if region in {"hk", "tw", "intl"} and rng.random() < 0.5:
            party.team = KEY_ACCOUNTS  # overseas shoppers go to the team's shared pool
        elif segment == "consumer":
            party.owner, party.team = self._owner(region, owned=0.6, team_only=0.3)
        else:
            party.owner, party.team = self._owner(region, owned=0.4, team_only=0.4)
        if rng.random() < (0.65 if segment == "consumer" else 0.35):
            party.profile = profiles.person_profile(
                rng,
                birth=party.birth_date,
                language=party.language,
                region=region,
                today=self.today,
            )
        self.parties.append(party)
        return party

    def add_contact(self, org: PartyRow, *, first: bool) -> PartyRow:
        """Create a person working at `org` and relate them (employee_of, with a title)."""
        rng = self.rng
        party = self._person("contact", org.region)
        party.tz = org.tz
        party.source = org.source
        party.roles = [r for r in org.roles if r != "customer"][:1] or ["customer"]
        party.owner, party.team = org.owner, org.team
        party.employer = org.key
        country = org.addresses[0][0].country
        self.contacts.personal_contacts(party, country, reach=0.0)
        domain = org.website.removeprefix("https://www.")
        party.contacts.append(
            self.contacts.email_contact(self.contacts.local_part(party, work=True), domain, "work")
        )
        party.contacts[-1].is_primary = True
        party.addresses.append((org.addresses[0][0], "办公 Office", True))
        zh, en = names.JOB_TITLES[(0 if first else rng.randint(1, len(names.JOB_TITLES) - 1))]
        title = en if org.language == "en" else to_hant(zh) if org.language == "zh-hant" else zh
        self.relationships.append(
            RelationshipRow(party.key, org.key, "employee_of", title, self._since(8))
        )
        if rng.random() < 0.4:
            party.profile = profiles.person_profile(
                rng,
                birth=party.birth_date,
                language=party.language,
                region=org.region,
                today=self.today,
            )
        self.parties.append(party)
        return party

    def add_households(self, consumers: list[PartyRow], share: float) -> None:
        """Pair some consumers into households (the second moves in at the first's address)."""
        rng = self.rng
        pool = [c for c in consumers if c.region not in {"intl"} and c.addresses]
        rng.shuffle(pool)
        pairs = int(len(pool) * share / 2)
        for first, second in zip(pool[:pairs], pool[pairs : 2 * pairs], strict=True):
            second.addresses = [(first.addresses[0][0], "家 Home", True)]
            second.region, second.tz = first.region, first.tz
            self.relationships.append(
                RelationshipRow(
                    second.key,
                    first.key,
                    "household_member",
                    rng.choice(HOUSEHOLD_TITLES),
                    self._since(15),
                )
            )

    def link_organizations(self) -> None:
        """Relate distributors to the business customers they serve and partners to both."""
        rng = self.rng
        distributors = [p for p in self.parties if p.segment == "distributor"]
        businesses = [p for p in self.parties if p.segment == "business"]
        partners = [p for p in self.parties if p.segment == "partner"]
        for business in businesses:
            local = [d for d in distributors if d.region == business.region] or distributors
            if local and rng.random() < 0.35:
                dealer = rng.choice(local)
                self.relationships.append(
                    RelationshipRow(
                        dealer.key,
                        business.key,
                        "distributor_for",
                        "授权经销 Authorized dealer",
                        self._since(5),
                    )
                )
        for partner in partners:
            for target in rng.sample(
                distributors + businesses, min(2, len(distributors + businesses))
            ):
                self.relationships.append(
                    RelationshipRow(
                        partner.key,
                        target.key,
                        "partner_of",
                        "服务合作 Service partner",
                        self._since(4),
                    )
                )


def build_population(
    rng: random.Random, scale: float, today: dt.date
) -> tuple[list[PartyRow], list[RelationshipRow]]:
    """Return the demo parties and their relationships (2,000 persons, 300 orgs at scale 1)."""
    n_orgs = max(len(ORG_MIX) + 2, round(300 * scale))
    n_persons = max(30, round(2000 * scale))
    pop = Population(rng, today)
    counts = {segment: max(1, round(n_orgs * share)) for segment, share in ORG_MIX}
    counts["business"] = max(1, n_orgs - sum(counts.values()))
    orgs = [pop.add_organization(seg) for seg, n in counts.items() for _i in range(n)]
    # About one named contact per organization, two at distributors and big customers.
    contacts = 0
    contact_budget = round(n_persons * 0.18)
    for org in orgs:
        wanted = 2 if org.segment in {"distributor", "business"} and rng.random() < 0.4 else 1
        for index in range(wanted):
            if contacts < contact_budget:
                pop.add_contact(org, first=index == 0)
                contacts += 1
    n_leads = round(n_persons * 0.12)
    consumers = [pop.add_consumer() for _i in range(n_persons - contacts - n_leads)]
    for _i in range(n_leads):
        pop.add_consumer("lead")
    pop.add_households(consumers, share=0.12)
    pop.link_organizations()
    return pop.parties, pop.relationships
