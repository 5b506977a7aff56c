"""Completeness pages: the report, the missing list, the weights page, the 360 card."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from reservoir.audit.models import AuditEntry
from reservoir.core.tests.api_support import count_queries
from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties.enums import ContactKind
from reservoir.parties.models import ContactPoint
from reservoir.parties.tests.factories import PartyFactory
from reservoir.resolution.completeness.fields import FIELDS
from reservoir.resolution.models import CompletenessWeight

pytestmark = pytest.mark.django_db

REPORT = reverse("resolution:completeness_report")
SETTINGS = reverse("resolution:completeness_settings")
PREVIEW = reverse("resolution:completeness_preview")


def _weights_post(**overrides):
    data = {}
    for spec in FIELDS:
        data[f"{spec.key}-weight"] = str(spec.default_weight)
        data[f"{spec.key}-applies"] = spec.default_applies
    data.update(overrides)
    return data


def _person(owner, n):
    party = PartyFactory(
        owner=owner,
        display_name=f"Person {n}",
        family_name="",
        given_name="",
        gender="",
        language="",
    )
    ContactPoint.objects.create(party=party, kind=ContactKind.EMAIL, value=f"p{n}@example.com")
    return party


def test_report_shows_figures_and_charts_when_user_signs_in(client, rep_a):
    _person(rep_a, 1)
    client.force_login(rep_a)

    response = client.get(REPORT)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-chart="chart-histogram"' in html
    assert 'id="chart-gaps"' in html
    assert "vendor/echarts/echarts.min.js" in html
    assert response.context["report"].parties == 1


def test_report_leaves_out_other_teams_parties_when_user_is_a_sales_rep(client, rep_a, rep_b):
    _person(rep_a, 1)
    _person(rep_b, 2)
    client.force_login(rep_a)

    response = client.get(REPORT, {"by": "owner"})

    assert response.context["report"].parties == 1
    assert [g.key for g in response.context["groups"]] == [str(rep_a.pk)]


def test_report_ignores_an_unknown_filter_value_when_the_link_is_stale(client, rep_a):
    _person(rep_a, 1)
    client.force_login(rep_a)

    response = client.get(REPORT, {"owner": "999999", "kind": "robot", "by": "nonsense"})

    assert response.status_code == 200
    assert response.context["report"].parties == 1
    assert response.context["by"] == "segment"


@pytest.mark.parametrize("by", ["segment", "owner", "source"])
def test_report_runs_the_same_queries_when_it_covers_more_parties(client, rep_a, by):
    client.force_login(rep_a)
    _person(rep_a, 1)
    one = count_queries(client, f"{REPORT}?by={by}")

    _person(rep_a, 2)
    _person(rep_a, 3)
    three = count_queries(client, f"{REPORT}?by={by}")

    assert one == three


def test_missing_list_shows_visible_parties_without_the_field(client, rep_a, rep_b):
    mine = _person(rep_a, 1)
    _person(rep_b, 2)
    client.force_login(rep_a)

    response = client.get(reverse("resolution:completeness_missing", args=["phone"]))

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [mine]


def test_missing_list_runs_the_same_queries_when_it_lists_more_parties(client, rep_a):
    client.force_login(rep_a)
    url = reverse("resolution:completeness_missing", args=["phone"])
    _person(rep_a, 1)
    one = count_queries(client, url)

    _person(rep_a, 2)
    _person(rep_a, 3)
    three = count_queries(client, url)

    assert one == three


def test_missing_list_is_404_when_the_field_is_unknown(client, rep_a):
    client.force_login(rep_a)

    response = client.get(reverse("resolution:completeness_missing", args=["shoe_size"]))

    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.SALES_REP, Role.MARKETER, Role.SERVICE_AGENT])
def test_weights_page_is_forbidden_when_user_is_not_a_manager(client, role):
    user = UserFactory(role=role)
    client.force_login(user)

    page = client.get(SETTINGS)
    post = client.post(SETTINGS, _weights_post(**{"email-weight": "1"}))
    preview = client.post(PREVIEW, _weights_post())

    assert (page.status_code, post.status_code, preview.status_code) == (403, 403, 403)
    assert CompletenessWeight.objects.count() == 0


def test_weights_page_saves_audits_and_queues_a_rescore_when_a_manager_posts(client, manager_b):
    client.force_login(manager_b)

    response = client.post(SETTINGS, _weights_post(**{"gender-weight": "9"}))

    assert response.status_code == 302
    assert CompletenessWeight.objects.get().weight == 9
    assert AuditEntry.objects.filter(action="resolution.completeness_weight.changed").count() == 1
    assert DBTaskResult.objects.filter(task_path__endswith="recompute_completeness").count() == 1


def test_weights_page_shows_the_error_and_saves_nothing_when_a_weight_is_out_of_range(
    client, admin_user
):
    client.force_login(admin_user)

    response = client.post(SETTINGS, _weights_post(**{"email-weight": "250"}))

    assert response.status_code == 422
    assert "email-weight" in response.context["form"].errors
    assert CompletenessWeight.objects.count() == 0


def test_weights_page_refuses_a_kind_the_field_cannot_apply_to(client, admin_user):
    client.force_login(admin_user)

    response = client.post(SETTINGS, _weights_post(**{"birth_date-applies": "organization"}))

    assert response.status_code == 422
    assert CompletenessWeight.objects.count() == 0


def test_preview_shows_the_average_the_new_weights_would_give(client, admin_user, rep_a):
    _person(rep_a, 1)  # email only: 15 of 94 → 16
    client.force_login(admin_user)
    zero = {f"{s.key}-weight": "0" for s in FIELDS}

    response = client.post(PREVIEW, _weights_post(**{**zero, "email-weight": "5"}))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="stat-value">16.0</span>' in html
    assert 'average score would be</span> <span class="stat-value">100.0</span>' in html


def test_party_page_shows_the_score_and_top_missing_fields(client, rep_a):
    party = _person(rep_a, 1)
    client.force_login(rep_a)

    response = client.get(reverse("workspace:party_detail", args=[party.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="completeness-card"' in html
    assert response.context["completeness"].score == 16  # email 15 of 94
    assert [f.key for f in response.context["completeness"].missing][:2] == ["phone", "address"]
