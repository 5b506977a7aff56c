"""`load_demo`: fill an empty database with the demo company, once.

The load is refused when the database holds anything but the demo: it must never mix
invented customers into real ones. `force` replaces an untouched demo (the counts written
at load time still match and nobody has changed anything through the services since).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any, Protocol

from django.apps import apps as django_apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from reservoir.audit import services as audit
from reservoir.audit.models import AuditEntry
from reservoir.decisions import demo as decisions_demo
from reservoir.decisions.models import DecisionLog, DecisionTable
from reservoir.demo import service as service_demo
from reservoir.demo.generator import generate
from reservoir.demo.staff import USERNAMES, demo_logins
from reservoir.demo.writer import Writer
from reservoir.iam.models import Team, User
from reservoir.parties.models import (
    ContactPoint,
    Party,
    PartyRole,
    PostalAddress,
    Profile,
    Relationship,
    Trait,
    TraitHistory,
)
from reservoir.resolution.completeness.services import recompute as recompute_completeness
from reservoir.resolution.duplicates import detect_duplicates
from reservoir.resolution.matchindex import rebuild_match_index
from reservoir.resolution.models import CompletenessRun, DuplicateScan
from reservoir.sales.models import Order, OrderLine, Product, ProductCategory
from reservoir.timeline.models import Conversation, Interaction

MARKER = "demo.data.loaded"
# What the marker remembers, to tell later whether the database still holds only the demo.
WATCHED: dict[str, Any] = {"parties": Party, "contact_points": ContactPoint, "orders": Order,
           "interactions": Interaction, "products": Product, "users": User}  # fmt: skip


class Output(Protocol):
    """Where progress goes: a text stream or a management command's stdout."""

    def write(self, text: str, /) -> object: ...


class DemoRefused(Exception):
    """The database holds data that is not (only) the demo; nothing was changed."""


def _say(stdout: Output | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text + ("" if text.endswith("\n") else "\n"))


def _fresh_start_hint() -> str:
    return (
        f"To start again, stop Reservoir, delete the data folder ({settings.DATA_DIR}) or "
        "drop the database, run `manage.py migrate`, then `manage.py load_demo`."
    )


def demo_state() -> str:
    """Return "empty", "demo" (the demo was loaded) or "other" (the database holds data)."""
    if (
        AuditEntry.objects.filter(action=MARKER).exists()
        or User.objects.filter(username="admin").exists()
    ):
        return "demo"
    if any(m.objects.exists() for m in (Party, Order, Product, ProductCategory, Team)):
        return "other"
    if User.objects.filter(username__in=USERNAMES).exists():
        return "other"
    return "empty"


def holds_only_demo() -> bool:
    """True when the database holds the demo exactly as it was loaded."""
    marker = AuditEntry.objects.filter(action=MARKER).order_by("-id").first()
    if marker is None:
        return False
    # The load itself writes audited rows (contact rules, scans): only more than those
    # means someone has worked in this database.
    if AuditEntry.objects.exclude(action=MARKER).count() != marker.data.get("audit_entries", 0):
        return False
    if User.objects.exclude(username__in=USERNAMES).exists():
        return False
    counts = marker.data.get("counts", {})
    return all(counts.get(name) == model.objects.count() for name, model in WATCHED.items())


def wipe_demo() -> None:
    """Delete the demo rows (children first). Call only when `holds_only_demo()`."""
    for label in (
        "contact_center",
        "portal",
        "consent",
        "analytics",
        "support",
        "knowledge",
        "calendars",
    ):
        for model in reversed(list(django_apps.get_app_config(label).get_models())):
            model._default_manager.all().delete()
    for model in (Interaction, Conversation, OrderLine, Order, TraitHistory, Trait, Profile,
                  Relationship, PostalAddress, ContactPoint, PartyRole, Party, Product,
                  DecisionLog, DecisionTable, DuplicateScan, CompletenessRun):  # fmt: skip
        model.objects.all().delete()
    AuditEntry.objects.all().delete()
    while ProductCategory.objects.exists():
        ProductCategory.objects.filter(children__isnull=True).delete()
    User.objects.filter(username__in=USERNAMES).delete()
    Team.objects.all().delete()
    AuditEntry.objects.filter(action=MARKER).delete()


