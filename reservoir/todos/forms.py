"""To-do forms: the quick-add form and the filters of the "my tasks" page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reservoir.iam.models import User
from reservoir.todos.models import TodoPriority


class TodoForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    due_at = forms.DateTimeField(
        label=_("Due"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    remind_at = forms.DateTimeField(
        label=_("Reminder"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=TodoPriority.choices, initial=TodoPriority.NORMAL
    )
    assignee = forms.ModelChoiceField(
        label=_("Assignee"),
        queryset=User.objects.filter(is_active=True),
        required=False,
        empty_label=_("Me"),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TodoFilterForm(forms.Form):
    SCOPES = [("mine", _("Mine")), ("all", _("Everyone I can see"))]
    scope = forms.ChoiceField(
        label=_("Whose"),
        choices=SCOPES,
        required=False,
        widget=forms.Select(attrs={"class": "select", "aria-label": _("Whose")}),
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def scope_value(self) -> str:
        if self.is_valid():
            return self.cleaned_data.get("scope") or "mine"
        return "mine"

    def search(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""
