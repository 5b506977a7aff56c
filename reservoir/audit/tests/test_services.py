import datetime as dt
from decimal import Decimal

import pytest

from reservoir.audit import selectors, services
from reservoir.audit.models import AuditEntry
from reservoir.parties.tests.factories import PartyFactory

pytestmark = pytest.mark.django_db


def test_entries_are_append_only(rep_a):
    party = PartyFactory()
    entry = services.record(rep_a, "parties.party.viewed", party)

    entry.action = "tampered"
    with pytest.raises(RuntimeError):
        entry.save()

    assert AuditEntry.objects.get(pk=entry.pk).action == "parties.party.viewed"


def test_history_lists_newest_first_for_one_object(rep_a):
    party, other = PartyFactory(), PartyFactory()
    services.record(rep_a, "a.first", party)
    services.record(rep_a, "a.second", party)
    services.record(rep_a, "a.other", other)

    actions = [e.action for e in selectors.list_entries_for(party)]

    assert actions == ["a.second", "a.first"]


def test_diff_lists_only_changed_fields():
    assert services.diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {
        "b": [2, 3],
        "c": [None, 4],
    }


def test_entry_reads_back_as_returned_when_data_carries_dates_and_decimals(rep_a):
    party = PartyFactory()
    when = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)

    entry = services.record(
        rep_a,
        "parties.party.updated",
        party,
        changes={"display_name": ["Old", "New"]},
        data={"at": when, "amount": Decimal("12.50"), "party": party},
    )

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.actor_id, stored.action, stored.app_label, stored.model) == (
        rep_a.pk,
        "parties.party.updated",
        "parties",
        "party",
    )
    assert (stored.object_pk, stored.object_repr) == (str(party.pk), str(party))
    assert stored.changes == {"display_name": ["Old", "New"]}
    assert stored.data == {"at": "2026-03-01T09:30:00+00:00", "amount": "12.50", "party": party.pk}
    assert stored.created_at == entry.created_at
    assert entry.data == stored.data


def test_entry_has_no_actor_when_the_system_writes():
    party = PartyFactory()

    entry = services.record(None, "parties.party.created", party)

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor_id is None
    assert (stored.changes, stored.data) == ({}, {})
