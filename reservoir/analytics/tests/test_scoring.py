"""Customer-value models: the fit scores every customer; an order rescores its customer."""

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reservoir.analytics import receivers
from reservoir.analytics.clv import rfm
from reservoir.analytics.models import ModelRun, RunStatus
from reservoir.analytics.scoring import compute, keys, params, rescore, services
from reservoir.analytics.scoring.facts import score_facts
from reservoir.analytics.tests.test_scoring_support import (
    buy,
    fitted,
    products,
    purchase_history,
    run_tasks,
)
from reservoir.core.errors import Conflict, InvalidInput, PermissionDenied
from reservoir.decisions.facts import DecisionContext
from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties.enums import TraitSource
from reservoir.parties.models import Trait, TraitHistory
from reservoir.parties.tests.factories import PartyFactory
from reservoir.sales import services as sales_services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    params.clear()
    receivers.connect()
    yield
    params.clear()


def _traits(party) -> dict:
    return {t.key: t for t in Trait.objects.filter(party=party, key__in=keys.ALL)}


def test_fit_writes_every_model_trait_with_version_and_time_on_customers_with_orders():
    parties = purchase_history()
    no_orders = PartyFactory()
    analyst = UserFactory(role=Role.ANALYST)
    before = timezone.now()

    runs = fitted(by=analyst)

    assert {r.kind: (r.status, r.version, r.progress, r.error) for r in runs} == {
        "clv": (RunStatus.DONE, 1, 100, ""),
        "rfm": (RunStatus.DONE, 1, 100, ""),
        "basket": (RunStatus.DONE, 1, 100, ""),
        "needs": (RunStatus.DONE, 1, 100, ""),
    }
    assert {r.kind: r.scored for r in runs} == {"clv": 30, "rfm": 30, "basket": 30, "needs": 30}
    for party in parties:
        traits = _traits(party)
        assert sorted(traits) == sorted(keys.ALL)
        assert {t.model_version for t in traits.values()} == {
            "analytics:clv@v1",
            "analytics:rfm@v1",
            "analytics:basket@v1",
            "analytics:needs@v1",
        }
        assert all(t.source == TraitSource.COMPUTED for t in traits.values())
        assert all(t.computed_at >= before for t in traits.values())
    assert _traits(no_orders) == {}


def test_fit_stores_parameters_and_the_holdout_diagnostics():
    purchase_history()

    runs = {r.kind: r for r in fitted()}

    clv = runs["clv"]
    assert sorted(clv.params["bgnbd"]) == ["a", "alpha", "b", "log_likelihood", "n", "r"]
    assert sorted(clv.params["gamma_gamma"]) == ["gamma", "log_likelihood", "n", "p", "q"]
    assert (clv.params["horizon_months"], clv.params["monthly_discount_rate"]) == (12, 0.01)
    assert [row["label"] for row in clv.diagnostics["holdout"]["rows"]] == [
        "0",
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "7+",
    ]
    assert clv.diagnostics["customers"] == 30
    assert sum(s["customers"] for s in runs["rfm"].diagnostics["segments"]) == 30
    assert len(runs["rfm"].params["recency_edges"]) == 4
    assert runs["basket"].diagnostics["rules"] > 0
    assert runs["needs"].params["categories"] == ["Accessories", "Audio", "Home", "Phones"]


def test_values_are_consistent_for_one_customer():
    parties = purchase_history()

    fitted()

    traits = _traits(parties[4])
    p_alive, churn = traits[keys.CLV_P_ALIVE].value, traits[keys.CLV_CHURN_RISK].value
    assert round(p_alive + churn, 4) == 1.0
    assert traits[keys.CLV_VALUE].value > 0
    r, f, m = (int(x) for x in traits[keys.RFM_SCORE].value.split("-"))
    assert traits[keys.RFM_SEGMENT].value == rfm.rfm_segment(r, f, m)
    needs = ModelRun.objects.get(kind="needs").params["segments"]
    assert traits[keys.NEEDS_SEGMENT].value in {s["label"] for s in needs}


def test_phone_buyers_are_offered_what_other_phone_buyers_bought():
    parties = purchase_history()
    newcomer = PartyFactory()
    buy(newcomer, timezone.now() - dt.timedelta(days=3), "P1")

    fitted()

    picks = Trait.objects.get(party=newcomer, key=keys.NEXT_BEST).value
    assert [p["sku"] for p in picks][:2] == ["C1", "H1"]
    assert all(p["lift"] > 1 for p in picks[:2])
    assert picks[0]["name"] == "Phone Case"
    assert parties


