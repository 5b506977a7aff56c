"""Background ingestion: channels that hand over interactions to be stored later."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tasks import task

from reservoir.core.tasks import once
from reservoir.iam.models import User
from reservoir.timeline.services import InteractionInput, record_interaction


@task()
def ingest_interaction(payload: dict[str, Any], recorded_by_id: int | None = None) -> int:
    """Store one interaction from a JSON payload; return its id. Idempotent.

    The payload carries plain values (ISO time string); (source, external_id) makes a re-run
    return the stored row; payloads without an external id are guarded by the task ledger.
    """
    data = dict(payload)
    if isinstance(data.get("occurred_at"), str):
        data["occurred_at"] = dt.datetime.fromisoformat(data["occurred_at"])
    by = User.objects.filter(pk=recorded_by_id).first() if recorded_by_id else None
    item = InteractionInput(**data)
    if item.external_id:
        return record_interaction(item, by=by)[0].pk
    key = f"timeline.ingest:{sorted(payload.items())!r}"[:200]
    with once(key, task_name="timeline.ingest_interaction") as first:
        return record_interaction(item, by=by)[0].pk if first else 0
