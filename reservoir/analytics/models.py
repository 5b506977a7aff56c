"""Bookkeeping of the analytics app: warehouse refreshes and model fits.

The warehouse itself lives in a DuckDB file (see `reservoir.analytics.warehouse`); these
tables only record each run, its progress and, for model fits, the fitted parameters and
diagnostics that scoring reuses.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class WarehouseRun(models.Model):
    """One refresh of the warehouse (full or incremental)."""

    full = models.BooleanField(_("full rebuild"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)  # 0..100
    step = models.CharField(_("step"), max_length=120, blank=True)
    rows = models.JSONField(_("rows loaded"), default=dict, blank=True)  # table -> count
    watermark = models.JSONField(default=dict, blank=True)  # source -> last change seen
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("warehouse refresh")
        verbose_name_plural = _("warehouse refreshes")


class ModelKind(models.TextChoices):
    CLV = "clv", _("Lifetime value (BG/NBD + Gamma-Gamma)")
    RFM = "rfm", _("RFM segments")
    BASKET = "basket", _("Cross-sell (association rules)")
    NEEDS = "needs", _("Needs-based segments")


class ModelRun(models.Model):
    """One fit of a customer-value model; the latest done run per kind is the one in use."""

    kind = models.CharField(_("model"), max_length=10, choices=ModelKind.choices)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    step = models.CharField(_("step"), max_length=120, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)  # horizon, rate, ...
    params = models.JSONField(_("fitted parameters"), default=dict, blank=True)
    diagnostics = models.JSONField(_("diagnostics"), default=dict, blank=True)
    scored = models.PositiveIntegerField(_("customers scored"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = (models.Index(fields=("kind", "status", "-created_at")),)
        verbose_name = _("model fit")
        verbose_name_plural = _("model fits")
