"""Trigger kinds, run states, and the timeline source of automation's emails."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TriggerKind(models.TextChoices):
    PARTY_CREATED = "party.created", _("A customer is created")
    PARTY_UPDATED = "party.updated", _("A customer's record changes")
    TRAIT_CHANGED = "trait.changed", _("A trait changes")
    PARTIES_MERGED = "parties.merged", _("Two customers are merged")
    INTERACTION_RECORDED = "interaction.recorded", _("An interaction is recorded")
    ORDER_PLACED = "order.placed", _("An order is placed")
    TODO_COMPLETED = "todo.completed", _("A task is completed")
    CASE_OPENED = "case.opened", _("A case is opened")
    CASE_SLA_WARNING = "case.sla_warning", _("A case nears its SLA target")
    CASE_SLA_BREACHED = "case.sla_breached", _("A case breaches its SLA")
    CASE_RESOLVED = "case.resolved", _("A case is resolved")
    DELAY = "delay", _("Some business hours after an event, unless …")
    SCHEDULE = "schedule", _("On a schedule")


EVENT_TRIGGERS = [k for k in TriggerKind.values if k not in ("delay", "schedule")]


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    RETRYING = "retrying", _("Retrying")
    SUCCEEDED = "succeeded", _("Succeeded")
    SKIPPED = "skipped", _("Condition not met")
    FAILED = "failed", _("Failed")
    LOOP_STOPPED = "loop_stopped", _("Stopped: loop")
    RATE_LIMITED = "rate_limited", _("Stopped: rate limit")


FINISHED = {
    RunStatus.SUCCEEDED,
    RunStatus.SKIPPED,
    RunStatus.FAILED,
    RunStatus.LOOP_STOPPED,
    RunStatus.RATE_LIMITED,
}


# The `source` of the interactions automation records (emails to customers). They do not
# trigger "interaction recorded" rules: an email rule on that trigger would answer itself.
TIMELINE_SOURCE = "automation"
