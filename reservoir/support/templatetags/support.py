"""Desk template helpers: the SLA clock of a case, durations, tones for badges."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.support import selectors
from reservoir.support.sla import Timer

register = template.Library()

TONES = {
    "running": "success",
    "warning": "warning",
    "breached": "danger",
    "paused": "purple",
    "met": "neutral",
    "missed": "danger",
    "none": "neutral",
}
STATUS_TONES = {
    "new": "brand",
    "open": "info",
    "pending_customer": "purple",
    "pending_internal": "warning",
    "resolved": "success",
    "closed": "neutral",
}
PRIORITY_TONES = {"low": "neutral", "normal": "neutral", "high": "warning", "urgent": "danger"}
_RANK = {"breached": 0, "warning": 1, "running": 2, "paused": 3}


def clock(case: Any, now: dt.datetime | None = None) -> Timer | None:
    """The most urgent open timer of a case (breached, warning, soonest due, then paused)."""
    running = [t for t in selectors.sla_state(case, now) if t.state in _RANK]
    if not running:
        return None
    return min(running, key=lambda t: (_RANK[t.state], t.due_at or timezone.now()))


@register.simple_tag
def case_clock(case: Any) -> Timer | None:
    return clock(case)


@register.filter
def tone(state: str) -> str:
    return TONES.get(state, "neutral")


@register.filter
def status_tone(status: str) -> str:
    return STATUS_TONES.get(status, "neutral")


@register.filter
def priority_tone(priority: str) -> str:
    return PRIORITY_TONES.get(priority, "neutral")


@register.filter
def duration(seconds: int | None) -> str:
    """3725 → "1h 2m", -600 → "10m overdue", 200000 → "2d 7h" (what the live clock shows)."""
    if seconds is None:
        return "—"
    late = seconds < 0
    s = abs(int(seconds))
    days, rest = divmod(s, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = f"{days}d {hours}h"
    elif hours:
        text = f"{hours}h {minutes}m"
    else:
        text = f"{minutes}m {s % 60:02d}s" if minutes < 10 else f"{minutes}m"
    return _("%(t)s overdue") % {"t": text} if late else text


@register.filter
def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, key)
