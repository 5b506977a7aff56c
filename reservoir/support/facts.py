"""Service facts for contact rules: `customer.has_open_complaint` (decisions' guard rail SV4).

Raw SQL on purpose (as sales.facts): it runs on every decision, whose budget is 2 ms.
Side effects: none; `register()` is called once from SupportConfig.ready().
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection

from reservoir.decisions import facts as registry
from reservoir.decisions.facts import DecisionContext
from reservoir.support.enums import ACTIVE_STATUSES, CaseType
from reservoir.support.models import Case

COMPLAINT_FACTS = ("customer.has_open_complaint",)


@functools.cache
def _sql() -> str:
    statuses = ", ".join(f"'{s}'" for s in ACTIVE_STATUSES)
    return (
        f"SELECT 1 FROM {Case._meta.db_table} WHERE party_id = %s "  # noqa: S608
        f"AND type = '{CaseType.COMPLAINT}' AND status IN ({statuses}) LIMIT 1"
    )


def complaint_facts(party_id: int, _ctx: DecisionContext) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(_sql(), [party_id])
        return {"customer.has_open_complaint": cursor.fetchone() is not None}


def register() -> None:
    registry.register_provider("support.complaints", COMPLAINT_FACTS, complaint_facts)
