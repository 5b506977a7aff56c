"""A task used by the worker tests: writes its effect once, then lingers so it can be killed."""

import time
from pathlib import Path

from django_tasks import task

from reservoir.audit.models import AuditEntry
from reservoir.core.tasks import once


@task()
def effect_then_linger(key: str, linger_flag: str) -> str:
    """Write one audit entry (the effect) once per key, then wait while `linger_flag` exists."""
    with once(key, task_name="sample") as first:
        if first:
            AuditEntry.objects.create(
                action="test.effect.done", app_label="core", model="sample", object_pk=key
            )
    while Path(linger_flag).exists():
        time.sleep(0.1)
    return key
