"""Merge pages: compare and merge, the list, one merge, unmerge, and the 360 banner."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties.enums import PartyStatus
from reservoir.parties.models import Party
from reservoir.parties.tests.factories import PartyFactory
from reservoir.resolution.merging import merge_parties
from reservoir.resolution.models import Merge

pytestmark = pytest.mark.django_db


def _url(a, b, **extra) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"a": a.pk, "b": b.pk, **extra}.items())
    return f"{reverse('resolution:merge_new')}?{query}"


def test_compare_page_preselects_the_rule_when_a_field_is_blank_on_one_side(client, admin_user):
    client.force_login(admin_user)
    a, b = PartyFactory(gender=""), PartyFactory(gender="f")

    response = client.get(_url(a, b, rule="most_complete"))

    html = response.content.decode()
    assert response.status_code == 200
    assert a.display_name in html and b.display_name in html
    assert 'name="choice_gender" value="b" checked' in html


def test_merge_post_redirects_to_the_survivor_when_it_succeeds(client, admin_user):
    client.force_login(admin_user)
    a, b = PartyFactory(gender=""), PartyFactory(gender="f")

    response = client.post(
        reverse("resolution:merge_new"),
        {"a": a.pk, "b": b.pk, "survivor": "b", "rule": "most_recent", "choice_gender": "a"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:party_detail", args=[b.pk])
    assert Party.objects.get(pk=a.pk).merged_into_id == b.pk
    assert Party.objects.get(pk=b.pk).gender == ""


def test_merge_post_answers_422_when_a_party_is_merged_with_itself(client, admin_user):
    client.force_login(admin_user)
    a = PartyFactory()

    response = client.post(reverse("resolution:merge_new"), {"a": a.pk, "b": a.pk})

    assert response.status_code == 422
    assert Merge.objects.count() == 0


def test_compare_page_answers_404_when_a_party_is_invisible(client, rep_a, rep_b):
    client.force_login(rep_a)

    response = client.get(_url(PartyFactory(owner=rep_a), PartyFactory(owner=rep_b)))

    assert response.status_code == 404


def test_merge_post_shows_the_error_when_the_role_may_not_merge(client):
    marketer = UserFactory(role=Role.MARKETER)
    client.force_login(marketer)
    a, b = PartyFactory(), PartyFactory()

    response = client.post(reverse("resolution:merge_new"), {"a": a.pk, "b": b.pk})

    assert response.status_code == 403
    assert Merge.objects.count() == 0


def test_merge_list_query_count_does_not_grow(client, admin_user):
    client.force_login(admin_user)
    merge_parties(PartyFactory(), PartyFactory(), by=admin_user)
    url = reverse("resolution:merge_list")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(2):
        merge_parties(PartyFactory(), PartyFactory(), by=None, auto=True, probability=0.998)

    with CaptureQueriesContext(connection) as three:
        response = client.get(url)

    assert response.content.decode().count("data-merge-id=") == 3
    assert client.get(url + "?kind=auto").content.decode().count("data-merge-id=") == 2
    assert len(three) == len(one)


def test_unmerge_button_restores_both_customers_when_posted(client, admin_user):
    client.force_login(admin_user)
    a, b = PartyFactory(), PartyFactory()
    merge = merge_parties(a, b, by=admin_user)
    detail = client.get(reverse("resolution:merge_detail", args=[merge.pk]))
    assert reverse("resolution:merge_unmerge", args=[merge.pk]) in detail.content.decode()

    response = client.post(reverse("resolution:merge_unmerge", args=[merge.pk]))

    assert response.status_code == 302
    assert Party.objects.get(pk=b.pk).status == PartyStatus.ACTIVE
    assert Merge.objects.get().unmerged_by_id == admin_user.pk


def test_360_of_a_merged_party_redirects_to_the_survivor_with_a_banner(client, admin_user):
    client.force_login(admin_user)
    a, b = PartyFactory(), PartyFactory(display_name="Old Record")
    merge_parties(a, b, by=admin_user)

    response = client.get(reverse("workspace:party_detail", args=[b.pk]), follow=True)

    html = response.content.decode()
    assert response.redirect_chain == [(reverse("workspace:party_detail", args=[a.pk]), 302)]
    assert 'id="merge-banner"' in html
    assert "Old Record" in html


def test_compare_page_proposes_the_active_record_as_survivor_when_the_other_is_provisional(
    client, admin_user
):
    client.force_login(admin_user)
    provisional, active = PartyFactory(status=PartyStatus.PROVISIONAL), PartyFactory()

    html = client.get(_url(provisional, active)).content.decode()

    assert 'name="survivor" value="b" checked' in html
