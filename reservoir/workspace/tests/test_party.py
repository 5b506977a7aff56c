"""The Customer 360 page, the organization page, the timeline partial and their forms."""

import datetime as dt
import re
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from reservoir.audit.models import AuditEntry
from reservoir.parties.enums import RelationshipKind
from reservoir.parties.models import ContactPoint, Relationship
from reservoir.parties.services import set_trait, update_party
from reservoir.parties.tests.factories import OrganizationFactory, PartyFactory
from reservoir.sales.models import OrderStatus
from reservoir.sales.tests.factories import OrderFactory, OrderLineFactory
from reservoir.timeline.models import Interaction
from reservoir.timeline.tests.factories import InteractionFactory
from reservoir.workspace.tests.conftest import count_queries, ids_in

pytestmark = pytest.mark.django_db


def _call(**overrides):
    data = {
        "kind": "call",
        "direction": "inbound",
        "subject": "Renewal question",
        "body": "Wants the fleet renewal moved to January.",
        "outcome": "follow_up",
        "duration_minutes": "7",
        "occurred_at": "",
    }
    return {**data, **overrides}


# --- visibility: another team's customer is a 404 everywhere ----------------------------


@pytest.mark.parametrize(
    "name", ["workspace:party_detail", "workspace:party_timeline", "workspace:party_edit"]
)
def test_party_pages_are_404_when_party_belongs_to_another_team(client, rep_a, party_b, name):
    client.force_login(rep_a)

    response = client.get(reverse(name, args=[party_b.pk]))

    assert response.status_code == 404


def test_organization_page_is_404_when_it_belongs_to_another_team(client, rep_a, org_b):
    client.force_login(rep_a)

    response = client.get(reverse("workspace:organization_detail", args=[org_b.pk]))

    assert response.status_code == 404


def test_log_post_is_404_and_writes_nothing_when_party_belongs_to_another_team(
    client, rep_a, party_b
):
    client.force_login(rep_a)

    response = client.post(reverse("workspace:log_interaction", args=[party_b.pk]), _call())

    assert response.status_code == 404
    assert Interaction.objects.count() == 0


def test_contact_point_post_is_404_when_party_belongs_to_another_team(client, rep_a, party_b):
    client.force_login(rep_a)

    response = client.post(
        reverse("workspace:contact_point_add", args=[party_b.pk]),
        {"kind": "email", "value": "bob@example.com"},
    )

    assert response.status_code == 404
    assert ContactPoint.objects.filter(party=party_b).count() == 0


def test_manager_opens_the_360_page_of_a_managed_teams_party(client, manager_b, party_b, org_b):
    client.force_login(manager_b)

    page = client.get(reverse("workspace:party_detail", args=[party_b.pk]))
    org = client.get(reverse("workspace:organization_detail", args=[org_b.pk]))
    timeline = client.get(reverse("workspace:party_timeline", args=[party_b.pk]))

    assert (page.status_code, org.status_code, timeline.status_code) == (200, 200, 200)


def test_organization_page_is_404_when_the_party_is_a_person(client, rep_a, party_a):
    client.force_login(rep_a)

    response = client.get(reverse("workspace:organization_detail", args=[party_a.pk]))

    assert response.status_code == 404


# --- the 360 page ------------------------------------------------------------------------


def test_360_page_shows_figures_contacts_orders_and_history(client, rep_a, party_a):
    order = OrderFactory(party=party_a, total=Decimal("120.00"), status=OrderStatus.PAID)
    OrderLineFactory(order=order, product__name="Fleet plan", quantity=2, amount=Decimal("120.00"))
    OrderFactory(party=party_a, total=Decimal("80.00"), status=OrderStatus.CANCELLED)
    InteractionFactory.create_batch(2, party=party_a)
    update_party(party_a, by=rep_a, display_name="Alice A. Able")
    client.force_login(rep_a)

    response = client.get(reverse("workspace:party_detail", args=[party_a.pk]))

    html = response.content.decode()
    ctx = response.context
    assert (ctx["order_summary"].count, ctx["order_summary"].revenue) == (
        2,
        {"CNY": Decimal("120.00")},
    )
    assert ctx["interaction_count"] == 2
    assert "¥120.00" in html
    assert "Fleet plan" in html
    assert 'href="tel:+8613800138000"' in html
    assert "Alice Able</del> → <ins>Alice A. Able" in html
    assert 'id="timeline"' in html


def test_360_page_links_relationships_and_lists_an_organizations_people(client, rep_a):
    org = OrganizationFactory(owner=rep_a, display_name="Able Corp")
    person = PartyFactory(owner=rep_a, display_name="Carl Able")
    Relationship.objects.create(
        from_party=person, to_party=org, kind=RelationshipKind.EMPLOYEE_OF, title="CFO"
    )
    client.force_login(rep_a)

    person_page = client.get(reverse("workspace:party_detail", args=[person.pk]))
    org_page = client.get(reverse("workspace:organization_detail", args=[org.pk]))

    assert reverse("workspace:organization_detail", args=[org.pk]) in person_page.content.decode()
    assert [p.pk for p in org_page.context["people"]] == [person.pk]


