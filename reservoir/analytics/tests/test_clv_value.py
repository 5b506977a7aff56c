"""CLV, churn, retention, Pareto and profitability on small hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from reservoir.analytics.clv import bgnbd, gammagamma, value

BG = bgnbd.BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0, n=0.0)
GG = gammagamma.GammaGammaParams(p=2.0, q=3.0, gamma=10.0, log_likelihood=0.0, n=0.0)


def test_clv_discounts_each_month_increment():
    # x=2, t_x=30.43, T=38.86 weeks, mean 20 → E[value] = 2 (10 + 40) / (4 + 3 − 1) = 100/6
    # a 28-day month is 4 weeks: CLV = v (E[Y(4)] / 1.1 + (E[Y(8)] − E[Y(4)]) / 1.1²)
    e4 = float(bgnbd.expected_purchases(BG, 4.0, 2, 30.43, 38.86))
    e8 = float(bgnbd.expected_purchases(BG, 8.0, 2, 30.43, 38.86))
    v = 100 / 6
    clv = value.customer_lifetime_value(
        BG, GG, [2], [30.43], [38.86], [20.0],
        horizon_months=2, monthly_discount_rate=0.1, unit_days=7.0, days_per_month=28.0,
    )  # fmt: skip
    assert clv.tolist() == pytest.approx([v * (e4 / 1.1 + (e8 - e4) / 1.21)], rel=1e-12)
    undiscounted = value.customer_lifetime_value(
        BG, GG, 2, 30.43, 38.86, 20.0,
        horizon_months=2, monthly_discount_rate=0.0, unit_days=7.0, days_per_month=28.0,
    )  # fmt: skip
    assert float(undiscounted) == pytest.approx(v * e8, rel=1e-12)
    nothing = value.customer_lifetime_value(
        BG, GG, [2, 0], [30.43, 0], [38.86, 10], [20.0, 0],
        horizon_months=0, monthly_discount_rate=0.01, unit_days=7.0,
    )  # fmt: skip
    assert nothing.tolist() == [0.0, 0.0]


def test_clv_matches_lifetimes_reference_for_a_new_customer():
    # x=0: E[value] = population mean p γ/(q−1) = 10; lifetimes 0.11.3's
    # customer_lifetime_value(time=12, discount_rate=0.01, freq="W") uses 4.345-week months
    clv = value.customer_lifetime_value(
        BG, GG, [0], [0.0], [38.86], [0.0],
        horizon_months=12, monthly_discount_rate=0.01, unit_days=7.0, days_per_month=4.345 * 7,
    )  # fmt: skip
    expected = 0.0
    previous = 0.0
    for m in range(1, 13):
        current = float(bgnbd.expected_purchases(BG, 4.345 * m, 0, 0.0, 38.86))
        expected += 10.0 * (current - previous) / 1.01**m
        previous = current
    assert clv.tolist() == pytest.approx([expected], rel=1e-12)


def test_churn_risk_and_profitability():
    assert value.churn_risk([1.0, 0.25]).tolist() == [0.0, 0.75]
    assert value.profitability([100, 50], [10, 60], [5, 0]).tolist() == [85.0, -10.0]


def test_retention_curve_with_and_without_censoring():
    first, last = [0, 0, 0, 1], [0, 2, 5, 1]
    assert value.retention_curve(first, last, periods=3).tolist() == [1.0, 0.5, 0.5, 0.25]
    censored = value.retention_curve(first, last, periods=4, observed_until=3)
    assert censored[:4].tolist() == [1.0, 0.5, 0.5, 1 / 3]
    assert np.isnan(censored[4])  # nobody observed 4 periods after the first purchase
    rates = value.retention_rates([1.0, 0.5, 0.5, 0.25])
    assert rates.tolist() == [0.5, 1.0, 0.5]


def test_pareto_by_hand():
    result = value.pareto([5, 50, 10, 30, 5])
    assert result.total == 100.0
    assert result.shares.tolist() == pytest.approx([0.5, 0.3, 0.1, 0.05, 0.05])
    assert result.top20_share == pytest.approx(0.5)  # the top 1 of 5 customers
    assert result.customers_for_80 == pytest.approx(0.4)  # 2 of 5 make 80%
    assert result.curve_customers[0] == 0.0
    assert result.curve_value[0] == 0.0
    assert result.curve_value[-1] == 1.0
    assert result.curve_value[20] == pytest.approx(0.5)  # x = 0.2 on the 101-point grid
    flat = value.pareto([10] * 10)
    assert flat.top20_share == pytest.approx(0.2)
    assert flat.customers_for_80 == pytest.approx(0.8)


def test_pareto_edge_cases():
    assert value.pareto([-5, 10]).shares.tolist() == [1.0, 0.0]  # negatives count as 0
    empty = value.pareto([])
    assert (empty.total, empty.top20_share, empty.customers_for_80) == (0.0, 0.0, 0.0)
    assert value.pareto([0, 0]).total == 0.0


def test_bad_horizon_is_rejected():
    with pytest.raises(ValueError):
        value.customer_lifetime_value(
            BG, GG, [0], [0], [1], [0], horizon_months=-1, monthly_discount_rate=0, unit_days=7
        )


@pytest.mark.parametrize(
    "row", [(0, 0.0, 38.86, 0.0), (2, 30.43, 38.86, 20.0), (26, 30.86, 31.0, 35.5)]
)
def test_score_customer_equals_the_vectorised_functions(row):
    x, tx, big_t, m = row
    kw = {"horizon_months": 12, "monthly_discount_rate": 0.01, "unit_days": 7.0}
    one = value.score_customer(BG, GG, x, tx, big_t, m, **kw)
    assert one.p_alive == pytest.approx(float(bgnbd.probability_alive(BG, x, tx, big_t)))
    assert one.churn_risk == pytest.approx(1 - one.p_alive)
    horizon = 12 * value.DAYS_PER_MONTH / 7
    expected = float(bgnbd.expected_purchases(BG, horizon, x, tx, big_t))
    assert one.expected_purchases == pytest.approx(expected, rel=1e-12)
    assert one.expected_value == pytest.approx(
        float(gammagamma.expected_average_value(GG, x, m)), rel=1e-12
    )
    clv = float(value.customer_lifetime_value(BG, GG, x, tx, big_t, m, **kw))
    assert one.clv == pytest.approx(clv, rel=1e-12)
