"""Canned response form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from reservoir.iam.models import Team, User


class CannedForm(forms.Form):
    shortcut = forms.CharField(
        label=_("Shortcut"), max_length=40, help_text=_("Type /shortcut in the chat to insert it.")
    )
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Text"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False,
        empty_label=_("Everyone"),
    )  # fmt: skip

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = self.fields["language"]
        language.choices = [("", _("Any language")), *settings.LANGUAGES]  # type: ignore[attr-defined]
        teams = (
            Team.objects.all()
            if user.is_administrator
            else Team.objects.filter(pk=user.team_id or 0)
        )
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        team = data.pop("team", None)
        data["team_id"] = team.pk if team else None
        return data
