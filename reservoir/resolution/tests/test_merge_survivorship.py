"""Survivorship rules and the choice of survivor for automatic merges."""

import datetime as dt

import pytest

from reservoir.core.errors import InvalidInput
from reservoir.parties.enums import PartyStatus
from reservoir.parties.models import Party
from reservoir.parties.tests.factories import PartyFactory
from reservoir.resolution.survivorship import choose_survivor, pick

pytestmark = pytest.mark.django_db


def _touch(party: Party, day: int) -> None:
    Party.objects.filter(pk=party.pk).update(updated_at=dt.datetime(2026, 1, day, tzinfo=dt.UTC))
    party.refresh_from_db()


def test_most_recent_prefers_the_newer_record_when_both_have_a_value():
    a, b = PartyFactory(gender="f", language="en"), PartyFactory(gender="m", language="")
    _touch(a, 1)
    _touch(b, 2)

    picks = pick("most_recent", a, b)

    assert (picks["gender"], picks["language"], picks["name"]) == ("merged", "survivor", "merged")


def test_most_complete_prefers_the_fuller_record_when_counts_differ():
    a = PartyFactory(gender="f")
    b = PartyFactory(gender="m", language="zh", birth_date=dt.date(1990, 1, 1))

    picks = pick("most_complete", a, b)

    assert (picks["gender"], picks["birth_date"]) == ("merged", "merged")


def test_most_trusted_prefers_staff_records_when_the_other_came_from_a_call():
    typed, called = PartyFactory(source="", gender="f"), PartyFactory(source="phone", gender="m")
    _touch(typed, 1)
    _touch(called, 2)

    picks = pick("most_trusted", called, typed)

    assert picks["gender"] == "merged"


def test_pick_refuses_when_a_choice_names_an_unknown_field():
    a, b = PartyFactory(), PartyFactory()

    with pytest.raises(InvalidInput):
        pick("most_recent", a, b, choices={"salary": "merged"})


def test_choose_survivor_prefers_active_when_the_other_is_provisional():
    provisional = PartyFactory(status=PartyStatus.PROVISIONAL, gender="f", language="zh")
    active = PartyFactory()

    assert choose_survivor(provisional, active) == (active, provisional)


def test_choose_survivor_prefers_the_older_when_equally_complete():
    older, newer = PartyFactory(), PartyFactory()

    assert choose_survivor(newer, older) == (older, newer)
