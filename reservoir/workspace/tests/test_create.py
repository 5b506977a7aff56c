"""The New customer / New organization pages, their duplicate check and permissions."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reservoir.audit.models import AuditEntry
from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties.enums import ContactKind, PartyKind, RelationshipKind
from reservoir.parties.models import ContactPoint, Party, PostalAddress, Relationship, Trait
from reservoir.parties.tests.factories import OrganizationFactory, PartyFactory
from reservoir.resolution.matchindex import refresh_match_keys
from reservoir.workspace.tests.conftest import ids_in

pytestmark = pytest.mark.django_db

NEW = reverse("workspace:person_new")
NEW_ORG = reverse("workspace:organization_new")
MATCHES = reverse("workspace:party_new_matches")


@pytest.fixture
def analyst(team_a):
    return UserFactory(username="analyst", role=Role.ANALYST, team=team_a)


@pytest.fixture
def marketer(team_a):
    return UserFactory(username="marketer", role=Role.MARKETER, team=team_a)


def _person(**overrides):
    data = {
        "kind": "person",
        "family_name": "张",
        "given_name": "伟",
        "name_order": "",
        "birth_date": "1985-03-02",
        "gender": "male",
        "language": "zh-hans",
        "mobile": "138 0013 8000",
        "phone": "",
        "email": "Zhang.Wei@Example.COM ",
        "wechat": "zhangwei_85",
        "other_kind": "whatsapp",
        "other_value": "",
        "country": "CN",
        "region": "上海市",
        "city": "上海市",
        "district": "浦东新区",
        "street": "世纪大道 100 号",
        "postal_code": "200120",
        "roles": ["customer"],
        "source": "Trade show 2026",
        "tags": "VIP, 展会；golf",
        "owner": "",
        "team": "",
        "job_title": "",
    }
    return {**data, **overrides}


def _existing(owner, *, name=("张", "伟"), phone="", email="", birth=dt.date(1985, 3, 2)):
    family, given = name
    party = PartyFactory(
        owner=owner,
        family_name=family,
        given_name=given,
        display_name=f"{family}{given}",
        name_order="eastern",
        birth_date=birth,
    )
    if phone:
        ContactPoint.objects.create(party=party, kind=ContactKind.PHONE, value=phone)
    if email:
        ContactPoint.objects.create(party=party, kind=ContactKind.EMAIL, value=email)
    refresh_match_keys([party.pk])
    return party


# --- creating ---------------------------------------------------------------------------


def test_person_is_created_with_normalized_contacts_address_employer_and_tags_when_form_is_complete(
    client, rep_a, team_a
):
    org = OrganizationFactory(owner=rep_a, display_name="Acme Shanghai")
    client.force_login(rep_a)

    response = client.post(
        NEW, _person(owner=rep_a.pk, employer=org.pk, job_title="Buyer"), follow=False
    )

    party = Party.objects.exclude(pk=org.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:party_detail", args=[party.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Created 张伟."]
    assert (party.kind, party.display_name, party.name_order) == ("person", "张伟", "eastern")
    assert (party.birth_date, party.gender, party.language) == (
        dt.date(1985, 3, 2),
        "male",
        "zh-hans",
    )
    assert (party.owner, party.team, party.source) == (rep_a, team_a, "Trade show 2026")
    assert sorted(party.roles.values_list("role", flat=True)) == ["customer"]
    assert sorted(party.contact_points.values_list("kind", "value", "label", "is_primary")) == [
        ("email", "zhang.wei@example.com", "", True),
        ("phone", "+8613800138000", "mobile", True),
        ("wechat", "zhangwei_85", "", True),
    ]
    address = PostalAddress.objects.get(party=party)
    assert (address.format, address.one_line(), address.postal_code) == (
        "zh",
        "上海市上海市浦东新区世纪大道 100 号",
        "200120",
    )
    rel = Relationship.objects.get(from_party=party)
    assert (rel.to_party, rel.kind, rel.title) == (org, RelationshipKind.EMPLOYEE_OF, "Buyer")
    trait = Trait.objects.get(party=party, key="tags")
    assert (trait.value, trait.source) == (["VIP", "展会", "golf"], "manual")
    assert sorted(AuditEntry.objects.filter(actor=rep_a).values_list("action", flat=True)) == [
        "parties.address.added",
        "parties.contact_point.added",
        "parties.contact_point.added",
        "parties.contact_point.added",
        "parties.party.created",
        "parties.relationship.added",
        "parties.trait.changed",
    ]


def test_name_order_is_western_when_latin_name_is_typed_without_an_order(client, rep_a):
    client.force_login(rep_a)

    client.post(NEW, _person(family_name="Smith", given_name="Alice", owner=rep_a.pk))

    party = Party.objects.get()
    assert (party.display_name, party.name_order) == ("Alice Smith", "western")


def test_organization_is_created_with_its_fields_when_form_is_complete(client, rep_a, team_a):
    client.force_login(rep_a)
    data = {
        "kind": "organization",
        "display_name": "华东贸易有限公司",
        "legal_name": "上海华东贸易有限公司",
        "industry": "Wholesale",
        "website": "huadong.example.com",
        "phone": "021 6888 8888",
        "email": "info@huadong.example.com",
        "country": "CN",
        "city": "上海市",
        "roles": ["prospect", "distributor"],
        "owner": rep_a.pk,
    }

    response = client.post(NEW_ORG, data)

    org = Party.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:party_detail", args=[org.pk])
    assert (org.kind, org.display_name, org.legal_name, org.website) == (
        PartyKind.ORGANIZATION,
        "华东贸易有限公司",
        "上海华东贸易有限公司",
        "https://huadong.example.com",
    )
    assert (org.owner, org.team) == (rep_a, team_a)
    assert sorted(org.roles.values_list("role", flat=True)) == ["distributor", "prospect"]
    assert sorted(org.contact_points.values_list("kind", "value", "label")) == [
        ("email", "info@huadong.example.com", ""),
        ("phone", "+862168888888", "work"),
    ]


def test_form_defaults_to_me_my_team_and_prospect_when_a_sales_rep_opens_it(client, rep_a):
    client.force_login(rep_a)

    response = client.get(NEW)

    form = response.context["form"]
    assert response.status_code == 200
    assert (form["owner"].value(), form["team"].value(), form["roles"].value()) == (
        rep_a.pk,
        rep_a.team_id,
        ["prospect"],
    )
    assert 'hx-trigger="input changed delay:400ms"' in response.content.decode()


# --- validation: nothing is written -----------------------------------------------------


def test_bad_phone_shows_the_normalizer_message_and_writes_nothing_when_submitted(client, rep_a):
    client.force_login(rep_a)

    response = client.post(NEW, _person(mobile="123", owner=rep_a.pk))

    assert response.status_code == 422
    assert response.context["form"].errors["mobile"] == ["“123” is not a valid phone number."]
    assert Party.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_bad_email_shows_an_error_and_writes_nothing_when_phone_is_good(client, rep_a):
    client.force_login(rep_a)

    response = client.post(NEW, _person(email="zhang@", owner=rep_a.pk))

    assert response.status_code == 422
    assert response.context["form"].errors["email"] == ["“zhang@” is not an email address."]
    assert (Party.objects.count(), ContactPoint.objects.count()) == (0, 0)


def test_owner_from_another_team_is_refused_when_a_sales_rep_submits(client, rep_a, rep_b):
    client.force_login(rep_a)

    response = client.post(NEW, _person(owner=rep_b.pk))

    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["owner"]
    assert Party.objects.count() == 0


def test_employer_of_another_team_is_refused_when_submitted(client, rep_a, org_b):
    client.force_login(rep_a)

    response = client.post(NEW, _person(owner=rep_a.pk, employer=org_b.pk))

    assert response.status_code == 422
    assert response.context["form"].non_field_errors() == [
        "Choose the employer from the list of organizations."
    ]
    assert Party.objects.count() == 1  # org_b only


# --- duplicates on submit ---------------------------------------------------------------


def test_create_is_blocked_with_a_link_when_the_email_belongs_to_a_visible_customer(client, rep_a):
    existing = _existing(rep_a, name=("Li", "Na"), email="zhang.wei@example.com")
    client.force_login(rep_a)

    response = client.post(NEW, _person(owner=rep_a.pk))

    url = reverse("workspace:party_detail", args=[existing.pk])
    assert response.status_code == 422
    assert response.context["form"].errors["email"] == [
        f'This email address already belongs to <a href="{url}">{existing.display_name}</a>.'
    ]
    assert Party.objects.count() == 1
    assert f'href="{url}"' in response.content.decode()


def test_create_is_blocked_without_the_name_when_the_phone_belongs_to_an_invisible_customer(
    client, rep_a, rep_b
):
    hidden = _existing(rep_b, name=("Bravo", "Bob"), phone="+8613800138000")
    client.force_login(rep_a)

    response = client.post(NEW, _person(owner=rep_a.pk))

    body = response.content.decode()
    assert response.status_code == 422
    assert response.context["form"].errors["mobile"] == [
        "This phone number already belongs to a customer you cannot see: ask a manager."
    ]
    assert hidden.display_name not in body
    assert reverse("workspace:party_detail", args=[hidden.pk]) not in body
    assert Party.objects.count() == 1


def test_create_goes_through_when_only_a_probable_match_exists(client, rep_a):
    _existing(rep_a)  # 张伟, same birth date, no shared identifier
    client.force_login(rep_a)

    response = client.post(NEW, _person(owner=rep_a.pk))

    assert response.status_code == 302
    assert Party.objects.count() == 2


# --- the duplicate check while typing ---------------------------------------------------


def test_duplicate_check_lists_an_exact_and_a_probable_match_when_both_exist(client, rep_a):
    exact = _existing(rep_a, name=("Li", "Na"), phone="+8613800138000")
    probable = _existing(rep_a)
    client.force_login(rep_a)

    response = client.post(MATCHES, _person(email="", wechat=""))

    body = response.content.decode()
    assert response.status_code == 200
    assert ids_in(response, "data-party-id") == [exact.pk, probable.pk]
    assert body.count('data-match="exact"') == 1
    assert body.count('data-match="probable"') == 1
    assert reverse("workspace:party_detail", args=[probable.pk]) in body
    assert "% likely" in body


def test_duplicate_check_names_no_invisible_customer_when_phone_and_name_match(
    client, rep_a, rep_b
):
    hidden = _existing(rep_b, phone="+8613800138000")
    client.force_login(rep_a)

    response = client.post(MATCHES, _person(email="", wechat=""))

    body = response.content.decode()
    assert 'data-match="exact"' in body
    assert "A customer you cannot see" in body
    assert hidden.display_name not in body
    assert ids_in(response, "data-party-id") == []
    assert 'data-match="probable"' not in body


def test_duplicate_check_is_empty_when_nothing_is_typed(client, rep_a):
    client.force_login(rep_a)

    response = client.post(MATCHES, {"kind": "person"})

    assert response.status_code == 200
    assert 'data-matches="none"' in response.content.decode()


def _count_matches_queries(client) -> tuple[int, list[int]]:
    client.post(MATCHES, _person())
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(MATCHES, _person())
    return len(ctx), ids_in(response, "data-party-id")


def test_duplicate_check_query_count_does_not_grow_when_candidates_grow(client, rep_a):
    exact = _existing(rep_a, name=("Li", "Na"), phone="+8613800138000")
    first = _existing(rep_a)
    client.force_login(rep_a)
    one_count, one_ids = _count_matches_queries(client)
    more = [_existing(rep_a), _existing(rep_a)]

    three_count, three_ids = _count_matches_queries(client)

    assert one_ids == [exact.pk, first.pk]
    assert sorted(three_ids) == sorted([exact.pk, first.pk, *(p.pk for p in more)])
    # session, user; the phone's visible owner; email and WeChat: visible owner, any owner;
    # match_record (identifier owners, blocking keys, visibility, 4 record reads); the
    # parties shown with owner and team.
    assert one_count == three_count == 15


# --- employer search --------------------------------------------------------------------


def test_employer_search_lists_only_visible_organizations_when_names_match(client, rep_a, rep_b):
    mine = OrganizationFactory(owner=rep_a, display_name="Bravo Logistics")
    OrganizationFactory(owner=rep_b, display_name="Bravo Trading")
    client.force_login(rep_a)

    response = client.get(reverse("workspace:employer_options"), {"employer_q": "bravo"})

    assert ids_in(response, "data-party-id") == [mine.pk]


# --- permissions ------------------------------------------------------------------------


@pytest.mark.parametrize("url", [NEW, NEW_ORG, reverse("workspace:employer_options")])
def test_pages_are_forbidden_when_the_user_is_an_analyst(client, analyst, url):
    client.force_login(analyst)

    response = client.get(url)

    assert response.status_code == 403


def test_duplicate_check_is_forbidden_when_the_user_is_an_analyst(client, analyst):
    client.force_login(analyst)

    response = client.post(MATCHES, _person())

    assert response.status_code == 403


def test_create_is_forbidden_and_writes_nothing_when_the_user_is_an_analyst(client, analyst):
    client.force_login(analyst)

    response = client.post(NEW, _person(owner=analyst.pk))

    assert response.status_code == 403
    assert Party.objects.count() == 0


def test_marketer_creates_a_lead_when_the_form_is_valid(client, marketer):
    client.force_login(marketer)

    response = client.post(NEW, _person(owner=marketer.pk, roles=["prospect"]))

    assert response.status_code == 302
    assert list(Party.objects.values_list("owner", "roles__role")) == [(marketer.pk, "prospect")]


@pytest.mark.parametrize(
    ("list_name", "new_name"),
    [
        ("workspace:customer_list", "workspace:person_new"),
        ("workspace:organization_list", "workspace:organization_new"),
    ],
)
def test_list_offers_the_new_button_only_when_the_user_may_create(
    client, rep_a, analyst, list_name, new_name
):
    href = f'href="{reverse(new_name)}"'

    client.force_login(rep_a)
    shown = client.get(reverse(list_name)).content.decode()
    client.force_login(analyst)
    hidden = client.get(reverse(list_name)).content.decode()

    assert href in shown
    assert href not in hidden


def test_duplicate_check_finds_an_organization_when_its_phone_is_typed(client, rep_a):
    org = OrganizationFactory(owner=rep_a, display_name="华东贸易有限公司")
    ContactPoint.objects.create(party=org, kind=ContactKind.PHONE, value="+862168888888")
    client.force_login(rep_a)

    response = client.post(
        MATCHES, {"kind": "organization", "display_name": "华东贸易", "phone": "021-6888 8888"}
    )

    assert ids_in(response, "data-party-id") == [org.pk]
    assert 'data-match="exact"' in response.content.decode()


def test_source_suggestions_come_from_visible_customers_only_when_the_page_opens(
    client, rep_a, rep_b
):
    PartyFactory(owner=rep_a, source="Trade show 2026")
    PartyFactory(owner=rep_b, source="Secret campaign")
    client.force_login(rep_a)

    response = client.get(NEW)

    assert response.context["source_options"] == ["Trade show 2026"]


def test_manager_may_give_the_customer_to_a_member_of_a_managed_team_when_creating(
    client, manager_b, rep_b, team_b
):
    client.force_login(manager_b)

    response = client.post(NEW, _person(owner=rep_b.pk))

    party = Party.objects.get()
    assert response.status_code == 302
    assert (party.owner, party.team) == (rep_b, team_b)
