import datetime as dt
import hashlib
import re

import pytest
from django.contrib.auth import authenticate
from django.db.models import Count, Max, Sum

from reservoir.audit.models import AuditEntry
from reservoir.demo.generator import generate
from reservoir.demo.loader import DemoRefused, load_demo
from reservoir.demo.staff import demo_logins
from reservoir.parties import services as party_services
from reservoir.parties.models import ContactPoint, Party
from reservoir.parties.normalize import normalize
from reservoir.sales.models import Order
from reservoir.timeline.enums import Channel
from reservoir.timeline.models import Interaction

TODAY = dt.date(2026, 5, 20)
SCALE = 0.02


@pytest.fixture
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def loaded(db, fast_hasher):
    return load_demo(seed=42, scale=SCALE, today=TODAY)


def _db_digest() -> str:
    """Digest the loaded rows by their natural values (primary keys differ between loads, and
    so do the case numbers made from them)."""
    sha = hashlib.sha256()
    for row in Party.objects.order_by("id").values_list(
        "display_name",
        "kind",
        "owner__username",
        "team__name",
        "search_text",
        "last_interaction_at",
    ):
        sha.update(repr(row).encode())
    for row in Order.objects.order_by("id").values_list("number", "ordered_at", "total", "status"):
        sha.update(repr(row).encode())
    for row in Interaction.objects.order_by("id").values_list(
        "party__display_name", "channel", "kind", "occurred_at", "subject", "cost", "link_label"
    ):
        sha.update(re.sub(r"C-\d+", "C-#", repr(row)).encode())
    return sha.hexdigest()


def test_generation_is_identical_when_seed_and_day_repeat():
    first = generate(42, SCALE, TODAY).digest()

    second = generate(42, SCALE, TODAY).digest()
    other_seed = generate(7, SCALE, TODAY).digest()

    assert first == second
    assert other_seed != first


def test_every_channel_is_present_when_loaded(loaded):
    channels = set(Interaction.objects.values_list("channel", flat=True).distinct())

    assert channels == set(Channel.values)
    assert loaded["interactions"] == Interaction.objects.count()
    assert loaded["orders"] == Order.objects.count() >= 400


def test_order_totals_equal_their_lines_and_each_order_has_its_transaction(loaded):
    orders = Order.objects.annotate(lines_total=Sum("lines__amount"), n_lines=Count("lines"))

    mismatched = [o.number for o in orders if o.total != o.lines_total or not 1 <= o.n_lines <= 3]
    transactions = Interaction.objects.filter(
        kind="transaction", link_app="sales", link_model="order"
    )

    assert mismatched == []
    assert transactions.count() == Order.objects.count()
    assert set(transactions.values_list("link_label", flat=True)) == set(
        Order.objects.values_list("number", flat=True)
    )


def test_contact_points_are_normalized_when_loaded(loaded):
    points = list(ContactPoint.objects.values_list("kind", "value"))

    assert points
    assert [(k, v) for k, v in points if normalize(k, v) != v] == []
    assert all(v.startswith("+") for k, v in points if k == "phone")
    assert all(v == v.lower() for k, v in points if k == "email")


def test_party_denormalized_fields_match_the_services_when_loaded(loaded):
    latest = dict(
        Interaction.objects.values("party")
        .annotate(at=Max("occurred_at"))
        .values_list("party", "at")
    )
    parties = list(Party.objects.all())
    stored = {p.pk: p.search_text for p in parties}

    for party in parties:
        party_services.refresh_search_text(party)

    assert {p.pk: p.last_interaction_at for p in parties if p.pk in latest} == latest
    assert {p.pk: p.search_text for p in parties} == stored


def test_second_load_does_nothing_when_demo_exists(loaded):
    before = (Party.objects.count(), Interaction.objects.count(), AuditEntry.objects.count())

    again = load_demo(seed=42, scale=SCALE, today=TODAY)

    assert again == {}
    assert (
        Party.objects.count(),
        Interaction.objects.count(),
        AuditEntry.objects.count(),
    ) == before


def test_demo_logins_authenticate_when_loaded(loaded):
    logins = demo_logins()

    users = [authenticate(username=u, password=p) for u, p, _role in logins]

    assert [u for u, _p, _r in logins] == [
        "admin", "manager", "sales", "sales2", "marketer", "service", "agent", "analyst"
    ]  # fmt: skip
    assert all(user is not None for user in users)


def test_force_reload_gives_identical_rows_when_only_demo_data_exists(loaded):
    first = _db_digest()
    audits = AuditEntry.objects.count()

    counts = load_demo(seed=42, scale=SCALE, today=TODAY, force=True)

    assert counts == loaded
    assert _db_digest() == first
    assert audits > 1  # the contact rules and the scans are audited like any other write
    assert AuditEntry.objects.count() == audits


def test_force_is_refused_when_someone_changed_the_demo(loaded):
    party_services.create_party(by=None, kind="person", family_name="Real", given_name="Customer")
    parties = Party.objects.count()

    with pytest.raises(DemoRefused):
        load_demo(seed=42, scale=SCALE, today=TODAY, force=True)

    assert Party.objects.count() == parties


def test_load_is_refused_when_the_database_holds_other_data(db, fast_hasher):
    party_services.create_party(by=None, kind="organization", display_name="Real Customer Ltd")

    with pytest.raises(DemoRefused):
        load_demo(seed=42, scale=SCALE, today=TODAY)

    assert Party.objects.count() == 1
    assert not Interaction.objects.exists()