def test_rescoring_after_an_order_changes_that_customers_clv_rfm_and_basket_traits(
    django_capture_on_commit_callbacks,
):
    purchase_history()
    customer = PartyFactory()
    buy(customer, timezone.now() - dt.timedelta(weeks=40), "H1")
    fitted()
    before = {k: t.value for k, t in _traits(customer).items()}
    other = PartyFactory()

    with django_capture_on_commit_callbacks(execute=True):
        sales_services.place_order(customer, by=None, lines=[(products()["P1"], 1)])

    after = {k: t.value for k, t in _traits(customer).items()}
    assert after[keys.CLV_VALUE] != before[keys.CLV_VALUE]
    assert after[keys.CLV_EXPECTED_PURCHASES] > before[keys.CLV_EXPECTED_PURCHASES]
    assert after[keys.RFM_SCORE] != before[keys.RFM_SCORE]
    assert after[keys.NEXT_BEST] != before[keys.NEXT_BEST]
    assert "P1" not in [p["sku"] for p in after[keys.NEXT_BEST]]
    assert TraitHistory.objects.filter(party=customer, key=keys.CLV_VALUE).count() == 2
    assert _traits(other) == {}
    assert not DBTaskResult.objects.filter(task_path__endswith="rescore_customer").exists()


def test_a_merge_survivor_is_rescored_in_the_background():
    from reservoir.parties.events import PartiesMerged

    purchase_history()
    survivor = PartyFactory()
    buy(survivor, timezone.now() - dt.timedelta(weeks=3), "H1")
    fitted()
    buy(survivor, timezone.now() - dt.timedelta(days=2), "P1")  # moved over by the merge
    before = Trait.objects.get(party=survivor, key=keys.CLV_VALUE).value

    receivers.on_parties_merged(PartiesMerged(merge_id=1, survivor_id=survivor.pk, merged_id=0))
    queued = DBTaskResult.objects.filter(task_path__endswith="rescore_customer")
    assert [q.args_kwargs["kwargs"] for q in queued] == [{"party_id": survivor.pk}]
    run_tasks()

    assert Trait.objects.get(party=survivor, key=keys.CLV_VALUE).value != before


def test_rescoring_publishes_one_trait_change_per_changed_value(django_capture_on_commit_callbacks):
    purchase_history()
    customer = PartyFactory()
    buy(customer, timezone.now() - dt.timedelta(weeks=40), "H1")
    fitted()
    buy(customer, timezone.now() - dt.timedelta(days=1), "H2")
    seen = []

    from reservoir.core import events
    from reservoir.parties.events import TraitChanged

    events.subscribe(TraitChanged, seen.append)
    with django_capture_on_commit_callbacks(execute=True):
        written = rescore.rescore_party(customer.pk)

    assert written == len({e.key for e in seen})
    assert {e.party_id for e in seen} == {customer.pk}
    assert keys.CLV_VALUE in {e.key for e in seen}


def test_rescoring_is_a_no_op_when_the_scores_did_not_change():
    parties = purchase_history()
    fitted()

    first = rescore.rescore_party(parties[3].pk)
    second = rescore.rescore_party(parties[3].pk)

    assert second == 0
    assert first >= 0


def test_rescoring_a_customer_without_orders_writes_nothing():
    purchase_history()
    fitted()
    nobody = PartyFactory()

    assert rescore.rescore_party(nobody.pk) == 0
    assert rescore.rescore_party(10**9) == 0
    assert _traits(nobody) == {}


def test_rescoring_before_any_fit_writes_nothing():
    parties = purchase_history(customers=3)

    assert rescore.rescore_party(parties[0].pk) == 0
    assert Trait.objects.filter(key__in=keys.ALL).count() == 0


def test_a_model_without_enough_data_fails_with_its_reason_and_writes_nothing():
    runs = fitted()

    assert {r.kind: r.status for r in runs} == {
        "clv": RunStatus.FAILED,
        "rfm": RunStatus.FAILED,
        "basket": RunStatus.FAILED,
        "needs": RunStatus.FAILED,
    }
    clv = next(r for r in runs if r.kind == "clv")
    assert clv.error == "Too few customers with purchases to fit (0)."
    assert Trait.objects.count() == 0


def test_refit_is_refused_to_sales_reps_and_nothing_is_queued():
    rep = UserFactory(role=Role.SALES_REP)

    with pytest.raises(PermissionDenied):
        services.request_refit(by=rep)

    assert ModelRun.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


