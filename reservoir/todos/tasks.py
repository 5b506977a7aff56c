"""Background work of to-dos: reminders (thin; the service is idempotent per to-do)."""

from __future__ import annotations

from django_tasks import task

from reservoir.todos import services


@task()
def send_reminders() -> int:
    """Send the reminders that are due; each to-do is reminded once."""
    return services.send_due_reminders()