def load_demo(
    seed: int = 42,
    scale: float = 1.0,
    stdout: Output | None = None,
    *,
    force: bool = False,
    today: dt.date | None = None,
) -> dict[str, int]:
    """Load the demo company; return the row counts ({} when the demo was already there).

    Deterministic: the same seed, scale and `today` (default: the local date) give the same
    data. Raises DemoRefused when the database holds anything else. Side effects: one
    transaction with every insert and one audit entry (the marker).
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    started = time.perf_counter()
    today = today or timezone.localdate()
    state = demo_state()
    if state == "demo" and not force:
        if AuditEntry.objects.filter(action=MARKER).exists():
            _say(stdout, "The demo is already loaded; nothing to do (--force replaces it).")
        else:
            _say(
                stdout,
                "A user “admin” already exists, so the demo was not loaded. " + _fresh_start_hint(),
            )
        return {}
    if state == "other":
        raise DemoRefused(
            "The database already holds data, so the demo was not loaded. " + _fresh_start_hint()
        )
    if state == "demo" and not holds_only_demo():
        raise DemoRefused(
            "The database holds more than the untouched demo; --force refused. "
            + _fresh_start_hint()
        )
    _say(
        stdout,
        f"Generating the demo company (seed {seed}, scale {scale}, history ending before {today}) …",
    )
    data = generate(seed, scale, today, settings.TIME_ZONE)
    _say(stdout, f"  generated in {time.perf_counter() - started:.1f} s")
    writer = Writer(lambda line: _say(stdout, line))
    with transaction.atomic():
        if demo_state() != state:  # another load got there while this one was generating
            raise DemoRefused("The database changed during the load; nothing was written.")
        if state == "demo":
            wiped = time.perf_counter()
            wipe_demo()
            _say(stdout, f"  removed the previous demo ({time.perf_counter() - wiped:.1f} s)")
        writer.staff()
        writer.catalogue()
        party_ids = writer.parties(data)
        order_ids = writer.orders(data, party_ids)
        writer.timeline(data, party_ids, order_ids)
        counts = _final_counts(writer.counts, data)
        counts.update(_derive(writer.users["admin"], stdout, seed, today))
        counts["interactions"] = Interaction.objects.count()  # cases add their messages
        counts["conversations"] = Conversation.objects.count()
        counts["orders"] = Order.objects.count()  # replacements sent for complaints
        watched = {name: model.objects.count() for name, model in WATCHED.items()}
        audit.record(None, MARKER, writer.users["admin"],
                     data={"seed": seed, "scale": scale, "today": today, "counts": watched,
                           "audit_entries": AuditEntry.objects.count()})  # fmt: skip
    elapsed = time.perf_counter() - started
    _say(stdout, f"Loaded the demo in {elapsed:.1f} s:")
    for name, count in counts.items():
        _say(stdout, f"  {name:<15} {count:>9,}")
    _say(stdout, "Demo logins (username / password — role):")
    for username, password, role in demo_logins():
        _say(stdout, f"  {username:<10} {password}  — {role}")
    return counts


def _derive(admin: User, stdout: Output | None, seed: int, today: dt.date) -> dict[str, int]:
    """Compute what the live system derives from the data: the match index, the duplicates
    queue, completeness scores, the contact rules with a day of decisions, and the service
    side (knowledge base, cases, a portal login).

    Side effects: audited writes of those apps (counted in the marker as part of the demo).
    Returns the counts of articles and cases.
    """
    started = time.perf_counter()
    rebuild_match_index()
    scan = detect_duplicates(auto_merge_pairs=False)
    recompute_completeness(trigger="demo")
    decisions_demo.load(admin)
    decided = decisions_demo.record_demo_day(admin)
    _say(
        stdout,
        f"  derived {scan.pairs} duplicate pairs, completeness, {decided} decisions "
        f"({time.perf_counter() - started:.1f} s)",
    )
    started = time.perf_counter()
    # The service history ends this morning of `today`, so a reload with the same day repeats it.
    now = timezone.make_aware(dt.datetime.combine(today, dt.time(8, 0)))
    counts = service_demo.load(seed, now, lambda line: _say(stdout, line))
    _say(
        stdout, f"  service desk, knowledge base and portal ({time.perf_counter() - started:.1f} s)"
    )
    return {k: counts[k] for k in ("articles", "cases")}


def _final_counts(written: dict[str, int], data: Any) -> dict[str, int]:
    counts = dict(written)
    counts["persons"] = sum(1 for p in data.parties if p.kind == "person")
    counts["organizations"] = counts["parties"] - counts["persons"]
    return counts
