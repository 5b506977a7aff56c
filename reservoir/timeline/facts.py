"""Contact facts for contact rules, from the Customer Contact Repository.

Raw SQL on purpose: this read runs on every decision, whose budget is 2 ms; the ORM's
query compilation costs several times the indexed lookup itself.

Side effects: none; `register()` is called once from TimelineConfig.ready().
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from reservoir.decisions import facts as registry
from reservoir.decisions.facts import DecisionContext
from reservoir.timeline.models import Interaction

CONTACT_FACTS = ("customer.days_since_last_contact", "customer.contacts_30d")


@functools.cache
def _sql() -> str:
    return (
        "SELECT MAX(occurred_at), SUM(CASE WHEN occurred_at >= %s THEN 1 ELSE 0 END) "  # noqa: S608
        f"FROM {Interaction._meta.db_table} WHERE party_id = %s AND occurred_at <= %s"
    )


def _days(last: dt.datetime | None, now: dt.datetime) -> int:
    """Calendar days (company time) from `last` to `now`; -1 when there is none."""
    if last is None:
        return -1
    return max(0, (timezone.localdate(now) - timezone.localdate(last)).days)


def _moment(value: Any) -> dt.datetime | None:
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value if isinstance(value, dt.datetime) else None


def contact_facts(party_id: int, ctx: DecisionContext) -> dict[str, Any]:
    """Recency and 30-day frequency of contacts in any channel, in one indexed read."""
    adapt = connection.ops.adapt_datetimefield_value
    since = ctx.at - dt.timedelta(days=30)
    with connection.cursor() as cursor:
        cursor.execute(_sql(), [adapt(since), party_id, adapt(ctx.at)])
        last_raw, recent = cursor.fetchone()
    last = _moment(last_raw)
    return {
        "customer.days_since_last_contact": _days(last, ctx.at),
        "customer.contacts_30d": int(recent or 0),
    }


def register() -> None:
    registry.register_provider("timeline.contacts", CONTACT_FACTS, contact_facts)
