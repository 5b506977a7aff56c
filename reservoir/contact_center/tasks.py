"""Background work of live chat (thin, idempotent): presence sweep, start-counter purge."""

from __future__ import annotations

from django_tasks import task

from reservoir.contact_center import presence, throttle


@task()
def sweep_presence() -> int:
    """Set agents whose consoles went silent (a killed server) offline; how many."""
    return presence.sweep_presence()


@task()
def purge_start_counts() -> int:
    """Delete chat-start counters of ended windows; how many."""
    return throttle.purge_start_counts()
