"""Calendar forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reservoir.calendars.models import BusinessCalendar, DayKind

WEEKDAYS = [
    ("1", _("Monday")),
    ("2", _("Tuesday")),
    ("3", _("Wednesday")),
    ("4", _("Thursday")),
    ("5", _("Friday")),
    ("6", _("Saturday")),
    ("7", _("Sunday")),
]


class CalendarForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, initial="Asia/Shanghai")
    work_start = forms.TimeField(
        label=_("Work starts"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    work_end = forms.TimeField(label=_("Work ends"), widget=forms.TimeInput(attrs={"type": "time"}))
    weekdays = forms.MultipleChoiceField(
        label=_("Working weekdays"), choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple
    )
    is_default = forms.BooleanField(label=_("Default calendar"), required=False)

    @classmethod
    def for_calendar(cls, cal: BusinessCalendar | None, data: Any = None) -> CalendarForm:
        initial: dict[str, Any] = {
            "work_start": "09:00",
            "work_end": "18:00",
            "weekdays": list("12345"),
        }
        if cal is not None:
            initial = {
                "name": cal.name,
                "time_zone": cal.time_zone,
                "work_start": cal.work_start,
                "work_end": cal.work_end,
                "weekdays": list(cal.weekdays),
                "is_default": cal.is_default,
            }
        return cls(data or None, initial=initial)

    def values(self) -> dict[str, object]:
        data = dict(self.cleaned_data)
        data["weekdays"] = "".join(sorted(data["weekdays"]))
        return data


class DayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=DayKind.choices)
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
