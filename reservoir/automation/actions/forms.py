"""The options form of each built-in action (what the rule editor shows)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reservoir.calendars.models import BusinessCalendar
from reservoir.consent.enums import ConsentPurpose
from reservoir.iam.models import Team, User
from reservoir.parties.enums import PartyRoleKind
from reservoir.todos.models import TodoPriority

RECIPIENTS = [
    ("assigned", _("The person assigned by this rule (else the owner)")),
    ("owner", _("The customer's owner")),
    ("user", _("A chosen person")),
]


def _users() -> Any:
    return User.objects.filter(is_active=True)


class AssignForm(forms.Form):
    STRATEGIES = [
        ("round_robin", _("Round robin within a team")),
        ("least_loaded", _("Least loaded in a team (fewest open tasks)")),
        ("territory", _("By territory (region → person)")),
    ]
    strategy = forms.ChoiceField(label=_("How"), choices=STRATEGIES)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)
    territories = forms.CharField(
        label=_("Territories"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "上海 = sales\n北京 = sales2"}),
        help_text=_("One line per region: region = login. Unmatched regions use the team."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("strategy") in ("round_robin", "least_loaded") and not data.get("team"):
            self.add_error("team", _("Choose the team to assign within."))
        if data.get("strategy") == "territory" and not data.get("territories", "").strip():
            self.add_error("territories", _("Enter at least one region = login line."))
        return data


class TodoActionForm(forms.Form):
    UNITS = [
        ("business_days", _("business days")),
        ("business_hours", _("business hours")),
        ("days", _("calendar days")),
    ]
    title = forms.CharField(label=_("Task title"), max_length=200, initial=_("Follow up"))
    due_in = forms.IntegerField(label=_("Due in"), min_value=0, max_value=365, initial=2)
    due_unit = forms.ChoiceField(label=_("Unit"), choices=UNITS, initial="business_days")
    calendar = forms.ModelChoiceField(
        label=_("Calendar"),
        queryset=BusinessCalendar.objects.all(),
        required=False,
        empty_label=_("Default calendar"),
    )
    assign_to = forms.ChoiceField(label=_("For"), choices=RECIPIENTS, initial="assigned")
    user = forms.ModelChoiceField(label=_("Person"), queryset=_users(), required=False)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=TodoPriority.choices, initial=TodoPriority.NORMAL
    )


class NotifyForm(forms.Form):
    recipient = forms.ChoiceField(label=_("Who"), choices=RECIPIENTS, initial="owner")
    user = forms.ModelChoiceField(label=_("Person"), queryset=_users(), required=False)
    message = forms.CharField(label=_("Message"), max_length=500)


class EmailForm(forms.Form):
    TO = [
        ("customer", _("The customer (primary email)")),
        ("owner", _("The customer's owner")),
        ("address", _("This address")),
    ]
    to = forms.ChoiceField(label=_("To"), choices=TO, initial="owner")
    address = forms.EmailField(label=_("Address"), required=False)
    # Not required, so rules and API clients from before the field keep validating: empty
    # means service, which is what those rules sent.
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=ConsentPurpose.choices,
        initial=ConsentPurpose.SERVICE,
        required=False,
        help_text=_(
            "For the customer: service messages go out unless they objected; offers and news "
            "only after they opted in."
        ),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("Placeholders: {{ customer }}, {{ owner }}, {{ rule }}."),
    )

    def clean_purpose(self) -> str:
        return str(self.cleaned_data.get("purpose") or ConsentPurpose.SERVICE)


class SetFieldForm(forms.Form):
    FIELDS = [
        ("industry", _("Industry")),
        ("language", _("Language")),
        ("source", _("Source")),
        ("status", _("Status")),
    ]
    field = forms.ChoiceField(label=_("Field"), choices=FIELDS)
    value = forms.CharField(label=_("Value"), max_length=100, required=False)


class TraitForm(forms.Form):
    key = forms.CharField(label=_("Trait"), max_length=100)
    value = forms.CharField(
        label=_("Value"), max_length=500, help_text=_("Text, a number, true or false.")
    )


class TagForm(forms.Form):
    tag = forms.CharField(label=_("Tag"), max_length=50)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=PartyRoleKind.choices)


class WebhookForm(forms.Form):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    secret = forms.CharField(
        label=_("Signing secret"),
        max_length=200,
        help_text=_("The body is signed with HMAC-SHA256: header X-Reservoir-Signature."),
    )
    timeout = forms.IntegerField(label=_("Timeout (seconds)"), min_value=1, max_value=30, initial=5)


class EscalateForm(forms.Form):
    to = forms.ChoiceField(
        label=_("To"),
        choices=[
            ("manager", _("A manager of the customer's team")),
            ("user", _("A chosen person")),
        ],
        initial="manager",
    )
    user = forms.ModelChoiceField(label=_("Person"), queryset=_users(), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300)
