"""merge_parties / unmerge: what moves, who may, and what is refused."""

import datetime as dt

import pytest

from reservoir.audit.models import AuditEntry
from reservoir.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties import services as parties
from reservoir.parties.enums import ContactKind, PartyStatus, RelationshipKind
from reservoir.parties.models import ContactPoint, Party, Profile, Relationship, Trait
from reservoir.parties.tests.factories import PartyFactory
from reservoir.resolution.merging import merge_parties, unmerge
from reservoir.resolution.models import Merge
from reservoir.resolution.survivorship import choose_survivor

pytestmark = pytest.mark.django_db


def _at(day: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, tzinfo=dt.UTC)


def _person(by, given: str, *points: tuple[str, str], **fields) -> Party:
    return parties.create_party(
        by=by, kind="person", given_name=given, family_name="Chen", owner=by,
        contact_points=list(points), **fields,
    )  # fmt: skip


def test_merge_moves_and_dedupes_rows_when_parties_overlap(admin_user):
    a = _person(admin_user, "Amy", ("email", "amy@example.com"), ("phone", "13800000001"))
    b = _person(admin_user, "Amy", ("email", "AMY@example.com"), ("phone", "13800000002"))
    parties.relate(b, a, kind=RelationshipKind.HOUSEHOLD_MEMBER, by=admin_user)
    parties.set_trait(a, key="tier", value="gold", by=admin_user, computed_at=_at(1))
    parties.set_trait(b, key="tier", value="silver", by=admin_user, computed_at=_at(2))
    parties.update_profile(a, by=admin_user, demographics={"job": "nurse"}, needs=["tv"])
    parties.update_profile(b, by=admin_user, demographics={"job": "x", "kids": 2}, needs=["car"])

    merge = merge_parties(a, b, by=admin_user)

    assert b.status == PartyStatus.MERGED
    assert b.merged_into_id == a.pk
    assert sorted(ContactPoint.objects.filter(party=a).values_list("value", flat=True)) == [
        "+8613800000001", "+8613800000002", "amy@example.com",
    ]  # fmt: skip
    assert ContactPoint.objects.filter(party=b).count() == 0
    assert Relationship.objects.count() == 0  # a self-relation is dropped
    assert Trait.objects.get(party=a, key="tier").value == "silver"
    profile = Profile.objects.get(party=a)
    assert (profile.demographics, profile.needs) == ({"job": "nurse", "kids": 2}, ["tv", "car"])
    assert merge.counts == {
        "roles": 0, "contact_points": 1, "addresses": 0, "relationships": 0,
        "profile": 1, "traits": 1, "trait_history": 1,
    }  # fmt: skip
    assert AuditEntry.objects.filter(action="resolution.parties.merged").count() == 2


def test_merge_applies_choices_when_a_field_is_overridden(admin_user):
    a = _person(admin_user, "Amy", gender="f")
    b = _person(admin_user, "Amelia", birth_date=dt.date(1990, 1, 2))

    merge_parties(a, b, by=admin_user, choices={"name": "merged"})

    a.refresh_from_db()
    assert (a.given_name, a.display_name) == ("Amelia", "Amelia Chen")
    assert (a.gender, a.birth_date) == ("f", dt.date(1990, 1, 2))


def test_merge_refuses_when_a_party_is_merged_with_itself(admin_user):
    a = _person(admin_user, "Amy")

    with pytest.raises(InvalidInput):
        merge_parties(a, a, by=admin_user)

    assert Merge.objects.count() == 0


def test_merge_refuses_when_a_party_was_already_merged(admin_user):
    a, b, c = (_person(admin_user, n) for n in ("Amy", "Bo", "Cy"))
    merge_parties(a, b, by=admin_user)

    with pytest.raises(Conflict) as exc:
        merge_parties(c, b, by=admin_user)

    assert exc.value.code == "already_merged"
    assert Merge.objects.count() == 1


def test_merge_answers_not_found_when_the_actor_cannot_see_a_party(rep_a, rep_b):
    mine, theirs = PartyFactory(owner=rep_a), PartyFactory(owner=rep_b)

    with pytest.raises(NotFound):
        merge_parties(mine, theirs, by=rep_a)

    assert Party.objects.get(pk=theirs.pk).status == PartyStatus.ACTIVE


def test_merge_refuses_when_the_role_may_not_merge(db):
    marketer = UserFactory(role=Role.MARKETER)
    a, b = PartyFactory(), PartyFactory()

    with pytest.raises(PermissionDenied):
        merge_parties(a, b, by=marketer)

    assert Merge.objects.count() == 0


