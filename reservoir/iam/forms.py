"""Forms of the staff-administration pages: sign-in, users, teams and API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reservoir.core.errors import DomainError
from reservoir.iam.enums import Role
from reservoir.iam.models import Team, User


def add_domain_error(form: forms.Form, exc: DomainError, **aliases: str) -> None:
    """Show a service's error on the form field it names (or above the form)."""
    name = aliases.get(exc.field or "", exc.field)
    form.add_error(name if name in form.fields else None, exc.message)


class LoginForm(AuthenticationForm):
    """Django's sign-in form with the attributes password managers and phones expect."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "class": "input"}
        )
        self.fields["password"].widget.attrs.update(
            {"autocomplete": "current-password", "class": "input"}
        )


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.all(), empty_label=_("All teams")
    )


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.SALES_REP)
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.all(), empty_label=_("No team")
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not a common password."),
    )

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class UserEditForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.all(), empty_label=_("No team")
    )
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("Inactive users cannot sign in or use their API tokens."),
    )
    new_password = forms.CharField(
        label=_("New password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the current password."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "role": user.role,
                "team": user.team_id,
                "is_active": user.is_active,
            },
        )
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_new_password(self) -> str:
        password: str = self.cleaned_data.get("new_password") or ""
        if password:
            password_validation.validate_password(password, self.user)
        return password

    def changes(self) -> dict[str, Any]:
        """The profile fields the form changed, as update_user keyword arguments."""
        data = self.cleaned_data
        fields = {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "email": data["email"],
            "role": data["role"],
            "team": data["team"],
            "is_active": data["is_active"],
        }
        return {k: v for k, v in fields.items() if k in self.changed_data}


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    region = forms.CharField(label=_("Territory"), max_length=120, required=False)
    managers = forms.ModelMultipleChoiceField(
        label=_("Managers"),
        required=False,
        queryset=User.objects.filter(is_active=True).order_by("first_name", "last_name"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Managers see every record of the teams they manage."),
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Spreadsheet sync")}),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for a token that never expires."),
    )

    def clean_expires_on(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("expires_on")
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError(_("Pick a day in the future."))
        return day

    def expires_at(self) -> dt.datetime | None:
        """The end of the chosen day in the current time zone."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        start = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
        return timezone.make_aware(start)
