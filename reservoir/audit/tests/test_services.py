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
