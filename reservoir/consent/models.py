"""The consent ledger: one append-only row per change of a party's permission."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reservoir.consent.enums import ConsentChannel, ConsentPurpose, ConsentSource, ConsentStatus


class ConsentRecord(models.Model):
    """A grant or withdrawal of one (channel, purpose); the latest row per pair is in force."""

    party = models.ForeignKey("parties.Party", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("channel"), max_length=16, choices=ConsentChannel.choices)
    purpose = models.CharField(_("purpose"), max_length=16, choices=ConsentPurpose.choices)
    status = models.CharField(_("status"), max_length=16, choices=ConsentStatus.choices)
    source = models.CharField(_("source"), max_length=16, choices=ConsentSource.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    evidence = models.TextField(_("evidence"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        indexes = [models.Index(fields=["party", "channel", "purpose", "at"])]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.party_id} {self.channel}/{self.purpose}: {self.status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Append only: a recorded consent is evidence and never changes."""
        if self.pk is not None:
            raise ValueError("Consent records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Consent records are append-only.")
