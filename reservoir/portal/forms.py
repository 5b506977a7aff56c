"""Portal forms: sign-in, cases and replies with uploads, profile, preferences, security."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reservoir.consent.enums import ConsentChannel, ConsentPurpose
from reservoir.sales.models import Product
from reservoir.support.enums import CaseType


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class MagicLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the list is checked by support's upload rules later."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


PORTAL_CASE_TYPES = [
    (CaseType.QUESTION, CaseType.QUESTION.label),
    (CaseType.PROBLEM, CaseType.PROBLEM.label),
    (CaseType.COMPLAINT, CaseType.COMPLAINT.label),
    (CaseType.REPAIR, CaseType.REPAIR.label),
    (CaseType.REQUEST, CaseType.REQUEST.label),
]


class CaseForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    type = forms.ChoiceField(label=_("What is it about?"), choices=PORTAL_CASE_TYPES)
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )
    body = forms.CharField(
        label=_("Describe it"), max_length=20000, widget=forms.Textarea(attrs={"rows": 7})
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        help_text=_("Photos, PDF, Office documents or text; 10 MB per file at most."),
    )

    def __init__(self, *args: Any, products: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if products is not None:
            self.fields["product"].queryset = products  # type: ignore[attr-defined]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachments = MultipleFileField(label=_("Attachments"))


class ProfileForm(forms.Form):
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    language = forms.ChoiceField(
        label=_("Preferred language"),
        required=False,
        choices=[
            ("", _("— not set —")),
            ("zh-hans", "简体中文"),
            ("zh-hant", "繁體中文"),
            ("en", "English"),
        ],
    )


class ContactForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"), choices=[("phone", _("Phone")), ("email", _("E-mail"))]
    )
    value = forms.CharField(label=_("Number or address"), max_length=200)


class AddressForm(forms.Form):
    country = forms.CharField(label=_("Country code"), max_length=2, initial="CN")
    region = forms.CharField(label=_("Province / state"), max_length=100, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    district = forms.CharField(label=_("District"), max_length=100, required=False)
    street = forms.CharField(label=_("Street"), max_length=255)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)


def preference_field(channel: str, purpose: str) -> str:
    return f"{channel}__{purpose}"


class PreferencesForm(forms.Form):
    """One checkbox per (channel, purpose)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for channel, clabel in ConsentChannel.choices:
            for purpose, plabel in ConsentPurpose.choices:
                self.fields[preference_field(channel, purpose)] = forms.BooleanField(
                    label=f"{clabel} · {plabel}", required=False
                )

    def choices(self) -> dict[tuple[str, str], bool]:
        return {
            (c, p): bool(self.cleaned_data.get(preference_field(c, p)))
            for c in ConsentChannel.values
            for p in ConsentPurpose.values
        }


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    confirm = forms.CharField(
        label=_("Repeat the new password"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("confirm"):
            self.add_error("confirm", _("The two passwords differ."))
        return data


class SurveyForm(forms.Form):
    score = forms.IntegerField(label=_("Your score"), min_value=0, max_value=10)
    comment = forms.CharField(
        label=_("Anything to add?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
