"""Dashboard, customer and organization lists, and global search."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reservoir.parties.enums import ContactKind, PartyRoleKind, RelationshipKind
from reservoir.parties.models import ContactPoint, PartyRole, Relationship
from reservoir.parties.tests.factories import OrganizationFactory, PartyFactory
from reservoir.timeline.tests.factories import InteractionFactory
from reservoir.workspace.tests.conftest import count_queries, ids_in

pytestmark = pytest.mark.django_db


def _customer(owner, **kwargs):
    """A person with a role, a phone, an email and an employer: everything a row shows."""
    party = PartyFactory(owner=owner, **kwargs)
    PartyRole.objects.create(party=party, role=PartyRoleKind.CUSTOMER)
    ContactPoint.objects.create(party=party, kind=ContactKind.EMAIL, value=f"p{party.pk}@x.com")
    ContactPoint.objects.create(
        party=party, kind=ContactKind.PHONE, value=f"+86138001380{party.pk % 100:02d}"
    )
    org = OrganizationFactory(owner=owner)
    Relationship.objects.create(from_party=party, to_party=org, kind=RelationshipKind.EMPLOYEE_OF)
    InteractionFactory(party=party, staff=owner)
    return party


# --- customer list -----------------------------------------------------------------------


def test_customer_list_hides_other_teams_parties_when_user_is_a_sales_rep(
    client, rep_a, party_a, party_b
):
    client.force_login(rep_a)

    response = client.get(reverse("workspace:customer_list"))

    assert [p.pk for p in response.context["page"].object_list] == [party_a.pk]
    assert "Bob Bravo" not in response.content.decode()


def test_customer_list_shows_the_formatted_primary_phone_and_role(client, rep_a, party_a):
    client.force_login(rep_a)

    response = client.get(reverse("workspace:customer_list"))

    html = response.content.decode()
    assert 'href="tel:+8613800138000"' in html
    assert "138 0013 8000" in html
    assert "Customer</span>" in html


def test_customer_list_finds_a_phone_typed_in_another_format(client, rep_a, party_a):
    PartyFactory(owner=rep_a, display_name="Other")
    client.force_login(rep_a)

    response = client.get(reverse("workspace:customer_list"), {"q": "0086 138-0013-8000"})

    assert [p.pk for p in response.context["page"].object_list] == [party_a.pk]


def test_customer_list_filters_by_kind_role_owner_and_status(client, admin_user, rep_a, party_a):
    OrganizationFactory(owner=rep_a)
    PartyFactory(owner=rep_a, status="inactive")
    client.force_login(admin_user)

    response = client.get(
        reverse("workspace:customer_list"),
        {"kind": "person", "role": "customer", "owner": rep_a.pk, "status": "active"},
    )

    assert [p.pk for p in response.context["page"].object_list] == [party_a.pk]


def test_customer_list_paginates_by_50(client, admin_user):
    PartyFactory.create_batch(51)
    client.force_login(admin_user)

    response = client.get(reverse("workspace:customer_list"), {"page": 2})

    assert response.context["page"].paginator.num_pages == 2
    assert len(response.context["page"].object_list) == 1


def test_customer_list_runs_the_same_queries_when_it_shows_more_rows(client, rep_a):
    client.force_login(rep_a)
    _customer(rep_a)
    url = reverse("workspace:customer_list")
    one = count_queries(client, url)

    _customer(rep_a)
    _customer(rep_a)
    three = count_queries(client, url)

    assert one == three


# --- organization list -------------------------------------------------------------------


def test_organization_list_counts_only_visible_people(client, rep_a, rep_b):
    org = OrganizationFactory(owner=rep_a)
    mine, theirs = PartyFactory(owner=rep_a), PartyFactory(owner=rep_b)
    for person in (mine, theirs):
        Relationship.objects.create(
            from_party=person, to_party=org, kind=RelationshipKind.EMPLOYEE_OF
        )
    client.force_login(rep_a)

    response = client.get(reverse("workspace:organization_list"))

    assert [(o.pk, o.people_count) for o in response.context["page"].object_list] == [(org.pk, 1)]


def test_organization_list_runs_the_same_queries_when_it_shows_more_rows(client, rep_a):
    client.force_login(rep_a)
    _customer(rep_a)
    url = reverse("workspace:organization_list")
    one = count_queries(client, url)

    _customer(rep_a)
    _customer(rep_a)
    three = count_queries(client, url)

    assert one == three


# --- search ------------------------------------------------------------------------------


def test_search_dropdown_finds_a_phone_in_any_format_when_htmx_asks(client, rep_a, party_a):
    client.force_login(rep_a)

    response = client.get(
        reverse("workspace:search"), {"q": "+86 138 0013 8000"}, HTTP_HX_REQUEST="true"
    )

    assert ids_in(response, "data-party-id") == [party_a.pk]
    assert "<html" not in response.content.decode()
    assert "138 0013 8000" in response.content.decode()


def test_search_hides_parties_of_other_teams_when_user_is_a_sales_rep(
    client, rep_a, party_a, party_b
):
    client.force_login(rep_a)

    response = client.get(reverse("workspace:search"), {"q": "bob"}, HTTP_HX_REQUEST="true")

    assert ids_in(response, "data-party-id") == []
    assert "Nothing matches “bob”." in response.content.decode()


def test_search_dropdown_shows_at_most_8_matches(client, admin_user):
    PartyFactory.create_batch(9, display_name="Zed", search_text="zed")
    client.force_login(admin_user)

    response = client.get(reverse("workspace:search"), {"q": "zed"}, HTTP_HX_REQUEST="true")

    assert len(ids_in(response, "data-party-id")) == 8
    assert "See all results" in response.content.decode()


def test_search_renders_a_full_results_page_without_htmx(client, rep_a, party_a):
    client.force_login(rep_a)

    response = client.get(reverse("workspace:search"), {"q": "alice"})

    assert "<html" in response.content.decode()
    assert [p.pk for p in response.context["page"].object_list] == [party_a.pk]


def test_search_runs_the_same_queries_when_it_finds_more_parties(client, rep_a):
    client.force_login(rep_a)
    url = reverse("workspace:search") + "?q=zoe"
    _customer(rep_a, display_name="Zoe One", search_text="zoe one")
    client.get(url, HTTP_HX_REQUEST="true")
    with CaptureQueriesContext(connection) as one:
        client.get(url, HTTP_HX_REQUEST="true")

    _customer(rep_a, display_name="Zoe Two", search_text="zoe two")
    _customer(rep_a, display_name="Zoe Three", search_text="zoe three")
    with CaptureQueriesContext(connection) as three:
        response = client.get(url, HTTP_HX_REQUEST="true")

    assert len(ids_in(response, "data-party-id")) == 3
    assert len(one) == len(three)


# --- dashboard ---------------------------------------------------------------------------


def test_dashboard_counts_my_customers_and_todays_interactions(client, rep_a, party_a, party_b):
    InteractionFactory(party=party_a, staff=rep_a, channel="email", kind="message")
    InteractionFactory(party=party_b, channel="phone")
    client.force_login(rep_a)

    response = client.get(reverse("workspace:home"))

    d = response.context["dashboard"]
    assert (d.my_customers, d.visible_customers, d.today, d.my_today) == (1, 1, 1, 1)
    assert [(c.channel, c.count) for c in d.week_by_channel] == [("email", 1)]
    assert [p.pk for p in d.recent_customers] == [party_a.pk]


def test_dashboard_lists_latest_visible_interactions_newest_first(client, rep_a, party_a, party_b):
    now = timezone.now()
    older = InteractionFactory(party=party_a, occurred_at=now - timezone.timedelta(hours=2))
    newer = InteractionFactory(party=party_a, occurred_at=now)
    InteractionFactory(party=party_b, occurred_at=now)
    client.force_login(rep_a)

    response = client.get(reverse("workspace:home"))

    assert [i.pk for i in response.context["dashboard"].latest] == [newer.pk, older.pk]


def test_dashboard_runs_the_same_queries_when_there_is_more_data(client, rep_a):
    client.force_login(rep_a)
    _customer(rep_a)
    url = reverse("workspace:home")
    one = count_queries(client, url)

    _customer(rep_a)
    _customer(rep_a)
    three = count_queries(client, url)

    assert one == three
