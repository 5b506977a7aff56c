"""The rule editor's settings form (trigger with its options, condition, limits)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reservoir.automation.enums import EVENT_TRIGGERS, RunStatus, TriggerKind
from reservoir.automation.models import Rule
from reservoir.calendars.models import BusinessCalendar


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
    trigger = forms.ChoiceField(label=_("When"), choices=TriggerKind.choices)
    delay_event = forms.ChoiceField(
        label=_("After"),
        required=False,
        choices=[(k, TriggerKind(k).label) for k in EVENT_TRIGGERS],
    )
    delay_hours = forms.FloatField(
        label=_("Business hours later"), required=False, min_value=0.01, max_value=2000
    )
    calendar = forms.ModelChoiceField(
        label=_("Calendar"),
        queryset=BusinessCalendar.objects.all(),
        required=False,
        empty_label=_("Default calendar"),
    )
    unless = forms.CharField(
        label=_("Unless (checked at the due time)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "mono", "spellcheck": "false"}),
        help_text=_("e.g. customer.days_since_last_contact == 0"),
    )
    every_minutes = forms.IntegerField(
        label=_("Every (minutes)"), required=False, min_value=1, max_value=10080
    )
    condition = forms.CharField(
        label=_("Only if"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "mono", "spellcheck": "false"}),
        help_text=_(
            'Empty: always. e.g. "prospect" in customer.roles && "Trade show 2026" in customer.tags'
        ),
    )
    max_runs_per_hour = forms.IntegerField(
        label=_("Runs per customer per hour, at most"), min_value=1, max_value=10000, initial=10
    )

    @classmethod
    def for_rule(cls, rule: Rule | None, data: Any = None) -> RuleForm:
        initial: dict[str, Any] = {"enabled": True, "max_runs_per_hour": 10}
        if rule is not None:
            opts = rule.trigger_options or {}
            initial = {
                "name": rule.name,
                "description": rule.description,
                "enabled": rule.enabled,
                "trigger": rule.trigger,
                "delay_event": opts.get("event", ""),
                "delay_hours": opts.get("hours"),
                "calendar": opts.get("calendar_id"),
                "unless": opts.get("unless", ""),
                "every_minutes": opts.get("every_minutes"),
                "condition": rule.condition,
                "max_runs_per_hour": rule.max_runs_per_hour,
            }
        return cls(data or None, initial=initial)

    def values(self) -> dict[str, Any]:
        """The service's keyword arguments (trigger options gathered per trigger)."""
        d = self.cleaned_data
        options: dict[str, Any] = {}
        if d["trigger"] == TriggerKind.DELAY:
            options = {
                "event": d.get("delay_event") or "",
                "hours": d.get("delay_hours"),
                "calendar_id": d["calendar"].pk if d.get("calendar") else None,
                "unless": d.get("unless") or "",
            }
        elif d["trigger"] == TriggerKind.SCHEDULE:
            options = {"every_minutes": d.get("every_minutes")}
        return {
            "name": d["name"],
            "description": d.get("description", ""),
            "enabled": d.get("enabled", False),
            "trigger": d["trigger"],
            "trigger_options": options,
            "condition": d.get("condition", ""),
            "max_runs_per_hour": d["max_runs_per_hour"],
        }


class RunFilterForm(forms.Form):
    rule = forms.ModelChoiceField(
        label=_("Rule"),
        queryset=Rule.objects.all(),
        required=False,
        empty_label=_("All rules"),
        widget=forms.Select(attrs={"class": "select", "aria-label": _("Rule")}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        widget=forms.Select(attrs={"class": "select", "aria-label": _("Status")}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [("", _("Any status")), *RunStatus.choices]
