"""Which trigger kinds have an enabled rule, cached per process.

Every recorded interaction (and every other domain event) reaches `receivers.on_event`; most
installations have no rule for most kinds, so asking the database on each event costs a query
per request for nothing. This module keeps, per process, the set of event kinds some enabled
rule listens to (directly or through a delay trigger), so the receiver can skip the engine.

Freshness, correctness first:
- a local generation counter is bumped whenever a rule is saved or deleted in this process
  (model signals, so services, the admin and factories are all covered, and `bump()` from
  the services on commit): the next event in this process reloads;
- other processes reload at most `MAX_AGE_S` seconds after their last load, so a rule
  enabled in one process takes effect in every other one within about a second.
The cache only gates: when a kind is in the set the engine still reads the rules themselves,
so a stale entry can cost a query but never run a disabled rule.

Written here rather than with Django's cache: the default (locmem) cache is per process and a
version key in it would not tell other processes anything; a one-second reload of a tiny
query needs no shared store.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from reservoir.automation.enums import TriggerKind
from reservoir.automation.models import Rule

MAX_AGE_S = 1.0
_clock = time.monotonic  # replaced by tests that let time pass


class _Cache:
    lock = threading.Lock()
    generation = 0
    # (generation at load, monotonic load time, kinds with an enabled rule)
    state: tuple[int, float, frozenset[str]] | None = None


def bump() -> None:
    """Forget the cached kinds in this process (the next event reloads them)."""
    with _Cache.lock:
        _Cache.generation += 1


def bump_on_commit() -> None:
    """Forget the cached kinds now and again once the current transaction commits."""
    bump()
    transaction.on_commit(bump)


def _load() -> frozenset[str]:
    kinds: set[str] = set()
    for trigger, options in Rule.objects.filter(enabled=True).values_list(
        "trigger", "trigger_options"
    ):
        if trigger == TriggerKind.DELAY:
            event = (options or {}).get("event") if isinstance(options, dict) else None
            if event:
                kinds.add(str(event))
        else:
            kinds.add(str(trigger))
    return frozenset(kinds)


def kinds_with_rules() -> frozenset[str]:
    """Event kinds at least one enabled rule listens to. Side effect: may query Rule."""
    state, generation, now = _Cache.state, _Cache.generation, _clock()
    if state is not None and state[0] == generation and now - state[1] < MAX_AGE_S:
        return state[2]
    kinds = _load()  # read after noting the generation: a concurrent bump forces a reload
    _Cache.state = (generation, now, kinds)
    return kinds


def has_rules(kind: str) -> bool:
    """Whether some enabled rule may be triggered by `kind` (cached, see module docstring)."""
    return kind in kinds_with_rules()


def _on_rule_changed(**_kwargs: Any) -> None:
    bump_on_commit()


def connect() -> None:
    """Bump the generation whenever a rule row is saved or deleted in this process."""
    post_save.connect(_on_rule_changed, sender=Rule, dispatch_uid="automation.rule_cache.save")
    post_delete.connect(_on_rule_changed, sender=Rule, dispatch_uid="automation.rule_cache.del")