def test_sales_rep_may_merge_when_parties_are_own_or_unowned(rep_a):
    mine, unowned = PartyFactory(owner=rep_a), PartyFactory(status=PartyStatus.PROVISIONAL)

    merge = merge_parties(mine, unowned, by=rep_a)

    assert (merge.survivor_id, merge.merged_id, merge.by_id) == (mine.pk, unowned.pk, rep_a.pk)
    assert Party.objects.get(pk=mine.pk).status == PartyStatus.ACTIVE


def test_sales_rep_may_not_merge_when_a_teammate_owns_a_party(rep_a, team_a):
    teammate = UserFactory(role=Role.SALES_REP, team=team_a)
    mine, theirs = PartyFactory(owner=rep_a), PartyFactory(owner=teammate)

    with pytest.raises(PermissionDenied):
        merge_parties(mine, theirs, by=rep_a)

    assert Merge.objects.count() == 0


def test_unmerge_refuses_when_the_merge_was_already_undone(admin_user):
    a, b = _person(admin_user, "Amy"), _person(admin_user, "Bo")
    merge = merge_parties(a, b, by=admin_user)
    unmerge(merge, by=admin_user)

    with pytest.raises(Conflict) as exc:
        unmerge(merge, by=admin_user)

    assert exc.value.code == "already_unmerged"
    assert AuditEntry.objects.filter(action="resolution.parties.unmerged").count() == 2


def test_unmerge_refuses_when_a_later_merge_involves_the_survivor(admin_user):
    a, b, c = (_person(admin_user, n) for n in ("Amy", "Bo", "Cy"))
    first = merge_parties(a, b, by=admin_user)
    later = merge_parties(c, a, by=admin_user)

    with pytest.raises(Conflict) as exc:
        unmerge(first, by=admin_user)

    assert f"#{later.pk}" in exc.value.message
    assert Party.objects.get(pk=b.pk).status == PartyStatus.MERGED


def test_unmerge_keeps_an_edit_when_the_survivor_was_edited_after_the_merge(admin_user):
    a, b = _person(admin_user, "Amy"), _person(admin_user, "Bo", gender="f")
    merge = merge_parties(a, b, by=admin_user)
    parties.update_party(a, by=admin_user, gender="m")

    unmerge(merge, by=admin_user)

    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.gender, b.gender, b.status, b.merged_into_id) == ("m", "f", "active", None)


def test_unmerge_refuses_when_the_user_neither_merged_nor_manages(rep_a, team_a):
    a, b = PartyFactory(owner=rep_a), PartyFactory(owner=rep_a)
    merge = merge_parties(a, b, by=rep_a)
    teammate = UserFactory(role=Role.SALES_REP, team=team_a)

    with pytest.raises(PermissionDenied):
        unmerge(merge, by=teammate)

    assert Merge.objects.get().unmerged_at is None


def test_merge_keeps_primary_of_survivor_when_both_have_a_primary_phone(admin_user):
    a = _person(admin_user, "Amy", (ContactKind.PHONE, "13800000001"))
    b = _person(admin_user, "Bo", (ContactKind.PHONE, "13800000002"))

    merge_parties(a, b, by=admin_user)

    primaries = ContactPoint.objects.filter(party=a, is_primary=True)
    assert list(primaries.values_list("value", flat=True)) == ["+8613800000001"]


def test_unmerge_keeps_a_contact_point_on_the_survivor_when_added_after_the_merge(admin_user):
    a = _person(admin_user, "Amy", ("email", "amy@example.com"))
    b = _person(admin_user, "Bo", ("email", "bo@example.com"))
    merge = merge_parties(a, b, by=admin_user)
    later = parties.add_contact_point(a, kind="email", raw="amy.new@example.com", by=admin_user)

    unmerge(merge, by=admin_user)

    assert ContactPoint.objects.get(pk=later.pk).party_id == a.pk
    assert list(ContactPoint.objects.filter(party=b).values_list("value", flat=True)) == [
        "bo@example.com"
    ]
    a.refresh_from_db()
    assert "amy.new@example.com" in a.search_text


def test_auto_merge_records_the_probability_when_the_system_merges(db):
    older, newer = PartyFactory(), PartyFactory(status=PartyStatus.PROVISIONAL)

    merge = merge_parties(*choose_survivor(newer, older), by=None, auto=True, probability=0.997)

    assert (merge.survivor_id, merge.merged_id, merge.by_id) == (older.pk, newer.pk, None)
    assert (merge.auto, merge.probability) == (True, 0.997)
    assert AuditEntry.objects.filter(action="resolution.parties.merged", actor=None).count() == 2