@pytest.mark.parametrize(
    ("horizon", "rate", "field"),
    [
        (0, 0.01, "horizon_months"),
        (61, 0.01, "horizon_months"),
        (12, -0.01, "monthly_discount_rate"),
        (12, 0.5, "monthly_discount_rate"),
    ],
)
def test_refit_options_out_of_range_are_refused(horizon, rate, field):
    manager = UserFactory(role=Role.MANAGER)

    with pytest.raises(InvalidInput) as err:
        services.request_refit(by=manager, horizon_months=horizon, monthly_discount_rate=rate)

    assert err.value.field == field
    assert ModelRun.objects.count() == 0


def test_a_second_refit_waits_for_the_first():
    services.request_refit(by=None)

    with pytest.raises(Conflict):
        services.request_refit(by=None)

    assert ModelRun.objects.count() == 4
    assert DBTaskResult.objects.filter(task_path__endswith="fit_models").count() == 1


def test_a_refit_gives_each_model_its_next_version_and_the_horizon_asked_for():
    purchase_history()
    fitted()

    runs = services.request_refit(by=None, horizon_months=24, monthly_discount_rate=0.02)
    run_tasks()

    clv = ModelRun.objects.get(pk=runs[0].pk)
    assert (clv.kind, clv.version, clv.status) == ("clv", 2, RunStatus.DONE)
    assert clv.params["horizon_months"] == 24
    assert set(
        Trait.objects.filter(key=keys.CLV_VALUE).values_list("model_version", flat=True)
    ) == {"analytics:clv@v2"}


def test_nightly_refit_reuses_the_last_options():
    from reservoir.analytics.scoring.tasks import nightly_refit

    purchase_history()
    services.request_refit(by=None, horizon_months=6)
    run_tasks()

    assert nightly_refit.call() == 4
    assert (
        ModelRun.objects.filter(status=RunStatus.QUEUED, kind="clv").get().options["horizon_months"]
        == 6
    )


def test_rfm_breakpoints_reproduce_the_quantile_scores_of_the_whole_base():
    values = np.random.default_rng(7).integers(0, 12, size=257).astype(float)

    edges_hi = compute.rfm_edges(values)
    edges_lo = compute.rfm_edges(values, higher_is_better=False)

    assert [compute._bin(v, edges_hi) for v in values] == rfm.quantile_scores(values).tolist()
    assert [compute._bin(-v, edges_lo) for v in values] == rfm.quantile_scores(
        values, higher_is_better=False
    ).tolist()


def test_scores_are_facts_for_contact_rules():
    parties = purchase_history()
    fitted()
    ctx = DecisionContext(channel="phone", at=timezone.now())

    facts = score_facts(parties[1].pk, ctx)
    blank = score_facts(PartyFactory().pk, ctx)

    traits = _traits(parties[1])
    assert facts["customer.rfm_segment"] == traits[keys.RFM_SEGMENT].value
    assert facts["customer.p_alive"] == traits[keys.CLV_P_ALIVE].value
    assert facts["customer.next_best_products"] == [p["sku"] for p in traits[keys.NEXT_BEST].value]
    assert blank["customer.rfm_segment"] == ""
    assert blank["customer.next_best_products"] == []


def test_bulk_traits_skip_unchanged_rows_and_keep_history_for_changed_values(
    django_capture_on_commit_callbacks,
):
    from reservoir.core import events
    from reservoir.parties import services as party_services
    from reservoir.parties.events import TraitChanged

    a, b = PartyFactory(), PartyFactory()
    seen: list = []
    events.subscribe(TraitChanged, seen.append)
    with django_capture_on_commit_callbacks(execute=True):
        first = party_services.set_traits_bulk(
            [
                (a.pk, "clv.value", 10.5, "analytics:clv@v1"),
                (b.pk, "clv.value", 3.0, "analytics:clv@v1"),
            ],
            by=None,
        )
        same = party_services.set_traits_bulk(
            [(a.pk, "clv.value", 10.5, "analytics:clv@v1")], by=None
        )
        new_version = party_services.set_traits_bulk(
            [(a.pk, "clv.value", 10.5, "analytics:clv@v2")], by=None, publish=False
        )
        changed = party_services.set_traits_bulk(
            [(b.pk, "clv.value", 4.0, "analytics:clv@v2")], by=None
        )

    assert (first, same, new_version, changed) == (2, 0, 1, 1)
    assert Trait.objects.get(party=a, key="clv.value").model_version == "analytics:clv@v2"
    assert Trait.objects.get(party=b, key="clv.value").value == 4.0
    assert TraitHistory.objects.filter(party=a).count() == 1
    assert TraitHistory.objects.filter(party=b).count() == 2
    assert [(e.party_id, e.key) for e in seen] == [
        (a.pk, "clv.value"),
        (b.pk, "clv.value"),
        (b.pk, "clv.value"),
    ]
