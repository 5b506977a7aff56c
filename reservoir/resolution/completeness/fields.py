"""The catalogue of fields a completeness score weighs, and how SQL tells each one is filled.

Each field has one test: a condition on the party's columns, or "a qualifying related row
exists" (rows + the foreign key to the party). From that one definition come both SQL forms
the app needs — a scan of the related table for scoring thousands of parties at once, and
an EXISTS per row for filtering a page of "parties missing this field" — so the score, the
gap report and the lists cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.db.models.expressions import BaseExpression as Expression
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from reservoir.parties.enums import ContactKind, PartyStatus, RelationshipKind
from reservoir.parties.models import ContactPoint, Party, PostalAddress, Profile, Relationship
from reservoir.resolution.models.completeness import AppliesTo

MESSAGING_KINDS = (
    ContactKind.WECHAT,
    ContactKind.WHATSAPP,
    ContactKind.LINE,
    ContactKind.QQ,
    ContactKind.TELEGRAM,
)


class ColumnTest:
    """A test on the party's own columns: cheap enough to evaluate inside the party query."""

    holders = None

    def __init__(self, q: Callable[[], Q]) -> None:
        self._q = q

    def condition(self) -> Q:
        return self._q()

    def expression(self) -> Expression:
        return ExpressionWrapper(self._q(), output_field=BooleanField())


class RelatedTest:
    """A test that a related row exists: `rows()` are the qualifying rows, `party_field`
    the foreign key that points at the party."""

    def __init__(self, rows: Callable[[], QuerySet[Any]], party_field: str) -> None:
        self._rows = rows
        self._party_field = party_field

    def expression(self) -> Exists:
        """An EXISTS per party row (for filtering one page of parties)."""
        return Exists(self._rows().filter(**{self._party_field: OuterRef("pk")}))

    def condition(self) -> Exists:
        return self.expression()

    def holders(self, parties: QuerySet[Party]) -> QuerySet[Any]:
        """The ids of the parties in `parties` that have a qualifying row, in one scan (for
        scoring thousands of parties: an EXISTS per party costs ten times more)."""
        ids = parties.order_by().values("pk")
        return (
            self._rows()
            .filter(**{f"{self._party_field}__in": ids})
            .order_by()
            .values_list(self._party_field, flat=True)
            .distinct()
        )


def _filled(column: str) -> ColumnTest:
    return ColumnTest(lambda: ~Q(**{column: ""}))


def _contact(*kinds: str) -> RelatedTest:
    return RelatedTest(lambda: ContactPoint.objects.filter(kind__in=kinds), "party")


def _profile_section(section: str) -> RelatedTest:
    return RelatedTest(lambda: Profile.objects.exclude(**{section: {}}), "party")


_name = ColumnTest(lambda: ~Q(family_name="") & ~Q(given_name=""))
_birth_date = ColumnTest(lambda: Q(birth_date__isnull=False))
_address = RelatedTest(PostalAddress.objects.all, "party")
_employer = RelatedTest(
    lambda: Relationship.objects.filter(kind=RelationshipKind.EMPLOYEE_OF), "from_party"
)
_contact_person = RelatedTest(
    lambda: Relationship.objects.filter(kind=RelationshipKind.EMPLOYEE_OF).exclude(
        from_party__status=PartyStatus.MERGED
    ),
    "to_party",
)


@dataclass(frozen=True)
class FieldSpec:
    """One scored field: which kinds it may apply to, its defaults, its test."""

    key: str
    label: Promise
    help: Promise
    allowed: tuple[str, ...]  # AppliesTo values an administrator may choose
    default_applies: str
    default_weight: int
    test: ColumnTest | RelatedTest

    @property
    def alias(self) -> str:
        """The annotation name of the field's presence flag."""
        return f"has_{self.key}"

    @property
    def bit(self) -> int:
        """The field's bit in a presence mask (its position in the catalogue)."""
        return 1 << FIELD_INDEX[self.key]


PER, ORG, BOTH = AppliesTo.PERSON, AppliesTo.ORGANIZATION, AppliesTo.BOTH

# Order: what a person fills first, then organizations; the settings page shows this order.
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", _("Family and given name"), _("both name parts, not only a display name"),
              (PER,), PER, 10, _name),
    FieldSpec("legal_name", _("Legal name"), _("the registered company name"),
              (ORG,), ORG, 12, _filled("legal_name")),
    FieldSpec("email", _("Email"), _("at least one email address"),
              (PER, ORG, BOTH), BOTH, 15, _contact(ContactKind.EMAIL)),
    FieldSpec("phone", _("Phone"), _("a mobile for persons, a switchboard for organizations"),
              (PER, ORG, BOTH), BOTH, 15, _contact(ContactKind.PHONE)),
    FieldSpec("messaging", _("Chat id"), _("WeChat, WhatsApp, LINE, QQ or Telegram"),
              (PER, ORG, BOTH), PER, 8, _contact(*MESSAGING_KINDS)),
    FieldSpec("address", _("Postal address"), _("at least one postal address"),
              (PER, ORG, BOTH), BOTH, 12, _address),
    FieldSpec("birth_date", _("Birth date"), _("for age bands and birthday greetings"),
              (PER,), PER, 8, _birth_date),
    FieldSpec("gender", _("Gender"), _("as the customer gave it"),
              (PER,), PER, 4, _filled("gender")),
    FieldSpec("employer", _("Employer"), _("works for an organization in Reservoir"),
              (PER,), PER, 6, _employer),
    FieldSpec("language", _("Preferred language"), _("the language to write in"),
              (PER, ORG, BOTH), BOTH, 4, _filled("language")),
    FieldSpec("demographics", _("Profile: demographics"),
              _("occupation and income band; staff size and revenue for organizations"),
              (PER, ORG, BOTH), BOTH, 6, _profile_section("demographics")),
    FieldSpec("preferences", _("Profile: preferences"), _("channel and contact time"),
              (PER, ORG, BOTH), PER, 6, _profile_section("preferences")),
    FieldSpec("industry", _("Industry"), _("for segmenting business customers"),
              (ORG,), ORG, 8, _filled("industry")),
    FieldSpec("website", _("Website"), _("the organization's own site"),
              (ORG,), ORG, 8, _filled("website")),
    FieldSpec("contact_person", _("Contact person"), _("at least one person who works there"),
              (ORG,), ORG, 15, _contact_person),
)  # fmt: skip

BY_KEY: dict[str, FieldSpec] = {f.key: f for f in FIELDS}
FIELD_INDEX: dict[str, int] = {f.key: i for i, f in enumerate(FIELDS)}


def applies(applies_to: str, kind: str) -> bool:
    """True when a field set to `applies_to` counts for a party of `kind`."""
    return applies_to in (AppliesTo.BOTH, kind)


def only_missing(qs: QuerySet[Party], key: str) -> QuerySet[Party]:
    """Narrow `qs` to the parties whose field `key` is empty (raises KeyError when unknown)."""
    spec = BY_KEY[key]
    return qs.alias(**{spec.alias: spec.test.expression()}).filter(**{spec.alias: False})
