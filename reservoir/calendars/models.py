"""Business-hours calendars: working week, working hours and dated exceptions (holidays and
make-up working days)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (no work)")
    WORKDAY = "workday", _("Make-up working day")


class BusinessCalendar(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    work_start = models.TimeField(_("work starts"), default=dt.time(9, 0))
    work_end = models.TimeField(_("work ends"), default=dt.time(18, 0))
    # ISO weekdays that are normally worked, e.g. "12345" for Monday to Friday.
    weekdays = models.CharField(_("working weekdays"), max_length=7, default="12345")
    is_default = models.BooleanField(_("default calendar"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name


class CalendarDay(models.Model):
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendars_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