def test_trait_history_lists_earlier_values_newest_first(client, rep_a, party_a):
    set_trait(party_a, key="churn_risk", value="low", by=None)
    set_trait(party_a, key="churn_risk", value="high", by=None)
    client.force_login(rep_a)

    response = client.get(reverse("workspace:trait_history", args=[party_a.pk, "churn_risk"]))

    html = response.content.decode()
    assert html.index(">high<") < html.index(">low<")


# --- timeline ----------------------------------------------------------------------------


def test_timeline_filters_by_channel_direction_and_dates(client, rep_a, party_a):
    now = timezone.now()
    wanted = InteractionFactory(
        party=party_a, channel="email", direction="inbound", occurred_at=now
    )
    InteractionFactory(party=party_a, channel="email", direction="outbound", occurred_at=now)
    InteractionFactory(party=party_a, channel="phone", direction="inbound", occurred_at=now)
    InteractionFactory(
        party=party_a, channel="email", direction="inbound", occurred_at=now - dt.timedelta(days=9)
    )
    day = timezone.localdate()
    client.force_login(rep_a)

    response = client.get(
        reverse("workspace:party_timeline", args=[party_a.pk]),
        {"channel": ["email", "chat"], "direction": "inbound", "since": day, "until": day},
    )

    assert ids_in(response, "data-interaction-id") == [wanted.pk]


