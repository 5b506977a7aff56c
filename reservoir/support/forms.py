"""Agent-desk forms: inbox filters, logging a case, reply, resolve, merge, recovery, assignment,
SLA policies and agent profiles. Domain rules stay in the services; forms check shapes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reservoir.calendars.models import BusinessCalendar
from reservoir.iam.enums import Role
from reservoir.iam.models import Team, User
from reservoir.sales.models import Product
from reservoir.support.enums import (
    CaseChannel,
    CasePriority,
    CaseStatus,
    CaseType,
    MessageVisibility,
    RecoveryKind,
)
from reservoir.support.models import AgentProfile, SlaPolicy

WORKER_ROLES = (Role.SERVICE_AGENT, Role.CONTACT_CENTER_AGENT, Role.MANAGER, Role.ADMINISTRATOR)
SORTS = (
    ("due", _("Due soonest")),
    ("newest", _("Newest")),
    ("activity", _("Last activity")),
    ("priority", _("Priority")),
)


def workers() -> Any:
    """Active staff who may take cases (the reassign picker)."""
    return User.objects.filter(is_active=True).filter(
        Q(role__in=WORKER_ROLES) | Q(is_superuser=True)
    )


def _blank(choices: Any, label: Any) -> list[tuple[str, Any]]:
    return [("", label), *list(choices)]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to ten files; the service checks type, content and size."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > 10:
            raise ValidationError(_("Ten files at most per message."))
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any status")),
            ("active", _("Open (any)")),
            ("done", _("Resolved or closed")),
            *CaseStatus.choices,
        ],
    )
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=_blank(CaseType.choices, _("Any type"))
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        required=False,
        choices=_blank(CasePriority.choices, _("Any priority")),
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=_blank(CaseChannel.choices, _("Any channel"))
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORTS)

    def value(self, name: str) -> str:
        if not self.is_valid():
            return ""
        return str(self.cleaned_data.get(name) or "")


class CaseNewForm(forms.Form):
    party = forms.IntegerField(label=_("Customer"), widget=forms.HiddenInput)
    subject = forms.CharField(label=_("Subject"), max_length=255)
    body = forms.CharField(
        label=_("What the customer said"), widget=forms.Textarea(attrs={"rows": 5})
    )
    type = forms.ChoiceField(label=_("Type"), choices=CaseType.choices)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=CasePriority.choices, initial=CasePriority.NORMAL
    )
    channel = forms.ChoiceField(
        label=_("Came in by"),
        choices=[
            (CaseChannel.PHONE, CaseChannel.PHONE.label),
            (CaseChannel.STAFF, _("In person / other")),
        ],
        initial=CaseChannel.PHONE,
    )
    category = forms.CharField(label=_("Category"), max_length=100, required=False)
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.order_by("name"),
        required=False,
        empty_label=_("No product"),
    )
    attachments = MultipleFileField(label=_("Attachments"))


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=50_000, widget=forms.Textarea(attrs={"rows": 5})
    )
    visibility = forms.ChoiceField(
        label=_("Kind"), choices=MessageVisibility.choices, initial=MessageVisibility.PUBLIC
    )
    attachments = MultipleFileField(label=_("Attachments"))


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=CaseStatus.choices)


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("Resolution note (internal)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    first_contact = forms.BooleanField(label=_("Resolved at the first contact"), required=False)
    send_csat = forms.BooleanField(
        label=_("Send a satisfaction survey (CSAT)"), required=False, initial=True
    )
    send_nps = forms.BooleanField(label=_("Also ask the NPS question"), required=False)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Agent"), queryset=workers(), required=False, empty_label=_("Nobody")
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("Agent's team")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["assignee"]).queryset = workers().order_by(
            "first_name", "username"
        )


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("Merge into case number"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "C-000123", "autocomplete": "off"}),
    )


class RecoveryForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Actions"), choices=RecoveryKind.choices, widget=forms.CheckboxSelectMultiple
    )
    amount = forms.DecimalField(
        label=_("Credit amount"),
        required=False,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class CompleteActionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


def _tags(value: str) -> list[str]:
    return [t.strip() for t in value.replace("\n", ",").split(",") if t.strip()]


class SlaPolicyForm(forms.ModelForm):
    class Meta:
        model = SlaPolicy
        fields = [
            "name",
            "position",
            "is_active",
            "priority",
            "case_type",
            "min_customer_value",
            "first_response_hours",
            "next_response_hours",
            "resolution_hours",
            "calendar",
            "warn_before_minutes",
            "pause_on_pending_customer",
        ]
        help_texts = {
            "position": _("Policies are tried lowest first; the first that matches applies."),
            "min_customer_value": _("Only customers whose lifetime value (CLV) is at least this."),
            "first_response_hours": _("Business hours, by the calendar below."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        calendar = cast(forms.ModelChoiceField, self.fields["calendar"])
        calendar.queryset = BusinessCalendar.objects.order_by("name")
        calendar.empty_label = _("Default calendar")
        for name in ("first_response_hours", "next_response_hours", "resolution_hours"):
            self.fields[name].validators.append(_positive)
            self.fields[name].widget.attrs.update(step="0.5", min="0.1")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, res = data.get("first_response_hours"), data.get("resolution_hours")
        if first is not None and res is not None and res < first:
            self.add_error(
                "resolution_hours", _("Resolution cannot be due before the first response.")
            )
        return data


def _positive(value: Decimal) -> None:
    if value is None or value <= 0 or value > 10_000:
        raise ValidationError(_("Give a number of hours between 0.1 and 10000."))


class AgentProfileForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Agent"), queryset=workers())
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=1000,
        help_text=_("Case types, categories or product SKUs, separated by commas."),
    )
    regions = forms.CharField(
        label=_("Regions"),
        required=False,
        max_length=1000,
        help_text=_("Empty: any region. Separate with commas."),
    )
    capacity = forms.IntegerField(label=_("Open cases at most"), min_value=1, max_value=500)
    available = forms.BooleanField(label=_("Available for new cases"), required=False)

    def __init__(self, *args: Any, profile: AgentProfile | None = None, **kwargs: Any) -> None:
        if profile is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "user": profile.user_id,
                "skills": ", ".join(profile.skills or []),
                "regions": ", ".join(profile.regions or []),
                "capacity": profile.capacity,
                "available": profile.available,
            }
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = workers().order_by(
            "first_name", "username"
        )
        if profile is not None:
            self.fields["user"].disabled = True

    def clean_skills(self) -> list[str]:
        tags = _tags(self.cleaned_data.get("skills", ""))
        if any(len(t) > 64 for t in tags) or len(tags) > 50:
            raise ValidationError(_("Up to 50 skills of 64 characters at most."))
        return tags

    def clean_regions(self) -> list[str]:
        tags = _tags(self.cleaned_data.get("regions", ""))
        if any(len(t) > 64 for t in tags) or len(tags) > 50:
            raise ValidationError(_("Up to 50 regions of 64 characters at most."))
        return tags
