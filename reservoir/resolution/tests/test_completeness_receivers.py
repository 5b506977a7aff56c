"""Scores stay fresh: party events rescore the party; the nightly schedule rescores the base."""

import datetime as dt

import pytest
from django_tasks_db.models import DBTaskResult

from reservoir.core import events, scheduler
from reservoir.parties import services as party_services
from reservoir.parties.enums import ContactKind, PartyKind, PartyStatus, TraitSource
from reservoir.parties.events import PartiesMerged
from reservoir.parties.models import ContactPoint, Trait
from reservoir.parties.tests.factories import PartyFactory

pytestmark = pytest.mark.django_db


def _score(party):
    return Trait.objects.get(party=party, key="completeness").value["score"]


def test_new_party_gets_a_score_when_created(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        party = party_services.create_party(
            by=None,
            kind=PartyKind.PERSON,
            family_name="Li",
            given_name="Na",
            contact_points=[(ContactKind.PHONE, "13800138000")],
        )

    trait = Trait.objects.get(party=party, key="completeness")
    # name 10 + phone 15 of 94 → 26.6 → 27
    assert trait.value["score"] == 27
    assert trait.source == TraitSource.COMPUTED


def test_score_rises_when_a_contact_point_or_address_is_added(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        party = party_services.create_party(
            by=None, kind=PartyKind.PERSON, family_name="Li", given_name="Na"
        )
    before = _score(party)

    with django_capture_on_commit_callbacks(execute=True):
        party_services.add_contact_point(
            party, kind=ContactKind.EMAIL, raw="li@example.com", by=None
        )
    after_email = _score(party)
    with django_capture_on_commit_callbacks(execute=True):
        party_services.add_address(party, by=None, city="Shanghai", country="CN")
    after_address = _score(party)

    # name 10 → + email 15 → + address 12, of 94
    assert (before, after_email, after_address) == (11, 27, 39)


def test_score_follows_party_fields_when_they_are_updated(django_capture_on_commit_callbacks):
    party = PartyFactory(family_name="Li", given_name="Na", gender="", language="")
    with django_capture_on_commit_callbacks(execute=True):
        party_services.update_party(party, by=None, birth_date=dt.date(1990, 5, 1), gender="female")

    assert _score(party) == 23  # name 10 + birth date 8 + gender 4 of 94


def test_score_drops_when_a_contact_point_is_removed(django_capture_on_commit_callbacks):
    party = PartyFactory(family_name="Li", given_name="Na", gender="", language="")
    cp = ContactPoint.objects.create(party=party, kind=ContactKind.EMAIL, value="li@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        party_services.update_party(party, by=None, language="zh-hans")
    before = _score(party)

    with django_capture_on_commit_callbacks(execute=True):
        party_services.remove_contact_point(cp, by=None)

    assert (before, _score(party)) == (31, 15)  # name 10 + email 15 + language 4; then no email


def test_survivor_is_rescored_when_parties_are_merged(django_capture_on_commit_callbacks):
    survivor = PartyFactory(family_name="Li", given_name="Na", gender="", language="")
    merged = PartyFactory(status=PartyStatus.MERGED, merged_into=survivor)

    with django_capture_on_commit_callbacks(execute=True):
        events.publish(PartiesMerged(merge_id=1, survivor_id=survivor.pk, merged_id=merged.pk))

    assert _score(survivor) == 11
    assert not Trait.objects.filter(party=merged, key="completeness").exists()


def test_nightly_rescoring_is_scheduled_when_the_scheduler_ticks():
    now = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)

    fired = scheduler.tick(now)
    again = scheduler.tick(now + dt.timedelta(hours=3))

    assert "resolution.completeness_nightly" in fired
    assert "resolution.completeness_nightly" not in again
    queued = DBTaskResult.objects.get(task_path__endswith="recompute_completeness")
    assert queued.args_kwargs["kwargs"] == {"trigger": "nightly"}
