"""Who owns each party an import creates: the importer, a chosen user, the members of a
team in turn (round robin), or the owner of the row's territory (city rule, then region
rule, else the job's fallback user)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from reservoir.core.errors import InvalidInput
from reservoir.iam.models import User
from reservoir.resolution.importing.rows import ImportRow
from reservoir.resolution.models import ImportJob, OwnerMode, TerritoryRule

_SUFFIXES = ("省", "市", "自治区", "自治區", "特别行政区", "特別行政區", "区", "區", "县", "縣")


def place_key(text: str) -> str:
    """Fold a place name for comparison: case, spaces and 省/市 suffixes (广东省 = 广东)."""
    value = "".join(text.split()).casefold()
    for suffix in _SUFFIXES:
        if value.endswith(suffix) and len(value) > len(suffix) + 1:
            return value[: -len(suffix)]
    return value


@dataclass
class OwnerPicker:
    """Assigns an owner id to each new row of one job; `cursor` persists the round robin."""

    mode: str
    fallback: int | None
    members: Sequence[int] = ()
    cities: dict[str, int] | None = None
    regions: dict[str, int] | None = None
    cursor: int = 0

    def pick(self, row: ImportRow) -> int | None:
        if self.mode == OwnerMode.ROUND_ROBIN and self.members:
            owner = self.members[self.cursor % len(self.members)]
            self.cursor += 1
            return owner
        if self.mode == OwnerMode.TERRITORY and row.address:
            _street, _district, city, region, _code, _country = row.address
            found = (self.cities or {}).get(place_key(city)) if city else None
            if found is None and region:
                found = (self.regions or {}).get(place_key(region))
            if found is not None:
                return found
        return self.fallback


def picker_for(job: ImportJob) -> OwnerPicker:
    """Build the job's owner picker (one query for team members or territory rules)."""
    fallback = job.owner_user_id or job.created_by_id
    if job.owner_mode == OwnerMode.ME:
        return OwnerPicker(job.owner_mode, job.created_by_id)
    if job.owner_mode == OwnerMode.USER:
        return OwnerPicker(job.owner_mode, fallback)
    if job.owner_mode == OwnerMode.ROUND_ROBIN:
        members = list(
            User.objects.filter(team=job.owner_team, is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        return OwnerPicker(job.owner_mode, fallback, members, cursor=job.round_robin_cursor)
    cities: dict[str, int] = {}
    regions: dict[str, int] = {}
    for rule in TerritoryRule.objects.filter(owner__is_active=True).order_by("position", "pk"):
        if rule.city:
            cities.setdefault(place_key(rule.city), rule.owner_id)
        elif rule.region:
            regions.setdefault(place_key(rule.region), rule.owner_id)
    return OwnerPicker(job.owner_mode, fallback, cities=cities, regions=regions)


def parse_rules(text: str) -> list[tuple[str, str, str]]:
    """Parse territory rules typed one per line: "广东 = sales", "广东/深圳 = sales2".

    Returns (region, city, username) triples; raises InvalidInput naming the bad line.
    """
    rules: list[tuple[str, str, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        place, sep, username = (part.strip() for part in line.replace("→", "=").partition("="))
        region, _slash, city = (part.strip() for part in place.partition("/"))
        if not sep or not username or not (region or city):
            raise InvalidInput(
                _("Line %(n)s: write “province = username” or “province/city = username”.")
                % {"n": number},
                field="territory_rules",
            )
        rules.append((region, city, username))
    return rules


def format_rules() -> str:
    """The saved territory rules in the text form `parse_rules` reads."""
    lines = []
    for rule in TerritoryRule.objects.select_related("owner").order_by("position", "pk"):
        place = f"{rule.region}/{rule.city}" if rule.city else rule.region
        lines.append(f"{place} = {rule.owner.username}")
    return "\n".join(lines)
