"""Background work of the portal (thin; the service is idempotent)."""

from __future__ import annotations

from django_tasks import task

from reservoir.portal import services


@task()
def purge_sign_in_records() -> int:
    """Forget failed sign-ins and sign-in links older than a day."""
    return services.purge_attempts()
