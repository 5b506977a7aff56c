"""The Customer Contact Repository: interactions grouped into conversations (episodes)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reservoir.timeline.enums import Channel, Direction, Kind


class Conversation(models.Model):
    """An episode: interactions about one matter, possibly across channels."""

    party = models.ForeignKey("parties.Party", on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    channel = models.CharField(_("first channel"), max_length=16, choices=Channel.choices)
    started_at = models.DateTimeField()
    last_at = models.DateTimeField()
    is_open = models.BooleanField(default=True)
    source = models.CharField(max_length=50, blank=True)
    external_id = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["party", "-last_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="timeline_conversation_external_unique",
            )
        ]

    def __str__(self) -> str:
        return self.subject or f"#{self.pk}"


class Interaction(models.Model):
    # No index of its own: timeline_party_recent (party, -occurred_at, -id) serves every
    # lookup by party, and one index fewer is one random write fewer per ingested row.
    party = models.ForeignKey(
        "parties.Party", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.MESSAGE)
    occurred_at = models.DateTimeField(_("when"))
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=32, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (s)"), null=True, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    contact_address = models.CharField(_("address used"), max_length=255, blank=True)
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions"
    )
    # A link to any record (an order, a case, a campaign): referenced by name, not by FK,
    # because the timeline sits below the apps that own those records.
    link_app = models.CharField(max_length=50, blank=True)
    link_model = models.CharField(max_length=50, blank=True)
    link_pk = models.CharField(max_length=64, blank=True)
    link_label = models.CharField(max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=50, default="reservoir")
    external_id = models.CharField(_("external id"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # The channel rides along so that a timeline filtered by channel, and the counts
            # per channel, read this index alone; a separate (party, channel, time) index
            # cost every ingested row one more random page write.
            models.Index(
                fields=["party", "-occurred_at", "-id", "channel"], name="timeline_party_recent"
            ),
            models.Index(fields=["occurred_at"], name="timeline_occurred"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="timeline_interaction_external_unique",
            )
        ]

    def __str__(self) -> str:
        return self.subject or f"{self.get_channel_display()} {self.occurred_at:%Y-%m-%d}"
