"""Contact rules: decision tables, their versions (draft → published → retired), input
columns, rows with cells and outputs, and the log of every decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reservoir.decisions.enums import HitPolicy, OfferKind, Suppress, VersionStatus


class DecisionTable(models.Model):
    key = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("evaluation order"), default=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "key"]
        verbose_name = _("decision table")

    def __str__(self) -> str:
        return self.name


class TableVersion(models.Model):
    table = models.ForeignKey(DecisionTable, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    hit_policy = models.CharField(
        _("hit policy"), max_length=16, choices=HitPolicy.choices, default=HitPolicy.FIRST
    )
    effective_from = models.DateTimeField(_("effective from"), null=True, blank=True)
    effective_to = models.DateTimeField(_("effective until"), null=True, blank=True)
    note = models.CharField(_("change note"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["table", "number"], name="decisions_version_unique"),
            models.UniqueConstraint(
                fields=["table"],
                condition=models.Q(status="draft"),
                name="decisions_one_draft_per_table",
            ),
        ]
        indexes = [models.Index(fields=["status", "table"])]

    def __str__(self) -> str:
        return f"{self.table} v{self.number}"


class TableInput(models.Model):
    """An input column: an expression evaluated once per decision (often a plain fact)."""

    version = models.ForeignKey(TableVersion, on_delete=models.CASCADE, related_name="inputs")
    position = models.PositiveIntegerField(default=0)
    label = models.CharField(_("label"), max_length=80)
    expression = models.CharField(_("expression"), max_length=2000)
    value_type = models.CharField(max_length=60, blank=True)  # the checked type, for the editor

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class TableRow(models.Model):
    """One rule: a test per input column (`cells`) and the outputs when all tests pass."""

    version = models.ForeignKey(TableVersion, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField(default=0)
    cells = models.JSONField(default=list)  # one unary test per input, by input position
    offer_code = models.CharField(_("offer"), max_length=64, blank=True)
    offer_kind = models.CharField(
        _("offer kind"), max_length=16, choices=OfferKind.choices, default=OfferKind.SALES
    )
    offer_margin = models.DecimalField(
        _("margin per acceptance"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    discount_pct = models.DecimalField(
        _("discount %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    discount_on = models.CharField(_("discount applies to"), max_length=120, blank=True)
    price_list = models.CharField(_("price list"), max_length=64, blank=True)
    suppress = models.CharField(
        _("suppress"), max_length=16, choices=Suppress.choices, default=Suppress.NONE, blank=True
    )
    script = models.TextField(_("script text"), blank=True)
    priority = models.IntegerField(_("routing priority"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"#{self.position + 1}"

    @property
    def is_commercial(self) -> bool:
        """True when the row changes what is offered (not only how it is presented)."""
        return bool(
            self.offer_code or self.discount_pct is not None or self.price_list or self.suppress
        )


class DecisionLog(models.Model):
    """One answer of `decide()`: enough to replay, explain and prove it consistent."""

    decided_at = models.DateTimeField(db_index=True)
    party_id = models.BigIntegerField(_("party"))  # parties is a sibling app: no foreign key
    channel = models.CharField(_("channel"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    facts_digest = models.CharField(max_length=32)
    outputs_digest = models.CharField(max_length=32)
    facts = models.JSONField(default=dict)
    outputs = models.JSONField(default=dict)
    versions = models.JSONField(default=dict)  # {table key: version number}
    duration_us = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["party_id", "facts_digest"]),
            models.Index(fields=["channel", "-decided_at"]),
        ]
