"""The models page: parameters and diagnostics for everyone, a background refit for analysts."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from reservoir.analytics.models import ModelRun, RunStatus
from reservoir.analytics.scoring import params
from reservoir.analytics.tests.test_scoring_support import fitted, purchase_history, run_tasks
from reservoir.core.tests.api_support import count_queries
from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties.models import Trait
from reservoir.parties.tests.factories import PartyFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("reservoir.analytics.tests.test_models_page_urls"),
]

PAGE, REFIT, STATUS = "analytics:models", "analytics:models_refit", "analytics:models_status"


@pytest.fixture(autouse=True)
def _fresh_cache():
    params.clear()
    yield
    params.clear()


def test_page_shows_the_parameters_diagnostics_and_the_refit_form_to_an_analyst(client):
    purchase_history()
    analyst = UserFactory(role=Role.ANALYST)
    fitted(by=analyst)
    client.force_login(analyst)

    response = client.get(reverse(PAGE))

    html = response.content.decode()
    assert response.status_code == 200
    clv = ModelRun.objects.get(kind="clv")
    assert f"{clv.params['bgnbd']['alpha']:.4f}" in html
    assert f"{clv.params['gamma_gamma']['gamma']:.4f}" in html
    assert 'id="chart-holdout"' in html
    assert 'id="chart-segments"' in html
    assert 'id="chart-retention"' in html
    assert "data-refit-now" in html
    assert html.count('data-history-run="') == 4
    assert "Headphones One" in html or "Phone Case" in html


def test_page_before_any_fit_says_so(client):
    client.force_login(UserFactory(role=Role.ANALYST))

    response = client.get(reverse(PAGE))

    assert response.status_code == 200
    assert 'data-refit-state="never"' in response.content.decode()


def test_sales_reps_see_the_page_without_the_refit_form_and_may_not_refit(client):
    rep = UserFactory(role=Role.SALES_REP)
    client.force_login(rep)

    page = client.get(reverse(PAGE))
    refit = client.post(reverse(REFIT), {"horizon_months": "12", "discount_rate": "1"})

    assert page.status_code == 200
    assert "data-refit-now" not in page.content.decode()
    assert refit.status_code == 403
    assert ModelRun.objects.count() == 0


def test_refit_now_queues_one_background_fit_and_shows_its_progress(client):
    manager = UserFactory(role=Role.MANAGER)
    client.force_login(manager)

    response = client.post(
        reverse(REFIT), {"horizon_months": "18", "discount_rate": "1.5"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    runs = ModelRun.objects.order_by("id")
    assert [(r.kind, r.status, r.version) for r in runs] == [
        ("clv", RunStatus.QUEUED, 1),
        ("rfm", RunStatus.QUEUED, 1),
        ("basket", RunStatus.QUEUED, 1),
        ("needs", RunStatus.QUEUED, 1),
    ]
    assert runs[0].options["horizon_months"] == 18
    assert runs[0].options["monthly_discount_rate"] == 0.015
    assert runs[0].requested_by == manager
    assert DBTaskResult.objects.filter(task_path__endswith="fit_models").count() == 1
    assert 'data-refit-state="running"' in html
    assert "every 1s" in html
    assert html.count("<progress") == 4


def test_status_reloads_the_page_when_the_refit_has_finished(client):
    purchase_history(customers=9)
    analyst = UserFactory(role=Role.ANALYST)
    client.force_login(analyst)
    client.post(reverse(REFIT), {"horizon_months": "12", "discount_rate": "1"})
    running = client.get(reverse(STATUS), {"active": "1"})

    run_tasks()
    finished = client.get(reverse(STATUS), {"active": "1"})

    assert "HX-Refresh" not in running
    assert finished["HX-Refresh"] == "true"
    assert set(ModelRun.objects.values_list("status", flat=True)) == {RunStatus.DONE}


def test_a_failed_fit_shows_its_reason(client):
    analyst = UserFactory(role=Role.ANALYST)
    fitted(by=analyst)  # no purchases at all
    client.force_login(analyst)

    html = client.get(reverse(PAGE)).content.decode()

    assert 'data-failed="clv"' in html
    assert "Too few customers with purchases to fit (0)." in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"horizon_months": "0", "discount_rate": "1"}, "greater than or equal to 1"),
        ({"horizon_months": "abc", "discount_rate": "1"}, "Enter a whole number."),
        ({"horizon_months": "12", "discount_rate": "50"}, "less than or equal to 20"),
        ({"horizon_months": "12", "discount_rate": ""}, "This field is required."),
    ],
)
def test_bad_refit_input_is_a_400_with_the_message_and_queues_nothing(client, data, message):
    client.force_login(UserFactory(role=Role.ANALYST))

    response = client.post(reverse(REFIT), data, HTTP_HX_REQUEST="true")

    assert response.status_code == 400
    assert message in response.content.decode()
    assert ModelRun.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_refit_while_one_is_under_way_is_a_409_and_queues_nothing_more(client):
    client.force_login(UserFactory(role=Role.ANALYST))
    client.post(reverse(REFIT), {"horizon_months": "12", "discount_rate": "1"})

    response = client.post(
        reverse(REFIT), {"horizon_months": "12", "discount_rate": "1"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 409
    assert ModelRun.objects.count() == 4


def test_page_queries_do_not_grow_with_the_number_of_fits(client):
    analyst = UserFactory(role=Role.ANALYST)
    client.force_login(analyst)
    ModelRun.objects.create(kind="clv", status=RunStatus.DONE, requested_by=analyst)
    client.get(reverse(PAGE))
    one = count_queries(client, reverse(PAGE))
    for kind in ("clv", "rfm", "needs"):
        ModelRun.objects.create(kind=kind, status=RunStatus.DONE, requested_by=analyst)

    three = count_queries(client, reverse(PAGE))

    assert three == one


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse(PAGE))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_360_page_shows_the_customer_value_card_and_refreshes_it_on_trait_changes(client):
    parties = purchase_history()
    fitted()
    admin = UserFactory(role=Role.ADMINISTRATOR, is_superuser=True)
    client.force_login(admin)
    unscored = PartyFactory()

    html = client.get(reverse("workspace:party_detail", args=[parties[1].pk])).content.decode()
    blank = client.get(reverse("workspace:party_detail", args=[unscored.pk])).content.decode()

    clv = Trait.objects.get(party=parties[1], key="clv.value").value
    picks = Trait.objects.get(party=parties[1], key="basket.next_best").value
    assert html.count('id="value-card"') == 1
    assert f'data-trait="clv.value" data-value="{clv}"' in html
    assert all(f'data-sku="{p["sku"]}"' in html for p in picks)
    assert 'hx-trigger="traits:changed from:body delay:300ms"' in html
    assert 'id="value-card"' not in blank
    assert 'id="party-scores"' in blank
