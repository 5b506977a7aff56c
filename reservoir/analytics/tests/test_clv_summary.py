"""Transactions → RFM summary: day collapsing, units, calibration/holdout split."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from reservoir.analytics.clv import summary

D = dt.date
TX = [
    ("ann", D(2026, 1, 1), 10.0),
    (
        "ann",
        dt.datetime(2026, 1, 1, 18, 30, tzinfo=dt.UTC),
        5.0,
    ),  # same day as the first: one purchase
    ("ann", D(2026, 1, 8), 20.0),
    ("ann", D(2026, 1, 15), 40.0),
    ("bob", D(2026, 1, 10), 7.0),
    ("cy", D(2026, 2, 1), 9.0),  # after the end: ignored
    ("ann", D(2026, 1, 29), 99.0),  # after the end: ignored
]


def test_summarize_weeks():
    s = summary.summarize(TX, observation_end=D(2026, 1, 22))
    assert s.customer_ids.tolist() == ["ann", "bob"]
    assert s.frequency.tolist() == [2.0, 0.0]
    assert s.recency.tolist() == [2.0, 0.0]
    assert s.T.tolist() == [3.0, 12 / 7]
    assert s.monetary_value.tolist() == [30.0, 0.0]
    assert s.index_of("bob") == 1
    with pytest.raises(ValueError):
        s.index_of("cy")


def test_summarize_days_counting_the_first_purchase():
    s = summary.summarize(
        TX, observation_end=D(2026, 1, 22), unit_days=1, first_purchase_counts=True
    )
    assert s.frequency.tolist() == [3.0, 1.0]
    assert s.recency.tolist() == [14.0, 0.0]
    assert s.T.tolist() == [21.0, 12.0]
    assert s.monetary_value.tolist() == [25.0, 7.0]  # (15 + 20 + 40) / 3


def test_integer_keys_and_empty_input():
    s = summary.summarize([(7, D(2026, 1, 1), 1.0)], observation_end=D(2026, 1, 1))
    assert s.customer_ids.dtype == np.int64
    assert (s.frequency.tolist(), s.T.tolist()) == ([0.0], [0.0])
    assert len(summary.summarize([], observation_end=D(2026, 1, 1))) == 0
    with pytest.raises(ValueError):
        summary.summarize([], observation_end=D(2026, 1, 1), unit_days=0)
    with pytest.raises(TypeError):
        summary.summarize([(1, "2026-01-01", 1.0)], observation_end=D(2026, 1, 1))  # type: ignore[list-item]


def test_calibration_holdout():
    cal, holdout, length = summary.calibration_holdout(
        TX, calibration_end=D(2026, 1, 10), observation_end=D(2026, 2, 7), unit_days=7
    )
    assert cal.customer_ids.tolist() == ["ann", "bob"]  # cy first bought after calibration
    assert cal.frequency.tolist() == [1.0, 0.0]
    assert holdout.tolist() == [2.0, 0.0]  # ann: 01-15 and 01-29
    assert length == 4.0
    with pytest.raises(ValueError):
        summary.calibration_holdout(
            TX, calibration_end=D(2026, 2, 1), observation_end=D(2026, 1, 1), unit_days=7
        )
