"""Parties (persons and organizations), their contact points, addresses, relationships,
profile and traits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reservoir.core.models import TimeStampedModel
from reservoir.parties.enums import (
    AddressFormat,
    ContactKind,
    PartyKind,
    PartyRoleKind,
    PartyStatus,
    RelationshipKind,
    TraitSource,
)


class Party(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=16, choices=PartyKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=PartyStatus.choices, default=PartyStatus.ACTIVE
    )
    display_name = models.CharField(_("name"), max_length=200, db_index=True)
    # Persons: family name first for Chinese names, given name first for Western ones.
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    name_order = models.CharField(max_length=8, default="western")  # "eastern" | "western"
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=16, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team = models.ForeignKey(
        "iam.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_parties",
    )
    search_text = models.TextField(blank=True)
    # Moved on every recorded contact, so deliberately not indexed: on PostgreSQL an indexed
    # column makes each move a non-HOT update that writes all ten party indexes (~50 µs a
    # row against ~7), and that index could not serve the list's DESC NULLS LAST order
    # anyway; on SQLite it cost a random page write per contact. Lists sort the visible
    # parties instead (about 30 ms at 100,000 parties). The table keeps free room on each
    # PostgreSQL page (fillfactor, migration 0003) so these updates stay HOT.
    last_interaction_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        indexes = [
            models.Index(fields=["kind", "display_name"]),
            models.Index(fields=["team", "owner"]),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_person(self) -> bool:
        return self.kind == PartyKind.PERSON


class PartyRole(models.Model):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=16, choices=PartyRoleKind.choices)
    since = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["party", "role"], name="parties_role_unique")
        ]
        indexes = [models.Index(fields=["role", "party"])]


class ContactPoint(TimeStampedModel):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="contact_points")
    kind = models.CharField(_("kind"), max_length=16, choices=ContactKind.choices)
    value = models.CharField(_("value"), max_length=255)  # normalized (E.164, lower-case email)
    raw = models.CharField(_("as entered"), max_length=255, blank=True)
    label = models.CharField(_("label"), max_length=50, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    verified = models.BooleanField(_("verified"), default=False)

    class Meta:
        indexes = [models.Index(fields=["kind", "value"])]
        constraints = [
            models.UniqueConstraint(fields=["party", "kind", "value"], name="parties_cp_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class PostalAddress(TimeStampedModel):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(_("label"), max_length=50, blank=True)
    format = models.CharField(
        _("format"), max_length=8, choices=AddressFormat.choices, default=AddressFormat.WESTERN
    )
    country = models.CharField(_("country"), max_length=2, default="CN")
    region = models.CharField(_("province / state"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    street = models.CharField(_("street"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    def __str__(self) -> str:
        return self.one_line()

    def one_line(self) -> str:
        """The address as one line, in the order its format writes it."""
        if self.format == AddressFormat.CHINESE:
            return "".join(p for p in (self.region, self.city, self.district, self.street) if p)
        parts = (self.street, self.district, self.city, self.region, self.postal_code, self.country)
        return ", ".join(p for p in parts if p)


class Relationship(TimeStampedModel):
    from_party = models.ForeignKey(
        Party, on_delete=models.CASCADE, related_name="relationships_out"
    )
    to_party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="relationships_in")
    kind = models.CharField(_("kind"), max_length=20, choices=RelationshipKind.choices)
    title = models.CharField(_("title"), max_length=100, blank=True)
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_party", "to_party", "kind"], name="parties_rel_unique"
            )
        ]


class Profile(TimeStampedModel):
    """What we know of the customer (客户轮廓), accumulated at every contact."""

    party = models.OneToOneField(Party, on_delete=models.CASCADE, related_name="profile")
    demographics = models.JSONField(default=dict, blank=True)  # occupation, income band, ...
    psychographics = models.JSONField(default=dict, blank=True)  # interests, lifestyle, values
    needs = models.JSONField(default=list, blank=True)
    preferences = models.JSONField(default=dict, blank=True)  # channel, contact time, language


class Trait(models.Model):
    """The current value of one fact about a party; history in TraitHistory."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="traits")
    key = models.CharField(_("key"), max_length=100)
    value = models.JSONField(_("value"))
    source = models.CharField(_("source"), max_length=16, choices=TraitSource.choices)
    model_version = models.CharField(max_length=50, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["party", "key"], name="parties_trait_unique")
        ]
        indexes = [models.Index(fields=["key"])]


class TraitHistory(models.Model):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    value = models.JSONField()
    source = models.CharField(max_length=16, choices=TraitSource.choices)
    model_version = models.CharField(max_length=50, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["party", "key", "-computed_at"])]
