"""Automation rules, their runs (one per rule and event), the actions each run completed,
due time-trigger runs, and the round-robin cursors."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reservoir.automation.enums import RunStatus, TriggerKind


class Rule(models.Model):
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    trigger = models.CharField(_("trigger"), max_length=32, choices=TriggerKind.choices)
    # delay: {"event": kind, "hours": N, "calendar_id": id|null, "unless": expr};
    # schedule: {"every_minutes": N}
    trigger_options = models.JSONField(default=dict, blank=True)
    condition = models.TextField(_("condition"), blank=True)
    # Ordered: [{"type": "assign", "options": {...}}, ...]
    actions = models.JSONField(default=list, blank=True)
    max_runs_per_hour = models.PositiveIntegerField(
        _("runs per customer per hour, at most"), default=10
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("automation rule")
        verbose_name_plural = _("automation rules")
        indexes = [models.Index(fields=["trigger", "enabled"])]

    def __str__(self) -> str:
        return self.name


class Run(models.Model):
    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="runs")
    # "<rule id>:<event key>": one run per (rule, event), whatever retries or duplicates.
    key = models.CharField(max_length=200, unique=True)
    trigger = models.CharField(max_length=32)
    party_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    event = models.JSONField(default=dict, blank=True)
    depth = models.PositiveSmallIntegerField(default=0)
    cause = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="effects"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    log = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["rule", "party_id", "created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}:{self.key}"


class RunStep(models.Model):
    """One action of one run that completed: the ledger a retried run skips (see ledger.py).

    Written in the action's own transaction, so it commits with the action's database effects.
    `entry` is the run-log line the action wrote; `state` the scratch state it left for the
    actions after it (JSON: ids, not model instances).
    """

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="steps")
    index = models.PositiveSmallIntegerField()
    action = models.CharField(max_length=50)
    entry = models.JSONField(default=dict, blank=True)
    state = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run", "index"]
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="automation_runstep_once")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.index}"


class DueRun(models.Model):
    """A time-trigger run waiting for its moment; fired once (the key is unique)."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="due_runs")
    key = models.CharField(max_length=200, unique=True)
    party_id = models.BigIntegerField(null=True, blank=True)
    event = models.JSONField(default=dict, blank=True)
    depth = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(db_index=True)
    fired_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]


class RoundRobinCursor(models.Model):
    """Who got the last assignment of one (rule, action, team): the next one goes on."""

    key = models.CharField(max_length=200, unique=True)
    last_user_id = models.BigIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
