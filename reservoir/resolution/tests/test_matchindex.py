import pytest

from reservoir.parties import services as party_services
from reservoir.parties.models import Party
from reservoir.parties.tests.factories import ContactPointFactory, OrganizationFactory, PartyFactory
from reservoir.resolution.matchindex import party_records, rebuild_match_index
from reservoir.resolution.matching import PartyRecord
from reservoir.resolution.models import MatchKey
from reservoir.resolution.selectors import match_record

pytestmark = pytest.mark.django_db


def test_party_records_read_contacts_address_and_employer_when_batch_loaded():
    org = OrganizationFactory(display_name="恒信科技有限公司", legal_name="恒信科技有限公司")
    person = PartyFactory(family_name="张", given_name="伟", display_name="张伟")
    ContactPointFactory(party=person, kind="email", value="zw@example.com")
    ContactPointFactory(party=person, kind="phone", value="+8613800138000")
    ContactPointFactory(party=person, kind="wechat", value="zhangwei88")
    party_services.add_address(person, by=None, city="上海市", street="人民路 1 号")
    party_services.relate(person, org, kind="employee_of", by=None)

    records = party_records([person.pk, org.pk])

    rec = records[person.pk]
    assert (rec.family_name, rec.given_name, rec.full_name) == ("张", "伟", "张伟")
    assert rec.emails == ("zw@example.com",)
    assert rec.phones == ("+8613800138000",)
    assert rec.other_ids == ("wechat:zhangwei88",)
    assert (rec.city, rec.street, rec.company) == ("上海市", "人民路 1 号", "恒信科技有限公司")
    assert records[org.pk].kind == "organization"


def test_match_keys_follow_the_party_when_created_and_updated(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        party = party_services.create_party(
            by=None, kind="person", family_name="Smith", given_name="Alice"
        )
    before = set(MatchKey.objects.filter(party=party).values_list("key", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        party_services.add_contact_point(party, kind="email", raw="alice@example.com", by=None)

    after = set(MatchKey.objects.filter(party=party).values_list("key", flat=True))
    assert before
    assert "e:alice@example.com" in after - before


def test_rebuild_indexes_active_parties_only_when_run():
    active = PartyFactory(family_name="Li", given_name="Lei")
    PartyFactory(family_name="Li", given_name="Lei", status="inactive")

    count = rebuild_match_index()

    assert count == MatchKey.objects.count() > 0
    assert set(MatchKey.objects.values_list("party_id", flat=True)) == {active.pk}


def test_match_record_finds_pinyin_and_traditional_forms_when_names_differ_in_script():
    party = PartyFactory(family_name="张", given_name="伟", display_name="张伟")
    ContactPointFactory(party=party, kind="phone", value="+8613800138000")
    PartyFactory(family_name="王", given_name="芳", display_name="王芳")
    rebuild_match_index()

    by_phone = match_record(PartyRecord(key="x", full_name="Wei Zhang", phones=("+8613800138000",)))
    by_script = match_record(
        PartyRecord(key="y", family_name="張", given_name="偉", phones=("+8613800138000",))
    )

    assert [c.party_id for c in by_phone] == [party.pk]
    assert [c.party_id for c in by_script] == [party.pk]
    assert by_phone[0].probability >= 0.6
    assert {e.field for e in by_phone[0].evidence} >= {"phone"}


def test_match_record_hides_parties_the_actor_may_not_see_when_actor_given(rep_a, rep_b):
    party = PartyFactory(family_name="Smith", given_name="Alice", owner=rep_b)
    ContactPointFactory(party=party, kind="email", value="alice@example.com")
    rebuild_match_index()
    record = PartyRecord(
        key="x", given_name="Alice", family_name="Smith", emails=("alice@example.com",)
    )

    seen_by_b = match_record(record, actor=rep_b)
    seen_by_a = match_record(record, actor=rep_a)

    assert [c.party_id for c in seen_by_b] == [party.pk]
    assert seen_by_a == []


def test_match_record_skips_excluded_and_merged_parties_when_asked():
    keep = PartyFactory(family_name="Smith", given_name="Alice")
    ContactPointFactory(party=keep, kind="email", value="alice@example.com")
    gone = PartyFactory(family_name="Smith", given_name="Alice", status="inactive")
    ContactPointFactory(party=gone, kind="email", value="alice@example.com")
    rebuild_match_index()
    record = PartyRecord(
        key="x", given_name="Alice", family_name="Smith", emails=("alice@example.com",)
    )

    found = match_record(record, exclude={keep.pk})

    assert found == []
    assert Party.objects.count() == 2
