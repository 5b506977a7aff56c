"""Counts of the records apps above parties keep about a party (interactions, orders...).

A provider interface (ARCHITECTURE rule 4): screens of apps that may not import those apps
(the merge page in `resolution` cannot import `timeline` or `sales`) ask here; the apps
register a counter in their `AppConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils.functional import Promise

Counter = Callable[[list[int]], dict[int, int]]
_counters: dict[str, tuple[Promise | str, Counter]] = {}


def register(key: str, label: Promise | str, counter: Counter) -> None:
    """Register `counter(party_ids) -> {party_id: n}` under `key` (re-registering replaces)."""
    _counters[key] = (label, counter)


def counts(party_ids: Iterable[int]) -> list[tuple[str, Promise | str, dict[int, int]]]:
    """Return (key, label, {party_id: n}) per registered counter: one query each."""
    ids = list(party_ids)
    return [(key, label, counter(ids)) for key, (label, counter) in sorted(_counters.items())]
