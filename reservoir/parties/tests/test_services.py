import pytest

from reservoir.audit.models import AuditEntry
from reservoir.core.errors import InvalidInput
from reservoir.parties import selectors, services
from reservoir.parties.enums import ContactKind, PartyKind, RelationshipKind
from reservoir.parties.models import ContactPoint, Party, Trait, TraitHistory

pytestmark = pytest.mark.django_db


def test_create_person_composes_chinese_name_family_first(rep_a):
    party = services.create_party(
        by=rep_a,
        kind=PartyKind.PERSON,
        family_name="张",
        given_name="伟",
        owner=rep_a,
        roles=["customer"],
        contact_points=[("phone", "138 0013 8000"), ("email", "ZW@Example.com")],
    )

    assert party.display_name == "张伟"
    assert party.team_id == rep_a.team_id
    assert sorted(party.contact_points.values_list("value", flat=True)) == [
        "+8613800138000",
        "zw@example.com",
    ]
    assert (
        AuditEntry.objects.filter(action="parties.party.created", object_pk=str(party.pk)).count()
        == 1
    )


def test_nothing_is_written_when_a_contact_point_is_malformed(rep_a):
    with pytest.raises(InvalidInput) as exc:
        services.create_party(
            by=rep_a,
            kind=PartyKind.PERSON,
            given_name="A",
            family_name="B",
            contact_points=[("phone", "not a phone")],
        )

    assert exc.value.field == "phone"
    assert Party.objects.count() == 0
    assert ContactPoint.objects.count() == 0


def test_update_records_before_and_after(rep_a):
    party = services.create_party(by=rep_a, kind=PartyKind.ORGANIZATION, display_name="Acme")

    services.update_party(party, by=rep_a, display_name="Acme Ltd", industry="Retail")

    entry = AuditEntry.objects.get(action="parties.party.updated")
    assert entry.changes == {"display_name": ["Acme", "Acme Ltd"], "industry": ["", "Retail"]}
    assert entry.actor == rep_a


def test_trait_history_keeps_every_value():
    party = services.create_party(by=None, kind=PartyKind.PERSON, given_name="Li", family_name="Na")

    services.set_trait(party, key="churn_risk", value=0.2, source="computed", by=None)
    services.set_trait(party, key="churn_risk", value=0.7, source="computed", by=None)

    assert Trait.objects.get(party=party, key="churn_risk").value == 0.7
    assert list(
        TraitHistory.objects.filter(party=party)
        .order_by("computed_at", "id")
        .values_list("value", flat=True)
    ) == [0.2, 0.7]


def test_search_finds_phone_typed_differently_and_employer():
    org = services.create_party(
        by=None, kind=PartyKind.ORGANIZATION, display_name="Sunrise Trading"
    )
    person = services.create_party(
        by=None,
        kind=PartyKind.PERSON,
        given_name="Wei",
        family_name="Zhang",
        contact_points=[("phone", "+8613800138000")],
    )
    services.relate(person, org, kind=RelationshipKind.EMPLOYEE_OF, by=None, title="Buyer")
    admin_like = type(
        "U",
        (),
        {
            "is_authenticated": True,
            "is_active": True,
            "is_superuser": True,
            "role": "administrator",
        },
    )()

    by_phone = list(selectors.list_parties(actor=admin_like, search="0086 138-0013-8000"))
    by_employer = list(selectors.list_parties(actor=admin_like, search="sunrise"))

    assert by_phone == [person]
    assert set(by_employer) == {org, person}


def test_identify_normalized_contact_point():
    party = services.create_party(
        by=None,
        kind=PartyKind.PERSON,
        given_name="A",
        family_name="B",
        contact_points=[(ContactKind.WECHAT, " wxid_abc ")],
    )

    assert selectors.identify(ContactKind.WECHAT, "wxid_abc") == party
    assert selectors.identify(ContactKind.WECHAT, "wxid_zzz") is None


def test_relating_a_party_to_itself_is_refused():
    party = services.create_party(by=None, kind=PartyKind.PERSON, given_name="A", family_name="B")

    with pytest.raises(InvalidInput):
        services.relate(party, party, kind=RelationshipKind.PARTNER_OF, by=None)


def test_identify_prefers_the_active_party_when_a_provisional_one_shares_the_contact():
    provisional = services.create_party(
        by=None,
        kind=PartyKind.PERSON,
        display_name="13800138000",
        status="provisional",
        contact_points=[("phone", "13800138000")],
    )
    active = services.create_party(
        by=None,
        kind=PartyKind.PERSON,
        given_name="Wei",
        family_name="Zhang",
        contact_points=[("phone", "+86 138 0013 8000")],
    )

    found = selectors.identify(ContactKind.PHONE, "+8613800138000")

    assert found == active
    assert found != provisional
