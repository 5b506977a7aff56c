"""Background work of the service desk (thin; the services are idempotent)."""

from __future__ import annotations

from django_tasks import task

from reservoir.support import sla


@task()
def check_sla() -> int:
    """Publish due SLA warnings and breaches (each once); return how many fired."""
    return len(sla.check_sla())