def test_timeline_pushes_the_page_url_when_the_filter_form_asks(client, rep_a, party_a):
    client.force_login(rep_a)

    response = client.get(
        reverse("workspace:party_timeline", args=[party_a.pk]),
        {"channel": "email"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER="timeline-filters",
    )

    page = reverse("workspace:party_detail", args=[party_a.pk])
    assert response["HX-Push-Url"] == f"{page}?channel=email"


def test_timeline_is_400_when_a_filter_is_malformed(client, rep_a, party_a):
    client.force_login(rep_a)

    response = client.get(
        reverse("workspace:party_timeline", args=[party_a.pk]), {"channel": "pigeon"}
    )

    assert response.status_code == 400
    assert "Those filters do not work." in response.content.decode()


def test_timeline_loads_more_by_cursor_without_repeats(client, rep_a, party_a):
    now = timezone.now()
    items = [
        InteractionFactory(party=party_a, occurred_at=now - dt.timedelta(minutes=n))
        for n in range(25)
    ]
    url = reverse("workspace:party_timeline", args=[party_a.pk])
    client.force_login(rep_a)
    first = client.get(url)
    cursor = unquote(re.search(r'after=([^"&]+)', first.content.decode()).group(1))

    second = client.get(url, {"after": cursor})

    assert ids_in(first, "data-interaction-id") == [i.pk for i in items[:20]]
    assert ids_in(second, "data-interaction-id") == [i.pk for i in items[20:]]
    assert "Load more" not in second.content.decode()


def test_timeline_is_400_when_the_cursor_is_malformed(client, rep_a, party_a):
    client.force_login(rep_a)

    response = client.get(
        reverse("workspace:party_timeline", args=[party_a.pk]), {"after": "yesterday~x"}
    )

    assert response.status_code == 400


def test_timeline_runs_the_same_queries_when_it_shows_more_items(client, rep_a, party_a):
    client.force_login(rep_a)
    url = reverse("workspace:party_timeline", args=[party_a.pk])
    InteractionFactory(party=party_a, staff=rep_a)
    one = count_queries(client, url)

    InteractionFactory.create_batch(2, party=party_a, staff=rep_a)
    three = count_queries(client, url)

    assert one == three


def test_timeline_shows_bodies_cleaned_and_items_newest_first(client, rep_a, party_a):
    now = timezone.now()
    old = InteractionFactory(party=party_a, occurred_at=now - dt.timedelta(hours=1))
    new = InteractionFactory(party=party_a, occurred_at=now, body="<p>Hello <b>there</b></p>")
    client.force_login(rep_a)

    response = client.get(reverse("workspace:party_timeline", args=[party_a.pk]))

    assert ids_in(response, "data-interaction-id") == [new.pk, old.pk]
    assert "<p>Hello <b>there</b></p>" in response.content.decode()


# --- logging a contact -------------------------------------------------------------------


def test_logging_a_call_records_one_interaction_on_top_of_the_timeline(client, rep_a, party_a):
    InteractionFactory(party=party_a, occurred_at=timezone.now() - dt.timedelta(hours=1))
    client.force_login(rep_a)

    response = client.post(
        reverse("workspace:log_interaction", args=[party_a.pk]), _call(), HTTP_HX_REQUEST="true"
    )
    timeline = client.get(reverse("workspace:party_timeline", args=[party_a.pk]))

    logged = Interaction.objects.exclude(kind="call", subject__startswith="Call ").get()
    assert response.status_code == 200
    assert "timeline:changed" in response["HX-Trigger"]
    assert (logged.party_id, logged.staff_id, logged.recorded_by_id) == (
        party_a.pk,
        rep_a.pk,
        rep_a.pk,
    )
    assert (logged.channel, logged.kind, logged.direction) == ("phone", "call", "inbound")
    assert (logged.subject, logged.outcome, logged.duration_seconds) == (
        "Renewal question",
        "follow_up",
        420,
    )
    assert logged.body == "<p>Wants the fleet renewal moved to January.</p>"
    assert ids_in(timeline, "data-interaction-id")[0] == logged.pk


def test_logging_a_note_records_an_internal_note_on_the_chosen_channel(client, rep_a, party_a):
    client.force_login(rep_a)

    response = client.post(
        reverse("workspace:log_interaction", args=[party_a.pk]),
        {"kind": "note", "channel": "email", "subject": "Prefers email", "direction": "inbound"},
    )

    note = Interaction.objects.get()
    assert response.status_code == 302
    assert (note.kind, note.channel, note.direction, note.duration_seconds) == (
        "note",
        "email",
        "internal",
        None,
    )


def test_logging_shows_the_error_and_writes_nothing_when_body_is_too_long(client, rep_a, party_a):
    client.force_login(rep_a)
    body = "x" * (settings.INTERACTION_BODY_MAX_CHARS + 1)

    response = client.post(
        reverse("workspace:log_interaction", args=[party_a.pk]),
        _call(body=body),
        HTTP_HX_REQUEST="true",
    )

    limit = settings.INTERACTION_BODY_MAX_CHARS
    assert response.status_code == 422
    assert f"The body is too long ({limit} characters at most)." in response.content.decode()
    assert Interaction.objects.count() == 0


def test_logging_without_htmx_rerenders_the_page_with_errors_when_invalid(client, rep_a, party_a):
    client.force_login(rep_a)

    response = client.post(
        reverse("workspace:log_interaction", args=[party_a.pk]), _call(subject="", body="")
    )

    assert response.status_code == 422
    assert response.context["log_form"].errors == {"subject": ["Give a subject or some details."]}
    assert Interaction.objects.count() == 0


# --- editing -----------------------------------------------------------------------------


def test_adding_a_malformed_phone_shows_the_error_and_writes_nothing(client, rep_a, party_a):
    client.force_login(rep_a)
    before = list(ContactPoint.objects.values_list("pk", flat=True))

    response = client.post(
        reverse("workspace:contact_point_add", args=[party_a.pk]),
        {"kind": "phone", "value": "12ab"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 422
    assert "“12ab” is not a phone number." in response.content.decode()
    assert list(ContactPoint.objects.values_list("pk", flat=True)) == before
    assert AuditEntry.objects.filter(action="parties.contact_point.added").count() == 0


def test_adding_a_phone_in_any_format_stores_it_in_e164(client, rep_a, party_a):
    client.force_login(rep_a)

    response = client.post(
        reverse("workspace:contact_point_add", args=[party_a.pk]),
        {"kind": "phone", "value": "139 1234 5678", "label": "mobile"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert ContactPoint.objects.filter(party=party_a, value="+8613912345678").count() == 1
    assert 'href="tel:+8613912345678"' in response.content.decode()


def test_editing_a_party_saves_the_changed_fields_through_the_service(client, rep_a, party_a):
    client.force_login(rep_a)

    response = client.post(
        reverse("workspace:party_edit", args=[party_a.pk]),
        {
            "given_name": party_a.given_name,
            "family_name": "Zed",
            "status": "active",
            "owner": rep_a.pk,
            "team": rep_a.team_id,
            "language": "zh-hans",
        },
    )

    party_a.refresh_from_db()
    assert response.status_code == 302
    assert (party_a.family_name, party_a.language) == ("Zed", "zh-hans")
    entry = AuditEntry.objects.get(action="parties.party.updated")
    assert sorted(entry.changes) == ["display_name", "family_name", "language"]


def test_editing_an_organization_shows_the_error_when_name_is_blank(client, rep_a):
    org = OrganizationFactory(owner=rep_a, display_name="Able Corp")
    client.force_login(rep_a)

    response = client.post(
        reverse("workspace:party_edit", args=[org.pk]), {"display_name": "  ", "status": "active"}
    )

    org.refresh_from_db()
    assert response.status_code == 422
    assert response.context["form"].errors == {"display_name": ["This field is required."]}
    assert org.display_name == "Able Corp"
