"""Acceptance: the published CDNOW estimates, computed from the raw sample events.

The raw file ships with the `lifetimes` dev dependency; only its location is looked up,
none of its code runs. Columns: customer id, id in the master file, yyyymmdd, CDs, dollars.
Calibration is weeks 1–39 (to 1997-09-30), holdout weeks 40–78 (to 1998-06-30).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from reservoir.analytics.clv import bgnbd, gammagamma, summary

CAL_END = dt.date(1997, 9, 30)
OBS_END = dt.date(1998, 6, 30)


def _sample_path() -> Path:
    spec = importlib.util.find_spec("lifetimes")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent / "datasets" / "CDNOW_sample.txt"


def _events() -> list[tuple[int, dt.date, float]]:
    rows = []
    for line in _sample_path().read_text().splitlines():
        cid, _master, day, _cds, dollars = line.split()
        when = dt.date(int(day[:4]), int(day[4:6]), int(day[6:]))
        rows.append((int(cid), when, float(dollars)))
    return rows


@pytest.fixture(scope="module")
def cdnow() -> tuple[summary.RFMSummary, np.ndarray, float]:
    return summary.calibration_holdout(
        _events(), calibration_end=CAL_END, observation_end=OBS_END, unit_days=7.0
    )


def test_cdnow_calibration_summary(cdnow):
    cal, holdout, length = cdnow
    assert len(cal) == 2357
    assert length == 39.0
    assert int((cal.frequency > 0).sum()) == 946
    assert cal.T.max() == pytest.approx(272 / 7)  # first purchases on 1997-01-01 …
    assert cal.T.min() == pytest.approx((CAL_END - dt.date(1997, 3, 25)).days / 7)  # … 03-25
    # customer 4: 1997-01-01, 01-18, 08-02 in calibration (29.33, 29.73, 14.96); 12-12 later
    i = cal.index_of(4)
    assert cal.frequency[i] == 2
    assert cal.recency[i] == pytest.approx(213 / 7)
    assert cal.T[i] == pytest.approx(272 / 7)
    assert cal.monetary_value[i] == pytest.approx((29.73 + 14.96) / 2)
    assert holdout[i] == 1
    assert int(holdout.sum()) == 1882  # distinct (customer, day) pairs after 1997-09-30
    assert int(cal.frequency.sum()) == 4814 - 2357  # calibration purchase days − firsts


def test_cdnow_bgnbd_matches_fader_hardie_lee_2005(cdnow):
    cal, _, _ = cdnow
    params = bgnbd.fit_bgnbd(cal.frequency, cal.recency, cal.T)
    assert round(params.r, 3) == 0.243
    assert round(params.alpha, 3) == 4.414
    assert round(params.a, 3) == 0.793
    assert round(params.b, 3) == 2.426
    assert round(params.log_likelihood, 1) == -9582.4
    assert params.n == 2357


def test_cdnow_gamma_gamma_matches_fader_hardie_2013(cdnow):
    cal, _, _ = cdnow
    params = gammagamma.fit_gamma_gamma(cal.frequency, cal.monetary_value)
    assert params.n == 946
    assert round(params.p, 2) == 6.25
    assert round(params.q, 2) == 3.74
    assert params.gamma == pytest.approx(15.44, abs=0.01)


def test_cdnow_holdout_diagnostics(cdnow):
    cal, holdout, length = cdnow
    params = bgnbd.fit_bgnbd(cal.frequency, cal.recency, cal.T)
    rows = bgnbd.holdout_diagnostics(params, cal, holdout, length)
    assert [r.label for r in rows] == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert [r.customers for r in rows] == [1411, 439, 214, 100, 62, 38, 29, 64]
    assert [round(r.actual, 2) for r in rows] == [0.24, 0.70, 1.39, 1.56, 2.53, 2.95, 3.86, 6.36]
    assert [round(r.predicted, 2) for r in rows] == [0.23, 0.52, 1.04, 1.52, 2.16, 2.65, 3.50, 6.16]
